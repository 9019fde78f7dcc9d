//! The in-app inbox of every account.

use sqlx::Row;

use binhyen_domain::notification::NotificationKind;

use crate::{parse_enum, Result, Store, Tx};

#[derive(Debug, Clone, PartialEq)]
pub struct NewNotification {
    pub account_id: i64,
    pub at_ms: i64,
    pub kind: NotificationKind,
    pub tip_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub id: i64,
    pub account_id: i64,
    pub at_ms: i64,
    pub kind: NotificationKind,
    pub tip_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub read_at_ms: Option<i64>,
}

pub async fn insert(tx: &mut Tx, n: &NewNotification) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO notifications (account_id, at, kind, tip_id, title, body, link) VALUES ($1, $2, $3, $4, $5, \
         $6, $7) RETURNING id",
    )
    .bind(n.account_id)
    .bind(n.at_ms)
    .bind(n.kind.as_str())
    .bind(n.tip_id)
    .bind(n.title.as_str())
    .bind(n.body.as_str())
    .bind(n.link.as_deref())
    .fetch_one(tx.conn())
    .await?)
}

/// Inserts several notifications with one statement per `MAX_BINDS` values.
pub async fn insert_many(tx: &mut Tx, all: &[NewNotification]) -> Result<()> {
    const PER_ROW: usize = 7;
    for chunk in all.chunks(crate::MAX_BINDS / PER_ROW) {
        let sql = format!(
            "INSERT INTO notifications (account_id, at, kind, tip_id, title, body, link) VALUES {}",
            crate::values_placeholders(tx, chunk.len(), PER_ROW)
        );
        let mut q = sqlx::query(&sql);
        for n in chunk {
            q = q
                .bind(n.account_id)
                .bind(n.at_ms)
                .bind(n.kind.as_str())
                .bind(n.tip_id)
                .bind(n.title.as_str())
                .bind(n.body.as_str())
                .bind(n.link.as_deref());
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

impl Store {
    /// An account's notifications, newest first, before `before_id` (paging) when given.
    pub async fn notifications(
        &self,
        account_id: i64,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        let rows = sqlx::query(
            "SELECT id, account_id, at, kind, tip_id, title, body, link, read_at FROM notifications \
             WHERE account_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3",
        )
        .bind(account_id)
        .bind(before_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: r.try_get(0)?,
                    account_id: r.try_get(1)?,
                    at_ms: r.try_get(2)?,
                    kind: parse_enum(&r.try_get::<String, _>(3)?)?,
                    tip_id: r.try_get(4)?,
                    title: r.try_get(5)?,
                    body: r.try_get(6)?,
                    link: r.try_get(7)?,
                    read_at_ms: r.try_get(8)?,
                })
            })
            .collect()
    }

    pub async fn unread_notifications(&self, account_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL")
            .bind(account_id)
            .fetch_one(&self.read)
            .await?)
    }

    /// Marks one (or, with None, every) notification of the account read. Returns how many changed.
    pub async fn mark_notifications_read(&self, account_id: i64, id: Option<i64>, now_ms: i64) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL \
             AND ($3 IS NULL OR id = $3)",
        )
        .bind(now_ms)
        .bind(account_id)
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected())
    }
}
