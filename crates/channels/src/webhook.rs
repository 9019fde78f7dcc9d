//! A generic webhook: the message as JSON, signed with HMAC-SHA256 so the receiver knows it came from us.

use std::fmt;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::config::{check_timeout, check_url, default_timeout_seconds, ConfigError};
use crate::http::{client, request_error, status_error, unix_seconds};
use crate::{BoxFuture, Channel, ChannelKind, DeliveryError, OutboundMessage, Sent};

const SECTION: &str = "webhook";
const LABEL: &str = "webhook";

/// The shortest secret accepted: 32 characters of a random string carry the 128 bits or more an HMAC key needs.
const MIN_SECRET_CHARS: usize = 32;

/// `[channels.webhook]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    pub url: String,
    /// Shared with the receiver; at least 32 characters.
    pub secret: String,
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

impl WebhookConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_url(SECTION, "url", &self.url)?;
        if self.secret.chars().count() < MIN_SECRET_CHARS {
            return Err(ConfigError::new(SECTION, "secret", format!("at least {MIN_SECRET_CHARS} characters")));
        }
        check_timeout(SECTION, self.timeout_seconds)?;
        Ok(())
    }
}

/// Posts every [`OutboundMessage`] (its `to` aside) as
/// `{"id", "subject", "body", "link", "data", "sent_at"}` with the headers `Idempotency-Key`,
/// `X-Binhyen-Timestamp` (Unix seconds) and `X-Binhyen-Signature: sha256=<hex>`, the HMAC-SHA256 under the
/// shared secret of `<timestamp>.<raw body>`. Receivers check it with [`verify_webhook_signature`] and should
/// refuse timestamps more than a few minutes old (a replayed request) and ids they have seen (a retry).
pub struct WebhookChannel {
    client: reqwest::Client,
    url: reqwest::Url,
    secret: Vec<u8>,
}

#[derive(Serialize)]
struct Payload<'a> {
    id: &'a str,
    subject: &'a str,
    body: &'a str,
    link: Option<&'a str>,
    data: &'a serde_json::Value,
    sent_at: u64,
}

impl WebhookChannel {
    pub fn new(config: WebhookConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let timeout = check_timeout(SECTION, config.timeout_seconds)?;
        Ok(Self {
            client: client(SECTION, timeout)?,
            url: check_url(SECTION, "url", &config.url)?,
            secret: config.secret.into_bytes(),
        })
    }

    async fn deliver(&self, m: &OutboundMessage) -> Result<Sent, DeliveryError> {
        m.check_key(LABEL)?;
        let sent_at = unix_seconds();
        let payload = Payload {
            id: &m.idempotency_key,
            subject: &m.subject,
            body: &m.body,
            link: m.link.as_deref(),
            data: &m.data,
            sent_at,
        };
        // Signed and sent as the same bytes: the receiver verifies the raw body, not a re-serialisation.
        let body = serde_json::to_vec(&payload)
            .map_err(|_| DeliveryError::Permanent(format!("{LABEL}: the payload could not be serialised")))?;
        let timestamp = sent_at.to_string();
        let signature = webhook_signature(&self.secret, &timestamp, &body);
        let response = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", &m.idempotency_key)
            .header("X-Binhyen-Timestamp", &timestamp)
            .header("X-Binhyen-Signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| request_error(LABEL, &e))?;
        if !response.status().is_success() {
            return Err(status_error(LABEL, response.status()));
        }
        Ok(Sent { provider_id: None })
    }
}

impl Channel for WebhookChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Webhook
    }

    fn send<'a>(&'a self, m: &'a OutboundMessage) -> BoxFuture<'a, Result<Sent, DeliveryError>> {
        Box::pin(self.deliver(m))
    }
}

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length; this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `X-Binhyen-Signature` value for a body sent at `timestamp`: `sha256=` and the lowercase hex of
/// `HMAC-SHA256(secret, "<timestamp>.<body>")`.
pub fn webhook_signature(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(mac(secret, timestamp, body).finalize().into_bytes()))
}

/// Whether `header` (an `X-Binhyen-Signature` value) signs `body` sent at `timestamp` under `secret`. The
/// comparison takes the same time wherever the first difference is, so it does not leak the expected value.
/// It does not judge the timestamp's age: the receiver compares it with its own clock.
pub fn verify_webhook_signature(secret: &[u8], timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_part) = header.trim().strip_prefix("sha256=") else { return false };
    let Ok(given) = hex::decode(hex_part) else { return false };
    mac(secret, timestamp, body).verify_slice(&given).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_round_trip() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let sig = webhook_signature(secret, "1700000000", b"{\"id\":\"k\"}");
        assert!(sig.starts_with("sha256="));
        assert_eq!(sig.len(), 7 + 64);
        assert!(verify_webhook_signature(secret, "1700000000", b"{\"id\":\"k\"}", &sig));
        assert!(!verify_webhook_signature(secret, "1700000001", b"{\"id\":\"k\"}", &sig));
        assert!(!verify_webhook_signature(secret, "1700000000", b"{\"id\":\"k\"}", &sig[7..]));
        assert!(!verify_webhook_signature(secret, "1700000000", b"{\"id\":\"k\"}", "sha256=zz"));
    }
}
