//! Live events: what officers' consoles receive over Server-Sent Events, kept for a replay window.
//!
//! Ids must be in commit order, or a client resuming after id N could miss an event with a smaller id that
//! committed later. SQLite has one writer, so they are. On PostgreSQL an identity value is taken at INSERT,
//! not at COMMIT, so `append` first takes the audit chain's transaction lock (`audit::hold_chain`, held until
//! COMMIT): appends, like audit entries, are serialised from there to the end of their transaction. Appending
//! is therefore the last write of a transaction, with or after its audit entry. On PostgreSQL `append` also
//! queues a NOTIFY, delivered to every node's listener when (and only if) the transaction commits.

use sqlx::Row;

use crate::{Result, Store, Tx};

/// The PostgreSQL channel nodes LISTEN on; the payload is empty (a wake-up: listeners read the table).
pub const NOTIFY_CHANNEL: &str = "binhyen_live_events";

#[derive(Debug, Clone, PartialEq)]
pub struct NewLiveEvent {
    pub at_ms: i64,
    pub kind: String,
    /// The unit whose officers (and their superiors) may see it.
    pub unit_id: Option<i64>,
    pub subject_kind: &'static str,
    pub subject_id: Option<i64>,
    pub priority: Option<String>,
    /// JSON of ids, states and categories: never personal data.
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LiveEvent {
    pub id: i64,
    pub at_ms: i64,
    pub kind: String,
    pub unit_id: Option<i64>,
    pub subject_kind: String,
    pub subject_id: Option<i64>,
    pub priority: Option<String>,
    pub payload: String,
}

pub async fn append(tx: &mut Tx, events: &[NewLiveEvent]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    crate::audit::hold_chain(tx).await?;
    const PER_ROW: usize = 7;
    for chunk in events.chunks(crate::MAX_BINDS / PER_ROW) {
        let sql = format!(
            "INSERT INTO live_events (at, kind, unit_id, subject_kind, subject_id, priority, payload) VALUES {}",
            crate::values_placeholders(tx, chunk.len(), PER_ROW)
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(e.at_ms)
                .bind(e.kind.as_str())
                .bind(e.unit_id)
                .bind(e.subject_kind)
                .bind(e.subject_id)
                .bind(e.priority.as_deref())
                .bind(e.payload.as_str());
        }
        q.execute(tx.conn()).await?;
    }
    if tx.conn().backend_name() == "PostgreSQL" {
        sqlx::query("SELECT 1 FROM pg_notify($1, '')").bind(NOTIFY_CHANNEL).execute(tx.conn()).await?;
    }
    Ok(())
}

const COLUMNS: &str = "id, at, kind, unit_id, subject_kind, subject_id, priority, payload";

fn from_row(r: &sqlx::any::AnyRow) -> Result<LiveEvent> {
    Ok(LiveEvent {
        id: r.try_get(0)?,
        at_ms: r.try_get(1)?,
        kind: r.try_get(2)?,
        unit_id: r.try_get(3)?,
        subject_kind: r.try_get(4)?,
        subject_id: r.try_get(5)?,
        priority: r.try_get(6)?,
        payload: r.try_get(7)?,
    })
}

impl Store {
    /// Events after `after_id`, oldest first, at most `limit`.
    pub async fn live_events_after(&self, after_id: i64, limit: i64) -> Result<Vec<LiveEvent>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM live_events WHERE id > $1 ORDER BY id LIMIT $2"))
            .bind(after_id)
            .bind(limit)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// The newest event's id (0 when there is none): where a node's tail starts.
    pub async fn last_live_event_id(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM live_events").fetch_one(&self.read).await?)
    }

    /// The oldest id still kept (None when empty): a client resuming from before it has missed events.
    pub async fn first_live_event_id(&self) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT MIN(id) FROM live_events").fetch_one(&self.read).await?)
    }

    /// Forgets events older than `before_ms` (past the replay window).
    pub async fn prune_live_events(&self, before_ms: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM live_events WHERE at < $1").bind(before_ms).execute(&self.write).await?;
        Ok(done.rows_affected())
    }

    /// On PostgreSQL, a listener woken whenever live events commit (`NOTIFY_CHANNEL`); None on SQLite, where
    /// every write goes through this process's one writer and the caller knows when it commits.
    pub async fn live_event_listener(&self) -> Result<Option<sqlx::postgres::PgListener>> {
        let Some(url) = self.url_for_listener() else { return Ok(None) };
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(NOTIFY_CHANNEL).await?;
        Ok(Some(listener))
    }
}
