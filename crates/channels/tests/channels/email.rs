use std::time::Duration;

use binhyen_channels::fakes::{closed_port, SmtpSink, SmtpStage};
use binhyen_channels::{Channel, ChannelKind, DeliveryError, EmailChannel, SmtpConfig, SmtpTls};

use crate::{assert_no_personal_data, message, BODY, LINK, SUBJECT, WAIT};

const FROM: &str = "Công an tỉnh Đắk Lắk <canhbao@congan.daklak.gov.vn>";
const TO: &str = "nguoidan@example.vn";

fn config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: FROM.into(),
        timeout_seconds: 5,
    }
}

#[tokio::test]
async fn delivers_vietnamese_subject_and_body() {
    let sink = SmtpSink::start().await;
    let channel = EmailChannel::new(config(sink.port())).unwrap();
    assert_eq!(channel.kind(), ChannelKind::Email);

    let sent = channel.send(&message("tip:42/email", TO)).await.unwrap();
    assert_eq!(sent.provider_id.as_deref(), Some("<tip=3A42=2Femail@binhyen>"));

    let mails = sink.wait_for(1, WAIT).await;
    let mail = &mails[0];
    assert_eq!(mail.from, "canhbao@congan.daklak.gov.vn");
    assert_eq!(mail.to, vec![TO.to_owned()]);
    assert_eq!(mail.header("Message-ID").as_deref(), Some("<tip=3A42=2Femail@binhyen>"));
    assert!(mail.header("To").unwrap().contains(TO));
    // Non-ASCII headers travel as RFC 2047 encoded words and decode back to the same text.
    let raw_subject = mail.header("Subject").unwrap();
    assert!(raw_subject.is_ascii() && raw_subject.to_ascii_lowercase().contains("=?utf-8?"), "{raw_subject}");
    assert_eq!(mail.subject().as_deref(), Some(SUBJECT));
    let content_type = mail.header("Content-Type").unwrap().to_ascii_lowercase();
    assert!(content_type.starts_with("text/plain") && content_type.contains("utf-8"), "{content_type}");
    let body = mail.body();
    assert!(body.contains("Tin báo khẩn"), "{body}");
    assert!(body.starts_with(BODY), "{body}");
    assert!(body.lines().any(|line| line == LINK), "the link is not on a line of its own: {body}");
}

#[tokio::test]
async fn smtp_451_is_transient_and_the_retry_succeeds() {
    let sink = SmtpSink::start().await;
    let channel = EmailChannel::new(config(sink.port())).unwrap();
    let m = message("tip-42-email", TO);

    sink.fail_next(SmtpStage::Data, 1);
    let err = channel.send(&m).await.unwrap_err();
    assert_eq!(err, DeliveryError::Transient("smtp: 451 from server".into()));
    assert_no_personal_data(err.reason(), &m);
    assert!(sink.messages().is_empty());

    channel.send(&m).await.unwrap();
    assert_eq!(sink.wait_for(1, WAIT).await.len(), 1);

    sink.fail_always(SmtpStage::Rcpt);
    for _ in 0..2 {
        assert_eq!(channel.send(&m).await.unwrap_err(), DeliveryError::Transient("smtp: 451 from server".into()));
    }
    sink.heal();
    channel.send(&m).await.unwrap();
    assert_eq!(sink.wait_for(2, WAIT).await.len(), 2);
}

#[tokio::test]
async fn smtp_5xx_is_permanent() {
    let sink = SmtpSink::start().await;
    let channel = EmailChannel::new(config(sink.port())).unwrap();
    sink.reject_always(SmtpStage::Rcpt);
    let m = message("k1", TO);
    let err = channel.send(&m).await.unwrap_err();
    assert_eq!(err, DeliveryError::Permanent("smtp: 550 from server".into()));
    assert_no_personal_data(err.reason(), &m);
}

#[tokio::test]
async fn server_down_is_transient() {
    let sink = SmtpSink::start().await;
    let channel = EmailChannel::new(config(sink.port())).unwrap();
    sink.stop().await;
    let err = channel.send(&message("k1", TO)).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.reason(), "smtp: connection failed");

    let channel = EmailChannel::new(config(closed_port().await)).unwrap();
    assert!(channel.send(&message("k1", TO)).await.unwrap_err().is_transient());
}

#[tokio::test]
async fn a_silent_server_times_out_as_transient() {
    // Accepts the connection and never greets.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let silent = tokio::spawn(async move {
        let (_stream, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let channel = EmailChannel::new(SmtpConfig { timeout_seconds: 1, ..config(port) }).unwrap();
    let started = std::time::Instant::now();
    let err = channel.send(&message("k1", TO)).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert_eq!(err.reason(), "smtp: timeout");
    assert!(started.elapsed() < Duration::from_secs(5));
    silent.abort();
}

#[tokio::test]
async fn a_bad_recipient_is_permanent_and_not_echoed() {
    let sink = SmtpSink::start().await;
    let channel = EmailChannel::new(config(sink.port())).unwrap();
    let m = message("k1", "khong-phai-dia-chi");
    let err = channel.send(&m).await.unwrap_err();
    assert_eq!(err, DeliveryError::Permanent("smtp: recipient is not an e-mail address".into()));
    assert_no_personal_data(err.reason(), &m);

    let mut bad_key = message("", TO);
    assert!(!channel.send(&bad_key).await.unwrap_err().is_transient());
    bad_key.idempotency_key = "có dấu".into();
    assert!(!channel.send(&bad_key).await.unwrap_err().is_transient());
    assert!(sink.messages().is_empty());
}
