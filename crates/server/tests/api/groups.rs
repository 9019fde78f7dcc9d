//! Sector groups end to end: a commander creates a pawnshop group; a citizen asks to join and is approved,
//! another is invited; members see one another by name (phones only when shared); messages are posted, paged,
//! delivered live over SSE, announced (pinned, every member notified), reported, hidden (kept, seen only by
//! moderators); and every refusal: non-members reading or posting (403), muted and removed members posting
//! (403), empty and oversize messages (422), a flood (429 `too_many_messages`), another unit's officer hiding a
//! message (403).

use serde_json::{json, Value};

use crate::support::*;

const HANH: &str = "0399000002";

async fn setup(app: &TestApp) -> (i64, String, String) {
    let commander = app.token(EA_KPAM_COMMANDER).await;
    let body =
        json!({"kind": "pawnshop", "name": "Nhóm cầm đồ xã Ea KPam", "description": "Chủ tiệm cầm đồ và Công an xã."});
    let (status, group) = app.post_json("/api/v1/units/ca-xa-ea-kpam/groups", &body, Some(&commander)).await;
    assert_eq!(status, 201, "{group}");
    let id = group["id"].as_i64().unwrap();
    let citizen = app.token(CITIZEN_HDAO).await;
    (id, commander, citizen)
}

async fn post(app: &TestApp, group: i64, token: &str, body: &str) -> (u16, Value) {
    app.post_json(&format!("/api/v1/groups/{group}/messages"), &json!({"body": body}), Some(token)).await
}

async fn member_id(app: &TestApp, phone: &str) -> i64 {
    app.core.accounts().account_by_phone(phone).await.unwrap().id
}

#[tokio::test]
async fn members_join_talk_and_see_each_other_by_name() {
    let app = TestApp::spawn().await;
    let (group, commander, citizen) = setup(&app).await;
    let messages = format!("/api/v1/groups/{group}/messages");

    // Asking is not joining: no reading, no posting until approved.
    assert_eq!(app.post_json(&format!("/api/v1/groups/{group}/join"), &json!({}), Some(&citizen)).await.0, 204);
    assert_eq!(app.get_json(&messages, Some(&citizen)).await.0, 403);
    assert_eq!(post(&app, group, &citizen, "Chào các anh chị").await.0, 403);
    let hdao = member_id(&app, CITIZEN_HDAO).await;
    let approve = json!({"change": "approve"});
    let path = format!("/api/v1/groups/{group}/members/{hdao}");
    assert_eq!(app.post_json(&path, &approve, Some(&commander)).await.0, 204);

    // Invited: joins on accepting.
    let hanh = app.token(HANH).await;
    let (status, _) =
        app.post_json(&format!("/api/v1/groups/{group}/invitations"), &json!({"phone": HANH}), Some(&commander)).await;
    assert_eq!(status, 204);
    assert_eq!(app.get_json(&messages, Some(&hanh)).await.0, 403);
    assert_eq!(app.post_json(&format!("/api/v1/groups/{group}/join"), &json!({}), Some(&hanh)).await.0, 204);

    let (status, first) = post(&app, group, &citizen, "Có người mang xe máy không giấy tờ đến cầm.").await;
    assert_eq!(status, 201, "{first}");
    for i in 0..3 {
        assert_eq!(post(&app, group, &hanh, &format!("Tin số {i}")).await.0, 201);
    }
    // Paged, newest first.
    let (_, page) = app.get_json(&format!("{messages}?limit=2"), Some(&hanh)).await;
    let bodies: Vec<&str> = page["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["Tin số 2", "Tin số 1"]);
    let (_, rest) = app.get_json(&format!("{messages}?limit=2&before={}", page["next_before"]), Some(&hanh)).await;
    let bodies: Vec<&str> = rest["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["Tin số 0", "Có người mang xe máy không giấy tờ đến cầm."]);
    assert_eq!(rest["messages"][1]["author_name"], first["author_name"]);

    // Names only; a phone appears once its owner shares it.
    let (_, members) = app.get_json(&format!("/api/v1/groups/{group}/members"), Some(&hanh)).await;
    assert_eq!(members.as_array().unwrap().len(), 3);
    assert!(members.as_array().unwrap().iter().all(|m| m["phone"].is_null()), "{members}");
    let (status, _) = app
        .send_json(
            reqwest::Method::PUT,
            &format!("/api/v1/groups/{group}/share-phone"),
            &json!({"share": true}),
            Some(&citizen),
        )
        .await;
    assert_eq!(status, 204);
    let (_, members) = app.get_json(&format!("/api/v1/groups/{group}/members"), Some(&hanh)).await;
    let shared: Vec<&Value> = members.as_array().unwrap().iter().filter(|m| !m["phone"].is_null()).collect();
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0]["account_id"], hdao);
    assert_eq!(app.get_json("/api/v1/me/groups", Some(&hanh)).await.1[0]["id"], group);
}

#[tokio::test]
async fn messages_reach_connected_members_live_and_announcements_notify_everyone() {
    let app = TestApp::spawn().await;
    let (group, commander, citizen) = setup(&app).await;
    let hdao = member_id(&app, CITIZEN_HDAO).await;
    app.post_json(&format!("/api/v1/groups/{group}/join"), &json!({}), Some(&citizen)).await;
    app.post_json(&format!("/api/v1/groups/{group}/members/{hdao}"), &json!({"change": "approve"}), Some(&commander))
        .await;

    let mut stream =
        app.api.get(app.at(&format!("/api/v1/groups/{group}/events"))).bearer_auth(&citizen).send().await.unwrap();
    assert_eq!(stream.status().as_u16(), 200);
    let body = json!({"body": "Thông báo: từ nay tiệm cầm đồ báo ngay xe không giấy tờ.", "announcement": true});
    let (status, sent) = app.post_json(&format!("/api/v1/groups/{group}/messages"), &body, Some(&commander)).await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["pinned"], true);
    let mut seen = String::new();
    while !seen.contains("event: message") || !seen.contains("tiệm cầm đồ") {
        let chunk =
            tokio::time::timeout(std::time::Duration::from_secs(5), stream.chunk()).await.expect("event in time");
        seen.push_str(&String::from_utf8_lossy(&chunk.unwrap().unwrap()));
    }
    let (_, history) = app.get_json(&format!("/api/v1/groups/{group}/messages"), Some(&citizen)).await;
    assert_eq!(history["pinned"][0]["id"], sent["id"]);
    let (_, inbox) = app.get_json("/api/v1/me/notifications", Some(&citizen)).await;
    assert_eq!(inbox["notifications"][0]["kind"], "group_announcement");
    assert_eq!(inbox["notifications"][0]["link"], format!("/groups/{group}"));
    // Only officers announce.
    let (status, _) = app
        .post_json(
            &format!("/api/v1/groups/{group}/messages"),
            &json!({"body": "x", "announcement": true}),
            Some(&citizen),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn moderation_and_every_refusal() {
    let app = TestApp::spawn().await;
    let (group, commander, citizen) = setup(&app).await;
    let hdao = member_id(&app, CITIZEN_HDAO).await;
    let stranger = app.token(HANH).await;
    app.post_json(&format!("/api/v1/groups/{group}/join"), &json!({}), Some(&citizen)).await;
    let member = format!("/api/v1/groups/{group}/members/{hdao}");
    app.post_json(&member, &json!({"change": "approve"}), Some(&commander)).await;

    // Non-members neither read nor post; another unit's officer neither.
    let tan_loi = app.token(TAN_LOI_OFFICER).await;
    for token in [&stranger, &tan_loi] {
        assert_eq!(app.get_json(&format!("/api/v1/groups/{group}/messages"), Some(token)).await.0, 403);
        assert_eq!(post(&app, group, token, "Xin chào").await.0, 403);
    }
    assert_eq!(app.get_json(&format!("/api/v1/groups/{group}/messages"), None).await.0, 401);

    // Empty, blank and oversize messages.
    for (body, code) in [("", "required"), ("   \n ", "required"), (&"a".repeat(2001) as &str, "too_long")] {
        let (status, err) = post(&app, group, &citizen, body).await;
        assert_eq!(
            (status, err["error"]["code"].as_str(), err["error"]["field"].as_str()),
            (422, Some(code), Some("body"))
        );
    }
    assert_eq!(post(&app, group, &citizen, &"ạ".repeat(2000)).await.0, 201);

    // A member reports a message; a moderator hides it: kept, unseen by members, marked for moderators.
    let (_, bad) = post(&app, group, &citizen, "Ai cần vay nóng lãi thấp liên hệ 09xx").await;
    let bad_id = bad["id"].as_i64().unwrap();
    let (status, _) = app
        .post_json(
            &format!("/api/v1/group-messages/{bad_id}/report"),
            &json!({"reason": "tín dụng đen"}),
            Some(&citizen),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(app.store.message_reports(bad_id).await.unwrap(), 1);
    // Another unit's officer may not hide it.
    assert_eq!(
        app.post_json(&format!("/api/v1/group-messages/{bad_id}/hide"), &json!({}), Some(&tan_loi)).await.0,
        403
    );
    assert_eq!(
        app.post_json(&format!("/api/v1/group-messages/{bad_id}/hide"), &json!({}), Some(&citizen)).await.0,
        403
    );
    assert_eq!(
        app.post_json(&format!("/api/v1/group-messages/{bad_id}/hide"), &json!({}), Some(&commander)).await.0,
        204
    );
    // The hiding is in the audit log (ids only, never the words).
    let log = app.store.audit_entries(0, 100_000).await.unwrap();
    let hidden = log.iter().find(|e| e.action == "group.message_hidden").expect("logged");
    assert_eq!(hidden.subject_id, Some(bad_id));
    assert!(!hidden.detail.contains("vay"));
    let (_, seen) = app.get_json(&format!("/api/v1/groups/{group}/messages"), Some(&citizen)).await;
    assert!(seen["messages"].as_array().unwrap().iter().all(|m| m["id"] != bad_id));
    let (_, moderated) = app.get_json(&format!("/api/v1/groups/{group}/messages"), Some(&commander)).await;
    let kept = moderated["messages"].as_array().unwrap().iter().find(|m| m["id"] == bad_id).expect("kept");
    assert_eq!(kept["hidden"], true);
    assert_eq!(app.post_json("/api/v1/group-messages/999999/hide", &json!({}), Some(&commander)).await.0, 404);

    // Muted: reads, cannot post; unmuted: posts; removed: neither.
    app.post_json(&member, &json!({"change": "mute"}), Some(&commander)).await;
    assert_eq!(post(&app, group, &citizen, "Tôi bị khoá?").await.0, 403);
    assert_eq!(app.get_json(&format!("/api/v1/groups/{group}/messages"), Some(&citizen)).await.0, 200);
    app.post_json(&member, &json!({"change": "unmute"}), Some(&commander)).await;
    assert_eq!(post(&app, group, &citizen, "Đã được mở").await.0, 201);
    let (status, err) = app.post_json(&member, &json!({"change": "promote"}), Some(&commander)).await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("change")));
    app.post_json(&member, &json!({"change": "remove"}), Some(&commander)).await;
    let log = app.store.audit_entries(0, 100_000).await.unwrap();
    let changes = log.iter().filter(|e| e.action == "group.member_changed" && e.subject_id == Some(hdao)).count();
    assert_eq!(changes, 4, "approve, mute, unmute, remove");
    assert_eq!(post(&app, group, &citizen, "Còn ai không?").await.0, 403);
    assert_eq!(app.get_json(&format!("/api/v1/groups/{group}/messages"), Some(&citizen)).await.0, 403);
    assert_eq!(app.post_json(&format!("/api/v1/groups/{group}/join"), &json!({}), Some(&citizen)).await.0, 403);

    // Bad group fields and ids.
    let (status, err) = app
        .post_json("/api/v1/units/ca-xa-ea-kpam/groups", &json!({"kind": "casino", "name": "X"}), Some(&commander))
        .await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("kind")));
    let (status, _) = app
        .post_json("/api/v1/units/ca-xa-ea-kpam/groups", &json!({"kind": "cafe", "name": "X"}), Some(&tan_loi))
        .await;
    assert_eq!(status, 403);
    assert_eq!(app.get_json("/api/v1/groups/abc/messages", Some(&commander)).await.0, 404);
}

#[tokio::test]
async fn a_flood_from_one_member_is_slowed_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let (group, commander, _) = setup(&app).await;
    let allowed = binhyen_core::groups::MESSAGES_PER_MINUTE as usize;
    for i in 0..allowed {
        assert_eq!(post(&app, group, &commander, &format!("Tin {i}")).await.0, 201);
    }
    let (status, err) = post(&app, group, &commander, "Một tin nữa").await;
    assert_eq!((status, err["error"]["code"].as_str()), (429, Some("too_many_messages")));
    assert!(err["error"]["message"].as_str().unwrap().contains("quá nhanh"), "{err}");
    // Files count too, before they are read.
    let url = app.at(&format!("/api/v1/groups/{group}/files"));
    let res = app.api.put(url).bearer_auth(&commander).body(crate::media_fixtures::png()).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 429);
    // The minute passes.
    app.clock.advance(time::Duration::seconds(61));
    assert_eq!(post(&app, group, &commander, "Sau một phút").await.0, 201);
}

#[tokio::test]
async fn an_officer_turns_a_members_message_into_a_tip() {
    let app = TestApp::spawn().await;
    let (group, commander, citizen) = setup(&app).await;
    let hdao = member_id(&app, CITIZEN_HDAO).await;
    app.post_json(&format!("/api/v1/groups/{group}/join"), &json!({}), Some(&citizen)).await;
    app.post_json(&format!("/api/v1/groups/{group}/members/{hdao}"), &json!({"change": "approve"}), Some(&commander))
        .await;
    let (_, said) =
        post(&app, group, &citizen, "Có nhóm người lạ tụ tập đánh bạc ở rẫy cà phê buôn Bling, sát phạt lớn.").await;
    let message = said["id"].as_i64().unwrap();
    let to_tip = format!("/api/v1/group-messages/{message}/tip");

    // Not a member's to do, nor another unit's officer's.
    assert_eq!(app.post_json(&to_tip, &json!({}), Some(&citizen)).await.0, 403);
    assert_eq!(app.post_json(&to_tip, &json!({}), Some(&app.token(TAN_LOI_OFFICER).await)).await.0, 403);

    let (status, made) = app.post_json(&to_tip, &json!({}), Some(&commander)).await;
    assert_eq!(status, 201, "{made}");
    let tip_id = made["tip_id"].as_i64().unwrap();
    // The tip is the author's, with the message's words and the rules' category, routed by the author's home.
    let tip = app.store.tip(tip_id).await.unwrap();
    assert_eq!(tip.description, said["body"].as_str().unwrap());
    assert_eq!(tip.category.as_str(), "gambling");
    assert_eq!(tip.reporter_account_id, Some(hdao));
    // Linked: the officers see the tip on the message; members do not.
    let (_, history) = app.get_json(&format!("/api/v1/groups/{group}/messages"), Some(&commander)).await;
    assert_eq!(history["messages"][0]["tip_id"], tip_id);
    let (_, history) = app.get_json(&format!("/api/v1/groups/{group}/messages"), Some(&citizen)).await;
    assert!(history["messages"][0]["tip_id"].is_null());
    assert_eq!(app.store.message_of_tip(tip_id).await.unwrap(), Some((binhyen_domain::group::GroupId(group), message)));
    // The author is told.
    let (_, inbox) = app.get_json("/api/v1/me/notifications", Some(&citizen)).await;
    assert_eq!(inbox["notifications"][0]["kind"], "group_message_tip");
    // Once only.
    let (status, err) = app.post_json(&to_tip, &json!({}), Some(&commander)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("already_a_tip")));

    // Confidential: sealed, and the author is not told.
    let (_, said) = post(&app, group, &citizen, "Nghe nói có người cho vay lãi nặng ở thôn 3, ép trả gấp đôi.").await;
    let path = format!("/api/v1/group-messages/{}/tip", said["id"]);
    let (status, made) =
        app.post_json(&path, &json!({"category": "loan_sharking", "confidential": true}), Some(&commander)).await;
    assert_eq!(status, 201, "{made}");
    let tip = app.store.tip(made["tip_id"].as_i64().unwrap()).await.unwrap();
    assert_eq!((tip.category.as_str(), tip.protection.as_str()), ("loan_sharking", "confidential"));
    let (_, inbox) = app.get_json("/api/v1/me/notifications", Some(&citizen)).await;
    let told = inbox["notifications"].as_array().unwrap().iter().filter(|n| n["kind"] == "group_message_tip").count();
    assert_eq!(told, 1);
}

#[tokio::test]
async fn photos_lose_their_metadata_documents_pass_and_other_files_are_refused() {
    let app = TestApp::spawn().await;
    let (group, commander, citizen) = setup(&app).await;
    let put = |token: String, bytes: Vec<u8>, caption: &'static str| {
        let url = app.at(&format!("/api/v1/groups/{group}/files?caption={caption}"));
        let client = app.api.clone();
        async move {
            let res = client.put(url).bearer_auth(token).body(bytes).send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // A phone's photo: stored and served without its camera or GPS data.
    let photo = crate::media_fixtures::jpeg_with(&[crate::media_fixtures::exif_app1(Some(1))]);
    assert!(crate::media_fixtures::contains(&photo, crate::media_fixtures::CAMERA_MAKE));
    let (status, sent) = put(commander.clone(), photo, "Xe%20nghi%20v%E1%BA%A5n").await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!((sent["file_kind"].as_str(), sent["body"].as_str()), (Some("jpg"), Some("Xe nghi vấn")));
    let res = app.api.get(app.at(sent["file_url"].as_str().unwrap())).bearer_auth(&commander).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let served = res.bytes().await.unwrap();
    assert!(!crate::media_fixtures::contains(&served, crate::media_fixtures::CAMERA_MAKE));
    assert!(!crate::media_fixtures::contains(&served, &crate::media_fixtures::GPS_LATITUDE));

    // A PDF passes as it is.
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
    let (status, sent) = put(commander.clone(), pdf, "").await;
    assert_eq!((status, sent["file_kind"].as_str()), (201, Some("pdf")));

    // An executable, an HTML page, nothing at all: refused.
    for bytes in
        [b"MZ\x90\x00\x03\x00\x00\x00".to_vec(), b"<html><script>alert(1)</script></html>".to_vec(), Vec::new()]
    {
        let (status, err) = put(commander.clone(), bytes, "").await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some("file")), "{err}");
    }
    // Not a member: refused before the file is read; nor may they fetch one.
    let (status, _) = put(citizen.clone(), crate::media_fixtures::png(), "").await;
    assert_eq!(status, 403);
    let res = app.api.get(app.at(sent["file_url"].as_str().unwrap())).bearer_auth(&citizen).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
}

#[tokio::test]
async fn a_household_cluster_speaks_in_its_village_group_for_one_of_its_households() {
    let app = TestApp::spawn().await;
    let commander = app.token(EA_KPAM_COMMANDER).await;
    let body = json!({"kind": "village", "name": "Nhóm buôn Bling", "description": "Bà con buôn Bling và Công an xã."});
    let (_, group) = app.post_json("/api/v1/units/ca-xa-ea-kpam/groups", &body, Some(&commander)).await;
    let group = group["id"].as_i64().unwrap();
    let cluster = app.token(CLUSTER).await;
    let cluster_id = member_id(&app, CLUSTER).await;
    app.post_json(&format!("/api/v1/groups/{group}/join"), &json!({}), Some(&cluster)).await;
    app.post_json(
        &format!("/api/v1/groups/{group}/members/{cluster_id}"),
        &json!({"change": "approve"}),
        Some(&commander),
    )
    .await;
    let households = app.store.households(cluster_id).await.unwrap();
    let household = &households[0];

    let said = json!({"body": "Nhà tôi mất một con bò đêm qua.", "household_id": household.id});
    let (status, sent) = app.post_json(&format!("/api/v1/groups/{group}/messages"), &said, Some(&cluster)).await;
    assert_eq!(status, 201, "{sent}");
    let cluster_name = app.core.accounts().account(cluster_id).await.unwrap().display_name;
    assert_eq!(sent["author_name"], cluster_name.as_str());
    assert_eq!(sent["household_name"], household.head_name.as_str());
    // Without a household, the cluster speaks as itself.
    let (_, plain) = post(&app, group, &cluster, "Cả cụm nhắc nhau khoá chuồng.").await;
    assert!(plain["household_name"].is_null());
    // Not one of its households (nor anybody else's to name).
    let (status, err) = app
        .post_json(
            &format!("/api/v1/groups/{group}/messages"),
            &json!({"body": "x", "household_id": 999999}),
            Some(&cluster),
        )
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str(), err["error"]["field"].as_str()),
        (422, Some("not_your_household"), Some("household_id"))
    );
}

#[tokio::test]
async fn the_group_page_lets_a_citizen_ask_to_join_and_write() {
    let app = TestApp::spawn().await;
    let (group, commander, _) = setup(&app).await;
    app.sign_in_browser(CITIZEN_HDAO).await;
    let page = format!("/groups/{group}");
    // The unit's page shows its groups.
    let (_, html) = app.page("/units/ca-xa-ea-kpam").await;
    assert!(html.contains(&format!("href=\"/groups/{group}\"")), "the unit page lists its groups");

    let (_, html) = app.page(&page).await;
    assert!(html.contains("id=\"group-join\"") && !html.contains("id=\"group-messages\""));
    let csrf = app.csrf(&page).await;
    let (status, location, _) = app.form(&format!("/groups/{group}/join"), &[("csrf", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (303, Some(page.as_str())));
    let (_, html) = app.page(&page).await;
    assert!(html.contains("id=\"group-pending\""));

    let hdao = member_id(&app, CITIZEN_HDAO).await;
    app.post_json(&format!("/api/v1/groups/{group}/members/{hdao}"), &json!({"change": "approve"}), Some(&commander))
        .await;
    let (status, _, _) = app
        .form(
            &format!("/groups/{group}/messages"),
            &[("csrf", &csrf), ("body", "Tiệm tôi vừa nhận cầm một xe không giấy tờ.")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, html) = app.page(&page).await;
    assert!(html.contains("Tiệm tôi vừa nhận cầm một xe không giấy tờ."));
    // An empty message is refused in Vietnamese, on the page.
    let (status, _, html) = app.form(&format!("/groups/{group}/messages"), &[("csrf", &csrf), ("body", "  ")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("Vui lòng điền thông tin này."));
    // Only officers announce; a citizen's ticked box is refused.
    let (status, _, _) =
        app.form(&format!("/groups/{group}/messages"), &[("csrf", &csrf), ("body", "x"), ("announcement", "1")]).await;
    assert_eq!(status, 403);
}
