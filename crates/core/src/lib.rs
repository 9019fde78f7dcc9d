//! Use cases: what a user or a job does, decided and enforced here. Returns domain values and `CoreError`,
//! never an HTTP status or HTML. Time and randomness come in as parameters (`Clock`, `Random`).

pub mod accounts;
pub mod alerting;
pub mod appointments;
pub mod areas;
pub mod audit;
pub mod auth;
pub mod boundaries;
mod clock;
pub mod demo;
mod directory;
mod error;
mod flood;
pub mod groups;
pub mod guides;
mod handles;
pub mod import;
pub mod jobs;
pub mod live;
mod media;
pub mod pages;
mod passwords;
pub mod permissions;
pub mod places;
pub mod public_alerts;
pub mod questions;
mod random;
pub mod reorganise;
pub mod seal;
pub mod search;
pub mod tips;
pub mod triage;
pub mod units;

use std::sync::Arc;

pub use binhyen_store::Store;
pub use clock::{Clock, ManualClock, StartedClock, SystemClock, TestInstant, TEST_INSTANTS};
pub use directory::DirectorySnapshot;
pub use error::CoreError;
pub use handles::{
    Accounts, Alerting, Appointments, Auth, Groups, Guides, Jobs, Pages, PublicAlerts, Questions, Search, Tips, Units,
};
pub use random::{OsRandom, Random, SeededRandom};
pub use seal::KeyRing;

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// Everything a use case needs, passed explicitly (no globals). Cheap to clone.
#[derive(Clone)]
pub struct Core {
    pub(crate) store: Store,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn Random>,
    pub policy: Policy,
    /// The keys values are sealed and opened with (`seal.rs`).
    pub seal: Arc<KeyRing>,
    /// Where attachments are kept (a local directory; `with_objects`).
    pub objects: Arc<binhyen_media::ObjectStore>,
    directory: Arc<directory::DirectoryCache>,
    /// This node's broadcast of live events (`live.rs`).
    live: Arc<live::LiveHub>,
    pub live_settings: live::LiveSettings,
    /// Channels, SLA defaults and retry rules (`alerting/`).
    pub alerts: alerting::AlertSettings,
    // Each feature's own state: only its module sees inside.
    tips: tips::TipsState,
    groups: groups::GroupsState,
    appointments: appointments::AppointmentsState,
    alerting: alerting::AlertingState,
    jobs: jobs::JobsState,
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
    /// Anonymous tips accepted from one address per ten minutes (the address is held in memory only).
    pub anonymous_tips_per_10_min: u32,
    /// Receipt look-ups from one address per ten minutes, against guessing.
    pub receipt_lookups_per_10_min: u32,
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
            anonymous_tips_per_10_min: 10,
            receipt_lookups_per_10_min: 20,
        }
    }
}

impl Core {
    /// Seals with a key of its own that dies with it (`KeyRing::ephemeral`) and keeps attachments in a fresh
    /// temporary directory; give it the configured keys with `with_keys` and a real directory with
    /// `with_objects`.
    pub fn new(store: Store, clock: Arc<dyn Clock>, random: Arc<dyn Random>, policy: Policy) -> Self {
        let seal = Arc::new(KeyRing::ephemeral(&*random));
        let scratch = std::env::temp_dir().join(format!("binhyen-objects-{}", random.token(8)));
        let objects = Arc::new(binhyen_media::ObjectStore::open(scratch).expect("a temporary directory"));
        Self {
            tips: tips::TipsState::new(&policy),
            groups: Default::default(),
            appointments: appointments::AppointmentsState::new(&policy),
            alerting: Default::default(),
            jobs: jobs::JobsState::new(&*random),
            store,
            clock,
            random,
            policy,
            seal,
            objects,
            directory: Default::default(),
            live: Default::default(),
            live_settings: Default::default(),
            alerts: Default::default(),
        }
    }

    /// Alerting's channels and rules.
    pub fn with_alerts(mut self, alerts: alerting::AlertSettings) -> Self {
        self.alerts = alerts;
        self.tips.restart_intake();
        self
    }

    /// A new live hub with these settings (clones made before keep the old one).
    pub fn with_live(mut self, settings: live::LiveSettings) -> Self {
        self.live = Arc::new(live::LiveHub::new(settings.buffer));
        self.live_settings = settings;
        // The tip writer publishes through the hub it was started with.
        self.tips.restart_intake();
        self
    }

    // Both start a new intake: its writer works with a copy of the core, which must hold these.
    pub fn with_objects(mut self, objects: binhyen_media::ObjectStore) -> Self {
        self.objects = Arc::new(objects);
        self.tips.restart_intake();
        self
    }

    pub fn with_keys(mut self, keys: KeyRing) -> Self {
        self.seal = Arc::new(keys);
        self.tips.restart_intake();
        self
    }

    /// Now, in Unix milliseconds (the clock may be a test's).
    pub fn now_ms(&self) -> i64 {
        (self.clock.now().unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// Today in Vietnam.
    pub fn today(&self) -> time::Date {
        binhyen_domain::time_vn::today(self.clock.now())
    }

    /// Whether the store answers (readiness).
    pub async fn ping(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }
}
