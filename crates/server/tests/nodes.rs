//! Several nodes on one PostgreSQL database: a tip submitted through node A reaches an officer's live feed on
//! node B (LISTEN/NOTIFY), a group message posted through A reaches a member on B, and the job queue is shared. Needs PostgreSQL (`--features postgres-tests`,
//! `TEST_POSTGRES_URL`); fails, never skips, when it cannot be reached.

#![cfg(feature = "postgres-tests")]

use std::time::Duration;

use binhyen_core::{KeyRing, Policy};
use binhyen_server::startup;
use binhyen_store::scratch::ScratchDatabase;
use serde_json::json;

#[path = "support/instant.rs"]
mod instant;
#[path = "support/process.rs"]
mod process;
#[path = "support/sse.rs"]
mod sse;

/// `KeyRing::for_tests()` as configuration: every node must seal with the same keys.
const TEST_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tip_submitted_on_one_node_reaches_a_live_feed_on_another() {
    // Test support, not configuration: which server the test runs on, as scripts/test.sh and CI say.
    #[allow(clippy::disallowed_methods)]
    let server =
        std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let db = ScratchDatabase::create(&server)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {server} is needed (see scripts/test.sh): {e}"));
    let url = db.url().to_owned();
    let area = {
        let store = startup::open_store(&url).await.expect("migrate");
        let core = startup::core_at(store.clone(), instant::manual_clock(), Policy::default(), KeyRing::for_tests());
        binhyen_core::demo::build(&core).await.expect("demo on PostgreSQL");
        let areas = store.areas_by_code("24280").await.expect("areas");
        store.close().await;
        areas.into_iter().find(|a| a.valid_to.is_some()).expect("the former Ea KPam").id
    };
    let env = [("BINHYEN_SEAL__CURRENT", "test".to_owned()), ("BINHYEN_SEAL__KEYS__TEST", TEST_KEY.to_owned())];
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut node_a, url_a) = process::serve_with(dir_a.path(), &url, &env).await;
    let (mut node_b, url_b) = process::serve_with(dir_b.path(), &url, &env).await;

    let client = reqwest::Client::new();
    let sign_in = json!({"phone": "0388000009", "password": "binhyen-demo"});
    let token: serde_json::Value =
        client.post(format!("{url_b}/api/v1/auth/tokens")).json(&sign_in).send().await.unwrap().json().await.unwrap();
    let token = token["token"].as_str().expect("a token from node B").to_owned();
    let mut feed = sse::SseClient::open(&format!("{url_b}/api/v1/events"), &token, None).await;

    let tip = json!({"category": "disorder", "description": "Hai nhóm thanh niên hẹn nhau đánh nhau lúc nửa đêm.",
        "happening_now": true, "area_id": area, "protection": "anonymous"});
    let answer = client.post(format!("{url_a}/api/v1/tips")).json(&tip).send().await.unwrap();
    assert_eq!(answer.status(), 201);
    let id = answer.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let seen = feed.expect("tip.submitted", id, Duration::from_secs(10)).await;
    assert_eq!(seen.data["priority"], "urgent");

    // A reconnect to node A with node B's last event id misses nothing either: ids are the database's.
    let token_a: serde_json::Value =
        client.post(format!("{url_a}/api/v1/auth/tokens")).json(&sign_in).send().await.unwrap().json().await.unwrap();
    let token_a = token_a["token"].as_str().unwrap().to_owned();
    let ack = json!({"action": "acknowledge"});
    let acked =
        client.post(format!("{url_b}/api/v1/tips/{id}/transitions")).bearer_auth(&token).json(&ack).send().await;
    assert_eq!(acked.unwrap().status(), 200);
    let mut moved = sse::SseClient::open(&format!("{url_a}/api/v1/events"), &token_a, seen.id).await;
    moved.expect("tip.state_changed", id, Duration::from_secs(10)).await;

    // A sector group's message posted through node A reaches a member reading on node B (the group tail).
    let token_of = |phone: &'static str| {
        let client = client.clone();
        let (url_a, url_b) = (url_a.clone(), url_b.clone());
        async move {
            let body = json!({"phone": phone, "password": "binhyen-demo"});
            let url = if phone.starts_with("0399") { url_b } else { url_a };
            let answer: serde_json::Value = client
                .post(format!("{url}/api/v1/auth/tokens"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answer["token"].as_str().expect("a token").to_owned()
        }
    };
    let commander = token_of("0388000005").await;
    let citizen = token_of("0399000001").await;
    let group = json!({"kind": "village", "name": "Nhóm buôn Bling"});
    let group: serde_json::Value = client
        .post(format!("{url_a}/api/v1/units/ca-xa-ea-kpam/groups"))
        .bearer_auth(&commander)
        .json(&group)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let group = group["id"].as_i64().expect("a group");
    let joined = client.post(format!("{url_b}/api/v1/groups/{group}/join")).bearer_auth(&citizen).send().await.unwrap();
    assert_eq!(joined.status(), 204);
    let me: serde_json::Value =
        client.get(format!("{url_b}/api/v1/me")).bearer_auth(&citizen).send().await.unwrap().json().await.unwrap();
    let approve = json!({"change": "approve"});
    let approved = client
        .post(format!("{url_a}/api/v1/groups/{group}/members/{}", me["id"]))
        .bearer_auth(&commander)
        .json(&approve)
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 204);
    let mut stream = sse::SseClient::open(&format!("{url_b}/api/v1/groups/{group}/events"), &citizen, None).await;
    let said = json!({"body": "Tối nay công an xã tuần tra buôn Bling."});
    let posted =
        client.post(format!("{url_a}/api/v1/groups/{group}/messages")).bearer_auth(&commander).json(&said).send().await;
    assert_eq!(posted.unwrap().status(), 201);
    let event = stream.next(Duration::from_secs(10)).await.expect("the message on node B");
    assert_eq!(event.event, "message");
    assert_eq!(event.data["body"], "Tối nay công an xã tuần tra buôn Bling.");

    node_a.kill().await.unwrap();
    node_b.kill().await.unwrap();
    db.drop_database().await.expect("drop the scratch database");
}
