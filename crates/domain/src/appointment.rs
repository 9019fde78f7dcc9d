//! Appointments at a unit's counter: a booking's states, a service's weekly opening hours and the slots they
//! make, all in Vietnam time, and the confirmation code (the receipt code's alphabet and length).

use time::{Date, Duration, PrimitiveDateTime, Time};

use crate::time_vn::VIETNAM;
use crate::{string_enum, Invalid};

string_enum!(
    /// Where a booking stands.
    BookingState { Booked => "booked", CheckedIn => "checked_in", NoShow => "no_show", Cancelled => "cancelled" }
    field = "state"
);

impl BookingState {
    /// The moves a booking can make: a booked person comes (checked in), does not (no-show) or cancels; someone
    /// marked absent who turns up late is checked in after all. Checked-in and cancelled bookings are final.
    pub fn can_become(self, to: BookingState) -> bool {
        use BookingState::*;
        matches!((self, to), (Booked, CheckedIn | NoShow | Cancelled) | (NoShow, CheckedIn))
    }

    /// (Vietnamese, English).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            BookingState::Booked => ("Đã đặt", "Booked"),
            BookingState::CheckedIn => ("Đã đến", "Checked in"),
            BookingState::NoShow => ("Không đến", "No-show"),
            BookingState::Cancelled => ("Đã huỷ", "Cancelled"),
        }
    }
}

/// Shortest and longest slot, in minutes.
pub const SLOT_MINUTES: (i64, i64) = (5, 240);
/// Most people one slot takes.
pub const MAX_CAPACITY: i64 = 200;
/// Longest cut-off: a week.
pub const MAX_CUTOFF_MINUTES: i64 = 7 * 24 * 60;
/// How far ahead a slot may be booked.
pub const MAX_DAYS_AHEAD: i64 = 60;

/// A service's rules for slots, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotRules {
    pub slot_minutes: i64,
    pub capacity: i64,
    pub cutoff_minutes: i64,
}

impl SlotRules {
    pub fn parse(slot_minutes: i64, capacity: i64, cutoff_minutes: i64) -> Result<Self, Invalid> {
        if !(SLOT_MINUTES.0..=SLOT_MINUTES.1).contains(&slot_minutes) {
            return Err(Invalid::new("slot_minutes", "out_of_range"));
        }
        if !(1..=MAX_CAPACITY).contains(&capacity) {
            return Err(Invalid::new("capacity", "out_of_range"));
        }
        if !(0..=MAX_CUTOFF_MINUTES).contains(&cutoff_minutes) {
            return Err(Invalid::new("cutoff_minutes", "out_of_range"));
        }
        Ok(Self { slot_minutes, capacity, cutoff_minutes })
    }
}

/// One opening range of a weekday (1 = Monday … 7 = Sunday), minutes from midnight, half-open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OpenRange {
    pub weekday: i64,
    pub start: i64,
    pub end: i64,
}

/// "07:30" → 450. Hours 00–24 ("24:00" closes a day), minutes 00–59.
pub fn parse_hhmm(s: &str) -> Result<i64, Invalid> {
    let bad = || Invalid::new("hours", "invalid_time_of_day");
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// 450 → "07:30".
pub fn format_hhmm(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Checks a week of opening ranges and returns them sorted: each on a weekday 1–7, inside the day, long enough
/// for one slot, and not overlapping another range of the same weekday.
pub fn validate_hours(mut ranges: Vec<OpenRange>, slot_minutes: i64) -> Result<Vec<OpenRange>, Invalid> {
    if ranges.len() > 7 * 8 {
        return Err(Invalid::new("hours", "too_many"));
    }
    for r in &ranges {
        if !(1..=7).contains(&r.weekday) {
            return Err(Invalid::new("hours", "invalid_weekday"));
        }
        if r.start < 0 || r.end > 24 * 60 || r.start >= r.end {
            return Err(Invalid::new("hours", "invalid_range"));
        }
        if r.end - r.start < slot_minutes {
            return Err(Invalid::new("hours", "shorter_than_slot"));
        }
    }
    ranges.sort();
    if ranges.windows(2).any(|w| w[0].weekday == w[1].weekday && w[1].start < w[0].end) {
        return Err(Invalid::new("hours", "overlapping"));
    }
    Ok(ranges)
}

/// The slot starts (minutes from midnight) of `weekday`: from the start of each range, every `slot_minutes`,
/// as long as the whole slot fits before the range ends (so 07:30–11:30 by 30 minutes makes 07:30 … 11:00).
pub fn slot_starts(ranges: &[OpenRange], weekday: i64, slot_minutes: i64) -> Vec<i64> {
    let mut out = Vec::new();
    for r in ranges.iter().filter(|r| r.weekday == weekday) {
        let mut at = r.start;
        while at + slot_minutes <= r.end {
            out.push(at);
            at += slot_minutes;
        }
    }
    out.sort_unstable();
    out
}

/// ISO weekday of a day: 1 = Monday … 7 = Sunday.
pub fn weekday(day: Date) -> i64 {
    i64::from(day.weekday().number_from_monday())
}

/// The instant (Unix milliseconds) of minute `minute` of day `day` in Vietnam (saturating at the ends of the
/// calendar, which `plausible_day` keeps requests away from).
pub fn instant_ms(day: Date, minute: i64) -> i64 {
    let midnight = PrimitiveDateTime::new(day, Time::MIDNIGHT).assume_offset(VIETNAM);
    match midnight.checked_add(Duration::minutes(minute)) {
        Some(at) => (at.unix_timestamp_nanos() / 1_000_000) as i64,
        None if minute < 0 => i64::MIN,
        None => i64::MAX,
    }
}

/// A day a request may name (a day list, a service's slots, a closure): years 2000 to 2100, so that the days
/// around it are dates too.
pub fn plausible_day(day: Date) -> bool {
    (2000..=2100).contains(&day.year())
}

/// The Vietnam day and minute from midnight of an instant; None outside the calendar's range.
pub fn day_and_minute(ms: i64) -> Option<(Date, i64)> {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?.to_offset(VIETNAM);
    Some((at.date(), i64::from(at.hour()) * 60 + i64::from(at.minute())))
}

/// When the reminder of a booking on `day` is due: 18:00 the day before, Vietnam time.
pub fn reminder_at_ms(day: Date) -> i64 {
    instant_ms(day, 0) - 6 * 60 * 60_000
}

/// Whether the holder may still cancel or move a booking starting at `starts_at_ms`: until `cutoff_minutes`
/// before it.
pub fn before_cutoff(now_ms: i64, starts_at_ms: i64, cutoff_minutes: i64) -> bool {
    now_ms < starts_at_ms - cutoff_minutes * 60_000
}

/// A confirmation code: the receipt codes' form ("7KQ2-M9XD-4HFA-2WBR", 80 bits), read aloud at the counter.
pub fn format_code(random: &[u8; 16]) -> String {
    crate::tip::format_receipt(random)
}

/// A code as typed back (case, spaces and dashes do not matter; I/L read as 1, O as 0), or None.
pub fn normalize_code(input: &str) -> Option<String> {
    crate::tip::normalize_receipt(input).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    /// Every pair of states, written out: a change of the rules must change this table.
    #[test]
    fn every_transition() {
        use BookingState::*;
        let allowed = [(Booked, CheckedIn), (Booked, NoShow), (Booked, Cancelled), (NoShow, CheckedIn)];
        for from in BookingState::ALL {
            for to in BookingState::ALL {
                assert_eq!(from.can_become(*to), allowed.contains(&(*from, *to)), "{from} → {to}");
            }
        }
    }

    #[test]
    fn times_of_day() {
        assert_eq!(parse_hhmm("07:30"), Ok(450));
        assert_eq!(parse_hhmm("7:05"), Ok(425));
        assert_eq!(parse_hhmm("24:00"), Ok(1440));
        for bad in ["24:01", "07:60", "0730", "07:3", "-1:00", "", "ab:cd", "007:30"] {
            assert!(parse_hhmm(bad).is_err(), "{bad}");
        }
        assert_eq!(format_hhmm(450), "07:30");
        assert_eq!(format_hhmm(1020), "17:00");
    }

    #[test]
    fn a_working_day_of_two_ranges() {
        let r = |weekday, s: &str, e: &str| OpenRange {
            weekday,
            start: parse_hhmm(s).unwrap(),
            end: parse_hhmm(e).unwrap(),
        };
        let week: Vec<_> = (1..=5).flat_map(|d| [r(d, "13:30", "17:00"), r(d, "07:30", "11:30")]).collect();
        let week = validate_hours(week, 30).unwrap();
        let monday = slot_starts(&week, 1, 30);
        assert_eq!(monday.len(), 8 + 7);
        assert_eq!((monday[0], monday[7], monday[8], monday[14]), (450, 660, 810, 990));
        assert!(slot_starts(&week, 6, 30).is_empty(), "closed on Saturday");
        // A 45-minute slot: the last one of the morning starts at 10:30 (10:30 + 45 ≤ 11:30 < 11:15 + 45).
        assert_eq!(slot_starts(&week, 2, 45).iter().filter(|m| **m < 720).count(), 5);

        assert_eq!(
            validate_hours(vec![r(1, "07:30", "11:30"), r(1, "11:00", "12:00")], 30).unwrap_err().code,
            "overlapping"
        );
        assert_eq!(validate_hours(vec![r(8, "07:30", "11:30")], 30).unwrap_err().code, "invalid_weekday");
        assert_eq!(validate_hours(vec![r(1, "11:30", "07:30")], 30).unwrap_err().code, "invalid_range");
        assert_eq!(validate_hours(vec![r(1, "07:30", "07:45")], 30).unwrap_err().code, "shorter_than_slot");
        assert!(validate_hours(vec![r(1, "07:30", "11:30"), r(2, "07:30", "11:30")], 30).is_ok());
    }

    #[test]
    fn instants_are_vietnam_time() {
        let day = date!(2026 - 12 - 01);
        assert_eq!(weekday(day), 2, "a Tuesday");
        let at = instant_ms(day, 450);
        assert_eq!(at, (datetime!(2026-12-01 00:30 UTC).unix_timestamp()) * 1000);
        assert_eq!(day_and_minute(at), Some((day, 450)));
        assert_eq!(day_and_minute(instant_ms(day, 0) - 1), Some((date!(2026 - 11 - 30), 1439)));
        assert_eq!(
            reminder_at_ms(day),
            datetime!(2026-11-30 11:00 UTC).unix_timestamp() * 1000,
            "18:00 the day before"
        );
        assert_eq!(instant_ms(Date::MAX, 24 * 60), i64::MAX, "no overflow at the end of the calendar");
        assert!(plausible_day(day) && !plausible_day(Date::MAX) && !plausible_day(date!(1999 - 12 - 31)));
        assert!(before_cutoff(at - 121 * 60_000, at, 120));
        assert!(!before_cutoff(at - 120 * 60_000, at, 120));
    }

    #[test]
    fn rules_and_codes() {
        assert!(SlotRules::parse(30, 3, 120).is_ok());
        assert_eq!(SlotRules::parse(4, 3, 120).unwrap_err().field, "slot_minutes");
        assert_eq!(SlotRules::parse(30, 0, 120).unwrap_err().field, "capacity");
        assert_eq!(SlotRules::parse(30, 3, -1).unwrap_err().field, "cutoff_minutes");
        let code = format_code(&[9u8; 16]);
        assert_eq!(normalize_code(&code.to_lowercase()), Some(code.replace('-', "")));
        assert_eq!(normalize_code("not a code"), None);
    }
}
