//! Key rotation over a sealed column and the audit log, through `Core`, on a real SQLite file.

use std::collections::BTreeMap;
use std::sync::Arc;

use binhyen_core::audit::AuditEvent;
use binhyen_core::seal::{KeyId, SealError, SealKey, SealedColumn};
use binhyen_core::{Core, KeyRing, ManualClock, Policy, SeededRandom, Store};
use binhyen_domain::AccountKind;
use binhyen_store::accounts::{self, NewAccount};

/// No real column is sealed yet (`SEALED_COLUMNS` is empty until tips land); any nullable text column of a
/// table with integer ids exercises the same machinery.
const PROBE: SealedColumn =
    SealedColumn { table: "accounts", id_column: "id", column: "totp_secret", aad_prefix: "test.probe" };

fn key(n: u8) -> SealKey {
    SealKey::from_bytes([n; 32])
}

fn ring(current: &str, keys: &[(&str, u8)]) -> KeyRing {
    let keys: BTreeMap<_, _> = keys.iter().map(|(id, n)| (KeyId::new(id).unwrap(), key(*n))).collect();
    KeyRing::new(KeyId::new(current).unwrap(), keys).unwrap()
}

async fn store(dir: &tempfile::TempDir) -> Store {
    let store = Store::connect(&format!("sqlite:{}", dir.path().join("t.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn core(store: &Store, keys: KeyRing) -> Core {
    let clock = Arc::new(ManualClock::new(time::macros::datetime!(2025-07-01 08:00 UTC)));
    Core::new(store.clone(), clock, Arc::new(SeededRandom::new(9)), Policy::default()).with_keys(keys)
}

fn plaintext(i: usize) -> String {
    format!("Người báo tin {i}, 0905 000 {i:03}")
}

#[tokio::test]
async fn rotation_reseals_everything_so_the_old_key_can_go() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let old = core(&store, ring("k1", &[("k1", 1)]));

    // More rows than one rotation batch (500), some without a value.
    const ROWS: usize = 1100;
    let mut tx = store.begin().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..ROWS {
        let account = NewAccount::new(AccountKind::Citizen, format!("+8490{i:07}"), format!("N{i}"), "h".into());
        ids.push(accounts::insert(&mut tx, &account, 0).await.unwrap());
    }
    tx.commit().await.unwrap();
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 10 != 0) {
        let sealed = old.seal_for(&PROBE, *id, plaintext(i).as_bytes());
        store.set_totp(*id, Some(&sealed), false).await.unwrap();
    }
    let sealed_rows = ROWS - ROWS / 10;
    // A sealed value copied into another row: it does not open there, so rotation must leave it and say so.
    let copied_from = store.account(ids[1]).await.unwrap().totp_secret.unwrap();
    store.set_totp(ids[0], Some(&copied_from), false).await.unwrap();

    let both = core(&store, ring("k2", &[("k1", 1), ("k2", 2)]));
    let report = both.rotate_columns(&[PROBE]).await.unwrap();
    assert_eq!(report.examined, sealed_rows as u64 + 1);
    assert_eq!(report.rewritten, sealed_rows as u64);
    assert_eq!((report.already_current, report.changed_meanwhile), (0, 0));
    assert_eq!(report.failures.len(), 1);
    assert_eq!((report.failures[0].id, &report.failures[0].error), (ids[0], &SealError::Authentication));

    // k1 removed: every value opens with k2 alone, under its own row's associated data, and is current.
    let new_only = core(&store, ring("k2", &[("k2", 2)]));
    for (i, id) in ids.iter().enumerate().skip(1) {
        let value = store.account(*id).await.unwrap().totp_secret;
        match value {
            None => assert_eq!(i % 10, 0),
            Some(sealed) => {
                assert!(new_only.key_ring().is_current(&sealed), "row {i}");
                assert_eq!(new_only.open_for(&PROBE, *id, &sealed).unwrap(), plaintext(i).as_bytes());
            }
        }
    }
    let untouched = store.account(ids[0]).await.unwrap().totp_secret.unwrap();
    assert_eq!(untouched, copied_from, "a value that does not open is left as it was");
    assert_eq!(new_only.open_for(&PROBE, ids[0], &untouched), Err(SealError::UnknownKey("k1".into())));

    // Running it again finds everything current.
    let again = both.rotate_columns(&[PROBE]).await.unwrap();
    assert_eq!((again.rewritten, again.already_current, again.failures.len()), (0, sealed_rows as u64, 1));

    // Each rotation is in the audit log, with key ids and counts only.
    let entries = store.audit_entries(0, 10).await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!((entries[0].action.as_str(), entries[0].subject_kind.as_str()), ("keys.rotated", "key_ring"));
    let detail: serde_json::Value = serde_json::from_str(&entries[0].detail).unwrap();
    assert_eq!(detail["current_key"], "k2");
    assert_eq!(detail["rewritten"], sealed_rows);
    assert_eq!(detail["failed"], 1);
    assert!(!entries[0].detail.contains("Người"));
    assert_eq!(entries[0].at_ms, 1_751_356_800_000);
    assert!(both.verify_audit().await.unwrap().broken.is_none());
}

#[tokio::test]
async fn the_registered_list_rotates_and_core_seals_with_its_ring() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let core = core(&store, KeyRing::for_tests());
    // Nothing is registered yet; rotating the real list is a no-op that is still audited.
    let report = core.rotate_keys().await.unwrap();
    assert_eq!((report.examined, report.failures.len()), (0, 0));
    assert_eq!(store.count_audit_entries().await.unwrap(), 1);

    let sealed = core.seal(b"0905 123 456", b"tips.reporter:1");
    assert!(sealed.starts_with("v1.test."));
    assert_eq!(core.open(&sealed, b"tips.reporter:1").unwrap(), b"0905 123 456");
    assert_eq!(core.open(&sealed, b"tips.reporter:2"), Err(SealError::Authentication));
    // Core::new alone seals with a key of its own, which no other process holds.
    let ephemeral = Core::new(
        store.clone(),
        Arc::new(ManualClock::new(binhyen_core::TestInstant::DEFAULT.at)),
        Arc::new(SeededRandom::new(1)),
        Policy::default(),
    );
    assert_eq!(ephemeral.open(&sealed, b"tips.reporter:1"), Err(SealError::UnknownKey("test".into())));
}

#[tokio::test]
async fn audit_entries_commit_with_the_change_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let core = core(&store, KeyRing::for_tests());
    let mut tx = store.begin().await.unwrap();
    let event = AuditEvent::new("tip.state_changed", "tip", Some(42))
        .by(Some(7))
        .detail(serde_json::json!({"from": "new", "to": "triaged"}));
    assert_eq!(core.audit(&mut tx, event.clone()).await.unwrap(), 1);
    drop(tx);
    assert_eq!(store.count_audit_entries().await.unwrap(), 0, "rolled back with its transaction");

    let mut tx = store.begin().await.unwrap();
    assert_eq!(core.audit(&mut tx, event).await.unwrap(), 1);
    assert_eq!(
        core.audit(&mut tx, AuditEvent::new("tip.identity_viewed", "tip", Some(42)).by(Some(7))).await.unwrap(),
        2
    );
    tx.commit().await.unwrap();

    let report = core.verify_audit().await.unwrap();
    assert_eq!((report.intact_entries, report.broken), (2, None));
    let entries = store.audit_entries(0, 10).await.unwrap();
    assert_eq!(entries[0].detail, r#"{"from":"new","to":"triaged"}"#);
    assert_eq!(entries[1].detail, "{}");
    assert_eq!((entries[1].actor_account_id, entries[1].subject_id), (Some(7), Some(42)));
}
