//! The `alert-publish` benchmark's data set, also `binhyen bench-data alert-followers`: `followers` citizens
//! living inside Cư M'gar (spread over the 2025 commune itself and villages of the former Ea KPam, which went
//! into it) who all follow its police's page, on top of the demo. Inserted in transactions of `BATCH`.

use std::time::Instant;

use anyhow::Context;
use binhyen_domain::AccountKind;
use binhyen_store::accounts::{self, NewAccount};
use binhyen_store::pages;
use binhyen_store::Store;

/// The page and the area of the demo the benchmark alerts.
pub const UNIT: &str = "ca-xa-cu-mgar-2025";
/// Demo citizens whose homes (villages of the former Ea KPam) the followers share.
const NEIGHBOURS: [&str; 2] = ["+84399000001", "+84399000002"];
const BATCH: usize = 10_000;

/// What was generated.
pub struct Followers {
    pub unit_id: i64,
    /// The area alerts target: the unit's 2025 commune.
    pub area_id: i64,
    /// The homes the followers were given (all inside `area_id`).
    pub homes: Vec<i64>,
    pub count: usize,
    pub seconds: f64,
}

pub async fn generate(store: &Store, followers: usize, now_ms: i64) -> anyhow::Result<Followers> {
    let started = Instant::now();
    let err = |e: binhyen_store::StoreError| anyhow::anyhow!("{e}");
    let unit = store.unit_by_code(UNIT).await.map_err(err).context("the demo's Cư M'gar police (run the demo)")?;
    let area_id = store.unit_jurisdiction(unit.id).await.map_err(err)?.first().context("Cư M'gar's area")?.id;
    let mut homes = vec![area_id];
    for phone in NEIGHBOURS {
        let neighbour = store.account_by_phone(phone).await.map_err(err)?.context("a demo citizen")?;
        homes.extend(neighbour.home_area_id);
    }
    let mut done = 0usize;
    while done < followers {
        let mut tx = store.begin().await.map_err(err)?;
        let mut follows = Vec::with_capacity(BATCH);
        for _ in 0..BATCH.min(followers - done) {
            let mut account = NewAccount::new(
                AccountKind::Citizen,
                format!("+84393{done:06}"),
                format!("Người dân Cư M'gar {}", done + 1),
                // Never signed in to: any text does.
                "bench-no-password".to_owned(),
            );
            account.home_area_id = Some(homes[done % homes.len()]);
            let id = accounts::insert(&mut tx, &account, now_ms).await.map_err(err).context("inserting a citizen")?;
            follows.push((id, unit.id));
            done += 1;
        }
        pages::insert_follows_many(&mut tx, &follows, now_ms).await.map_err(err).context("inserting follows")?;
        tx.commit().await.map_err(err)?;
    }
    store.analyze().await.map_err(err).context("analysing the tables")?;
    Ok(Followers { unit_id: unit.id, area_id, homes, count: done, seconds: started.elapsed().as_secs_f64() })
}
