//! Running a unit's appointments on the site, without JavaScript: a commander adds a service, sets its weekly
//! hours, closes a day and opens it again through the forms, and the API's free slots follow; bad input shows
//! the page again with the reason in Vietnamese; citizens and officers of another unit are refused.

use binhyen_domain::time_vn::iso;
use serde_json::Value;
use time::{Date, Duration, Weekday};

use crate::support::*;

const CODE: &str = "ca-xa-cu-mgar-2025";
const MANAGE: &str = "/units/ca-xa-cu-mgar-2025/appointments/manage";

/// The unit's closures to come (the demo closes the next public holiday).
async fn closures(app: &TestApp) -> Vec<Value> {
    let (status, list) = app.get_json(&format!("/api/v1/units/{CODE}/closures"), None).await;
    assert_eq!(status, 200, "{list}");
    list.as_array().unwrap().clone()
}

/// A Monday more than a week ahead (after the demo's booking on the next working day) whose Tuesday too is
/// open (not the demo's holiday).
async fn next_monday(app: &TestApp) -> Date {
    let closed: Vec<String> = closures(app).await.iter().map(|c| c["day"].as_str().unwrap().to_owned()).collect();
    let mut day = app.core.today() + Duration::days(8);
    while day.weekday() != Weekday::Monday
        || closed.contains(&iso(day))
        || closed.contains(&iso(day + Duration::days(1)))
    {
        day += Duration::days(1);
    }
    day
}

/// A browser of its own (a cookie jar, no redirects followed).
fn fresh_browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn service_named(app: &TestApp, name: &str) -> Value {
    let (status, all) = app.get_json(&format!("/api/v1/units/{CODE}/services"), None).await;
    assert_eq!(status, 200, "{all}");
    all.as_array().unwrap().iter().find(|s| s["name"] == name).cloned().unwrap_or(Value::Null)
}

/// The starts ("07:30") of a service's free slots on a day, and why the unit is closed then.
async fn slots(app: &TestApp, service: i64, day: Date) -> (Vec<String>, Option<String>) {
    let (status, body) = app.get_json(&format!("/api/v1/services/{service}/slots?day={}", iso(day)), None).await;
    assert_eq!(status, 200, "{body}");
    let starts =
        body["slots"].as_array().unwrap().iter().map(|s| s["starts_at"].as_str().unwrap()[11..16].to_owned()).collect();
    (starts, body["closed"].as_str().map(str::to_owned))
}

fn week(d1: &'static str, d2: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![("d1", d1), ("d2", d2), ("d3", ""), ("d4", ""), ("d5", ""), ("d6", ""), ("d7", "")]
}

async fn set_hours(app: &TestApp, csrf: &str, service: i64, days: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let mut fields = vec![("csrf", csrf)];
    fields.extend_from_slice(days);
    app.form(&format!("{MANAGE}/services/{service}/hours"), &fields).await
}

#[tokio::test]
async fn a_commander_runs_services_hours_and_closures_from_the_site() {
    let app = TestApp::spawn().await;
    app.sign_in_browser(CU_MGAR_COMMANDER).await;
    let (_, html) = app.page(&format!("/units/{CODE}/manage")).await;
    assert!(html.contains(&format!("href=\"{MANAGE}\" id=\"appointments-manage-link\"")), "{html}");
    let (_, html) = app.page(&format!("/units/{CODE}/appointments/day")).await;
    assert!(html.contains("id=\"appointments-manage-link\""), "linked from the day list: {html}");
    let (status, html) = app.page(MANAGE).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<h1>Quản lý lịch hẹn</h1>"), "{html}");
    assert!(html.contains("Cấp lại thẻ căn cước"), "the demo's service: {html}");
    assert!(html.contains("value=\"07:30-11:30, 13:30-17:00\""), "its Monday hours in the form: {html}");

    // A new service: offered, with no hours yet.
    let csrf = app.csrf(MANAGE).await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", "Đăng ký tạm trú"),
        ("description", "Mang theo căn cước và giấy tờ chỗ ở."),
        ("slot_minutes", "20"),
        ("capacity", "2"),
        ("cutoff_minutes", "30"),
    ];
    let (status, location, body) = app.form(&format!("{MANAGE}/services"), &fields).await;
    assert_eq!((status, location.as_deref()), (303, Some(format!("{MANAGE}?done=service").as_str())), "{body}");
    let (_, html) = app.page(&format!("{MANAGE}?done=service")).await;
    assert!(html.contains("id=\"done\">Đã lưu."), "{html}");
    let service = service_named(&app, "Đăng ký tạm trú").await;
    assert_eq!((service["slot_minutes"].as_i64(), service["capacity"].as_i64()), (Some(20), Some(2)), "{service}");
    assert_eq!(service["active"], true);
    let id = service["id"].as_i64().unwrap();
    assert!(html.contains(&format!("id=\"no-hours-{id}\"")), "no hours yet: {html}");
    let monday = next_monday(&app).await;
    assert!(slots(&app, id, monday).await.0.is_empty());

    // Its hours: Monday morning and afternoon (a hyphen or a dash), Tuesday morning; closed the other days.
    let (status, location, body) =
        set_hours(&app, &csrf, id, &week("07:30-11:30, 13:30–17:00", " 08:00 - 10:00 ")).await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location.as_deref(), Some(format!("{MANAGE}?done=hours#service-{id}").as_str()));
    let (starts, closed) = slots(&app, id, monday).await;
    assert_eq!(closed, None);
    assert_eq!(starts.len(), 12 + 10, "20-minute slots 07:30–11:10 and 13:30–16:30: {starts:?}");
    assert_eq!((starts[0].as_str(), starts[11].as_str(), starts[12].as_str()), ("07:30", "11:10", "13:30"));
    assert_eq!(starts.last().map(String::as_str), Some("16:30"));
    let (starts, _) = slots(&app, id, monday + Duration::days(1)).await;
    assert_eq!(starts, ["08:00", "08:20", "08:40", "09:00", "09:20", "09:40"]);
    assert!(slots(&app, id, monday + Duration::days(2)).await.0.is_empty(), "closed on Wednesdays");
    let (_, html) = app.page(MANAGE).await;
    assert!(html.contains("<td>07:30–11:30, 13:30–17:00</td>"), "{html}");
    assert!(html.contains("value=\"08:00-10:00\""), "{html}");

    // The service edited: longer slots, one person each, no longer offered.
    let edit = [
        ("csrf", csrf.as_str()),
        ("name", "Đăng ký tạm trú"),
        ("description", ""),
        ("slot_minutes", "30"),
        ("capacity", "1"),
        ("cutoff_minutes", "60"),
    ];
    let (status, location, body) = app.form(&format!("{MANAGE}/services/{id}"), &edit).await;
    assert_eq!((status, location.as_deref()), (303, Some(format!("{MANAGE}?done=service").as_str())), "{body}");
    let service = service_named(&app, "Đăng ký tạm trú").await;
    assert_eq!((service["slot_minutes"].as_i64(), service["active"].as_bool()), (Some(30), Some(false)), "{service}");
    assert_eq!(service["description"], Value::Null);
    let (_, html) = app.page(MANAGE).await;
    assert!(html.contains(&format!("id=\"inactive-{id}\"")), "{html}");
    let mut edit = edit.to_vec();
    edit.push(("active", "1"));
    assert_eq!(app.form(&format!("{MANAGE}/services/{id}"), &edit).await.0, 303);
    assert_eq!(slots(&app, id, monday + Duration::days(1)).await.0, ["08:00", "08:30", "09:00", "09:30"]);

    // Monday closed: no slots that day; then opened again.
    let day = iso(monday);
    let closure = [("csrf", csrf.as_str()), ("day", day.as_str()), ("reason", "Họp giao ban toàn tỉnh")];
    let (status, location, body) = app.form(&format!("{MANAGE}/closures"), &closure).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(format!("{MANAGE}?done=closure&bookings=0").as_str())),
        "{body}"
    );
    let (starts, closed) = slots(&app, id, monday).await;
    assert!(starts.is_empty());
    assert_eq!(closed.as_deref(), Some("Họp giao ban toàn tỉnh"));
    let closure_id = closures(&app).await.iter().find(|c| c["day"] == day.as_str()).unwrap()["id"].as_i64().unwrap();
    let (_, html) = app.page(MANAGE).await;
    assert!(html.contains(&format!("id=\"closure-{closure_id}\">Thứ Hai ")), "{html}");
    assert!(html.contains("Họp giao ban toàn tỉnh"));
    let (status, location, body) =
        app.form(&format!("{MANAGE}/closures/{closure_id}/remove"), &[("csrf", csrf.as_str())]).await;
    assert_eq!((status, location.as_deref()), (303, Some(format!("{MANAGE}?done=reopened").as_str())), "{body}");
    let (starts, closed) = slots(&app, id, monday).await;
    assert_eq!((starts.len(), closed), (8 + 7, None), "30-minute slots again: {starts:?}");
    let (_, html) = app.page(MANAGE).await;
    assert!(!html.contains(&format!("id=\"closure-{closure_id}\"")), "{html}");

    // A closure on a day with a booking says how many people to call.
    let citizen = app.token(CITIZEN_HDAO).await;
    let starts_at = format!("{}T08:00:00+07:00", iso(monday + Duration::days(1)));
    let body = serde_json::json!({"service_id": id, "starts_at": starts_at});
    let (status, booking) = app.post_json("/api/v1/appointments", &body, Some(&citizen)).await;
    assert_eq!(status, 201, "{booking}");
    let day = iso(monday + Duration::days(1));
    let closure = [("csrf", csrf.as_str()), ("day", day.as_str()), ("reason", "Mất điện")];
    let (status, location, _) = app.form(&format!("{MANAGE}/closures"), &closure).await;
    assert_eq!((status, location.as_deref()), (303, Some(format!("{MANAGE}?done=closure&bookings=1").as_str())));
    let (_, html) = app.page(&format!("{MANAGE}?done=closure&bookings=1")).await;
    assert!(html.contains("hãy gọi báo cho người đã đặt. Số lịch hẹn: 1."), "{html}");
    app.stop().await;
}

#[tokio::test]
async fn bad_input_shows_the_page_again_with_the_reason() {
    let app = TestApp::spawn().await;
    app.sign_in_browser(CU_MGAR_COMMANDER).await;
    let csrf = app.csrf(MANAGE).await;
    let service = service_named(&app, "Cấp lại thẻ căn cước").await;
    let id = service["id"].as_i64().unwrap();
    let hours_before = service["hours"].clone();
    let closures_before = closures(&app).await;

    for (days, reason, kept) in [
        (
            week("07:30 11:30", ""),
            "Khoảng giờ phải có dạng 07:30-11:30, nhiều khoảng cách nhau bằng dấu phẩy (Thứ Hai: «07:30 11:30»)",
            "07:30 11:30",
        ),
        (week("07:30-11:30", "7h30-11h30"), "(Thứ Ba: «7h30-11h30»)", "7h30-11h30"),
        (week("07:30-25:00", ""), "(Thứ Hai: «07:30-25:00»)", "07:30-25:00"),
        (week("", "11:30-07:30"), "Giờ bắt đầu phải trước giờ kết thúc. (Giờ tiếp dân, Thứ Ba)", "11:30-07:30"),
        (
            week("07:30-11:30, 11:00-12:00", ""),
            "Các khoảng giờ trong một ngày bị chồng lên nhau. (Giờ tiếp dân, Thứ Hai)",
            "07:30-11:30, 11:00-12:00",
        ),
        (week("07:30-07:40", ""), "Khoảng giờ ngắn hơn một khung giờ hẹn. (Giờ tiếp dân, Thứ Hai)", "07:30-07:40"),
    ] {
        let (status, location, html) = set_hours(&app, &csrf, id, &days).await;
        assert_eq!((status, location), (422, None), "{days:?}: {html}");
        assert!(html.contains("id=\"form-error\""), "{html}");
        assert!(html.contains(reason), "{days:?}: {reason}: {html}");
        assert!(html.contains(&format!("value=\"{kept}\"")), "what was typed stays: {html}");
    }
    assert_eq!(service_named(&app, "Cấp lại thẻ căn cước").await["hours"], hours_before, "nothing changed");

    // A service with slots of no length, or no name.
    let fields = |slot: &'static str, name: &'static str| {
        vec![("name", name), ("description", ""), ("slot_minutes", slot), ("capacity", "1"), ("cutoff_minutes", "0")]
    };
    for (fields, reason) in [
        (fields("0", "Xác nhận cư trú"), "Giá trị nằm ngoài khoảng cho phép. (Thời lượng mỗi lượt (phút))"),
        (fields("", "Xác nhận cư trú"), "Vui lòng điền thông tin này. (Thời lượng mỗi lượt (phút))"),
        (fields("ba mươi", "Xác nhận cư trú"), "Giá trị không đúng kiểu. (Thời lượng mỗi lượt (phút))"),
        (fields("30", "  "), "Vui lòng điền thông tin này. (Tên thủ tục)"),
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields);
        let (status, _, html) = app.form(&format!("{MANAGE}/services"), &form).await;
        assert_eq!(status, 422, "{html}");
        assert!(html.contains(reason), "{reason}: {html}");
    }
    let (_, _, html) = app.form(&format!("{MANAGE}/services"), &[("csrf", csrf.as_str())]).await;
    assert!(html.contains("Vui lòng điền thông tin này."), "{html}");
    assert_eq!(service_named(&app, "Xác nhận cư trú").await, Value::Null, "no service was added");
    // Editing to a slot longer than the hours allow, and to a name taken.
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(fields("240", "Cấp lại thẻ căn cước"));
    let (status, _, html) = app.form(&format!("{MANAGE}/services/{id}"), &form).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Khoảng giờ ngắn hơn một khung giờ hẹn."), "{html}");
    assert!(html.contains("value=\"240\""), "the edit form keeps what was typed: {html}");
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(fields("30", "Cấp lại thẻ căn cước"));
    assert_eq!(app.form(&format!("{MANAGE}/services"), &form).await.0, 409, "one name per unit");
    // Another unit's service, or none, is not found from this page.
    let (status, _, html) = app.form(&format!("{MANAGE}/services/999999/hours"), &[("csrf", csrf.as_str())]).await;
    assert_eq!(status, 404);
    assert!(html.contains("Không tìm thấy thủ tục này."), "{html}");

    // Closures: a past day, not a day, no reason.
    let yesterday = iso(app.core.today() - Duration::days(1));
    let tomorrow = iso(app.core.today() + Duration::days(1));
    for (day, reason, why) in [
        (yesterday.as_str(), "Nghỉ bù", "Thời điểm này đã qua. (Ngày)"),
        ("01/12/2026", "Nghỉ bù", "Ngày không hợp lệ (định dạng YYYY-MM-DD). (Ngày)"),
        ("", "Nghỉ bù", "Vui lòng điền thông tin này. (Ngày)"),
        (tomorrow.as_str(), " ", "Vui lòng điền thông tin này. (Lý do)"),
    ] {
        let (status, _, html) =
            app.form(&format!("{MANAGE}/closures"), &[("csrf", csrf.as_str()), ("day", day), ("reason", reason)]).await;
        assert_eq!(status, 422, "{day}: {html}");
        assert!(html.contains(why), "{day}: {why}: {html}");
    }
    assert_eq!(closures(&app).await, closures_before, "no closure was added");
    let (status, _, html) = app.form(&format!("{MANAGE}/closures/999999/remove"), &[("csrf", csrf.as_str())]).await;
    assert_eq!(status, 404);
    assert!(html.contains("Không tìm thấy ngày nghỉ này."), "{html}");
    // No CSRF token, no change.
    let (status, _, _) =
        app.form(&format!("{MANAGE}/closures"), &[("day", tomorrow.as_str()), ("reason", "Nghỉ")]).await;
    assert_eq!(status, 403);
    app.stop().await;
}

#[tokio::test]
async fn citizens_and_other_officers_are_refused() {
    let mut app = TestApp::spawn().await;
    let closures_before = closures(&app).await;
    let (status, html) = app.page(MANAGE).await;
    assert_eq!(status, 403);
    assert!(html.contains("Vui lòng đăng nhập."), "{html}");
    let service = service_named(&app, "Cấp lại thẻ căn cước").await["id"].as_i64().unwrap();
    let tomorrow = iso(app.core.today() + Duration::days(1));

    for phone in [CITIZEN_HDAO, TAN_LOI_OFFICER, CU_MGAR_DUTY_OFFICER] {
        app.browser = fresh_browser();
        app.sign_in_browser(phone).await;
        let (status, html) = app.page(MANAGE).await;
        assert_eq!(status, 403, "{phone}: {html}");
        let csrf = app.csrf("/account").await;
        let posts: [(String, Vec<(&str, &str)>); 4] = [
            (
                format!("{MANAGE}/services"),
                vec![("name", "Thủ tục lạ"), ("slot_minutes", "30"), ("capacity", "1"), ("cutoff_minutes", "0")],
            ),
            (
                format!("{MANAGE}/services/{service}"),
                vec![("name", "Đổi tên"), ("slot_minutes", "30"), ("capacity", "1"), ("cutoff_minutes", "0")],
            ),
            (format!("{MANAGE}/services/{service}/hours"), week("", "")),
            (format!("{MANAGE}/closures"), vec![("day", tomorrow.as_str()), ("reason", "Nghỉ")]),
        ];
        for (path, fields) in posts {
            let mut form = vec![("csrf", csrf.as_str())];
            form.extend(fields);
            let (status, _, html) = app.form(&path, &form).await;
            assert_eq!(status, 403, "{phone} {path}: {html}");
        }
    }
    assert!(service_named(&app, "Thủ tục lạ").await.is_null());
    assert!(!service_named(&app, "Cấp lại thẻ căn cước").await["hours"].as_array().unwrap().is_empty());
    assert_eq!(closures(&app).await, closures_before);
    app.stop().await;
}
