//! Reorganisations of the unit tree: the plans (`reorganisations`), and the set-based statements that apply
//! one step — a unit absorbed by another moves its followers, open work and settings in a few statements,
//! whatever their number, inside the caller's transaction.

use sqlx::Row;
use time::Date;

use crate::{date_text, parse_date, Result, Store, Tx};

/// A plan as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Reorganisation {
    pub id: i64,
    pub effective_on: Date,
    /// The changes as JSON (`domain::reorganisation::Change`s).
    pub plan: String,
    pub applied: bool,
    /// What applying it moved, as JSON.
    pub report: Option<String>,
    pub created_by: Option<i64>,
    pub created_at_ms: i64,
    pub applied_at_ms: Option<i64>,
}

const COLUMNS: &str = "id, effective_on, plan, state, report, created_by, created_at, applied_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Reorganisation> {
    Ok(Reorganisation {
        id: r.try_get(0)?,
        effective_on: parse_date(r.try_get(1)?)?.ok_or(crate::StoreError::Corrupt("effective_on".into()))?,
        plan: r.try_get(2)?,
        applied: r.try_get::<String, _>(3)? == "applied",
        report: r.try_get(4)?,
        created_by: r.try_get(5)?,
        created_at_ms: r.try_get(6)?,
        applied_at_ms: r.try_get(7)?,
    })
}

pub async fn insert(tx: &mut Tx, effective_on: Date, plan: &str, created_by: Option<i64>, now_ms: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO reorganisations (effective_on, plan, state, created_by, created_at) \
         VALUES ($1, $2, 'scheduled', $3, $4) RETURNING id",
    )
    .bind(date_text(effective_on))
    .bind(plan)
    .bind(created_by)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await?)
}

/// Marks a plan applied with its report; false if it already was (another node, or a retried job, did it).
pub async fn mark_applied(tx: &mut Tx, id: i64, report: &str, now_ms: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE reorganisations SET state = 'applied', report = $1, applied_at = $2 WHERE id = $3 AND state = 'scheduled'",
    )
    .bind(report)
    .bind(now_ms)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Reads a plan inside a transaction (the job applying it holds it there).
pub async fn get(tx: &mut Tx, id: i64) -> Result<Reorganisation> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM reorganisations WHERE id = $1"))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(crate::StoreError::NotFound)?;
    from_row(&row)
}

/// What one unit's absorption moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Absorbed {
    /// Followers now following the successor (those who followed both keep their one follow).
    pub follows_moved: u64,
    /// Open tips, with their priority and since when they wait when they wait for acknowledgement.
    pub open_tips: Vec<MovedTip>,
    pub groups: u64,
    pub services: u64,
    /// Bookings still to come: (appointment, holder's account when signed in).
    pub bookings: Vec<(i64, Option<i64>)>,
    pub questions: u64,
    /// Officers still posted at the unit that ended: someone must reassign them.
    pub officers: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedTip {
    pub id: i64,
    pub priority: String,
    /// When it started waiting for acknowledgement, when it does.
    pub waiting_since_ms: Option<i64>,
}

/// `unit` ends on `on` and `into` takes over: its areas (beside its own), followers, open tips (each with a
/// timeline line), groups, appointment services and bookings to come, open questions, businesses it oversaw,
/// urgent watches and SLA policies. Closed work stays where it was done; the successor reads it by lineage.
pub async fn absorb(tx: &mut Tx, unit: i64, into: i64, on: Date, now_ms: i64) -> Result<Absorbed> {
    let mut moved = Absorbed::default();
    sqlx::query("UPDATE units SET valid_to = $1, successor_id = $2 WHERE id = $3")
        .bind(date_text(on))
        .bind(into)
        .bind(unit)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO unit_areas (unit_id, area_id) SELECT $1, ua.area_id FROM unit_areas ua WHERE ua.unit_id = $2 \
         AND NOT EXISTS (SELECT 1 FROM unit_areas x WHERE x.unit_id = $1 AND x.area_id = ua.area_id)",
    )
    .bind(into)
    .bind(unit)
    .execute(tx.conn())
    .await?;

    moved.follows_moved = sqlx::query(
        "INSERT INTO follows (account_id, unit_id, created_at) SELECT f.account_id, $1, f.created_at FROM follows f \
         WHERE f.unit_id = $2 AND NOT EXISTS (SELECT 1 FROM follows g WHERE g.account_id = f.account_id AND g.unit_id = $1)",
    )
    .bind(into)
    .bind(unit)
    .execute(tx.conn())
    .await?
    .rows_affected();
    sqlx::query("DELETE FROM follows WHERE unit_id = $1").bind(unit).execute(tx.conn()).await?;

    let open = sqlx::query(
        "SELECT id, priority, state, submitted_at, updated_at FROM tips WHERE unit_id = $1 AND state <> 'resolved' \
         ORDER BY id",
    )
    .bind(unit)
    .fetch_all(tx.conn())
    .await?;
    for r in &open {
        let state: String = r.try_get(2)?;
        let waiting_since_ms = match state.as_str() {
            "new" => Some(r.try_get(3)?),
            "transferred" => Some(r.try_get(4)?),
            _ => None,
        };
        moved.open_tips.push(MovedTip { id: r.try_get(0)?, priority: r.try_get(1)?, waiting_since_ms });
    }
    sqlx::query(
        "INSERT INTO tip_events (tip_id, at, actor_account_id, from_tipster, kind, from_state, to_state, unit_id, \
         body, visible_to_tipster) SELECT id, $1, NULL, 0, 'unit_reorganised', NULL, NULL, $2, NULL, 0 FROM tips \
         WHERE unit_id = $3 AND state <> 'resolved'",
    )
    .bind(now_ms)
    .bind(into)
    .bind(unit)
    .execute(tx.conn())
    .await?;
    sqlx::query("UPDATE tips SET unit_id = $1, updated_at = $2 WHERE unit_id = $3 AND state <> 'resolved'")
        .bind(into)
        .bind(now_ms)
        .bind(unit)
        .execute(tx.conn())
        .await?;

    moved.groups = move_rows(tx, "UPDATE sector_groups SET unit_id = $1 WHERE unit_id = $2", into, unit).await?;
    moved.services =
        move_rows(tx, "UPDATE appointment_services SET unit_id = $1 WHERE unit_id = $2", into, unit).await?;
    let bookings = sqlx::query(
        "SELECT id, account_id FROM appointments WHERE unit_id = $1 AND starts_at >= $2 AND state = 'booked' ORDER BY id",
    )
    .bind(unit)
    .bind(now_ms)
    .fetch_all(tx.conn())
    .await?;
    moved.bookings = bookings.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<Result<_>>()?;
    sqlx::query("UPDATE appointments SET unit_id = $1 WHERE unit_id = $2 AND starts_at >= $3")
        .bind(into)
        .bind(unit)
        .bind(now_ms)
        .execute(tx.conn())
        .await?;
    moved.questions =
        move_rows(tx, "UPDATE questions SET unit_id = $1 WHERE unit_id = $2 AND state = 'open'", into, unit).await?;
    move_rows(tx, "UPDATE accounts SET overseeing_unit_id = $1 WHERE overseeing_unit_id = $2", into, unit).await?;

    // Watches and policies: the successor's own win; what it lacks, it inherits.
    sqlx::query(
        "INSERT INTO urgent_watchers (unit_id, scope_unit_id) SELECT $1, w.scope_unit_id FROM urgent_watchers w \
         WHERE w.unit_id = $2 AND w.scope_unit_id <> $1 AND NOT EXISTS \
         (SELECT 1 FROM urgent_watchers x WHERE x.unit_id = $1 AND x.scope_unit_id = w.scope_unit_id)",
    )
    .bind(into)
    .bind(unit)
    .execute(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO urgent_watchers (unit_id, scope_unit_id) SELECT w.unit_id, $1 FROM urgent_watchers w \
         WHERE w.scope_unit_id = $2 AND w.unit_id <> $1 AND NOT EXISTS \
         (SELECT 1 FROM urgent_watchers x WHERE x.unit_id = w.unit_id AND x.scope_unit_id = $1)",
    )
    .bind(into)
    .bind(unit)
    .execute(tx.conn())
    .await?;
    sqlx::query("DELETE FROM urgent_watchers WHERE unit_id = $1 OR scope_unit_id = $1")
        .bind(unit)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO sla_policies (unit_id, priority, minutes) SELECT $1, p.priority, p.minutes FROM sla_policies p \
         WHERE p.unit_id = $2 AND NOT EXISTS (SELECT 1 FROM sla_policies x WHERE x.unit_id = $1 AND x.priority = p.priority)",
    )
    .bind(into)
    .bind(unit)
    .execute(tx.conn())
    .await?;
    sqlx::query("DELETE FROM sla_policies WHERE unit_id = $1").bind(unit).execute(tx.conn()).await?;

    let officers = sqlx::query("SELECT id FROM accounts WHERE unit_id = $1 AND kind = 'officer' ORDER BY id")
        .bind(unit)
        .fetch_all(tx.conn())
        .await?;
    moved.officers = officers.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
    Ok(moved)
}

async fn move_rows(tx: &mut Tx, sql: &str, into: i64, unit: i64) -> Result<u64> {
    Ok(sqlx::query(sql).bind(into).bind(unit).execute(tx.conn()).await?.rows_affected())
}

pub async fn rename(tx: &mut Tx, unit: i64, name: &str, name_folded: &str) -> Result<()> {
    sqlx::query("UPDATE units SET name = $1, name_folded = $2 WHERE id = $3")
        .bind(name)
        .bind(name_folded)
        .bind(unit)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn reparent(tx: &mut Tx, unit: i64, parent: i64) -> Result<()> {
    sqlx::query("UPDATE units SET parent_id = $1 WHERE id = $2").bind(parent).bind(unit).execute(tx.conn()).await?;
    Ok(())
}

impl Store {
    /// Every plan, newest day first.
    pub async fn reorganisations(&self) -> Result<Vec<Reorganisation>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM reorganisations ORDER BY effective_on DESC, id DESC"))
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn reorganisation(&self, id: i64) -> Result<Reorganisation> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM reorganisations WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(crate::StoreError::NotFound)?;
        from_row(&row)
    }
}
