//! iCalendar (RFC 5545) files of appointments, written by hand: one VEVENT with times in UTC, its UID stable
//! for the booking's life (a moved or cancelled booking replaces the entry in the person's calendar, its
//! SEQUENCE one higher), text values escaped (§3.3.11), lines ended by CRLF and folded at 75 octets without
//! cutting a UTF-8 character in two (§3.1). Tests read the files back with the independent `icalendar` crate.

use binhyen_domain::time_vn::format_instant_ms;
use time::macros::format_description;

/// One appointment as a calendar entry.
pub(crate) struct IcsEvent<'a> {
    /// Stable per booking: `appointment-<id>@<host>`.
    pub uid: String,
    /// One more at each move or cancellation.
    pub sequence: i64,
    /// When this file was written.
    pub stamp_ms: i64,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub summary: &'a str,
    pub location: Option<&'a str>,
    pub description: &'a str,
    pub cancelled: bool,
}

/// "20261201T003000Z".
fn utc(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format_description!("[year][month][day]T[hour][minute][second]Z")).ok())
        .unwrap_or_default()
}

/// A TEXT value: backslash, semicolon, comma and line breaks escaped; other control characters dropped.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded: at most 75 octets a line, continuations starting with one space.
fn line(out: &mut String, content: &str) {
    let mut used = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

/// The calendar file of one appointment.
pub(crate) fn calendar(e: &IcsEvent<'_>) -> String {
    let mut out = String::new();
    let mut put = |name: &str, value: &str| line(&mut out, &format!("{name}:{value}"));
    put("BEGIN", "VCALENDAR");
    put("VERSION", "2.0");
    put("PRODID", "-//binhyen//Lich hen//VI");
    put("CALSCALE", "GREGORIAN");
    put("METHOD", "PUBLISH");
    put("BEGIN", "VEVENT");
    put("UID", &text(&e.uid));
    put("DTSTAMP", &utc(e.stamp_ms));
    put("DTSTART", &utc(e.starts_at_ms));
    put("DTEND", &utc(e.ends_at_ms));
    put("SEQUENCE", &e.sequence.to_string());
    put("STATUS", if e.cancelled { "CANCELLED" } else { "CONFIRMED" });
    put("SUMMARY", &text(e.summary));
    if let Some(location) = e.location {
        put("LOCATION", &text(location));
    }
    put("DESCRIPTION", &text(e.description));
    if !e.cancelled {
        put("BEGIN", "VALARM");
        put("ACTION", "DISPLAY");
        put("TRIGGER", "-PT1H");
        put("DESCRIPTION", &text(e.summary));
        put("END", "VALARM");
    }
    put("END", "VEVENT");
    put("END", "VCALENDAR");
    out
}

/// The calendar file of a booking: "<service> – <unit>" at the unit's address, what to bring in the description,
/// its UID made from the public host. Never the confirmation code: calendars sync through third parties, and the
/// code cancels or moves the booking.
pub(crate) fn booking(v: &binhyen_core::appointments::BookingView, public_url: &str, now_ms: i64) -> String {
    let a = &v.appointment;
    let host = public_url.split("://").nth(1).unwrap_or(public_url).split(['/', ':']).next().unwrap_or("binhyen");
    let mut description = String::new();
    if let Some(what) = &v.service.description {
        description.push_str(what);
        description.push('\n');
    }
    let until = a.starts_at_ms - v.service.cutoff_minutes * 60_000;
    description.push_str(&format!("Huỷ hoặc đổi giờ trước {} tại {public_url}", format_instant_ms(until)));
    let summary = format!("{} – {}", v.service.name, v.unit.name);
    let location = v.unit.contact.address.clone().unwrap_or_else(|| v.unit.name.clone());
    calendar(&IcsEvent {
        uid: format!("appointment-{}@{host}", a.id),
        sequence: a.sequence,
        stamp_ms: now_ms,
        starts_at_ms: a.starts_at_ms,
        ends_at_ms: a.ends_at_ms,
        summary: &summary,
        location: Some(&location),
        description: &description,
        cancelled: a.state == binhyen_domain::appointment::BookingState::Cancelled,
    })
}

/// The HTTP answer carrying a calendar file.
pub(crate) fn response(id: i64, ics: String) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let disposition = format!("attachment; filename=\"lich-hen-{id}.ics\"");
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
        ics,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(summary: &'a str, description: &'a str) -> IcsEvent<'a> {
        IcsEvent {
            uid: "appointment-7@binhyen.example.vn".into(),
            sequence: 2,
            stamp_ms: 1_796_000_000_000,
            starts_at_ms: 1_796_085_000_000,
            ends_at_ms: 1_796_086_800_000,
            summary,
            location: Some("Trung tâm xã Cư M'gar, tỉnh Đắk Lắk"),
            description,
            cancelled: false,
        }
    }

    #[test]
    fn escapes_text_and_writes_utc() {
        let ics = calendar(&event("Cấp lại thẻ căn cước; lần 2, gấp", "Dòng 1\nC:\\giấy tờ"));
        assert!(ics.contains("SUMMARY:Cấp lại thẻ căn cước\\; lần 2\\, gấp\r\n"));
        assert!(ics.contains("DESCRIPTION:Dòng 1\\nC:\\\\giấy tờ\r\n"));
        assert!(ics.contains("DTSTART:20261201T003000Z\r\n") && ics.contains("DTEND:20261201T010000Z\r\n"));
        assert!(ics.contains("SEQUENCE:2\r\n") && ics.contains("STATUS:CONFIRMED\r\n"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let long = "Mang theo giấy tờ chứng minh nơi cư trú, số định danh cá nhân; lệ phí 70.000 đồng. ".repeat(6);
        let ics = calendar(&event("Cấp lại thẻ căn cước", &long));
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        // Unfolding (CRLF + one space removed) gives the value back.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}\r\n", text(&long))));
        let cancelled = calendar(&IcsEvent { cancelled: true, ..event("X", "Y") });
        assert!(cancelled.contains("STATUS:CANCELLED\r\n") && !cancelled.contains("VALARM"));
    }
}
