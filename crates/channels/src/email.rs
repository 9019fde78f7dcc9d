//! E-mail over SMTP (lettre): one connection per message, plain text in UTF-8.

use std::fmt;
use std::time::Duration;

use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;

use crate::config::{check_text, check_timeout, default_timeout_seconds, ConfigError};
use crate::{BoxFuture, Channel, ChannelKind, DeliveryError, OutboundMessage, Sent};

const SECTION: &str = "email";

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text: a relay on the same machine or network only; refused with a password.
    None,
    /// Connect in plain text, then require STARTTLS before anything else is said (usually port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
}

/// `[channels.email]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender as a mailbox, e.g. `Công an tỉnh Đắk Lắk <canhbao@congan.daklak.gov.vn>`.
    pub from: String,
    /// For the whole delivery: connect, greet, send, quit.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

impl SmtpConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_text(SECTION, "host", &self.host)?;
        if self.host.contains("://") || self.host.contains(char::is_whitespace) || self.host.contains('/') {
            return Err(ConfigError::new(SECTION, "host", "a host name or address, not a URL"));
        }
        if self.port == 0 {
            return Err(ConfigError::new(SECTION, "port", "must be between 1 and 65535"));
        }
        match (&self.username, &self.password) {
            (Some(_), None) => return Err(ConfigError::new(SECTION, "password", "needed when username is set")),
            (None, Some(_)) => return Err(ConfigError::new(SECTION, "username", "needed when password is set")),
            (Some(u), Some(_)) => {
                check_text(SECTION, "username", u)?;
                if self.tls == SmtpTls::None {
                    return Err(ConfigError::new(
                        SECTION,
                        "tls",
                        "\"none\" would send the password in clear text; use \"starttls\" or \"tls\"",
                    ));
                }
            }
            (None, None) => {}
        }
        self.sender()?;
        check_timeout(SECTION, self.timeout_seconds)?;
        Ok(())
    }

    fn sender(&self) -> Result<Mailbox, ConfigError> {
        self.from.trim().parse::<Mailbox>().map_err(|_| {
            ConfigError::new(SECTION, "from", "not a mailbox such as \"Công an tỉnh <canhbao@example.gov.vn>\"")
        })
    }
}

/// Delivers [`OutboundMessage`]s as e-mail: `to` is the address, `subject` the subject, the body is `body` then
/// `link` on its own line, and the Message-ID is `<{idempotency key}@binhyen>` so a resent message is
/// recognisable as the same one.
pub struct EmailChannel {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    timeout: Duration,
}

impl EmailChannel {
    pub fn new(config: SmtpConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let timeout = check_timeout(SECTION, config.timeout_seconds)?;
        let from = config.sender()?;
        let host = config.host.trim().to_owned();
        let tls = match config.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::Starttls => Tls::Required(tls_parameters(&host)?),
            SmtpTls::Tls => Tls::Wrapper(tls_parameters(&host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(timeout));
        if let (Some(user), Some(password)) = (config.username, config.password) {
            builder = builder.credentials(Credentials::new(user, password));
        }
        // EHLO should name the sending host; without a lookup of our own name (lettre's `hostname` feature) the
        // sender's domain is the best stand-in: the one mail servers will check SPF against anyway.
        let domain = from.email.domain();
        if !domain.is_empty() && domain.is_ascii() {
            builder = builder.hello_name(ClientId::Domain(domain.to_owned()));
        }
        Ok(Self { transport: builder.build(), from, timeout })
    }

    async fn deliver(&self, m: &OutboundMessage) -> Result<Sent, DeliveryError> {
        m.check_key("smtp")?;
        let to: Mailbox =
            m.to.trim()
                .parse()
                .map_err(|_| DeliveryError::Permanent("smtp: recipient is not an e-mail address".into()))?;
        let id = message_id(&m.idempotency_key);
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(one_line(&m.subject))
            .message_id(Some(id.clone()))
            .singlepart(SinglePart::plain(body_text(m)))
            .map_err(|_| DeliveryError::Permanent("smtp: the message could not be built".into()))?;
        // lettre's timeout bounds each step; this bounds the whole conversation.
        match tokio::time::timeout(self.timeout, self.transport.send(email)).await {
            Err(_) => Err(DeliveryError::Transient("smtp: timeout".into())),
            Ok(Err(e)) => Err(classify(&e)),
            Ok(Ok(_)) => Ok(Sent { provider_id: Some(id) }),
        }
    }
}

impl Channel for EmailChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Email
    }

    fn send<'a>(&'a self, m: &'a OutboundMessage) -> BoxFuture<'a, Result<Sent, DeliveryError>> {
        Box::pin(self.deliver(m))
    }
}

fn tls_parameters(host: &str) -> Result<TlsParameters, ConfigError> {
    TlsParameters::new(host.to_owned()).map_err(|_| ConfigError::new(SECTION, "host", "TLS cannot be set up for it"))
}

/// SMTP replies: 4xx transient, 5xx permanent, by RFC 5321. Only the code is kept: the server's text often
/// quotes the recipient's address ("550 5.1.1 <…>: Recipient address rejected").
fn classify(e: &lettre::transport::smtp::Error) -> DeliveryError {
    if let Some(code) = e.status() {
        let reason = format!("smtp: {code} from server");
        return if e.is_permanent() { DeliveryError::Permanent(reason) } else { DeliveryError::Transient(reason) };
    }
    // No reply code: the conversation broke down. The server may be back (or fixed) later, so all transient.
    let what = if e.is_timeout() {
        "timeout"
    } else if e.is_tls() {
        "TLS failed"
    } else if e.is_response() {
        "unreadable answer"
    } else if e.is_client() {
        "client error"
    } else {
        "connection failed"
    };
    DeliveryError::Transient(format!("smtp: {what}"))
}

/// `<key@binhyen>`, with every character of the key other than letters, digits, `-` and `_` written as `=XX`
/// (hex of each UTF-8 byte): the result is a valid RFC 5322 msg-id, and two different keys never give the same one.
pub(crate) fn message_id(key: &str) -> String {
    let mut id = String::with_capacity(key.len() + 10);
    id.push('<');
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            id.push(char::from(b));
        } else {
            id.push_str(&format!("={b:02X}"));
        }
    }
    id.push_str("@binhyen>");
    id
}

/// A header value on one line: line breaks and other control characters become spaces.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned()
}

fn body_text(m: &OutboundMessage) -> String {
    let mut text = m.body.trim_end().to_owned();
    if let Some(link) = m.link.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        text.push_str("\n\n");
        text.push_str(link);
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_valid_and_distinct() {
        assert_eq!(message_id("tip-42_email"), "<tip-42_email@binhyen>");
        assert_eq!(message_id("a:b"), "<a=3Ab@binhyen>");
        assert_ne!(message_id("a:b"), message_id("a/b"));
        assert_ne!(message_id("a=3Ab"), message_id("a:b"));
    }

    #[test]
    fn subject_is_one_line() {
        assert_eq!(one_line("Tin báo\r\nBcc: x@y"), "Tin báo  Bcc: x@y");
    }
}
