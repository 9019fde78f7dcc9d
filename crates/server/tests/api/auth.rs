//! Signing up and in, tokens, sessions and cookies, throttling, two-step verification.

use serde_json::json;

use crate::support::{TestApp, CITIZEN_HDAO, DISTRICT_COMMANDER, EA_KPAM_COMMANDER, PASSWORD, PROVINCE_ADMIN};

#[tokio::test]
async fn a_citizen_signs_up_and_reads_their_account() {
    let app = TestApp::spawn().await;
    let area =
        app.core.units().areas_by_code("24280").await.unwrap().into_iter().find(|a| a.valid_to.is_none()).unwrap();
    let (status, body) = app
        .post_json(
            "/api/v1/accounts",
            &json!({"phone": "+84 912 345 678", "password": "mật khẩu dài", "display_name": "  Nguyễn   Văn An ", "home_area_id": area.id}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["phone"], "0912 345 678");
    assert_eq!(body["display_name"], "Nguyễn Văn An");
    assert_eq!(body["kind"], "citizen");
    let (status, token) =
        app.post_json("/api/v1/auth/tokens", &json!({"phone": "0912345678", "password": "mật khẩu dài"}), None).await;
    assert_eq!(status, 201);
    let (status, me) = app.get_json("/api/v1/me", token["token"].as_str()).await;
    assert_eq!(status, 200);
    assert_eq!(me["home_area_id"], area.id);
    let stored = app.core.accounts().account_by_phone("0912345678").await.unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$"), "Argon2id, never the password");
}

#[tokio::test]
async fn a_cluster_reads_its_households() {
    let app = TestApp::spawn().await;
    let token = app.token(crate::support::CLUSTER).await;
    let (_, me) = app.get_json("/api/v1/me", Some(&token)).await;
    assert_eq!(me["kind"], "cluster");
    assert_eq!(me["households"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn revoked_tokens_stop_working() {
    let app = TestApp::spawn().await;
    let token = app.token(CITIZEN_HDAO).await;
    let res = app.api.delete(app.at("/api/v1/auth/tokens")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(app.get_json("/api/v1/me", Some(&token)).await.0, 401);
    assert_eq!(app.get_json("/api/v1/me", None).await.1["error"]["code"], "no_session");
    assert_eq!(app.get_json("/api/v1/me", Some("made-up")).await.0, 401);
}

#[tokio::test]
async fn throttling_gives_no_oracle() {
    let app = TestApp::spawn().await;
    let attempt = |phone: &'static str, password: &'static str| {
        let app = &app;
        async move { app.post_json("/api/v1/auth/tokens", &json!({"phone": phone, "password": password}), None).await }
    };
    let mut existing = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..5 {
        existing.push(attempt(CITIZEN_HDAO, "wrong-password").await.0);
        unknown.push(attempt("0911111111", "wrong-password").await.0);
    }
    assert_eq!(existing, vec![401; 5]);
    assert_eq!(existing, unknown);
    // Locked now, even with the right password; and the same answer for a number nobody has.
    let (status, body) = attempt(CITIZEN_HDAO, PASSWORD).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("too_many_attempts")));
    assert_eq!(attempt("0911111111", PASSWORD).await.0, 429);
    app.clock.advance(time::Duration::minutes(16));
    assert_eq!(attempt(CITIZEN_HDAO, PASSWORD).await.0, 201);
}

#[tokio::test]
async fn totp_enrolment_then_sign_in_with_a_code() {
    let app = TestApp::spawn().await;
    let token = app.token(EA_KPAM_COMMANDER).await;
    let (status, enrolment) = app.post_json("/api/v1/me/totp", &json!({}), Some(&token)).await;
    assert_eq!(status, 201);
    assert!(enrolment["uri"].as_str().unwrap().starts_with("otpauth://totp/"));
    let (status, _) = app.post_json("/api/v1/me/totp/confirm", &json!({"code": "000000"}), Some(&token)).await;
    assert_eq!(status, 422);
    let account = app.core.accounts().account_by_phone(EA_KPAM_COMMANDER).await.unwrap();
    let code = app.core.auth().totp_code_now(&account).unwrap().unwrap();
    assert_eq!(app.post_json("/api/v1/me/totp/confirm", &json!({"code": code}), Some(&token)).await.0, 204);

    let (status, body) =
        app.post_json("/api/v1/auth/tokens", &json!({"phone": EA_KPAM_COMMANDER, "password": PASSWORD}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("totp_required")));
    let (status, _) = app
        .post_json(
            "/api/v1/auth/tokens",
            &json!({"phone": EA_KPAM_COMMANDER, "password": PASSWORD, "totp": "123456"}),
            None,
        )
        .await;
    assert_eq!(status, 401);
    let (status, _) = app
        .post_json(
            "/api/v1/auth/tokens",
            &json!({"phone": EA_KPAM_COMMANDER, "password": PASSWORD, "totp": code}),
            None,
        )
        .await;
    assert_eq!(status, 201);

    // In the browser: password, then the code page.
    let csrf = app.csrf("/sign-in").await;
    let (status, location, _) =
        app.form("/sign-in", &[("csrf", &csrf), ("phone", EA_KPAM_COMMANDER), ("password", PASSWORD)]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/sign-in/totp")));
    assert_eq!(app.page("/account").await.0, 303, "no access before the code");
    let (status, _, _) = app.form("/sign-in/totp", &[("csrf", &csrf), ("code", "000000")]).await;
    assert_eq!(status, 422);
    let (status, location, _) = app.form("/sign-in/totp", &[("csrf", &csrf), ("code", &code)]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/units")));
    assert_eq!(app.page("/account").await.0, 200);
}

#[tokio::test]
async fn an_administrator_requires_totp_for_a_role() {
    let app = TestApp::spawn().await;
    let district = app.token(DISTRICT_COMMANDER).await;
    let body = json!({"roles": ["commander"]});
    assert_eq!(app.send_json(reqwest::Method::PUT, "/api/v1/security/totp-roles", &body, Some(&district)).await.0, 403);
    let admin = app.token(PROVINCE_ADMIN).await;
    let (status, set) = app.send_json(reqwest::Method::PUT, "/api/v1/security/totp-roles", &body, Some(&admin)).await;
    assert_eq!((status, set["roles"].clone()), (200, json!(["commander"])));

    let (status, body) =
        app.post_json("/api/v1/auth/tokens", &json!({"phone": EA_KPAM_COMMANDER, "password": PASSWORD}), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("totp_enrolment_required")));
    // Citizens are not concerned.
    app.token(CITIZEN_HDAO).await;

    // The browser session is good for enrolment only.
    let csrf = app.csrf("/sign-in").await;
    let (_, location, _) =
        app.form("/sign-in", &[("csrf", &csrf), ("phone", EA_KPAM_COMMANDER), ("password", PASSWORD)]).await;
    assert_eq!(location.as_deref(), Some("/account"));
    let (status, _, html) = app.form("/account/totp", &[("csrf", &csrf)]).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"totp-secret\""), "{html}");
    let account = app.core.accounts().account_by_phone(EA_KPAM_COMMANDER).await.unwrap();
    let code = app.core.auth().totp_code_now(&account).unwrap().expect("enrolment started");
    let (status, location, _) = app.form("/account/totp/confirm", &[("csrf", &csrf), ("code", &code)]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/account")));
    let (_, html) = app.page("/account").await;
    assert!(html.contains("Xác thực hai bước đang bật"));
}

#[tokio::test]
async fn browser_sessions_use_httponly_cookies_and_sign_out() {
    let app = TestApp::spawn().await;
    let csrf = app.csrf("/sign-in").await;
    let res = app
        .browser
        .post(app.at("/sign-in"))
        .form(&[("csrf", csrf.as_str()), ("phone", CITIZEN_HDAO), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("binhyen_session="));
    let cookie = cookie.expect("session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let (status, html) = app.page("/account").await;
    assert_eq!(status, 200);
    assert!(html.contains("H&#39;Đào Niê") || html.contains("H'Đào Niê"), "{html}");
    let (status, location, _) = app.form("/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/")));
    assert_eq!(app.page("/account").await.0, 303);
}

#[tokio::test]
async fn the_sign_in_form_says_what_went_wrong_in_vietnamese() {
    let app = TestApp::spawn().await;
    let csrf = app.csrf("/sign-in").await;
    let (status, _, html) =
        app.form("/sign-in", &[("csrf", &csrf), ("phone", CITIZEN_HDAO), ("password", "sai-mat-khau")]).await;
    assert_eq!(status, 401);
    assert!(html.contains("Số điện thoại hoặc mật khẩu không đúng."));
    let (_, html) = app.page("/sign-in?lang=en").await;
    assert!(html.contains("Sign in") && html.contains("lang=\"en\""));
    let (_, html) = app.page("/units").await;
    assert!(html.contains("Unit directory"), "the language choice sticks");
}

#[tokio::test]
async fn sign_up_form_errors_and_success() {
    let app = TestApp::spawn().await;
    let csrf = app.csrf("/sign-up").await;
    let (status, _, html) = app
        .form(
            "/sign-up",
            &[("csrf", &csrf), ("phone", "12345"), ("password", "mật khẩu dài"), ("display_name", "Nguyễn Văn An")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"phone-error\">Số điện thoại không hợp lệ"));
    assert!(html.contains("value=\"Nguyễn Văn An\""), "what was typed is kept");
    let (status, _, html) =
        app.form("/sign-up", &[("csrf", &csrf), ("phone", "1"), ("password", "ngắn"), ("display_name", " ")]).await;
    assert_eq!(status, 422);
    for field in ["phone-error", "password-error", "display_name-error"] {
        assert!(html.contains(&format!("id=\"{field}\"")), "every mistake at once: {field}");
    }
    let (status, _, html) = app
        .form(
            "/sign-up",
            &[("csrf", &csrf), ("phone", CITIZEN_HDAO), ("password", "mật khẩu dài"), ("display_name", "An")],
        )
        .await;
    assert_eq!(status, 409);
    assert!(html.contains("Số điện thoại này đã được đăng ký."));
    let (status, location, _) = app
        .form(
            "/sign-up",
            &[
                ("csrf", &csrf),
                ("phone", "0912345678"),
                ("password", "mật khẩu dài"),
                ("display_name", "An"),
                ("home_area", "xã cư m'gar"),
            ],
        )
        .await;
    assert_eq!((status, location.as_deref()), (303, Some("/account")));
    let account = app.core.accounts().account_by_phone("0912345678").await.unwrap();
    let home = app.store.area(account.home_area_id.expect("home area resolved")).await.unwrap();
    assert_eq!(home.name, "Xã Cư M'gar");

    // A former commune's name leads to the commune it merged into.
    let fields = [
        ("csrf", csrf.as_str()),
        ("phone", "0912345679"),
        ("password", "mật khẩu dài"),
        ("display_name", "Bình"),
        ("home_area", "Ea Kpam"),
    ];
    let (status, location, _) = app.form("/sign-up", &fields).await;
    assert_eq!((status, location.as_deref()), (303, Some("/account")));
    let account = app.core.accounts().account_by_phone("0912345679").await.unwrap();
    let home = app.store.area(account.home_area_id.expect("home area resolved")).await.unwrap();
    assert_eq!(home.name, "Xã Cư M'gar");
}

#[tokio::test]
async fn password_reset_ends_sessions() {
    let app = TestApp::spawn().await;
    let token = app.token(CITIZEN_HDAO).await;
    let account = app.core.accounts().account_by_phone(CITIZEN_HDAO).await.unwrap();
    app.core.accounts().reset_password(None, account.id, "mật khẩu mới tinh").await.unwrap();
    assert_eq!(app.get_json("/api/v1/me", Some(&token)).await.0, 401);
    let (status, _) = app
        .post_json("/api/v1/auth/tokens", &json!({"phone": CITIZEN_HDAO, "password": "mật khẩu mới tinh"}), None)
        .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn a_representative_signs_up_a_cluster_of_households() {
    let app = TestApp::spawn().await;
    let households: Vec<_> = (1..=3)
        .map(|i| json!({"head_name": format!("Y Hộ {i} Niê"), "address": format!("Nhà {i}, buôn Bling")}))
        .collect();
    let body = json!({"phone": "0976000001", "password": "mật khẩu dài", "display_name": "Cụm 3 hộ",
        "households": households});
    let (status, cluster) = app.post_json("/api/v1/clusters", &body, None).await;
    assert_eq!(status, 201, "{cluster}");
    assert_eq!(cluster["kind"], "cluster");
    assert_eq!(cluster["households"][2]["position"], 3);
    assert_eq!(cluster["households"][0]["head_name"], "Y Hộ 1 Niê");

    let before = app.store.count_accounts().await.unwrap();
    let one = json!({"phone": "0976000002", "password": "mật khẩu dài", "display_name": "Cụm 1 hộ",
        "households": [{"head_name": "A", "address": "B"}]});
    let (status, err) = app.post_json("/api/v1/clusters", &one, None).await;
    assert_eq!((status, err["error"]["code"].as_str()), (422, Some("household_count")));
    let blank = json!({"phone": "0976000003", "password": "mật khẩu dài", "display_name": "Cụm",
        "households": [{"head_name": "A", "address": "B"}, {"head_name": "C", "address": "  "}]});
    let (status, err) = app.post_json("/api/v1/clusters", &blank, None).await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("address")));
    assert_eq!(app.store.count_accounts().await.unwrap(), before, "nothing half-written");
}

#[tokio::test]
async fn a_commander_registers_a_pawnshop_of_their_commune() {
    let app = TestApp::spawn().await;
    let token = app.token(EA_KPAM_COMMANDER).await;
    let body = json!({"phone": "0977000001", "password": "mật khẩu dài", "display_name": "Tiệm cầm đồ Phú Quý",
        "business_kind": "pawnshop"});
    let (status, shop) = app.post_json("/api/v1/units/ca-xa-ea-kpam/businesses", &body, Some(&token)).await;
    assert_eq!(status, 201, "{shop}");
    assert_eq!((shop["kind"].as_str(), shop["business_kind"].as_str()), (Some("business"), Some("pawnshop")));
    let other = json!({"phone": "0977000002", "password": "mật khẩu dài", "display_name": "Quán cà phê",
        "business_kind": "cafe"});
    assert_eq!(app.post_json("/api/v1/units/ca-phuong-tan-loi/businesses", &other, Some(&token)).await.0, 403);
    let bad_kind =
        json!({"phone": "0977000003", "password": "mật khẩu dài", "display_name": "X", "business_kind": "bar"});
    let (status, err) = app.post_json("/api/v1/units/ca-xa-ea-kpam/businesses", &bad_kind, Some(&token)).await;
    assert_eq!((status, err["error"]["field"].as_str()), (422, Some("business_kind")));
}
