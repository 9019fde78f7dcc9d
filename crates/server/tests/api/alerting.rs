//! Live alerting end to end: officers' live feed with replay and scope, SLA escalation, deliveries on the
//! channels people chose (against local fakes speaking SMTP and HTTP), retries, dead jobs, tipsters' news, and
//! each kind of bad input.

use binhyen_domain::tip::TipEventKind;
use std::sync::Arc;
use std::time::Duration;

use binhyen_channels::fakes::{HttpFake, Reply, SmtpSink};
use binhyen_channels::{verify_webhook_signature, ChannelsConfig, MemoryTokenStore};
use binhyen_core::alerting::AlertSettings;
use binhyen_core::live::LiveSettings;
use binhyen_core::Policy;
use serde_json::{json, Value};

use crate::support::sse::SseClient;
use crate::support::*;

const WAIT: Duration = Duration::from_secs(10);
const WEBHOOK_SECRET: &str = "a-webhook-secret-of-at-least-32-characters";

/// The former Ea KPam: today Công an xã Cư M'gar answers for it.
async fn ea_kpam(app: &TestApp) -> i64 {
    app.core.units().areas_by_code("24280").await.unwrap().into_iter().find(|a| a.valid_to.is_some()).unwrap().id
}

async fn send_tip(app: &TestApp, urgent: bool, protection: &str, token: Option<&str>) -> i64 {
    let body = json!({"category": "disorder", "description": "Khoảng 30 thanh niên mang mã tấu đang tụ tập ở ngã ba buôn Bling.",
        "happening_now": urgent, "area_id": ea_kpam(app).await, "protection": protection});
    let (status, sent) = app.post_json("/api/v1/tips", &body, token).await;
    assert_eq!(status, 201, "{sent}");
    sent["id"].as_i64().unwrap()
}

/// Polls `check` until it gives Some, for up to ten seconds.
async fn eventually<T, F: std::future::Future<Output = Option<T>>>(what: &str, mut check: impl FnMut() -> F) -> T {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn timeline_kinds(app: &TestApp, tip: i64) -> Vec<String> {
    app.store.tip_events(tip).await.unwrap().into_iter().map(|e| e.kind.as_str().to_owned()).collect()
}

async fn acknowledge(app: &TestApp, tip: i64, token: &str) {
    let (status, body) =
        app.post_json(&format!("/api/v1/tips/{tip}/transitions"), &json!({"action": "acknowledge"}), Some(token)).await;
    assert_eq!(status, 200, "{body}");
}

fn events_url(app: &TestApp) -> String {
    app.at("/api/v1/events")
}

#[tokio::test]
async fn officers_see_tips_live_within_their_scope_and_a_reconnect_replays_what_was_missed() {
    let app = TestApp::spawn().await;
    let (duty, mobile, tan_loi) =
        (app.token(CU_MGAR_DUTY_OFFICER).await, app.token(MOBILE_OFFICER).await, app.token(TAN_LOI_OFFICER).await);
    let mut duty_feed = SseClient::open(&events_url(&app), &duty, None).await;
    let mut mobile_feed = SseClient::open(&events_url(&app), &mobile, None).await;
    let mut tan_loi_feed = SseClient::open(&events_url(&app), &tan_loi, None).await;
    let metrics = app.api.get(app.at("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("binhyen_live_streams 3"), "{metrics}");

    let urgent = send_tip(&app, true, "anonymous", None).await;
    let seen = duty_feed.expect("tip.submitted", urgent, WAIT).await;
    assert_eq!((seen.data["priority"].as_str(), seen.data["state"].as_str()), (Some("urgent"), Some("new")));
    assert!(!seen.data.to_string().contains("mã tấu"), "what a tip says never travels in events: {}", seen.data);
    let first_id = seen.id.expect("an event id");
    // The mobile police watch the province's urgent tips.
    mobile_feed.expect("tip.submitted", urgent, WAIT).await;

    let normal = send_tip(&app, false, "anonymous", None).await;
    duty_feed.expect("tip.submitted", normal, WAIT).await;
    // Not urgent: not for the watchers. The next thing the mobile police hear of is the next urgent tip.
    let urgent2 = send_tip(&app, true, "anonymous", None).await;
    let next = mobile_feed.next(WAIT).await.unwrap();
    assert_eq!((next.event.as_str(), &next.data["tip_id"]), ("tip.submitted", &json!(urgent2)));
    // Another commune's officer hears of none of it.
    assert!(tan_loi_feed.next(Duration::from_millis(300)).await.is_none());

    // The duty officer's phone drops after the first event; meanwhile the tip is acknowledged.
    drop(duty_feed);
    acknowledge(&app, urgent, &app.token(CU_MGAR_COMMANDER).await).await;
    let mut again = SseClient::open(&events_url(&app), &duty, Some(first_id)).await;
    let mut replayed = Vec::new();
    while let Some(e) = again.next(Duration::from_millis(500)).await {
        replayed.push((e.event, e.data["tip_id"].as_i64().unwrap(), e.id.unwrap()));
    }
    let kinds: Vec<(&str, i64)> = replayed.iter().map(|(k, t, _)| (k.as_str(), *t)).collect();
    assert_eq!(kinds, [("tip.submitted", normal), ("tip.submitted", urgent2), ("tip.state_changed", urgent)]);
    assert!(replayed.windows(2).all(|w| w[0].2 < w[1].2) && replayed[0].2 > first_id, "in order, after the last seen");
}

#[tokio::test]
async fn the_live_feed_refuses_what_it_must() {
    let app = TestApp::spawn().await;
    let res = app.api.get(events_url(&app)).send().await.unwrap();
    assert_eq!(res.status(), 401, "no token");
    let citizen = app.token(CITIZEN_HDAO).await;
    let (status, body) = app.get_json("/api/v1/events", Some(&citizen)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")), "citizens have no live feed");
    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    for bad in ["abc", "-1", "1.5"] {
        let res =
            app.api.get(events_url(&app)).bearer_auth(&officer).header("last-event-id", bad).send().await.unwrap();
        assert_eq!(res.status(), 400, "{bad}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            (body["error"]["code"].as_str(), body["error"]["field"].as_str()),
            (Some("invalid_last_event_id"), Some("Last-Event-ID"))
        );
    }
}

#[tokio::test]
async fn a_client_that_missed_more_than_is_kept_is_told_to_resync() {
    let app = TestApp::spawn().await;
    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    let tip = send_tip(&app, false, "anonymous", None).await;
    // Everything older than the replay window (an hour) is forgotten.
    app.clock.advance(time::Duration::hours(2));
    assert!(app.core.prune_live_events().await.unwrap() >= 1);
    let tip2 = send_tip(&app, false, "anonymous", None).await;
    let first_kept = app.store.first_live_event_id().await.unwrap().unwrap();
    // A client that last saw an event before the oldest kept one missed something: it must reload.
    let mut late = SseClient::open(&events_url(&app), &officer, Some(first_kept - 2)).await;
    assert_eq!(late.next(WAIT).await.unwrap().event, "resync");
    late.expect("tip.submitted", tip2, WAIT).await;
    // One that saw the last forgotten event missed nothing.
    let mut fine = SseClient::open(&events_url(&app), &officer, Some(first_kept - 1)).await;
    let first = fine.next(WAIT).await.unwrap();
    assert_eq!((first.event.as_str(), &first.data["tip_id"]), ("tip.submitted", &json!(tip2)));
    assert_ne!(tip, tip2);
}

#[tokio::test]
async fn an_unacknowledged_tip_escalates_once_and_an_acknowledged_one_does_not() {
    let mut app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let waiting = send_tip(&app, true, "anonymous", None).await;
    let answered = send_tip(&app, true, "anonymous", None).await;
    acknowledge(&app, answered, &commander).await;
    let province = app.core.units().unit_by_code("ca-tinh-dak-lak").await.unwrap().id;
    let admin = app.token(PROVINCE_ADMIN).await;
    let mut feed = SseClient::open(&events_url(&app), &admin, None).await;

    // Not yet: the urgent SLA is five minutes.
    app.clock.advance(time::Duration::minutes(4));
    app.core.jobs().run_due_jobs().await.unwrap();
    assert!(!timeline_kinds(&app, waiting).await.contains(&"escalated".to_owned()));

    app.clock.advance(time::Duration::seconds(61));
    feed.expect("tip.escalated", waiting, WAIT).await;
    let events = app.store.tip_events(waiting).await.unwrap();
    let escalations: Vec<_> = events.iter().filter(|e| e.kind == TipEventKind::Escalated).collect();
    assert_eq!(escalations.len(), 1);
    assert_eq!(escalations[0].unit_id, Some(province), "to the unit above Công an xã Cư M'gar");
    // The province's commanders are told, whether on duty or not.
    let title = eventually("the escalation notice", || async {
        let (_, inbox) = app.get_json("/api/v1/me/notifications", Some(&admin)).await;
        inbox["notifications"].as_array().unwrap().iter().find(|n| n["tip_id"] == waiting).map(|n| n["title"].clone())
    })
    .await;
    assert!(title.as_str().unwrap().contains("quá hạn tiếp nhận"), "{title}");
    assert!(!timeline_kinds(&app, answered).await.contains(&"escalated".to_owned()), "acknowledged in time");

    // Fires once: later runs, a restart, and the province (which has nobody above it) add nothing.
    app.restart().await;
    app.clock.advance(time::Duration::minutes(10));
    app.core.jobs().run_due_jobs().await.unwrap();
    let later = send_tip(&app, true, "anonymous", None).await;
    app.clock.advance(time::Duration::minutes(6));
    eventually("the timer queued before the restart", || async {
        timeline_kinds(&app, later).await.contains(&"escalated".to_owned()).then_some(())
    })
    .await;
    let count = timeline_kinds(&app, waiting).await.iter().filter(|k| *k == "escalated").count();
    assert_eq!(count, 1);
}

/// Channels configured against local fakes: an SMTP sink, an SMS gateway, a webhook receiver and the Zalo API.
struct Outside {
    smtp: SmtpSink,
    sms: HttpFake,
    webhook: HttpFake,
    zalo: HttpFake,
}

impl Outside {
    async fn start() -> Outside {
        let zalo = HttpFake::start().await;
        zalo.respond_with(200, json!({"error": 0, "message": "Success", "data": {"message_id": "z-1"}}));
        Outside { smtp: SmtpSink::start().await, sms: HttpFake::start().await, webhook: HttpFake::start().await, zalo }
    }

    fn alerts(&self, attempts: i64) -> AlertSettings {
        let config: ChannelsConfig = serde_json::from_value(json!({
            "email": {"host": "127.0.0.1", "port": self.smtp.port(), "tls": "none",
                "from": "Công an tỉnh Đắk Lắk <canhbao@congan.daklak.gov.vn>"},
            "sms": {"url": format!("{}/v1/messages", self.sms.url()), "token": "sms-token"},
            "webhook": {"url": format!("{}/hook", self.webhook.url()), "secret": WEBHOOK_SECRET},
            "zalo": {"api_base": self.zalo.url(), "oauth_base": self.zalo.url(), "app_id": "4291763606161179100",
                "secret_key": "zalo-secret", "access_token": "at-1", "refresh_token": "rt-1"},
        }))
        .unwrap();
        let channels = config.build(Arc::new(MemoryTokenStore::new())).unwrap();
        AlertSettings {
            channels: Arc::new(channels),
            delivery_attempts: attempts,
            retry_base: time::Duration::seconds(1),
            public_url: "https://binhyen.example.vn".into(),
            ..test_alerts()
        }
    }
}

async fn set_channels(app: &TestApp, token: &str, channels: Value) -> (u16, Value) {
    app.send_json(reqwest::Method::PUT, "/api/v1/me/channels", &json!({"channels": channels}), Some(token)).await
}

async fn deliveries(app: &TestApp, tip: i64, token: &str) -> Vec<Value> {
    let (status, view) = app.get_json(&format!("/api/v1/tips/{tip}"), Some(token)).await;
    assert_eq!(status, 200, "{view}");
    view["deliveries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_urgent_tip_reaches_the_officers_on_duty_on_their_channels() {
    let outside = Outside::start().await;
    let app = TestApp::spawn_alerting(Policy::default(), outside.alerts(3), LiveSettings::default()).await;
    let duty = app.token(CU_MGAR_DUTY_OFFICER).await;
    let channels = json!([
        {"channel": "email", "address": "hlinh@congan.daklak.gov.vn", "enabled": true},
        {"channel": "sms", "address": "0388 000 009", "enabled": true},
        {"channel": "zalo", "address": "8405123456789", "enabled": true},
    ]);
    let (status, saved) = set_channels(&app, &duty, channels).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["channels"][1]["address"], "+84388000009", "stored as E.164");
    assert_eq!(saved["available"], json!(["email", "sms", "zalo"]));

    let tip = send_tip(&app, true, "anonymous", None).await;
    let mail = outside.smtp.wait_for(1, WAIT).await.remove(0);
    assert_eq!(mail.to, ["hlinh@congan.daklak.gov.vn"]);
    assert_eq!(mail.subject().unwrap(), format!("Tin báo KHẨN #{tip}: Tụ tập gây rối / đánh nhau / mang hung khí"));
    assert!(mail.body().contains(&format!("https://binhyen.example.vn/inbox/{tip}")), "{}", mail.body());
    assert!(!mail.body().contains("mã tấu"), "what the tip says stays in binhyen");
    let sms = outside.sms.wait_for(1, WAIT).await.remove(0);
    assert_eq!(sms.json()["to"], "+84388000009");
    assert!(sms.header("idempotency-key").unwrap().ends_with(":sms"));
    let zalo = outside.zalo.wait_for(1, WAIT).await.remove(0);
    assert_eq!((zalo.path.as_str(), zalo.header("access_token")), ("/v3.0/oa/message/cs", Some("at-1")));
    assert_eq!(zalo.json()["recipient"]["user_id"], "8405123456789");
    // The command centre's webhook hears of it once, signed.
    let hook = outside.webhook.wait_for(1, WAIT).await.remove(0);
    let (timestamp, signature) =
        (hook.header("x-binhyen-timestamp").unwrap(), hook.header("x-binhyen-signature").unwrap());
    assert!(verify_webhook_signature(WEBHOOK_SECRET.as_bytes(), timestamp, &hook.body, signature));
    assert!(!verify_webhook_signature(b"another-secret-another-secret-another", timestamp, &hook.body, signature));
    assert_eq!(
        (hook.json()["data"]["tip_id"].as_i64(), hook.json()["data"]["priority"].as_str()),
        (Some(tip), Some("urgent"))
    );

    // Every delivery's status is on the tip.
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let sent = eventually("every delivery sent", || async {
        let all = deliveries(&app, tip, &commander).await;
        (all.len() == 4 && all.iter().all(|d| d["state"] == "sent")).then_some(all)
    })
    .await;
    let mut kinds: Vec<&str> = sent.iter().map(|d| d["channel"].as_str().unwrap()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["email", "sms", "webhook", "zalo"]);
    assert!(sent.iter().all(|d| d.get("address").is_none()), "addresses are not shown");
    // And in the app.
    let (_, inbox) = app.get_json("/api/v1/me/notifications", Some(&duty)).await;
    assert_eq!(inbox["notifications"][0]["tip_id"], tip);
    assert_eq!(inbox["unread"], 1);
    // The mobile police's duty officer (watching the province) is told in the app.
    let (_, mobile) = app.get_json("/api/v1/me/notifications", Some(&app.token(MOBILE_OFFICER).await)).await;
    assert_eq!(mobile["notifications"][0]["kind"], "tip_urgent");
}

#[tokio::test]
async fn a_gateway_that_is_down_is_retried_then_the_delivery_is_dead_with_the_reason() {
    let outside = Outside::start().await;
    outside.sms.respond_with(503, json!({"error": "maintenance"}));
    let app = TestApp::spawn_alerting(Policy::default(), outside.alerts(2), LiveSettings::default()).await;
    let duty = app.token(CU_MGAR_DUTY_OFFICER).await;
    set_channels(&app, &duty, json!([{"channel": "sms", "address": "0388000009", "enabled": true}])).await;
    let tip = send_tip(&app, true, "anonymous", None).await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let sms_of = |all: Vec<Value>| all.into_iter().find(|d| d["channel"] == "sms");
    let retrying = eventually("a first failed attempt", || async {
        sms_of(deliveries(&app, tip, &commander).await).filter(|d| d["state"] == "retrying")
    })
    .await;
    assert_eq!(retrying["last_error"], "sms gateway: HTTP 503");
    app.clock.advance(time::Duration::seconds(2));
    let dead = eventually("the last attempt", || async {
        sms_of(deliveries(&app, tip, &commander).await).filter(|d| d["state"] == "dead")
    })
    .await;
    assert_eq!((dead["attempts"].as_i64(), dead["last_error"].as_str()), (Some(2), Some("sms gateway: HTTP 503")));
    assert_eq!(outside.sms.requests().len(), 2);

    // Administrators see the dead job and, once the gateway is back, queue it again.
    let admin = app.token(PROVINCE_ADMIN).await;
    let (status, jobs) = app.get_json("/api/v1/jobs?state=dead", Some(&admin)).await;
    assert_eq!(status, 200, "{jobs}");
    let job = jobs["jobs"].as_array().unwrap().iter().find(|j| j["kind"] == "deliver").unwrap().clone();
    assert_eq!(job["last_error"], "sms gateway: HTTP 503");
    let (status, _) = app.get_json("/api/v1/jobs", Some(&commander)).await;
    assert_eq!(status, 403, "the queue is for administrators of a top-level unit");
    outside.sms.respond_with(200, json!({"id": "sms-1"}));
    let retry = format!("/api/v1/jobs/{}/retry", job["id"]);
    let (status, _) = app.post_json(&retry, &json!({}), Some(&admin)).await;
    assert_eq!(status, 204);
    let (status, body) = app.post_json(&retry, &json!({}), Some(&admin)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("job_not_dead")));
    eventually("the retried delivery", || async {
        sms_of(deliveries(&app, tip, &commander).await).filter(|d| d["state"] == "sent")
    })
    .await;
    let (status, _) = app.post_json("/api/v1/jobs/999999/retry", &json!({}), Some(&admin)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn identified_tipsters_hear_of_their_tips_and_confidential_ones_are_never_contacted() {
    let outside = Outside::start().await;
    let app = TestApp::spawn_alerting(Policy::default(), outside.alerts(3), LiveSettings::default()).await;
    let citizen = app.token(CITIZEN_HDAO).await;
    let (status, body) =
        set_channels(&app, &citizen, json!([{"channel": "email", "address": "hdao@example.vn", "enabled": true}]))
            .await;
    assert_eq!(status, 200, "{body}");
    let commander = app.token(CU_MGAR_COMMANDER).await;

    let identified = send_tip(&app, false, "identified", Some(&citizen)).await;
    acknowledge(&app, identified, &commander).await;
    let mail = outside.smtp.wait_for(1, WAIT).await.remove(0);
    assert_eq!(mail.to, ["hdao@example.vn"]);
    assert_eq!(mail.subject().unwrap(), format!("Tin báo #{identified} của bạn: Đã tiếp nhận"));
    let (_, inbox) = app.get_json("/api/v1/me/notifications", Some(&citizen)).await;
    assert_eq!(inbox["notifications"][0]["link"], format!("https://binhyen.example.vn/my/tips/{identified}"));

    let confidential = send_tip(&app, false, "confidential", Some(&citizen)).await;
    acknowledge(&app, confidential, &commander).await;
    app.post_json(&format!("/api/v1/tips/{confidential}/messages"), &json!({"body": "Cảm ơn chị."}), Some(&commander))
        .await;
    // Its jobs have run (the tip's deliveries list stays empty), and nothing reached her.
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.core.jobs().run_due_jobs().await.unwrap();
    assert!(deliveries(&app, confidential, &commander).await.is_empty());
    let (_, inbox) = app.get_json("/api/v1/me/notifications", Some(&citizen)).await;
    assert!(inbox["notifications"].as_array().unwrap().iter().all(|n| n["tip_id"] != confidential));
    assert_eq!(outside.smtp.messages().len(), 1);
}

#[tokio::test]
async fn bad_alerting_input_gets_a_clear_answer() {
    let app = TestApp::spawn().await;
    let officer = app.token(CU_MGAR_DUTY_OFFICER).await;
    let cases = [
        (json!([{"channel": "fax", "address": "x", "enabled": true}]), "unknown_value", "channel"),
        (json!([{"channel": "email", "address": "not-an-address", "enabled": false}]), "invalid_address", "address"),
        (json!([{"channel": "sms", "address": "12345", "enabled": false}]), "invalid_phone", "address"),
        (json!([{"channel": "zalo", "address": "<script>", "enabled": false}]), "invalid_address", "address"),
        // This app has no channels configured: enabling one is refused, keeping it off is not.
        (json!([{"channel": "email", "address": "a@b.vn", "enabled": true}]), "channel_unavailable", "channel"),
        (
            json!([{"channel": "email", "address": "a@b.vn", "enabled": false}, {"channel": "email", "address": "c@d.vn", "enabled": false}]),
            "duplicate",
            "channel",
        ),
    ];
    for (channels, code, field) in cases {
        let (status, body) = set_channels(&app, &officer, channels.clone()).await;
        assert_eq!(status, 422, "{channels}: {body}");
        assert_eq!(
            (body["error"]["code"].as_str(), body["error"]["field"].as_str()),
            (Some(code), Some(field)),
            "{channels}"
        );
    }
    let (status, _) =
        set_channels(&app, &officer, json!([{"channel": "email", "address": "a@b.vn", "enabled": false}])).await;
    assert_eq!(status, 200, "kept, not enabled");

    // Duty is for officers.
    let citizen = app.token(CITIZEN_HDAO).await;
    let (status, _) =
        app.send_json(reqwest::Method::PUT, "/api/v1/me/duty", &json!({"on_duty": true}), Some(&citizen)).await;
    assert_eq!(status, 403);
    let (status, duty) =
        app.send_json(reqwest::Method::PUT, "/api/v1/me/duty", &json!({"on_duty": false}), Some(&officer)).await;
    assert_eq!((status, &duty["on_duty"]), (200, &json!(false)));
    let (status, duty) =
        app.send_json(reqwest::Method::PUT, "/api/v1/me/duty", &json!({"on_duty": "yes"}), Some(&officer)).await;
    assert_eq!(status, 422, "{duty}");

    // SLA: commanders of the unit or above; within range; inherited below.
    let put_sla = |token: String, code: &'static str, body: Value| {
        let app = &app;
        async move { app.send_json(reqwest::Method::PUT, &format!("/api/v1/units/{code}/sla"), &body, Some(&token)).await }
    };
    let (status, _) = put_sla(officer.clone(), "ca-xa-cu-mgar-2025", json!({"urgent_minutes": 3})).await;
    assert_eq!(status, 403, "a plain officer");
    let admin = app.token(PROVINCE_ADMIN).await;
    let (status, body) = put_sla(admin.clone(), "ca-tinh-dak-lak", json!({"urgent_minutes": 0})).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("urgent_minutes")));
    let (status, body) =
        put_sla(admin.clone(), "ca-tinh-dak-lak", json!({"urgent_minutes": 3, "high_minutes": 30})).await;
    assert_eq!((status, &body["urgent_minutes"]), (200, &json!(3)), "{body}");
    let (_, below) = app.get_json("/api/v1/units/ca-xa-cu-mgar-2025/sla", Some(&officer)).await;
    assert_eq!(
        below,
        json!({"urgent_minutes": 3, "high_minutes": 30, "normal_minutes": 1440}),
        "inherited and default"
    );
    let (status, _) = app.get_json("/api/v1/units/no-such-unit/sla", Some(&officer)).await;
    assert_eq!(status, 404);
    // Urgent watch: both units must be the administrator's.
    let body = json!({"scope": "ca-xa-cu-mgar-2025", "watching": true});
    let (status, _) =
        app.send_json(reqwest::Method::PUT, "/api/v1/units/pcsd-dak-lak/urgent-watch", &body, Some(&officer)).await;
    assert_eq!(status, 403);
    let body = json!({"scope": "no-such-unit", "watching": true});
    let (status, err) =
        app.send_json(reqwest::Method::PUT, "/api/v1/units/pcsd-dak-lak/urgent-watch", &body, Some(&admin)).await;
    assert_eq!((status, err["error"]["field"].as_str()), (404, Some("scope")));
    let (status, _) = app.get_json("/api/v1/jobs?state=exploded", Some(&admin)).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn a_slow_receiver_never_holds_up_a_submission_or_the_next_alert() {
    let outside = Outside::start().await;
    outside.webhook.set_default(Reply::json(200, json!({})).after(Duration::from_secs(8)));
    let app = TestApp::spawn_alerting(Policy::default(), outside.alerts(3), LiveSettings::default()).await;
    let duty = app.token(CU_MGAR_DUTY_OFFICER).await;
    let started = std::time::Instant::now();
    let first = send_tip(&app, true, "anonymous", None).await;
    assert!(started.elapsed() < Duration::from_secs(8), "the answer does not wait for deliveries");
    outside.webhook.wait_for(1, WAIT).await;
    // While the webhook still holds the first alert, the next urgent tip is announced all the same.
    let second = send_tip(&app, true, "anonymous", None).await;
    eventually("the second alert in the app", || async {
        let (_, inbox) = app.get_json("/api/v1/me/notifications", Some(&duty)).await;
        inbox["notifications"].as_array().unwrap().iter().any(|n| n["tip_id"] == second).then_some(())
    })
    .await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let first_hook = deliveries(&app, first, &commander).await.into_iter().find(|d| d["channel"] == "webhook").unwrap();
    assert_eq!(first_hook["state"], "queued", "the first webhook call has not answered yet");
    let hook = outside.webhook.wait_for(2, WAIT).await;
    assert_eq!(hook[0].json()["data"]["tip_id"], first);
}
