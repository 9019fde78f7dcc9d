//! In-memory rate limits for what must leave no trace: anonymous submissions and receipt look-ups are limited
//! per client address, and the address lives only here, hashed, for the length of the window — never in the
//! store or a log.

use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

pub(crate) struct FloodGuard {
    limit: u32,
    window: Duration,
    seen: Mutex<HashMap<[u8; 32], (OffsetDateTime, u32)>>,
}

impl FloodGuard {
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        Self { limit, window, seen: Mutex::new(HashMap::new()) }
    }

    /// Counts one attempt for `client`; false once the client is over the limit within the window.
    pub(crate) fn allow(&self, client: &str, now: OffsetDateTime) -> bool {
        let key: [u8; 32] = Sha256::digest(client.as_bytes()).into();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        // Forget expired windows now and then, so memory stays bounded by the clients of one window.
        if seen.len() > 10_000 {
            let window = self.window;
            seen.retain(|_, (start, _)| now - *start < window);
        }
        let entry = seen.entry(key).or_insert((now, 0));
        if now - entry.0 >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }

    pub(crate) fn retry_after_secs(&self) -> i64 {
        self.window.whole_seconds()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_client_and_window() {
        let guard = FloodGuard::new(3, Duration::minutes(10));
        let t0 = OffsetDateTime::UNIX_EPOCH;
        assert!((0..3).all(|_| guard.allow("203.0.113.7", t0)));
        assert!(!guard.allow("203.0.113.7", t0));
        assert!(guard.allow("198.51.100.1", t0), "another address is not affected");
        assert!(guard.allow("203.0.113.7", t0 + Duration::minutes(11)), "a new window");
    }
}
