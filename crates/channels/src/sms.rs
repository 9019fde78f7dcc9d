//! SMS through an HTTP gateway: `POST {url}` with a bearer token and `{"to", "text", "sender"}`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::{check_text, check_timeout, check_url, default_timeout_seconds, ConfigError};
use crate::http::{client, request_error, status_error};
use crate::{BoxFuture, Channel, ChannelKind, DeliveryError, OutboundMessage, Sent};

const SECTION: &str = "sms";
const LABEL: &str = "sms gateway";

/// The longest SMS text we send, in UTF-16 code units. Vietnamese with its diacritics does not fit the GSM 7-bit
/// alphabet, so messages go as UCS-2: 70 units in one SMS, 67 per part once split. Stripping the marks would
/// allow 160 per part but make the text ambiguous (and an official alert should read correctly), so we keep
/// them and cap the text at five parts, 5 × 67 = 335, which bounds the cost of one alert.
pub const SMS_MAX_CHARS: usize = 335;

/// `[channels.sms]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    pub url: String,
    /// Sent as `Authorization: Bearer <token>`.
    pub token: String,
    /// The brand name shown as the sender, when the gateway lets us choose (at most 11 characters).
    pub sender: Option<String>,
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsConfig")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .field("sender", &self.sender)
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

impl SmsConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_url(SECTION, "url", &self.url)?;
        if self.token.is_empty() || !self.token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConfigError::new(SECTION, "token", "printable ASCII without spaces, not empty"));
        }
        if let Some(sender) = &self.sender {
            check_text(SECTION, "sender", sender)?;
            if sender.chars().count() > 11 {
                return Err(ConfigError::new(SECTION, "sender", "at most 11 characters (a brand name)"));
            }
        }
        check_timeout(SECTION, self.timeout_seconds)?;
        Ok(())
    }
}

/// Delivers [`OutboundMessage`]s as SMS: `to` is an E.164 number, the text is [`sms_text`] of the subject and
/// link (the body is too long for a text message and stays behind the link). The gateway gets the idempotency
/// key as `Idempotency-Key`, so a retried request does not send a second SMS.
pub struct SmsChannel {
    client: reqwest::Client,
    url: reqwest::Url,
    token: String,
    sender: Option<String>,
}

#[derive(Serialize)]
struct SmsRequest<'a> {
    to: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sender: Option<&'a str>,
}

impl SmsChannel {
    pub fn new(config: SmsConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let timeout = check_timeout(SECTION, config.timeout_seconds)?;
        Ok(Self {
            client: client(SECTION, timeout)?,
            url: check_url(SECTION, "url", &config.url)?,
            token: config.token,
            sender: config.sender.map(|s| s.trim().to_owned()),
        })
    }

    async fn deliver(&self, m: &OutboundMessage) -> Result<Sent, DeliveryError> {
        m.check_key(LABEL)?;
        let to = m.to.trim();
        if !is_e164(to) {
            return Err(DeliveryError::Permanent(format!("{LABEL}: recipient is not an E.164 phone number")));
        }
        let text = sms_text(&m.subject, m.link.as_deref());
        let request = SmsRequest { to, text: &text, sender: self.sender.as_deref() };
        let response = self
            .client
            .post(self.url.clone())
            .bearer_auth(&self.token)
            .header("Idempotency-Key", &m.idempotency_key)
            .json(&request)
            .send()
            .await
            .map_err(|e| request_error(LABEL, &e))?;
        if !response.status().is_success() {
            return Err(status_error(LABEL, response.status()));
        }
        // Gateways differ in what they answer; an id is kept when there is one, and its absence is no failure.
        let answer: Option<serde_json::Value> = response.json().await.ok();
        Ok(Sent { provider_id: answer.as_ref().and_then(provider_id) })
    }
}

impl Channel for SmsChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Sms
    }

    fn send<'a>(&'a self, m: &'a OutboundMessage) -> BoxFuture<'a, Result<Sent, DeliveryError>> {
        Box::pin(self.deliver(m))
    }
}

fn provider_id(answer: &serde_json::Value) -> Option<String> {
    ["id", "message_id", "messageId"].iter().find_map(|k| match answer.get(k)? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// `+`, then 8 to 15 digits, the first not 0.
fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else { return false };
    (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

/// The SMS text: the subject (on one line), a space and the link, within [`SMS_MAX_CHARS`] UTF-16 units. When
/// it is too long the subject is cut (ending in `…`) and the link kept whole, since the link is what leads to
/// the full message; a link too long to fit is cut with the rest.
pub fn sms_text(subject: &str, link: Option<&str>) -> String {
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let link = link.map(str::trim).filter(|l| !l.is_empty());
    let full = match link {
        Some(l) if subject.is_empty() => l.to_owned(),
        Some(l) => format!("{subject} {l}"),
        None => subject.clone(),
    };
    if units(&full) <= SMS_MAX_CHARS {
        return full;
    }
    match link {
        // Room for the link, a space, `…` and at least a few characters of subject.
        Some(l) if units(l) + 12 <= SMS_MAX_CHARS => {
            let room = SMS_MAX_CHARS - units(l) - 2;
            format!("{}… {l}", cut(&subject, room).trim_end())
        }
        _ => format!("{}…", cut(&full, SMS_MAX_CHARS - 1).trim_end()),
    }
}

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The longest prefix of `s` (whole characters) within `max` UTF-16 units.
fn cut(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.len_utf16();
        if used > max {
            return &s[..i];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_subject_and_link() {
        assert_eq!(sms_text("Tin báo khẩn", Some("https://x.vn/t/1")), "Tin báo khẩn https://x.vn/t/1");
        assert_eq!(sms_text("  Tin \n báo ", None), "Tin báo");
        assert_eq!(sms_text("", Some("https://x.vn")), "https://x.vn");
    }

    #[test]
    fn long_subject_is_cut_and_link_kept() {
        let subject = "Cảnh báo lừa đảo qua điện thoại ".repeat(20);
        let link = "https://binhyen.example.vn/t/ABCD-1234";
        let text = sms_text(&subject, Some(link));
        assert!(units(&text) <= SMS_MAX_CHARS, "{}", units(&text));
        assert!(text.ends_with(&format!("… {link}")));
        assert!(text.starts_with("Cảnh báo lừa đảo"));
    }

    #[test]
    fn characters_outside_the_bmp_count_twice() {
        let subject = "😀".repeat(200);
        let text = sms_text(&subject, None);
        assert!(units(&text) <= SMS_MAX_CHARS);
        assert_eq!(text.chars().count(), (SMS_MAX_CHARS - 1) / 2 + 1);
    }

    #[test]
    fn e164() {
        assert!(is_e164("+84381234567"));
        assert!(!is_e164("0381234567"));
        assert!(!is_e164("+84 38 123"));
        assert!(!is_e164("+0381234567"));
    }
}
