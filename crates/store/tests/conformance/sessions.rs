//! Sign-in sessions: create, read, change stage, delete, and the periodic sweep of expired ones.

use binhyen_store::sessions::Session;
use binhyen_store::{Store, StoreError};

use crate::support::{citizen, put_account, MISSING, NOW};

pub async fn session_lifecycle(store: Store) {
    let me = put_account(&store, &citizen("+84905000001", "Y Bhim")).await;
    let pending = Session {
        account_id: me,
        kind: "web".to_owned(),
        stage: "totp".to_owned(),
        created_at_ms: NOW,
        expires_at_ms: NOW + 3_600_000,
    };
    store.create_session("hash-1", &pending).await.unwrap();
    assert_eq!(store.session("hash-1").await.unwrap(), pending);
    assert!(matches!(store.session("hash-2").await, Err(StoreError::NotFound)));
    // The same token hash twice is refused rather than silently replacing a session.
    assert!(store.create_session("hash-1", &pending).await.is_err());
    // A session for an account that does not exist is refused (foreign keys hold on SQLite too).
    assert!(store.create_session("hash-3", &Session { account_id: MISSING, ..pending.clone() }).await.is_err());

    // Second factor given: only the stage changes.
    store.set_session_stage("hash-1", "full").await.unwrap();
    assert_eq!(store.session("hash-1").await.unwrap(), Session { stage: "full".to_owned(), ..pending.clone() });

    store.delete_session("hash-1").await.unwrap();
    assert!(matches!(store.session("hash-1").await, Err(StoreError::NotFound)));
    // Signing out twice is harmless.
    store.delete_session("hash-1").await.unwrap();
}

pub async fn only_expired_sessions_are_deleted(store: Store) {
    let me = put_account(&store, &citizen("+84905000001", "Y Bhim")).await;
    let expiring = |at: i64| Session {
        account_id: me,
        kind: "api".to_owned(),
        stage: "full".to_owned(),
        created_at_ms: NOW - 86_400_000,
        expires_at_ms: at,
    };
    store.create_session("past", &expiring(NOW - 1)).await.unwrap();
    // Expiry is half-open like every validity here: a session is over at its `expires_at`.
    store.create_session("edge", &expiring(NOW)).await.unwrap();
    store.create_session("next", &expiring(NOW + 1)).await.unwrap();
    store.create_session("later", &expiring(NOW + 86_400_000)).await.unwrap();

    assert_eq!(store.delete_expired_sessions(NOW).await.unwrap(), 2);
    assert!(matches!(store.session("past").await, Err(StoreError::NotFound)));
    assert!(matches!(store.session("edge").await, Err(StoreError::NotFound)));
    assert_eq!(store.session("next").await.unwrap(), expiring(NOW + 1));
    assert_eq!(store.session("later").await.unwrap(), expiring(NOW + 86_400_000));
    assert_eq!(store.delete_expired_sessions(NOW).await.unwrap(), 0);
}
