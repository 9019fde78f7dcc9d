//! Police units: insert and lookups, the unit tree, jurisdictions, contact details and search.

use binhyen_domain::{AreaLevel, Edition, UnitKind};
use binhyen_store::units::{self, Contact, NewUnit, Unit};
use binhyen_store::{Store, StoreError};
use time::macros::date;

use crate::support::{area, ids, put_area, put_jurisdiction, put_unit, unit, MISSING, NOW};

pub async fn unit_insert_lookup_and_tree(store: Store) {
    let contact = Contact {
        address: Some("2 Nguyễn Tất Thành, Buôn Ma Thuột".to_owned()),
        phone: Some("0262 3852 301".to_owned()),
        email: None,
        hours: Some("7:00–17:00, thứ Hai – thứ Sáu".to_owned()),
    };
    let province = put_unit(
        &store,
        &NewUnit {
            contact: contact.clone(), ..unit("CA-DLK", UnitKind::ProvincePolice, "Công an tỉnh Đắk Lắk")
        },
    )
    .await;
    let district = put_unit(
        &store,
        &NewUnit {
            parent_id: Some(province),
            valid_to: Some(date!(2025 - 03 - 01)),
            ..unit("CA-CMG", UnitKind::DistrictPolice, "Công an huyện Cư M'gar")
        },
    )
    .await;
    let commune = put_unit(
        &store,
        &NewUnit {
            parent_id: Some(district),
            valid_from: Some(date!(2008 - 01 - 01)),
            ..unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")
        },
    )
    .await;

    let expected = Unit {
        id: commune,
        code: "CA-EKP".to_owned(),
        kind: UnitKind::CommunePolice,
        name: "Công an xã Ea KPam".to_owned(),
        parent_id: Some(district),
        contact: Contact::default(),
        valid_from: Some(date!(2008 - 01 - 01)),
        valid_to: None,
        successor_id: None,
    };
    assert_eq!(store.unit(commune).await.unwrap(), expected);
    assert_eq!(store.unit_by_code("CA-EKP").await.unwrap(), expected);
    let top = store.unit_by_code("CA-DLK").await.unwrap();
    assert_eq!((top.id, top.kind, top.contact), (province, UnitKind::ProvincePolice, contact));
    assert!(matches!(store.unit_by_code("CA-NONE").await, Err(StoreError::NotFound)));
    assert!(matches!(store.unit(MISSING).await, Err(StoreError::NotFound)));

    // A code already in use is a named conflict, whatever else differs.
    let mut tx = store.begin().await.unwrap();
    let taken = units::insert(&mut tx, &unit("CA-EKP", UnitKind::Team, "Đội khác"), NOW).await;
    assert!(matches!(taken, Err(StoreError::Conflict("unit_code_taken"))), "got {taken:?}");
    drop(tx);
    // A parent that does not exist is refused (foreign keys are enforced on SQLite too).
    let mut tx = store.begin().await.unwrap();
    let orphan =
        units::insert(&mut tx, &NewUnit { parent_id: Some(MISSING), ..unit("CA-X", UnitKind::Team, "Đội") }, NOW).await;
    assert!(matches!(orphan, Err(StoreError::NotFound)), "got {orphan:?}");
    drop(tx);
    assert_eq!(store.all_units().await.unwrap().len(), 3);

    assert_eq!(store.unit_ancestors(commune).await.unwrap(), [commune, district, province]);
    assert_eq!(store.unit_ancestors(province).await.unwrap(), [province]);
    assert!(matches!(store.unit_ancestors(MISSING).await, Err(StoreError::NotFound)));

    // The dissolved district unit hands over to the province.
    let mut tx = store.begin().await.unwrap();
    units::set_successor(&mut tx, district, province).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.unit(district).await.unwrap().successor_id, Some(province));
}

pub async fn unit_jurisdiction_contact_and_search(store: Store) {
    let ea_kpam = put_area(&store, &area(Edition::Current2025, AreaLevel::Commune, "24181", "Xã Ea KPam")).await;
    let cuor_dang = put_area(&store, &area(Edition::Current2025, AreaLevel::Commune, "24190", "Xã Cuôr Đăng")).await;
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let team = put_unit(&store, &unit("DOI-EKP", UnitKind::Team, "Đội Cảnh sát khu vực Ea KPam")).await;

    let mut tx = store.begin().await.unwrap();
    units::add_jurisdiction(&mut tx, police, ea_kpam).await.unwrap();
    units::add_jurisdiction(&mut tx, police, cuor_dang).await.unwrap();
    // Adding what is already there is not an error (imports and admin screens repeat themselves).
    units::add_jurisdiction(&mut tx, police, ea_kpam).await.unwrap();
    tx.commit().await.unwrap();
    put_jurisdiction(&store, police, ea_kpam).await;
    put_jurisdiction(&store, team, ea_kpam).await;

    // By folded name: "xa cuor dang" < "xa ea kpam"; no duplicate from the repeated add.
    assert_eq!(ids(&store.unit_jurisdiction(police).await.unwrap(), |a| a.id), [cuor_dang, ea_kpam]);
    assert_eq!(ids(&store.unit_jurisdiction(team).await.unwrap(), |a| a.id), [ea_kpam]);
    assert!(store.unit_jurisdiction(MISSING).await.unwrap().is_empty());
    // Any kind of unit, ordered by folded name ("cong an ..." < "doi canh sat ...": Đ folds to d).
    assert_eq!(ids(&store.units_for_area(ea_kpam).await.unwrap(), |u| u.id), [police, team]);
    assert_eq!(ids(&store.units_for_area(cuor_dang).await.unwrap(), |u| u.id), [police]);

    let contact = Contact {
        address: Some("Thôn 3, xã Ea KPam".to_owned()),
        phone: Some("0262 3834 113".to_owned()),
        email: Some("ca.eakpam@example.vn".to_owned()),
        hours: Some("Cả ngày".to_owned()),
    };
    store.update_unit_contact(police, &contact).await.unwrap();
    assert_eq!(store.unit(police).await.unwrap().contact, contact);
    assert_eq!(store.unit(team).await.unwrap().contact, Contact::default());
    // Clearing is an update like any other: every field goes back to NULL.
    store.update_unit_contact(police, &Contact::default()).await.unwrap();
    assert_eq!(store.unit(police).await.unwrap().contact, Contact::default());
    assert!(matches!(store.update_unit_contact(MISSING, &contact).await, Err(StoreError::NotFound)));

    // Shorter names first; the folded query finds names with marks; wildcards are literal.
    assert_eq!(ids(&store.search_units("ea kpam", 10).await.unwrap(), |u| u.id), [police, team]);
    assert_eq!(ids(&store.search_units("ea kpam", 1).await.unwrap(), |u| u.id), [police]);
    assert_eq!(ids(&store.search_units(&binhyen_text::fold("Đội"), 10).await.unwrap(), |u| u.id), [team]);
    assert!(store.search_units("%", 10).await.unwrap().is_empty());
    assert!(store.search_units("cong_an", 10).await.unwrap().is_empty());
}
