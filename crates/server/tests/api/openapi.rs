//! The OpenAPI document describes the routes the server really serves, with their request schemas.

use serde_json::{json, Value};

use crate::support::TestApp;

#[tokio::test]
async fn every_documented_operation_is_served() {
    let app = TestApp::spawn().await;
    let (status, doc) = app.get_json("/api/v1/openapi.json", None).await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 15, "{:?}", paths.keys());
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path.replace("{code}", "ca-xa-ea-kpam").replace("{id}", "1");
        for (method, op) in item.as_object().unwrap() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = app
                .api
                .request(method.clone(), app.at(&format!("/api/v1{concrete}")))
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            // The router knows the route: whatever it answers, it is not "no such route" or "wrong method".
            assert_ne!(body["error"]["code"], "not_found", "{method} {path}");
            assert_ne!(status, 405, "{method} {path}");
            assert!(status < 500, "{method} {path}: {status}");
            // Every answer it gives is documented, errors included.
            let documented = op["responses"].as_object().unwrap();
            assert!(
                documented.contains_key(&status.to_string()),
                "{method} {path} answered {status}, documents {:?}",
                documented.keys()
            );
            operations += 1;
        }
    }
    assert!(operations >= 18);
}

#[tokio::test]
async fn request_schemas_match_what_is_accepted() {
    let app = TestApp::spawn().await;
    let (_, doc) = app.get_json("/api/v1/openapi.json", None).await;
    let schema = &doc["components"]["schemas"]["SignUpRequest"];
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(required, vec!["phone", "password", "display_name"]);
    // Leaving out each required field is refused, naming it; the optional one may be left out.
    let full = json!({"phone": "0912345678", "password": "mật khẩu dài", "display_name": "An"});
    for field in &required {
        let mut body = full.clone();
        body.as_object_mut().unwrap().remove(*field);
        let (status, err) = app.post_json("/api/v1/accounts", &body, None).await;
        assert_eq!((status, err["error"]["field"].as_str()), (422, Some(*field)));
    }
    assert_eq!(app.post_json("/api/v1/accounts", &full, None).await.0, 201);
    let kinds = &doc["components"]["schemas"]["UnitKind"]["enum"];
    assert!(kinds.as_array().unwrap().contains(&json!("commune_police")));
}
