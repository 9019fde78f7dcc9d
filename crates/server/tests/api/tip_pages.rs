//! The tip pages without JavaScript: sending a tip through the multipart form (with files), the receipt page,
//! my tips, and the officers' inbox with a form for every action.

use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::media_fixtures as fx;
use crate::support::{TestApp, CITIZEN_HDAO, CU_MGAR_COMMANDER, PASSWORD};

/// The officers' side: the inbox and a tip's page.
mod inbox;

/// The former Xã Ea KPam (legacy code 24280): Công an xã Cư M'gar answers for it today.
pub(super) async fn ea_kpam(app: &TestApp) -> i64 {
    app.core.units().areas_by_code("24280").await.unwrap().into_iter().find(|a| a.valid_to.is_some()).unwrap().id
}

/// A cookie client of its own, for a second person in the same test.
pub(super) struct Browser {
    client: reqwest::Client,
    url: String,
}

impl Browser {
    pub(super) fn new(app: &TestApp) -> Browser {
        let client =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { client, url: app.url.clone() }
    }

    pub(super) async fn page(&self, path: &str) -> (u16, String) {
        let res = self.client.get(format!("{}{path}", self.url)).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    pub(super) async fn csrf(&self, path: &str) -> String {
        csrf_of(&self.page(path).await.1)
    }

    pub(super) async fn form(&self, path: &str, fields: &[(&str, &str)]) -> (u16, Option<String>, String) {
        let res = self.client.post(format!("{}{path}", self.url)).form(fields).send().await.unwrap();
        let status = res.status().as_u16();
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        (status, location, res.text().await.unwrap())
    }

    pub(super) async fn sign_in(&self, phone: &str) {
        let csrf = self.csrf("/sign-in").await;
        let (status, _, body) =
            self.form("/sign-in", &[("csrf", &csrf), ("phone", phone), ("password", PASSWORD)]).await;
        assert_eq!(status, 303, "sign-in of {phone}: {body}");
    }
}

pub(super) fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("csrf field") + marker.len();
    html[start..start + 64].to_owned()
}

/// Sends the tip form as a browser does: multipart, the token first, the files last.
pub(super) async fn send_tip_form(
    app: &TestApp,
    csrf: Option<&str>,
    fields: &[(&str, &str)],
    files: Vec<(&str, Vec<u8>)>,
) -> (u16, Option<String>, String) {
    let mut form = Form::new();
    if let Some(csrf) = csrf {
        form = form.text("csrf", csrf.to_owned());
    }
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name.to_owned()));
    }
    let res = app.browser.post(app.at("/tips/new")).multipart(form).send().await.unwrap();
    let status = res.status().as_u16();
    let location = res.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, location, res.text().await.unwrap())
}

pub(super) fn receipt_of(html: &str) -> String {
    let marker = "data-code=\"";
    let start = html.find(marker).expect("a receipt on the page") + marker.len();
    html[start..start + 19].to_owned()
}

pub(super) const DOG_THIEVES: &str = "Có hai người lạ đi xe máy bắt trộm chó ở buôn Bling, đang chạy về hướng Ea Tar.";

/// An anonymous tip, happening now, sent through the form; returns its id and receipt.
pub(super) async fn anonymous_tip(app: &TestApp) -> (i64, String) {
    let area = ea_kpam(app).await.to_string();
    let csrf = app.csrf("/tips/new").await;
    let fields = [
        ("category", "theft"),
        ("description", DOG_THIEVES),
        ("happening_now", "1"),
        ("area_id", area.as_str()),
        ("protection", "anonymous"),
    ];
    let (status, _, html) = send_tip_form(app, Some(&csrf), &fields, Vec::new()).await;
    assert_eq!(status, 200, "{html}");
    let receipt = receipt_of(&html);
    let id = app
        .core
        .tips()
        .tipster_view(binhyen_core::tips::TipsterKey::Receipt(&receipt), None, None)
        .await
        .unwrap()
        .tip
        .id;
    (id, receipt)
}

#[tokio::test]
async fn an_anonymous_tip_sent_through_the_form_shows_its_receipt_and_a_refused_file_loses_nothing() {
    let app = TestApp::spawn().await;
    let (status, html) = app.page("/tips/new").await;
    assert_eq!(status, 200);
    assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains("Tín dụng đen / cho vay nặng lãi"));
    assert!(html.contains("Bạn chưa đăng nhập nên chỉ gửi được ẩn danh."), "not signed in: anonymous only");
    assert!(html.contains("value=\"identified\" disabled"));
    let (_, home) = app.page("/").await;
    assert!(home.contains("href=\"/tips/new\"") && home.contains("Báo tin"), "linked from home and nav");

    let csrf = csrf_of(&html);
    let before = app.store.count_tips().await.unwrap();
    let photo = fx::jpeg_with(&[fx::exif_app1(None)]);
    let fields = [
        ("category", "theft"),
        ("description", DOG_THIEVES),
        ("happening_now", "1"),
        ("occurred_at", "2025-07-01T14:30"),
        ("area", "ea kpam"),
        ("address", "Gần cổng buôn"),
        ("protection", "anonymous"),
    ];
    let files = vec![("cho.jpg", photo), ("ghi-chu.txt", "không phải ảnh".as_bytes().to_vec())];
    let (status, _, html) = send_tip_form(&app, Some(&csrf), &fields, files).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(app.store.count_tips().await.unwrap(), before + 1, "the tip is kept whatever the files");
    assert!(html.contains("Hãy ghi lại mã này: đây là cách duy nhất để theo dõi tin báo"));
    assert!(html.contains("Công an xã Cư M&#39;gar") || html.contains("Công an xã Cư M'gar"), "{html}");
    let receipt = receipt_of(&html);
    for group in receipt.split('-') {
        assert!(html.contains(&format!("<span>{group}</span>")), "the code in groups of four");
    }
    assert!(html.contains("href=\"/receipt\""));
    assert!(html.contains("Không nhận tệp «ghi-chu.txt»: Chỉ nhận ảnh JPEG, PNG, WebP và video MP4."), "{html}");
    assert!(html.contains("Ảnh, video đã đính kèm: 1"));

    let view =
        app.core.tips().tipster_view(binhyen_core::tips::TipsterKey::Receipt(&receipt), None, None).await.unwrap();
    assert_eq!(view.tip.description, DOG_THIEVES);
    assert!(view.tip.happening_now && view.tip.address.as_deref() == Some("Gần cổng buôn"));
    assert!(view.events.iter().any(|e| e.kind == binhyen_domain::tip::TipEventKind::AttachmentAdded));
    assert_eq!(app.store.tip_attachments(view.tip.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_tip_form_keeps_what_was_typed_when_something_is_wrong() {
    let app = TestApp::spawn().await;
    let csrf = app.csrf("/tips/new").await;
    let fields =
        [("category", "drugs"), ("description", "  "), ("area", "không có nơi này"), ("protection", "identified")];
    let (status, _, html) = send_tip_form(&app, Some(&csrf), &fields, vec![("a.jpg", fx::jpeg())]).await;
    assert_eq!(status, 422);
    assert!(html.contains("Muốn gửi tin báo có danh tính hoặc bảo mật, vui lòng đăng nhập"), "{html}");
    assert!(html.contains("value=\"drugs\" selected"));
    assert!(html.contains("Vui lòng chọn lại ảnh, video trước khi gửi."));
    let fields = [("category", "drugs"), ("description", "Có người bán ma tuý."), ("area", "không có nơi này")];
    let (status, _, html) = send_tip_form(&app, Some(&csrf), &fields, Vec::new()).await;
    assert_eq!(status, 422);
    assert!(html.contains("Không tìm thấy địa bàn này."), "{html}");
    assert!(html.contains("Có người bán ma tuý."), "the text is kept");
}

#[tokio::test]
async fn the_receipt_page_finds_the_tip_and_a_reply_lands_in_the_timeline() {
    let app = TestApp::spawn().await;
    let (id, receipt) = anonymous_tip(&app).await;
    let officer = app.token(CU_MGAR_COMMANDER).await;
    let question = json!({"body": "Cảm ơn bạn. Bạn có nhìn thấy biển số xe không?"});
    assert_eq!(app.post_json(&format!("/api/v1/tips/{id}/messages"), &question, Some(&officer)).await.0, 201);

    let (status, html) = app.page("/receipt").await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&html);
    let typed = receipt.to_lowercase().replace('-', " ");
    let (status, _, html) = app.form("/receipt", &[("csrf", &csrf), ("receipt", &typed)]).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Trộm cắp tài sản") && html.contains("Mới"));
    assert!(html.contains("Bạn đã gửi tin báo"));
    assert!(html.contains("Bạn có nhìn thấy biển số xe không?") && html.contains("class=\"msg theirs\""));

    let reply = [("csrf", csrf.as_str()), ("receipt", typed.as_str()), ("body", "Biển số 47 có chữ B.")];
    let (status, _, html) = app.form("/receipt/messages", &reply).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Đã gửi tin nhắn.") && html.contains("Biển số 47 có chữ B."));
    assert!(html.contains("class=\"msg mine\""));
    let (_, view) = app.get_json(&format!("/api/v1/tips/{id}"), Some(&officer)).await;
    assert!(view["events"].as_array().unwrap().iter().any(|e| e["body"] == "Biển số 47 có chữ B."));

    let (status, _, html) = app.form("/receipt", &[("csrf", &csrf), ("receipt", "0000-0000-0000-0000")]).await;
    assert_eq!(status, 404);
    assert!(html.contains("Không tìm thấy tin báo với mã này."));
    let mut last = (0, String::new());
    for _ in 0..25 {
        let (status, _, html) = app.form("/receipt", &[("csrf", &csrf), ("receipt", "0000-0000-0000-0000")]).await;
        last = (status, html);
    }
    assert_eq!(last.0, 429);
    assert!(last.1.contains("Bạn đã thử quá nhiều lần."));
}

#[tokio::test]
async fn a_citizens_identified_tip_appears_in_my_tips() {
    let app = TestApp::spawn().await;
    app.sign_in_browser(CITIZEN_HDAO).await;
    let (_, html) = app.page("/tips/new").await;
    assert!(!html.contains("value=\"identified\" disabled"), "signed in: every level");
    assert!(html.contains("id=\"nav-my-tips\""));
    let area = ea_kpam(&app).await.to_string();
    let fields = [
        ("category", "gambling"),
        ("description", "Có sới bạc ở rẫy cà phê cuối buôn mỗi tối."),
        ("area_id", area.as_str()),
        ("protection", "identified"),
    ];
    let (status, location, body) = send_tip_form(&app, Some(&csrf_of(&html)), &fields, Vec::new()).await;
    assert_eq!(status, 303, "{body}");
    let location = location.unwrap();
    assert!(location.starts_with("/my/tips/"), "{location}");
    let id = location.trim_start_matches("/my/tips/").to_owned();

    let (status, html) = app.page("/my/tips").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("href=\"/my/tips/{id}\"")) && html.contains("Đánh bạc"));
    let (status, html) = app.page(&location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Có sới bạc ở rẫy cà phê cuối buôn mỗi tối.") && html.contains("Công khai danh tính"));
    let csrf = csrf_of(&html);
    let (status, back, _) =
        app.form(&format!("{location}/messages"), &[("csrf", &csrf), ("body", "Tối nay họ lại đánh.")]).await;
    assert_eq!((status, back.as_deref()), (303, Some(location.as_str())));
    assert!(app.page(&location).await.1.contains("Tối nay họ lại đánh."));

    let other = Browser::new(&app);
    other.sign_in("0399000002").await;
    assert_eq!(other.page(&location).await.0, 404, "someone else's tip is not there");
}
