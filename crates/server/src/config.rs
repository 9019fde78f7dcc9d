//! Typed, layered configuration: defaults → file (`--config`, else `./binhyen.toml` if present) →
//! `BINHYEN_…` environment variables (`__` for nesting) → command-line flags. Unknown keys are an error;
//! secrets never print.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// HOST:PORT to listen on.
    pub listen: String,
    /// Where the SQLite database and other local files live.
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite:PATH`; defaults to `sqlite:<data_dir>/binhyen.sqlite`.
    pub database_url: Option<DatabaseUrl>,
    /// Mark cookies Secure (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Largest request body, in bytes.
    pub body_limit_bytes: usize,
    /// Log filter, e.g. "info" or "binhyen=debug,info".
    pub log: String,
    pub security: Security,
    pub seal: Seal,
    /// Live events, SLA defaults and delivery retries.
    pub alerts: Alerts,
    /// `[clock] start`: where the application's clock starts (tests and rehearsals of a given day).
    pub clock: ClockStart,
    /// Outbound channels (`[channels.email]`, `.sms`, `.webhook`, `.zalo`); each is on when present. Never
    /// printed: its sections hold passwords and tokens (`config check` names the channels that are on).
    #[serde(skip_serializing)]
    pub channels: binhyen_channels::ChannelsConfig,
}

/// `[alerts]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Alerts {
    /// The address people reach the web UI at: links in e-mails, SMS and Zalo messages point there.
    pub public_url: String,
    /// Minutes a tip may wait for acknowledgement before it escalates, where no unit above set its own.
    pub urgent_minutes: i64,
    pub high_minutes: i64,
    pub normal_minutes: i64,
    /// How long live events are kept for clients that reconnect.
    pub replay_window_minutes: i64,
    /// Attempts at a delivery before it is dead; the delay doubles from `retry_base_seconds`.
    pub delivery_attempts: i64,
    pub retry_base_seconds: i64,
}

impl Default for Alerts {
    fn default() -> Self {
        let d = binhyen_core::alerting::AlertSettings::default();
        Self {
            public_url: d.public_url,
            urgent_minutes: d.default_sla.urgent,
            high_minutes: d.default_sla.high,
            normal_minutes: d.default_sla.normal,
            replay_window_minutes: binhyen_core::live::LiveSettings::default().replay_window.whole_minutes(),
            delivery_attempts: d.delivery_attempts,
            retry_base_seconds: d.retry_base.whole_seconds(),
        }
    }
}

impl Alerts {
    /// Refuses values that cannot work, naming the key.
    pub fn validate(&self) -> anyhow::Result<()> {
        let url = self.public_url.trim_end_matches('/');
        anyhow::ensure!(
            (url.starts_with("http://") || url.starts_with("https://")) && !url.contains(char::is_whitespace),
            "[alerts] public_url: not an http(s) URL"
        );
        for (key, v) in [
            ("urgent_minutes", self.urgent_minutes),
            ("high_minutes", self.high_minutes),
            ("normal_minutes", self.normal_minutes),
        ] {
            anyhow::ensure!((1..=43_200).contains(&v), "[alerts] {key}: between 1 and 43200 minutes");
        }
        anyhow::ensure!(
            (1..=10_080).contains(&self.replay_window_minutes),
            "[alerts] replay_window_minutes: between 1 and 10080"
        );
        anyhow::ensure!((1..=20).contains(&self.delivery_attempts), "[alerts] delivery_attempts: between 1 and 20");
        anyhow::ensure!(
            (1..=3600).contains(&self.retry_base_seconds),
            "[alerts] retry_base_seconds: between 1 and 3600"
        );
        Ok(())
    }
}

/// `[clock]`. Left out (as in production), the clock is the system's. `start = "2026-03-02T02:00:00Z"` (RFC 3339)
/// starts it at that instant, running at real speed from there: the real binary's tests set the hour their
/// world begins at this way, and a training session can rehearse a given day.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClockStart {
    pub start: Option<String>,
}

impl ClockStart {
    /// The clock this configuration asks for; an unreadable `start` is refused, naming the key.
    pub fn clock(&self) -> anyhow::Result<std::sync::Arc<dyn binhyen_core::Clock>> {
        let Some(start) = &self.start else {
            return Ok(std::sync::Arc::new(binhyen_core::SystemClock));
        };
        let at = time::OffsetDateTime::parse(start, &time::format_description::well_known::Rfc3339)
            .map_err(|_| anyhow::anyhow!("[clock] start: not an RFC 3339 instant, e.g. 2026-03-02T02:00:00Z"))?;
        Ok(std::sync::Arc::new(binhyen_core::StartedClock::new(at)))
    }
}

/// The keys sensitive values (tipster identity and contact) are sealed with. Empty: `serve` uses the key
/// file under the data directory, generating it on first start (see `startup::seal_keys`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Seal {
    /// The id of the key new values are sealed with; may be left out when there is one key.
    pub current: Option<String>,
    /// Key id → base64 of 32 random bytes (`binhyen keys generate`). Keep old keys until `keys rotate` ran.
    pub keys: SealKeys,
}

/// Key id → base64 key. Secret: `Debug` shows the ids only and serialising writes "***" for every key.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct SealKeys(pub BTreeMap<String, String>);

impl std::fmt::Debug for SealKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Serialize for SealKeys {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.keys().map(|id| (id, "***")))
    }
}

impl Seal {
    /// Whether the configuration names any key (otherwise the key file takes over).
    pub fn is_configured(&self) -> bool {
        !self.keys.0.is_empty() || self.current.is_some()
    }

    /// The configured keys as a ring, checked: ids well formed, keys 32 bytes, `current` among them.
    pub fn key_ring(&self) -> Result<binhyen_core::KeyRing, binhyen_core::seal::KeyRingError> {
        binhyen_core::KeyRing::from_config(
            self.current.as_deref(),
            self.keys.0.iter().map(|(id, key)| (id.as_str(), key.as_str())),
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    pub citizen_session_hours: i64,
    pub officer_session_hours: i64,
    pub api_token_days: i64,
    pub max_failed_sign_ins: i64,
    pub failure_window_minutes: i64,
    pub lockout_minutes: i64,
    /// Anonymous tips accepted from one address per ten minutes (the address is held in memory only).
    pub anonymous_tips_per_10_min: u32,
    /// Receipt look-ups from one address per ten minutes.
    pub receipt_lookups_per_10_min: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".to_owned(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            secure_cookies: false,
            body_limit_bytes: 64 * 1024,
            log: "info".to_owned(),
            security: Security::default(),
            seal: Seal::default(),
            alerts: Alerts::default(),
            clock: ClockStart::default(),
            channels: Default::default(),
        }
    }
}

impl Default for Security {
    fn default() -> Self {
        let p = binhyen_core::Policy::default();
        Self {
            citizen_session_hours: p.citizen_session_hours,
            officer_session_hours: p.officer_session_hours,
            api_token_days: p.api_token_days,
            max_failed_sign_ins: p.max_failures,
            failure_window_minutes: p.failure_window_minutes,
            lockout_minutes: p.lockout_minutes,
            anonymous_tips_per_10_min: p.anonymous_tips_per_10_min,
            receipt_lookups_per_10_min: p.receipt_lookups_per_10_min,
        }
    }
}

/// A database URL, whose password never prints (`Debug` and `Display` hide it; serialising redacts it).
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `postgres://user:***@host/db`: the URL with any password replaced.
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.0.split_once("://") else {
            return self.0.clone();
        };
        match rest.split_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split(':').next().unwrap_or_default();
                let hidden = if userinfo.contains(':') { format!("{user}:***") } else { user.to_owned() };
                format!("{scheme}://{hidden}@{host}")
            }
            None => self.0.clone(),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl Serialize for DatabaseUrl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.redacted())
    }
}

/// Flags that override every other layer.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
}

impl Config {
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Config, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new("binhyen.toml").exists() => figment = figment.merge(Toml::file_exact("binhyen.toml")),
            None => {}
        }
        figment = figment.merge(Env::prefixed("BINHYEN_").split("__"));
        let mut config: Config = figment.extract().map_err(Box::new)?;
        if let Some(l) = &overrides.listen {
            config.listen = l.clone();
        }
        if let Some(d) = &overrides.data_dir {
            config.data_dir = d.clone();
        }
        if let Some(u) = &overrides.database_url {
            config.database_url = Some(DatabaseUrl::new(u.clone()));
        }
        Ok(config)
    }

    pub fn database_url(&self) -> DatabaseUrl {
        self.database_url
            .clone()
            .unwrap_or_else(|| DatabaseUrl::new(format!("sqlite:{}", self.data_dir.join("binhyen.sqlite").display())))
    }

    pub fn policy(&self) -> binhyen_core::Policy {
        let s = &self.security;
        binhyen_core::Policy {
            citizen_session_hours: s.citizen_session_hours,
            officer_session_hours: s.officer_session_hours,
            api_token_days: s.api_token_days,
            max_failures: s.max_failed_sign_ins,
            failure_window_minutes: s.failure_window_minutes,
            lockout_minutes: s.lockout_minutes,
            anonymous_tips_per_10_min: s.anonymous_tips_per_10_min,
            receipt_lookups_per_10_min: s.receipt_lookups_per_10_min,
        }
    }

    /// Where `serve` keeps a generated seal key when none is configured.
    pub fn seal_key_file(&self) -> PathBuf {
        self.data_dir.join("seal-keys.toml")
    }

    pub fn web(&self) -> binhyen_web::WebConfig {
        binhyen_web::WebConfig { secure_cookies: self.secure_cookies, body_limit: self.body_limit_bytes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_starts_where_asked_or_is_the_systems() {
        let at = time::macros::datetime!(2026-03-02 02:00 UTC);
        let started = ClockStart { start: Some("2026-03-02T09:00:00+07:00".into()) }.clock().unwrap();
        let now = started.now();
        assert!(now >= at && now < at + time::Duration::minutes(1), "{now}");
        let err = ClockStart { start: Some("02/03/2026 09:00".into()) }.clock().err().unwrap().to_string();
        assert!(err.starts_with("[clock] start: not an RFC 3339 instant"), "{err}");
        assert!(ClockStart::default().clock().is_ok(), "left out: the system clock");
    }

    #[test]
    fn passwords_never_print() {
        let url = DatabaseUrl::new("postgres://binhyen:s3cret@db.local:5432/binhyen");
        assert_eq!(url.redacted(), "postgres://binhyen:***@db.local:5432/binhyen");
        assert!(!format!("{url:?}").contains("s3cret"));
        let config = Config { database_url: Some(url), ..Config::default() };
        assert!(!toml_text(&config).contains("s3cret"));
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail dictates the closure's error type.
    fn seal_keys_load_but_never_print() {
        figment::Jail::expect_with(|jail| {
            let key = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";
            jail.create_file("s.toml", &format!("[seal]\ncurrent = \"k2\"\n[seal.keys]\nk1 = \"{key}\"\n"))?;
            jail.set_env("BINHYEN_SEAL__KEYS__K2", key);
            let c = Config::load(Some(Path::new("s.toml")), &Overrides::default()).map_err(|e| e.to_string())?;
            let ring = c.seal.key_ring().map_err(|e| e.to_string())?;
            assert_eq!(ring.current().as_str(), "k2");
            assert_eq!(ring.key_ids().map(|k| k.as_str()).collect::<Vec<_>>(), ["k1", "k2"]);
            let printed = format!("{c:?}{}", toml_text(&c));
            assert!(!printed.contains(key) && printed.contains("k1") && printed.contains("***"), "{printed}");

            jail.create_file("bad.toml", "[seal]\ncurrent = \"k9\"\n[seal.keys]\nk1 = \"c2hvcnQ=\"\n")?;
            let c = Config::load(Some(Path::new("bad.toml")), &Overrides::default()).map_err(|e| e.to_string())?;
            let err = c.seal.key_ring().unwrap_err().to_string();
            assert!(err.contains("k1") && !err.contains("c2hvcnQ"), "{err}");
            assert!(!Config::default().seal.is_configured());
            Ok(())
        });
    }

    fn toml_text(c: &Config) -> String {
        serde_json::to_string(c).unwrap_or_default()
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail dictates the closure's error type.
    fn layers_and_unknown_keys() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("b.toml", "listen = \"0.0.0.0:9000\"\n[security]\nlockout_minutes = 30\n")?;
            jail.set_env("BINHYEN_LOG", "debug");
            jail.set_env("BINHYEN_SECURITY__MAX_FAILED_SIGN_INS", "3");
            let c = Config::load(Some(Path::new("b.toml")), &Overrides::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.listen, "0.0.0.0:9000");
            assert_eq!(c.security.lockout_minutes, 30);
            assert_eq!(c.security.max_failed_sign_ins, 3);
            assert_eq!(c.log, "debug");
            let flags = Overrides { listen: Some("127.0.0.1:1".into()), ..Default::default() };
            assert_eq!(
                Config::load(Some(Path::new("b.toml")), &flags).map_err(|e| e.to_string())?.listen,
                "127.0.0.1:1"
            );

            jail.create_file("bad.toml", "lisen = \"typo\"\n")?;
            let err = Config::load(Some(Path::new("bad.toml")), &Overrides::default()).unwrap_err();
            assert!(err.to_string().contains("lisen"), "{err}");
            jail.set_env("BINHYEN_NOT_A_KEY", "1");
            assert!(Config::load(None, &Overrides::default()).is_err());
            Ok(())
        });
    }
}
