//! Alerting: who is told of a tip, when, and how. An urgent tip tells the on-duty officers of its unit and of
//! the units that watch urgent tips; a tip not acknowledged within its unit's SLA escalates to the parent unit
//! and tells its commanders; an identified tipster hears of their tip's progress. All of it runs as durable
//! jobs (`crate::jobs`: the SLA timer, the notices, the deliveries) queued in the transaction of the change that
//! caused it, so a commit that returned has its timers and notifications safely queued, and a restart loses none.
//!
//! - `settings.rs`: duty, contact channels, SLA policies and urgent watchers, as use cases.
//! - `sla.rs`: the SLA minutes that apply to a unit, from the policies of it and the units above.
//! - `inbox.rs`: an account's in-app notifications.
//! - `zalo_tokens.rs`: the Zalo OA's tokens, sealed in the settings table.

mod inbox;
mod settings;
mod sla;
mod zalo_tokens;

use std::sync::Arc;

use binhyen_channels::Channels;

pub use inbox::InboxPage;
pub use settings::{ContactInput, SlaMinutes};
pub(crate) use sla::ancestry;
use sla::SlaCache;

/// What alerting keeps between requests, seen only here.
#[derive(Clone, Default)]
pub(crate) struct AlertingState {
    /// The SLA policies last read, until settings change (`sla.rs`).
    sla_cache: Arc<SlaCache>,
}
pub use zalo_tokens::StoredZaloTokens;

/// Alerting's configuration.
#[derive(Clone)]
pub struct AlertSettings {
    /// Where links in messages point (the public address of the web UI), without a trailing slash.
    pub public_url: String,
    /// The adapters configured (none by default: in-app notifications only).
    pub channels: Arc<Channels>,
    /// Minutes a tip may wait for acknowledgement when neither its unit nor an ancestor set a policy.
    pub default_sla: SlaMinutes,
    /// How often the job worker looks for due jobs without a wake-up.
    pub job_poll: std::time::Duration,
    /// A delivery's attempts before it is dead; the delay doubles from `retry_base` between them.
    pub delivery_attempts: i64,
    pub retry_base: time::Duration,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            channels: Arc::new(Channels::default()),
            default_sla: SlaMinutes { urgent: 5, high: 60, normal: 24 * 60 },
            job_poll: std::time::Duration::from_secs(1),
            delivery_attempts: 6,
            retry_base: time::Duration::seconds(30),
        }
    }
}
