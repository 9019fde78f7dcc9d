//! Importing the official area lists and building the Đắk Lắk demo, on a real SQLite file.

use std::sync::Arc;
use std::time::Instant;

use binhyen_core::import::{embedded_legacy_mapping, embedded_wards_2025, import_areas};
use binhyen_core::{Core, CoreError, KeyRing, ManualClock, OsRandom, Policy, Store, TestInstant};
use binhyen_domain::{AccountKind, AreaLevel, Edition, Invalid, PhoneNumber, Role, UnitKind};
use time::macros::date;

/// A fresh database, a core over it, and the test's own handle to the store (to look at what was written).
async fn fresh() -> (tempfile::TempDir, Core, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite:{}", dir.path().join("t.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    let core = Core::new(
        store.clone(),
        Arc::new(ManualClock::new(TestInstant::DEFAULT.at)),
        Arc::new(OsRandom),
        Policy::default(),
    );
    (dir, core.with_keys(KeyRing::for_tests()), store)
}

async fn import(core: &Core) -> Result<binhyen_core::import::ImportReport, CoreError> {
    import_areas(core, embedded_wards_2025(), embedded_legacy_mapping(), &|_, _| {}).await
}

#[tokio::test]
async fn imports_both_editions_with_successors() {
    let (_dir, core, store) = fresh().await;
    let last = std::sync::Mutex::new((0, 0));
    #[allow(clippy::disallowed_methods)] // Reports how long the work took, in real time; no rule reads it.
    let started = Instant::now();
    let report = import_areas(&core, embedded_wards_2025(), embedded_legacy_mapping(), &|done, total| {
        *last.lock().unwrap() = (done, total);
    })
    .await
    .unwrap();
    eprintln!("import: {:?} in {:?}", report, started.elapsed());
    let (done, total) = *last.lock().unwrap();
    assert_eq!(done, total, "progress reaches its total");
    assert_eq!(report.provinces, 34 + 63);
    assert_eq!(report.districts, 691);
    assert_eq!(report.communes, 3321 + 10035);

    let s = &store;
    assert_eq!(s.areas_at_level(Edition::Current2025, AreaLevel::Province).await.unwrap().len(), 34);
    let cu_mgar = s.area_by_key(Edition::Legacy, AreaLevel::District, "648").await.unwrap();
    assert_eq!(cu_mgar.name, "Huyện Cư M'gar");
    assert_eq!(cu_mgar.kind, "Huyện");
    let communes = s.area_children(cu_mgar.id).await.unwrap();
    assert_eq!(communes.len(), 17);
    assert!(communes.iter().all(|c| c.valid_to == Some(date!(2025 - 07 - 01)) && c.valid_from.is_none()));

    let ea_kpam = s.area_by_key(Edition::Legacy, AreaLevel::Commune, "24280").await.unwrap();
    assert_eq!((ea_kpam.name.as_str(), ea_kpam.kind.as_str()), ("Xã Ea KPam", "Xã"));
    let successors = s.area_successors(ea_kpam.id).await.unwrap();
    let (next, is_default) = &successors[0];
    assert!(is_default);
    assert_eq!(
        (next.edition, next.code.as_deref(), next.name.as_str()),
        (Edition::Current2025, Some("24280"), "Xã Cư M'gar")
    );
    assert_eq!((ea_kpam.lat, ea_kpam.lon), (next.lat, next.lon), "an old commune borrows its successor's centre");
    assert_eq!(next.valid_from, Some(date!(2025 - 07 - 01)));

    let tan_loi = s.area_by_key(Edition::Legacy, AreaLevel::Commune, "24136").await.unwrap();
    let successors = s.area_successors(tan_loi.id).await.unwrap();
    assert_eq!(successors[0].0.name, "Phường Buôn Ma Thuột");
    assert_eq!(successors[0].0.code.as_deref(), Some("24133"));

    // Đắk Lắk and Phú Yên became the 2025 Đắk Lắk.
    let dak_lak = s.area_by_key(Edition::Current2025, AreaLevel::Province, "66").await.unwrap();
    let before = s.area_predecessors(dak_lak.id).await.unwrap();
    let names: Vec<_> =
        before.iter().filter(|(a, _)| a.level == AreaLevel::Province).map(|(a, _)| a.name.as_str()).collect();
    assert_eq!(names, ["Tỉnh Đắk Lắk", "Tỉnh Phú Yên"]);
}

#[tokio::test]
async fn reimport_changes_nothing_and_bad_files_write_nothing() {
    let (_dir, core, store) = fresh().await;
    let mut bad = embedded_legacy_mapping().to_vec();
    // The last row names a 2025 ward that does not exist: refused before anything is written.
    bad.extend_from_slice(
        "66,648,99999,Tỉnh Đắk Lắk,Huyện Cư M'gar,Xã Ma,66,00000,Tỉnh Đắk Lắk,Xã Ma,merged,True\n".as_bytes(),
    );
    let malformed =
        |r: Result<_, CoreError>| matches!(r, Err(CoreError::Invalid(i)) if i == Invalid::new("csv", "malformed_csv"));
    assert!(malformed(import_areas(&core, embedded_wards_2025(), &bad[..], &|_, _| {}).await));
    assert_eq!(store.count_areas().await.unwrap(), 0);

    let first = import(&core).await.unwrap();
    let areas = store.count_areas().await.unwrap();
    assert_eq!(areas, 34 + 3321 + 63 + 691 + 10035);
    #[allow(clippy::disallowed_methods)] // Reports how long the work took, in real time; no rule reads it.
    let started = Instant::now();
    let second = import(&core).await.unwrap();
    eprintln!("re-import: {:?}", started.elapsed());
    assert_eq!(first, second);
    assert_eq!(store.count_areas().await.unwrap(), areas);

    let bad_number = b"province_code,province,ward_code,ward,ward_type,lat,lon,area_km2\n\
                       01,Th\xc3\xa0nh ph\xe1\xbb\x91 H\xc3\xa0 N\xe1\xbb\x99i,00004,Ph\xc6\xb0\xe1\xbb\x9dng Ba \xc4\x90\xc3\xacnh,Ph\xc6\xb0\xe1\xbb\x9dng,north,105.8,2.97\n";
    assert!(malformed(import_areas(&core, &bad_number[..], embedded_legacy_mapping(), &|_, _| {}).await));
    assert!(malformed(import_areas(&core, &b"not,a,csv\n"[..], embedded_legacy_mapping(), &|_, _| {}).await));
    assert_eq!(store.count_areas().await.unwrap(), areas);
    let ea_kpam = store.area_by_key(Edition::Legacy, AreaLevel::Commune, "24280").await.unwrap();
    assert_eq!(store.area_successors(ea_kpam.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn demo_builds_the_dak_lak_story() {
    let (_dir, core, store) = fresh().await;
    #[allow(clippy::disallowed_methods)] // Reports how long the work took, in real time; no rule reads it.
    let started = Instant::now();
    let report = binhyen_core::demo::build(&core).await.unwrap();
    eprintln!(
        "demo: {} units, {} areas, {} accounts in {:?}",
        report.units,
        report.areas,
        report.accounts,
        started.elapsed()
    );
    let s = &store;

    let province = s.unit_by_code("ca-tinh-dak-lak").await.unwrap();
    assert_eq!((province.name.as_str(), province.kind), ("Công an tỉnh Đắk Lắk", UnitKind::ProvincePolice));
    assert_eq!(s.unit_jurisdiction(province.id).await.unwrap().len(), 2, "legacy and 2025 Đắk Lắk");
    assert!(province.contact.hours.is_some() && province.contact.phone.as_deref().unwrap().starts_with("0262 3"));
    let mobile = s.unit_by_code("pcsd-dak-lak").await.unwrap();
    assert_eq!((mobile.kind, mobile.parent_id), (UnitKind::MobilePolice, Some(province.id)));

    let district = s.unit_by_code("ca-huyen-cu-mgar").await.unwrap();
    assert_eq!(district.name, "Công an huyện Cư M'Gar");
    assert_eq!(district.valid_to, Some(date!(2025 - 03 - 01)));
    let children: Vec<_> =
        s.all_units().await.unwrap().into_iter().filter(|u| u.parent_id == Some(district.id)).collect();
    let count = |kind| children.iter().filter(|u| u.kind == kind).count();
    assert_eq!((count(UnitKind::Team), count(UnitKind::YouthUnion), count(UnitKind::CommunePolice)), (3, 1, 17));
    assert!(children.iter().any(|u| u.name == "Đoàn Thanh niên Công an huyện Cư M'Gar"));
    assert!(children.iter().any(|u| u.name == "Công an thị trấn Quảng Phú"));

    let ea_kpam_unit = s.unit_by_code("ca-xa-ea-kpam").await.unwrap();
    assert_eq!(ea_kpam_unit.name, "Công an xã Ea KPam");
    assert_eq!(ea_kpam_unit.valid_to, Some(date!(2025 - 07 - 01)));
    let cu_mgar_unit = s.unit_by_code("ca-xa-cu-mgar-2025").await.unwrap();
    assert_eq!(cu_mgar_unit.name, "Công an xã Cư M'gar");
    assert_eq!((cu_mgar_unit.parent_id, cu_mgar_unit.valid_from), (Some(province.id), Some(date!(2025 - 07 - 01))));
    assert_eq!(ea_kpam_unit.successor_id, Some(cu_mgar_unit.id));
    let tan_loi_unit = s.unit_by_code("ca-phuong-tan-loi").await.unwrap();
    let bmt_ward_unit = s.unit_by_code("ca-phuong-buon-ma-thuot-2025").await.unwrap();
    assert_eq!(bmt_ward_unit.name, "Công an phường Buôn Ma Thuột");
    assert_eq!(tan_loi_unit.successor_id, Some(bmt_ward_unit.id));
    let city = s.unit_by_code("ca-tp-buon-ma-thuot").await.unwrap();
    assert_eq!(tan_loi_unit.parent_id, Some(city.id));

    // Who answers for Ea KPam: its own police in 2020, the merged commune's police after the reform.
    let ea_kpam = s.area_by_key(Edition::Legacy, AreaLevel::Commune, "24280").await.unwrap();
    let in_2020 = s.responsible_unit(ea_kpam.id, date!(2020 - 06 - 17)).await.unwrap().unwrap();
    assert_eq!(in_2020.id, ea_kpam_unit.id);
    let (successor, _) = s.area_successors(ea_kpam.id).await.unwrap().remove(0);
    let in_2026 = s.responsible_unit(successor.id, date!(2026 - 01 - 01)).await.unwrap().unwrap();
    assert_eq!(in_2026.id, cu_mgar_unit.id);

    let villages = s.area_children(ea_kpam.id).await.unwrap();
    let bling = villages.iter().find(|v| v.name == "Buôn Bling").expect("buôn Bling");
    assert_eq!((bling.edition, bling.level, bling.kind.as_str()), (Edition::Local, AreaLevel::Village, "Buôn"));
    assert!(villages.iter().any(|v| v.name == "Thôn 8" && v.kind == "Thôn"));

    let account_of = |needle: &str| {
        let sign_in = report.sign_ins.iter().find(|x| x.who.contains(needle)).unwrap_or_else(|| panic!("{needle}"));
        assert_eq!(sign_in.password, "binhyen-demo");
        PhoneNumber::parse(&sign_in.phone_national).unwrap().e164().to_owned()
    };
    let dao = s.account_by_phone(&account_of("H'Đào Niê")).await.unwrap().unwrap();
    assert_eq!((dao.display_name.as_str(), dao.home_area_id), ("H'Đào Niê", Some(bling.id)));
    let cluster = s.account_by_phone(&account_of("Cụm 7 hộ")).await.unwrap().unwrap();
    assert_eq!(cluster.kind, AccountKind::Cluster);
    let households = s.households(cluster.id).await.unwrap();
    assert_eq!(households.len(), 7);
    assert!(households.iter().all(|h| h.village_area_id == Some(bling.id) && h.address.contains("buôn Bling")));
    assert_eq!(households[0].head_name, "Y Khoa Niê");
    let pawnshop = s.account_by_phone(&account_of("Minh Phát")).await.unwrap().unwrap();
    assert_eq!(pawnshop.overseeing_unit_id, Some(ea_kpam_unit.id));
    let admin = s.account_by_phone(&account_of("Quản trị viên")).await.unwrap().unwrap();
    assert_eq!((admin.unit_id, admin.role), (Some(province.id), Some(Role::Administrator)));
    assert_eq!(report.sign_ins.len() as u64, report.accounts);
    let mut roles = Vec::new();
    for x in &report.sign_ins {
        let phone = PhoneNumber::parse(&x.phone_national).unwrap();
        roles.extend(s.account_by_phone(phone.e164()).await.unwrap().unwrap().role);
    }
    for role in [Role::Officer, Role::Commander, Role::Administrator] {
        assert!(roles.contains(&role), "an officer with role {role:?}");
    }

    // A second run refuses rather than mixing demo data twice.
    assert!(matches!(binhyen_core::demo::build(&core).await, Err(CoreError::Conflict { code: "store_not_empty", .. })));
}
