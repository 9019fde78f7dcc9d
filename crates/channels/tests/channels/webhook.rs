use binhyen_channels::fakes::{HttpFake, Reply};
use binhyen_channels::{verify_webhook_signature, Channel, DeliveryError, WebhookChannel, WebhookConfig};
use serde_json::json;

use crate::{message, BODY, LINK, SUBJECT, WAIT};

const SECRET: &str = "k3y-0f-at-least-32-characters-long!!";

fn config(fake: &HttpFake) -> WebhookConfig {
    WebhookConfig { url: format!("{}/hooks/binhyen", fake.url()), secret: SECRET.into(), timeout_seconds: 5 }
}

#[tokio::test]
async fn posts_a_signed_payload() {
    let fake = HttpFake::start().await;
    let channel = WebhookChannel::new(config(&fake)).unwrap();
    let m = message("tip-42-webhook", "ignored");
    assert_eq!(channel.send(&m).await.unwrap().provider_id, None);

    let r = fake.wait_for(1, WAIT).await.remove(0);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/hooks/binhyen"));
    assert_eq!(r.header("idempotency-key"), Some("tip-42-webhook"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let timestamp = r.header("x-binhyen-timestamp").unwrap().to_owned();
    let signature = r.header("x-binhyen-signature").unwrap().to_owned();
    assert!(signature.starts_with("sha256=") && signature[7..].chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));

    let payload = r.json();
    assert_eq!(payload["id"], "tip-42-webhook");
    assert_eq!(payload["subject"], SUBJECT);
    assert_eq!(payload["body"], BODY);
    assert_eq!(payload["link"], LINK);
    assert_eq!(payload["data"], json!({ "tip_id": 42, "state": "submitted" }));
    assert_eq!(payload["sent_at"].as_u64().unwrap().to_string(), timestamp);
    assert!(payload.get("to").is_none());

    assert!(verify_webhook_signature(SECRET.as_bytes(), &timestamp, &r.body, &signature));
    assert!(!verify_webhook_signature(b"another-secret-of-at-least-32-chars", &timestamp, &r.body, &signature));
    let mut altered = r.body.clone();
    let at = altered.len() / 2;
    altered[at] ^= 1;
    assert!(!verify_webhook_signature(SECRET.as_bytes(), &timestamp, &altered, &signature));
    let later = (timestamp.parse::<u64>().unwrap() + 1).to_string();
    assert!(!verify_webhook_signature(SECRET.as_bytes(), &later, &r.body, &signature));
}

#[tokio::test]
async fn receiver_errors_are_classified() {
    let fake = HttpFake::start().await;
    let channel = WebhookChannel::new(config(&fake)).unwrap();
    let m = message("k", "");
    fake.push(Reply::text(502, "bad gateway"));
    assert_eq!(channel.send(&m).await.unwrap_err(), DeliveryError::Transient("webhook: HTTP 502".into()));
    fake.push(Reply::text(410, "gone"));
    assert_eq!(channel.send(&m).await.unwrap_err(), DeliveryError::Permanent("webhook: HTTP 410".into()));
    fake.stop().await;
    assert!(channel.send(&m).await.unwrap_err().is_transient());
}
