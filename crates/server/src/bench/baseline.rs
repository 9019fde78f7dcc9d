//! The disk's baseline for write scenarios: a bare loop through the SQLite C library (rusqlite), one
//! transaction per tip holding a tip-sized row and an audit row, in WAL mode with `synchronous=FULL`. It is
//! what one durable transaction per tip costs on this disk with nothing in the way (no HTTP, no sqlx, no
//! validation): group commit has to beat it, not match it.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::load::{report, LoadReport};

/// Runs the loop on a new database file at `path` for `duration`; blocking (call it on a blocking thread).
pub fn single_row_transactions(path: &Path, duration: Duration) -> anyhow::Result<LoadReport> {
    let mut conn = rusqlite::Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
    // journal_mode answers with a row, so it is queried rather than executed.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    anyhow::ensure!(mode.eq_ignore_ascii_case("wal"), "the baseline database is not in WAL mode ({mode})");
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         CREATE TABLE tips (id INTEGER PRIMARY KEY, category TEXT NOT NULL, description TEXT NOT NULL,
             happening_now INTEGER NOT NULL, area_id INTEGER, protection TEXT NOT NULL, receipt_hash TEXT UNIQUE,
             reporter_sealed TEXT, unit_id INTEGER NOT NULL, state TEXT NOT NULL, priority TEXT NOT NULL,
             submitted_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
         CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor_account_id INTEGER,
             action TEXT NOT NULL, subject_kind TEXT NOT NULL, subject_id INTEGER, detail TEXT NOT NULL,
             prev_hash TEXT NOT NULL, hash TEXT NOT NULL);",
    )?;
    let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
    anyhow::ensure!(sync == 2, "the baseline database is not synchronous=FULL ({sync})");

    let description = "Có người lạ đi xe máy bắt trộm chó ở buôn Bling, đang chạy về hướng Ea Tar.";
    let started = Instant::now();
    let deadline = started + duration;
    let mut latencies_us = Vec::with_capacity(65_536);
    let mut prev_hash = "0".repeat(64);
    let mut n: i64 = 0;
    while Instant::now() < deadline {
        n += 1;
        let sent = Instant::now();
        let hash = format!("{n:064x}");
        let tx = conn.transaction()?;
        tx.prepare_cached(
            "INSERT INTO tips (category, description, happening_now, area_id, protection, receipt_hash, unit_id, \
             state, priority, submitted_at, updated_at) \
             VALUES ('theft', ?1, 1, 5000, 'anonymous', ?2, 42, 'new', 'urgent', ?3, ?3)",
        )?
        .execute(rusqlite::params![description, hash, n])?;
        tx.prepare_cached(
            "INSERT INTO audit_log (seq, at, action, subject_kind, subject_id, detail, prev_hash, hash) \
             VALUES (?1, ?2, 'tip.submitted', 'tip', ?3, '{\"unit_id\":42}', ?4, ?5)",
        )?
        .execute(rusqlite::params![n, n, tx.last_insert_rowid(), prev_hash, hash])?;
        tx.commit()?;
        latencies_us.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
        prev_hash = hash;
    }
    Ok(report(latencies_us, 0, started.elapsed().as_secs_f64()))
}
