//! Every kind of bad input gets a clear, stable answer — never a 500, a panic or a half-written row.

use serde_json::json;

use crate::support::{TestApp, CITIZEN_HDAO, EA_KPAM_COMMANDER, PASSWORD};

async fn accounts(app: &TestApp) -> i64 {
    app.store.count_accounts().await.expect("count")
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    let before = accounts(&app).await;
    let res = app
        .api
        .post(app.at("/api/v1/accounts"))
        .header("content-type", "application/json")
        .body("{\"phone\": \"0912345678\",")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed_json");
    assert!(body["error"]["message"].as_str().unwrap().contains("JSON"));
    assert_eq!(accounts(&app).await, before);
}

#[tokio::test]
async fn wrong_types_and_missing_fields_name_the_field() {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .post_json("/api/v1/accounts", &json!({"phone": 912345678, "password": "x", "display_name": "A"}), None)
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "invalid_field");
    assert_eq!(body["error"]["field"], "phone");

    let (status, body) =
        app.post_json("/api/v1/accounts", &json!({"phone": "0912345678", "display_name": "A"}), None).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "missing_field");
    assert_eq!(body["error"]["field"], "password");
}

#[tokio::test]
async fn oversize_and_non_json_bodies() {
    let app = TestApp::spawn().await;
    let big = "x".repeat(200 * 1024);
    let (status, body) = app
        .post_json("/api/v1/accounts", &json!({"phone": "0912345678", "password": big, "display_name": "A"}), None)
        .await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "body_too_large");

    let res = app.api.post(app.at("/api/v1/accounts")).body("phone=0912345678").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 415);
}

#[tokio::test]
async fn invalid_phone_numbers_write_nothing() {
    let app = TestApp::spawn().await;
    let before = accounts(&app).await;
    for phone in ["12345", "0212345678", "+1 555 0100", "09123456789", ""] {
        let (status, body) = app
            .post_json(
                "/api/v1/accounts",
                &json!({"phone": phone, "password": "mật khẩu dài", "display_name": "An"}),
                None,
            )
            .await;
        assert_eq!(status, 422, "{phone}");
        assert_eq!(body["error"]["code"], "invalid_phone");
        assert_eq!(body["error"]["field"], "phone");
        assert!(body["error"]["message"].as_str().unwrap().starts_with("Số điện thoại không hợp lệ"));
    }
    assert_eq!(accounts(&app).await, before);
}

#[tokio::test]
async fn a_registered_phone_is_409_in_any_spelling() {
    let app = TestApp::spawn().await;
    let before = accounts(&app).await;
    for phone in [CITIZEN_HDAO, "+84 399 000 001", "0399.000.001"] {
        let (status, body) = app
            .post_json(
                "/api/v1/accounts",
                &json!({"phone": phone, "password": "mật khẩu dài", "display_name": "An"}),
                None,
            )
            .await;
        assert_eq!(status, 409, "{phone}");
        assert_eq!(body["error"]["code"], "phone_taken");
        assert_eq!(body["error"]["field"], "phone");
    }
    assert_eq!(accounts(&app).await, before);
}

#[tokio::test]
async fn a_wrong_password_answers_like_an_unknown_account() {
    let app = TestApp::spawn().await;
    let (s1, wrong_password) = app
        .post_json("/api/v1/auth/tokens", &json!({"phone": CITIZEN_HDAO, "password": "not-the-password"}), None)
        .await;
    let (s2, unknown) = app
        .post_json("/api/v1/auth/tokens", &json!({"phone": "0911111111", "password": "not-the-password"}), None)
        .await;
    let (s3, not_a_phone) =
        app.post_json("/api/v1/auth/tokens", &json!({"phone": "hello", "password": "not-the-password"}), None).await;
    assert_eq!((s1, s2, s3), (401, 401, 401));
    assert_eq!(wrong_password, unknown);
    assert_eq!(unknown, not_a_phone);
    assert_eq!(unknown["error"]["code"], "invalid_credentials");
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.token(CITIZEN_HDAO).await;
    assert_eq!(app.get_json("/api/v1/me", Some(&token)).await.0, 200);
    app.clock.advance(time::Duration::days(31));
    let (status, body) = app.get_json("/api/v1/me", Some(&token)).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "session_expired");
    // Gone for good, not just refused once.
    assert_eq!(app.get_json("/api/v1/me", Some(&token)).await.1["error"]["code"], "no_session");

    app.sign_in_browser(EA_KPAM_COMMANDER).await;
    app.clock.advance(time::Duration::hours(13));
    let (_, html) = app.page("/sign-in").await;
    assert!(html.contains("Phiên đăng nhập đã hết hạn"), "the page says why");
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    let before = accounts(&app).await;
    app.page("/sign-up").await;
    let fields = [("phone", "0912345678"), ("password", "mật khẩu dài"), ("display_name", "An")];
    let (status, _, html) = app.form("/sign-up", &fields).await;
    assert_eq!(status, 403);
    assert!(html.contains("Biểu mẫu đã hết hạn"));
    let (status, _, _) = app.form("/sign-up", &[fields[0], fields[1], fields[2], ("csrf", &"0".repeat(64))]).await;
    assert_eq!(status, 403);
    assert_eq!(accounts(&app).await, before);
    let (status, _, _) = app.form("/sign-in", &[("phone", CITIZEN_HDAO), ("password", PASSWORD)]).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn an_officer_outside_their_subtree_is_403() {
    let app = TestApp::spawn().await;
    let token = app.token(EA_KPAM_COMMANDER).await;
    let (status, body) = app
        .send_json(
            reqwest::Method::PATCH,
            "/api/v1/units/ca-phuong-tan-loi/contact",
            &json!({"hours": "24/7"}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "forbidden");
    let unit = app.core.units().unit_by_code("ca-phuong-tan-loi").await.unwrap();
    assert_ne!(unit.contact.hours.as_deref(), Some("24/7"));
}

#[tokio::test]
async fn unknown_areas_and_units() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/api/v1/areas?code=99999", None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("area_not_found")));
    let (status, body) = app.get_json("/api/v1/areas?code=ea-kpam", None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_area_code")));
    let (status, _) = app.get_json("/api/v1/areas?nocode=1", None).await;
    assert_eq!(status, 400);
    assert_eq!(app.get_json("/api/v1/areas/99999999", None).await.0, 404);
    assert_eq!(app.get_json("/api/v1/areas/abc", None).await.0, 404);
    assert_eq!(app.get_json("/api/v1/units/no-such-unit", None).await.1["error"]["code"], "unit_not_found");
    assert_eq!(app.get_json("/api/v1/nothing-here", None).await.1["error"]["code"], "not_found");
    let (status, body) = app
        .post_json(
            "/api/v1/accounts",
            &json!({"phone": "0912345678", "password": "mật khẩu dài", "display_name": "An", "home_area_id": 99999999}),
            None,
        )
        .await;
    assert_eq!((status, body["error"]["field"].as_str()), (404, Some("home_area_id")));
    let (status, html) = app.page("/areas/99999999").await;
    assert_eq!(status, 404);
    assert!(html.contains("Không tìm thấy địa bàn này"));
    let (status, _) = app.page("/no/such/page").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn bad_dates_and_methods() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_json("/api/v1/units?on=17/06/2020", None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str(), body["error"]["field"].as_str()),
        (422, Some("invalid_date"), Some("on"))
    );
    let res = app.api.delete(app.at("/api/v1/units")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 405);
}
