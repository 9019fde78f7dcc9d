//! Accounts of every kind, and the households of a cluster.

use binhyen_domain::{AccountKind, BusinessKind, Role};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::error::ResultExt;
use crate::{parse_enum, Result, Store, StoreError, Tx};

pub use binhyen_domain::entities::accounts::{Account, Household};

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub kind: AccountKind,
    pub phone: String,
    pub display_name: String,
    pub password_hash: String,
    pub home_area_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub role: Option<Role>,
    pub business_kind: Option<BusinessKind>,
    pub overseeing_unit_id: Option<i64>,
}

impl NewAccount {
    /// An account of `kind` with nothing but its credentials; callers set what their kind needs.
    pub fn new(kind: AccountKind, phone: String, display_name: String, password_hash: String) -> Self {
        Self {
            kind,
            phone,
            display_name,
            password_hash,
            home_area_id: None,
            unit_id: None,
            role: None,
            business_kind: None,
            overseeing_unit_id: None,
        }
    }
}

const COLUMNS: &str = "id, kind, phone, display_name, password_hash, home_area_id, unit_id, role, business_kind, \
                       overseeing_unit_id, totp_secret, totp_enabled, created_at";

fn from_row(row: &AnyRow) -> Result<Account> {
    let role: Option<String> = row.try_get("role")?;
    let business_kind: Option<String> = row.try_get("business_kind")?;
    Ok(Account {
        id: row.try_get("id")?,
        kind: parse_enum(&row.try_get::<String, _>("kind")?)?,
        phone: row.try_get("phone")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        home_area_id: row.try_get("home_area_id")?,
        unit_id: row.try_get("unit_id")?,
        role: role.as_deref().map(parse_enum).transpose()?,
        business_kind: business_kind.as_deref().map(parse_enum).transpose()?,
        overseeing_unit_id: row.try_get("overseeing_unit_id")?,
        totp_secret: row.try_get("totp_secret")?,
        totp_enabled: row.try_get::<i64, _>("totp_enabled")? == 1,
        created_at_ms: row.try_get("created_at")?,
    })
}

/// Creates an account; a phone number already registered is `Conflict("phone_taken")`.
pub async fn insert(tx: &mut Tx, account: &NewAccount, now_ms: i64) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO accounts (kind, phone, display_name, password_hash, home_area_id, unit_id, role, \
         business_kind, overseeing_unit_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING id",
    )
    .bind(account.kind.as_str())
    .bind(&account.phone)
    .bind(&account.display_name)
    .bind(&account.password_hash)
    .bind(account.home_area_id)
    .bind(account.unit_id)
    .bind(account.role.map(Role::as_str))
    .bind(account.business_kind.map(BusinessKind::as_str))
    .bind(account.overseeing_unit_id)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await
    .on_unique("phone_taken")
}

pub async fn add_household(tx: &mut Tx, cluster_id: i64, position: i64, h: &Household) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO households (cluster_id, position, head_name, address, village_area_id) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(cluster_id)
    .bind(position)
    .bind(&h.head_name)
    .bind(&h.address)
    .bind(h.village_area_id)
    .fetch_one(tx.conn())
    .await
    .on_unique("household_position_taken")
}

impl Store {
    pub async fn account(&self, id: i64) -> Result<Account> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    pub async fn account_by_phone(&self, e164: &str) -> Result<Option<Account>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE phone = $1"))
            .bind(e164)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn officers_of_unit(&self, unit_id: i64) -> Result<Vec<Account>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM accounts WHERE unit_id = $1 AND kind = 'officer' ORDER BY display_name"
        ))
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn households(&self, cluster_id: i64) -> Result<Vec<Household>> {
        let rows = sqlx::query(
            "SELECT id, position, head_name, address, village_area_id FROM households WHERE cluster_id = $1 \
             ORDER BY position",
        )
        .bind(cluster_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Household {
                    id: r.try_get("id")?,
                    position: r.try_get("position")?,
                    head_name: r.try_get("head_name")?,
                    address: r.try_get("address")?,
                    village_area_id: r.try_get("village_area_id")?,
                })
            })
            .collect()
    }

    /// Replaces the password hash and ends every session of the account.
    pub async fn set_password_hash(&self, account_id: i64, hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(account_id)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE account_id = $1").bind(account_id).execute(tx.conn()).await?;
        tx.commit().await
    }

    /// Stores a TOTP secret (enrolment started) and whether it is confirmed.
    pub async fn set_totp(&self, account_id: i64, secret: Option<&str>, enabled: bool) -> Result<()> {
        sqlx::query("UPDATE accounts SET totp_secret = $1, totp_enabled = $2 WHERE id = $3")
            .bind(secret)
            .bind(i64::from(enabled))
            .bind(account_id)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn count_accounts(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(&self.read).await?)
    }
}
