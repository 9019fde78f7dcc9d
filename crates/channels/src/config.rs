//! `[channels.*]`: the configuration of every adapter, its checks, and the set of adapters it builds.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::{
    Channel, ChannelKind, EmailChannel, SmsChannel, SmsConfig, SmtpConfig, WebhookChannel, WebhookConfig, ZaloChannel,
    ZaloConfig, ZaloTokenStore,
};

/// A configuration value that cannot work, named by its section and field so the operator knows which line of
/// the file to fix. Never quotes the value (it may be a secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[channels.{section}] {field}: {problem}")]
pub struct ConfigError {
    /// `email`, `sms`, `webhook` or `zalo`.
    pub section: &'static str,
    pub field: &'static str,
    pub problem: String,
}

impl ConfigError {
    pub(crate) fn new(section: &'static str, field: &'static str, problem: impl Into<String>) -> Self {
        Self { section, field, problem: problem.into() }
    }
}

pub(crate) fn default_timeout_seconds() -> u64 {
    10
}

/// 1 to 300 seconds: a zero timeout fails everything, and a delivery stuck for longer than five minutes holds
/// its worker for nothing.
pub(crate) fn check_timeout(section: &'static str, seconds: u64) -> Result<Duration, ConfigError> {
    if !(1..=300).contains(&seconds) {
        return Err(ConfigError::new(section, "timeout_seconds", "between 1 and 300"));
    }
    Ok(Duration::from_secs(seconds))
}

/// An absolute http or https URL with a host, and no user name or password in it (those would be printed
/// wherever the URL is).
pub(crate) fn check_url(section: &'static str, field: &'static str, value: &str) -> Result<reqwest::Url, ConfigError> {
    let url = reqwest::Url::parse(value.trim()).map_err(|_| ConfigError::new(section, field, "not an http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(ConfigError::new(section, field, "not an http(s) URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::new(section, field, "must not carry a user name or password"));
    }
    Ok(url)
}

/// Non-empty once trimmed, and without control characters (it goes into an HTTP header or a protocol line).
pub(crate) fn check_text(section: &'static str, field: &'static str, value: &str) -> Result<(), ConfigError> {
    if value.trim().is_empty() {
        return Err(ConfigError::new(section, field, "must not be empty"));
    }
    if value.chars().any(char::is_control) {
        return Err(ConfigError::new(section, field, "must not contain control characters"));
    }
    Ok(())
}

/// `[channels]`: each adapter is on when its section is present.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelsConfig {
    pub email: Option<SmtpConfig>,
    pub sms: Option<SmsConfig>,
    pub webhook: Option<WebhookConfig>,
    pub zalo: Option<ZaloConfig>,
}

impl ChannelsConfig {
    /// Checks every present section; the first problem found is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(c) = &self.email {
            c.validate()?;
        }
        if let Some(c) = &self.sms {
            c.validate()?;
        }
        if let Some(c) = &self.webhook {
            c.validate()?;
        }
        if let Some(c) = &self.zalo {
            c.validate()?;
        }
        Ok(())
    }

    /// The kinds whose section is present, in [`ChannelKind::ALL`] order.
    pub fn kinds(&self) -> Vec<ChannelKind> {
        ChannelKind::ALL.into_iter().filter(|k| self.has(*k)).collect()
    }

    fn has(&self, kind: ChannelKind) -> bool {
        match kind {
            ChannelKind::Email => self.email.is_some(),
            ChannelKind::Sms => self.sms.is_some(),
            ChannelKind::Webhook => self.webhook.is_some(),
            ChannelKind::Zalo => self.zalo.is_some(),
        }
    }

    /// Builds the adapters of the present sections. `token_store` keeps Zalo's rotating tokens (unused when
    /// Zalo is off); [`crate::MemoryTokenStore`] forgets them at exit.
    pub fn build(&self, token_store: Arc<dyn ZaloTokenStore>) -> Result<Channels, ConfigError> {
        self.validate()?;
        let mut channels = Channels::default();
        if let Some(c) = &self.email {
            channels.set(Arc::new(EmailChannel::new(c.clone())?));
        }
        if let Some(c) = &self.sms {
            channels.set(Arc::new(SmsChannel::new(c.clone())?));
        }
        if let Some(c) = &self.webhook {
            channels.set(Arc::new(WebhookChannel::new(c.clone())?));
        }
        if let Some(c) = &self.zalo {
            channels.set(Arc::new(ZaloChannel::new(c.clone(), token_store)?));
        }
        Ok(channels)
    }
}

/// The configured adapters, at most one per kind.
#[derive(Clone, Default)]
pub struct Channels {
    email: Option<Arc<dyn Channel>>,
    sms: Option<Arc<dyn Channel>>,
    webhook: Option<Arc<dyn Channel>>,
    zalo: Option<Arc<dyn Channel>>,
}

impl Channels {
    pub fn get(&self, kind: ChannelKind) -> Option<Arc<dyn Channel>> {
        self.slot(kind).clone()
    }

    /// Puts `channel` in the place of its kind, replacing what was there (tests put recording channels in).
    pub fn set(&mut self, channel: Arc<dyn Channel>) {
        let kind = channel.kind();
        *self.slot_mut(kind) = Some(channel);
    }

    /// The kinds that are configured, in [`ChannelKind::ALL`] order.
    pub fn kinds(&self) -> Vec<ChannelKind> {
        ChannelKind::ALL.into_iter().filter(|k| self.slot(*k).is_some()).collect()
    }

    fn slot(&self, kind: ChannelKind) -> &Option<Arc<dyn Channel>> {
        match kind {
            ChannelKind::Email => &self.email,
            ChannelKind::Sms => &self.sms,
            ChannelKind::Webhook => &self.webhook,
            ChannelKind::Zalo => &self.zalo,
        }
    }

    fn slot_mut(&mut self, kind: ChannelKind) -> &mut Option<Arc<dyn Channel>> {
        match kind {
            ChannelKind::Email => &mut self.email,
            ChannelKind::Sms => &mut self.sms,
            ChannelKind::Webhook => &mut self.webhook,
            ChannelKind::Zalo => &mut self.zalo,
        }
    }
}

impl fmt::Debug for Channels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channels").field("configured", &self.kinds()).finish()
    }
}
