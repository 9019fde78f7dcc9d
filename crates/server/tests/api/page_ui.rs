//! Unit pages without JavaScript: following a page through its form, its posts on the unit's page and on the
//! home feed ("Bảng tin"), older posts through the signed cursor, and the pages offered on an empty feed.

use binhyen_domain::page::ArticleState;
use serde_json::json;

use crate::support::*;

const UNIT: &str = "/units/ca-xa-cu-mgar-2025";
const POSTS: &str = "/api/v1/pages/ca-xa-cu-mgar-2025/posts";

async fn follow(app: &TestApp, csrf: &str, follow: &str) -> (u16, Option<String>, String) {
    app.form(&format!("{UNIT}/follow"), &[("csrf", csrf), ("follow", follow)]).await
}

async fn write(app: &TestApp, token: &str, title: &str) -> i64 {
    let body = json!({"kind": "warning", "title": title,
        "body": "**Cảnh báo** giả danh công an gọi điện lừa đảo.\n\n<script>alert(1)</script>"});
    let (status, post) = app.post_json(POSTS, &body, Some(token)).await;
    assert_eq!(status, 201, "{post}");
    post["id"].as_i64().unwrap()
}

/// The link "Xem tin cũ hơn" points to, as a path.
fn older_link(html: &str) -> String {
    let marker = "id=\"older-posts\"";
    let end = html.find(marker).expect("older posts link");
    let start = html[..end].rfind("href=\"").unwrap() + "href=\"".len();
    let href = &html[start..end];
    href[..href.find('"').unwrap()].replace("&#x3d;", "=").replace("&#61;", "=")
}

#[tokio::test]
async fn a_citizen_follows_a_page_and_reads_its_posts_there_and_on_the_feed() {
    let app = TestApp::spawn().await;
    let (status, html) = app.page(UNIT).await;
    assert_eq!(status, 200);
    assert!(html.contains("0 người theo dõi"), "{html}");
    assert!(html.contains("href=\"/sign-in\" id=\"sign-in-to-follow\">Đăng nhập để theo dõi"));
    let (status, _) = app.page("/feed").await;
    assert_eq!(status, 303, "the feed is for people signed in");

    app.sign_in_browser(CITIZEN_HDAO).await;
    let csrf = app.csrf(UNIT).await;
    for _ in 0..2 {
        let (status, location, body) = follow(&app, &csrf, "1").await;
        assert_eq!((status, location.as_deref()), (303, Some(UNIT)), "{body}");
    }
    let (_, html) = app.page(UNIT).await;
    assert!(html.contains("1 người theo dõi"), "following twice is following once");
    assert!(html.contains("id=\"unfollow\">Bỏ theo dõi"));
    assert!(html.contains("id=\"nav-feed\">Bảng tin"));

    let commander = app.token(CU_MGAR_COMMANDER).await;
    write(&app, &commander, "Cảnh báo lừa đảo qua điện thoại").await;
    for path in ["/feed", UNIT] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("<h3>Cảnh báo lừa đảo qua điện thoại</h3>"), "{path}: {html}");
        assert!(html.contains("<strong>Cảnh báo</strong> giả danh công an"), "{path}: Markdown rendered");
        assert!(!html.contains("<script>") && !html.contains("alert(1)"), "{path}: no script survives");
        assert!(html.contains("class=\"post-kind\">Cảnh báo</span>"), "{path}: kind in Vietnamese");
        assert!(html.contains("<time>"), "{path}");
    }
    let (_, html) = app.page("/feed").await;
    assert!(html.contains("<a href=\"/units/ca-xa-cu-mgar-2025\">Công an xã Cư M&#39;gar</a>"), "{html}");
    assert!(!html.contains("id=\"suggested-pages\""), "a feed with posts offers nothing");

    let (status, _, _) = follow(&app, &csrf, "0").await;
    assert_eq!(status, 303);
    let (_, html) = app.page(UNIT).await;
    assert!(html.contains("0 người theo dõi") && html.contains("id=\"follow\">Theo dõi"));
    app.stop().await;
}

#[tokio::test]
async fn older_posts_are_reached_by_the_cursor_and_a_tampered_one_is_refused() {
    let app = TestApp::spawn().await;
    app.sign_in_browser(CITIZEN_HDAO).await;
    let csrf = app.csrf(UNIT).await;
    follow(&app, &csrf, "1").await;
    let commander = app.token(CU_MGAR_COMMANDER).await;
    for n in 0..21 {
        write(&app, &commander, &format!("Tin số {n}")).await;
        app.clock.advance(time::Duration::seconds(1));
    }
    for path in ["/feed", UNIT] {
        let (_, html) = app.page(path).await;
        assert!(html.contains("Tin số 20") && html.contains("Tin số 1<"), "{path}: newest first");
        assert!(!html.contains("Tin số 0<"), "{path}: twenty a page");
        assert!(html.contains("Xem tin cũ hơn"));
        let older = older_link(&html);
        assert!(older.starts_with(&format!("{path}?cursor=")), "{older}");
        let (status, html) = app.page(&older).await;
        assert_eq!(status, 200, "{older}: {html}");
        assert!(html.contains("Tin số 0<") && !html.contains("Tin số 1<"), "{older}");
        assert!(!html.contains("id=\"older-posts\""), "the last page");

        let tampered = format!("{}0", older.trim_end_matches(|c: char| c != '.'));
        for bad in [tampered.as_str(), &format!("{path}?cursor=nope")] {
            let (status, html) = app.page(bad).await;
            assert!((400..500).contains(&status), "{bad}: {status}");
            assert!(html.contains("Vị trí trang không hợp lệ; hãy tải lại từ đầu."), "{bad}: {html}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn an_empty_feed_offers_the_pages_of_ones_commune_and_province() {
    let app = TestApp::spawn().await;
    app.sign_in_browser(CITIZEN_HDAO).await;
    let (status, html) = app.page("/feed").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"suggested-pages\""), "{html}");
    assert!(html.contains(">Công an xã Cư M&#39;gar</a>"), "{html}");
    assert!(html.contains(">Công an tỉnh Đắk Lắk</a>"), "{html}");
    assert!(html.contains("action=\"/units/ca-tinh-dak-lak/follow\""));

    let csrf = app.csrf("/feed").await;
    let (status, location, body) =
        app.form("/units/ca-tinh-dak-lak/follow", &[("csrf", &csrf), ("follow", "1"), ("back", "/feed")]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/feed")), "{body}");
    let (_, html) = app.page("/units/ca-tinh-dak-lak").await;
    assert!(html.contains("1 người theo dõi"));
    app.stop().await;
}

#[tokio::test]
async fn a_follow_form_without_its_token_is_refused() {
    let app = TestApp::spawn().await;
    app.sign_in_browser(CITIZEN_HDAO).await;
    app.csrf(UNIT).await;
    let (status, _, html) = app.form(&format!("{UNIT}/follow"), &[("follow", "1")]).await;
    assert_eq!(status, 403);
    assert!(html.contains("Biểu mẫu đã hết hạn"));
    let (status, _, _) = app.form(&format!("{UNIT}/follow"), &[("csrf", &"0".repeat(64)), ("follow", "1")]).await;
    assert_eq!(status, 403);
    let (_, html) = app.page(UNIT).await;
    assert!(html.contains("0 người theo dõi"), "nothing followed");
    app.stop().await;
}

/// The value a `datetime-local` input sends, `hours` from the test clock's now, in Vietnam time.
fn local_in(app: &TestApp, hours: i64) -> String {
    use binhyen_core::Clock;
    let at = (app.clock.now() + time::Duration::hours(hours)).to_offset(binhyen_domain::time_vn::VIETNAM);
    at.format(&time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]")).unwrap()
}

#[tokio::test]
async fn a_citizen_sends_an_article_and_a_commander_runs_the_page_from_the_site() {
    let mut app = TestApp::spawn().await;
    app.sign_in_browser(CITIZEN_HDAO).await;
    let (_, html) = app.page(UNIT).await;
    assert!(html.contains("id=\"send-article\"") && !html.contains("id=\"manage-page\""), "{html}");
    // A photo that is not one: the error page, and nothing kept.
    use reqwest::multipart::{Form, Part};
    let article_form = |csrf: String, photo: Vec<u8>| {
        Form::new()
            .text("csrf", csrf)
            .text("title", "Buôn Bling tổ chức tuần tra")
            .text("body", "Thanh niên buôn cùng công an xã tuần tra mỗi tối.")
            .part("photo", Part::bytes(photo).file_name("tuan-tra.png"))
            .text("credit", "1")
    };
    let csrf = app.csrf(UNIT).await;
    let form = article_form(csrf.clone(), b"<html>not a photo</html>".to_vec());
    let res = app.browser.post(app.at(&format!("{UNIT}/articles"))).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let unit_id = app.core.units().unit_by_code("ca-xa-cu-mgar-2025").await.unwrap().id;
    assert!(
        app.store.articles_of_unit(unit_id, ArticleState::Submitted).await.unwrap().is_empty(),
        "nothing half-kept"
    );
    let form = article_form(csrf, crate::media_fixtures::png());
    let res = app.browser.post(app.at(&format!("{UNIT}/articles"))).multipart(form).send().await.unwrap();
    let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    assert_eq!(
        (res.status().as_u16(), location.as_deref()),
        (303, Some("/units/ca-xa-cu-mgar-2025?sent=article#send-article"))
    );
    let (_, html) = app.page("/units/ca-xa-cu-mgar-2025?sent=article").await;
    assert!(html.contains("id=\"article-sent\""));
    let (status, _) = app.page(&format!("{UNIT}/manage")).await;
    assert_eq!(status, 403, "citizens do not run pages");

    // Another browser, the commander's.
    app.browser =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    app.sign_in_browser(CU_MGAR_COMMANDER).await;
    let (_, html) = app.page(UNIT).await;
    assert!(html.contains("id=\"manage-page\""), "{html}");
    let manage = format!("{UNIT}/manage");
    let (status, html) = app.page(&manage).await;
    assert_eq!(status, 200);
    assert!(html.contains("Buôn Bling tổ chức tuần tra"), "the article waits: {html}");
    let photo = html.split("<img src=\"/articles/").nth(1).expect("the article's photo").split('"').next().unwrap();
    let (status, _) = app.page(&format!("/articles/{photo}")).await;
    assert_eq!(status, 200, "its commander sees the photo");
    let article = app
        .store
        .articles_of_unit(
            app.core.units().unit_by_code("ca-xa-cu-mgar-2025").await.unwrap().id,
            ArticleState::Submitted,
        )
        .await
        .unwrap()[0]
        .id;
    let csrf = app.csrf(&manage).await;
    let approve = [("csrf", csrf.as_str()), ("decision", "approve"), ("kind", "news")];
    let (status, location, _) = app.form(&format!("{manage}/articles/{article}"), &approve).await;
    assert_eq!((status, location.as_deref()), (303, Some("/units/ca-xa-cu-mgar-2025/manage?done=article")));

    let post = [
        ("csrf", csrf.as_str()),
        ("kind", "warning"),
        ("title", "Cảnh giác lừa đảo đầu tư tiền ảo"),
        ("body", "Không **chuyển tiền** cho người lạ."),
        ("publish_at", ""),
    ];
    let (status, _, _) = app.form(&format!("{manage}/posts"), &post).await;
    assert_eq!(status, 303);
    let (_, posts) = app.get_json(POSTS, None).await;
    let titles: Vec<&str> = posts["posts"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        ["Cảnh giác lừa đảo đầu tư tiền ảo", "Buôn Bling tổ chức tuần tra"],
        "published now, newest first"
    );

    let commune = app
        .store
        .unit_jurisdiction(app.core.units().unit_by_code("ca-xa-cu-mgar-2025").await.unwrap().id)
        .await
        .unwrap()[0]
        .id
        .to_string();
    let expires = local_in(&app, 6);
    let mut alert = vec![
        ("csrf", csrf.as_str()),
        ("area_id", commune.as_str()),
        ("category", "Safety"),
        ("event", "Mưa lũ"),
        ("severity", "Severe"),
        ("urgency", "Expected"),
        ("certainty", "Likely"),
        ("headline", "Nước suối Ea Tul dâng cao"),
        ("description", "Không qua ngầm tràn khi nước lớn."),
        ("instruction", ""),
        ("expires_at", expires.as_str()),
    ];
    let (status, _, _) = app.form(&format!("{manage}/alerts"), &alert).await;
    assert_eq!(status, 303);
    let (_, alerts) = app.get_json("/api/v1/pages/ca-xa-cu-mgar-2025/alerts", None).await;
    let id = alerts[0]["id"].as_i64().unwrap();
    assert_eq!(
        (&alerts[0]["headline"], &alerts[0]["urgency"]),
        (&json!("Nước suối Ea Tul dâng cao"), &json!("Expected"))
    );
    // An expiry past: the page again, saying why; nothing written.
    let past = local_in(&app, -2);
    alert[10] = ("expires_at", past.as_str());
    let (status, _, html) = app.form(&format!("{manage}/alerts"), &alert).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"form-error\"") && html.contains("expires_at"), "{html}");
    assert_eq!(app.get_json("/api/v1/pages/ca-xa-cu-mgar-2025/alerts", None).await.1.as_array().unwrap().len(), 1);
    let (status, _, _) = app.form(&format!("{manage}/alerts/{id}/cancel"), &[("csrf", csrf.as_str())]).await;
    assert_eq!(status, 303);
    let (_, alert) = app.get_json(&format!("/api/v1/alerts/{id}"), None).await;
    assert_eq!(alert["in_force"], false);

    let canned =
        [("csrf", csrf.as_str()), ("title", "Cấp lại căn cước"), ("body", "Mang tờ khai CC01 đến công an xã.")];
    let (status, _, _) = app.form(&format!("{manage}/canned"), &canned).await;
    assert_eq!(status, 303);
    let (_, html) = app.page(&manage).await;
    assert!(html.contains("Mang tờ khai CC01 đến công an xã."), "the canned reply is listed");
    let blank = [("csrf", csrf.as_str()), ("title", " "), ("body", "x")];
    let (status, _, html) = app.form(&format!("{manage}/canned"), &blank).await;
    assert!(status == 422 && html.contains("id=\"form-error\""), "{html}");

    let (status, _, _) =
        app.form(&format!("{manage}/page"), &[("csrf", csrf.as_str()), ("description", "Trang mới")]).await;
    assert_eq!(status, 303);
    let (_, html) = app.page(UNIT).await;
    assert!(html.contains("Trang mới"));
}
