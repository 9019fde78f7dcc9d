//! The officers' side of the tip pages: the inbox, a tip's page, a form for every action, and who may see them.

use crate::media_fixtures as fx;
use crate::support::{TestApp, CITIZEN_HDAO, CU_MGAR_COMMANDER, PASSWORD, TAN_LOI_OFFICER};

use super::{anonymous_tip, csrf_of, ea_kpam, receipt_of, send_tip_form, Browser, DOG_THIEVES};

#[tokio::test]
async fn the_inbox_lists_an_urgent_tip_and_the_officer_works_it_through_the_forms() {
    let app = TestApp::spawn().await;
    let (id, receipt) = anonymous_tip(&app).await;
    app.sign_in_browser(CU_MGAR_COMMANDER).await;
    let (status, html) = app.page("/inbox").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"nav-inbox\""));
    let row = &html[html.find(&format!("<li class=\"urgent\" id=\"tip-{id}\">")).expect("listed, urgent")..];
    let row = &row[..row.find("</li>").unwrap()];
    assert!(row.contains("<span class=\"badge\">KHẨN</span>"), "happening now: urgent");
    let (_, filtered) = app.page("/inbox?state=resolved&category=theft&from=01/01/2020&sort=oldest").await;
    assert!(!filtered.contains(&format!("id=\"tip-{id}\"")), "filters apply");
    let (status, html) = app.page("/inbox?from=31/02/2025").await;
    assert_eq!(status, 422);
    assert!(html.contains("Ngày không hợp lệ"));

    let page = format!("/inbox/{id}");
    let (status, html) = app.page(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ẩn danh") && html.contains(DOG_THIEVES) && html.contains("id=\"step-acknowledge\""));
    assert!(!html.contains("id=\"step-verify\""), "only the steps legal from New");
    let csrf = csrf_of(&html);

    let (status, location, _) =
        app.form(&format!("{page}/transitions"), &[("csrf", &csrf), ("action", "acknowledge")]).await;
    assert_eq!((status, location.as_deref()), (303, Some(page.as_str())));
    let tip = app.store.tip(id).await.unwrap();
    assert_eq!(tip.state, binhyen_domain::tip::TipState::Acknowledged);
    let (_, html) = app.page(&page).await;
    assert!(html.contains("Mới → Đã tiếp nhận") && html.contains("id=\"step-verify\""));

    let (status, _, html) = app.form(&format!("{page}/transitions"), &[("csrf", &csrf), ("action", "reopen")]).await;
    assert_eq!(status, 422);
    assert!(html.contains("Không thể chuyển tin báo sang bước này từ trạng thái hiện tại."), "{html}");

    let commander = app.core.accounts().account_by_phone(CU_MGAR_COMMANDER).await.unwrap();
    let me = commander.id.to_string();
    for (path, fields) in [
        ("assignment", vec![("officer_id", me.as_str())]),
        ("priority", vec![("priority", "high")]),
        ("notes", vec![("body", "Nội bộ: đã cử tổ tuần tra.")]),
        ("messages", vec![("body", "Chúng tôi đã nhận tin, đang xác minh.")]),
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields);
        let (status, location, body) = app.form(&format!("{page}/{path}"), &form).await;
        assert_eq!((status, location.as_deref()), (303, Some(page.as_str())), "{path}: {body}");
    }
    let tip = app.store.tip(id).await.unwrap();
    assert_eq!((tip.assignee_id, tip.priority), (Some(commander.id), binhyen_domain::tip::Priority::High));
    let (_, html) = app.page(&page).await;
    assert!(html.contains("Nội bộ: đã cử tổ tuần tra.") && html.contains("Chúng tôi đã nhận tin, đang xác minh."));
    let resolve = [("csrf", csrf.as_str()), ("action", "resolve"), ("verdict", "confirmed"), ("arrests", "2")];
    assert_eq!(app.form(&format!("{page}/transitions"), &resolve).await.0, 303);
    let (_, html) = app.page(&page).await;
    assert!(html.contains("Đúng sự thật") && html.contains("id=\"reopen-form\""), "a commander may reopen");

    // The tipster sees the steps and the message, never the note.
    let (_, html) = app.page("/receipt").await;
    let (_, _, html) = app.form("/receipt", &[("csrf", &csrf_of(&html)), ("receipt", &receipt)]).await;
    assert!(html.contains("Đã tiếp nhận") && html.contains("Đã xử lý xong"));
    assert!(html.contains("Chúng tôi đã nhận tin, đang xác minh.") && !html.contains("Nội bộ"));
}

#[tokio::test]
async fn attachments_are_served_to_the_officer_as_what_they_are() {
    let app = TestApp::spawn().await;
    let csrf = app.csrf("/tips/new").await;
    let area = ea_kpam(&app).await.to_string();
    let fields = [("category", "theft"), ("description", DOG_THIEVES), ("area_id", area.as_str())];
    let (status, _, html) = send_tip_form(&app, Some(&csrf), &fields, vec![("cho.png", fx::png())]).await;
    assert_eq!(status, 200);
    let receipt = receipt_of(&html);
    let key = binhyen_core::tips::TipsterKey::Receipt(&receipt);
    let id = app.core.tips().tipster_view(key, None, None).await.unwrap().tip.id;
    app.sign_in_browser(CU_MGAR_COMMANDER).await;
    let (_, page) = app.page(&format!("/inbox/{id}")).await;
    let marker = format!("<img src=\"/inbox/{id}/attachments/");
    let start = page.find(&marker).expect("the photo inline") + marker.len();
    let aid: String = page[start..].chars().take_while(char::is_ascii_digit).collect();
    let res = app.browser.get(app.at(&format!("/inbox/{id}/attachments/{aid}"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let other = Browser::new(&app);
    other.sign_in(TAN_LOI_OFFICER).await;
    assert_eq!(other.page(&format!("/inbox/{id}/attachments/{aid}")).await.0, 403);
}

#[tokio::test]
async fn forms_without_their_token_are_403() {
    let app = TestApp::spawn().await;
    let (id, _) = anonymous_tip(&app).await;
    let before = app.store.count_tips().await.unwrap();
    app.page("/tips/new").await;
    let fields = [("category", "theft"), ("description", DOG_THIEVES), ("protection", "anonymous")];
    let (status, _, html) = send_tip_form(&app, None, &fields, vec![("a.jpg", fx::jpeg())]).await;
    assert_eq!(status, 403);
    assert!(html.contains("Biểu mẫu đã hết hạn"));
    let (status, _, _) = send_tip_form(&app, Some(&"0".repeat(64)), &fields, Vec::new()).await;
    assert_eq!(status, 403);
    assert_eq!(app.store.count_tips().await.unwrap(), before);

    app.sign_in_browser(CU_MGAR_COMMANDER).await;
    let (status, _, _) = app.form(&format!("/inbox/{id}/transitions"), &[("action", "acknowledge")]).await;
    assert_eq!(status, 403);
    assert_eq!(app.store.tip(id).await.unwrap().state, binhyen_domain::tip::TipState::New);
}

#[tokio::test]
async fn the_inbox_is_for_officers_of_the_tips_unit_only() {
    let app = TestApp::spawn().await;
    let (id, _) = anonymous_tip(&app).await;
    let (status, html) = app.page("/inbox").await;
    assert_eq!(status, 403, "not signed in");
    assert!(html.contains("Vui lòng đăng nhập."));

    let citizen = Browser::new(&app);
    citizen.sign_in(CITIZEN_HDAO).await;
    let (status, html) = citizen.page("/inbox").await;
    assert_eq!(status, 403);
    assert!(html.contains("Trang này dành cho cán bộ công an.") && !html.contains("id=\"nav-inbox\""));
    assert_eq!(citizen.page(&format!("/inbox/{id}")).await.0, 403);

    let elsewhere = Browser::new(&app);
    elsewhere.sign_in(TAN_LOI_OFFICER).await;
    assert_eq!(elsewhere.page("/inbox").await.0, 200);
    let (status, html) = elsewhere.page(&format!("/inbox/{id}")).await;
    assert_eq!(status, 403);
    assert!(html.contains("Bạn không có quyền thực hiện thao tác này."));
    let csrf = elsewhere.csrf("/inbox").await;
    let (status, _, _) =
        elsewhere.form(&format!("/inbox/{id}/transitions"), &[("csrf", &csrf), ("action", "acknowledge")]).await;
    assert_eq!(status, 403);
    assert_eq!(app.store.tip(id).await.unwrap().state, binhyen_domain::tip::TipState::New);
}

#[tokio::test]
async fn a_confidential_tipster_is_opened_only_with_a_commanders_approval() {
    let app = TestApp::spawn().await;
    app.sign_in_browser(CITIZEN_HDAO).await;
    let csrf = app.csrf("/tips/new").await;
    let area = ea_kpam(&app).await.to_string();
    let fields = [
        ("category", "drugs"),
        ("description", "Có người bán ma tuý ở quán nước đầu buôn."),
        ("area_id", area.as_str()),
        ("protection", "confidential"),
    ];
    let (status, location, _) = send_tip_form(&app, Some(&csrf), &fields, Vec::new()).await;
    assert_eq!(status, 303);
    let mine = location.unwrap();
    let id = mine.trim_start_matches("/my/tips/").to_owned();

    let unit = app.core.units().unit_by_code("ca-xa-cu-mgar-2025").await.unwrap();
    let officer = binhyen_core::accounts::NewOfficer {
        phone: "0866000001".into(),
        password: PASSWORD.into(),
        display_name: "Lê Văn Cán".into(),
        unit_id: unit.id,
        role: binhyen_domain::Role::Officer,
    };
    app.core.accounts().create_officer(None, officer).await.unwrap();
    let asker = Browser::new(&app);
    asker.sign_in("0866000001").await;
    let page = format!("/inbox/{id}");
    let (_, html) = asker.page(&page).await;
    assert!(html.contains("Danh tính được bảo mật") && !html.contains("H&#39;Đào") && !html.contains("H'Đào"));
    let csrf = csrf_of(&html);
    let ask = [("csrf", csrf.as_str()), ("reason", "Cần lời khai để lập hồ sơ.")];
    assert_eq!(asker.form(&format!("{page}/unseal-requests"), &ask).await.0, 303);
    let (_, html) = asker.page(&page).await;
    assert!(html.contains("Chờ phê duyệt") && !html.contains("id=\"identity-form\""));
    let request = app.store.unseal_requests(id.parse().unwrap()).await.unwrap()[0].id;

    let commander = Browser::new(&app);
    commander.sign_in(CU_MGAR_COMMANDER).await;
    let (_, html) = commander.page(&page).await;
    let approve = format!("{page}/unseal-requests/{request}/approval");
    assert!(html.contains(&format!("action=\"{approve}\"")));
    assert_eq!(commander.form(&approve, &[("csrf", &csrf_of(&html))]).await.0, 303);

    let (_, html) = asker.page(&page).await;
    assert!(html.contains("id=\"identity-form\""));
    let (status, _, html) = asker.form(&format!("{page}/identity"), &[("csrf", &csrf)]).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("id=\"reporter-name\">H&#39;Đào Niê<") || html.contains("id=\"reporter-name\">H'Đào Niê<"),
        "{html}"
    );
    let (_, html) = app.page(&mine).await;
    assert!(html.contains("Danh tính của bạn đã được xem"), "the tipster is told");
}
