//! Administrative areas: upsert, lookups across editions, the hierarchy, successor links and search.

use binhyen_domain::{AreaLevel, Edition};
use binhyen_store::areas::{self, Area, NewArea};
use binhyen_store::{Store, StoreError};
use time::macros::date;

use crate::support::{area, ids, put_area, MISSING, NOW};

/// A commune in Đắk Lắk whose name carries a precomposed "ã" (U+00E3) and an inner capital.
const EA_KPAM: &str = "Xã Ea KPam";

pub async fn area_upsert_updates_in_place(store: Store) {
    // The fixture itself is NFC, so "stored exactly" below means byte for byte what the caller normalised.
    assert_eq!(binhyen_text::normalize(EA_KPAM), EA_KPAM);
    assert!(EA_KPAM.contains('\u{e3}'));

    let first = area(Edition::Current2025, AreaLevel::Commune, "24181", EA_KPAM);
    let id = put_area(&store, &first).await;
    let stored = store.area(id).await.unwrap();
    assert_eq!(stored.name.as_bytes(), EA_KPAM.as_bytes());
    assert_eq!((stored.edition, stored.level, stored.code.as_deref()), (first.edition, first.level, Some("24181")));

    // An import run again with new details updates the same row: ids referenced elsewhere stay valid.
    let second = NewArea {
        name: "Xã Ea Kpăm".to_owned(),
        kind: "Xã".to_owned(),
        lat: Some(12.801_234_567),
        lon: Some(108.456_789_012),
        valid_from: Some(date!(2025 - 07 - 01)),
        valid_to: Some(date!(2030 - 01 - 01)),
        ..first.clone()
    };
    assert_eq!(put_area(&store, &second).await, id);
    assert_eq!(store.count_areas().await.unwrap(), 1);
    let updated = store.area(id).await.unwrap();
    assert_eq!(
        updated,
        Area {
            id,
            edition: Edition::Current2025,
            level: AreaLevel::Commune,
            code: Some("24181".to_owned()),
            kind: "Xã".to_owned(),
            name: "Xã Ea Kpăm".to_owned(),
            parent_id: None,
            lat: Some(12.801_234_567),
            lon: Some(108.456_789_012),
            valid_from: Some(date!(2025 - 07 - 01)),
            valid_to: Some(date!(2030 - 01 - 01)),
        }
    );
    // The folded name was refreshed with the name: the new spelling is what search sees.
    assert_eq!(ids(&store.search_areas("ea kpam", 10).await.unwrap(), |a| a.id), [id]);

    // Codes are unique only within an edition and a level: these are new areas.
    let legacy = put_area(&store, &area(Edition::Legacy, AreaLevel::Commune, "24181", EA_KPAM)).await;
    let district = put_area(&store, &area(Edition::Current2025, AreaLevel::District, "24181", "Huyện Lạ")).await;
    assert!(legacy != id && district != id && legacy != district);
    assert_eq!(store.count_areas().await.unwrap(), 3);
    assert!(matches!(store.area(MISSING).await, Err(StoreError::NotFound)));

    // An import writes areas without coordinates and areas with them through one connection. Done in one
    // transaction so the connection (and any statement it prepared for the first row) is surely the same:
    // sqlx's `Any` driver once made PostgreSQL refuse the second row here.
    let mut tx = store.begin().await.unwrap();
    let without =
        areas::upsert(&mut tx, &area(Edition::Local, AreaLevel::Village, "L1", "Buôn Ea KPam"), NOW).await.unwrap();
    let located = NewArea {
        lat: Some(12.75),
        lon: Some(108.5),
        ..area(Edition::Local, AreaLevel::Village, "L2", "Buôn Cuôr Đăng")
    };
    let with = areas::upsert(&mut tx, &located, NOW).await.unwrap();
    let cleared = areas::upsert(&mut tx, &NewArea { lat: None, lon: None, ..located.clone() }, NOW).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(cleared, with);
    assert_eq!(store.area(without).await.unwrap().lat, None);
    let with = store.area(with).await.unwrap();
    assert_eq!((with.lat, with.lon), (None, None));
}

pub async fn area_lookups_and_hierarchy(store: Store) {
    let province = put_area(&store, &area(Edition::Current2025, AreaLevel::Province, "66", "Tỉnh Đắk Lắk")).await;
    let commune = put_area(
        &store,
        &NewArea { parent_id: Some(province), ..area(Edition::Current2025, AreaLevel::Commune, "24181", EA_KPAM) },
    )
    .await;
    // Inserted after the commune but sorts before it by name: children come in name order, not id order.
    let ward = put_area(
        &store,
        &NewArea {
            parent_id: Some(province),
            ..area(Edition::Current2025, AreaLevel::Commune, "24100", "Phường Tân An")
        },
    )
    .await;
    let village = put_area(
        &store,
        &NewArea { parent_id: Some(commune), ..area(Edition::Local, AreaLevel::Village, "L1", "Buôn Ea KPam") },
    )
    .await;
    let legacy_province = put_area(&store, &area(Edition::Legacy, AreaLevel::Province, "66", "Tỉnh Đắk Lắk")).await;
    let legacy_district = put_area(
        &store,
        &NewArea {
            parent_id: Some(legacy_province),
            ..area(Edition::Legacy, AreaLevel::District, "645", "Huyện Cư M'gar")
        },
    )
    .await;
    let legacy_commune = put_area(
        &store,
        &NewArea {
            parent_id: Some(legacy_district),
            valid_to: Some(date!(2025 - 07 - 01)),
            ..area(Edition::Legacy, AreaLevel::Commune, "24181", EA_KPAM)
        },
    )
    .await;

    let by_key = store.area_by_key(Edition::Legacy, AreaLevel::Commune, "24181").await.unwrap();
    assert_eq!(
        (by_key.id, by_key.parent_id, by_key.valid_to),
        (legacy_commune, Some(legacy_district), Some(date!(2025 - 07 - 01)))
    );
    assert_eq!(store.area_by_key(Edition::Current2025, AreaLevel::Commune, "24181").await.unwrap().id, commune);
    assert!(matches!(store.area_by_key(Edition::Local, AreaLevel::Commune, "24181").await, Err(StoreError::NotFound)));

    // A code typed by a user may be from either list: both come back, the current one first.
    let same_code = store.areas_by_code("24181").await.unwrap();
    assert_eq!(ids(&same_code, |a| a.id), [commune, legacy_commune]);
    assert_eq!(same_code.iter().map(|a| a.edition).collect::<Vec<_>>(), [Edition::Current2025, Edition::Legacy]);
    assert_eq!(store.areas_by_code("66").await.unwrap().len(), 2);
    assert!(store.areas_by_code("99999").await.unwrap().is_empty());

    assert_eq!(ids(&store.area_children(province).await.unwrap(), |a| a.id), [ward, commune]);
    assert_eq!(ids(&store.area_children(legacy_district).await.unwrap(), |a| a.id), [legacy_commune]);
    assert!(store.area_children(village).await.unwrap().is_empty());

    assert_eq!(ids(&store.area_ancestors(village).await.unwrap(), |a| a.id), [village, commune, province]);
    assert_eq!(
        ids(&store.area_ancestors(legacy_commune).await.unwrap(), |a| a.id),
        [legacy_commune, legacy_district, legacy_province]
    );
    assert_eq!(ids(&store.area_ancestors(province).await.unwrap(), |a| a.id), [province]);
    assert!(matches!(store.area_ancestors(MISSING).await, Err(StoreError::NotFound)));
}

pub async fn area_successor_links(store: Store) {
    let legacy = |code: &str, name: &str| NewArea {
        valid_to: Some(date!(2025 - 07 - 01)),
        ..area(Edition::Legacy, AreaLevel::Commune, code, name)
    };
    let ea_kpam_old = put_area(&store, &legacy("24181", EA_KPAM)).await;
    let cuor_dang_old = put_area(&store, &legacy("24190", "Xã Cuôr Đăng")).await;
    let quang_phu_old = put_area(&store, &legacy("24175", "Thị trấn Quảng Phú")).await;
    let ea_kpam = put_area(&store, &area(Edition::Current2025, AreaLevel::Commune, "24181", EA_KPAM)).await;
    let tan_an = put_area(&store, &area(Edition::Current2025, AreaLevel::Commune, "24100", "Phường Tân An")).await;

    let mut tx = store.begin().await.unwrap();
    // Linked default-last and with a successor whose name sorts first: the order must come from is_default.
    areas::link_successor(&mut tx, ea_kpam_old, tan_an, true).await.unwrap();
    areas::link_successor(&mut tx, ea_kpam_old, ea_kpam, true).await.unwrap();
    // Linking the same pair again updates the flag instead of failing or duplicating the link.
    areas::link_successor(&mut tx, ea_kpam_old, tan_an, false).await.unwrap();
    areas::link_successor(&mut tx, cuor_dang_old, ea_kpam, false).await.unwrap();
    areas::link_successor(&mut tx, quang_phu_old, ea_kpam, true).await.unwrap();
    tx.commit().await.unwrap();

    let successors = store.area_successors(ea_kpam_old).await.unwrap();
    assert_eq!(successors.iter().map(|(a, d)| (a.id, *d)).collect::<Vec<_>>(), [(ea_kpam, true), (tan_an, false)]);
    assert_eq!(successors[0].0.name, EA_KPAM);
    assert!(store.area_successors(ea_kpam).await.unwrap().is_empty());

    // Defaults first, then by name ("thi tran quang phu" < "xa ea kpam").
    let predecessors = store.area_predecessors(ea_kpam).await.unwrap();
    assert_eq!(
        predecessors.iter().map(|(a, d)| (a.id, *d)).collect::<Vec<_>>(),
        [(quang_phu_old, true), (ea_kpam_old, true), (cuor_dang_old, false)]
    );
    assert_eq!(
        store.area_predecessors(tan_an).await.unwrap().iter().map(|(a, d)| (a.id, *d)).collect::<Vec<_>>(),
        [(ea_kpam_old, false)]
    );
}

pub async fn area_search_is_folded_and_literal(store: Store) {
    let commune = put_area(&store, &area(Edition::Current2025, AreaLevel::Commune, "24181", EA_KPAM)).await;
    let village = put_area(&store, &area(Edition::Local, AreaLevel::Village, "L1", "Buôn Ea KPam")).await;
    let old = put_area(
        &store,
        &NewArea {
            valid_to: Some(date!(2025 - 07 - 01)),
            ..area(Edition::Legacy, AreaLevel::Commune, "24181", EA_KPAM)
        },
    )
    .await;
    let underscore = put_area(&store, &area(Edition::Local, AreaLevel::Village, "L2", "Tổ 1_2")).await;
    let digits = put_area(&store, &area(Edition::Local, AreaLevel::Village, "L3", "Tổ 102")).await;

    // The folded query matches names with marks and capitals; current areas first, then shorter names.
    let found = store.search_areas(&binhyen_text::fold("Êa Kpăm"), 10).await.unwrap();
    assert_eq!(ids(&found, |a| a.id), [commune, village, old]);
    assert_eq!(found[0].name, EA_KPAM);
    assert_eq!(ids(&store.search_areas("ea kpam", 1).await.unwrap(), |a| a.id), [commune]);
    assert_eq!(ids(&store.search_areas("to 10", 10).await.unwrap(), |a| a.id), [digits]);

    // LIKE's wildcards in the query match themselves only.
    assert_eq!(ids(&store.search_areas("1_2", 10).await.unwrap(), |a| a.id), [underscore]);
    assert!(store.search_areas("%", 10).await.unwrap().is_empty());
    assert!(store.search_areas("ea%kpam", 10).await.unwrap().is_empty());
    assert!(store.search_areas("e_ kpam", 10).await.unwrap().is_empty());
    // The escape character itself is literal too (and is not left dangling at the end of the pattern).
    assert!(store.search_areas("\\", 10).await.unwrap().is_empty());
    assert!(store.search_areas("kpam\\", 10).await.unwrap().is_empty());
}
