//! The audit log: appends inside the caller's transaction, a gap-free chain, tampering found at the first
//! broken link, and concurrent appenders that never fork the chain. Also the generic sealed-column paging
//! that key rotation uses.

use binhyen_store::audit::{self, BrokenLink, BrokenReason, NewAuditEntry, GENESIS_HASH};
use binhyen_store::sealed::{ColumnRef, Replacement};
use binhyen_store::{accounts, Store, StoreError};

use crate::support::{citizen, put_account, NOW};

fn entry(action: &str, subject_id: Option<i64>, detail: &str) -> NewAuditEntry {
    NewAuditEntry {
        at_ms: NOW,
        actor_account_id: Some(7),
        action: action.to_owned(),
        subject_kind: "tip".to_owned(),
        subject_id,
        detail: detail.to_owned(),
    }
}

async fn append_alone(store: &Store, e: &NewAuditEntry) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let seq = audit::append(&mut tx, e).await.unwrap();
    tx.commit().await.unwrap();
    seq
}

async fn intact(store: &Store, entries: i64) {
    let report = store.audit_chain_report().await.unwrap();
    assert_eq!(report.broken, None);
    assert_eq!(report.intact_entries, entries);
    assert_eq!(store.verify_audit_chain().await.unwrap(), None);
}

pub async fn audit_appends_chain_and_roll_back_with_their_transaction(store: Store) {
    intact(&store, 0).await;
    assert_eq!(store.audit_chain_report().await.unwrap().last_hash, GENESIS_HASH);

    assert_eq!(append_alone(&store, &entry("tip.created", Some(1), r#"{"state":"new"}"#)).await, 1);
    // Two entries and the change they record, in one transaction.
    let mut tx = store.begin().await.unwrap();
    let account = accounts::insert(&mut tx, &citizen("+84905000001", "H'Đào Niê"), NOW).await.unwrap();
    assert_eq!(audit::append(&mut tx, &entry("tip.state_changed", Some(1), r#"{"to":"triaged"}"#)).await.unwrap(), 2);
    assert_eq!(audit::append(&mut tx, &entry("tip.identity_viewed", Some(1), "{}")).await.unwrap(), 3);
    tx.commit().await.unwrap();
    assert_eq!(store.account(account).await.unwrap().display_name, "H'Đào Niê");

    // A transaction that fails after appending: neither its change nor its entry remains, and the next
    // entry takes the seq it would have had (a sequence would have left a gap, which reads as a deletion).
    {
        let mut tx = store.begin().await.unwrap();
        accounts::insert(&mut tx, &citizen("+84905000002", "Y Bhim"), NOW).await.unwrap();
        assert_eq!(audit::append(&mut tx, &entry("tip.state_changed", Some(2), "{}")).await.unwrap(), 4);
    }
    assert!(store.account_by_phone("+84905000002").await.unwrap().is_none());
    intact(&store, 3).await;
    let none = NewAuditEntry { actor_account_id: None, subject_id: None, ..entry("keys.rotated", None, "{}") };
    assert_eq!(append_alone(&store, &none).await, 4);
    intact(&store, 4).await;

    let all = store.audit_entries(0, 100).await.unwrap();
    assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(all[0].prev_hash, GENESIS_HASH);
    for pair in all.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    let last = &all[3];
    assert_eq!((last.action.as_str(), last.actor_account_id, last.subject_id), ("keys.rotated", None, None));
    assert_eq!(
        (all[1].at_ms, all[1].detail.as_str(), all[1].subject_kind.as_str()),
        (NOW, r#"{"to":"triaged"}"#, "tip")
    );
    assert_eq!(store.audit_chain_report().await.unwrap().last_hash, last.hash);
    // Paging.
    let page = store.audit_entries(1, 2).await.unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 3]);
    assert!(store.audit_entries(4, 10).await.unwrap().is_empty());
    assert_eq!(store.count_audit_entries().await.unwrap(), 4);
}

pub async fn audit_chain_verifies_across_pages(store: Store) {
    // More than one verification page (1000 rows), appended in few transactions to keep the test quick.
    let mut tx = store.begin().await.unwrap();
    for i in 0..2100 {
        audit::append(&mut tx, &entry("tip.state_changed", Some(i), &format!(r#"{{"n":{i}}}"#))).await.unwrap();
    }
    tx.commit().await.unwrap();
    intact(&store, 2100).await;
}

pub async fn concurrent_audit_appends_keep_one_chain(store: Store) {
    const TASKS: i64 = 10;
    const EACH: i64 = 5;
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..TASKS {
        let store = store.clone();
        tasks.spawn(async move {
            for i in 0..EACH {
                let mut tx = store.begin().await?;
                audit::append(&mut tx, &entry("tip.state_changed", Some(t), &format!(r#"{{"i":{i}}}"#))).await?;
                // Hold the chain across an await point so appenders really contend.
                tokio::task::yield_now().await;
                tx.commit().await?;
            }
            Ok::<_, StoreError>(())
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.unwrap().unwrap_or_else(|e| panic!("a concurrent appender failed: {e}"));
    }
    intact(&store, TASKS * EACH).await;
}

/// A connection that bypasses the store, as someone with direct database access would, with the
/// append-only triggers dropped (as such a person could). Returns the connection.
async fn tamperer(url: &str) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let refused = sqlx::query("UPDATE audit_log SET detail = '{}' WHERE seq = 1").execute(&mut conn).await;
    assert!(refused.is_err(), "the log refuses updates");
    let refused = sqlx::query("DELETE FROM audit_log WHERE seq = 1").execute(&mut conn).await;
    assert!(refused.is_err(), "the log refuses deletions");
    let drop = if url.starts_with("postgres") {
        vec!["DROP TRIGGER audit_log_append_only ON audit_log"]
    } else {
        vec!["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
    };
    for sql in drop {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn
}

async fn five_entries(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap();
    for i in 1..=5 {
        append_alone(&store, &entry("tip.state_changed", Some(i), &format!(r#"{{"to":"s{i}"}}"#))).await;
    }
    intact(&store, 5).await;
    store
}

pub async fn edited_audit_entry_is_named(url: String) {
    let store = five_entries(&url).await;
    let mut conn = tamperer(&url).await;
    sqlx::query(r#"UPDATE audit_log SET detail = '{"to":"closed"}' WHERE seq = 3"#).execute(&mut conn).await.unwrap();
    let report = store.audit_chain_report().await.unwrap();
    assert_eq!(report.broken, Some(BrokenLink { seq: 3, reason: BrokenReason::HashMismatch }));
    assert_eq!(report.intact_entries, 2);

    store.close().await;
}

pub async fn deleted_audit_entry_is_named_as_a_gap(url: String) {
    let store = five_entries(&url).await;
    let mut conn = tamperer(&url).await;
    sqlx::query("DELETE FROM audit_log WHERE seq = 4").execute(&mut conn).await.unwrap();
    let broken = store.verify_audit_chain().await.unwrap();
    assert_eq!(broken, Some(BrokenLink { seq: 4, reason: BrokenReason::Missing { found: 5 } }));
    assert!(broken.unwrap().to_string().contains("seq 4 is missing"));

    // The first entry gone: the chain must start at 1.
    sqlx::query("DELETE FROM audit_log WHERE seq = 1").execute(&mut conn).await.unwrap();
    assert_eq!(
        store.verify_audit_chain().await.unwrap(),
        Some(BrokenLink { seq: 1, reason: BrokenReason::Missing { found: 2 } })
    );
    store.close().await;
}

pub async fn reordered_audit_entries_are_named(url: String) {
    let store = five_entries(&url).await;
    let mut conn = tamperer(&url).await;
    // Swap entries 2 and 3 (through a free seq: the primary key forbids a duplicate on the way).
    for sql in [
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    let broken = store.verify_audit_chain().await.unwrap().unwrap();
    assert_eq!(broken.seq, 2, "{broken}");
    store.close().await;
}

const TOTP: ColumnRef = ColumnRef { table: "accounts", id_column: "id", column: "totp_secret" };

pub async fn sealed_columns_page_and_replace_only_unchanged_values(store: Store) {
    // Any nullable text column of a table with integer ids will do; no real column is sealed yet.
    let mut ids = Vec::new();
    for i in 0..7 {
        let id = put_account(&store, &citizen(&format!("+8490500000{i}"), &format!("Người dân {i}"))).await;
        if i != 3 {
            store.set_totp(id, Some(&format!("v1.k1.{i}")), false).await.unwrap();
        }
        ids.push(id);
    }
    let first = store.sealed_values(TOTP, i64::MIN, 4).await.unwrap();
    assert_eq!(first.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [ids[0], ids[1], ids[2], ids[4]], "nulls skipped");
    assert_eq!(first[0].1, "v1.k1.0");
    let rest = store.sealed_values(TOTP, ids[4], 4).await.unwrap();
    assert_eq!(rest.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [ids[5], ids[6]]);

    // Row 1 changed after it was read: its replacement is skipped, the others land.
    store.set_totp(ids[1], Some("v1.k2.rewritten-by-the-app"), false).await.unwrap();
    let batch: Vec<Replacement> =
        first.iter().map(|(id, old)| Replacement { id: *id, old: old.clone(), new: old.replace("k1", "k2") }).collect();
    assert_eq!(store.replace_sealed(TOTP, &batch).await.unwrap(), 3);
    let now: Vec<_> = store.sealed_values(TOTP, i64::MIN, 10).await.unwrap().into_iter().map(|(_, v)| v).collect();
    assert_eq!(now, ["v1.k2.0", "v1.k2.rewritten-by-the-app", "v1.k2.2", "v1.k2.4", "v1.k1.5", "v1.k1.6"]);

    // Names are spliced into SQL: anything but a plain identifier is refused before a query is made.
    let evil = ColumnRef { table: "accounts; DROP TABLE accounts", ..TOTP };
    assert!(matches!(store.sealed_values(evil, 0, 1).await, Err(StoreError::Corrupt(_))));
    assert!(matches!(
        store.replace_sealed(ColumnRef { column: "Phone", ..TOTP }, &[]).await,
        Err(StoreError::Corrupt(_))
    ));
    assert_eq!(store.count_accounts().await.unwrap(), 7);
}
