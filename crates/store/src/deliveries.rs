//! Outbound deliveries: one message to one recipient on one channel, and where it stands.

use binhyen_domain::channel::ChannelKind;
use binhyen_domain::delivery::DeliveryState;
use sqlx::Row;

use crate::{parse_enum, Result, Store, StoreError, Tx};

pub use binhyen_domain::entities::deliveries::Delivery;

#[derive(Debug, Clone, PartialEq)]
pub struct NewDelivery {
    pub idempotency_key: String,
    pub channel: ChannelKind,
    pub account_id: Option<i64>,
    pub address: Option<String>,
    pub tip_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    /// JSON for the webhook: ids, kinds, states. Never personal data.
    pub data: String,
    /// `Queued`, or `Dead` when it cannot be attempted (`last_error` says why).
    pub state: DeliveryState,
    pub last_error: Option<String>,
}

const COLUMNS: &str = "id, idempotency_key, channel, account_id, address, tip_id, subject, body, link, data, state, \
                       attempts, last_error, provider_id, created_at, updated_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Delivery> {
    Ok(Delivery {
        id: r.try_get(0)?,
        idempotency_key: r.try_get(1)?,
        channel: parse_enum(&r.try_get::<String, _>(2)?)?,
        account_id: r.try_get(3)?,
        address: r.try_get(4)?,
        tip_id: r.try_get(5)?,
        subject: r.try_get(6)?,
        body: r.try_get(7)?,
        link: r.try_get(8)?,
        data: r.try_get(9)?,
        state: parse_enum(&r.try_get::<String, _>(10)?)?,
        attempts: r.try_get(11)?,
        last_error: r.try_get(12)?,
        provider_id: r.try_get(13)?,
        created_at_ms: r.try_get(14)?,
        updated_at_ms: r.try_get(15)?,
    })
}

/// Inserts a delivery unless one with its idempotency key exists; returns its id, or None if it existed.
pub async fn insert(tx: &mut Tx, d: &NewDelivery, now_ms: i64) -> Result<Option<i64>> {
    let id = sqlx::query_scalar(
        "INSERT INTO deliveries (idempotency_key, channel, account_id, address, tip_id, subject, body, link, data, \
         state, attempts, last_error, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, \
         $11, $12, $12) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
    )
    .bind(d.idempotency_key.as_str())
    .bind(d.channel.as_str())
    .bind(d.account_id)
    .bind(d.address.as_deref())
    .bind(d.tip_id)
    .bind(d.subject.as_str())
    .bind(d.body.as_str())
    .bind(d.link.as_deref())
    .bind(d.data.as_str())
    .bind(d.state.as_str())
    .bind(d.last_error.as_deref())
    .bind(now_ms)
    .fetch_optional(tx.conn())
    .await?;
    Ok(id)
}

/// Records an attempt's result inside `tx` (with the job's completion): `Sent`, `Retrying` or `Dead`.
pub async fn record_attempt(
    tx: &mut Tx,
    id: i64,
    state: DeliveryState,
    error: Option<&str>,
    provider_id: Option<&str>,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE deliveries SET state = $1, attempts = attempts + 1, last_error = COALESCE($2, last_error), \
         provider_id = COALESCE($3, provider_id), updated_at = $4 WHERE id = $5",
    )
    .bind(state.as_str())
    .bind(error)
    .bind(provider_id)
    .bind(now_ms)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

impl Store {
    pub async fn delivery(&self, id: i64) -> Result<Delivery> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM deliveries WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// Every delivery a tip caused, oldest first.
    pub async fn tip_deliveries(&self, tip_id: i64) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM deliveries WHERE tip_id = $1 ORDER BY id"))
            .bind(tip_id)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// The newest deliveries (all, or of one state), for administrators.
    pub async fn deliveries(&self, state: Option<DeliveryState>, limit: i64) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM deliveries WHERE ($1 IS NULL OR state = $1) ORDER BY id DESC LIMIT $2"
        ))
        .bind(state.map(DeliveryState::as_str))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(from_row).collect()
    }
}
