//! Reorganising the unit tree (issue 16): the 2025 reform applied to the demo as an operation moves what the
//! ended units had and lets their successors read their history; bad plans each get their error and write
//! nothing; a plan applied twice does nothing the second time; only administrators plan.

use binhyen_domain::tip::{TipEventKind, TipState};
use binhyen_store::tips::TipFilter;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::*;

const EA_KPAM: &str = "ca-xa-ea-kpam";
const CU_MGAR: &str = "ca-xa-cu-mgar-2025";

async fn unit_id(app: &TestApp, code: &str) -> i64 {
    app.store.unit_by_code(code).await.unwrap().id
}

async fn tips_at(app: &TestApp, unit: i64) -> Vec<binhyen_store::tips::Tip> {
    let filter = TipFilter { root_unit_id: unit, limit: 1000, ..Default::default() };
    app.store.list_tips(&filter).await.unwrap().into_iter().filter(|t| t.unit_id == unit).collect()
}

#[tokio::test]
async fn the_2025_reform_moves_what_ea_kpam_had_and_cu_mgar_reads_its_history() {
    let app = TestApp::spawn_reformed().await;
    let (ea_kpam, cu_mgar) = (unit_id(&app, EA_KPAM).await, unit_id(&app, CU_MGAR).await);

    // The follower went with the page: Ea KPam keeps none, Cư M'gar has her (once).
    let (_, old) = app.get_json(&format!("/api/v1/pages/{EA_KPAM}"), None).await;
    assert_eq!(old["followers"], 0, "{old}");
    let (_, new) = app.get_json(&format!("/api/v1/pages/{CU_MGAR}"), None).await;
    assert!(new["followers"].as_i64().unwrap() >= 1, "{new}");

    // Nothing open stays at the unit that ended; what moved says so on its timeline.
    assert!(tips_at(&app, ea_kpam).await.iter().all(|t| t.state == TipState::Resolved));
    for tip in tips_at(&app, cu_mgar).await {
        let events = app.store.tip_events(tip.id).await.unwrap();
        if let Some(moved) = events.iter().find(|e| e.kind == TipEventKind::UnitReorganised) {
            assert_eq!(moved.unit_id, Some(cu_mgar));
            assert!(!moved.visible_to_tipster);
        }
    }

    // Lineage: Cư M'gar's commander opens Ea KPam's 2020 tips, closed ones included; an outsider does not.
    let closed = tips_at(&app, ea_kpam).await;
    let dogs = closed.first().expect("the dog-theft tip of 2020 stays where it was handled");
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (status, tip) = app.get_json(&format!("/api/v1/tips/{}", dogs.id), Some(&commander)).await;
    assert_eq!(status, 200, "{tip}");
    let (status, list) = app.get_json(&format!("/api/v1/tips?unit={EA_KPAM}"), Some(&commander)).await;
    assert_eq!(status, 200, "{list}");
    let outsider = app.token(TAN_LOI_OFFICER).await;
    let (status, _) = app.get_json(&format!("/api/v1/tips/{}", dogs.id), Some(&outsider)).await;
    assert_eq!(status, 403);

    // The dissolved page is an archive that says what it became, with no follow button.
    let (status, html) = app.page(&format!("/units/{EA_KPAM}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Đơn vị đã kết thúc hoạt động từ ngày 01/07/2025"), "{html}");
    assert!(html.contains(&format!("href=\"/units/{CU_MGAR}\" id=\"unit-successor\"")), "{html}");
    assert!(!html.contains("sign-in-to-follow") && !html.contains("id=\"follow\""));
    // Nor over the API.
    let citizen = app.token(CITIZEN_HDAO).await;
    let (status, err) =
        app.send_json(Method::PUT, &format!("/api/v1/pages/{EA_KPAM}/follow"), &json!({}), Some(&citizen)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("unit_dissolved")), "{err}");

    // Both plans are on record, applied, with what they moved.
    let admin = app.token(PROVINCE_ADMIN).await;
    let (status, plans) = app.get_json("/api/v1/reorganisations", Some(&admin)).await;
    assert_eq!(status, 200, "{plans}");
    let plans = plans.as_array().unwrap();
    assert_eq!(plans.len(), 2, "{plans:?}");
    assert!(plans.iter().all(|p| p["state"] == "applied"));
    assert_eq!(plans[0]["effective_on"], "2025-07-01");

    // The same merge again does nothing and records nothing.
    let again =
        json!({"effective_on": "2025-07-01", "changes": [{"action": "merge", "unit": EA_KPAM, "into": CU_MGAR}]});
    let (status, body) = app.post_json("/api/v1/reorganisations", &again, Some(&admin)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], Value::Null);
    assert_eq!(body["report"]["already"], json!([0]));
}

/// Two 2025 units other than Cư M'gar, in force in the demo.
async fn other_2025_units(app: &TestApp) -> (String, String) {
    let units = app.store.all_units().await.unwrap();
    let mut codes = units.iter().filter(|u| u.code.ends_with("-2025") && u.code != CU_MGAR).map(|u| u.code.clone());
    (codes.next().unwrap(), codes.next().unwrap())
}

#[tokio::test]
async fn each_bad_plan_gets_its_error_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.token(PROVINCE_ADMIN).await;
    let (a, b) = other_2025_units(&app).await;
    let post = |body: Value| {
        let (app, admin) = (&app, admin.clone());
        async move { app.post_json("/api/v1/reorganisations", &body, Some(&admin)).await }
    };
    // Dates from the test world's day, whichever instant it starts at.
    let day = |days: i64| binhyen_domain::time_vn::iso(app.core.today() + time::Duration::days(days));
    let (later, earlier) = (day(300), day(-30));
    let plan = |changes: Value| json!({"effective_on": later, "changes": changes});
    let refused =
        |(status, body): (u16, Value)| (status, body["error"]["code"].clone(), body["error"]["field"].clone());

    let cases = [
        (plan(json!([{"action": "merge", "unit": "nowhere", "into": CU_MGAR}])), "unknown_unit", "unit"),
        (plan(json!([{"action": "merge", "unit": a, "into": a}])), "same_unit", "into"),
        // Into a unit that ended in 2025.
        (plan(json!([{"action": "merge", "unit": a, "into": EA_KPAM}])), "successor_dissolved", "into"),
        // Into a unit that is itself merged that day.
        (
            plan(json!([{"action": "merge", "unit": a, "into": b}, {"action": "merge", "unit": b, "into": CU_MGAR}])),
            "successor_dissolved",
            "into",
        ),
        // The province under one of its own units.
        (plan(json!([{"action": "reparent", "unit": "ca-tinh-dak-lak", "parent": a}])), "cycle", "parent"),
        (plan(json!([{"action": "split", "unit": a}])), "unknown_value", "action"),
        (plan(json!([{"action": "merge", "unit": a}])), "required", "into"),
        (json!({"effective_on": "01-01-2027", "changes": []}), "invalid_date", "effective_on"),
    ];
    for (body, code, field) in cases {
        assert_eq!(refused(post(body.clone()).await), (422, json!(code), json!(field)), "{body}");
    }

    // Two plans that disagree: the second is refused while the first waits for its day.
    let first = plan(json!([{"action": "merge", "unit": a, "into": CU_MGAR}]));
    assert_eq!(post(first).await.0, 201);
    let other = plan(json!([{"action": "merge", "unit": a, "into": b}]));
    assert_eq!(refused(post(other).await), (422, json!("conflicting_plans"), json!("unit")));
    // A date in the past, touching a unit that a plan changes later.
    let past = json!({"effective_on": earlier, "changes": [{"action": "rename", "unit": CU_MGAR, "name": "Tên mới"}]});
    assert_eq!(refused(post(past).await), (422, json!("after_later_changes"), json!("effective_on")));

    // Nothing of the refused plans was written: one plan on record, and the tree as it was.
    let (_, plans) = app.get_json("/api/v1/reorganisations", Some(&admin)).await;
    assert_eq!(plans.as_array().unwrap().len(), 1, "{plans}");
    assert!(app.store.unit_by_code(&b).await.unwrap().valid_to.is_none());

    // Only administrators plan.
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let body = plan(json!([{"action": "rename", "unit": CU_MGAR, "name": "Tên mới"}]));
    let (status, _) = app.post_json("/api/v1/reorganisations", &body, Some(&commander)).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_dry_run_says_what_would_move_and_a_plan_due_today_moves_it_at_the_job() {
    let app = TestApp::spawn().await;
    let admin = app.token(PROVINCE_ADMIN).await;
    let (a, _) = other_2025_units(&app).await;
    let (a_id, cu_mgar) = (unit_id(&app, &a).await, unit_id(&app, CU_MGAR).await);
    let citizen = app.token(CITIZEN_HDAO).await;
    app.send_json(Method::PUT, &format!("/api/v1/pages/{a}/follow"), &json!({}), Some(&citizen)).await;
    let changes = json!([{"action": "merge", "unit": a, "into": CU_MGAR}]);
    let today = binhyen_domain::time_vn::iso(app.core.today());

    let (status, dry) = app
        .post_json(
            "/api/v1/reorganisations",
            &json!({"effective_on": today, "changes": changes, "dry_run": true}),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["report"]["absorbed"][0]["follows_moved"], 1, "{dry}");
    assert!(app.store.unit(a_id).await.unwrap().valid_to.is_none(), "a dry run writes nothing");

    let (status, planned) = app
        .post_json("/api/v1/reorganisations", &json!({"effective_on": today, "changes": changes}), Some(&admin))
        .await;
    assert_eq!(status, 201, "{planned}");
    // The job is due at once (its day has begun); the app's own worker may be the one that runs it.
    let mut ended = app.store.unit(a_id).await.unwrap();
    for _ in 0..100 {
        app.core.jobs().run_due_jobs().await.unwrap();
        ended = app.store.unit(a_id).await.unwrap();
        if ended.valid_to.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!((ended.valid_to, ended.successor_id), (Some(app.core.today()), Some(cu_mgar)));
    let (_, page) = app.get_json(&format!("/api/v1/pages/{a}"), None).await;
    assert_eq!(page["followers"], 0);
    let id = planned["id"].as_i64().unwrap();
    let (_, one) = app.get_json(&format!("/api/v1/reorganisations/{id}"), Some(&admin)).await;
    assert_eq!(one["state"], "applied", "{one}");
    assert_eq!(one["report"]["absorbed"][0]["follows_moved"], 1, "{one}");
}
