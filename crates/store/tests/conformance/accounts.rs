//! Accounts of every kind, cluster households, uniqueness and CHECK rules, credentials.

use binhyen_domain::{AccountKind, AreaLevel, BusinessKind, Edition, Role, UnitKind};
use binhyen_store::accounts::{self, Account, Household, NewAccount};
use binhyen_store::sessions::Session;
use binhyen_store::{Store, StoreError};

use crate::support::{area, citizen, put_account, put_area, put_unit, unit, MISSING, NOW};

fn officer(phone: &str, name: &str, unit_id: i64, role: Role) -> NewAccount {
    NewAccount { kind: AccountKind::Officer, unit_id: Some(unit_id), role: Some(role), ..citizen(phone, name) }
}

fn household(head_name: &str, village_area_id: Option<i64>) -> Household {
    // `add_household` takes its position as an argument; id and position here are ignored.
    Household {
        id: 0,
        position: 0,
        head_name: head_name.to_owned(),
        address: "Buôn Ea KPam".to_owned(),
        village_area_id,
    }
}

pub async fn account_kinds_round_trip(store: Store) {
    let commune = put_area(&store, &area(Edition::Current2025, AreaLevel::Commune, "24181", "Xã Ea KPam")).await;
    let village = put_area(&store, &area(Edition::Local, AreaLevel::Village, "L1", "Buôn Ea KPam")).await;
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;

    let mut tx = store.begin().await.unwrap();
    let citizen_id = accounts::insert(
        &mut tx,
        &NewAccount { home_area_id: Some(commune), ..citizen("+84905000001", "H'Đào Niê") },
        NOW,
    )
    .await
    .unwrap();
    let officer_id = accounts::insert(&mut tx, &officer("+84905000002", "Trần Văn Bình", police, Role::Commander), NOW)
        .await
        .unwrap();
    let business = NewAccount {
        kind: AccountKind::Business,
        business_kind: Some(BusinessKind::Guesthouse),
        overseeing_unit_id: Some(police),
        ..citizen("+84905000003", "Nhà nghỉ Hoa Sữa")
    };
    let business_id = accounts::insert(&mut tx, &business, NOW).await.unwrap();
    let cluster = NewAccount {
        kind: AccountKind::Cluster,
        home_area_id: Some(village),
        ..citizen("+84905000004", "Liên gia Buôn Ea KPam")
    };
    let cluster_id = accounts::insert(&mut tx, &cluster, NOW).await.unwrap();
    // Positions added out of order; the list must come back by position, not by insertion.
    for position in [3, 1, 7, 2, 5, 4, 6] {
        let village_area_id = (position % 2 == 1).then_some(village);
        accounts::add_household(
            &mut tx,
            cluster_id,
            position,
            &household(&format!("Chủ hộ {position}"), village_area_id),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    assert_eq!(
        store.account(citizen_id).await.unwrap(),
        Account {
            id: citizen_id,
            kind: AccountKind::Citizen,
            phone: "+84905000001".to_owned(),
            display_name: "H'Đào Niê".to_owned(),
            password_hash: citizen("+84905000001", "").password_hash,
            home_area_id: Some(commune),
            unit_id: None,
            role: None,
            business_kind: None,
            overseeing_unit_id: None,
            totp_secret: None,
            totp_enabled: false,
            created_at_ms: NOW,
        }
    );
    let by_phone = store.account_by_phone("+84905000002").await.unwrap().expect("officer by phone");
    assert_eq!(
        (by_phone.id, by_phone.kind, by_phone.unit_id, by_phone.role),
        (officer_id, AccountKind::Officer, Some(police), Some(Role::Commander))
    );
    let business = store.account(business_id).await.unwrap();
    assert_eq!(
        (business.kind, business.business_kind, business.overseeing_unit_id, business.unit_id),
        (AccountKind::Business, Some(BusinessKind::Guesthouse), Some(police), None)
    );
    let cluster = store.account(cluster_id).await.unwrap();
    assert_eq!((cluster.kind, cluster.home_area_id), (AccountKind::Cluster, Some(village)));
    assert!(store.account_by_phone("+84999999999").await.unwrap().is_none());
    assert!(matches!(store.account(MISSING).await, Err(StoreError::NotFound)));
    assert_eq!(store.count_accounts().await.unwrap(), 4);

    let households = store.households(cluster_id).await.unwrap();
    assert_eq!(households.iter().map(|h| h.position).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(households[0].head_name, "Chủ hộ 1");
    assert_eq!(households[0].village_area_id, Some(village));
    assert_eq!(households[1].village_area_id, None);
    assert!(store.households(citizen_id).await.unwrap().is_empty());

    // One household per position in a cluster.
    let mut tx = store.begin().await.unwrap();
    let again = accounts::add_household(&mut tx, cluster_id, 4, &household("Người khác", None)).await;
    assert!(matches!(again, Err(StoreError::Conflict("household_position_taken"))), "got {again:?}");
    drop(tx);
    assert_eq!(store.households(cluster_id).await.unwrap()[3].head_name, "Chủ hộ 4");
}

pub async fn duplicate_phone_is_a_conflict_and_writes_nothing(store: Store) {
    let first = put_account(&store, &citizen("+84905000001", "Y Bhim")).await;
    assert_eq!(store.count_accounts().await.unwrap(), 1);

    let mut tx = store.begin().await.unwrap();
    // A write earlier in the same transaction, to show the conflict takes it down too.
    accounts::insert(&mut tx, &citizen("+84905000002", "H'Lan"), NOW).await.unwrap();
    let taken = accounts::insert(&mut tx, &citizen("+84905000001", "Someone else"), NOW).await;
    assert!(matches!(taken, Err(StoreError::Conflict("phone_taken"))), "got {taken:?}");
    drop(tx);

    assert_eq!(store.count_accounts().await.unwrap(), 1);
    assert!(store.account_by_phone("+84905000002").await.unwrap().is_none());
    let kept = store.account_by_phone("+84905000001").await.unwrap().unwrap();
    assert_eq!((kept.id, kept.display_name.as_str()), (first, "Y Bhim"));
    // A business cannot take a citizen's number either: uniqueness is across kinds.
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let mut tx = store.begin().await.unwrap();
    let taken = accounts::insert(&mut tx, &officer("+84905000001", "Cán bộ", police, Role::Officer), NOW).await;
    assert!(matches!(taken, Err(StoreError::Conflict("phone_taken"))), "got {taken:?}");
    drop(tx);
    // After the failures the store still takes writes.
    put_account(&store, &citizen("+84905000002", "H'Lan")).await;
    assert_eq!(store.count_accounts().await.unwrap(), 2);
}

pub async fn check_constraints_refuse_incomplete_accounts(store: Store) {
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let incomplete = [
        NewAccount { kind: AccountKind::Officer, role: Some(Role::Officer), ..citizen("+84905000001", "No unit") },
        NewAccount { kind: AccountKind::Officer, unit_id: Some(police), ..citizen("+84905000002", "No role") },
        NewAccount {
            kind: AccountKind::Business,
            business_kind: Some(BusinessKind::Pawnshop),
            ..citizen("+84905000003", "No overseeing unit")
        },
        NewAccount {
            kind: AccountKind::Business,
            overseeing_unit_id: Some(police),
            ..citizen("+84905000004", "No kind")
        },
    ];
    for account in &incomplete {
        // One transaction each: on PostgreSQL a failed statement poisons the rest of its transaction.
        let mut tx = store.begin().await.unwrap();
        let refused = accounts::insert(&mut tx, account, NOW).await;
        assert!(matches!(refused, Err(StoreError::Database(_))), "{}: got {refused:?}", account.display_name);
    }
    assert_eq!(store.count_accounts().await.unwrap(), 0);
    // The same rows made complete are accepted.
    put_account(&store, &officer("+84905000001", "Cán bộ", police, Role::Officer)).await;
    assert_eq!(store.count_accounts().await.unwrap(), 1);
}

pub async fn officers_of_unit_lists_only_its_officers(store: Store) {
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let other = put_unit(&store, &unit("CA-CD", UnitKind::CommunePolice, "Công an xã Cuôr Đăng")).await;
    let tran = put_account(&store, &officer("+84905000001", "Trần Văn Bình", police, Role::Officer)).await;
    let nguyen = put_account(&store, &officer("+84905000002", "Nguyễn Thị An", police, Role::Administrator)).await;
    put_account(&store, &officer("+84905000003", "Lê Văn Cường", other, Role::Commander)).await;
    // Not an officer, though linked to the unit: must not be listed.
    put_account(&store, &NewAccount { unit_id: Some(police), ..citizen("+84905000004", "Hoàng Thị Dung") }).await;
    put_account(
        &store,
        &NewAccount {
            kind: AccountKind::Business,
            business_kind: Some(BusinessKind::Pawnshop),
            overseeing_unit_id: Some(police),
            ..citizen("+84905000005", "Cầm đồ Phú Quý")
        },
    )
    .await;

    let officers = store.officers_of_unit(police).await.unwrap();
    assert_eq!(officers.iter().map(|a| a.id).collect::<Vec<_>>(), [nguyen, tran]);
    assert_eq!(officers[0].role, Some(Role::Administrator));
    assert_eq!(store.officers_of_unit(other).await.unwrap().len(), 1);
    assert!(store.officers_of_unit(MISSING).await.unwrap().is_empty());
}

pub async fn password_change_ends_sessions_and_totp_round_trips(store: Store) {
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let me = put_account(&store, &officer("+84905000001", "Trần Văn Bình", police, Role::Officer)).await;
    let other = put_account(&store, &citizen("+84905000002", "Y Bhim")).await;
    let session = |account_id, kind: &str| Session {
        account_id,
        kind: kind.to_owned(),
        stage: "full".to_owned(),
        created_at_ms: NOW,
        expires_at_ms: NOW + 86_400_000,
    };
    store.create_session("mine-web", &session(me, "web")).await.unwrap();
    store.create_session("mine-api", &session(me, "api")).await.unwrap();
    store.create_session("theirs", &session(other, "web")).await.unwrap();

    store.set_password_hash(me, "$argon2id$v=19$new").await.unwrap();
    assert_eq!(store.account(me).await.unwrap().password_hash, "$argon2id$v=19$new");
    // Every session of the account ends (a stolen cookie stops working); nobody else's does.
    assert!(matches!(store.session("mine-web").await, Err(StoreError::NotFound)));
    assert!(matches!(store.session("mine-api").await, Err(StoreError::NotFound)));
    assert_eq!(store.session("theirs").await.unwrap(), session(other, "web"));
    assert_ne!(store.account(other).await.unwrap().password_hash, "$argon2id$v=19$new");
    assert!(matches!(store.set_password_hash(MISSING, "x").await, Err(StoreError::NotFound)));

    // Enrolment started, then confirmed, then removed.
    store.set_totp(me, Some("JBSWY3DPEHPK3PXP"), false).await.unwrap();
    let a = store.account(me).await.unwrap();
    assert_eq!((a.totp_secret.as_deref(), a.totp_enabled), (Some("JBSWY3DPEHPK3PXP"), false));
    store.set_totp(me, Some("JBSWY3DPEHPK3PXP"), true).await.unwrap();
    let a = store.account(me).await.unwrap();
    assert_eq!((a.totp_secret.as_deref(), a.totp_enabled), (Some("JBSWY3DPEHPK3PXP"), true));
    store.set_totp(me, None, false).await.unwrap();
    let a = store.account(me).await.unwrap();
    assert_eq!((a.totp_secret, a.totp_enabled), (None, false));
    let b = store.account(other).await.unwrap();
    assert_eq!((b.totp_secret, b.totp_enabled), (None, false));
}
