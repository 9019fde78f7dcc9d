//! Public alerts end to end: issued by a commune's police to its commune, at the top of the feed of everyone
//! living there (homes recorded under the pre-2025 commune included) at once, delivered to the page's
//! followers there as notifications through the job queue, cancelled; CAP 1.2 documents read back by oasiscap
//! and the CAP Atom feed by feed-rs; each kind of bad input and who may issue.

use std::time::Duration;

use binhyen_core::Clock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::*;

const PAGE: &str = "/api/v1/pages/ca-xa-cu-mgar-2025";
/// Nguyễn Thị Hạnh, thôn 8 of the former xã Ea KPam (inside Cư M'gar today); follows no page.
const CITIZEN_HANH: &str = "0399000002";
/// Lê Quốc Bảo, phường Tân Lợi: outside Cư M'gar.
const CITIZEN_BAO: &str = "0399000003";

/// The area a unit answers for (its first).
async fn area_of(app: &TestApp, unit_code: &str) -> i64 {
    let unit = app.core.units().unit_by_code(unit_code).await.unwrap();
    app.store.unit_jurisdiction(unit.id).await.unwrap()[0].id
}

async fn home_of(app: &TestApp, phone: &str) -> i64 {
    app.core.accounts().account_by_phone(phone).await.unwrap().home_area_id.unwrap()
}

fn in_hours(app: &TestApp, hours: i64) -> String {
    (app.clock.now() + time::Duration::hours(hours)).format(&time::format_description::well_known::Rfc3339).unwrap()
}

fn alert_body(app: &TestApp, area_id: i64) -> Value {
    json!({
        "area_id": area_id, "category": "Security", "event": "Lừa đảo qua điện thoại",
        "severity": "Severe", "urgency": "Immediate", "certainty": "Observed",
        "headline": "Cảnh báo giả danh công an gọi điện yêu cầu chuyển tiền",
        "description": "Đối tượng xưng là công an, đọc đúng số CCCD & yêu cầu chuyển tiền để \"xác minh\" <ngay>.",
        "instruction": "Không chuyển tiền; gọi 0262 3852 417 hoặc báo qua binhyen.",
        "expires_at": in_hours(app, 24),
    })
}

fn alert_ids(feed: &Value) -> Vec<i64> {
    feed["alerts"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

/// The notifications of kind `public_alert` an account has, after letting the job worker run.
async fn alert_notifications(app: &TestApp, token: &str, expect: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        app.core.jobs().run_due_jobs().await.unwrap();
        let (_, body) = app.get_json("/api/v1/me/notifications", Some(token)).await;
        let found: Vec<Value> =
            body["notifications"].as_array().unwrap().iter().filter(|n| n["kind"] == "public_alert").cloned().collect();
        if found.len() >= expect || tokio::time::Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_alert_tops_the_feeds_of_people_inside_and_reaches_followers_there() {
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (hdao, hanh, bao) =
        (app.token(CITIZEN_HDAO).await, app.token(CITIZEN_HANH).await, app.token(CITIZEN_BAO).await);
    for token in [&hdao, &bao] {
        let (status, _) = app.send_json(Method::PUT, &format!("{PAGE}/follow"), &json!({}), Some(token)).await;
        assert_eq!(status, 200);
    }
    let commune = area_of(&app, "ca-xa-cu-mgar-2025").await;
    let (status, alert) = app.post_json(&format!("{PAGE}/alerts"), &alert_body(&app, commune), Some(&commander)).await;
    assert_eq!(status, 201, "{alert}");
    let id = alert["id"].as_i64().unwrap();
    assert_eq!((&alert["severity"], &alert["in_force"]), (&json!("Severe"), &json!(true)));
    assert!(alert["cap_url"].as_str().unwrap().ends_with(&format!("/api/v1/alerts/{id}/cap")));

    // At once: read at query time, before any job ran. H'Đào's and Hạnh's homes are villages of the former
    // Ea KPam, which went into Cư M'gar; Hạnh follows nothing and still sees it. Bảo lives elsewhere.
    for (token, expected) in [(&hdao, vec![id]), (&hanh, vec![id]), (&bao, vec![])] {
        let (status, feed) = app.get_json("/api/v1/me/feed", Some(token)).await;
        assert_eq!((status, alert_ids(&feed)), (200, expected), "{feed}");
    }
    let (_, page_feed) = app.get_json(&format!("{PAGE}/posts"), None).await;
    assert_eq!(alert_ids(&page_feed), [id], "on the page's own feed too");

    // Delivered to followers inside the area only.
    let told = alert_notifications(&app, &hdao, 1).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0]["title"].as_str().unwrap().contains("Cảnh báo giả danh công an"), "{}", told[0]);
    assert!(told[0]["link"].as_str().unwrap().ends_with(&format!("/alerts/{id}")));
    assert!(alert_notifications(&app, &bao, 0).await.is_empty(), "a follower outside the area");
    assert!(alert_notifications(&app, &hanh, 0).await.is_empty(), "not a follower");
    let jobs = app.store.jobs(None, 200).await.unwrap();
    let kinds: Vec<&str> = jobs
        .iter()
        .filter(|j| j.kind.as_str().contains("alert") || j.kind.as_str().contains("followers"))
        .map(|j| j.kind.as_str())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "notify_followers").count(), 1, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "alert_fanout").count(), 1, "{kinds:?}");

    // Listed publicly, and by area.
    let (_, all) = app.get_json("/api/v1/alerts", None).await;
    assert_eq!(all.as_array().unwrap()[0]["id"], id);
    let (_, here) = app.get_json(&format!("/api/v1/alerts?area_id={}", home_of(&app, CITIZEN_HDAO).await), None).await;
    assert_eq!(here.as_array().unwrap().len(), 1);
    let (_, there) = app.get_json(&format!("/api/v1/alerts?area_id={}", home_of(&app, CITIZEN_BAO).await), None).await;
    assert!(there.as_array().unwrap().is_empty());

    // Cancelled: gone from feeds at once; once only.
    let (status, cancelled) = app.post_json(&format!("/api/v1/alerts/{id}/cancel"), &json!({}), Some(&commander)).await;
    assert_eq!((status, &cancelled["in_force"]), (200, &json!(false)), "{cancelled}");
    let (_, feed) = app.get_json("/api/v1/me/feed", Some(&hdao)).await;
    assert!(alert_ids(&feed).is_empty());
    let (status, body) = app.post_json(&format!("/api/v1/alerts/{id}/cancel"), &json!({}), Some(&commander)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("alert_not_in_force")));
    let (_, history) = app.get_json(&format!("{PAGE}/alerts"), None).await;
    assert!(history.as_array().unwrap()[0]["cancelled_at"].is_string(), "{history}");

    // An expired alert leaves feeds by itself.
    let (_, again) = app.post_json(&format!("{PAGE}/alerts"), &alert_body(&app, commune), Some(&commander)).await;
    app.clock.advance(time::Duration::hours(25));
    let (_, feed) = app.get_json("/api/v1/me/feed", Some(&hdao)).await;
    assert!(alert_ids(&feed).is_empty(), "{again}");
}

#[tokio::test]
async fn cap_documents_and_the_cap_feed_read_back_with_independent_parsers() {
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let body = alert_body(&app, area_of(&app, "ca-xa-cu-mgar-2025").await);
    let (_, alert) = app.post_json(&format!("{PAGE}/alerts"), &body, Some(&commander)).await;
    let id = alert["id"].as_i64().unwrap();

    let response = app.api.get(app.at(&format!("/api/v1/alerts/{id}/cap"))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/cap+xml"));
    let xml = response.text().await.unwrap();
    let parsed: oasiscap::Alert = xml.parse().unwrap_or_else(|e| panic!("{e}: {xml}"));
    let oasiscap::Alert::V1dot2(cap) = parsed else { panic!("not CAP 1.2: {xml}") };
    assert!(cap.identifier.to_string().ends_with(&format!("alert.{id}")), "{xml}");
    assert_eq!(cap.sender.to_string(), "ca-xa-cu-mgar-2025@127.0.0.1");
    assert_eq!(format!("{:?}", cap.status), "Actual");
    assert_eq!(format!("{:?}", cap.message_type), "Alert");
    assert_eq!(format!("{:?}", cap.scope), "Public");
    let info = &cap.info[0];
    assert_eq!(info.event, "Lừa đảo qua điện thoại");
    assert_eq!(format!("{:?}", info.urgency), "Immediate");
    assert_eq!(format!("{:?}", info.severity), "Severe");
    assert_eq!(format!("{:?}", info.certainty), "Observed");
    assert_eq!(format!("{:?}", info.categories), "[Security]");
    assert_eq!(info.headline.as_deref(), body["headline"].as_str());
    assert_eq!(info.description.as_deref(), body["description"].as_str(), "escaped and read back exactly");
    let area = &info.areas[0];
    assert!(area.description.contains("Cư M'gar"), "{}", area.description);
    assert_eq!(area.geocode.len(), 1, "the commune's official code");

    // The feed lists the alert in force and points at its CAP document.
    let atom = app.api.get(app.at("/api/v1/alerts.atom")).send().await.unwrap().bytes().await.unwrap();
    let feed = feed_rs::parser::parse(&atom[..]).unwrap();
    assert_eq!(feed.entries.len(), 1);
    let entry = &feed.entries[0];
    assert_eq!(entry.title.as_ref().unwrap().content, body["headline"].as_str().unwrap());
    let cap_link = entry.links.iter().find(|l| l.media_type.as_deref() == Some("application/cap+xml")).unwrap();
    assert_eq!(cap_link.href, alert["cap_url"].as_str().unwrap());

    // Cancelled: its document becomes a Cancel message referring to the original; the feed empties.
    app.post_json(&format!("/api/v1/alerts/{id}/cancel"), &json!({}), Some(&commander)).await;
    let xml = app.api.get(app.at(&format!("/api/v1/alerts/{id}/cap"))).send().await.unwrap().text().await.unwrap();
    let oasiscap::Alert::V1dot2(cancel) = xml.parse::<oasiscap::Alert>().unwrap() else { panic!("{xml}") };
    assert_eq!(format!("{:?}", cancel.message_type), "Cancel");
    let references = cancel.references.as_ref().map(|r| r.to_string()).unwrap_or_default();
    assert!(references.contains(&cap.identifier.to_string()), "{xml}");
    let atom = app.api.get(app.at("/api/v1/alerts.atom")).send().await.unwrap().bytes().await.unwrap();
    assert!(feed_rs::parser::parse(&atom[..]).unwrap().entries.is_empty());
}

#[tokio::test]
async fn alerts_refuse_bad_input_and_people_who_may_not_issue_them() {
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let commune = area_of(&app, "ca-xa-cu-mgar-2025").await;
    let issue = |token: String, body: Value| {
        let app = &app;
        async move { app.post_json(&format!("{PAGE}/alerts"), &body, Some(&token)).await }
    };
    let with = |field: &str, value: Value| {
        let mut body = alert_body(&app, commune);
        body[field] = value;
        body
    };
    let cases = [
        (with("area_id", json!(99_999_999)), 404, "area_not_found", "area_id"),
        (with("area_id", json!(home_of(&app, CITIZEN_BAO).await)), 422, "outside_jurisdiction", "area_id"),
        (with("expires_at", json!(in_hours(&app, -1))), 422, "in_past", "expires_at"),
        (with("expires_at", json!(in_hours(&app, 24 * 31))), 422, "too_far", "expires_at"),
        (with("expires_at", json!("29/11/2026")), 422, "invalid_time", "expires_at"),
        (with("headline", json!("   ")), 422, "required", "headline"),
        (with("description", json!("x".repeat(4001))), 422, "too_long", "description"),
    ];
    for (body, status, code, field) in cases {
        let (got, error) = issue(commander.clone(), body).await;
        assert_eq!(
            (got, error["error"]["code"].as_str(), error["error"]["field"].as_str()),
            (status, Some(code), Some(field)),
            "{error}"
        );
    }
    let (status, body) = issue(commander.clone(), with("severity", json!("Catastrophic"))).await;
    assert_eq!(status, 422, "{body}");
    // Who: a plain officer of the unit, another commune's officer, a citizen: 403. The province may.
    for phone in [CU_MGAR_DUTY_OFFICER, TAN_LOI_OFFICER, CITIZEN_HDAO] {
        let (status, body) = issue(app.token(phone).await, alert_body(&app, commune)).await;
        assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")), "{phone}");
    }
    let (status, _) = app.post_json(&format!("{PAGE}/alerts"), &alert_body(&app, commune), None).await;
    assert_eq!(status, 401);
    let admin = app.token(PROVINCE_ADMIN).await;
    let (status, body) =
        app.post_json("/api/v1/pages/ca-tinh-dak-lak/alerts", &alert_body(&app, commune), Some(&admin)).await;
    assert_eq!(status, 201, "the province answers for its communes: {body}");
    let id = body["id"].as_i64().unwrap();
    let (status, body) = app.post_json(&format!("/api/v1/alerts/{id}/cancel"), &json!({}), Some(&commander)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "a commune cannot end the province's"
    );
    for path in ["/api/v1/alerts/99999999", "/api/v1/alerts/abc", "/api/v1/alerts/99999999/cap"] {
        let (status, body) = app.get_json(path, None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (404, Some("alert_not_found")), "{path}");
    }
    let (status, body) = app.get_json("/api/v1/alerts?area_id=99999999", None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("area_not_found")));
    let audit = app.store.audit_entries(0, 1_000_000).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "alert.issued").count(), 1, "refused alerts wrote nothing");
}

#[tokio::test]
async fn alerts_show_on_the_feed_page_and_their_own_page() {
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (_, alert) = app
        .post_json(
            &format!("{PAGE}/alerts"),
            &alert_body(&app, area_of(&app, "ca-xa-cu-mgar-2025").await),
            Some(&commander),
        )
        .await;
    let id = alert["id"].as_i64().unwrap();
    app.sign_in_browser(CITIZEN_HDAO).await;
    let (status, html) = app.page("/feed").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("id=\"alert-{id}\"")) && html.contains("Nghiêm trọng"), "{html}");
    assert!(!html.contains("<ngay>") && html.contains("&#60;ngay&#62;"), "escaped, never markup: {html}");
    let (status, html) = app.page(&format!("/alerts/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Cảnh báo giả danh công an") && html.contains(&format!("/api/v1/alerts/{id}/cap")), "{html}");
    let (status, html) = app.page("/alerts").await;
    assert!(status == 200 && html.contains(&format!("href=\"/alerts/{id}\"")), "{html}");
    let (status, _) = app.page("/alerts/999999").await;
    assert_eq!(status, 404);
    let (_, html) = app.page("/units/ca-xa-cu-mgar-2025").await;
    assert!(html.contains("id=\"page-alerts\""), "{html}");
}
