//! Use cases: what a user or a job does, decided and enforced here. Returns domain values and `CoreError`,
//! never an HTTP status or HTML. Time and randomness come in as parameters (`Clock`, `Random`).

pub mod accounts;
pub mod areas;
pub mod auth;
mod clock;
pub mod demo;
mod directory;
mod error;
pub mod import;
mod passwords;
pub mod permissions;
mod random;
pub mod units;

use std::sync::Arc;

pub use binhyen_store::Store;
pub use clock::{Clock, ManualClock, SystemClock};
pub use directory::DirectorySnapshot;
pub use error::CoreError;
pub use random::{OsRandom, Random, SeededRandom};

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// Everything a use case needs, passed explicitly (no globals). Cheap to clone.
#[derive(Clone)]
pub struct Core {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn Random>,
    pub policy: Policy,
    directory: Arc<directory::DirectoryCache>,
}

/// Tunables of the security rules, from configuration.
#[derive(Debug, Clone)]
pub struct Policy {
    pub citizen_session_hours: i64,
    pub officer_session_hours: i64,
    pub api_token_days: i64,
    /// Failed sign-ins allowed per phone number (and per client) within `failure_window_minutes`.
    pub max_failures: i64,
    pub failure_window_minutes: i64,
    pub lockout_minutes: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            citizen_session_hours: 24 * 30,
            officer_session_hours: 12,
            api_token_days: 30,
            max_failures: 5,
            failure_window_minutes: 15,
            lockout_minutes: 15,
        }
    }
}

impl Core {
    pub fn new(store: Store, clock: Arc<dyn Clock>, random: Arc<dyn Random>, policy: Policy) -> Self {
        Self { store, clock, random, policy, directory: Default::default() }
    }

    pub(crate) fn now_ms(&self) -> i64 {
        (self.clock.now().unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// Today in Vietnam.
    pub fn today(&self) -> time::Date {
        binhyen_domain::time_vn::today(self.clock.now())
    }
}
