//! What the three HTTP adapters share: the client and the transient/permanent rule for HTTP.

use std::time::Duration;

use reqwest::StatusCode;

use crate::config::ConfigError;
use crate::DeliveryError;

/// A client whose every request (connect, send, read the answer) finishes within `timeout`. Redirects are not
/// followed: a POST that is redirected would be re-sent elsewhere (as a GET, by the rules) with its signature or
/// token, and a provider that moved is a configuration to fix, not something to guess.
pub(crate) fn client(section: &'static str, timeout: Duration) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("binhyen/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|_| ConfigError::new(section, "url", "the HTTP client could not be set up (TLS)"))
}

/// A request that got no HTTP answer. reqwest's own message names the URL, which may carry a token in its
/// query, so only the kind of failure is kept. All are transient: the provider may be back in a minute.
pub(crate) fn request_error(label: &str, e: &reqwest::Error) -> DeliveryError {
    let what = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    DeliveryError::Transient(format!("{label}: {what}"))
}

/// An answer that is not 2xx. 5xx, 429 (slow down) and 408 (request timeout) may pass later; every other status
/// says this request is wrong and will stay wrong.
pub(crate) fn status_error(label: &str, status: StatusCode) -> DeliveryError {
    let reason = format!("{label}: HTTP {}", status.as_u16());
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::REQUEST_TIMEOUT {
        DeliveryError::Transient(reason)
    } else {
        DeliveryError::Permanent(reason)
    }
}

/// Seconds since the Unix epoch, for the webhook's timestamp.
// Real wall time, not the app's Clock: the receiver checks the timestamp against its own clock to refuse
// replays, and the app's clock may have started at a test instant (channels sit below core and its Clock).
#[allow(clippy::disallowed_methods)]
pub(crate) fn unix_seconds() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}
