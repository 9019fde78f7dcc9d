//! Accounts (citizens, officers, household clusters) and the households a cluster speaks for.

use crate::{AccountKind, BusinessKind, Role};

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: i64,
    pub kind: AccountKind,
    /// E.164.
    pub phone: String,
    pub display_name: String,
    pub password_hash: String,
    pub home_area_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub role: Option<Role>,
    pub business_kind: Option<BusinessKind>,
    pub overseeing_unit_id: Option<i64>,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Household {
    pub id: i64,
    pub position: i64,
    pub head_name: String,
    pub address: String,
    pub village_area_id: Option<i64>,
}
