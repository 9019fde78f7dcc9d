//! Creating accounts of every kind, and changing passwords. Input arrives raw and is parsed here into domain
//! types, so every entry point (API, UI, CLI) gets the same rules and the same errors.

use crate::Accounts;
use binhyen_domain::{
    may_grant, AccountKind, Action, Actor, BusinessKind, DisplayName, Invalid, Password, PhoneNumber, Role,
};
use binhyen_store::accounts::{self, Account, Household, NewAccount};
use binhyen_store::StoreError;

use crate::{CoreError, Result};

#[derive(Debug, Clone, Default)]
pub struct CitizenSignUp {
    pub phone: String,
    pub password: String,
    pub display_name: String,
    pub home_area_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewOfficer {
    pub phone: String,
    pub password: String,
    pub display_name: String,
    pub unit_id: i64,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub struct NewBusiness {
    pub phone: String,
    pub password: String,
    pub display_name: String,
    pub business_kind: BusinessKind,
    pub overseeing_unit_id: i64,
    pub home_area_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewHousehold {
    pub head_name: String,
    pub address: String,
    pub village_area_id: Option<i64>,
}

/// A household cluster: one account, run by a representative, for 2–10 households without smartphones.
#[derive(Debug, Clone)]
pub struct NewCluster {
    pub phone: String,
    pub password: String,
    pub display_name: String,
    pub home_area_id: Option<i64>,
    pub households: Vec<NewHousehold>,
}

pub const CLUSTER_MIN_HOUSEHOLDS: usize = 2;
pub const CLUSTER_MAX_HOUSEHOLDS: usize = 10;

/// The validated credentials every account starts with.
struct Credentials {
    phone: PhoneNumber,
    password: Password,
    name: DisplayName,
}

fn parse_credentials(phone: &str, password: &str, name: &str) -> Result<Credentials> {
    Ok(Credentials {
        phone: PhoneNumber::parse(phone)?,
        password: Password::parse(password)?,
        name: DisplayName::parse(name)?,
    })
}

impl Accounts<'_> {
    async fn insert_account(
        &self,
        c: Credentials,
        kind: AccountKind,
        fill: impl FnOnce(&mut NewAccount),
    ) -> Result<i64> {
        let hash = self.hash_password(c.password.expose()).await?;
        let mut account = NewAccount::new(kind, c.phone.e164().to_owned(), c.name.into_inner(), hash);
        fill(&mut account);
        let mut tx = self.store.begin().await?;
        let id = accounts::insert(&mut tx, &account, self.now_ms()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A citizen signs up with a mobile number, a password, a name and (optionally) where they live.
    pub async fn sign_up_citizen(&self, input: CitizenSignUp) -> Result<i64> {
        let c = parse_credentials(&input.phone, &input.password, &input.display_name)?;
        if let Some(area) = input.home_area_id {
            self.units().home_area(area).await?;
        }
        self.insert_account(c, AccountKind::Citizen, |a| a.home_area_id = input.home_area_id).await
    }

    /// An officer account. `by` is the officer creating it; `None` means the operator at the command line.
    pub async fn create_officer(&self, by: Option<&Actor>, input: NewOfficer) -> Result<i64> {
        let c = parse_credentials(&input.phone, &input.password, &input.display_name)?;
        self.store.unit(input.unit_id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found_field("unit", "unit_id"),
            other => other.into(),
        })?;
        if let Some(actor) = by {
            self.authorize(actor, Action::ManageOfficers, input.unit_id).await?;
            may_grant(actor.role, input.role)?;
        }
        self.insert_account(c, AccountKind::Officer, |a| {
            a.unit_id = Some(input.unit_id);
            a.role = Some(input.role);
        })
        .await
    }

    pub async fn create_business(&self, by: Option<&Actor>, input: NewBusiness) -> Result<i64> {
        let c = parse_credentials(&input.phone, &input.password, &input.display_name)?;
        self.store.unit(input.overseeing_unit_id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found_field("unit", "overseeing_unit_id"),
            other => other.into(),
        })?;
        if let Some(actor) = by {
            self.authorize(actor, Action::ManageOfficers, input.overseeing_unit_id).await?;
        }
        if let Some(area) = input.home_area_id {
            self.units().home_area(area).await?;
        }
        self.insert_account(c, AccountKind::Business, |a| {
            a.business_kind = Some(input.business_kind);
            a.overseeing_unit_id = Some(input.overseeing_unit_id);
            a.home_area_id = input.home_area_id;
        })
        .await
    }

    /// A cluster and its households, written together or not at all.
    pub async fn create_cluster(&self, input: NewCluster) -> Result<i64> {
        let c = parse_credentials(&input.phone, &input.password, &input.display_name)?;
        let n = input.households.len();
        if !(CLUSTER_MIN_HOUSEHOLDS..=CLUSTER_MAX_HOUSEHOLDS).contains(&n) {
            return Err(Invalid::new("households", "household_count").into());
        }
        let mut households = Vec::with_capacity(n);
        for h in &input.households {
            let head_name = DisplayName::parse(&h.head_name).map_err(|e| Invalid::new("head_name", e.code))?;
            let address = binhyen_text::normalize(&h.address);
            if address.is_empty() {
                return Err(Invalid::new("address", "required").into());
            }
            if let Some(v) = h.village_area_id {
                self.units().home_area(v).await?;
            }
            households.push(Household {
                id: 0,
                position: 0,
                head_name: head_name.into_inner(),
                address,
                village_area_id: h.village_area_id,
            });
        }
        if let Some(area) = input.home_area_id {
            self.units().home_area(area).await?;
        }
        let hash = self.hash_password(c.password.expose()).await?;
        let account = NewAccount {
            home_area_id: input.home_area_id,
            ..NewAccount::new(AccountKind::Cluster, c.phone.e164().to_owned(), c.name.into_inner(), hash)
        };
        let mut tx = self.store.begin().await?;
        let id = accounts::insert(&mut tx, &account, self.now_ms()).await?;
        for (i, h) in households.iter().enumerate() {
            accounts::add_household(&mut tx, id, i as i64 + 1, h).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The households a cluster account speaks for (none for other accounts).
    pub async fn households(&self, account_id: i64) -> Result<Vec<binhyen_store::accounts::Household>> {
        Ok(self.store.households(account_id).await?)
    }

    pub async fn account(&self, id: i64) -> Result<Account> {
        self.store.account(id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found("account"),
            other => other.into(),
        })
    }

    pub async fn account_by_phone(&self, phone: &str) -> Result<Account> {
        let phone = PhoneNumber::parse(phone)?;
        self.store.account_by_phone(phone.e164()).await?.ok_or(CoreError::not_found_field("account", "phone"))
    }

    /// Sets a new password and ends every session of the account. `by` as in `create_officer`: an officer
    /// may reset the passwords of officers in units they manage.
    pub async fn reset_password(&self, by: Option<&Actor>, account_id: i64, new_password: &str) -> Result<()> {
        let password = Password::parse(new_password)?;
        let account = self.account(account_id).await?;
        if let Some(actor) = by {
            let unit = account.unit_id.ok_or(CoreError::Forbidden)?;
            self.authorize(actor, Action::ManageOfficers, unit).await?;
            may_grant(actor.role, account.role.unwrap_or(Role::Officer))?;
        }
        let hash = self.hash_password(password.expose()).await?;
        Ok(self.store.set_password_hash(account_id, &hash).await?)
    }
}
