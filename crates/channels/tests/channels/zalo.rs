use std::sync::Arc;
use std::time::Duration;

use binhyen_channels::fakes::{HttpFake, RecordedRequest, Reply};
use binhyen_channels::{Channel, DeliveryError, MemoryTokenStore, ZaloChannel, ZaloConfig, ZaloTokens};
use serde_json::json;

use crate::{assert_no_personal_data, message, BODY, LINK, SUBJECT};

const SEND: &str = "/v3.0/oa/message/cs";
const OAUTH: &str = "/v4/oa/access_token";
const USER: &str = "8254109387123456789";

fn config(fake: &HttpFake) -> ZaloConfig {
    ZaloConfig {
        api_base: fake.url(),
        oauth_base: format!("{}/", fake.url()),
        app_id: "4291763606161179100".into(),
        secret_key: "app-secret-key".into(),
        access_token: Some("acc-1".into()),
        refresh_token: Some("ref-1".into()),
        timeout_seconds: 5,
    }
}

fn tokens(access: &str, refresh: &str) -> ZaloTokens {
    ZaloTokens { access_token: access.into(), refresh_token: refresh.into() }
}

fn sent(id: &str) -> Reply {
    Reply::json(200, json!({ "error": 0, "message": "Success", "data": { "message_id": id, "user_id": USER } }))
}

fn token_invalid() -> Reply {
    Reply::json(200, json!({ "error": -216, "message": "Access token is invalid" }))
}

/// Zalo as it behaves: a send succeeds with `valid` and is refused -216 with any other token; the OAuth
/// endpoint hands out `fresh` (a new pair per call would be as real, but one is enough here).
fn zalo(valid: &'static str, fresh: serde_json::Value) -> impl Fn(&RecordedRequest) -> Reply + Send + Sync {
    move |r| match r.path.as_str() {
        SEND if r.header("access_token") == Some(valid) => sent("mid-9"),
        SEND => token_invalid(),
        OAUTH => Reply::json(200, fresh.clone()),
        _ => Reply::text(404, "not found"),
    }
}

#[tokio::test]
async fn sends_a_text_message() {
    let fake = HttpFake::start().await;
    fake.respond_fn(zalo("acc-1", json!({})));
    let store = Arc::new(MemoryTokenStore::new());
    let channel = ZaloChannel::new(config(&fake), store.clone()).unwrap();

    let result = channel.send(&message("tip-42-zalo", USER)).await.unwrap();
    assert_eq!(result.provider_id.as_deref(), Some("mid-9"));

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", SEND));
    assert_eq!(r.header("access_token"), Some("acc-1"));
    let body = r.json();
    assert_eq!(body["recipient"], json!({ "user_id": USER }));
    assert_eq!(body["message"]["text"], format!("{SUBJECT}\n\n{BODY}\n\n{LINK}"));
    assert_eq!(store.saves(), 0);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_saved_and_the_send_retried() {
    let fake = HttpFake::start().await;
    fake.respond_fn(zalo("acc-2", json!({ "access_token": "acc-2", "refresh_token": "ref-2", "expires_in": "90000" })));
    let store = Arc::new(MemoryTokenStore::new());
    let channel = ZaloChannel::new(config(&fake), store.clone()).unwrap();

    let result = channel.send(&message("tip-42-zalo", USER)).await.unwrap();
    assert_eq!(result.provider_id.as_deref(), Some("mid-9"));

    let requests = fake.requests();
    let seen: Vec<_> = requests.iter().map(|r| (r.path.as_str(), r.header("access_token"))).collect();
    assert_eq!(seen, vec![(SEND, Some("acc-1")), (OAUTH, None), (SEND, Some("acc-2"))]);
    let refresh = &requests[1];
    assert_eq!(refresh.method, "POST");
    assert_eq!(refresh.header("secret_key"), Some("app-secret-key"));
    assert_eq!(refresh.header("content-type"), Some("application/x-www-form-urlencoded"));
    let mut form = refresh.form();
    form.sort();
    assert_eq!(
        form,
        vec![
            ("app_id".to_owned(), "4291763606161179100".to_owned()),
            ("grant_type".to_owned(), "refresh_token".to_owned()),
            ("refresh_token".to_owned(), "ref-1".to_owned()),
        ]
    );
    // Both new tokens are kept: the old refresh token is spent.
    assert_eq!(store.tokens(), Some(tokens("acc-2", "ref-2")));
    assert_eq!(store.saves(), 1);

    // The next send goes straight out with the new token.
    channel.send(&message("tip-43-zalo", USER)).await.unwrap();
    assert_eq!(fake.requests_to(OAUTH).len(), 1);
    assert_eq!(fake.requests().last().unwrap().header("access_token"), Some("acc-2"));
}

#[tokio::test]
async fn a_failed_refresh_is_permanent_and_keeps_the_stored_tokens() {
    let fake = HttpFake::start().await;
    let refused = json!({
        "error": -14014,
        "error_name": "Invalid refresh token",
        "error_description": "Refresh token is invalid",
    });
    fake.respond_fn(zalo("never", refused));
    let store = Arc::new(MemoryTokenStore::new());
    let channel = ZaloChannel::new(config(&fake), store.clone()).unwrap();
    let m = message("k", USER);
    let err = channel.send(&m).await.unwrap_err();
    assert_eq!(err, DeliveryError::Permanent("zalo: access token refresh failed: error -14014".into()));
    assert_no_personal_data(err.reason(), &m);
    assert_eq!(store.saves(), 0);
    assert_eq!(fake.requests_to(SEND).len(), 1);

    // The OAuth endpoint refusing at the HTTP level is as final; being down is not.
    fake.push_for(OAUTH, Reply::text(400, "bad request"));
    let err = channel.send(&m).await.unwrap_err();
    assert_eq!(err, DeliveryError::Permanent("zalo: access token refresh failed: HTTP 400".into()));
    fake.push_for(OAUTH, Reply::text(503, "busy"));
    let err = channel.send(&m).await.unwrap_err();
    assert_eq!(err, DeliveryError::Transient("zalo: access token refresh failed: HTTP 503".into()));
}

#[tokio::test]
async fn a_new_token_refused_again_is_permanent() {
    let fake = HttpFake::start().await;
    fake.respond_fn(zalo("never", json!({ "access_token": "acc-2", "refresh_token": "ref-2", "expires_in": 90000 })));
    let store = Arc::new(MemoryTokenStore::new());
    let channel = ZaloChannel::new(config(&fake), store.clone()).unwrap();
    let err = channel.send(&message("k", USER)).await.unwrap_err();
    assert!(!err.is_transient());
    assert!(err.reason().starts_with("zalo: access token refresh failed"), "{err}");
    assert_eq!(fake.requests_to(SEND).len(), 2);
    assert_eq!(fake.requests_to(OAUTH).len(), 1);
    assert_eq!(store.tokens(), Some(tokens("acc-2", "ref-2")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sends_refresh_once() {
    let fake = HttpFake::start().await;
    // Both sends are in flight with the old token before either hears -216, and the refresh takes a while, so
    // the second send reaches the lock while the first refreshes.
    fake.respond_fn(move |r| match r.path.as_str() {
        SEND if r.header("access_token") == Some("acc-2") => sent("mid-ok"),
        SEND => token_invalid().after(Duration::from_millis(300)),
        OAUTH => Reply::json(200, json!({ "access_token": "acc-2", "refresh_token": "ref-2", "expires_in": 90000 }))
            .after(Duration::from_millis(200)),
        _ => Reply::text(404, "not found"),
    });
    let store = Arc::new(MemoryTokenStore::new());
    let channel = Arc::new(ZaloChannel::new(config(&fake), store.clone()).unwrap());

    let (first, second) = (message("a", USER), message("b", USER));
    let (a, b) = tokio::join!(channel.send(&first), channel.send(&second));
    assert_eq!(a.unwrap().provider_id.as_deref(), Some("mid-ok"));
    assert_eq!(b.unwrap().provider_id.as_deref(), Some("mid-ok"));
    assert_eq!(fake.requests_to(OAUTH).len(), 1, "the refresh token was presented twice");
    assert_eq!(fake.requests_to(SEND).len(), 4);
    assert_eq!(store.saves(), 1);
    assert_eq!(store.tokens(), Some(tokens("acc-2", "ref-2")));
}

#[tokio::test]
async fn stored_tokens_win_over_configured_ones() {
    let fake = HttpFake::start().await;
    fake.respond_fn(zalo("acc-stored", json!({})));
    let store = Arc::new(MemoryTokenStore::with_tokens(tokens("acc-stored", "ref-stored")));
    let channel = ZaloChannel::new(config(&fake), store).unwrap();
    channel.send(&message("k", USER)).await.unwrap();
    assert_eq!(fake.requests()[0].header("access_token"), Some("acc-stored"));
}

#[tokio::test]
async fn a_token_refreshed_elsewhere_is_taken_from_the_store() {
    let fake = HttpFake::start().await;
    fake.respond_fn(zalo("acc-1", json!({})));
    let store = Arc::new(MemoryTokenStore::new());
    let channel = ZaloChannel::new(config(&fake), store.clone()).unwrap();
    channel.send(&message("k1", USER)).await.unwrap();

    // Another node refreshed: Zalo now only takes its token, which the shared store holds.
    use binhyen_channels::ZaloTokenStore;
    store.save(&tokens("acc-other", "ref-other")).await.unwrap();
    fake.respond_fn(zalo("acc-other", json!({ "error": -14014 })));
    channel.send(&message("k2", USER)).await.unwrap();
    assert!(fake.requests_to(OAUTH).is_empty());
    assert_eq!(fake.requests().last().unwrap().header("access_token"), Some("acc-other"));
}

#[tokio::test]
async fn only_a_refresh_token_configured_refreshes_first() {
    let fake = HttpFake::start().await;
    fake.respond_fn(zalo("acc-2", json!({ "access_token": "acc-2", "refresh_token": "ref-2", "expires_in": "90000" })));
    let store = Arc::new(MemoryTokenStore::new());
    let channel = ZaloChannel::new(ZaloConfig { access_token: None, ..config(&fake) }, store.clone()).unwrap();
    channel.send(&message("k", USER)).await.unwrap();
    let paths: Vec<_> = fake.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, vec![OAUTH.to_owned(), SEND.to_owned()]);
    assert_eq!(store.tokens(), Some(tokens("acc-2", "ref-2")));
}

#[tokio::test]
async fn no_tokens_anywhere_is_permanent() {
    let fake = HttpFake::start().await;
    let config = ZaloConfig { access_token: None, refresh_token: None, ..config(&fake) };
    let channel = ZaloChannel::new(config, Arc::new(MemoryTokenStore::new())).unwrap();
    let err = channel.send(&message("k", USER)).await.unwrap_err();
    assert!(!err.is_transient());
    assert!(err.reason().starts_with("zalo: no tokens"), "{err}");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn other_errors_are_classified() {
    let fake = HttpFake::start().await;
    let channel = ZaloChannel::new(config(&fake), Arc::new(MemoryTokenStore::new())).unwrap();
    let m = message("k", USER);

    fake.push_for(
        SEND,
        Reply::json(200, json!({ "error": -230, "message": format!("user {USER} has not interacted") })),
    );
    let err = channel.send(&m).await.unwrap_err();
    assert_eq!(err, DeliveryError::Permanent("zalo: error -230".into()));
    assert_no_personal_data(err.reason(), &m);

    fake.push_for(SEND, Reply::text(502, "bad gateway"));
    assert_eq!(channel.send(&m).await.unwrap_err(), DeliveryError::Transient("zalo: HTTP 502".into()));

    fake.push_for(SEND, Reply::text(200, "<html>maintenance</html>"));
    assert_eq!(channel.send(&m).await.unwrap_err(), DeliveryError::Transient("zalo: unreadable answer".into()));

    let err = channel.send(&message("k", "+84381234567")).await.unwrap_err();
    assert_eq!(err, DeliveryError::Permanent("zalo: recipient is not a Zalo user id".into()));

    fake.stop().await;
    assert!(channel.send(&m).await.unwrap_err().is_transient());
}
