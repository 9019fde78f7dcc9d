//! Public alerts and the areas they cover (see migration 0009). An alert covers its area's closure, expanded
//! when it is issued; feeds find the alerts over a person's home with one indexed look-up, and the fan-out walks
//! a page's followers in account order, in ranges.

use sqlx::Row;

use crate::{parse_enum, Result, Store, StoreError, Tx};
use binhyen_domain::alert::{AlertCategory, Certainty, Severity, Urgency};

pub use binhyen_domain::entities::public_alerts::PublicAlert;

#[derive(Debug, Clone, PartialEq)]
pub struct NewPublicAlert {
    pub unit_id: i64,
    pub area_id: i64,
    pub category: AlertCategory,
    pub event: String,
    pub severity: Severity,
    pub urgency: Urgency,
    pub certainty: Certainty,
    pub headline: String,
    pub description: String,
    pub instruction: Option<String>,
    pub sent_at_ms: i64,
    pub expires_at_ms: i64,
    pub author_account_id: i64,
}

const COLUMNS: &str = "al.id, al.unit_id, al.area_id, al.category, al.event, al.severity, al.urgency, al.certainty, \
                       al.headline, al.description, al.instruction, al.sent_at, al.expires_at, al.cancelled_at, \
                       al.author_account_id";
/// In force at $1.
const ACTIVE: &str = "al.cancelled_at IS NULL AND al.expires_at > $1";

fn from_row(r: &sqlx::any::AnyRow) -> Result<PublicAlert> {
    Ok(PublicAlert {
        id: r.try_get(0)?,
        unit_id: r.try_get(1)?,
        area_id: r.try_get(2)?,
        category: parse_enum(&r.try_get::<String, _>(3)?)?,
        event: r.try_get(4)?,
        severity: parse_enum(&r.try_get::<String, _>(5)?)?,
        urgency: parse_enum(&r.try_get::<String, _>(6)?)?,
        certainty: parse_enum(&r.try_get::<String, _>(7)?)?,
        headline: r.try_get(8)?,
        description: r.try_get(9)?,
        instruction: r.try_get(10)?,
        sent_at_ms: r.try_get(11)?,
        expires_at_ms: r.try_get(12)?,
        cancelled_at_ms: r.try_get(13)?,
        author_account_id: r.try_get(14)?,
    })
}

fn all(rows: Vec<sqlx::any::AnyRow>) -> Result<Vec<PublicAlert>> {
    rows.iter().map(from_row).collect()
}

/// Inserts an alert and the closure of its area; returns its id and how many areas it covers.
pub async fn insert(tx: &mut Tx, a: &NewPublicAlert) -> Result<(i64, usize)> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO public_alerts (unit_id, area_id, category, event, severity, urgency, certainty, headline, \
         description, instruction, sent_at, expires_at, author_account_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(a.unit_id)
    .bind(a.area_id)
    .bind(a.category.as_str())
    .bind(a.event.as_str())
    .bind(a.severity.as_str())
    .bind(a.urgency.as_str())
    .bind(a.certainty.as_str())
    .bind(a.headline.as_str())
    .bind(a.description.as_str())
    .bind(a.instruction.as_deref())
    .bind(a.sent_at_ms)
    .bind(a.expires_at_ms)
    .bind(a.author_account_id)
    .fetch_one(tx.conn())
    .await?;
    let covered = area_closure(tx, a.area_id).await?;
    for chunk in covered.chunks(crate::MAX_BINDS / 2) {
        let sql = format!(
            "INSERT INTO public_alert_areas (area_id, alert_id) VALUES {}",
            crate::values_placeholders(tx, chunk.len(), 2)
        );
        let mut q = sqlx::query(&sql);
        for area in chunk {
            q = q.bind(*area).bind(id);
        }
        q.execute(tx.conn()).await?;
    }
    Ok((id, covered.len()))
}

/// The area, every area under it, and the pre-2025 areas that went into any of them (by their default
/// successor) with everything under those: where a person living "inside" may have their home recorded.
async fn area_closure(tx: &mut Tx, root: i64) -> Result<Vec<i64>> {
    let mut seen = std::collections::BTreeSet::from([root]);
    let mut frontier = vec![root];
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for chunk in frontier.chunks(500) {
            let ids = crate::id_list(chunk.iter().copied());
            let found: Vec<i64> = sqlx::query_scalar(&format!(
                "SELECT id FROM areas WHERE parent_id IN ({ids}) \
                 UNION SELECT area_id FROM area_successors WHERE is_default = 1 AND successor_id IN ({ids})"
            ))
            .fetch_all(tx.conn())
            .await?;
            next.extend(found.into_iter().filter(|id| seen.insert(*id)));
        }
        if seen.len() > 200_000 {
            return Err(StoreError::Corrupt(format!("area {root}: closure too large")));
        }
        frontier = next;
    }
    Ok(seen.into_iter().collect())
}

/// Ends an alert before its expiry. False when it had already ended.
pub async fn cancel(tx: &mut Tx, id: i64, now_ms: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE public_alerts SET cancelled_at = $1 WHERE id = $2 AND cancelled_at IS NULL AND expires_at > $1",
    )
    .bind(now_ms)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

impl Store {
    pub async fn public_alert(&self, id: i64) -> Result<PublicAlert> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM public_alerts al WHERE al.id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// The alerts in force over the home of `account_id` (none when it has no home area), newest first.
    pub async fn alerts_over_home(&self, account_id: i64, now_ms: i64) -> Result<Vec<PublicAlert>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_alert_areas aa JOIN public_alerts al ON al.id = aa.alert_id \
             WHERE aa.area_id = (SELECT home_area_id FROM accounts WHERE id = $2) AND {ACTIVE} \
             ORDER BY al.sent_at DESC, al.id DESC"
        ))
        .bind(now_ms)
        .bind(account_id)
        .fetch_all(&self.read)
        .await?;
        all(rows)
    }

    /// The alerts in force over an area, newest first.
    pub async fn alerts_over_area(&self, area_id: i64, now_ms: i64) -> Result<Vec<PublicAlert>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_alert_areas aa JOIN public_alerts al ON al.id = aa.alert_id \
             WHERE aa.area_id = $2 AND {ACTIVE} ORDER BY al.sent_at DESC, al.id DESC"
        ))
        .bind(now_ms)
        .bind(area_id)
        .fetch_all(&self.read)
        .await?;
        all(rows)
    }

    /// Every alert in force, newest first (the CAP feed).
    pub async fn active_alerts(&self, now_ms: i64, limit: i64) -> Result<Vec<PublicAlert>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_alerts al WHERE {ACTIVE} ORDER BY al.sent_at DESC, al.id DESC LIMIT $2"
        ))
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        all(rows)
    }

    /// A unit's alerts, in force or not, newest first.
    pub async fn unit_alerts(&self, unit_id: i64, limit: i64) -> Result<Vec<PublicAlert>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM public_alerts al WHERE al.unit_id = $1 ORDER BY al.sent_at DESC, al.id DESC \
             LIMIT $2"
        ))
        .bind(unit_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        all(rows)
    }

    /// Up to `limit` followers of a page with account ids above `after`, in order: where the fan-out cuts
    /// its ranges.
    pub async fn follower_ids(&self, unit_id: i64, after: i64, limit: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT account_id FROM follows WHERE unit_id = $1 AND account_id > $2 ORDER BY account_id LIMIT $3",
        )
        .bind(unit_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Up to `limit` followers of the alert's page whose home is inside its area, with account ids in
    /// (`after`, `until`], in order. Its cost follows the width of the range: callers keep it narrow.
    pub async fn alert_followers(&self, alert: &PublicAlert, after: i64, until: i64, limit: i64) -> Result<Vec<i64>> {
        // Walks the follows in account order (index `follows_unit`) and looks each home up in the closure. As
        // a plain join, SQLite's planner may start from the closure (small, or unknown to its statistics) and
        // scan every account for each area: the EXISTS keeps the walk where it belongs.
        Ok(sqlx::query_scalar(
            "SELECT f.account_id FROM follows f JOIN accounts a ON a.id = f.account_id \
             WHERE f.unit_id = $2 AND f.account_id > $3 AND f.account_id <= $4 \
             AND EXISTS (SELECT 1 FROM public_alert_areas aa WHERE aa.area_id = a.home_area_id AND aa.alert_id = $1) \
             ORDER BY f.account_id LIMIT $5",
        )
        .bind(alert.id)
        .bind(alert.unit_id)
        .bind(after)
        .bind(until)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }
}
