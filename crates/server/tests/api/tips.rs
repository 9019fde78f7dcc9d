//! Tips end to end over the API: submission at every protection level, routing, the workflow, messages,
//! unsealing, and each kind of bad input.

use binhyen_domain::tip::{Priority, TipCategory};
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{TestApp, CITIZEN_HDAO, CU_MGAR_COMMANDER, EA_KPAM_COMMANDER, PROVINCE_ADMIN, TAN_LOI_OFFICER};

/// The former Ea KPam (the demo's 2020 commune): today it is answered for by Công an xã Cư M'gar.
async fn ea_kpam(app: &TestApp) -> i64 {
    app.core.units().areas_by_code("24280").await.unwrap().into_iter().find(|a| a.valid_to.is_some()).unwrap().id
}

fn dog_thieves(area: i64, protection: &str) -> Value {
    json!({"category": "theft", "description": "Có người lạ đi xe máy bắt trộm chó ở buôn Bling, đang chạy về hướng Ea Tar.",
        "happening_now": true, "area_id": area, "protection": protection})
}

async fn officer_of_cu_mgar(app: &TestApp) -> (String, String) {
    // A plain officer beside the demo's commander, for approvals that need two people.
    let unit = app.core.units().unit_by_code("ca-xa-cu-mgar-2025").await.unwrap();
    let officer = binhyen_core::accounts::NewOfficer {
        phone: "0866000001".into(),
        password: crate::support::PASSWORD.into(),
        display_name: "Lê Văn Cán".into(),
        unit_id: unit.id,
        role: binhyen_domain::Role::Officer,
    };
    app.core.accounts().create_officer(None, officer).await.unwrap();
    (app.token("0866000001").await, app.token(CU_MGAR_COMMANDER).await)
}

#[tokio::test]
async fn an_anonymous_tip_is_routed_and_followed_by_its_receipt() {
    let app = TestApp::spawn().await;
    let (status, sent) = app.post_json("/api/v1/tips", &dog_thieves(ea_kpam(&app).await, "anonymous"), None).await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!((sent["state"].as_str(), sent["priority"].as_str()), (Some("new"), Some("urgent")), "happening now");
    let unit = app.core.units().unit_by_code("ca-xa-cu-mgar-2025").await.unwrap();
    assert_eq!(sent["unit_id"], unit.id, "routed to today's unit for the place");
    let receipt = sent["receipt"].as_str().unwrap().to_owned();
    assert_eq!(receipt.len(), 19);

    let (_, commander) = officer_of_cu_mgar(&app).await;
    let (status, view) = app.get_json(&format!("/api/v1/tips/{}", sent["id"]), Some(&commander)).await;
    assert_eq!(status, 200);
    assert_eq!(view["reporter"]["status"], "anonymous");
    let message = json!({"body": "Cảm ơn bạn. Bạn có nhìn thấy biển số xe không?"});
    app.post_json(&format!("/api/v1/tips/{}/messages", sent["id"]), &message, Some(&commander)).await;
    app.post_json(
        &format!("/api/v1/tips/{}/notes", sent["id"]),
        &json!({"body": "Nội bộ: đã cử tổ tuần tra."}),
        Some(&commander),
    )
    .await;

    let typed = receipt.to_lowercase().replace('-', " ");
    let (status, mine) = app.post_json("/api/v1/receipts/lookup", &json!({"receipt": typed}), None).await;
    assert_eq!(status, 200, "{mine}");
    let bodies: Vec<&str> = mine["events"].as_array().unwrap().iter().filter_map(|e| e["body"].as_str()).collect();
    assert_eq!(bodies, vec!["Cảm ơn bạn. Bạn có nhìn thấy biển số xe không?"], "messages only, no internal note");
    assert!(mine["events"].as_array().unwrap().iter().all(|e| e["actor_account_id"].is_null()));
    let reply = json!({"receipt": receipt, "body": "Biển số 47 có chữ B."});
    assert_eq!(app.post_json("/api/v1/receipts/messages", &reply, None).await.0, 201);

    for wrong in ["0000-0000-0000-0000", "không phải mã", ""] {
        let (status, body) = app.post_json("/api/v1/receipts/lookup", &json!({"receipt": wrong}), None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (404, Some("receipt_not_found")), "{wrong}: no oracle");
    }
}

#[tokio::test]
async fn guessing_receipts_and_flooding_are_slowed() {
    let app = TestApp::spawn().await;
    let mut statuses = Vec::new();
    for _ in 0..25 {
        statuses
            .push(app.post_json("/api/v1/receipts/lookup", &json!({"receipt": "0000-0000-0000-0000"}), None).await.0);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 404).count(), 20);
    assert_eq!(statuses.last(), Some(&429));

    let area = ea_kpam(&app).await;
    let before = app.store.count_tips().await.unwrap();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(app.post_json("/api/v1/tips", &dog_thieves(area, "anonymous"), None).await.0);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 10);
    let (status, body) = app.post_json("/api/v1/tips", &dog_thieves(area, "anonymous"), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("too_many_attempts")));
    assert_eq!(app.store.count_tips().await.unwrap(), before + 10, "throttled tips are not stored");
}

#[tokio::test]
async fn identified_and_confidential_tipsters() {
    let app = TestApp::spawn().await;
    let area = ea_kpam(&app).await;
    let citizen = app.token(CITIZEN_HDAO).await;
    let (_, identified) = app.post_json("/api/v1/tips", &dog_thieves(area, "identified"), Some(&citizen)).await;
    let (status, confidential) =
        app.post_json("/api/v1/tips", &dog_thieves(area, "confidential"), Some(&citizen)).await;
    assert_eq!(status, 201);
    assert!(confidential["receipt"].is_null());
    let (officer, commander) = officer_of_cu_mgar(&app).await;

    let (_, view) = app.get_json(&format!("/api/v1/tips/{}", identified["id"]), Some(&officer)).await;
    assert_eq!(
        (view["reporter"]["status"].as_str(), view["reporter"]["name"].as_str()),
        (Some("known"), Some("H'Đào Niê"))
    );
    let path = format!("/api/v1/tips/{}", confidential["id"]);
    let (_, view) = app.get_json(&path, Some(&officer)).await;
    assert_eq!(view["reporter"]["status"], "sealed");
    assert!(view["reporter"]["name"].is_null());

    // Unsealing: a reason, a commander's approval (not one's own), then an audited view the tipster hears of.
    assert_eq!(app.get_json(&format!("{path}/identity"), Some(&officer)).await.0, 403);
    let (status, request) = app
        .post_json(&format!("{path}/unseal-requests"), &json!({"reason": "Cần xác minh thêm lời khai"}), Some(&officer))
        .await;
    assert_eq!(status, 201);
    let approval = format!("{path}/unseal-requests/{}/approval", request["id"]);
    // What each may do is said in the view, by the rules that refuse them: the officer may not approve (nor
    // their own request), the commander may; nobody may view the identity yet.
    let can = |view: &serde_json::Value| (view["can"]["approve_unseal"].clone(), view["can"]["view_identity"].clone());
    let (_, as_officer) = app.get_json(&path, Some(&officer)).await;
    let (_, as_commander) = app.get_json(&path, Some(&commander)).await;
    assert_eq!(can(&as_officer), (json!([]), json!(false)));
    assert_eq!(can(&as_commander), (json!([request["id"]]), json!(false)));
    assert_eq!(app.post_json(&approval, &json!({}), Some(&officer)).await.0, 403, "officers do not approve");
    assert_eq!(app.post_json(&approval, &json!({}), Some(&commander)).await.0, 204);
    let (_, as_officer) = app.get_json(&path, Some(&officer)).await;
    let (_, as_commander) = app.get_json(&path, Some(&commander)).await;
    assert_eq!(can(&as_officer), (json!([]), json!(true)), "approved: the officer may view it now");
    assert_eq!(can(&as_commander), (json!([]), json!(false)), "approved once, and not the commander's request");
    let (status, who) = app.get_json(&format!("{path}/identity"), Some(&officer)).await;
    assert_eq!((status, who["name"].as_str()), (200, Some("H'Đào Niê")));

    let (_, mine) = app.get_json("/api/v1/me/tips", Some(&citizen)).await;
    let ids: Vec<&serde_json::Value> = mine["tips"].as_array().unwrap().iter().map(|t| &t["id"]).collect();
    assert!(ids.contains(&&identified["id"]) && ids.contains(&&confidential["id"]), "confidential included: {ids:?}");
    let (_, theirs) = app.get_json(&format!("/api/v1/me/tips/{}", confidential["id"]), Some(&citizen)).await;
    let kinds: Vec<&str> = theirs["events"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"identity_viewed"), "the tipster is told: {kinds:?}");
    assert!(!kinds.contains(&"unseal_requested"));
    let other = app.token(crate::support::CLUSTER).await;
    assert_eq!(app.get_json(&format!("/api/v1/me/tips/{}", confidential["id"]), Some(&other)).await.0, 404);
}

#[tokio::test]
async fn the_workflow_from_new_to_resolved() {
    let app = TestApp::spawn().await;
    let (_, sent) = app.post_json("/api/v1/tips", &dog_thieves(ea_kpam(&app).await, "anonymous"), None).await;
    let (officer, commander) = officer_of_cu_mgar(&app).await;
    let path = format!("/api/v1/tips/{}/transitions", sent["id"]);
    let view = format!("/api/v1/tips/{}", sent["id"]);
    // The actions open to each, as the view says them: by the tip's state, and reopening only for commanders.
    let open = |token: &str| {
        let (app, view, token) = (&app, view.clone(), token.to_owned());
        async move { app.get_json(&view, Some(&token)).await.1["can"]["transitions"].clone() }
    };
    assert_eq!(open(&officer).await, json!(["acknowledge", "resolve", "transfer"]));
    // Where it may go: units in force but its own (the 2025 commune police has it; the dissolved one is gone).
    let (_, as_officer) = app.get_json(&view, Some(&officer)).await;
    let units: Vec<&str> =
        as_officer["can"]["transfer_to"].as_array().unwrap().iter().filter_map(|u| u.as_str()).collect();
    assert!(units.contains(&"pcsd-dak-lak") && !units.contains(&"ca-xa-cu-mgar-2025"), "{units:?}");
    assert!(!units.iter().any(|u| u.contains("ea-kpam")), "a dissolved unit takes no tips: {units:?}");
    assert!(!as_officer["can"]["assign_to"].as_array().unwrap().is_empty(), "its unit's officers");
    let step = |action: &str| json!({"action": action});
    for (action, state) in [("acknowledge", "acknowledged"), ("verify", "verifying"), ("dispatch", "dispatched")] {
        let (status, body) = app.post_json(&path, &step(action), Some(&officer)).await;
        assert_eq!((status, body["state"].as_str()), (200, Some(state)), "{action}: {body}");
    }
    let (status, body) = app.post_json(&path, &step("acknowledge"), Some(&officer)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("illegal_transition")));
    let (status, body) = app.post_json(&path, &step("resolve"), Some(&officer)).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("outcome")));
    let resolve = json!({"action": "resolve", "outcome": {"verdict": "confirmed", "arrests": 2, "note": "Bắt quả tang 2 đối tượng trộm chó."}});
    assert_eq!(app.post_json(&path, &resolve, Some(&officer)).await.0, 200);
    assert_eq!(open(&officer).await, json!([]), "resolved: officers may do nothing more");
    assert_eq!(open(&commander).await, json!(["reopen"]));
    let reopen = json!({"action": "reopen", "reason": "Còn đồng phạm"});
    assert_eq!(app.post_json(&path, &reopen, Some(&officer)).await.0, 403, "only commanders reopen");
    assert_eq!(app.post_json(&path, &reopen, Some(&commander)).await.1["state"], "reopened");

    let (_, view) = app.get_json(&format!("/api/v1/tips/{}", sent["id"]), Some(&commander)).await;
    assert_eq!(view["tip"]["outcome"]["arrests"], 2);
    let states: Vec<&str> = view["events"].as_array().unwrap().iter().filter_map(|e| e["to_state"].as_str()).collect();
    assert_eq!(states, vec!["acknowledged", "verifying", "dispatched", "resolved", "reopened"]);
    let report = app.core.verify_audit().await.unwrap();
    assert!(report.broken.is_none(), "the audit chain is intact");
}

#[tokio::test]
async fn transfers_keep_every_hop_and_move_who_may_act() {
    let app = TestApp::spawn().await;
    let (_, sent) = app.post_json("/api/v1/tips", &dog_thieves(ea_kpam(&app).await, "anonymous"), None).await;
    let (officer, _) = officer_of_cu_mgar(&app).await;
    let path = format!("/api/v1/tips/{}/transitions", sent["id"]);
    let (status, body) =
        app.post_json(&path, &json!({"action": "transfer", "to_unit": "pcsd-dak-lak"}), Some(&officer)).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("reason")));
    let transfer = json!({"action": "transfer", "to_unit": "pcsd-dak-lak", "reason": "Nhóm đối tượng có hung khí"});
    assert_eq!(app.post_json(&path, &transfer, Some(&officer)).await.1["state"], "transferred");
    // Now with the mobile police: the commune officer no longer reaches it; the mobile police and the province do.
    assert_eq!(app.get_json(&format!("/api/v1/tips/{}", sent["id"]), Some(&officer)).await.0, 403);
    let mobile = app.token(crate::support::MOBILE_OFFICER).await;
    let (_, view) = app.get_json(&format!("/api/v1/tips/{}", sent["id"]), Some(&mobile)).await;
    let hop = view["events"].as_array().unwrap().iter().find(|e| e["to_state"] == "transferred").unwrap().clone();
    assert_eq!(hop["body"], "Nhóm đối tượng có hung khí");
    let (_, inbox) = app.get_json("/api/v1/tips", Some(&app.token(PROVINCE_ADMIN).await)).await;
    let ids: Vec<&serde_json::Value> = inbox["tips"].as_array().unwrap().iter().map(|t| &t["id"]).collect();
    assert!(ids.contains(&&sent["id"]), "the province sees its whole subtree");
}

#[tokio::test]
async fn the_inbox_filters_and_keeps_to_the_subtree() {
    let app = TestApp::spawn().await;
    let area = ea_kpam(&app).await;
    let mut calm = dog_thieves(area, "anonymous");
    calm["happening_now"] = json!(false);
    calm["category"] = json!("gambling");
    app.post_json("/api/v1/tips", &calm, None).await;
    app.post_json("/api/v1/tips", &dog_thieves(area, "anonymous"), None).await;
    let (_, commander) = officer_of_cu_mgar(&app).await;
    let (status, inbox) = app.get_json("/api/v1/tips?sort=oldest", Some(&commander)).await;
    assert_eq!(status, 200);
    // The demo's own anonymous tip about gambling is in this unit too.
    let tips = inbox["tips"].as_array().unwrap();
    assert_eq!(tips.len(), 3);
    assert_eq!(tips[0]["priority"], "urgent", "urgent open tips first");
    assert!(tips[1]["submitted_at"].as_str() <= tips[2]["submitted_at"].as_str(), "then oldest first");
    let (_, only) = app.get_json("/api/v1/tips?category=gambling", Some(&commander)).await;
    assert!(only["tips"].as_array().unwrap().iter().all(|t| t["category"] == "gambling"));
    assert_eq!(only["tips"].as_array().unwrap().len(), 2);
    let (_, page) = app.get_json("/api/v1/tips?per_page=1&page=1&sort=oldest", Some(&commander)).await;
    assert_eq!(page["tips"][0]["id"], tips[1]["id"], "paging");
    let (status, body) = app.get_json("/api/v1/tips?category=poker", Some(&commander)).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("category")));
    let (_, none) = app.get_json("/api/v1/tips", Some(&app.token(TAN_LOI_OFFICER).await)).await;
    assert_eq!(none["tips"].as_array().unwrap().len(), 0, "another unit sees nothing");
    let (status, _) =
        app.get_json("/api/v1/tips?unit=ca-xa-cu-mgar-2025", Some(&app.token(TAN_LOI_OFFICER).await)).await;
    assert_eq!(status, 403);
    let (status, _) = app.get_json("/api/v1/tips", Some(&app.token(CITIZEN_HDAO).await)).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn bad_tips_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let area = ea_kpam(&app).await;
    let before = app.store.count_tips().await.unwrap();
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (json!({"category": "theft", "area_id": area, "protection": "anonymous"}), 422, "missing_field", "description"),
        (
            json!({"category": "theft", "description": "  ", "area_id": area, "protection": "anonymous"}),
            422,
            "required",
            "description",
        ),
        (
            json!({"category": "theft", "description": "x".repeat(5001), "area_id": area, "protection": "anonymous"}),
            422,
            "too_long",
            "description",
        ),
        (
            json!({"category": "murder", "description": "x", "area_id": area, "protection": "anonymous"}),
            422,
            "invalid_field",
            "category",
        ),
        (
            json!({"category": "theft", "description": "x", "location": {"lat": 48.85, "lon": 2.35}, "protection": "anonymous"}),
            422,
            "outside_vietnam",
            "location",
        ),
        (
            json!({"category": "theft", "description": "x", "location": {"lat": 95.0, "lon": 108.0}, "protection": "anonymous"}),
            422,
            "invalid_coordinates",
            "location",
        ),
        (
            json!({"category": "theft", "description": "x", "location": {"lat": "NaN", "lon": 108.0}, "protection": "anonymous"}),
            422,
            "invalid_field",
            "location.lat",
        ),
        (
            json!({"category": "theft", "description": "x", "area_id": 99999999, "protection": "anonymous"}),
            404,
            "area_not_found",
            "area_id",
        ),
        (json!({"category": "theft", "description": "x", "protection": "anonymous"}), 422, "place_required", "area_id"),
        (
            json!({"category": "theft", "description": "x", "area_id": area, "protection": "confidential"}),
            422,
            "sign_in_required",
            "protection",
        ),
        (
            json!({"category": "theft", "description": "x", "area_id": area, "protection": "anonymous", "occurred_at": "hôm qua"}),
            422,
            "invalid_date",
            "occurred_at",
        ),
    ];
    for (body, status, code, field) in cases {
        let (got, answer) = app.post_json("/api/v1/tips", &body, None).await;
        assert_eq!(
            (got, answer["error"]["code"].as_str(), answer["error"]["field"].as_str()),
            (status, Some(code), Some(field)),
            "{body}"
        );
    }
    let res = app.api.post(app.at("/api/v1/tips")).header("content-type", "application/json")
        .body(r#"{"category": "theft", "description": "x", "location": {"lat": NaN, "lon": 108.0}, "protection": "anonymous"}"#)
        .send().await.unwrap();
    assert_eq!(res.status().as_u16(), 400, "NaN is not JSON");
    assert_eq!(app.store.count_tips().await.unwrap(), before);

    // A point with no area goes to the nearest commune centre; its unit answers.
    let point = json!({"category": "drugs", "description": "Có người bán ma tuý gần trường học.", "protection": "anonymous",
        "location": {"lat": 12.79, "lon": 108.08}});
    let (status, sent) = app.post_json("/api/v1/tips", &point, None).await;
    assert_eq!(status, 201, "{sent}");

    // Acting outside one's subtree.
    let (_, tan_loi) = (0, app.token(TAN_LOI_OFFICER).await);
    let (status, _) = app
        .post_json(
            &format!("/api/v1/tips/{}/transitions", sent["id"]),
            &json!({"action": "acknowledge"}),
            Some(&tan_loi),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .post_json(
            &format!("/api/v1/tips/{}/transitions", sent["id"]),
            &json!({"action": "fly"}),
            Some(&app.token(EA_KPAM_COMMANDER).await),
        )
        .await;
    assert!(status == 422 || status == 403);
}

#[tokio::test]
async fn no_reporter_name_or_phone_in_the_database_file() {
    let app = TestApp::spawn().await;
    let area = ea_kpam(&app).await;
    let (_, commander) = officer_of_cu_mgar(&app).await;
    let mut body = dog_thieves(area, "confidential");
    body["on_behalf"] = json!({"name": "Nguyễn Thị Mai Hương", "phone": "0905 123 456"});
    let (status, sent) = app.post_json("/api/v1/tips", &body, Some(&commander)).await;
    assert_eq!(status, 201, "{sent}");
    app.store.checkpoint().await.unwrap();
    let mut raw = std::fs::read(&app.db_path).unwrap();
    if let Ok(wal) = std::fs::read(app.db_path.with_extension("sqlite-wal")) {
        raw.extend(wal);
    }
    let contains = |needle: &str| raw.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!contains("Mai Hương") && !contains("905123456") && !contains("0905 123 456"));
    assert!(contains("Có người lạ đi xe máy"), "the check reads real data");
    // Sealed, but there for those allowed: request, approve, view.
    let (officer, _) = (app.token("0866000001").await, ());
    let path = format!("/api/v1/tips/{}", sent["id"]);
    let (_, request) = app
        .post_json(&format!("{path}/unseal-requests"), &json!({"reason": "Liên hệ nhân chứng"}), Some(&officer))
        .await;
    app.post_json(&format!("{path}/unseal-requests/{}/approval", request["id"]), &json!({}), Some(&commander)).await;
    let (_, who) = app.get_json(&format!("{path}/identity"), Some(&officer)).await;
    assert_eq!((who["name"].as_str(), who["phone"].as_str()), (Some("Nguyễn Thị Mai Hương"), Some("0905 123 456")));
}

#[tokio::test]
async fn a_point_lands_in_the_commune_whose_boundary_holds_it() {
    let app = TestApp::spawn().await;
    // Xã Cư M'gar's (2025, code 24280) centre is far from this point; a square boundary around the point says
    // it is Cư M'gar anyway, while the nearest-centre rule alone would pick another commune.
    let (lat, lon) = (12.60, 108.20);
    let point = json!({"category": "theft", "description": "Mất trộm xe máy.", "protection": "anonymous",
        "location": {"lat": lat, "lon": lon}});
    let (_, before) = app.post_json("/api/v1/tips", &point, None).await;
    let cu_mgar_unit = app.core.units().unit_by_code("ca-xa-cu-mgar-2025").await.unwrap().id;
    assert_ne!(before["unit_id"], cu_mgar_unit);

    let square = json!([[
        [lon - 0.01, lat - 0.01],
        [lon + 0.01, lat - 0.01],
        [lon + 0.01, lat + 0.01],
        [lon - 0.01, lat + 0.01],
        [lon - 0.01, lat - 0.01]
    ]]);
    let geojson = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "24280"}, "geometry": {"type": "Polygon", "coordinates": square}},
        {"type": "Feature", "properties": {"code": "99999"}, "geometry": {"type": "Polygon", "coordinates": square}}]});
    let report = app.core.units().import_boundaries(geojson.to_string().as_bytes(), "code").await.unwrap();
    assert_eq!((report.imported, report.unknown_codes.clone()), (1, vec!["99999".to_owned()]));
    let (_, after) = app.post_json("/api/v1/tips", &point, None).await;
    assert_eq!(after["unit_id"], cu_mgar_unit);

    let broken = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "24259"}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}]});
    assert!(app.core.units().import_boundaries(broken.to_string().as_bytes(), "code").await.is_err());
    assert_eq!(app.store.count_boundaries().await.unwrap(), 1, "a refused file writes nothing");
}

#[tokio::test]
async fn officers_see_the_triage_suggestion_with_its_reasons() {
    let app = TestApp::spawn().await;
    // Filed as "other", typed without tone marks and with abbreviations, as on a phone.
    let body = json!({"category": "other", "description": "co 2 ng dg trom bo o thon 8, nhanh len",
        "area_id": ea_kpam(&app).await, "protection": "anonymous"});
    let (status, sent) = app.post_json("/api/v1/tips", &body, None).await;
    assert_eq!(status, 201, "{sent}");
    let id = sent["id"].as_i64().unwrap();
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (status, view) = app.get_json(&format!("/api/v1/tips/{id}"), Some(&commander)).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&view["triage"]["category"], &view["triage"]["priority"]),
        (&json!("theft"), &json!("urgent")),
        "{view}"
    );
    let because: Vec<&str> =
        view["triage"]["because"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(because.contains(&"trộm") && because.contains(&"đang"), "{because:?}");
    assert_eq!(view["tip"]["category"], "other", "a suggestion, never a change");
    app.sign_in_browser(CU_MGAR_COMMANDER).await;
    let (_, html) = app.page(&format!("/inbox/{id}")).await;
    assert!(html.contains("id=\"tip-triage\"") && html.contains("Gợi ý phân loại: Trộm cắp tài sản · Khẩn"), "{html}");

    // The officer corrects it (cattle theft, but the thieves left: high): the tip changes, the decision is kept
    // beside what the rules said, for measuring them.
    let decision = json!({"category": "theft", "priority": "high"});
    let (status, _) =
        app.send_json(Method::PUT, &format!("/api/v1/tips/{id}/triage"), &decision, Some(&commander)).await;
    assert_eq!(status, 204);
    let (_, view) = app.get_json(&format!("/api/v1/tips/{id}"), Some(&commander)).await;
    assert_eq!((&view["tip"]["category"], &view["tip"]["priority"]), (&json!("theft"), &json!("high")));
    let kept = app.store.triage_decisions(10).await.unwrap();
    assert_eq!(kept[0].tip_id, id);
    assert_eq!(kept[0].suggested, (TipCategory::Theft, Priority::Urgent));
    assert_eq!(kept[0].decided, (TipCategory::Theft, Priority::High));
    // From the tip's page too (the suggestion preselected, here accepted as a drugs tip by choice).
    let csrf = app.csrf(&format!("/inbox/{id}")).await;
    let fields = [("csrf", csrf.as_str()), ("category", "drugs"), ("priority", "normal")];
    let (status, _, _) = app.form(&format!("/inbox/{id}/triage"), &fields).await;
    assert_eq!(status, 303);
    assert_eq!(app.store.triage_decisions(10).await.unwrap()[0].decided, (TipCategory::Drugs, Priority::Normal));
    // Bad input; another unit's officer.
    let (status, body) = app
        .send_json(
            Method::PUT,
            &format!("/api/v1/tips/{id}/triage"),
            &json!({"category": "murder", "priority": "high"}),
            Some(&commander),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let other = app.token(TAN_LOI_OFFICER).await;
    let (status, _) = app.send_json(Method::PUT, &format!("/api/v1/tips/{id}/triage"), &decision, Some(&other)).await;
    assert_eq!(status, 403, "an officer of another unit");
    assert_eq!(app.store.triage_decisions(10).await.unwrap().len(), 2, "refusals keep nothing");
}
