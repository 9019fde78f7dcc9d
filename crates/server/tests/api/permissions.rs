//! The permission matrix through the API: role × action × (own unit, a unit below, another unit).
//! The pure rule is tested in `binhyen-domain`; this proves every endpoint applies it.

use binhyen_core::accounts::NewOfficer;
use binhyen_domain::Role;
use serde_json::json;

use crate::support::{TestApp, EA_KPAM_COMMANDER, PASSWORD, PROVINCE_ADMIN};

const OWN: &str = "ca-huyen-cu-mgar";
const CHILD: &str = "ca-xa-ea-kpam";
const OTHER: &str = "ca-phuong-tan-loi";

#[derive(Debug, Clone, Copy)]
enum Act {
    ViewStaff,
    EditUnit,
    ManageOfficers,
    ManageUnits,
}

fn allowed(role: Role, act: Act, target: &str) -> bool {
    let inside = target != OTHER;
    inside
        && match act {
            Act::ViewStaff => true,
            Act::EditUnit | Act::ManageOfficers => role != Role::Officer,
            Act::ManageUnits => role == Role::Administrator,
        }
}

#[tokio::test]
async fn matrix() {
    let app = TestApp::spawn().await;
    let district = app.core.units().unit_by_code(OWN).await.unwrap();
    let mut serial = 0;
    for (i, role) in Role::ALL.iter().enumerate() {
        let phone = format!("08610000{i:02}");
        let officer = NewOfficer {
            phone: phone.clone(),
            password: PASSWORD.to_owned(),
            display_name: format!("Cán bộ thử {i}"),
            unit_id: district.id,
            role: *role,
        };
        app.core.accounts().create_officer(None, officer).await.unwrap();
        let token = app.token(&phone).await;
        for act in [Act::ViewStaff, Act::EditUnit, Act::ManageOfficers, Act::ManageUnits] {
            for target in [OWN, CHILD, OTHER] {
                serial += 1;
                let (status, body) = match act {
                    Act::ViewStaff => app.get_json(&format!("/api/v1/units/{target}/officers"), Some(&token)).await,
                    Act::EditUnit => {
                        let body = json!({"hours": format!("07:00–17:00 ({serial})")});
                        let path = format!("/api/v1/units/{target}/contact");
                        app.send_json(reqwest::Method::PATCH, &path, &body, Some(&token)).await
                    }
                    Act::ManageOfficers => {
                        let body = json!({"phone": format!("0862{serial:06}"), "password": PASSWORD,
                            "display_name": "Cán bộ mới", "role": "officer"});
                        app.post_json(&format!("/api/v1/units/{target}/officers"), &body, Some(&token)).await
                    }
                    Act::ManageUnits => {
                        let body = json!({"code": format!("doi-thu-{serial}"), "kind": "team",
                            "name": format!("Đội thử {serial}"), "parent_code": target});
                        app.post_json("/api/v1/units", &body, Some(&token)).await
                    }
                };
                let expected = allowed(*role, act, target);
                let ok = (200..300).contains(&status);
                assert_eq!(ok, expected, "{role:?} {act:?} on {target}: {status} {body}");
                if !ok {
                    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")));
                }
            }
        }
    }
}

#[tokio::test]
async fn no_one_grants_a_role_above_their_own() {
    let app = TestApp::spawn().await;
    let token = app.token(EA_KPAM_COMMANDER).await;
    let body = json!({"phone": "0862000001", "password": PASSWORD, "display_name": "X", "role": "administrator"});
    assert_eq!(app.post_json(&format!("/api/v1/units/{CHILD}/officers"), &body, Some(&token)).await.0, 403);
    assert!(app.core.accounts().account_by_phone("0862000001").await.is_err(), "nothing written");
}

#[tokio::test]
async fn citizens_are_not_officers() {
    let app = TestApp::spawn().await;
    let token = app.token(crate::support::CITIZEN_HDAO).await;
    assert_eq!(app.get_json(&format!("/api/v1/units/{CHILD}/officers"), Some(&token)).await.0, 403);
    assert_eq!(app.get_json(&format!("/api/v1/units/{CHILD}/officers"), None).await.0, 401);
}

#[tokio::test]
async fn villages_are_added_by_administrators_answering_for_the_commune() {
    let app = TestApp::spawn().await;
    let ea_kpam = app
        .core
        .units()
        .unit_detail(app.core.units().unit_by_code(CHILD).await.unwrap().id)
        .await
        .unwrap()
        .jurisdiction[0]
        .id;
    let body = json!({"kind": "Thôn", "name": "Thôn 12"});
    let path = format!("/api/v1/areas/{ea_kpam}/villages");
    let commander = app.token(EA_KPAM_COMMANDER).await;
    assert_eq!(app.post_json(&path, &body, Some(&commander)).await.0, 403);
    let admin = app.token(PROVINCE_ADMIN).await;
    let (status, village) = app.post_json(&path, &body, Some(&admin)).await;
    assert_eq!(status, 201, "{village}");
    assert_eq!((village["level"].as_str(), village["parent_id"].as_i64()), (Some("village"), Some(ea_kpam)));
    let (status, again) = app.post_json(&path, &json!({"kind": "Thôn", "name": "thôn 12"}), Some(&admin)).await;
    assert_eq!((status, again["error"]["code"].as_str()), (409, Some("area_name_taken")));
    let (status, bad) = app.post_json(&path, &json!({"kind": "Làng", "name": "X"}), Some(&admin)).await;
    assert_eq!((status, bad["error"]["field"].as_str()), (422, Some("kind")));
}
