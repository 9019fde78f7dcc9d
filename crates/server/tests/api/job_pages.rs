//! The administrators' job queue page: a failed delivery is listed with its reason, queued again from the page
//! through its form, and the page is refused to everyone but administrators of a top-level unit.

use std::sync::Arc;
use std::time::Duration;

use binhyen_channels::fakes::HttpFake;
use binhyen_channels::{ChannelsConfig, MemoryTokenStore};
use binhyen_core::alerting::AlertSettings;
use binhyen_core::live::LiveSettings;
use binhyen_core::Policy;
use binhyen_domain::job::{JobKind, JobState};
use binhyen_store::jobs::Job;
use serde_json::json;

use crate::support::*;
use crate::tip_pages::{csrf_of, ea_kpam, Browser};

/// The app with one channel, SMS, through a gateway that refuses every message (HTTP 400, a permanent
/// failure) and a single attempt per delivery: a delivery's job is dead after its first run.
async fn app_with_a_refusing_gateway() -> (TestApp, HttpFake) {
    let sms = HttpFake::start().await;
    sms.respond_with(400, json!({"error": "invalid sender"}));
    let config: ChannelsConfig = serde_json::from_value(json!({
        "sms": {"url": format!("{}/v1/messages", sms.url()), "token": "sms-token"},
    }))
    .unwrap();
    let alerts = AlertSettings {
        channels: Arc::new(config.build(Arc::new(MemoryTokenStore::new())).unwrap()),
        delivery_attempts: 1,
        ..test_alerts()
    };
    (TestApp::spawn_alerting(Policy::default(), alerts, LiveSettings::default()).await, sms)
}

/// Polls `check` until it gives Some, for up to ten seconds.
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(what: &str, mut check: impl FnMut() -> F) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn job(app: &TestApp, id: i64) -> Job {
    app.store.job(id).await.unwrap()
}

/// The duty officer of Công an xã Cư M'gar takes alerts by SMS; an urgent tip then makes a delivery whose
/// job dies at once. Returns that job.
async fn a_dead_delivery(app: &TestApp) -> Job {
    let duty = app.token(CU_MGAR_DUTY_OFFICER).await;
    let channels = json!({"channels": [{"channel": "sms", "address": "0388000009", "enabled": true}]});
    let (status, body) = app.send_json(reqwest::Method::PUT, "/api/v1/me/channels", &channels, Some(&duty)).await;
    assert_eq!(status, 200, "{body}");
    let tip = json!({"category": "disorder", "description": "Khoảng 30 thanh niên mang mã tấu đang tụ tập ở ngã ba buôn Bling.",
        "happening_now": true, "area_id": ea_kpam(app).await, "protection": "anonymous"});
    let (status, body) = app.post_json("/api/v1/tips", &tip, None).await;
    assert_eq!(status, 201, "{body}");
    eventually("a dead delivery job", || async {
        app.store.jobs(Some(JobState::Dead), 10).await.unwrap().into_iter().find(|j| j.kind == JobKind::Deliver)
    })
    .await
}

#[tokio::test]
async fn administrators_see_a_failed_job_with_its_reason_and_queue_it_again_from_the_page() {
    let (app, sms) = app_with_a_refusing_gateway().await;
    let dead = a_dead_delivery(&app).await;
    let row = format!("id=\"job-{}\"", dead.id);
    let retry = format!("/admin/jobs/{}/retry", dead.id);

    app.sign_in_browser(PROVINCE_ADMIN).await;
    let (status, html) = app.page("/admin/jobs").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Hàng đợi công việc") && html.contains(&row), "failed jobs by default: {html}");
    let item = &html[html.find(&row).unwrap()..];
    let item = &item[..item.find("</li>").unwrap()];
    for shown in ["Gửi tin nhắn", "Hỏng", "sms gateway: HTTP 400", "1/1", "Thử lại", &format!("action=\"{retry}\"")]
    {
        assert!(item.contains(shown), "{shown} in {item}");
    }
    assert!(html.contains("<strong aria-current=\"page\">Hỏng</strong>"), "the current tab");
    for tab in ["queued", "running", "done"] {
        assert!(html.contains(&format!("href=\"/admin/jobs?state={tab}\"")), "a link to {tab}");
    }
    let (_, inbox) = app.page("/inbox").await;
    assert!(inbox.contains("id=\"jobs-link\""), "linked from the inbox for administrators");
    // Other states list their own jobs: the alert to the officers was told in the app and is done.
    let (status, done) = app.page("/admin/jobs?state=done").await;
    assert_eq!(status, 200);
    assert!(done.contains("Báo cán bộ") && done.contains("Xong") && !done.contains(&row), "{done}");
    assert!(!done.contains("/retry\""), "only failed jobs have the form");
    let (status, english) = app.page("/admin/jobs?lang=en").await;
    assert_eq!(status, 200);
    assert!(english.contains("Job queue") && english.contains("Send a message") && english.contains("Retry"));
    app.page("/admin/jobs?lang=vi").await; // The choice of language sticks: back to Vietnamese.

    // A form without its token changes nothing.
    let (status, _, _) = app.form(&retry, &[("csrf", "")]).await;
    assert_eq!(status, 403);
    assert_eq!(job(&app, dead.id).await.state, JobState::Dead);

    // The gateway is fixed: the job is queued again, runs, and the message goes out.
    sms.respond_with(200, json!({"id": "sms-1"}));
    let csrf = csrf_of(&html);
    let (status, location, _) = app.form(&retry, &[("csrf", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/admin/jobs?state=dead")));
    eventually("the retried job done", || async { (job(&app, dead.id).await.state == JobState::Done).then_some(()) })
        .await;
    assert_eq!(sms.requests().len(), 2, "refused once, then sent");
    let (_, html) = app.page("/admin/jobs?state=dead").await;
    assert!(!html.contains(&row) && html.contains("Không có việc nào ở trạng thái này."), "{html}");

    // Retrying it again is refused with the reason, on the page.
    let (status, _, html) = app.form(&retry, &[("csrf", &csrf)]).await;
    assert_eq!(status, 409, "{html}");
    assert!(html.contains("Việc này không ở trạng thái hỏng nên không thể thử lại"), "{html}");
    let (status, _, html) = app.form("/admin/jobs/999999/retry", &[("csrf", &csrf)]).await;
    assert_eq!(status, 404);
    assert!(html.contains("Không tìm thấy việc này trong hàng đợi."), "{html}");
}

#[tokio::test]
async fn the_job_page_is_for_administrators_of_a_top_level_unit_only() {
    let (app, _sms) = app_with_a_refusing_gateway().await;
    let dead = a_dead_delivery(&app).await;
    let retry = format!("/admin/jobs/{}/retry", dead.id);

    // Not signed in: sent to sign in.
    let res = app.browser.get(app.at("/admin/jobs")).send().await.unwrap();
    assert_eq!((res.status().as_u16(), res.headers().get("location").unwrap().to_str().unwrap()), (303, "/sign-in"));

    // A commander, and a citizen: the 403 page, and the job stays as it was.
    let commander = Browser::new(&app);
    commander.sign_in(CU_MGAR_COMMANDER).await;
    let (status, html) = commander.page("/admin/jobs").await;
    assert_eq!(status, 403);
    assert!(html.contains("Bạn không có quyền thực hiện thao tác này."), "{html}");
    let csrf = commander.csrf("/inbox").await;
    assert!(!commander.page("/inbox").await.1.contains("id=\"jobs-link\""), "no link for commanders");
    let (status, _, _) = commander.form(&retry, &[("csrf", &csrf)]).await;
    assert_eq!(status, 403);
    let citizen = Browser::new(&app);
    citizen.sign_in(CITIZEN_HDAO).await;
    let (status, html) = citizen.page("/admin/jobs").await;
    assert_eq!(status, 403);
    assert!(html.contains("Trang này dành cho cán bộ công an."), "{html}");
    assert_eq!(job(&app, dead.id).await.state, JobState::Dead);

    // An unknown state is a clear answer, not a failure.
    app.sign_in_browser(PROVINCE_ADMIN).await;
    let (status, html) = app.page("/admin/jobs?state=exploded").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Trạng thái không hợp lệ. Hãy chọn: Đang chờ, Đang chạy, Xong hoặc Hỏng."), "{html}");
    assert!(html.contains("href=\"/admin/jobs?state=dead\""), "with the tabs to choose from");
}
