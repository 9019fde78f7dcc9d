//! Zalo Official Account customer-service messages, with the OA's rotating OAuth tokens.
//!
//! Zalo answers HTTP 200 with `{"error": <int>, "message", "data": {"message_id"}}`; `error` 0 is sent. An access
//! token lasts about a day and is refreshed lazily, when a send is answered -216 (invalid or expired): one call
//! to the OAuth endpoint gives a new access token *and* a new refresh token, the old refresh token being spent.
//! So the new pair is saved through the [`ZaloTokenStore`] before anything else, and refreshes are serialised:
//! two sends that both meet -216 must not both refresh, as the second would present a spent refresh token.
//!
//! Error codes: Zalo publishes no stable list of which codes are worth retrying, so beyond -216 every non-zero
//! `error` is taken as permanent (a bad user id, a user who has not talked to the OA recently, quota); what may
//! pass with time shows at the HTTP level (5xx, 429, timeouts) and is transient. The CS API takes no idempotency
//! key: a send whose answer was lost and that is tried again may reach the user twice.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::{check_timeout, check_url, default_timeout_seconds, ConfigError};
use crate::http::{client, request_error, status_error};
use crate::{BoxFuture, Channel, ChannelKind, DeliveryError, OutboundMessage, Sent};

const SECTION: &str = "zalo";
const LABEL: &str = "zalo";
/// "Access token is invalid" (also given once it has expired).
const TOKEN_INVALID: i64 = -216;
/// The most characters Zalo takes in one text message.
const TEXT_MAX_CHARS: usize = 2000;
const REFRESH_FAILED: &str = "zalo: access token refresh failed";

fn default_api_base() -> String {
    "https://openapi.zalo.me".into()
}

fn default_oauth_base() -> String {
    "https://oauth.zaloapp.com".into()
}

/// `[channels.zalo]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZaloConfig {
    #[serde(default = "default_api_base")]
    pub api_base: String,
    #[serde(default = "default_oauth_base")]
    pub oauth_base: String,
    /// The Zalo app linked to the OA (digits).
    pub app_id: String,
    /// The app's secret key, sent to the OAuth endpoint when refreshing.
    pub secret_key: String,
    /// The first tokens, used while the token store holds none; once it does, the store wins (these are spent
    /// by the first refresh). To start over with new tokens, clear the store.
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    /// For each request; one send may make three (send, refresh, send again).
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

impl fmt::Debug for ZaloConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |o: &Option<String>| o.as_ref().map(|_| "<redacted>");
        f.debug_struct("ZaloConfig")
            .field("api_base", &self.api_base)
            .field("oauth_base", &self.oauth_base)
            .field("app_id", &self.app_id)
            .field("secret_key", &"<redacted>")
            .field("access_token", &redacted(&self.access_token))
            .field("refresh_token", &redacted(&self.refresh_token))
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

/// Tokens and keys travel in HTTP headers and form bodies.
fn check_token(field: &'static str, value: &str) -> Result<(), ConfigError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ConfigError::new(SECTION, field, "printable ASCII without spaces, not empty"));
    }
    Ok(())
}

impl ZaloConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_url(SECTION, "api_base", &self.api_base)?;
        check_url(SECTION, "oauth_base", &self.oauth_base)?;
        if self.app_id.is_empty() || !self.app_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ConfigError::new(SECTION, "app_id", "the digits of the Zalo app id"));
        }
        check_token("secret_key", &self.secret_key)?;
        if let Some(t) = &self.access_token {
            check_token("access_token", t)?;
        }
        match &self.refresh_token {
            Some(t) => check_token("refresh_token", t)?,
            None if self.access_token.is_some() => {
                return Err(ConfigError::new(
                    SECTION,
                    "refresh_token",
                    "needed with access_token (an access token lasts about a day)",
                ))
            }
            None => {}
        }
        check_timeout(SECTION, self.timeout_seconds)?;
        Ok(())
    }

    fn endpoint(&self, field: &'static str, base: &str, path: &str) -> Result<reqwest::Url, ConfigError> {
        check_url(SECTION, field, &format!("{}{path}", base.trim().trim_end_matches('/')))
    }
}

/// The OA's current access and refresh tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct ZaloTokens {
    pub access_token: String,
    pub refresh_token: String,
}

impl fmt::Debug for ZaloTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZaloTokens").field("access_token", &"<redacted>").field("refresh_token", &"<redacted>").finish()
    }
}

/// Where Zalo's tokens outlive the process. Each refresh token works once, so `save` must have made the new pair
/// durable when it returns `Ok`. Errors are short texts without the tokens (they are logged).
///
/// Refreshes are serialised within one [`ZaloChannel`]; nodes sharing a store each re-read it under their own lock
/// before refreshing, which covers refreshes that do not overlap in time. A store shared by nodes that may
/// refresh at the same moment should hold a lock of its own between `load` and `save`.
pub trait ZaloTokenStore: Send + Sync {
    fn load(&self) -> BoxFuture<'_, Result<Option<ZaloTokens>, String>>;
    fn save<'a>(&'a self, tokens: &'a ZaloTokens) -> BoxFuture<'a, Result<(), String>>;
}

/// Tokens in memory: for tests, and a default that forgets them at exit (the configured ones are used again).
#[derive(Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<Option<ZaloTokens>>,
    saves: AtomicUsize,
}

impl MemoryTokenStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_tokens(tokens: ZaloTokens) -> Self {
        Self { tokens: Mutex::new(Some(tokens)), saves: AtomicUsize::new(0) }
    }

    pub fn tokens(&self) -> Option<ZaloTokens> {
        lock(&self.tokens).clone()
    }

    /// How many times `save` was called.
    pub fn saves(&self) -> usize {
        self.saves.load(Ordering::SeqCst)
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryTokenStore")
            .field("has_tokens", &lock(&self.tokens).is_some())
            .field("saves", &self.saves())
            .finish()
    }
}

impl ZaloTokenStore for MemoryTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<ZaloTokens>, String>> {
        let tokens = self.tokens();
        Box::pin(async move { Ok(tokens) })
    }

    fn save<'a>(&'a self, tokens: &'a ZaloTokens) -> BoxFuture<'a, Result<(), String>> {
        *lock(&self.tokens) = Some(tokens.clone());
        self.saves.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(()) })
    }
}

/// A poisoned lock only means another thread panicked while holding it; the tokens inside are still whole.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What this process knows of the tokens.
#[derive(Default)]
struct Cached {
    tokens: Option<ZaloTokens>,
    /// The last refreshed pair could not be saved: the store holds a spent pair, so it is not to be believed
    /// over this one, and saving is tried again before the next refresh.
    unsaved: bool,
}

/// Delivers [`OutboundMessage`]s as Zalo OA customer-service text messages: `to` is the user's id as a follower
/// of the OA; the text is the subject, the body and the link, within Zalo's 2,000 characters.
pub struct ZaloChannel {
    client: reqwest::Client,
    message_url: reqwest::Url,
    token_url: reqwest::Url,
    app_id: String,
    secret_key: String,
    initial: Option<ZaloTokens>,
    store: Arc<dyn ZaloTokenStore>,
    cached: Mutex<Cached>,
    refresh_lock: tokio::sync::Mutex<()>,
}

enum Answer {
    Sent(Option<String>),
    TokenInvalid,
}

impl ZaloChannel {
    pub fn new(config: ZaloConfig, store: Arc<dyn ZaloTokenStore>) -> Result<Self, ConfigError> {
        config.validate()?;
        let timeout = check_timeout(SECTION, config.timeout_seconds)?;
        let initial = config.refresh_token.clone().map(|refresh_token| ZaloTokens {
            // Without an access token the first send refreshes straight away.
            access_token: config.access_token.clone().unwrap_or_default(),
            refresh_token,
        });
        Ok(Self {
            client: client(SECTION, timeout)?,
            message_url: config.endpoint("api_base", &config.api_base, "/v3.0/oa/message/cs")?,
            token_url: config.endpoint("oauth_base", &config.oauth_base, "/v4/oa/access_token")?,
            app_id: config.app_id,
            secret_key: config.secret_key,
            initial,
            store,
            cached: Mutex::new(Cached::default()),
            refresh_lock: tokio::sync::Mutex::new(()),
        })
    }

    async fn deliver(&self, m: &OutboundMessage) -> Result<Sent, DeliveryError> {
        m.check_key(LABEL)?;
        let user_id = m.to.trim();
        if user_id.is_empty() || user_id.len() > 32 || !user_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DeliveryError::Permanent(format!("{LABEL}: recipient is not a Zalo user id")));
        }
        let text = zalo_text(m);
        let tokens = self.current().await?;
        if !tokens.access_token.is_empty() {
            if let Answer::Sent(id) = self.post_message(&tokens.access_token, user_id, &text).await? {
                return Ok(Sent { provider_id: id });
            }
        }
        let fresh = self.refreshed(&tokens.access_token).await?;
        match self.post_message(&fresh, user_id, &text).await? {
            Answer::Sent(id) => Ok(Sent { provider_id: id }),
            Answer::TokenInvalid => {
                Err(DeliveryError::Permanent(format!("{REFRESH_FAILED}: the new token was refused (error -216)")))
            }
        }
    }

    /// The tokens to send with: this process's copy, else the store's, else the configured ones.
    async fn current(&self) -> Result<ZaloTokens, DeliveryError> {
        if let Some(t) = lock(&self.cached).tokens.clone() {
            return Ok(t);
        }
        let loaded = self.load().await?.or_else(|| self.initial.clone()).ok_or_else(|| {
            DeliveryError::Permanent(format!(
                "{LABEL}: no tokens (set refresh_token in [channels.zalo] or put tokens in the token store)"
            ))
        })?;
        // Another send may have filled the copy (even refreshed it) while the store was read; that one is newer.
        Ok(lock(&self.cached).tokens.get_or_insert(loaded).clone())
    }

    async fn load(&self) -> Result<Option<ZaloTokens>, DeliveryError> {
        self.store.load().await.map_err(|e| {
            tracing::warn!(error = %e, "zalo: the token store could not be read");
            DeliveryError::Transient(format!("{LABEL}: token store unavailable"))
        })
    }

    async fn save(&self, tokens: &ZaloTokens) -> bool {
        match self.store.save(tokens).await {
            Ok(()) => true,
            Err(e) => {
                // The new refresh token now lives only in this process: should it stop before a later save
                // succeeds, the OA needs new tokens by hand. Sending goes on meanwhile.
                tracing::error!(error = %e, "zalo: refreshed tokens not saved; tried again before the next refresh");
                false
            }
        }
    }

    /// An access token other than `failed`: one that another send (or another node, through the store) got while
    /// this one waited for the lock, or a new one from the OAuth endpoint.
    async fn refreshed(&self, failed: &str) -> Result<String, DeliveryError> {
        let _one_at_a_time = self.refresh_lock.lock().await;
        let (mine, unsaved) = {
            let cached = lock(&self.cached);
            (cached.tokens.clone(), cached.unsaved)
        };
        if let Some(t) = mine.as_ref().filter(|t| t.access_token != failed && !t.access_token.is_empty()) {
            return Ok(t.access_token.clone());
        }
        let base = if unsaved {
            if let Some(t) = &mine {
                if self.save(t).await {
                    lock(&self.cached).unsaved = false;
                }
            }
            mine
        } else {
            let stored = self.load().await?;
            if let Some(t) = stored.as_ref().filter(|t| t.access_token != failed && !t.access_token.is_empty()) {
                lock(&self.cached).tokens = Some(t.clone());
                return Ok(t.access_token.clone());
            }
            mine.or(stored).or_else(|| self.initial.clone())
        };
        let Some(base) = base else {
            return Err(DeliveryError::Permanent(format!("{REFRESH_FAILED}: no refresh token")));
        };
        let fresh = self.request_tokens(&base.refresh_token).await?;
        // Kept here first, so that even if the store fails this process goes on with the only valid pair.
        *lock(&self.cached) = Cached { tokens: Some(fresh.clone()), unsaved: true };
        if self.save(&fresh).await {
            lock(&self.cached).unsaved = false;
        }
        Ok(fresh.access_token)
    }

    /// `POST {oauth_base}/v4/oa/access_token`. No answer or HTTP 5xx/429: transient (the refresh token is probably
    /// not spent). An answer without tokens: permanent, the tokens have to be renewed by hand.
    async fn request_tokens(&self, refresh_token: &str) -> Result<ZaloTokens, DeliveryError> {
        let form = [("refresh_token", refresh_token), ("app_id", &self.app_id), ("grant_type", "refresh_token")];
        let response = self
            .client
            .post(self.token_url.clone())
            .header("secret_key", &self.secret_key)
            .form(&form)
            .send()
            .await
            .map_err(|e| request_error(REFRESH_FAILED, &e))?;
        if !response.status().is_success() {
            let e = status_error(REFRESH_FAILED, response.status());
            if !e.is_transient() {
                tracing::error!(reason = %e, "zalo: the OA needs new tokens");
            }
            return Err(e);
        }
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        let field = |name: &str| answer.get(name).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        match (field("access_token"), field("refresh_token")) {
            (Some(access_token), Some(refresh_token)) => {
                // A number or a string of digits, depending on the day.
                let expires_in = answer.get("expires_in").and_then(|v| match v {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s) => s.parse().ok(),
                    _ => None,
                });
                tracing::info!(expires_in_seconds = ?expires_in, "zalo: access token refreshed");
                Ok(ZaloTokens { access_token, refresh_token })
            }
            _ => {
                let reason = match answer.get("error").and_then(Value::as_i64) {
                    Some(code) => format!("{REFRESH_FAILED}: error {code}"),
                    None => format!("{REFRESH_FAILED}: unreadable answer"),
                };
                tracing::error!(reason = %reason, "zalo: the OA needs new tokens");
                Err(DeliveryError::Permanent(reason))
            }
        }
    }

    async fn post_message(&self, access_token: &str, user_id: &str, text: &str) -> Result<Answer, DeliveryError> {
        let request = json!({ "recipient": { "user_id": user_id }, "message": { "text": text } });
        let response = self
            .client
            .post(self.message_url.clone())
            .header("access_token", access_token)
            .json(&request)
            .send()
            .await
            .map_err(|e| request_error(LABEL, &e))?;
        if !response.status().is_success() {
            return Err(status_error(LABEL, response.status()));
        }
        let answer: Value =
            response.json().await.map_err(|_| DeliveryError::Transient(format!("{LABEL}: unreadable answer")))?;
        match answer.get("error").and_then(Value::as_i64) {
            Some(0) => Ok(Answer::Sent(answer.pointer("/data/message_id").and_then(Value::as_str).map(str::to_owned))),
            Some(TOKEN_INVALID) => Ok(Answer::TokenInvalid),
            // Zalo's `message` is not kept: it may quote what was sent.
            Some(code) => Err(DeliveryError::Permanent(format!("{LABEL}: error {code}"))),
            None => Err(DeliveryError::Transient(format!("{LABEL}: unreadable answer"))),
        }
    }
}

impl Channel for ZaloChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Zalo
    }

    fn send<'a>(&'a self, m: &'a OutboundMessage) -> BoxFuture<'a, Result<Sent, DeliveryError>> {
        Box::pin(self.deliver(m))
    }
}

/// The subject, a blank line, the body, and the link on its own line; the body is cut (ending in `…`) so the
/// whole stays within Zalo's limit with the link intact.
fn zalo_text(m: &OutboundMessage) -> String {
    let mut head = format!("{}\n\n{}", m.subject.trim(), m.body.trim());
    let tail = match m.link.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(link) => format!("\n\n{link}"),
        None => String::new(),
    };
    let room = TEXT_MAX_CHARS.saturating_sub(tail.chars().count());
    if head.chars().count() > room {
        head = head.chars().take(room.saturating_sub(1)).collect::<String>().trim_end().to_owned();
        head.push('…');
    }
    head + &tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str, link: Option<&str>) -> OutboundMessage {
        OutboundMessage {
            idempotency_key: "k".into(),
            to: "1".into(),
            subject: "Tin báo".into(),
            body: body.into(),
            link: link.map(Into::into),
            data: Value::Null,
        }
    }

    #[test]
    fn text_keeps_the_link_within_the_limit() {
        assert_eq!(zalo_text(&message("Nội dung", Some("https://x.vn/1"))), "Tin báo\n\nNội dung\n\nhttps://x.vn/1");
        let long = zalo_text(&message(&"đ".repeat(3000), Some("https://x.vn/1")));
        assert_eq!(long.chars().count(), TEXT_MAX_CHARS);
        assert!(long.ends_with("…\n\nhttps://x.vn/1"));
    }

    #[test]
    fn tokens_debug_redacts() {
        let t = ZaloTokens { access_token: "AAA-secret".into(), refresh_token: "RRR-secret".into() };
        assert!(!format!("{t:?}").contains("secret"));
    }
}
