//! The audit log: append-only and hash-chained. Each entry's `hash` covers its fields and the previous entry's
//! hash, so editing, deleting or reordering a row breaks the chain at that row, and `verify_audit_chain` names
//! the first broken link. Entries are appended inside the caller's transaction: the record of a change
//! commits or rolls back with the change.
//!
//! `detail` is JSON and never holds personal data (see the migration): the log is read by auditors and kept
//! long; secrets are sealed elsewhere and referred to by id.

use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Result, Store, Tx};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Key of the PostgreSQL advisory lock that serialises appends ("binhyen" and 1 in ASCII). Any constant
/// works as long as nothing else in the database takes the same one.
const CHAIN_LOCK: i64 = 0x6269_6e68_7965_6e01;

/// Rows read per query when verifying: the chain is never held in memory whole.
const VERIFY_PAGE: i64 = 1000;

/// What a use case records. `at_ms` comes from the core's clock, so tests decide it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub at_ms: i64,
    pub actor_account_id: Option<i64>,
    /// A stable dotted name: "tip.state_changed", "tip.identity_viewed", "keys.rotated".
    pub action: String,
    /// What the action was done to: "tip", "account", "key_ring".
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    /// JSON text. Ids, states, counts: never personal data.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_account_id: Option<i64>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Where the chain first stops being what was appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The first seq that is wrong: the missing one for a gap, else the row whose check failed.
    pub seq: i64,
    pub reason: BrokenReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokenReason {
    /// Seq `seq` is missing: the next entry present is `found` (a deleted row, or rows moved).
    Missing { found: i64 },
    /// The row's `prev_hash` is not the hash of the entry before it (rows replaced or reordered).
    PrevHashMismatch,
    /// The row's `hash` does not match its own contents (the row was edited).
    HashMismatch,
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.reason {
            BrokenReason::Missing { found } => {
                write!(f, "seq {} is missing (the next entry present is seq {found})", self.seq)
            }
            BrokenReason::PrevHashMismatch => {
                write!(f, "seq {}: prev_hash is not the hash of the entry before it", self.seq)
            }
            BrokenReason::HashMismatch => write!(f, "seq {}: hash does not match the entry's contents", self.seq),
        }
    }
}

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Entries checked and found sound (all of them when `broken` is `None`).
    pub intact_entries: i64,
    /// The hash of the last sound entry (`GENESIS_HASH` for an empty log). Recording it elsewhere lets a later
    /// check notice entries cut off the end, which the chain alone cannot show.
    pub last_hash: String,
    pub broken: Option<BrokenLink>,
}

/// Appends `entry` inside `tx` and returns its seq. Appends are serialised (see `hold_chain`) until `tx`
/// ends, so append as the last write of a transaction to keep that short.
pub async fn append(tx: &mut Tx, entry: &NewAuditEntry) -> Result<i64> {
    hold_chain(tx).await?;
    let (seq, prev_hash) = next_link(tx).await?;
    let hash = entry_hash(seq, entry, &prev_hash);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_account_id, action, subject_kind, subject_id, detail, prev_hash, \
         hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(entry.at_ms)
    .bind(entry.actor_account_id)
    .bind(&entry.action)
    .bind(&entry.subject_kind)
    .bind(entry.subject_id)
    .bind(&entry.detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(tx.conn())
    .await?;
    Ok(seq)
}

/// Appends `entries` in order inside `tx` and returns their seqs: the same serialisation (`hold_chain`), seqs
/// and hashes as that many `append`s, with the last entry read once and the rows written a few statements at a
/// time rather than one each. Group commit appends a whole batch of tips this way.
pub async fn append_batch(tx: &mut Tx, entries: &[NewAuditEntry]) -> Result<Vec<i64>> {
    const PER_ROW: usize = 9;
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    hold_chain(tx).await?;
    let (first, mut prev_hash) = next_link(tx).await?;
    let mut links = Vec::with_capacity(entries.len());
    for (seq, entry) in (first..).zip(entries) {
        let hash = entry_hash(seq, entry, &prev_hash);
        links.push((seq, std::mem::replace(&mut prev_hash, hash.clone()), hash));
    }
    let rows: Vec<_> = entries.iter().zip(&links).collect();
    for chunk in rows.chunks(crate::MAX_BINDS / PER_ROW) {
        let sql = format!(
            "INSERT INTO audit_log (seq, at, actor_account_id, action, subject_kind, subject_id, detail, prev_hash, \
             hash) VALUES {}",
            crate::values_placeholders(tx, chunk.len(), PER_ROW)
        );
        let mut query = sqlx::query(&sql);
        for (entry, (seq, prev, hash)) in chunk {
            query = query
                .bind(*seq)
                .bind(entry.at_ms)
                .bind(entry.actor_account_id)
                .bind(&entry.action)
                .bind(&entry.subject_kind)
                .bind(entry.subject_id)
                .bind(&entry.detail)
                .bind(prev)
                .bind(hash);
        }
        // Not cached: the text differs with the batch's size.
        query.persistent(false).execute(tx.conn()).await?;
    }
    Ok(links.into_iter().map(|(seq, _, _)| seq).collect())
}

/// The seq and `prev_hash` of the next entry: after the last one, or the first of an empty log. Read after
/// `hold_chain`, so no other appender can take the same.
async fn next_link(tx: &mut Tx) -> Result<(i64, String)> {
    let last =
        sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(tx.conn()).await?;
    Ok(match last {
        Some(row) => (row.try_get::<i64, _>("seq")? + 1, row.try_get::<String, _>("hash")?),
        None => (1, GENESIS_HASH.to_owned()),
    })
}

/// Makes this transaction the only one appending until it ends, so two appends never read the same last
/// entry. The one place where the engines differ:
/// - SQLite: all writes of this process go through one connection, and a second process's write transaction
///   cannot commit over ours (SQLite has one writer; a stale read fails with "busy" rather than forking).
/// - PostgreSQL: several connections and nodes write at once; a transaction-level advisory lock serialises
///   appenders and is released at commit or rollback. Under READ COMMITTED the next statement then sees the
///   previous holder's entry.
///
/// In both cases the primary key on `seq` refuses a second entry with the same number, so even a mistake here
/// could fail an append but never fork the chain.
pub(crate) async fn hold_chain(tx: &mut Tx) -> Result<()> {
    if tx.conn().backend_name() == "PostgreSQL" {
        // In FROM so the result is an ordinary row: the `Any` driver has no type for `void`.
        sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)").bind(CHAIN_LOCK).execute(tx.conn()).await?;
    }
    Ok(())
}

/// Hex SHA-256 over a canonical encoding: a version tag, then every field in a fixed order, each integer as
/// 8 big-endian bytes and each text as its byte length (8 bytes) then its bytes; an absent value is one 0
/// byte, a present one a 1 byte before it. No two different entries encode alike, whatever their text holds.
fn entry_hash(seq: i64, e: &NewAuditEntry, prev_hash: &str) -> String {
    fn int(h: &mut Sha256, v: i64) {
        h.update(v.to_be_bytes());
    }
    fn text(h: &mut Sha256, s: &str) {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    }
    fn opt_int(h: &mut Sha256, v: Option<i64>) {
        match v {
            None => h.update([0u8]),
            Some(v) => {
                h.update([1u8]);
                int(h, v);
            }
        }
    }
    let mut h = Sha256::new();
    text(&mut h, "binhyen-audit-v1");
    text(&mut h, prev_hash);
    int(&mut h, seq);
    int(&mut h, e.at_ms);
    opt_int(&mut h, e.actor_account_id);
    text(&mut h, &e.action);
    text(&mut h, &e.subject_kind);
    opt_int(&mut h, e.subject_id);
    text(&mut h, &e.detail);
    hex::encode(h.finalize())
}

const COLUMNS: &str = "seq, at, actor_account_id, action, subject_kind, subject_id, detail, prev_hash, hash";

fn from_row(row: &AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at_ms: row.try_get("at")?,
        actor_account_id: row.try_get("actor_account_id")?,
        action: row.try_get("action")?,
        subject_kind: row.try_get("subject_kind")?,
        subject_id: row.try_get("subject_id")?,
        detail: row.try_get("detail")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

impl AuditEntry {
    fn recomputed_hash(&self) -> String {
        let fields = NewAuditEntry {
            at_ms: self.at_ms,
            actor_account_id: self.actor_account_id,
            action: self.action.clone(),
            subject_kind: self.subject_kind.clone(),
            subject_id: self.subject_id,
            detail: self.detail.clone(),
        };
        entry_hash(self.seq, &fields, &self.prev_hash)
    }
}

impl Store {
    /// Up to `limit` entries with seq greater than `after_seq`, oldest first (page with the last seq seen).
    pub async fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"))
            .bind(after_seq)
            .bind(limit)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Recomputes the chain from the first entry and returns the first broken link, if any.
    pub async fn verify_audit_chain(&self) -> Result<Option<BrokenLink>> {
        Ok(self.audit_chain_report().await?.broken)
    }

    /// Walks the chain in seq order, a page at a time: every seq from 1 on must be present, each `prev_hash`
    /// must be the hash of the entry before, and each `hash` must match its entry's contents.
    pub async fn audit_chain_report(&self) -> Result<ChainReport> {
        let mut expected_seq = 1;
        let mut last_hash = GENESIS_HASH.to_owned();
        loop {
            let page = self.audit_entries(expected_seq - 1, VERIFY_PAGE).await?;
            let done = (page.len() as i64) < VERIFY_PAGE;
            for entry in page {
                let broken = if entry.seq != expected_seq {
                    Some(BrokenReason::Missing { found: entry.seq })
                } else if entry.prev_hash != last_hash {
                    Some(BrokenReason::PrevHashMismatch)
                } else if entry.recomputed_hash() != entry.hash {
                    Some(BrokenReason::HashMismatch)
                } else {
                    None
                };
                if let Some(reason) = broken {
                    let link = BrokenLink { seq: expected_seq, reason };
                    return Ok(ChainReport { intact_entries: expected_seq - 1, last_hash, broken: Some(link) });
                }
                last_hash = entry.hash;
                expected_seq += 1;
            }
            if done {
                return Ok(ChainReport { intact_entries: expected_seq - 1, last_hash, broken: None });
            }
        }
    }

    pub async fn count_audit_entries(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(&self.read).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(detail: &str) -> NewAuditEntry {
        NewAuditEntry {
            at_ms: 1,
            actor_account_id: Some(2),
            action: "tip.state_changed".into(),
            subject_kind: "tip".into(),
            subject_id: Some(3),
            detail: detail.into(),
        }
    }

    #[test]
    fn every_field_is_covered_and_unambiguous() {
        let base = entry("{}");
        let h = entry_hash(1, &base, GENESIS_HASH);
        assert_eq!(h.len(), 64);
        assert_ne!(h, entry_hash(2, &base, GENESIS_HASH), "seq");
        assert_ne!(h, entry_hash(1, &base, &"1".repeat(64)), "prev_hash");
        assert_ne!(h, entry_hash(1, &NewAuditEntry { at_ms: 9, ..base.clone() }, GENESIS_HASH), "at");
        assert_ne!(h, entry_hash(1, &NewAuditEntry { actor_account_id: None, ..base.clone() }, GENESIS_HASH));
        assert_ne!(h, entry_hash(1, &NewAuditEntry { subject_id: None, ..base.clone() }, GENESIS_HASH));
        assert_ne!(h, entry_hash(1, &entry("{ }"), GENESIS_HASH), "detail");
        // Moving bytes from one text field to the next must change the hash (length prefixes).
        let a = NewAuditEntry { action: "tip.x".into(), subject_kind: "tip".into(), ..base.clone() };
        let b = NewAuditEntry { action: "tip.".into(), subject_kind: "xtip".into(), ..base.clone() };
        assert_ne!(entry_hash(1, &a, GENESIS_HASH), entry_hash(1, &b, GENESIS_HASH));
        // Absent and zero differ.
        let none = NewAuditEntry { actor_account_id: None, ..base.clone() };
        let zero = NewAuditEntry { actor_account_id: Some(0), ..base };
        assert_ne!(entry_hash(1, &none, GENESIS_HASH), entry_hash(1, &zero, GENESIS_HASH));
    }
}
