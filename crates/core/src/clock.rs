//! The time, as a parameter: tests move it by hand, and a test world starts at one of a few named instants.

use std::sync::Mutex;

use time::macros::datetime;
use time::OffsetDateTime;

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    // The one place the real binary's wall time enters; everything else asks a Clock.
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until told to move.
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    pub fn new(at: OffsetDateTime) -> Self {
        Self(Mutex::new(at))
    }

    pub fn advance(&self, by: time::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }

    /// Moves the clock to `at`, forwards or back.
    pub fn set(&self, at: OffsetDateTime) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A clock that starts at a chosen instant and runs at real speed from there (`[clock] start`): the real
/// binary's tests, and rehearsals of a given day, set the date and hour their world begins at.
pub struct StartedClock {
    start: OffsetDateTime,
    since: std::time::Instant,
}

impl StartedClock {
    // A monotonic start, so the clock runs at real speed from `start` whatever the wall clock does.
    #[allow(clippy::disallowed_methods)]
    pub fn new(start: OffsetDateTime) -> Self {
        Self { start, since: std::time::Instant::now() }
    }
}

impl Clock for StartedClock {
    fn now(&self) -> OffsetDateTime {
        self.start + self.since.elapsed()
    }
}

/// A named instant a test world can start at.
#[derive(Debug, Clone, Copy)]
pub struct TestInstant {
    /// What `TEST_INSTANT` and `scripts/test.sh` call it.
    pub name: &'static str,
    pub at: OffsetDateTime,
    /// The same instant in Vietnam, in words (checked by a test).
    pub in_vietnam: &'static str,
}

/// The instants the API, page and browser suites run under (issue 14): hours and days where a rule computed in
/// the wrong zone, a week that starts on Sunday or a date at the end of a month or year shows itself. The first
/// is the default; CI picks one a day by the date and `scripts/test.sh --all-instants` runs them all.
pub const TEST_INSTANTS: [TestInstant; 5] = [
    TestInstant { name: "monday-morning", at: datetime!(2026-03-02 02:00 UTC), in_vietnam: "Monday 02/03/2026 09:00" },
    TestInstant { name: "weekday-dawn", at: datetime!(2026-12-07 23:25 UTC), in_vietnam: "Tuesday 08/12/2026 06:25" },
    TestInstant { name: "sunday-night", at: datetime!(2026-03-08 16:50 UTC), in_vietnam: "Sunday 08/03/2026 23:50" },
    TestInstant { name: "year-end", at: datetime!(2026-12-31 16:59 UTC), in_vietnam: "Thursday 31/12/2026 23:59" },
    TestInstant { name: "leap-day", at: datetime!(2028-02-29 16:30 UTC), in_vietnam: "Tuesday 29/02/2028 23:30" },
];

impl TestInstant {
    /// The default test instant: Monday 02/03/2026, 09:00 in Vietnam.
    pub const DEFAULT: TestInstant = TEST_INSTANTS[0];

    /// The instant of this name, if there is one.
    pub fn named(name: &str) -> Option<TestInstant> {
        TEST_INSTANTS.iter().copied().find(|i| i.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_test_instant_is_what_its_words_say() {
        for i in TEST_INSTANTS {
            let vn = i.at.to_offset(binhyen_domain::time_vn::VIETNAM);
            let said = format!(
                "{} {:02}/{:02}/{} {:02}:{:02}",
                vn.weekday(),
                vn.day(),
                u8::from(vn.month()),
                vn.year(),
                vn.hour(),
                vn.minute()
            );
            assert_eq!(said, i.in_vietnam, "{}", i.name);
        }
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(TestInstant::DEFAULT.at);
        assert_eq!(clock.now(), TestInstant::DEFAULT.at);
        clock.advance(time::Duration::minutes(5));
        assert_eq!(clock.now(), TestInstant::DEFAULT.at + time::Duration::minutes(5));
        clock.set(TEST_INSTANTS[3].at);
        assert_eq!(clock.now(), TEST_INSTANTS[3].at);
    }
}
