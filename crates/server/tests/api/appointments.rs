//! Appointments end to end (SQLite): the demo's schedule and H'Đào Niê's booking; booking, moving and cancelling
//! with the reminder the day before (none for a cancelled booking, the new slot for a moved one); `.ics` files
//! read back by the independent `icalendar` crate; 200 concurrent bookings of a slot of capacity 5; the
//! officers' day list, check-in and no-show; and each kind of bad input.

use binhyen_core::Clock;
use binhyen_domain::job::{JobKind, JobState};
use binhyen_domain::time_vn::{iso, VIETNAM};
use icalendar::{CalendarDateTime, Component, DatePerhapsTime, EventLike};
use reqwest::Method;
use serde_json::{json, Value};
use time::{Date, Duration, OffsetDateTime};

use crate::support::*;

const UNIT: &str = "ca-xa-cu-mgar-2025";
/// Nguyễn Thị Hạnh, thôn 8 of the former xã Ea KPam.
const CITIZEN_HANH: &str = "0399000002";
/// Lê Quốc Bảo, phường Tân Lợi.
const CITIZEN_BAO: &str = "0399000003";

fn vn_now(app: &TestApp) -> OffsetDateTime {
    app.clock.now().to_offset(VIETNAM)
}

/// "2026-12-01T08:00:00+07:00".
fn at(day: Date, hhmm: &str) -> String {
    format!("{}T{hhmm}:00+07:00", iso(day))
}

/// The demo's "Cấp lại thẻ căn cước" at Công an xã Cư M'gar.
async fn id_card_service(app: &TestApp) -> i64 {
    let (status, services) = app.get_json(&format!("/api/v1/units/{UNIT}/services"), None).await;
    assert_eq!(status, 200);
    services[0]["id"].as_i64().unwrap()
}

async fn slots(app: &TestApp, service: i64, day: Date) -> Value {
    let (status, body) = app.get_json(&format!("/api/v1/services/{service}/slots?day={}", iso(day)), None).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The `nth` (from 0) day after today on which the service has free slots.
async fn open_day(app: &TestApp, service: i64, nth: usize) -> Date {
    let mut day = vn_now(app).date();
    let mut found = 0;
    loop {
        day = day.next_day().unwrap();
        let body = slots(app, service, day).await;
        if !body["slots"].as_array().unwrap().is_empty() {
            if found == nth {
                return day;
            }
            found += 1;
        }
    }
}

async fn book(app: &TestApp, token: &str, service: i64, starts_at: &str) -> (u16, Value) {
    app.post_json("/api/v1/appointments", &json!({"service_id": service, "starts_at": starts_at}), Some(token)).await
}

async fn walk_in(app: &TestApp, token: &str, service: i64, starts_at: &str, name: &str, phone: &str) -> (u16, Value) {
    let body = json!({"service_id": service, "starts_at": starts_at, "walk_in": {"name": name, "phone": phone}});
    app.post_json("/api/v1/appointments", &body, Some(token)).await
}

/// Moves the app's clock to `hhmm` on `day` in Vietnam (forward only).
fn set_clock(app: &TestApp, day: Date, hhmm: &str) {
    let target = OffsetDateTime::parse(&at(day, hhmm), &time::format_description::well_known::Rfc3339).unwrap();
    let by = target - app.clock.now();
    assert!(by >= Duration::ZERO, "the clock only moves forward");
    app.clock.advance(by);
}

/// The `.ics` file, parsed by the `icalendar` crate: its one event.
fn read_ics(text: &str) -> icalendar::Event {
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.split("\r\n").all(|l| l.len() <= 75), "folded at 75 octets");
    let calendar: icalendar::Calendar = text.parse().unwrap_or_else(|e| panic!("not iCalendar: {e}\n{text}"));
    let events: Vec<_> = calendar.events().cloned().collect();
    assert_eq!(events.len(), 1);
    events.into_iter().next().unwrap()
}

fn utc_stamp(rfc3339: &str) -> String {
    let t = OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).unwrap();
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}{:02}{:02}T{:02}{:02}{:02}Z", t.year(), t.month() as u8, t.day(), t.hour(), t.minute(), t.second())
}

async fn get_ics(app: &TestApp, path: &str, token: &str) -> String {
    let res = app.api.get(app.at(path)).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    res.text().await.unwrap()
}

#[tokio::test]
async fn the_demo_has_the_schedule_and_hdaos_booking() {
    let app = TestApp::spawn().await;
    let (_, services) = app.get_json(&format!("/api/v1/units/{UNIT}/services"), None).await;
    let s = &services[0];
    assert_eq!(
        (s["name"].as_str(), s["slot_minutes"].as_i64(), s["capacity"].as_i64()),
        (Some("Cấp lại thẻ căn cước"), Some(30), Some(3))
    );
    let hours: Vec<(i64, &str, &str)> = s["hours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["weekday"].as_i64().unwrap(), h["start"].as_str().unwrap(), h["end"].as_str().unwrap()))
        .collect();
    assert_eq!(hours.len(), 10);
    assert_eq!(hours[0..2], [(1, "07:30", "11:30"), (1, "13:30", "17:00")]);
    assert!(hours.iter().all(|(d, _, _)| (1..=5).contains(d)), "Monday to Friday");
    let (_, closures) = app.get_json(&format!("/api/v1/units/{UNIT}/closures?until=2099-12-31"), None).await;
    assert!(closures[0]["reason"].as_str().unwrap().starts_with("Nghỉ"), "{closures}");

    let hdao = app.token(CITIZEN_HDAO).await;
    let (status, mine) = app.get_json("/api/v1/me/appointments", Some(&hdao)).await;
    assert_eq!(status, 200);
    let booking = &mine["appointments"][0];
    assert_eq!(
        (booking["state"].as_str(), booking["service_name"].as_str()),
        (Some("booked"), Some("Cấp lại thẻ căn cước"))
    );
    assert!(booking["starts_at"].as_str().unwrap().ends_with("T08:00:00+07:00"));
    let day = binhyen_domain::time_vn::parse_iso(booking["day"].as_str().unwrap()).unwrap();
    assert!(day > vn_now(&app).date() && day.weekday().number_from_monday() <= 5, "a working day to come");
    assert_eq!(booking["code"].as_str().unwrap().len(), 19, "her code, shown to her again");
    let queued = app.store.jobs(Some(JobState::Queued), 1000).await.unwrap();
    let reminder = queued.iter().find(|j| j.kind == JobKind::AppointmentReminder).expect("her reminder is queued");
    let eve = OffsetDateTime::parse(
        &at(day.previous_day().unwrap(), "18:00"),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(reminder.run_at_ms, (eve.unix_timestamp_nanos() / 1_000_000) as i64, "18:00 the day before");
}

#[tokio::test]
async fn book_move_and_cancel_with_reminders_and_calendar_files() {
    let app = TestApp::spawn().await;
    let service = id_card_service(&app).await;
    let hanh = app.token(CITIZEN_HANH).await;
    let day = open_day(&app, service, 1).await;

    let (status, booked) = book(&app, &hanh, service, &at(day, "09:00")).await;
    assert_eq!(status, 201, "{booked}");
    let id = booked["id"].as_i64().unwrap();
    let code = booked["code"].as_str().unwrap().to_owned();
    assert_eq!(
        (booked["state"].as_str(), booked["sequence"].as_i64(), booked["walk_in"].as_bool()),
        (Some("booked"), Some(0), Some(false))
    );
    assert_eq!(booked["starts_at"], at(day, "09:00"));
    assert_eq!(booked["change_until"], at(day, "07:00"), "two hours before");
    let free = slots(&app, service, day).await;
    let nine = free["slots"].as_array().unwrap().iter().find(|s| s["starts_at"] == at(day, "09:00")).unwrap().clone();
    assert_eq!(nine["free"], 2);

    // The calendar file, read back by an independent parser.
    let ics = get_ics(&app, booked["ics_url"].as_str().unwrap(), &hanh).await;
    let event = read_ics(&ics);
    let host_uid = event.get_uid().unwrap().to_owned();
    assert_eq!(host_uid, format!("appointment-{id}@127.0.0.1"));
    assert_eq!(event.get_summary(), Some("Cấp lại thẻ căn cước – Công an xã Cư M'gar"));
    assert!(!event.get_description().unwrap().contains(code.as_str()), "the code never goes to a calendar: {ics}");
    assert!(event.get_description().unwrap().contains("70.000 đồng"), "unescaped comma and all");
    assert_eq!(event.get_location(), Some("Trung tâm xã Cư M'gar, tỉnh Đắk Lắk"));
    assert!(matches!(event.get_start(), Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(_)))));
    assert_eq!(event.property_value("DTSTART"), Some(utc_stamp(&at(day, "09:00")).as_str()));
    assert_eq!(event.property_value("DTEND"), Some(utc_stamp(&at(day, "09:30")).as_str()));
    assert_eq!(event.get_sequence(), Some(0));

    // Moved: same booking and code, a new version of the calendar entry, seats follow.
    let (status, moved) = app
        .post_json(&format!("/api/v1/me/appointments/{id}/move"), &json!({"starts_at": at(day, "14:00")}), Some(&hanh))
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        (moved["id"].as_i64(), moved["code"].as_str(), moved["sequence"].as_i64()),
        (Some(id), Some(code.as_str()), Some(1))
    );
    let event = read_ics(&get_ics(&app, &format!("/api/v1/me/appointments/{id}/ics"), &hanh).await);
    assert_eq!((event.get_uid(), event.get_sequence()), (Some(host_uid.as_str()), Some(1)), "the same entry, updated");
    assert_eq!(event.property_value("DTSTART"), Some(utc_stamp(&at(day, "14:00")).as_str()));

    // Anyone with the code sees it; a second booking, made then cancelled by its code, is never reminded.
    let (status, by_code) =
        app.post_json("/api/v1/appointments/by-code", &json!({"code": code.to_lowercase()}), None).await;
    assert_eq!((status, by_code["id"].as_i64()), (200, Some(id)));
    let bao = app.token(CITIZEN_BAO).await;
    let (_, other) = book(&app, &bao, service, &at(day, "10:00")).await;
    let (status, cancelled) =
        app.post_json("/api/v1/appointments/by-code/cancel", &json!({"code": other["code"]}), None).await;
    assert_eq!(
        (status, cancelled["state"].as_str(), cancelled["sequence"].as_i64()),
        (200, Some("cancelled"), Some(1))
    );
    let ics = app
        .api
        .post(app.at("/api/v1/appointments/by-code/ics"))
        .json(&json!({"code": other["code"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(read_ics(&ics.text().await.unwrap()).get_status(), Some(icalendar::EventStatus::Cancelled));
    let ten = slots(&app, service, day).await["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["starts_at"] == at(day, "10:00"))
        .unwrap()["free"]
        .clone();
    assert_eq!(ten, 3, "the seat is free again");

    // 18:00 the day before: Hạnh is reminded of 14:00 (not 09:00); Bảo of nothing.
    set_clock(&app, day.previous_day().unwrap(), "18:01");
    let reminders = |token: String| {
        let app = &app;
        async move {
            app.core.jobs().run_due_jobs().await.unwrap();
            let (_, inbox) = app.get_json("/api/v1/me/notifications", Some(&token)).await;
            inbox["notifications"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["kind"] == "appointment_reminder")
                .cloned()
                .collect::<Vec<_>>()
        }
    };
    let hanh = app.token(CITIZEN_HANH).await;
    let mut got = Vec::new();
    for _ in 0..50 {
        got = reminders(hanh.clone()).await;
        if !got.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(got.len(), 1, "{got:?}");
    let title = got[0]["title"].as_str().unwrap();
    assert!(title.starts_with("Nhắc lịch hẹn: Cấp lại thẻ căn cước lúc 14:00"), "{title}");
    assert_eq!(got[0]["link"], format!("http://127.0.0.1:8080/my/appointments/{id}"));
    assert!(reminders(app.token(CITIZEN_BAO).await).await.is_empty(), "a cancelled booking is not reminded");

    // Cancelled by its holder before the cut-off.
    let (status, done) = app.post_json(&format!("/api/v1/me/appointments/{id}/cancel"), &json!({}), Some(&hanh)).await;
    assert_eq!((status, done["state"].as_str(), done["changeable"].as_bool()), (200, Some("cancelled"), Some(false)));
    let (status, again) = app.post_json(&format!("/api/v1/me/appointments/{id}/cancel"), &json!({}), Some(&hanh)).await;
    assert_eq!((status, again["error"]["code"].as_str()), (409, Some("appointment_not_active")));
}

#[tokio::test]
async fn two_hundred_concurrent_bookings_fill_a_slot_of_five_exactly() {
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let service = json!({"name": "Xác nhận thông tin cư trú", "slot_minutes": 30, "capacity": 5, "cutoff_minutes": 60});
    let (status, created) = app.post_json(&format!("/api/v1/units/{UNIT}/services"), &service, Some(&commander)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let every_day: Vec<Value> = (1..=7).map(|d| json!({"weekday": d, "start": "07:00", "end": "17:00"})).collect();
    let (status, _) = app
        .send_json(Method::PUT, &format!("/api/v1/services/{id}/hours"), &json!({"hours": every_day}), Some(&commander))
        .await;
    assert_eq!(status, 200);
    let day = open_day(&app, id, 0).await;
    let slot = at(day, "08:00");

    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let (client, url, officer, slot) =
            (app.api.clone(), app.at("/api/v1/appointments"), officer.clone(), slot.clone());
        tasks.spawn(async move {
            let body = json!({"service_id": id, "starts_at": slot,
                "walk_in": {"name": format!("Người dân {i}"), "phone": format!("0912000{i:03}")}});
            let res = client.post(url).bearer_auth(officer).json(&body).send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        });
    }
    let (mut booked, mut full) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        let (status, body) = done.unwrap();
        match status {
            201 => booked += 1,
            409 => {
                assert_eq!(
                    (body["error"]["code"].as_str(), body["error"]["field"].as_str()),
                    (Some("slot_full"), Some("starts_at"))
                );
                let next = body["next_free"].as_array().unwrap();
                assert_eq!(next[0]["starts_at"], at(day, "08:30"), "the next free slots, soonest first");
                assert!(next.len() == 5 && next.iter().all(|s| s["free"] == 5));
                full += 1;
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!((booked, full), (5, 195));
    let (_, list) = app.get_json(&format!("/api/v1/units/{UNIT}/appointments?day={}", iso(day)), Some(&officer)).await;
    let ours = list["services"].as_array().unwrap().iter().find(|s| s["service"]["id"] == id).unwrap();
    assert_eq!(ours["appointments"].as_array().unwrap().len(), 5);
    assert_eq!(ours["slots"].as_array().unwrap().iter().find(|s| s["starts_at"] == slot).unwrap()["free"], 0);
}

#[tokio::test]
async fn officers_day_list_check_in_and_no_show() {
    let app = TestApp::spawn().await;
    let service = id_card_service(&app).await;
    let hdao = app.token(CITIZEN_HDAO).await;
    let (_, mine) = app.get_json("/api/v1/me/appointments", Some(&hdao)).await;
    let hers = mine["appointments"][0].clone();
    let day = binhyen_domain::time_vn::parse_iso(hers["day"].as_str().unwrap()).unwrap();

    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    let (status, walked) = walk_in(&app, &officer, service, &at(day, "09:30"), "Y Khuê Niê", "0912 345 678").await;
    assert_eq!(status, 201, "{walked}");
    assert!(walked["code"].is_string(), "the officer gives the walk-in their code");
    assert!(walked.get("ics_url").is_none());
    // Walk-ins' names and numbers are sealed: not in the database file in clear.
    for file in [app.db_path.clone(), app.db_path.with_extension("sqlite-wal")] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        for needle in ["Y Khuê Niê", "+84912345678", "0912345678"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} in {}", file.display());
        }
    }

    set_clock(&app, day, "07:45");
    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    let (status, list) =
        app.get_json(&format!("/api/v1/units/{UNIT}/appointments?day={}", iso(day)), Some(&officer)).await;
    assert_eq!(status, 200, "{list}");
    let entries = list["services"][0]["appointments"].as_array().unwrap();
    let who: Vec<(&str, &str)> =
        entries.iter().map(|e| (e["name"].as_str().unwrap(), e["phone"].as_str().unwrap())).collect();
    assert_eq!(who, [("H'Đào Niê", "+84399000001"), ("Y Khuê Niê", "+84912345678")], "by slot");
    assert!(entries.iter().all(|e| e["appointment"].get("code").is_none()), "officers do not see codes");
    assert_eq!(list["services"][0]["slots"].as_array().unwrap().len(), 15, "the whole day, past slots too");

    let hers = hers["id"].as_i64().unwrap();
    let walk = walked["id"].as_i64().unwrap();
    let (status, body) =
        app.post_json(&format!("/api/v1/appointments/{walk}/no-show"), &json!({}), Some(&officer)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("too_early")));
    let (status, body) =
        app.post_json(&format!("/api/v1/appointments/{hers}/check-in"), &json!({}), Some(&officer)).await;
    assert_eq!((status, body["state"].as_str()), (200, Some("checked_in")));
    let (status, body) =
        app.post_json(&format!("/api/v1/appointments/{hers}/check-in"), &json!({}), Some(&officer)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("appointment_not_active")));

    set_clock(&app, day, "10:05");
    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    let (status, body) =
        app.post_json(&format!("/api/v1/appointments/{walk}/no-show"), &json!({}), Some(&officer)).await;
    assert_eq!((status, body["state"].as_str()), (200, Some("no_show")));
    // She turns up late after all.
    let (status, body) =
        app.post_json(&format!("/api/v1/appointments/{walk}/check-in"), &json!({}), Some(&officer)).await;
    assert_eq!((status, body["state"].as_str()), (200, Some("checked_in")));
    let ics = get_ics(&app, &format!("/api/v1/appointments/{walk}/ics"), &officer).await;
    assert!(!read_ics(&ics).get_description().unwrap().contains("Mã xác nhận"), "no code in an officer's copy");
}

#[tokio::test]
async fn bad_booking_input_gets_a_clear_answer_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let service = id_card_service(&app).await;
    let hanh = app.token(CITIZEN_HANH).await;
    let day = open_day(&app, service, 1).await;
    let expect = |(status, body): (u16, Value), want: (u16, &str, Option<&str>)| {
        assert_eq!(
            (status, body["error"]["code"].as_str(), body["error"]["field"].as_str()),
            (want.0, Some(want.1), want.2),
            "{body}"
        );
    };

    // Past, outside the hours, not a slot start, a Sunday, malformed, unknown service, too far ahead.
    let yesterday = vn_now(&app).date().previous_day().unwrap();
    expect(book(&app, &hanh, service, &at(yesterday, "08:00")).await, (422, "slot_in_past", Some("starts_at")));
    expect(book(&app, &hanh, service, &at(day, "12:00")).await, (422, "outside_schedule", Some("starts_at")));
    expect(book(&app, &hanh, service, &at(day, "08:15")).await, (422, "outside_schedule", Some("starts_at")));
    expect(
        book(&app, &hanh, service, &format!("{}T08:00:30+07:00", iso(day))).await,
        (422, "outside_schedule", Some("starts_at")),
    );
    let mut sunday = day;
    while sunday.weekday() != time::Weekday::Sunday {
        sunday = sunday.next_day().unwrap();
    }
    expect(book(&app, &hanh, service, &at(sunday, "08:00")).await, (422, "outside_schedule", Some("starts_at")));
    expect(book(&app, &hanh, service, "ngày mai 8 giờ").await, (422, "invalid_time", Some("starts_at")));
    expect(book(&app, &hanh, 999_999, &at(day, "08:00")).await, (404, "service_not_found", None));
    expect(
        book(&app, &hanh, service, &at(day + Duration::days(70), "08:00")).await,
        (422, "too_far_ahead", Some("starts_at")),
    );
    let (status, body) = app.post_json("/api/v1/appointments", &json!({"service_id": service}), Some(&hanh)).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("starts_at")));
    assert_eq!(book(&app, "not-a-token", service, &at(day, "08:00")).await.0, 401);

    // A closure day (the commander closes it; the answer counts the bookings already made that day).
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let closed = open_day(&app, service, 2).await;
    let (_, early) = book(&app, &app.token(CITIZEN_BAO).await, service, &at(closed, "07:30")).await;
    let (status, closure) = app
        .post_json(
            &format!("/api/v1/units/{UNIT}/closures"),
            &json!({"day": iso(closed), "reason": "Diễn tập PCCC"}),
            Some(&commander),
        )
        .await;
    assert_eq!((status, closure["bookings_that_day"].as_i64()), (201, Some(1)), "{closure}");
    assert_eq!(early["state"], "booked");
    expect(book(&app, &hanh, service, &at(closed, "08:00")).await, (422, "unit_closed", Some("starts_at")));
    assert!(slots(&app, service, closed).await["slots"].as_array().unwrap().is_empty());
    let again = json!({"day": iso(closed), "reason": "Nghỉ"});
    expect(
        app.post_json(&format!("/api/v1/units/{UNIT}/closures"), &again, Some(&commander)).await,
        (409, "closure_exists", Some("day")),
    );
    let past = json!({"day": iso(yesterday), "reason": "Nghỉ"});
    expect(
        app.post_json(&format!("/api/v1/units/{UNIT}/closures"), &past, Some(&commander)).await,
        (422, "in_past", Some("day")),
    );

    // A full slot (capacity 3): the next free ones; nothing written for the refused booking.
    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    for (i, phone) in ["0912000001", "0912000002", "0912000003"].iter().enumerate() {
        assert_eq!(walk_in(&app, &officer, service, &at(day, "08:30"), &format!("Người {i}"), phone).await.0, 201);
    }
    let (status, full) = book(&app, &hanh, service, &at(day, "08:30")).await;
    assert_eq!((status, full["error"]["code"].as_str()), (409, Some("slot_full")));
    assert_eq!(full["next_free"][0]["starts_at"], at(day, "09:00"));
    assert!(app.get_json("/api/v1/me/appointments", Some(&hanh)).await.1["appointments"]
        .as_array()
        .unwrap()
        .is_empty());

    // The same person, service and day: refused, with the code of the booking she has.
    let (_, first) = book(&app, &hanh, service, &at(day, "09:00")).await;
    let (status, twice) = book(&app, &hanh, service, &at(day, "15:00")).await;
    assert_eq!((status, twice["error"]["code"].as_str()), (409, Some("already_booked")));
    assert_eq!(
        (twice["appointment"]["id"].clone(), twice["appointment"]["code"].clone()),
        (first["id"].clone(), first["code"].clone())
    );
    let (status, twice) = walk_in(&app, &officer, service, &at(day, "15:00"), "Người 0", "0912 000 001").await;
    assert_eq!(
        (status, twice["error"]["code"].as_str()),
        (409, Some("already_booked")),
        "a walk-in is known by the number"
    );
    let (status, body) = book(&app, &officer, service, &at(day, "15:00")).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("walk_in")), "officers book for someone");
    expect(
        walk_in(&app, &officer, service, &at(day, "15:00"), "", "0912000009").await,
        (422, "required", Some("walk_in.name")),
    );
    expect(
        walk_in(&app, &officer, service, &at(day, "15:00"), "An", "12345").await,
        (422, "invalid_phone", Some("walk_in.phone")),
    );

    // Moving onto a full slot: slot_full, and the booking stays where it was.
    let id = first["id"].as_i64().unwrap();
    let (app_ref, hanh_ref) = (&app, &hanh);
    let move_to = |starts: String| async move {
        let body = json!({"starts_at": starts});
        app_ref.post_json(&format!("/api/v1/me/appointments/{id}/move"), &body, Some(hanh_ref)).await
    };
    let (status, body) = move_to(at(day, "08:30")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("slot_full")));
    expect(move_to(at(day, "09:00")).await, (422, "same_slot", Some("starts_at")));
    let (_, still) = app.get_json(&format!("/api/v1/me/appointments/{id}"), Some(&hanh)).await;
    assert_eq!((still["starts_at"].as_str(), still["sequence"].as_i64()), (Some(at(day, "09:00").as_str()), Some(0)));
    let nine = slots(&app, service, day).await["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["starts_at"] == at(day, "09:00"))
        .unwrap()["free"]
        .clone();
    assert_eq!(nine, 2, "seats unchanged by the refused move");

    // Someone else's booking is "not found"; so is a wrong code, and guessing is slowed.
    let bao = app.token(CITIZEN_BAO).await;
    expect(
        app.get_json(&format!("/api/v1/me/appointments/{id}"), Some(&bao)).await,
        (404, "appointment_not_found", None),
    );
    expect(
        app.post_json(&format!("/api/v1/me/appointments/{id}/cancel"), &json!({}), Some(&bao)).await,
        (404, "appointment_not_found", None),
    );
    let mut statuses = Vec::new();
    for wrong in ["0000-0000-0000-0000", "không phải mã", ""].iter().cycle().take(21) {
        statuses.push(app.post_json("/api/v1/appointments/by-code", &json!({"code": wrong}), None).await);
    }
    assert!(statuses[..20].iter().all(|(s, b)| *s == 404 && b["error"]["code"] == "appointment_not_found"));
    assert_eq!((statuses[20].0, statuses[20].1["error"]["code"].as_str()), (429, Some("too_many_attempts")));
    let (status, _) = app.post_json("/api/v1/appointments/by-code/cancel", &json!({"code": first["code"]}), None).await;
    assert_eq!(status, 429, "even the right code, once over the limit");

    // After the cut-off (two hours before), neither the holder nor the code may cancel or move; officers may.
    set_clock(&app, day, "07:30");
    let hanh = app.token(CITIZEN_HANH).await;
    expect(
        app.post_json(&format!("/api/v1/me/appointments/{id}/cancel"), &json!({}), Some(&hanh)).await,
        (409, "past_cutoff", None),
    );
    let late_move = app
        .post_json(&format!("/api/v1/me/appointments/{id}/move"), &json!({"starts_at": at(day, "15:00")}), Some(&hanh))
        .await;
    expect(late_move, (409, "past_cutoff", None));
    let (_, mine) = app.get_json(&format!("/api/v1/me/appointments/{id}"), Some(&hanh)).await;
    assert_eq!((mine["state"].as_str(), mine["changeable"].as_bool()), (Some("booked"), Some(false)));

    // Officers of another unit (and citizens) act on none of the unit's bookings or services.
    for phone in [EA_KPAM_OFFICER, TAN_LOI_OFFICER] {
        let other = app.token(phone).await;
        expect(
            app.get_json(&format!("/api/v1/units/{UNIT}/appointments"), Some(&other)).await,
            (403, "forbidden", None),
        );
        expect(
            app.post_json(&format!("/api/v1/appointments/{id}/check-in"), &json!({}), Some(&other)).await,
            (403, "forbidden", None),
        );
        expect(
            app.post_json(&format!("/api/v1/appointments/{id}/no-show"), &json!({}), Some(&other)).await,
            (403, "forbidden", None),
        );
        expect(
            app.post_json(&format!("/api/v1/appointments/{id}/cancel"), &json!({}), Some(&other)).await,
            (403, "forbidden", None),
        );
        expect(walk_in(&app, &other, service, &at(day, "16:00"), "An", "0912000010").await, (403, "forbidden", None));
    }
    let new_service = json!({"name": "Đăng ký tạm trú", "slot_minutes": 30, "capacity": 2, "cutoff_minutes": 60});
    let ea_kpam_commander = app.token(EA_KPAM_COMMANDER).await;
    expect(
        app.post_json(&format!("/api/v1/units/{UNIT}/services"), &new_service, Some(&ea_kpam_commander)).await,
        (403, "forbidden", None),
    );
    expect(
        app.post_json(&format!("/api/v1/units/{UNIT}/services"), &new_service, Some(&hanh)).await,
        (403, "forbidden", None),
    );
    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    expect(
        app.post_json(&format!("/api/v1/units/{UNIT}/services"), &new_service, Some(&officer)).await,
        (403, "forbidden", None),
    );
    expect(app.get_json(&format!("/api/v1/units/{UNIT}/appointments"), Some(&hanh)).await, (403, "forbidden", None));
    let (status, cancelled) =
        app.post_json(&format!("/api/v1/appointments/{id}/cancel"), &json!({}), Some(&officer)).await;
    assert_eq!(
        (status, cancelled["state"].as_str()),
        (200, Some("cancelled")),
        "the unit's officer may, after the cut-off"
    );
    let (status, body) =
        app.post_json(&format!("/api/v1/appointments/{id}/check-in"), &json!({}), Some(&officer)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("appointment_not_active")));

    // A schedule that makes no sense.
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (app_ref, commander_ref) = (&app, &commander);
    let hours = |h: Value| async move {
        let path = format!("/api/v1/services/{service}/hours");
        app_ref.send_json(Method::PUT, &path, &json!({"hours": h}), Some(commander_ref)).await
    };
    expect(
        hours(json!([{"weekday": 1, "start": "11:30", "end": "07:30"}])).await,
        (422, "invalid_range", Some("hours")),
    );
    expect(
        hours(json!([{"weekday": 8, "start": "07:30", "end": "11:30"}])).await,
        (422, "invalid_weekday", Some("hours")),
    );
    expect(
        hours(json!([{"weekday": 1, "start": "7h30", "end": "11:30"}])).await,
        (422, "invalid_time_of_day", Some("hours")),
    );
    let overlap =
        json!([{"weekday": 1, "start": "07:30", "end": "11:30"}, {"weekday": 1, "start": "11:00", "end": "12:00"}]);
    expect(hours(overlap).await, (422, "overlapping", Some("hours")));
    let bad = json!({"name": "X", "slot_minutes": 0, "capacity": 3, "cutoff_minutes": 60});
    expect(
        app.post_json(&format!("/api/v1/units/{UNIT}/services"), &bad, Some(&commander)).await,
        (422, "out_of_range", Some("slot_minutes")),
    );
    let dup = json!({"name": "Cấp lại thẻ căn cước", "slot_minutes": 30, "capacity": 3, "cutoff_minutes": 60});
    expect(
        app.post_json(&format!("/api/v1/units/{UNIT}/services"), &dup, Some(&commander)).await,
        (409, "service_name_taken", Some("name")),
    );
    for day in ["9999-12-31", "31/12/2026", "hôm nay"] {
        let slots = app.get_json(&format!("/api/v1/services/{service}/slots?day={day}"), None).await;
        expect(slots, (422, "invalid_date", Some("day")));
        let list = app.get_json(&format!("/api/v1/units/{UNIT}/appointments?day={day}"), Some(&officer)).await;
        expect(list, (422, "invalid_date", Some("day")));
    }
    let (status, _) = app.page(&format!("/units/{UNIT}/appointments?service=abc&day=9999-12-31")).await;
    assert_eq!(status, 200, "the booking page ignores what it cannot read");
    let (_, unchanged) = app.get_json(&format!("/api/v1/services/{service}"), None).await;
    assert_eq!(unchanged["hours"].as_array().unwrap().len(), 10, "refused hours leave the old ones");
}

#[tokio::test]
async fn a_walk_in_is_reminded_by_sms_where_a_gateway_is_configured() {
    use std::sync::Arc;

    use binhyen_channels::fakes::HttpFake;
    use binhyen_channels::{ChannelsConfig, MemoryTokenStore};
    use binhyen_core::alerting::AlertSettings;

    let gateway = HttpFake::start().await;
    let config: ChannelsConfig =
        serde_json::from_value(json!({"sms": {"url": format!("{}/v1/messages", gateway.url()), "token": "sms-token"}}))
            .unwrap();
    let alerts = AlertSettings {
        channels: Arc::new(config.build(Arc::new(MemoryTokenStore::new())).unwrap()),
        public_url: "https://binhyen.example.vn".into(),
        ..test_alerts()
    };
    let app = TestApp::spawn_alerting(binhyen_core::Policy::default(), alerts, Default::default()).await;
    let service = id_card_service(&app).await;
    let day = open_day(&app, service, 1).await;
    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    let (status, walked) = walk_in(&app, &officer, service, &at(day, "09:00"), "Y Khuê Niê", "0912 345 678").await;
    assert_eq!(status, 201, "{walked}");
    let code = walked["code"].as_str().unwrap().to_owned();

    set_clock(&app, day.previous_day().unwrap(), "18:01");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while gateway.requests().is_empty() && tokio::time::Instant::now() < deadline {
        app.core.jobs().run_due_jobs().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let sms = gateway.wait_for(1, std::time::Duration::from_secs(1)).await.remove(0).json();
    assert_eq!(sms["to"], "+84912345678");
    let text = sms["text"].as_str().unwrap();
    assert!(text.starts_with("Nhắc lịch hẹn: Cấp lại thẻ căn cước lúc 09:00"), "{text}");
    assert!(text.ends_with("https://binhyen.example.vn/appointments/lookup"), "{text}");
    assert!(!text.contains(&code), "the code never travels through the gateway");
}
