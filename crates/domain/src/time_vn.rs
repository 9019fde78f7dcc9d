//! Vietnam time (UTC+7, no daylight saving) and the dd/mm/yyyy way dates are written there.

use time::{macros::format_description, macros::offset, Date, OffsetDateTime, UtcOffset};

pub const VIETNAM: UtcOffset = offset!(+7);

/// "17/06/2020"
pub fn format_date(date: Date) -> String {
    date.format(format_description!("[day]/[month]/[year]")).unwrap_or_default()
}

/// "23:45 17/06/2020", in Vietnam time whatever the instant's offset.
pub fn format_datetime(at: OffsetDateTime) -> String {
    at.to_offset(VIETNAM).format(format_description!("[hour]:[minute] [day]/[month]/[year]")).unwrap_or_default()
}

/// "17/06/2020 23:45", in Vietnam time, from Unix milliseconds (as instants are stored); empty if out of range.
pub fn format_instant_ms(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.to_offset(VIETNAM).format(format_description!("[day]/[month]/[year] [hour]:[minute]")).ok())
        .unwrap_or_default()
}

/// The calendar day in Vietnam at an instant.
pub fn today(at: OffsetDateTime) -> Date {
    at.to_offset(VIETNAM).date()
}

/// ISO "2020-06-17", the form dates take in SQL and JSON.
pub fn iso(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

pub fn parse_iso(s: &str) -> Option<Date> {
    Date::parse(s, format_description!("[year]-[month]-[day]")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn late_night_utc_is_next_day_in_vietnam() {
        let at = datetime!(2020-06-17 17:30 UTC);
        assert_eq!(format_datetime(at), "00:30 18/06/2020");
        assert_eq!(format_date(today(at)), "18/06/2020");
        assert_eq!(parse_iso("2020-06-18"), Some(today(at)));
        assert_eq!(parse_iso("18/06/2020"), None);
    }
}
