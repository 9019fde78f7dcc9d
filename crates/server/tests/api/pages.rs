//! Unit pages end to end: following, writing posts (who may, what HTML survives), drafts and scheduled posts,
//! edits with history, pinning, the home feed and its cursor, and the pages a citizen is offered.

use binhyen_core::Clock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::*;

const PAGE: &str = "/api/v1/pages/ca-xa-cu-mgar-2025";

async fn write(app: &TestApp, token: &str, page: &str, body: Value) -> (u16, Value) {
    app.post_json(&format!("{page}/posts"), &body, Some(token)).await
}

fn warning(title: &str) -> Value {
    json!({"kind": "warning", "title": title, "body": "**Cảnh báo** thủ đoạn giả danh công an gọi điện lừa đảo."})
}

#[tokio::test]
async fn citizens_follow_pages_and_read_their_posts_newest_first() {
    let app = TestApp::spawn().await;
    let citizen = app.token(CITIZEN_HDAO).await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (status, page) = app.get_json(PAGE, None).await;
    assert_eq!((status, &page["followers"], &page["following"]), (200, &json!(0), &json!(false)), "{page}");

    for _ in 0..2 {
        let (status, body) = app.send_json(Method::PUT, &format!("{PAGE}/follow"), &json!({}), Some(&citizen)).await;
        assert_eq!((status, &body["followers"]), (200, &json!(1)), "following twice is following once");
    }
    let (_, page) = app.get_json(PAGE, Some(&citizen)).await;
    assert_eq!(page["following"], true);
    app.send_json(Method::PUT, "/api/v1/pages/ca-tinh-dak-lak/follow", &json!({}), Some(&citizen)).await;

    let mut written = Vec::new();
    for n in 0..23 {
        let (status, post) = write(&app, &commander, PAGE, warning(&format!("Cảnh báo số {n}"))).await;
        assert_eq!(status, 201, "{post}");
        written.push(post["id"].as_i64().unwrap());
        app.clock.advance(time::Duration::seconds(1));
    }
    let admin = app.token(PROVINCE_ADMIN).await;
    let (status, province_post) = write(
        &app,
        &admin,
        "/api/v1/pages/ca-tinh-dak-lak",
        json!({"kind": "health", "title": "Phòng chống bạch hầu",
            "body": "Tiêm vắc-xin đầy đủ."}),
    )
    .await;
    assert_eq!(status, 201, "{province_post}");
    let (_, first) = app.get_json("/api/v1/me/feed", Some(&citizen)).await;
    let ids: Vec<i64> = first["posts"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 20);
    assert_eq!(ids[0], province_post["id"].as_i64().unwrap(), "newest first, across followed pages");
    assert_eq!(ids[1], written[22]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (status, second) = app.get_json(&format!("/api/v1/me/feed?cursor={cursor}"), Some(&citizen)).await;
    assert_eq!(status, 200);
    let older: Vec<i64> = second["posts"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(older, [written[3], written[2], written[1], written[0]]);
    assert!(second["next_cursor"].is_null(), "the last page");

    // A cursor that was altered or made up is refused, not followed.
    let tampered = cursor.replacen('.', "1.", 1);
    for bad in [tampered.as_str(), "1.2.3", "abc", "9999999999999.1.0000000000000000"] {
        let (status, body) = app.get_json(&format!("/api/v1/me/feed?cursor={bad}"), Some(&citizen)).await;
        assert_eq!(
            (status, body["error"]["code"].as_str(), body["error"]["field"].as_str()),
            (422, Some("invalid_cursor"), Some("cursor")),
            "{bad}"
        );
    }
    let (status, own) = app.get_json(&format!("{PAGE}/posts"), None).await;
    assert_eq!((status, own["posts"].as_array().unwrap().len()), (200, 20), "a page's own feed is public");

    let (status, body) = app.send_json(Method::DELETE, &format!("{PAGE}/follow"), &json!({}), Some(&citizen)).await;
    assert_eq!((status, &body["followers"]), (200, &json!(0)));
    let (_, feed) = app.get_json("/api/v1/me/feed", Some(&citizen)).await;
    assert_eq!(feed["posts"].as_array().unwrap().len(), 1, "only the province's post now");
}

#[tokio::test]
async fn only_commanders_of_the_unit_or_above_write_and_no_script_survives() {
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let evil = json!({"kind": "news", "title": "Tin <b>mới</b>",
        "body": "<script>alert('x')</script>\n\n[bấm](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n\n**đậm**"});
    let (status, post) = write(&app, &commander, PAGE, evil).await;
    assert_eq!(status, 201, "{post}");
    let html = post["body_html"].as_str().unwrap();
    assert!(html.contains("<strong>đậm</strong>"), "{html}");
    for bad in ["<script", "href=\"javascript:", "onerror"] {
        assert!(!html.contains(bad), "{html}");
    }
    // By unit: another commune's officer; by role: a plain officer of the unit itself.
    for phone in [TAN_LOI_OFFICER, CU_MGAR_DUTY_OFFICER] {
        let (status, body) = write(&app, &app.token(phone).await, PAGE, warning("x")).await;
        assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")), "{phone}");
    }
    let citizen = app.token(CITIZEN_HDAO).await;
    let (status, _) = write(&app, &citizen, PAGE, warning("x")).await;
    assert_eq!(status, 403);
    let (status, body) = write(&app, &commander, PAGE, json!({"kind": "gossip", "title": "x", "body": "y"})).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = write(&app, &commander, PAGE, json!({"kind": "news", "title": "  ", "body": "y"})).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("title")));
    let (status, body) =
        write(&app, &commander, PAGE, json!({"kind": "news", "title": "x", "body": "y".repeat(20_001)})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("too_long")));
    let (status, _) = write(&app, &commander, "/api/v1/pages/no-such-unit", warning("x")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn drafts_and_scheduled_posts_wait_edits_keep_history_and_pins_stay_on_top() {
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (_, draft) = write(
        &app,
        &commander,
        PAGE,
        json!({"kind": "procedure", "title": "Cấp lại căn cước",
        "body": "Mang theo giấy tờ.", "draft": true}),
    )
    .await;
    let later =
        (app.clock.now() + time::Duration::hours(1)).format(&time::format_description::well_known::Rfc3339).unwrap();
    let (_, scheduled) = write(
        &app,
        &commander,
        PAGE,
        json!({"kind": "news", "title": "Họp dân",
        "body": "Tối nay.", "publish_at": later}),
    )
    .await;
    assert_eq!(scheduled["state"], "published");
    let (_, feed) = app.get_json(&format!("{PAGE}/posts"), None).await;
    assert!(feed["posts"].as_array().unwrap().is_empty(), "neither a draft nor a post whose time has not come");
    let (status, _) = app.get_json(&format!("/api/v1/posts/{}", draft["id"]), None).await;
    assert_eq!(status, 404, "a draft is not public");
    let (status, _) = app.get_json(&format!("/api/v1/posts/{}", draft["id"]), Some(&commander)).await;
    assert_eq!(status, 200, "but its unit's commanders see it");

    app.clock.advance(time::Duration::minutes(61));
    let (_, feed) = app.get_json(&format!("{PAGE}/posts"), None).await;
    assert_eq!(feed["posts"][0]["id"], scheduled["id"], "its time has come");

    let publish = format!("/api/v1/posts/{}/publish", draft["id"]);
    let (status, published) = app.post_json(&publish, &json!({}), Some(&commander)).await;
    assert_eq!((status, &published["state"]), (200, &json!("published")));
    let (status, body) = app.post_json(&publish, &json!({}), Some(&commander)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_published")));

    let edit = json!({"title": "Cấp lại thẻ căn cước", "body": "Mang theo **giấy khai sinh**."});
    let path = format!("/api/v1/posts/{}", draft["id"]);
    let (status, edited) = app.send_json(Method::PUT, &path, &edit, Some(&commander)).await;
    assert_eq!((status, edited["title"].as_str()), (200, Some("Cấp lại thẻ căn cước")));
    let revisions = app.store.post_revisions(draft["id"].as_i64().unwrap()).await.unwrap();
    assert_eq!(
        revisions.iter().map(|r| r.2.as_str()).collect::<Vec<_>>(),
        ["Cấp lại căn cước"],
        "the old text is kept"
    );
    let (status, _) = app.send_json(Method::PUT, &path, &edit, Some(&app.token(TAN_LOI_OFFICER).await)).await;
    assert_eq!(status, 403);

    let (status, pinned) =
        app.send_json(Method::PUT, &format!("{path}/pin"), &json!({"pinned": true}), Some(&commander)).await;
    assert_eq!((status, &pinned["pinned"]), (200, &json!(true)));
    let (_, page) = app.get_json(PAGE, None).await;
    assert_eq!(page["pinned"][0]["id"], draft["id"]);
}

#[tokio::test]
async fn a_citizen_is_offered_the_page_of_their_commune_and_those_above_it() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/api/v1/me/suggested-pages", Some(&app.token(CITIZEN_HDAO).await)).await;
    assert_eq!(status, 200, "{body}");
    let codes: Vec<&str> = body["pages"].as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["ca-xa-cu-mgar-2025", "ca-tinh-dak-lak"], "buôn Bling is answered for by Cư M'gar today");
}

#[tokio::test]
async fn a_page_is_an_atom_feed_that_an_independent_reader_understands() {
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    for title in ["Cảnh báo lừa đảo qua điện thoại", "Thông báo: cấp lại thẻ căn cước <mới>"]
    {
        let (status, _) = write(&app, &commander, PAGE, warning(title)).await;
        assert_eq!(status, 201);
        app.clock.advance(time::Duration::seconds(1));
    }
    let res = app.api.get(app.at(&format!("{PAGE}/feed.atom"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    let xml = res.bytes().await.unwrap();
    let feed = feed_rs::parser::parse(&xml[..]).expect("a valid Atom feed");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.title.unwrap().content, "Công an xã Cư M'gar");
    let titles: Vec<String> = feed.entries.iter().map(|e| e.title.clone().unwrap().content).collect();
    assert_eq!(titles, ["Thông báo: cấp lại thẻ căn cước <mới>", "Cảnh báo lừa đảo qua điện thoại"], "newest first");
    let body = feed.entries[0].content.as_ref().unwrap().body.clone().unwrap();
    assert!(body.contains("<strong>Cảnh báo</strong>"), "{body}");
    assert!(
        feed.entries[0].published.is_some()
            && feed.entries[0].links[0].href.contains("/units/ca-xa-cu-mgar-2025#post-")
    );
    let (status, _) = app.get_json("/api/v1/pages/no-such-unit/feed.atom", None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_citizens_article_is_approved_with_credit_or_rejected_with_a_reason() {
    let app = TestApp::spawn().await;
    let citizen = app.token(CITIZEN_HDAO).await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let send = |title: &str, credit: bool| json!({"title": title, "body": "Buôn Bling đã lắp thêm đèn đường. <script>alert(1)</script>", "credit": credit});
    let articles = format!("{PAGE}/articles");
    let (status, credited) = app.post_json(&articles, &send("Thắp sáng đường quê", true), Some(&citizen)).await;
    assert_eq!((status, &credited["state"]), (201, &json!("submitted")), "{credited}");
    let (_, unnamed) = app.post_json(&articles, &send("Không ký tên", false), Some(&citizen)).await;
    let (_, third) = app.post_json(&articles, &send("Chưa phù hợp", true), Some(&citizen)).await;

    let (status, queue) = app.get_json(&articles, Some(&commander)).await;
    assert_eq!((status, queue["articles"].as_array().unwrap().len()), (200, 3));
    let (status, _) = app.get_json(&articles, Some(&app.token(TAN_LOI_OFFICER).await)).await;
    assert_eq!(status, 403, "another commune's officer");
    let (status, _) = app.get_json(&articles, Some(&citizen)).await;
    assert_eq!(status, 403);

    let approve = |id: &Value| format!("/api/v1/articles/{id}/approve");
    let (status, post) = app.post_json(&approve(&credited["id"]), &json!({"kind": "news"}), Some(&commander)).await;
    assert_eq!(status, 200, "{post}");
    let html = post["body_html"].as_str().unwrap();
    assert!(html.contains("H'Đào Niê") && !html.contains("<script"), "credited and clean: {html}");
    let edited = json!({"kind": "news", "title": "Đèn đường mới ở buôn Bling"});
    let (_, post2) = app.post_json(&approve(&unnamed["id"]), &edited, Some(&commander)).await;
    assert_eq!(post2["title"], "Đèn đường mới ở buôn Bling", "edited before publishing");
    assert!(!post2["body_html"].as_str().unwrap().contains("H'Đào"), "not named, as she asked");
    let (status, body) = app.post_json(&approve(&credited["id"]), &json!({"kind": "news"}), Some(&commander)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("article_decided")));

    let reject = format!("/api/v1/articles/{}/reject", third["id"]);
    let (status, body) = app.post_json(&reject, &json!({"reason": " "}), Some(&commander)).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("reason")));
    let (status, rejected) =
        app.post_json(&reject, &json!({"reason": "Nội dung trùng bài đã đăng."}), Some(&commander)).await;
    assert_eq!((status, &rejected["state"]), (200, &json!("rejected")));

    let (_, mine) = app.get_json("/api/v1/me/articles", Some(&citizen)).await;
    let states: Vec<&str> = mine["articles"].as_array().unwrap().iter().map(|a| a["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["rejected", "approved", "approved"]);
    assert_eq!(mine["articles"][0]["reason"], "Nội dung trùng bài đã đăng.");
    let (_, inbox) = app.get_json("/api/v1/me/notifications", Some(&citizen)).await;
    assert_eq!(inbox["unread"], 3, "told of each decision");
    let (_, feed) = app.get_json(&format!("{PAGE}/posts"), None).await;
    assert_eq!(feed["posts"].as_array().unwrap().len(), 2);

    let (status, body) = app.post_json(&articles, &json!({"title": "", "body": "x"}), Some(&citizen)).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("title")));
    let (status, _) = app.post_json(&articles, &send("x", true), None).await;
    assert_eq!(status, 401);
    let (status, _) =
        app.post_json("/api/v1/articles/999999/approve", &json!({"kind": "news"}), Some(&commander)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn photos_in_posts_are_cleaned_placed_by_markdown_and_public_with_their_post() {
    use crate::media_fixtures as fx;
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let (_, draft) = write(
        &app,
        &commander,
        PAGE,
        json!({"kind": "news", "title": "Ảnh hiện trường",
        "body": "Sẽ có ảnh.", "draft": true}),
    )
    .await;
    let upload = |token: String, bytes: Vec<u8>| {
        let url = app.at(&format!("/api/v1/posts/{}/images", draft["id"]));
        async move {
            let res = reqwest::Client::new().post(url).bearer_auth(token).body(bytes).send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let with_exif = fx::jpeg_with(&[fx::exif_app1(Some(1))]);
    assert!(fx::contains(&with_exif, b"Exif"));
    let (status, image) = upload(commander.clone(), with_exif).await;
    assert_eq!((status, image["kind"].as_str()), (201, Some("jpg")), "{image}");
    let url = image["url"].as_str().unwrap().to_owned();
    assert_eq!(image["markdown"], format!("![]({url})"));

    // Not public while the post is a draft; its unit's commander sees it, without the metadata.
    let res = app.api.get(app.at(&url)).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let res = app.api.get(app.at(&url)).bearer_auth(&commander).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert!(!fx::contains(&res.bytes().await.unwrap(), b"Exif"), "location and device data removed");

    let body = json!({"title": "Ảnh hiện trường", "body": format!("Ảnh:\n\n{}", image["markdown"].as_str().unwrap())});
    let (_, edited) =
        app.send_json(Method::PUT, &format!("/api/v1/posts/{}", draft["id"]), &body, Some(&commander)).await;
    assert!(edited["body_html"].as_str().unwrap().contains(&format!("<img src=\"{url}\"")), "{edited}");
    app.post_json(&format!("/api/v1/posts/{}/publish", draft["id"]), &json!({}), Some(&commander)).await;
    let res = app.api.get(app.at(&url)).send().await.unwrap();
    assert_eq!(res.status(), 200, "public with its post");

    // What is not a photo is refused; another unit's officer may not add one.
    let (status, body) = upload(commander.clone(), b"<html><script>alert(1)</script></html>".to_vec()).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("file")), "{body}");
    let video = fx::mp4_fast_start(&fx::Track { handler: *b"vide", wide_offsets: false });
    let (status, body) = upload(commander.clone(), video).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("not_an_image")), "{body}");
    let (status, _) = upload(app.token(TAN_LOI_OFFICER).await, fx::png()).await;
    assert_eq!(status, 403);
    // The sweep of unreferenced objects keeps post photos.
    app.clock.advance(time::Duration::hours(2));
    app.core.sweep_attachments().await.unwrap();
    assert_eq!(app.api.get(app.at(&url)).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn commanders_describe_their_page_and_set_its_avatar_without_metadata() {
    use crate::media_fixtures as fx;
    let app = TestApp::spawn().await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let about =
        json!({"description": "  Trang của Công an xã Cư M'gar: cảnh báo, hướng dẫn thủ tục, tiếp nhận tin báo.  "});
    let (status, _) = app.send_json(Method::PUT, PAGE, &about, Some(&commander)).await;
    assert_eq!(status, 204);
    let (_, page) = app.get_json(PAGE, None).await;
    assert_eq!(page["description"], "Trang của Công an xã Cư M'gar: cảnh báo, hướng dẫn thủ tục, tiếp nhận tin báo.");
    assert!(page["avatar_url"].is_null());

    let upload = |token: String, bytes: Vec<u8>| {
        let url = app.at(&format!("{PAGE}/avatar"));
        async move {
            let res = reqwest::Client::new().put(url).bearer_auth(token).body(bytes).send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, body) = upload(commander.clone(), fx::jpeg_with(&[fx::exif_app1(Some(1))])).await;
    assert_eq!(status, 204, "{body}");
    let (_, page) = app.get_json(PAGE, None).await;
    let url = page["avatar_url"].as_str().unwrap().to_owned();
    let res = app.api.get(app.at(&url)).send().await.unwrap();
    assert_eq!((res.status().as_u16(), &res.headers()["content-type"]), (200, &"image/jpeg".parse().unwrap()));
    assert!(!fx::contains(&res.bytes().await.unwrap(), b"Exif"), "public, without location or device data");
    let (_, html) = app.page("/units/ca-xa-cu-mgar-2025").await;
    assert!(html.contains("id=\"page-avatar\"") && html.contains("tiếp nhận tin báo"), "{html}");

    // Bad input and who: not a photo, a video, too long a description, another unit's officer, a citizen.
    let (status, body) = upload(commander.clone(), b"MZ\x90\x00\x03 an executable".to_vec()).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("file")), "{body}");
    let video = fx::mp4_fast_start(&fx::Track { handler: *b"vide", wide_offsets: false });
    let (status, body) = upload(commander.clone(), video).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("not_an_image")), "{body}");
    let long = json!({"description": "x".repeat(2001)});
    let (status, body) = app.send_json(Method::PUT, PAGE, &long, Some(&commander)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("too_long")), "{body}");
    for phone in [TAN_LOI_OFFICER, CITIZEN_HDAO] {
        let token = app.token(phone).await;
        let (status, _) = upload(token.clone(), fx::png()).await;
        assert_eq!(status, 403, "{phone}");
        let (status, _) = app.send_json(Method::PUT, PAGE, &about, Some(&token)).await;
        assert_eq!(status, 403, "{phone}");
    }
    let (status, body) = app.get_json("/api/v1/pages/ca-tinh-dak-lak/avatar", None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("image_not_found")));
    // The sweep of unreferenced objects keeps avatars.
    app.clock.advance(time::Duration::hours(2));
    app.core.sweep_attachments().await.unwrap();
    assert_eq!(app.api.get(app.at(&url)).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn the_demo_page_of_ea_kpam_has_the_articles_posts_and_a_follower() {
    let app = TestApp::spawn().await;
    let (status, page) = app.get_json("/api/v1/pages/ca-xa-ea-kpam", None).await;
    assert_eq!((status, &page["followers"]), (200, &json!(1)), "{page}");
    assert!(page["description"].as_str().unwrap().contains("Bình yên cho mỗi gia đình"));
    assert_eq!(page["pinned"][0]["title"], "Mất căn cước công dân: làm lại như thế nào?");
    let (_, posts) = app.get_json("/api/v1/pages/ca-xa-ea-kpam/posts", None).await;
    let kinds: Vec<&str> = posts["posts"].as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["health", "procedure", "warning", "warning", "legal", "health"], "newest first");
    assert!(posts["posts"][0]["published_at"].as_str().unwrap().starts_with("2020-07-08"));
    let (_, feed) = app.get_json("/api/v1/me/feed", Some(&app.token("0399000002").await)).await;
    assert_eq!(feed["posts"].as_array().unwrap().len(), 6, "Hạnh of thôn 8 follows it");
}

#[tokio::test]
async fn an_articles_photos_are_cleaned_seen_by_its_deciders_and_become_the_posts() {
    use crate::media_fixtures as fx;
    let app = TestApp::spawn().await;
    let citizen = app.token(CITIZEN_HDAO).await;
    let body = json!({"title": "Đèn đường buôn Bling", "body": "Thanh niên buôn lắp đèn đường.", "credit": true});
    let (status, article) = app.post_json(&format!("{PAGE}/articles"), &body, Some(&citizen)).await;
    assert_eq!(status, 201, "{article}");
    let id = article["id"].as_i64().unwrap();
    let upload = |token: String, bytes: Vec<u8>| {
        let url = app.at(&format!("/api/v1/articles/{id}/images"));
        async move {
            let res = reqwest::Client::new().post(url).bearer_auth(token).body(bytes).send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, first) = upload(citizen.clone(), fx::jpeg_with(&[fx::exif_app1(Some(1))])).await;
    assert_eq!(status, 201, "{first}");
    let (status, _) = upload(citizen.clone(), fx::png()).await;
    assert_eq!(status, 201);
    // Not a photo; not the author; its deciders see it without metadata; strangers do not.
    let (status, body) = upload(citizen.clone(), b"<html><script>x</script></html>".to_vec()).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("file")), "{body}");
    let (status, _) = upload(app.token("0399000003").await, fx::png()).await;
    assert_eq!(status, 404);
    let commander = app.token(CU_MGAR_COMMANDER).await;
    let url = first["url"].as_str().unwrap();
    let res = app.api.get(app.at(url)).bearer_auth(&commander).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(!fx::contains(&res.bytes().await.unwrap(), b"Exif"));
    let res = app.api.get(app.at(url)).bearer_auth(app.token(TAN_LOI_OFFICER).await).send().await.unwrap();
    assert_eq!(res.status(), 404);

    // Approved: the photos are the post's, after its text, public with it.
    let (status, post) =
        app.post_json(&format!("/api/v1/articles/{id}/approve"), &json!({"kind": "news"}), Some(&commander)).await;
    assert_eq!(status, 200, "{post}");
    let html = post["body_html"].as_str().unwrap();
    assert_eq!(html.matches(&format!("<img src=\"/api/v1/posts/{}/images/", post["id"])).count(), 2, "{html}");
    let src = html.split("<img src=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(app.api.get(app.at(src)).send().await.unwrap().status(), 200, "public with its post");
    let (status, body) = upload(citizen.clone(), fx::png()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("article_decided")));
    // The sweep keeps them.
    app.clock.advance(time::Duration::hours(2));
    app.core.sweep_attachments().await.unwrap();
    assert_eq!(app.api.get(app.at(src)).send().await.unwrap().status(), 200);
}
