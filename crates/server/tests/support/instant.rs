//! The instant a test world starts at: one of `binhyen_core::TEST_INSTANTS`, named by `TEST_INSTANT`
//! (the default is Monday 02/03/2026, 09:00 in Vietnam; not `BINHYEN_…`, which the configuration would take as
//! its own). Only this file reads it; `scripts/test.sh` sets it
//! (one instant a day in CI, every one with `--all-instants`). Nothing in a test reads the real clock.

#![allow(dead_code)]

use std::sync::OnceLock;

use binhyen_core::{TestInstant, TEST_INSTANTS};

/// The instant this run's test worlds start at. An unknown name stops the run, naming the known ones.
// Test support, not the app's configuration: the one place TEST_INSTANT is read (see above).
#[allow(clippy::disallowed_methods)]
pub fn chosen() -> TestInstant {
    static CHOSEN: OnceLock<TestInstant> = OnceLock::new();
    *CHOSEN.get_or_init(|| match std::env::var("TEST_INSTANT") {
        Err(_) => TestInstant::DEFAULT,
        Ok(name) if name.is_empty() => TestInstant::DEFAULT,
        Ok(name) => TestInstant::named(&name).unwrap_or_else(|| {
            let known: Vec<&str> = TEST_INSTANTS.iter().map(|i| i.name).collect();
            panic!("TEST_INSTANT={name}: not one of {}", known.join(", "))
        }),
    })
}

/// The chosen instant as the real binary's `[clock] start` takes it (RFC 3339).
pub fn rfc3339() -> String {
    chosen().at.format(&time::format_description::well_known::Rfc3339).expect("an RFC 3339 instant")
}

/// A clock standing at the chosen instant.
pub fn manual_clock() -> std::sync::Arc<binhyen_core::ManualClock> {
    std::sync::Arc::new(binhyen_core::ManualClock::new(chosen().at))
}
