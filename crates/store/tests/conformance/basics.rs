//! Opening, migrating, transactions, concurrency, durability, and the small key → value tables.

use std::collections::HashSet;

use binhyen_domain::{AreaLevel, Edition};
use binhyen_store::throttle::Failures;
use binhyen_store::{accounts, areas, Store, StoreError};

use crate::support::{area, citizen, put_account, put_area, NOW};

pub async fn migrate_is_idempotent_and_ping_answers(store: Store) {
    // The harness has migrated once already; a restart migrates again and must neither fail nor lose data.
    put_area(&store, &area(Edition::Current2025, AreaLevel::Province, "66", "Tỉnh Đắk Lắk")).await;
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
    assert_eq!(store.count_areas().await.unwrap(), 1);
    assert_eq!(store.count_accounts().await.unwrap(), 0);
}

pub async fn dropped_tx_leaves_nothing(store: Store) {
    let kept = put_area(&store, &area(Edition::Current2025, AreaLevel::Province, "66", "Tỉnh Đắk Lắk")).await;

    {
        let mut tx = store.begin().await.unwrap();
        let id = areas::upsert(&mut tx, &area(Edition::Current2025, AreaLevel::Commune, "24181", "Xã Ea KPam"), NOW)
            .await
            .unwrap();
        assert_ne!(id, kept);
        accounts::insert(&mut tx, &citizen("+84905000001", "Y Bhim"), NOW).await.unwrap();
        // A request that fails after writing: the transaction goes out of scope without `commit`.
    }

    assert_eq!(store.count_areas().await.unwrap(), 1);
    assert_eq!(store.count_accounts().await.unwrap(), 0);
    assert!(matches!(
        store.area_by_key(Edition::Current2025, AreaLevel::Commune, "24181").await,
        Err(StoreError::NotFound)
    ));
    assert!(store.account_by_phone("+84905000001").await.unwrap().is_none());

    // The rolled-back connection went back to the pool usable: on SQLite it is the only writer, so a
    // transaction left open on it would block every later write.
    let id = put_area(&store, &area(Edition::Current2025, AreaLevel::Commune, "24181", "Xã Ea KPam")).await;
    assert_eq!(store.area(id).await.unwrap().name, "Xã Ea KPam");
    assert_eq!(store.count_areas().await.unwrap(), 2);
}

pub async fn settings_round_trip(store: Store) {
    assert_eq!(store.setting("site_name").await.unwrap(), None);
    store.set_setting("site_name", "Bình Yên Đắk Lắk").await.unwrap();
    store.set_setting("hotline", "113").await.unwrap();
    assert_eq!(store.setting("site_name").await.unwrap().as_deref(), Some("Bình Yên Đắk Lắk"));

    // Setting a key again replaces its value (no duplicate-key error, no second row).
    store.set_setting("site_name", "Bình Yên Buôn Ma Thuột").await.unwrap();
    assert_eq!(store.setting("site_name").await.unwrap().as_deref(), Some("Bình Yên Buôn Ma Thuột"));
    assert_eq!(store.setting("hotline").await.unwrap().as_deref(), Some("113"));
    // An empty value is a value, not an absence.
    store.set_setting("hotline", "").await.unwrap();
    assert_eq!(store.setting("hotline").await.unwrap().as_deref(), Some(""));
}

pub async fn sign_in_failures_round_trip(store: Store) {
    let key = "sha256:6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b";
    assert_eq!(store.sign_in_failures(key).await.unwrap(), None);

    let first = Failures { count: 1, first_at_ms: NOW, locked_until_ms: 0 };
    store.put_sign_in_failures(key, first).await.unwrap();
    assert_eq!(store.sign_in_failures(key).await.unwrap(), Some(first));

    // Putting again overwrites every field, including moving `first_at` (a new window starts).
    let locked = Failures { count: 5, first_at_ms: NOW + 1_000, locked_until_ms: NOW + 900_000 };
    store.put_sign_in_failures(key, locked).await.unwrap();
    assert_eq!(store.sign_in_failures(key).await.unwrap(), Some(locked));
    assert_eq!(store.sign_in_failures("sha256:other").await.unwrap(), None);

    store.clear_sign_in_failures(key).await.unwrap();
    assert_eq!(store.sign_in_failures(key).await.unwrap(), None);
    // Clearing what is not there is not an error (a successful sign-in always clears).
    store.clear_sign_in_failures(key).await.unwrap();
}

pub async fn concurrent_writers_all_succeed(store: Store) {
    const WRITERS: usize = 20;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..WRITERS {
        let store = store.clone();
        tasks.spawn(async move {
            let phone = format!("+849050{i:05}");
            let mut tx = store.begin().await?;
            let id = accounts::insert(&mut tx, &citizen(&phone, &format!("Người dân {i}")), NOW).await?;
            // Hold the transaction across an await point so the writers really interleave.
            tokio::task::yield_now().await;
            tx.commit().await?;
            // Reads run alongside other writers' open transactions.
            let seen = store.account_by_phone(&phone).await?.map(|a| a.id);
            Ok::<_, StoreError>((id, seen))
        });
    }

    let mut ids = HashSet::new();
    while let Some(joined) = tasks.join_next().await {
        // On SQLite a second writer would show up here as "database is locked".
        let (id, seen) = joined.unwrap().unwrap_or_else(|e| panic!("a concurrent writer failed: {e}"));
        assert_eq!(seen, Some(id), "a writer does not see its own committed account");
        ids.insert(id);
    }
    assert_eq!(ids.len(), WRITERS, "ids must be distinct");
    assert_eq!(store.count_accounts().await.unwrap(), WRITERS as i64);
}

/// Takes a URL rather than a store: it must close the store and open it again.
pub async fn committed_writes_survive_reopen(url: String) {
    let store = Store::connect(&url).await.unwrap();
    let province = put_area(&store, &area(Edition::Current2025, AreaLevel::Province, "66", "Tỉnh Đắk Lắk")).await;
    let account = put_account(&store, &citizen("+84905000001", "H'Đào Niê")).await;
    store.set_setting("site_name", "Bình Yên").await.unwrap();
    {
        let mut tx = store.begin().await.unwrap();
        accounts::insert(&mut tx, &citizen("+84905000002", "Uncommitted"), NOW).await.unwrap();
    }
    store.close().await;
    drop(store);

    let reopened = Store::connect(&url).await.unwrap();
    // A restart migrates an existing database: nothing to apply, nothing lost.
    reopened.migrate().await.unwrap();
    assert_eq!(reopened.area(province).await.unwrap().name, "Tỉnh Đắk Lắk");
    let found = reopened.account_by_phone("+84905000001").await.unwrap().expect("committed account survives");
    assert_eq!((found.id, found.display_name.as_str()), (account, "H'Đào Niê"));
    assert!(reopened.account_by_phone("+84905000002").await.unwrap().is_none());
    assert_eq!(reopened.count_accounts().await.unwrap(), 1);
    assert_eq!(reopened.setting("site_name").await.unwrap().as_deref(), Some("Bình Yên"));

    // New ids continue after the old ones instead of reusing them.
    let next = put_account(&reopened, &citizen("+84905000003", "Y Moan")).await;
    assert!(next > account);
    reopened.close().await;
}
