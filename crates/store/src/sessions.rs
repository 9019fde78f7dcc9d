//! Sign-in sessions (browser cookies) and API tokens. Only a SHA-256 of the token is stored, so a copy of the
//! database does not let anyone sign in.

use sqlx::Row;

use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub account_id: i64,
    /// "web" or "api".
    pub kind: String,
    /// "full", or "totp" while the second factor is still owed.
    pub stage: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

impl Store {
    pub async fn create_session(&self, token_hash: &str, s: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, kind, stage, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(s.account_id)
        .bind(&s.kind)
        .bind(&s.stage)
        .bind(s.created_at_ms)
        .bind(s.expires_at_ms)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Session> {
        let row =
            sqlx::query("SELECT account_id, kind, stage, created_at, expires_at FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.read)
                .await?
                .ok_or(StoreError::NotFound)?;
        Ok(Session {
            account_id: row.try_get("account_id")?,
            kind: row.try_get("kind")?,
            stage: row.try_get("stage")?,
            created_at_ms: row.try_get("created_at")?,
            expires_at_ms: row.try_get("expires_at")?,
        })
    }

    pub async fn set_session_stage(&self, token_hash: &str, stage: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET stage = $1 WHERE token_hash = $2")
            .bind(stage)
            .bind(token_hash)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.write).await?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self, now_ms: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms).execute(&self.write).await?;
        Ok(done.rows_affected())
    }
}
