//! Signing in and staying signed in: password check with throttling that never reveals whether an account
//! exists, sessions (browser) and tokens (API) stored only as hashes, and TOTP as a second factor.

use crate::Auth;
use binhyen_domain::{AccountKind, Actor, Invalid, PhoneNumber, Role};
use binhyen_store::accounts::Account;
use binhyen_store::sessions::Session;
use binhyen_store::throttle::Failures;
use binhyen_store::StoreError;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::passwords::{verify, DECOY_HASH};
use crate::seal::ACCOUNTS_TOTP;
use crate::{CoreError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser session, carried in an HttpOnly cookie.
    Web,
    /// A bearer token for the API.
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

/// How far a session has got. Only `Full` lets anyone act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Full,
    /// The password was right; the TOTP code is still owed.
    TotpOwed,
    /// The role must use TOTP and the officer has not enrolled yet: only enrolment is open.
    EnrolmentOwed,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Full => "full",
            Stage::TotpOwed => "totp",
            Stage::EnrolmentOwed => "enrol",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "full" => Ok(Stage::Full),
            "totp" => Ok(Stage::TotpOwed),
            "enrol" => Ok(Stage::EnrolmentOwed),
            _ => Err(CoreError::Internal(format!("unknown session stage {s:?}"))),
        }
    }
}

#[derive(Debug, Clone)]
pub struct IssuedSession {
    /// Given to the client once; only its hash is kept.
    pub token: String,
    pub stage: Stage,
    pub expires_at: time::OffsetDateTime,
}

/// Who is making a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account: Account,
    pub stage: Stage,
}

impl Principal {
    /// The officer view used for authorisation, if this account is an officer.
    pub fn actor(&self) -> Option<Actor> {
        match (self.account.kind, self.account.unit_id, self.account.role) {
            (AccountKind::Officer, Some(unit_id), Some(role)) => {
                Some(Actor { account_id: self.account.id, unit_id, role })
            }
            // An officer account without its unit or role cannot act.
            (AccountKind::Officer, _, _) => None,
            (AccountKind::Citizen | AccountKind::Business | AccountKind::Cluster, _, _) => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    /// otpauth:// URI, for a QR code or a link on the phone.
    pub uri: String,
}

const TOTP_ROLES_SETTING: &str = "totp_required_roles";

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The throttle key for what was typed as a phone number: its hash, so the failures table holds no numbers,
/// and computed the same whether or not an account exists.
fn throttle_key(prefix: &str, value: &str) -> String {
    format!("{prefix}:{}", hash_token(value))
}

fn invalid_credentials() -> CoreError {
    CoreError::Unauthenticated { reason: "invalid_credentials" }
}

impl Auth<'_> {
    /// Checks phone and password (and the TOTP code when the account has one and `totp` is given) and opens a
    /// session. A wrong phone and a wrong password get the same answer after the same work.
    /// `client` identifies the caller for throttling (the address), and is only ever stored hashed.
    pub async fn sign_in(
        &self,
        phone: &str,
        password: &str,
        totp: Option<&str>,
        kind: SessionKind,
        client: Option<&str>,
    ) -> Result<IssuedSession> {
        let typed = PhoneNumber::parse(phone).map(|p| p.e164().to_owned()).unwrap_or_else(|_| phone.trim().to_owned());
        let mut keys = vec![throttle_key("phone", &typed)];
        if let Some(client) = client {
            keys.push(throttle_key("client", client));
        }
        self.check_throttle(&keys).await?;

        let account = self.store.account_by_phone(&typed).await?;
        let stored = account.as_ref().map_or(DECOY_HASH.to_owned(), |a| a.password_hash.clone());
        let password_ok = verify(password.to_owned(), stored).await? && account.is_some();
        let Some(account) = account.filter(|_| password_ok) else {
            self.record_failure(&keys).await?;
            return Err(invalid_credentials());
        };

        let stage = if account.totp_enabled {
            match totp {
                Some(code) if self.totp_matches(&account, code)? => Stage::Full,
                Some(_) => {
                    self.record_failure(&keys).await?;
                    return Err(invalid_credentials());
                }
                None => Stage::TotpOwed,
            }
        } else if self.totp_required_for(&account).await? {
            Stage::EnrolmentOwed
        } else {
            Stage::Full
        };
        self.store.clear_sign_in_failures(&keys[0]).await?;
        self.open_session(&account, kind, stage).await
    }

    async fn open_session(&self, account: &Account, kind: SessionKind, stage: Stage) -> Result<IssuedSession> {
        let token = self.random.token(32);
        let now = self.clock.now();
        let lifetime = match (kind, account.kind) {
            (SessionKind::Api, _) => time::Duration::days(self.policy.api_token_days),
            (SessionKind::Web, AccountKind::Officer) => time::Duration::hours(self.policy.officer_session_hours),
            (SessionKind::Web, _) => time::Duration::hours(self.policy.citizen_session_hours),
        };
        let expires_at = now + lifetime;
        let session = Session {
            account_id: account.id,
            kind: kind.as_str().to_owned(),
            stage: stage.as_str().to_owned(),
            created_at_ms: self.now_ms(),
            expires_at_ms: (expires_at.unix_timestamp_nanos() / 1_000_000) as i64,
        };
        self.store.create_session(&hash_token(&token), &session).await?;
        Ok(IssuedSession { token, stage, expires_at })
    }

    async fn check_throttle(&self, keys: &[String]) -> Result<()> {
        let now = self.now_ms();
        for key in keys {
            if let Some(f) = self.store.sign_in_failures(key).await? {
                if f.locked_until_ms > now {
                    return Err(CoreError::Throttled { retry_after_secs: (f.locked_until_ms - now + 999) / 1000 });
                }
            }
        }
        Ok(())
    }

    async fn record_failure(&self, keys: &[String]) -> Result<()> {
        let now = self.now_ms();
        let window = self.policy.failure_window_minutes * 60_000;
        for key in keys {
            // One address may be a whole commune office behind NAT: it gets more tries than one number.
            let max = if key.starts_with("client:") { self.policy.max_failures * 4 } else { self.policy.max_failures };
            let previous = self.store.sign_in_failures(key).await?;
            let mut f = match previous {
                Some(f) if now - f.first_at_ms < window => f,
                _ => Failures { count: 0, first_at_ms: now, locked_until_ms: 0 },
            };
            f.count += 1;
            if f.count >= max {
                f.locked_until_ms = now + self.policy.lockout_minutes * 60_000;
                f.count = 0;
                f.first_at_ms = now;
            }
            self.store.put_sign_in_failures(key, f).await?;
        }
        Ok(())
    }

    /// The session behind a token, if it is open and has not expired. Any stage: callers check `stage`.
    pub async fn session_principal(&self, token: &str) -> Result<Principal> {
        let session = match self.store.session(&hash_token(token)).await {
            Ok(s) => s,
            Err(StoreError::NotFound) => return Err(CoreError::Unauthenticated { reason: "no_session" }),
            Err(e) => return Err(e.into()),
        };
        if session.expires_at_ms <= self.now_ms() {
            self.store.delete_session(&hash_token(token)).await?;
            return Err(CoreError::Unauthenticated { reason: "session_expired" });
        }
        let account = self.accounts().account(session.account_id).await?;
        Ok(Principal { account, stage: Stage::parse(&session.stage)? })
    }

    /// A fully signed-in principal, or `Unauthenticated`.
    pub async fn authenticate(&self, token: &str) -> Result<Principal> {
        let p = self.session_principal(token).await?;
        if p.stage != Stage::Full {
            return Err(CoreError::Unauthenticated { reason: "second_factor_owed" });
        }
        Ok(p)
    }

    pub async fn sign_out(&self, token: &str) -> Result<()> {
        Ok(self.store.delete_session(&hash_token(token)).await?)
    }

    /// The second step of a browser sign-in for an account with TOTP.
    pub async fn complete_totp(&self, token: &str, code: &str) -> Result<()> {
        let p = self.session_principal(token).await?;
        if p.stage != Stage::TotpOwed {
            return Err(CoreError::Unauthenticated { reason: "no_totp_pending" });
        }
        let key = vec![throttle_key("totp", &p.account.id.to_string())];
        self.check_throttle(&key).await?;
        if !self.totp_matches(&p.account, code)? {
            self.record_failure(&key).await?;
            return Err(Invalid::new("code", "wrong_code").into());
        }
        Ok(self.store.set_session_stage(&hash_token(token), Stage::Full.as_str()).await?)
    }

    fn totp_for(&self, account: &Account, secret_b32: &str) -> Result<TOTP> {
        let bytes = Secret::Encoded(secret_b32.to_owned())
            .to_bytes()
            .map_err(|e| CoreError::Internal(format!("stored TOTP secret: {e:?}")))?;
        TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, Some("binhyen".to_owned()), account.phone.clone())
            .map_err(|e| CoreError::Internal(format!("TOTP: {e}")))
    }

    /// The account's TOTP secret (base32), opened from its sealed form: a copy of the database alone does not
    /// give anyone the second factor.
    pub fn totp_secret(&self, account: &Account) -> Result<Option<String>> {
        account
            .totp_secret
            .as_deref()
            .map(|stored| {
                let plain = self.open_for(&ACCOUNTS_TOTP, account.id, stored)?;
                String::from_utf8(plain).map_err(|e| CoreError::Internal(e.to_string()))
            })
            .transpose()
    }

    fn totp_matches(&self, account: &Account, code: &str) -> Result<bool> {
        let Some(secret) = self.totp_secret(account)? else {
            return Ok(false);
        };
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let now = self.clock.now().unix_timestamp().max(0) as u64;
        Ok(self.totp_for(account, &secret)?.check(&code, now))
    }

    /// The current code for an account's secret (tests and the enrolment page's self-check use it).
    pub fn totp_code_now(&self, account: &Account) -> Result<Option<String>> {
        let Some(secret) = self.totp_secret(account)? else {
            return Ok(None);
        };
        let now = self.clock.now().unix_timestamp().max(0) as u64;
        Ok(Some(self.totp_for(account, &secret)?.generate(now)))
    }

    /// Starts TOTP enrolment: a new secret, stored but not yet in force.
    pub async fn begin_totp_enrolment(&self, account_id: i64) -> Result<TotpEnrolment> {
        let account = self.accounts().account(account_id).await?;
        if account.kind != AccountKind::Officer {
            return Err(CoreError::Forbidden);
        }
        let mut raw = [0u8; 20];
        self.random.fill(&mut raw);
        let secret = Secret::Raw(raw.to_vec()).to_encoded().to_string();
        let sealed = self.seal_for(&ACCOUNTS_TOTP, account_id, secret.as_bytes());
        self.store.set_totp(account_id, Some(&sealed), false).await?;
        let uri = self.totp_for(&account, &secret)?.get_url();
        Ok(TotpEnrolment { secret, uri })
    }

    /// Confirms enrolment with a code from the app; from then on sign-in asks for it. A session that was
    /// waiting for enrolment becomes a full one.
    pub async fn confirm_totp_enrolment(&self, account_id: i64, code: &str, token: Option<&str>) -> Result<()> {
        let account = self.accounts().account(account_id).await?;
        if account.totp_secret.is_none() {
            return Err(Invalid::new("code", "enrolment_not_started").into());
        }
        if !self.totp_matches(&account, code)? {
            return Err(Invalid::new("code", "wrong_code").into());
        }
        self.store.set_totp(account_id, account.totp_secret.as_deref(), true).await?;
        if let Some(token) = token {
            self.store.set_session_stage(&hash_token(token), Stage::Full.as_str()).await?;
        }
        Ok(())
    }

    pub async fn totp_required_roles(&self) -> Result<Vec<Role>> {
        let value = self.store.setting(TOTP_ROLES_SETTING).await?.unwrap_or_default();
        Ok(value.split(',').filter_map(|r| r.trim().parse().ok()).collect())
    }

    async fn totp_required_for(&self, account: &Account) -> Result<bool> {
        Ok(match account.role {
            Some(role) if account.kind == AccountKind::Officer => self.totp_required_roles().await?.contains(&role),
            _ => false,
        })
    }

    /// An administrator decides which roles must use TOTP (for their whole subtree: the setting is
    /// installation-wide, so only an administrator of a root unit may change it).
    pub async fn set_totp_required_roles(&self, by: Option<&Actor>, roles: &[Role]) -> Result<()> {
        if let Some(actor) = by {
            self.require_top_administrator(actor).await?;
        }
        let value = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
        Ok(self.store.set_setting(TOTP_ROLES_SETTING, &value).await?)
    }
}
