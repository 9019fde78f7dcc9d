//! Which unit is responsible for a place on a day: the most specific territorial unit in force, walking up
//! the area hierarchy. Tips are routed by this answer, so each rule gets its own case.

use binhyen_domain::{AreaLevel, Edition, UnitKind};
use binhyen_store::areas::NewArea;
use binhyen_store::units::NewUnit;
use binhyen_store::Store;
use time::macros::date;
use time::Date;

use crate::support::{area, put_area, put_jurisdiction, put_unit, unit};

/// Province > legacy district > legacy commune > village, and the units of the first three.
struct Tree {
    province: i64,
    district: i64,
    commune: i64,
    /// No unit of its own: always answered by an ancestor's.
    village: i64,
    province_police: i64,
    /// Valid until 2025-03-01 (exclusive), when district police were dissolved.
    district_police: i64,
    /// Valid until 2025-07-01 (exclusive), when the legacy commune ceased to exist.
    commune_police: i64,
    team: i64,
}

async fn tree(store: &Store) -> Tree {
    let province = put_area(store, &area(Edition::Current2025, AreaLevel::Province, "66", "Tỉnh Đắk Lắk")).await;
    let district = put_area(
        store,
        &NewArea {
            parent_id: Some(province), ..area(Edition::Legacy, AreaLevel::District, "645", "Huyện Cư M'gar")
        },
    )
    .await;
    let commune = put_area(
        store,
        &NewArea { parent_id: Some(district), ..area(Edition::Legacy, AreaLevel::Commune, "24181", "Xã Ea KPam") },
    )
    .await;
    let village = put_area(
        store,
        &NewArea { parent_id: Some(commune), ..area(Edition::Local, AreaLevel::Village, "L1", "Buôn Ea KPam") },
    )
    .await;

    // The team is inserted first, so it has the lowest id: if teams were not excluded by kind, it would win
    // the tie at the commune level.
    let team = put_unit(store, &unit("DOI-EKP", UnitKind::Team, "Đội Cảnh sát khu vực Ea KPam")).await;
    let province_police = put_unit(store, &unit("CA-DLK", UnitKind::ProvincePolice, "Công an tỉnh Đắk Lắk")).await;
    let district_police = put_unit(
        store,
        &NewUnit {
            parent_id: Some(province_police),
            valid_to: Some(date!(2025 - 03 - 01)),
            ..unit("CA-CMG", UnitKind::DistrictPolice, "Công an huyện Cư M'gar")
        },
    )
    .await;
    let commune_police = put_unit(
        store,
        &NewUnit {
            parent_id: Some(district_police),
            valid_to: Some(date!(2025 - 07 - 01)),
            ..unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")
        },
    )
    .await;
    put_jurisdiction(store, province_police, province).await;
    put_jurisdiction(store, district_police, district).await;
    put_jurisdiction(store, team, commune).await;
    put_jurisdiction(store, commune_police, commune).await;

    Tree { province, district, commune, village, province_police, district_police, commune_police, team }
}

async fn responsible(store: &Store, area_id: i64, day: Date) -> Option<i64> {
    store.responsible_unit(area_id, day).await.unwrap().map(|u| u.id)
}

pub async fn responsible_unit_prefers_most_specific_territorial(store: Store) {
    let t = tree(&store).await;
    let day = date!(2020 - 06 - 17);

    // The village has no unit: its commune's police answer, not the district's or province's above it,
    // and never the team that shares the commune.
    let unit = store.responsible_unit(t.village, day).await.unwrap().expect("a responsible unit");
    assert_eq!(unit.id, t.commune_police);
    assert_eq!(unit.kind, UnitKind::CommunePolice);
    assert_ne!(unit.id, t.team);
    assert_eq!(responsible(&store, t.commune, day).await, Some(t.commune_police));
    assert_eq!(responsible(&store, t.district, day).await, Some(t.district_police));
    assert_eq!(responsible(&store, t.province, day).await, Some(t.province_police));

    // An area outside any jurisdiction has no responsible unit (rather than an error or a random one).
    let elsewhere = put_area(&store, &area(Edition::Current2025, AreaLevel::Province, "67", "Tỉnh Đắk Nông")).await;
    assert_eq!(responsible(&store, elsewhere, day).await, None);
    // A unit whose only jurisdiction is the team's is not enough either.
    let only_team = put_area(&store, &area(Edition::Local, AreaLevel::Village, "L9", "Buôn Đôn")).await;
    put_jurisdiction(&store, t.team, only_team).await;
    assert_eq!(responsible(&store, only_team, day).await, None);
}

pub async fn responsible_unit_validity_is_half_open(store: Store) {
    let t = tree(&store).await;

    // District police: in force on their last day, gone on `valid_to` itself.
    assert_eq!(responsible(&store, t.district, date!(2025 - 02 - 28)).await, Some(t.district_police));
    assert_eq!(responsible(&store, t.district, date!(2025 - 03 - 01)).await, Some(t.province_police));
    // Commune police outlive the district's; the commune is theirs until 2025-07-01 (exclusive).
    assert_eq!(responsible(&store, t.commune, date!(2025 - 03 - 01)).await, Some(t.commune_police));
    assert_eq!(responsible(&store, t.commune, date!(2025 - 06 - 30)).await, Some(t.commune_police));
    assert_eq!(responsible(&store, t.commune, date!(2025 - 07 - 01)).await, Some(t.province_police));
    // After both expired, the walk goes past them to the province police.
    assert_eq!(responsible(&store, t.commune, date!(2025 - 08 - 01)).await, Some(t.province_police));
    assert_eq!(responsible(&store, t.village, date!(2025 - 08 - 01)).await, Some(t.province_police));
    // Text comparison of ISO dates must also hold across years.
    assert_eq!(responsible(&store, t.village, date!(2031 - 01 - 01)).await, Some(t.province_police));
    assert_eq!(responsible(&store, t.village, date!(1999 - 12 - 31)).await, Some(t.commune_police));
}

pub async fn responsible_unit_ignores_units_not_yet_in_force(store: Store) {
    let t = tree(&store).await;
    let successor = put_unit(
        &store,
        &NewUnit {
            valid_from: Some(date!(2025 - 09 - 01)),
            ..unit("CA-EKP-2025", UnitKind::CommunePolice, "Công an xã Ea KPam (mới)")
        },
    )
    .await;
    put_jurisdiction(&store, successor, t.commune).await;

    // Before it starts, the gap after the old commune police is covered from above.
    assert_eq!(responsible(&store, t.commune, date!(2025 - 08 - 01)).await, Some(t.province_police));
    assert_eq!(responsible(&store, t.village, date!(2025 - 08 - 31)).await, Some(t.province_police));
    // From its first day (inclusive) it is the most specific unit again.
    assert_eq!(responsible(&store, t.village, date!(2025 - 09 - 01)).await, Some(successor));
    // And it does not reach back into the past.
    assert_eq!(responsible(&store, t.village, date!(2020 - 06 - 17)).await, Some(t.commune_police));
}
