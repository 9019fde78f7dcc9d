//! Tips, their timeline, attachments and unseal requests.

use binhyen_domain::tip::{Priority, Protection, TipCategory, TipEventKind, TipState, Verdict};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{parse_enum, Result, Store, StoreError, Tx};

pub use binhyen_domain::entities::tips::{Attachment, Outcome, Tip, TipEvent, TipSupport, UnsealRequest};

#[derive(Debug, Clone)]
pub struct NewTip {
    pub category: TipCategory,
    pub description: String,
    pub occurred_at_ms: Option<i64>,
    pub happening_now: bool,
    pub area_id: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub protection: Protection,
    pub reporter_account_id: Option<i64>,
    pub reporter_tag: Option<String>,
    pub reporter_sealed: Option<String>,
    pub receipt_hash: Option<String>,
    pub filed_by_account_id: Option<i64>,
    pub unit_id: i64,
    pub priority: Priority,
}

impl NewTip {
    /// A confidential tip at `unit_id` with nothing else known (no place, no reporter, not happening now):
    /// where generated data and tests start, changing what they need with `NewTip { …, ..NewTip::at(…) }`.
    pub fn at(unit_id: i64, category: TipCategory, description: &str) -> Self {
        Self {
            category,
            description: description.to_owned(),
            occurred_at_ms: None,
            happening_now: false,
            area_id: None,
            lat: None,
            lon: None,
            address: None,
            protection: Protection::Confidential,
            reporter_account_id: None,
            reporter_tag: None,
            reporter_sealed: None,
            receipt_hash: None,
            filed_by_account_id: None,
            unit_id,
            priority: Priority::Normal,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewTipEvent {
    pub tip_id: i64,
    pub at_ms: i64,
    pub actor_account_id: Option<i64>,
    pub from_tipster: bool,
    pub kind: TipEventKind,
    pub from_state: Option<TipState>,
    pub to_state: Option<TipState>,
    pub unit_id: Option<i64>,
    pub body: Option<String>,
    pub visible_to_tipster: bool,
}

impl NewTipEvent {
    /// An event of this kind with nothing else said yet: fill the rest with `NewTipEvent { …, ..of(kind) }`.
    pub fn of(kind: TipEventKind) -> Self {
        Self {
            tip_id: 0,
            at_ms: 0,
            actor_account_id: None,
            from_tipster: false,
            kind,
            from_state: None,
            to_state: None,
            unit_id: None,
            body: None,
            visible_to_tipster: false,
        }
    }
}

/// Which tips an officer's list shows: those of `root_unit_id` and every unit below it (core decides which
/// root an officer may ask for).
#[derive(Debug, Clone, Default)]
pub struct TipFilter {
    pub root_unit_id: i64,
    pub state: Option<TipState>,
    pub category: Option<TipCategory>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<i64>,
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// Oldest first when true; newest first otherwise. Urgent tips always come first.
    pub oldest_first: bool,
    pub limit: i64,
    pub offset: i64,
}

const COLUMNS: &str = "id, category, description, occurred_at, happening_now, area_id, lat, lon, address, protection, \
    reporter_account_id, reporter_tag, reporter_sealed, filed_by_account_id, unit_id, state, priority, assignee_id, \
    verdict, duplicate_of, arrests, vehicles_seized, items_seized, property_recovered, outcome_note, submitted_at, \
    updated_at";

fn from_row(row: &AnyRow) -> Result<Tip> {
    let verdict: Option<String> = row.try_get("verdict")?;
    let state: TipState = parse_enum(&row.try_get::<String, _>("state")?)?;
    let outcome = (state == TipState::Resolved || verdict.is_some())
        .then(|| -> Result<Outcome> {
            Ok(Outcome {
                verdict: verdict.as_deref().map(parse_enum).transpose()?,
                duplicate_of: row.try_get("duplicate_of")?,
                arrests: row.try_get::<Option<i64>, _>("arrests")?.unwrap_or(0),
                vehicles_seized: row.try_get::<Option<i64>, _>("vehicles_seized")?.unwrap_or(0),
                items_seized: row.try_get::<Option<i64>, _>("items_seized")?.unwrap_or(0),
                property_recovered: row.try_get::<Option<i64>, _>("property_recovered")?.unwrap_or(0),
                note: row.try_get("outcome_note")?,
            })
        })
        .transpose()?;
    Ok(Tip {
        id: row.try_get("id")?,
        category: parse_enum(&row.try_get::<String, _>("category")?)?,
        description: row.try_get("description")?,
        occurred_at_ms: row.try_get("occurred_at")?,
        happening_now: row.try_get::<i64, _>("happening_now")? == 1,
        area_id: row.try_get("area_id")?,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        address: row.try_get("address")?,
        protection: parse_enum(&row.try_get::<String, _>("protection")?)?,
        reporter_account_id: row.try_get("reporter_account_id")?,
        reporter_tag: row.try_get("reporter_tag")?,
        reporter_sealed: row.try_get("reporter_sealed")?,
        filed_by_account_id: row.try_get("filed_by_account_id")?,
        unit_id: row.try_get("unit_id")?,
        state,
        priority: parse_enum(&row.try_get::<String, _>("priority")?)?,
        assignee_id: row.try_get("assignee_id")?,
        outcome,
        submitted_at_ms: row.try_get("submitted_at")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}

pub async fn insert(tx: &mut Tx, t: &NewTip, now_ms: i64) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO tips (category, description, occurred_at, happening_now, area_id, lat, lon, address, protection, \
         reporter_account_id, reporter_tag, reporter_sealed, receipt_hash, filed_by_account_id, unit_id, state, \
         priority, submitted_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'new', $16, $17, $17) RETURNING id",
    )
    .bind(t.category.as_str())
    .bind(&t.description)
    .bind(t.occurred_at_ms)
    .bind(i64::from(t.happening_now))
    .bind(t.area_id)
    .bind(t.lat)
    .bind(t.lon)
    .bind(t.address.as_deref())
    .bind(t.protection.as_str())
    .bind(t.reporter_account_id)
    .bind(t.reporter_tag.as_deref())
    .bind(t.reporter_sealed.as_deref())
    .bind(t.receipt_hash.as_deref())
    .bind(t.filed_by_account_id)
    .bind(t.unit_id)
    .bind(t.priority.as_str())
    .bind(now_ms)
    // Optional floats are bound as NULL of the wrong width by sqlx's Any driver on PostgreSQL; an uncached
    // statement avoids reusing that plan (see areas::upsert).
    .persistent(false)
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

pub async fn add_event(tx: &mut Tx, e: &NewTipEvent) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO tip_events (tip_id, at, actor_account_id, from_tipster, kind, from_state, to_state, unit_id, body, \
         visible_to_tipster) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(e.tip_id)
    .bind(e.at_ms)
    .bind(e.actor_account_id)
    .bind(i64::from(e.from_tipster))
    .bind(e.kind.as_str())
    .bind(e.from_state.map(TipState::as_str))
    .bind(e.to_state.map(TipState::as_str))
    .bind(e.unit_id)
    .bind(e.body.as_deref())
    .bind(i64::from(e.visible_to_tipster))
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

/// Ids for `n` tips about to be inserted in `tx` by `insert_many`, taken first so that what is sealed with a
/// tip's id as associated data can be computed before the insert. The one place where the engines differ for
/// tips:
/// - SQLite: the next `n` after the largest id (`INTEGER PRIMARY KEY` hands out the same). Every write of
///   this process goes through one connection, and SQLite has one writer: another process committing a tip
///   between this read and our insert makes the insert fail (a stale snapshot or the primary key), so two
///   tips never share an id. Ids of a rolled-back batch are simply taken again.
/// - PostgreSQL: `n` values of the identity column's sequence, never handed out twice (gaps on rollback).
pub async fn allocate_ids(tx: &mut Tx, n: usize) -> Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let count = i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("batch of {n}")))?;
    if tx.conn().backend_name() == "PostgreSQL" {
        let ids = sqlx::query_scalar(
            "SELECT nextval(pg_get_serial_sequence('tips', 'id')) FROM generate_series(1, CAST($1 AS BIGINT))",
        )
        .bind(count)
        .fetch_all(tx.conn())
        .await?;
        return Ok(ids);
    }
    let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM tips").fetch_one(tx.conn()).await?;
    Ok((last + 1..=last + count).collect())
}

/// Inserts tips whose ids were taken with `allocate_ids`, all received at `now_ms`: one statement per
/// `MAX_BINDS` values rather than one per tip (sqlx's SQLite driver costs tens of microseconds a statement).
pub async fn insert_many(tx: &mut Tx, tips: &[(i64, NewTip)], now_ms: i64) -> Result<()> {
    const PER_ROW: usize = 20;
    for chunk in tips.chunks(crate::MAX_BINDS / PER_ROW) {
        let sql = format!(
            "INSERT INTO tips (id, category, description, occurred_at, happening_now, area_id, lat, lon, address, \
             protection, reporter_account_id, reporter_tag, reporter_sealed, receipt_hash, filed_by_account_id, \
             unit_id, state, priority, submitted_at, updated_at) VALUES {}",
            crate::values_placeholders(tx, chunk.len(), PER_ROW)
        );
        let mut query = sqlx::query(&sql);
        for (id, t) in chunk {
            query = query
                .bind(*id)
                .bind(t.category.as_str())
                .bind(&t.description)
                .bind(t.occurred_at_ms)
                .bind(i64::from(t.happening_now))
                .bind(t.area_id)
                .bind(t.lat)
                .bind(t.lon)
                .bind(t.address.as_deref())
                .bind(t.protection.as_str())
                .bind(t.reporter_account_id)
                .bind(t.reporter_tag.as_deref())
                .bind(t.reporter_sealed.as_deref())
                .bind(t.receipt_hash.as_deref())
                .bind(t.filed_by_account_id)
                .bind(t.unit_id)
                .bind(TipState::New.as_str())
                .bind(t.priority.as_str())
                .bind(now_ms)
                .bind(now_ms);
        }
        // Not cached: the text differs with the batch's size, and optional floats need a fresh plan on
        // PostgreSQL (see `insert`).
        query.persistent(false).execute(tx.conn()).await?;
    }
    Ok(())
}

/// Appends timeline lines, several per statement (see `insert_many`).
pub async fn add_events(tx: &mut Tx, events: &[NewTipEvent]) -> Result<()> {
    const PER_ROW: usize = 10;
    for chunk in events.chunks(crate::MAX_BINDS / PER_ROW) {
        let sql = format!(
            "INSERT INTO tip_events (tip_id, at, actor_account_id, from_tipster, kind, from_state, to_state, unit_id, \
             body, visible_to_tipster) VALUES {}",
            crate::values_placeholders(tx, chunk.len(), PER_ROW)
        );
        let mut query = sqlx::query(&sql);
        for e in chunk {
            query = query
                .bind(e.tip_id)
                .bind(e.at_ms)
                .bind(e.actor_account_id)
                .bind(i64::from(e.from_tipster))
                .bind(e.kind.as_str())
                .bind(e.from_state.map(TipState::as_str))
                .bind(e.to_state.map(TipState::as_str))
                .bind(e.unit_id)
                .bind(e.body.as_deref())
                .bind(i64::from(e.visible_to_tipster));
        }
        query.persistent(false).execute(tx.conn()).await?;
    }
    Ok(())
}

/// Moves a tip to `to` only if it is still in `from`: two officers acting at once cannot both win.
pub async fn set_state(tx: &mut Tx, id: i64, from: TipState, to: TipState, now_ms: i64) -> Result<()> {
    let done = sqlx::query("UPDATE tips SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
        .bind(to.as_str())
        .bind(now_ms)
        .bind(id)
        .bind(from.as_str())
        .execute(tx.conn())
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("tip_changed"));
    }
    Ok(())
}

pub async fn set_unit(tx: &mut Tx, id: i64, unit_id: i64, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE tips SET unit_id = $1, assignee_id = NULL, updated_at = $2 WHERE id = $3")
        .bind(unit_id)
        .bind(now_ms)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_assignee(tx: &mut Tx, id: i64, assignee: Option<i64>, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE tips SET assignee_id = $1, updated_at = $2 WHERE id = $3")
        .bind(assignee)
        .bind(now_ms)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_priority(tx: &mut Tx, id: i64, priority: Priority, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE tips SET priority = $1, updated_at = $2 WHERE id = $3")
        .bind(priority.as_str())
        .bind(now_ms)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_outcome(tx: &mut Tx, id: i64, o: &Outcome) -> Result<()> {
    sqlx::query(
        "UPDATE tips SET verdict = $1, duplicate_of = $2, arrests = $3, vehicles_seized = $4, items_seized = $5, \
         property_recovered = $6, outcome_note = $7 WHERE id = $8",
    )
    .bind(o.verdict.map(Verdict::as_str))
    .bind(o.duplicate_of)
    .bind(o.arrests)
    .bind(o.vehicles_seized)
    .bind(o.items_seized)
    .bind(o.property_recovered)
    .bind(o.note.as_deref())
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn add_attachment(tx: &mut Tx, a: &Attachment, now_ms: i64) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO tip_attachments (tip_id, object_key, kind, bytes, width, height, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(a.tip_id)
    .bind(&a.object_key)
    .bind(&a.kind)
    .bind(a.bytes)
    .bind(a.width)
    .bind(a.height)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

pub async fn add_unseal_request(tx: &mut Tx, tip_id: i64, by: i64, reason: &str, now_ms: i64) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO unseal_requests (tip_id, requested_by, reason, requested_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(tip_id)
    .bind(by)
    .bind(reason)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?;
    Ok(id)
}

pub async fn approve_unseal_request(tx: &mut Tx, id: i64, by: i64, now_ms: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE unseal_requests SET approved_by = $1, approved_at = $2 WHERE id = $3 AND approved_by IS NULL",
    )
    .bind(by)
    .bind(now_ms)
    .bind(id)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("already_approved"));
    }
    Ok(())
}

/// A tip as `tx` sees it (its own changes included).
pub async fn get(tx: &mut Tx, id: i64) -> Result<Tip> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tips WHERE id = $1"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

impl Store {
    pub async fn tip(&self, id: i64) -> Result<Tip> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tips WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    pub async fn tip_by_receipt(&self, receipt_hash: &str) -> Result<Option<Tip>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tips WHERE receipt_hash = $1"))
            .bind(receipt_hash)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The tips a signed-in tipster sent: identified ones by account, confidential ones by their keyed tags
    /// (one per key of the ring, so tips tagged before a key rotation are found too).
    pub async fn tips_of_reporter(&self, account_id: i64, tags: &[String]) -> Result<Vec<Tip>> {
        let placeholders: Vec<String> = (0..tags.len()).map(|i| format!("${}", i + 2)).collect();
        let tag_match =
            if tags.is_empty() { "FALSE".to_owned() } else { format!("reporter_tag IN ({})", placeholders.join(", ")) };
        let sql = format!(
            "SELECT {COLUMNS} FROM tips WHERE reporter_account_id = $1 OR {tag_match} ORDER BY submitted_at DESC, id DESC"
        );
        let mut query = sqlx::query(&sql).bind(account_id);
        for tag in tags {
            query = query.bind(tag);
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter().map(from_row).collect()
    }

    /// Tips whose reporter tag was made under another key than `current_prefix` ("<key id>:"), with their
    /// sealed reporter, after `after_id`: key rotation re-tags them.
    pub async fn tips_to_retag(&self, current_prefix: &str, after_id: i64, limit: i64) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "SELECT id, reporter_sealed FROM tips WHERE reporter_tag IS NOT NULL AND reporter_sealed IS NOT NULL \
             AND substr(reporter_tag, 1, length($1)) <> $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(current_prefix)
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("reporter_sealed")?))).collect()
    }

    /// An officer's inbox: the tips of a unit's subtree, urgent open ones first.
    pub async fn list_tips(&self, f: &TipFilter) -> Result<Vec<Tip>> {
        let order = if f.oldest_first { "ASC" } else { "DESC" };
        let sql = format!(
            "WITH RECURSIVE subtree(id, depth) AS ( \
               SELECT CAST($1 AS BIGINT), 0 \
               UNION ALL SELECT u.id, s.depth + 1 FROM units u JOIN subtree s ON u.parent_id = s.id WHERE s.depth < 16) \
             SELECT {COLUMNS} FROM tips WHERE unit_id IN (SELECT id FROM subtree) \
             AND ($2 IS NULL OR state = $2) AND ($3 IS NULL OR category = $3) AND ($4 IS NULL OR priority = $4) \
             AND ($5 IS NULL OR assignee_id = $5) AND ($6 IS NULL OR submitted_at >= $6) \
             AND ($7 IS NULL OR submitted_at < $7) \
             ORDER BY CASE WHEN priority = 'urgent' AND state <> 'resolved' THEN 0 ELSE 1 END, \
             submitted_at {order}, id {order} LIMIT $8 OFFSET $9"
        );
        let rows = sqlx::query(&sql)
            .bind(f.root_unit_id)
            .bind(f.state.map(TipState::as_str))
            .bind(f.category.map(TipCategory::as_str))
            .bind(f.priority.map(Priority::as_str))
            .bind(f.assignee_id)
            .bind(f.from_ms)
            .bind(f.until_ms)
            .bind(f.limit)
            .bind(f.offset)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn tip_events(&self, tip_id: i64) -> Result<Vec<TipEvent>> {
        let rows = sqlx::query(
            "SELECT id, tip_id, at, actor_account_id, from_tipster, kind, from_state, to_state, unit_id, body, \
             visible_to_tipster FROM tip_events WHERE tip_id = $1 ORDER BY id",
        )
        .bind(tip_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let from: Option<String> = r.try_get("from_state")?;
                let to: Option<String> = r.try_get("to_state")?;
                Ok(TipEvent {
                    id: r.try_get("id")?,
                    tip_id: r.try_get("tip_id")?,
                    at_ms: r.try_get("at")?,
                    actor_account_id: r.try_get("actor_account_id")?,
                    from_tipster: r.try_get::<i64, _>("from_tipster")? == 1,
                    kind: parse_enum(&r.try_get::<String, _>("kind")?)?,
                    from_state: from.as_deref().map(parse_enum).transpose()?,
                    to_state: to.as_deref().map(parse_enum).transpose()?,
                    unit_id: r.try_get("unit_id")?,
                    body: r.try_get("body")?,
                    visible_to_tipster: r.try_get::<i64, _>("visible_to_tipster")? == 1,
                })
            })
            .collect()
    }

    pub async fn tip_attachments(&self, tip_id: i64) -> Result<Vec<Attachment>> {
        let rows = sqlx::query(
            "SELECT id, tip_id, object_key, kind, bytes, width, height FROM tip_attachments WHERE tip_id = $1 ORDER BY id",
        )
        .bind(tip_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Attachment {
                    id: r.try_get("id")?,
                    tip_id: r.try_get("tip_id")?,
                    object_key: r.try_get("object_key")?,
                    kind: r.try_get("kind")?,
                    bytes: r.try_get("bytes")?,
                    width: r.try_get("width")?,
                    height: r.try_get("height")?,
                })
            })
            .collect()
    }

    pub async fn unseal_requests(&self, tip_id: i64) -> Result<Vec<UnsealRequest>> {
        let rows = sqlx::query(
            "SELECT id, tip_id, requested_by, reason, requested_at, approved_by, approved_at FROM unseal_requests \
             WHERE tip_id = $1 ORDER BY id",
        )
        .bind(tip_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UnsealRequest {
                    id: r.try_get("id")?,
                    tip_id: r.try_get("tip_id")?,
                    requested_by: r.try_get("requested_by")?,
                    reason: r.try_get("reason")?,
                    requested_at_ms: r.try_get("requested_at")?,
                    approved_by: r.try_get("approved_by")?,
                    approved_at_ms: r.try_get("approved_at")?,
                })
            })
            .collect()
    }

    pub async fn count_tips(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM tips").fetch_one(&self.read).await?)
    }

    /// Current communes/wards with a centre point inside a box, for placing a GPS point without boundaries.
    pub async fn communes_near(&self, lat: f64, lon: f64, degrees: f64) -> Result<Vec<(i64, f64, f64)>> {
        let rows = sqlx::query(
            "SELECT id, lat, lon FROM areas WHERE level = 'commune' AND valid_to IS NULL AND lat IS NOT NULL \
             AND lat BETWEEN $1 AND $2 AND lon BETWEEN $3 AND $4",
        )
        .bind(lat - degrees)
        .bind(lat + degrees)
        .bind(lon - degrees)
        .bind(lon + degrees)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("lat")?, r.try_get("lon")?))).collect()
    }
}

pub async fn set_reporter_sealed(tx: &mut Tx, id: i64, sealed: &str) -> Result<()> {
    sqlx::query("UPDATE tips SET reporter_sealed = $1 WHERE id = $2").bind(sealed).bind(id).execute(tx.conn()).await?;
    Ok(())
}

pub async fn set_reporter_tag(tx: &mut Tx, id: i64, tag: &str) -> Result<()> {
    sqlx::query("UPDATE tips SET reporter_tag = $1 WHERE id = $2").bind(tag).bind(id).execute(tx.conn()).await?;
    Ok(())
}

/// Sets a tip's category (an officer's correction).
pub async fn set_category(tx: &mut Tx, id: i64, category: TipCategory, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE tips SET category = $1, updated_at = $2 WHERE id = $3")
        .bind(category.as_str())
        .bind(now_ms)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// An officer's decision on the triage rules' suggestion for a tip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageDecision {
    pub tip_id: i64,
    pub suggested: (TipCategory, Priority),
    pub decided: (TipCategory, Priority),
    pub decided_by: i64,
    pub decided_at_ms: i64,
}

pub async fn add_triage_decision(tx: &mut Tx, d: &TriageDecision) -> Result<()> {
    sqlx::query(
        "INSERT INTO triage_decisions (tip_id, suggested_category, suggested_priority, category, priority, \
         decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(d.tip_id)
    .bind(d.suggested.0.as_str())
    .bind(d.suggested.1.as_str())
    .bind(d.decided.0.as_str())
    .bind(d.decided.1.as_str())
    .bind(d.decided_by)
    .bind(d.decided_at_ms)
    .execute(tx.conn())
    .await?;
    Ok(())
}

impl Store {
    /// The newest triage decisions, newest first (to measure the rules against officers).
    pub async fn triage_decisions(&self, limit: i64) -> Result<Vec<TriageDecision>> {
        let rows = sqlx::query(
            "SELECT tip_id, suggested_category, suggested_priority, category, priority, decided_by, decided_at \
             FROM triage_decisions ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        let parse = |c: String, p: String| -> Result<(TipCategory, Priority)> {
            Ok((
                c.parse().map_err(|_| StoreError::Corrupt(format!("triage category {c}")))?,
                p.parse().map_err(|_| StoreError::Corrupt(format!("triage priority {p}")))?,
            ))
        };
        rows.iter()
            .map(|r| {
                Ok(TriageDecision {
                    tip_id: r.try_get(0)?,
                    suggested: parse(r.try_get(1)?, r.try_get(2)?)?,
                    decided: parse(r.try_get(3)?, r.try_get(4)?)?,
                    decided_by: r.try_get(5)?,
                    decided_at_ms: r.try_get(6)?,
                })
            })
            .collect()
    }
}

/// A unit starts supporting a tip; `Conflict("already_supporting")` if it already does.
pub async fn add_support(tx: &mut Tx, tip_id: i64, unit_id: i64, by: i64, now_ms: i64) -> Result<()> {
    let done = sqlx::query(
        "INSERT INTO tip_support (tip_id, unit_id, acknowledged_at, acknowledged_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(tip_id)
    .bind(unit_id)
    .bind(now_ms)
    .bind(by)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("already_supporting"));
    }
    Ok(())
}

/// A supporting unit records its own outcome, once; `Conflict("not_supporting")` if it never acknowledged,
/// `Conflict("support_resolved")` if it already resolved.
pub async fn resolve_support(tx: &mut Tx, tip_id: i64, unit_id: i64, o: &Outcome, now_ms: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE tip_support SET resolved_at = $1, arrests = $2, vehicles_seized = $3, items_seized = $4, \
         property_recovered = $5, note = $6 WHERE tip_id = $7 AND unit_id = $8 AND resolved_at IS NULL",
    )
    .bind(now_ms)
    .bind(o.arrests)
    .bind(o.vehicles_seized)
    .bind(o.items_seized)
    .bind(o.property_recovered)
    .bind(o.note.as_deref())
    .bind(tip_id)
    .bind(unit_id)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM tip_support WHERE tip_id = $1 AND unit_id = $2")
            .bind(tip_id)
            .bind(unit_id)
            .fetch_optional(tx.conn())
            .await?;
        return Err(StoreError::Conflict(if exists.is_some() { "support_resolved" } else { "not_supporting" }));
    }
    Ok(())
}

impl Store {
    /// The units supporting a tip, in the order they came.
    pub async fn tip_support(&self, tip_id: i64) -> Result<Vec<TipSupport>> {
        let rows = sqlx::query(
            "SELECT tip_id, unit_id, acknowledged_at, acknowledged_by, resolved_at, arrests, vehicles_seized, \
             items_seized, property_recovered, note FROM tip_support WHERE tip_id = $1 ORDER BY acknowledged_at, unit_id",
        )
        .bind(tip_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let resolved_at_ms: Option<i64> = r.try_get(4)?;
                let outcome = match resolved_at_ms {
                    Some(_) => Some(Outcome {
                        arrests: r.try_get::<Option<i64>, _>(5)?.unwrap_or(0),
                        vehicles_seized: r.try_get::<Option<i64>, _>(6)?.unwrap_or(0),
                        items_seized: r.try_get::<Option<i64>, _>(7)?.unwrap_or(0),
                        property_recovered: r.try_get::<Option<i64>, _>(8)?.unwrap_or(0),
                        note: r.try_get(9)?,
                        ..Default::default()
                    }),
                    None => None,
                };
                Ok(TipSupport {
                    tip_id: r.try_get(0)?,
                    unit_id: r.try_get(1)?,
                    acknowledged_at_ms: r.try_get(2)?,
                    acknowledged_by: r.try_get(3)?,
                    resolved_at_ms,
                    outcome,
                })
            })
            .collect()
    }
}
