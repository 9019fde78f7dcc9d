//! Counting failed sign-ins per key (a hash of what was typed, never the phone number itself), so that
//! every node of a PostgreSQL deployment throttles alike.

use sqlx::Row;

use crate::{Result, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub first_at_ms: i64,
    pub locked_until_ms: i64,
}

impl Store {
    pub async fn sign_in_failures(&self, key: &str) -> Result<Option<Failures>> {
        let row = sqlx::query("SELECT failures, first_at, locked_until FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| {
            Ok(Failures {
                count: r.try_get("failures")?,
                first_at_ms: r.try_get("first_at")?,
                locked_until_ms: r.try_get("locked_until")?,
            })
        })
        .transpose()
    }

    pub async fn put_sign_in_failures(&self, key: &str, f: Failures) -> Result<()> {
        sqlx::query(
            "INSERT INTO sign_in_failures (key, failures, first_at, locked_until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, first_at = excluded.first_at, \
             locked_until = excluded.locked_until",
        )
        .bind(key)
        .bind(f.count)
        .bind(f.first_at_ms)
        .bind(f.locked_until_ms)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1").bind(key).execute(&self.write).await?;
        Ok(())
    }
}
