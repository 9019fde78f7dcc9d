//! Outbound delivery: one [`Channel`] per way of reaching someone outside the system — e-mail over SMTP
//! ([`EmailChannel`]), an HTTP SMS gateway ([`SmsChannel`]), a signed generic webhook ([`WebhookChannel`]) and a
//! Zalo Official Account customer-service message ([`ZaloChannel`]).
//!
//! A caller builds an [`OutboundMessage`] (plain Vietnamese text, an optional link, a structured payload for
//! the webhook and an idempotency key that stays the same across retries of one delivery) and calls
//! [`Channel::send`]. The configuration (`[channels.email]`, `[channels.sms]`, `[channels.webhook]`,
//! `[channels.zalo]`) is [`ChannelsConfig`]; [`ChannelsConfig::build`] validates it and gives [`Channels`], the
//! configured adapters by [`ChannelKind`]. Nothing here queues or retries: that belongs to the caller, which
//! decides from the error's kind.
//!
//! **Transient or permanent.** A [`DeliveryError::Transient`] may succeed if tried again later: a network error,
//! a timeout, HTTP 5xx or 429, an SMTP 4xx reply. A [`DeliveryError::Permanent`] will fail the same way every
//! time: any other HTTP 4xx, an SMTP 5xx reply, a recipient that is not an address of the channel's kind, a
//! provider's refusal. Retrying a permanent error only spams the provider.
//!
//! **Reasons carry no personal data.** The reason text of an error is logged and stored beside the delivery
//! attempt, so it names the channel and what went wrong ("smtp: 451 from server", "sms gateway: HTTP 503",
//! "zalo: error -201") and never the recipient's address, the message text or a provider's free-text answer
//! (which often quotes the address back). Likewise the `Debug` of configurations and tokens hides secrets, and
//! that of [`OutboundMessage`] hides the recipient and the text.
//!
//! With the `fakes` feature, the `fakes` module offers an SMTP sink and a scriptable HTTP server that speak the real
//! protocols on 127.0.0.1, for this crate's tests and for the tests of crates that deliver through it.

mod config;
mod email;
mod http;
mod sms;
mod webhook;
mod zalo;

#[cfg(feature = "fakes")]
pub mod fakes;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};

// The kinds are domain values (stored beside deliveries and contact channels); this crate delivers through them.
pub use binhyen_domain::channel::ChannelKind;
pub use config::{Channels, ChannelsConfig, ConfigError};
pub use email::{EmailChannel, SmtpConfig, SmtpTls};
pub use sms::{sms_text, SmsChannel, SmsConfig, SMS_MAX_CHARS};
pub use webhook::{verify_webhook_signature, webhook_signature, WebhookChannel, WebhookConfig};
pub use zalo::{MemoryTokenStore, ZaloChannel, ZaloConfig, ZaloTokenStore, ZaloTokens};

/// A boxed, sendable future: what [`Channel::send`] and [`ZaloTokenStore`] return, so that both can be used as
/// trait objects (`Arc<dyn Channel>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One message to deliver through one channel.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboundMessage {
    /// The same for every attempt at one delivery, so a provider that honours it (SMS gateway, webhook
    /// receiver) or a mail reader (Message-ID) can drop duplicates. 1 to 200 printable ASCII characters.
    pub idempotency_key: String,
    /// An e-mail address, an E.164 phone number (`+84…`) or a Zalo user id; the webhook ignores it.
    pub to: String,
    /// One line: the e-mail subject, the SMS text.
    pub subject: String,
    /// Plain text, Vietnamese.
    pub body: String,
    /// Where to read more (the tip's page); added on its own line, or after the SMS text.
    pub link: Option<String>,
    /// The structured payload the webhook posts (ids, states); no other channel reads it.
    pub data: serde_json::Value,
}

// The recipient and the text are personal data; a message that ends up in a log shows only its key and sizes.
impl fmt::Debug for OutboundMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboundMessage")
            .field("idempotency_key", &self.idempotency_key)
            .field("to", &"<redacted>")
            .field("subject_chars", &self.subject.chars().count())
            .field("body_chars", &self.body.chars().count())
            .field("link", &self.link.is_some())
            .finish_non_exhaustive()
    }
}

impl OutboundMessage {
    /// Refuses a key no channel can carry (empty, too long, or not printable ASCII: it travels in an HTTP
    /// header and in a Message-ID). Permanent: the same key fails the same way on every attempt.
    pub(crate) fn check_key(&self, channel: &str) -> Result<(), DeliveryError> {
        let key = &self.idempotency_key;
        if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DeliveryError::Permanent(format!(
                "{channel}: idempotency key is not 1 to 200 printable ASCII characters"
            )));
        }
        Ok(())
    }
}

/// What a provider said about an accepted message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sent {
    /// The provider's id for the message when it gives one (Zalo's message_id, the gateway's id); for e-mail,
    /// the Message-ID we set, which is what mail server logs are searched by.
    pub provider_id: Option<String>,
}

/// Why a message was not delivered. The reason never contains the recipient or the text (see the crate doc).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// May succeed later: network, timeout, HTTP 5xx or 429, SMTP 4xx.
    #[error("{0}")]
    Transient(String),
    /// Will fail again: other HTTP 4xx, SMTP 5xx, a bad address, a provider's refusal.
    #[error("{0}")]
    Permanent(String),
}

impl DeliveryError {
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient(_))
    }

    pub fn reason(&self) -> &str {
        match self {
            Self::Transient(r) | Self::Permanent(r) => r,
        }
    }
}

/// One way of delivering an [`OutboundMessage`]. Object safe: the future is boxed so that adapters can be held
/// as `Arc<dyn Channel>` and chosen at run time from the configuration.
pub trait Channel: Send + Sync {
    fn kind(&self) -> ChannelKind;

    /// Delivers one message, once: no retries inside (except Zalo's single retry after refreshing its access
    /// token, which is part of one attempt). Resolves within the channel's configured timeout, about.
    fn send<'a>(&'a self, m: &'a OutboundMessage) -> BoxFuture<'a, Result<Sent, DeliveryError>>;
}
