//! Who is told of what: officers on duty, each account's contact channels, SLA policies per unit, and the
//! units that watch another's urgent tips.

use binhyen_domain::channel::ChannelKind;
use binhyen_domain::tip::Priority;
use sqlx::Row;

use crate::accounts::Account;
use crate::{parse_enum, Result, Store, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactChannel {
    pub channel: ChannelKind,
    pub address: String,
    pub enabled: bool,
}

/// Puts an officer on duty (keeping the first `since` if already on) or off.
pub async fn set_on_duty(tx: &mut Tx, account_id: i64, on: bool, now_ms: i64) -> Result<()> {
    if on {
        sqlx::query("INSERT INTO duty (account_id, since) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING")
            .bind(account_id)
            .bind(now_ms)
            .execute(tx.conn())
            .await?;
    } else {
        sqlx::query("DELETE FROM duty WHERE account_id = $1").bind(account_id).execute(tx.conn()).await?;
    }
    Ok(())
}

/// Sets (Some) or clears (None, inherit) a unit's SLA minutes per priority.
pub async fn set_sla_policy(tx: &mut Tx, unit_id: i64, minutes: &[(Priority, Option<i64>)]) -> Result<()> {
    for (priority, value) in minutes {
        sqlx::query("DELETE FROM sla_policies WHERE unit_id = $1 AND priority = $2")
            .bind(unit_id)
            .bind(priority.as_str())
            .execute(tx.conn())
            .await?;
        if let Some(m) = value {
            sqlx::query("INSERT INTO sla_policies (unit_id, priority, minutes) VALUES ($1, $2, $3)")
                .bind(unit_id)
                .bind(priority.as_str())
                .bind(*m)
                .execute(tx.conn())
                .await?;
        }
    }
    Ok(())
}

pub async fn set_urgent_watch(tx: &mut Tx, unit_id: i64, scope_unit_id: i64, on: bool) -> Result<()> {
    let sql = if on {
        "INSERT INTO urgent_watchers (unit_id, scope_unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM urgent_watchers WHERE unit_id = $1 AND scope_unit_id = $2"
    };
    sqlx::query(sql).bind(unit_id).bind(scope_unit_id).execute(tx.conn()).await?;
    Ok(())
}

impl Store {
    /// `set_on_duty` in a transaction of its own.
    pub async fn set_on_duty(&self, account_id: i64, on: bool, now_ms: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        set_on_duty(&mut tx, account_id, on, now_ms).await?;
        tx.commit().await
    }

    /// Since when the officer is on duty (None when off).
    pub async fn on_duty_since(&self, account_id: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar("SELECT since FROM duty WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(&self.read)
            .await?)
    }

    /// Officers of `unit_id` to tell: those on duty, and with `commanders` also its commanders and
    /// administrators whether on duty or not.
    pub async fn officers_to_alert(&self, unit_id: i64, commanders: bool) -> Result<Vec<Account>> {
        let officers = self.officers_of_unit(unit_id).await?;
        let on_duty: Vec<i64> = sqlx::query_scalar(
            "SELECT d.account_id FROM duty d JOIN accounts a ON a.id = d.account_id WHERE a.unit_id = $1",
        )
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?;
        Ok(officers
            .into_iter()
            .filter(|a| {
                on_duty.contains(&a.id)
                    || (commanders && a.role.is_some_and(|r| r.rank() >= binhyen_domain::Role::Commander.rank()))
            })
            .collect())
    }

    pub async fn contact_channels(&self, account_id: i64) -> Result<Vec<ContactChannel>> {
        let rows = sqlx::query(
            "SELECT channel, address, enabled FROM contact_channels WHERE account_id = $1 ORDER BY channel",
        )
        .bind(account_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ContactChannel {
                    channel: parse_enum(&r.try_get::<String, _>(0)?)?,
                    address: r.try_get(1)?,
                    enabled: r.try_get::<i64, _>(2)? != 0,
                })
            })
            .collect()
    }

    /// Replaces the account's contact channels with `channels`, in one transaction.
    pub async fn set_contact_channels(&self, account_id: i64, channels: &[ContactChannel]) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM contact_channels WHERE account_id = $1").bind(account_id).execute(tx.conn()).await?;
        for c in channels {
            sqlx::query("INSERT INTO contact_channels (account_id, channel, address, enabled) VALUES ($1, $2, $3, $4)")
                .bind(account_id)
                .bind(c.channel.as_str())
                .bind(c.address.as_str())
                .bind(i64::from(c.enabled))
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await
    }

    /// Every unit's policy: (unit, priority, minutes).
    pub async fn all_sla_policies(&self) -> Result<Vec<(i64, Priority, i64)>> {
        let rows = sqlx::query("SELECT unit_id, priority, minutes FROM sla_policies").fetch_all(&self.read).await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, parse_enum(&r.try_get::<String, _>(1)?)?, r.try_get(2)?))).collect()
    }

    /// Every (watching unit, watched subtree's root) pair.
    pub async fn urgent_watchers(&self) -> Result<Vec<(i64, i64)>> {
        let rows = sqlx::query("SELECT unit_id, scope_unit_id FROM urgent_watchers ORDER BY unit_id, scope_unit_id")
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }

    /// `set_urgent_watch` in a transaction of its own.
    pub async fn set_urgent_watch(&self, unit_id: i64, scope_unit_id: i64, on: bool) -> Result<()> {
        let mut tx = self.begin().await?;
        set_urgent_watch(&mut tx, unit_id, scope_unit_id, on).await?;
        tx.commit().await
    }
}

impl Store {
    /// The enabled channels of the accounts with ids in [`first`, `last`]: one query for a batch of people.
    pub async fn enabled_channels_between(&self, first: i64, last: i64) -> Result<Vec<(i64, ContactChannel)>> {
        let rows = sqlx::query(
            "SELECT account_id, channel, address FROM contact_channels \
             WHERE account_id >= $1 AND account_id <= $2 AND enabled = 1 ORDER BY account_id, channel",
        )
        .bind(first)
        .bind(last)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let channel = ContactChannel {
                    channel: parse_enum(&r.try_get::<String, _>(1)?)?,
                    address: r.try_get(2)?,
                    enabled: true,
                };
                Ok((r.try_get(0)?, channel))
            })
            .collect()
    }
}
