//! Cooperation across units (issue 16): the mobile police, alerted of every urgent tip in the province by their
//! urgent watch, open such a tip, acknowledge it and record their own outcome beside the commune police who
//! answer for it — without a transfer, without seeing who told, and without touching the commune's workflow.

use serde_json::{json, Value};

use crate::support::*;

async fn urgent_fight(app: &TestApp, happening_now: bool) -> i64 {
    let area = app.core.units().areas_by_code("24280").await.unwrap().into_iter().find(|a| a.valid_to.is_some());
    let body = json!({"category": "disorder",
        "description": "Khoảng 30 thanh niên mang mã tấu đang tụ tập trên đường, chuẩn bị đánh nhau.",
        "happening_now": happening_now, "area_id": area.unwrap().id, "protection": "anonymous"});
    let (status, sent) = app.post_json("/api/v1/tips", &body, None).await;
    assert_eq!(status, 201, "{sent}");
    sent["id"].as_i64().unwrap()
}

async fn support(app: &TestApp, tip: i64, body: Value, token: &str) -> (u16, Value) {
    app.post_json(&format!("/api/v1/tips/{tip}/support"), &body, Some(token)).await
}

#[tokio::test]
async fn the_mobile_police_work_an_urgent_tip_beside_the_commune_without_a_transfer() {
    let app = TestApp::spawn().await;
    let tip = urgent_fight(&app, true).await;
    let mobile = app.token(MOBILE_OFFICER).await;

    // Alerted, they open it: what they may do is support, not run the commune's workflow.
    let (status, view) = app.get_json(&format!("/api/v1/tips/{tip}"), Some(&mobile)).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["can"]["support_acknowledge"], true, "{}", view["can"]);
    assert_eq!(view["can"]["transitions"], json!([]));
    let responsible = view["tip"]["unit_id"].clone();

    assert_eq!(support(&app, tip, json!({"action": "acknowledge"}), &mobile).await.0, 204);
    let (status, again) = support(&app, tip, json!({"action": "acknowledge"}), &mobile).await;
    assert_eq!((status, again["error"]["code"].as_str()), (409, Some("already_supporting")));
    // The commune's own workflow is theirs alone.
    let (status, _) = app
        .post_json(&format!("/api/v1/tips/{tip}/transitions"), &json!({"action": "acknowledge"}), Some(&mobile))
        .await;
    assert_eq!(status, 403);

    let outcome = json!({"arrests": 21, "vehicles_seized": 7, "items_seized": 4, "note": "Thu 4 mã tấu, 7 xe máy."});
    assert_eq!(support(&app, tip, json!({"action": "resolve", "outcome": outcome}), &mobile).await.0, 204);
    let (status, twice) = support(&app, tip, json!({"action": "resolve", "outcome": {"arrests": 1}}), &mobile).await;
    assert_eq!((status, twice["error"]["code"].as_str()), (409, Some("support_resolved")));

    // The commune still answers for it and sees the mobile police's work on the timeline.
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (status, view) = app.get_json(&format!("/api/v1/tips/{tip}"), Some(&commander)).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!((view["tip"]["unit_id"].clone(), view["tip"]["state"].as_str()), (responsible, Some("new")));
    assert_eq!(view["support"][0]["outcome"]["arrests"], 21, "{}", view["support"]);
    let kinds: Vec<&str> = view["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(kinds.ends_with(&["support_acknowledged", "support_resolved"]), "{kinds:?}");
    assert_eq!(view["can"]["support_acknowledge"], false);
}

#[tokio::test]
async fn support_is_for_the_alerted_and_for_urgent_tips() {
    let app = TestApp::spawn().await;
    let mobile = app.token(MOBILE_OFFICER).await;
    // Not urgent: the watch did not alert them, so the tip is not theirs to open.
    let quiet = urgent_fight(&app, false).await;
    let (status, view) = app.get_json(&format!("/api/v1/tips/{quiet}"), Some(&mobile)).await;
    assert_eq!(status, 403, "{view}");
    assert_eq!(support(&app, quiet, json!({"action": "acknowledge"}), &mobile).await.0, 403);
    // A unit with no watch over it is not alerted either.
    let tip = urgent_fight(&app, true).await;
    let outsider = app.token(TAN_LOI_OFFICER).await;
    assert_eq!(support(&app, tip, json!({"action": "acknowledge"}), &outsider).await.0, 403);
    // The responsible unit does not "support" its own tip; bad steps are named.
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (status, own) = support(&app, tip, json!({"action": "acknowledge"}), &commander).await;
    assert_eq!((status, own["error"]["code"].as_str()), (409, Some("responsible_unit")));
    let (status, bad) = support(&app, tip, json!({"action": "cheer"}), &mobile).await;
    assert_eq!((status, bad["error"]["field"].as_str()), (422, Some("action")));
    let (status, bad) = support(&app, tip, json!({"action": "resolve"}), &mobile).await;
    assert_eq!((status, bad["error"]["field"].as_str()), (422, Some("outcome")));
    // Resolving before acknowledging says so.
    let (status, early) = support(&app, tip, json!({"action": "resolve", "outcome": {"arrests": 1}}), &mobile).await;
    assert_eq!((status, early["error"]["code"].as_str()), (409, Some("not_supporting")));
}
