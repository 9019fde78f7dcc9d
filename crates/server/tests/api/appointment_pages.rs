//! Appointments on the site, without JavaScript: a citizen books from the unit's booking page, sees the code
//! and downloads the `.ics` file, moves and cancels; a full slot offers the next free ones; the look-up by code;
//! an officer books a walk-in and runs the day list (check-in), and an officer of another unit is refused.

use binhyen_core::Clock;
use binhyen_domain::time_vn::{iso, parse_iso, VIETNAM};
use icalendar::Component;
use serde_json::json;
use time::PrimitiveDateTime;

use crate::support::*;

const BOOK: &str = "/units/ca-xa-cu-mgar-2025/appointments";
const CITIZEN_HANH: &str = "0399000002";

/// Every value of `name="<field>" value="…"` in a page, in order (radio buttons not disabled).
fn values(html: &str, field: &str) -> Vec<String> {
    let marker = format!("name=\"{field}\" value=\"");
    html.match_indices(&marker)
        .filter(|(i, _)| !html[*i..].split('>').next().unwrap_or_default().contains("disabled"))
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].replace("&#43;", "+").replace("&#x2b;", "+")
        })
        .collect()
}

/// The first of `slots` that starts three hours or more after the test world's now: beyond the cut-off (two
/// hours in the demo), so that it can still be moved and cancelled online, whatever hour the world starts at.
fn beyond_cutoff(app: &TestApp, slots: &[String]) -> String {
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    let earliest = app.clock.now() + time::Duration::hours(3);
    slots
        .iter()
        .find(|s| time::OffsetDateTime::parse(s, rfc3339).unwrap() >= earliest)
        .unwrap_or_else(|| panic!("no slot two hours ahead among {slots:?}"))
        .clone()
}

fn code_in(html: &str) -> String {
    let marker = "id=\"code\">";
    let start = html.find(marker).expect("a code on the page") + marker.len();
    html[start..start + 19].to_owned()
}

#[tokio::test]
async fn a_citizen_books_moves_and_cancels_on_the_site() {
    let app = TestApp::spawn().await;
    let (status, html) = app.page(BOOK).await;
    assert_eq!(status, 200);
    assert!(html.contains("Cấp lại thẻ căn cước"), "{html}");
    assert!(html.contains("Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00"), "opening hours in words: {html}");
    assert!(html.contains("id=\"sign-in-to-book\""), "not signed in: the slots, and a link to sign in");

    app.sign_in_browser(CITIZEN_HANH).await;
    let (_, html) = app.page(BOOK).await;
    let service = values(&html, "service_id")[0].clone();
    let slots = values(&html, "starts_at");
    assert!(slots.len() >= 2, "{html}");
    let csrf = app.csrf(BOOK).await;
    let slot = beyond_cutoff(&app, &slots);
    let (status, location, body) =
        app.form(BOOK, &[("csrf", &csrf), ("service_id", &service), ("starts_at", &slot)]).await;
    assert_eq!(status, 303, "{body}");
    let location = location.unwrap();
    assert!(location.starts_with("/my/appointments/") && location.ends_with("?booked=1"), "{location}");
    let mine = location.trim_end_matches("?booked=1").to_owned();
    let (status, html) = app.page(&location).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"notice\">Đã đặt lịch hẹn."), "{html}");
    let code = code_in(&html);

    // The calendar file.
    let res = app.browser.get(app.at(&format!("{mine}/ics"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let calendar: icalendar::Calendar = res.text().await.unwrap().parse().unwrap();
    let event = calendar.events().next().unwrap().clone();
    assert!(event.get_summary().unwrap().starts_with("Cấp lại thẻ căn cước"));
    assert!(!event.get_description().unwrap().contains(&code), "never the code in a calendar");

    // Moved to another slot shown on its page; then cancelled.
    let moves = values(&html, "starts_at");
    assert!(!moves.is_empty(), "slots to move to: {html}");
    let csrf = app.csrf(&mine).await;
    let to = beyond_cutoff(&app, &moves);
    let (status, location, _) = app.form(&format!("{mine}/move"), &[("csrf", &csrf), ("starts_at", &to)]).await;
    assert_eq!((status, location.as_deref()), (303, Some(format!("{mine}?moved=1").as_str())));
    let (_, html) = app.page(&format!("{mine}?moved=1")).await;
    assert!(html.contains("Mã xác nhận giữ nguyên") && code_in(&html) == code);
    let (_, list) = app.page("/my/appointments").await;
    assert!(list.contains(&code), "{list}");
    let (status, location, _) = app.form(&format!("{mine}/cancel"), &[("csrf", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (303, Some(format!("{mine}?cancelled=1").as_str())));
    let (_, html) = app.page(&format!("{mine}?cancelled=1")).await;
    assert!(html.contains("id=\"state\">Đã huỷ"), "{html}");

    // The look-up by code (no account needed), and a wrong code.
    let lookup = "/appointments/lookup";
    let csrf = app.csrf(lookup).await;
    let (status, _, html) = app.form(lookup, &[("csrf", &csrf), ("code", &code.to_lowercase())]).await;
    assert_eq!(status, 200);
    assert!(html.contains("Cấp lại thẻ căn cước") && html.contains("id=\"state\">Đã huỷ"));
    let (status, _, html) = app.form(lookup, &[("csrf", &csrf), ("code", "0000-0000-0000-0000")]).await;
    assert_eq!(status, 404);
    assert!(html.contains("kiểm tra lại mã xác nhận"), "{html}");
    let (status, _, _) = app.form(lookup, &[("code", &code)]).await;
    assert_eq!(status, 403, "no CSRF token, no answer");
}

#[tokio::test]
async fn a_full_slot_offers_the_next_free_ones_on_the_site() {
    let app = TestApp::spawn().await;
    app.sign_in_browser(CITIZEN_HANH).await;
    let (_, html) = app.page(BOOK).await;
    let (service, slot) = (values(&html, "service_id")[0].clone(), values(&html, "starts_at")[0].clone());
    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    for i in 0..3 {
        let body = json!({"service_id": service.parse::<i64>().unwrap(), "starts_at": slot,
            "walk_in": {"name": format!("Người {i}"), "phone": format!("091200000{i}")}});
        assert_eq!(app.post_json("/api/v1/appointments", &body, Some(&officer)).await.0, 201);
    }
    let csrf = app.csrf(BOOK).await;
    let (status, _, html) = app.form(BOOK, &[("csrf", &csrf), ("service_id", &service), ("starts_at", &slot)]).await;
    assert_eq!(status, 409);
    assert!(html.contains("Khung giờ này đã đủ người"), "{html}");
    assert!(html.contains("id=\"next-free\""));
    let (status, _, html) =
        app.form(BOOK, &[("csrf", &csrf), ("service_id", &service), ("starts_at", "hôm qua")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("Không có khung giờ này"), "{html}");
}

#[tokio::test]
async fn officers_book_walk_ins_and_run_the_day_list_on_the_site() {
    let app = TestApp::spawn().await;
    let hdao = app.token(CITIZEN_HDAO).await;
    let (_, mine) = app.get_json("/api/v1/me/appointments", Some(&hdao)).await;
    let day = parse_iso(mine["appointments"][0]["day"].as_str().unwrap()).unwrap();
    let hers = mine["appointments"][0]["id"].as_i64().unwrap();

    app.sign_in_browser(CU_MGAR_DUTY_OFFICER).await;
    let path = format!("{BOOK}?day={}", iso(day));
    let (_, html) = app.page(&path).await;
    assert!(html.contains("id=\"walk-in-name\""), "officers book for someone: {html}");
    let service = values(&html, "service_id")[0].clone();
    let slot = values(&html, "starts_at").into_iter().find(|s| s.contains("T09:30")).unwrap();
    let csrf = app.csrf(&path).await;
    let (status, _, html) = app
        .form(
            BOOK,
            &[
                ("csrf", &csrf),
                ("service_id", &service),
                ("starts_at", &slot),
                ("name", "Y Khuê Niê"),
                ("phone", "0912 345 678"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"notice\">Đã đặt lịch hẹn.") && code_in(&html).len() == 19, "the code to give: {html}");

    let day_list = format!("{BOOK}/day?day={}", iso(day));
    let (status, html) = app.page(&day_list).await;
    assert_eq!(status, 200);
    assert!(html.contains("H&#x27;Đào Niê") || html.contains("H&#39;Đào Niê"), "{html}");
    assert!(html.contains("Y Khuê Niê") && html.contains("0912 345 678") && html.contains("0399 000 001"));
    assert!(!html.contains(&format!("id=\"check-in-{hers}\"")), "not the day yet");

    // On the day: check her in from the list.
    let target = PrimitiveDateTime::new(day, time::macros::time!(07:45)).assume_offset(VIETNAM);
    app.clock.advance(target - app.clock.now());
    app.sign_in_browser(CU_MGAR_DUTY_OFFICER).await;
    let (_, html) = app.page(&day_list).await;
    assert!(html.contains(&format!("id=\"check-in-{hers}\"")), "{html}");
    let csrf = app.csrf(&day_list).await;
    let (status, location, _) = app.form(&format!("/appointments/{hers}/check-in"), &[("csrf", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (303, Some(day_list.as_str())));
    let (_, html) = app.page(&day_list).await;
    assert!(html.contains("class=\"state\">Đã đến"), "{html}");

    // Another unit's officer sees none of it.
    let other = TestApp::spawn().await;
    other.sign_in_browser(TAN_LOI_OFFICER).await;
    assert_eq!(other.page(&format!("{BOOK}/day")).await.0, 403);
}
