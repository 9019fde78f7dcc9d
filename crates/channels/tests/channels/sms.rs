use std::time::Duration;

use binhyen_channels::fakes::{HttpFake, Reply};
use binhyen_channels::{sms_text, Channel, DeliveryError, SmsChannel, SmsConfig};
use serde_json::json;

use crate::{assert_no_personal_data, message, LINK, SUBJECT, WAIT};

const PHONE: &str = "+84381234567";

fn config(fake: &HttpFake) -> SmsConfig {
    SmsConfig {
        url: format!("{}/v1/sms", fake.url()),
        token: "gw-token-0123456789".into(),
        sender: Some("CA DakLak".into()),
        timeout_seconds: 5,
    }
}

#[tokio::test]
async fn posts_the_text_with_token_and_idempotency_key() {
    let fake = HttpFake::start().await;
    fake.respond_with(200, json!({ "id": "gw-77", "status": "queued" }));
    let channel = SmsChannel::new(config(&fake)).unwrap();

    let sent = channel.send(&message("tip-42-sms", PHONE)).await.unwrap();
    assert_eq!(sent.provider_id.as_deref(), Some("gw-77"));

    let requests = fake.wait_for(1, WAIT).await;
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/v1/sms");
    assert_eq!(r.header("authorization"), Some("Bearer gw-token-0123456789"));
    assert_eq!(r.header("idempotency-key"), Some("tip-42-sms"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), json!({ "to": PHONE, "text": format!("{SUBJECT} {LINK}"), "sender": "CA DakLak" }));
    assert_eq!(sms_text(SUBJECT, Some(LINK)), format!("{SUBJECT} {LINK}"));
}

#[tokio::test]
async fn no_sender_no_field_and_no_id_no_failure() {
    let fake = HttpFake::start().await;
    fake.set_default(Reply::text(202, "accepted"));
    let channel = SmsChannel::new(SmsConfig { sender: None, ..config(&fake) }).unwrap();
    let sent = channel.send(&message("k", PHONE)).await.unwrap();
    assert_eq!(sent.provider_id, None);
    let body = fake.wait_for(1, WAIT).await[0].json();
    assert!(body.get("sender").is_none(), "{body}");
}

#[tokio::test]
async fn statuses_are_classified() {
    let fake = HttpFake::start().await;
    let channel = SmsChannel::new(config(&fake)).unwrap();
    let m = message("k", PHONE);
    for (status, expected) in [
        (503, DeliveryError::Transient("sms gateway: HTTP 503".into())),
        (500, DeliveryError::Transient("sms gateway: HTTP 500".into())),
        (429, DeliveryError::Transient("sms gateway: HTTP 429".into())),
        (400, DeliveryError::Permanent("sms gateway: HTTP 400".into())),
        (401, DeliveryError::Permanent("sms gateway: HTTP 401".into())),
        (301, DeliveryError::Permanent("sms gateway: HTTP 301".into())),
    ] {
        fake.push(Reply::json(status, json!({ "error": format!("bad number {PHONE}") })));
        let err = channel.send(&m).await.unwrap_err();
        assert_eq!(err, expected);
        assert_no_personal_data(err.reason(), &m);
    }
    // The queue is used up: the default answer again.
    channel.send(&m).await.unwrap();
}

#[tokio::test]
async fn gateway_down_or_slow_is_transient() {
    let fake = HttpFake::start().await;
    let channel = SmsChannel::new(SmsConfig { timeout_seconds: 1, ..config(&fake) }).unwrap();
    let m = message("k", PHONE);

    fake.push(Reply::json(200, json!({})).after(Duration::from_secs(3)));
    let err = channel.send(&m).await.unwrap_err();
    assert_eq!(err, DeliveryError::Transient("sms gateway: timeout".into()));

    // A kept-alive connection and a fresh one both fail once the gateway is gone.
    channel.send(&m).await.unwrap();
    fake.stop().await;
    let err = channel.send(&m).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_no_personal_data(err.reason(), &m);
}

#[tokio::test]
async fn a_number_that_is_not_e164_is_permanent_and_not_sent() {
    let fake = HttpFake::start().await;
    let channel = SmsChannel::new(config(&fake)).unwrap();
    let m = message("k", "0381234567");
    let err = channel.send(&m).await.unwrap_err();
    assert_eq!(err, DeliveryError::Permanent("sms gateway: recipient is not an E.164 phone number".into()));
    assert!(fake.requests().is_empty());
}
