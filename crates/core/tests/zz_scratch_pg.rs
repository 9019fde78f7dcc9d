//! Scratch: import + demo on PostgreSQL (deleted after the run).
use std::sync::Arc;
use std::time::Instant;
use binhyen_core::{Core, OsRandom, Policy, Store, SystemClock};
#[tokio::test]
async fn pg() {
    let store = Store::connect("postgres://postgres@127.0.0.1:5432/binhyen_importcheck_12755").await.unwrap();
    store.migrate().await.unwrap();
    let core = Core::new(store, Arc::new(SystemClock), Arc::new(OsRandom), Policy::default());
    let t = Instant::now();
    let r = binhyen_core::demo::build(&core).await.unwrap();
    eprintln!("pg demo {:?} {} {} {}", t.elapsed(), r.units, r.areas, r.accounts);
    let t = Instant::now();
    let r = binhyen_core::import::import_areas(&core, binhyen_core::import::embedded_wards_2025(), binhyen_core::import::embedded_legacy_mapping(), &|_, _| {}).await.unwrap();
    eprintln!("pg reimport {:?} {:?}", t.elapsed(), r);
    let a = core.store.area_by_key(binhyen_domain::Edition::Legacy, binhyen_domain::AreaLevel::Commune, "24280").await.unwrap();
    let u = core.store.responsible_unit(a.id, time::macros::date!(2020 - 06 - 17)).await.unwrap().unwrap();
    eprintln!("{} {:?}", u.name, core.store.area_successors(a.id).await.unwrap()[0].0.name);
}
