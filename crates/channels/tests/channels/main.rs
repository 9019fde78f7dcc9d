//! Integration tests of binhyen-channels, in one test binary (one link on a 2-core machine): every adapter
//! against the fakes over real sockets on 127.0.0.1.

mod config;
mod email;
mod sms;
mod webhook;
mod zalo;

use std::time::Duration;

use binhyen_channels::OutboundMessage;

/// Long enough for a loaded CI machine, short enough that a hang fails the test in reasonable time.
pub const WAIT: Duration = Duration::from_secs(10);

pub const SUBJECT: &str = "Tin báo khẩn: cháy rừng ở xã Ea Kao";
pub const BODY: &str =
    "Tin báo khẩn từ người dân: phát hiện đám cháy lớn gần suối Đắk Nuê.\nĐề nghị lực lượng đến ngay.";
pub const LINK: &str = "https://binhyen.example.vn/tin-bao/TB-2025-0042";

pub fn message(key: &str, to: &str) -> OutboundMessage {
    OutboundMessage {
        idempotency_key: key.into(),
        to: to.into(),
        subject: SUBJECT.into(),
        body: BODY.into(),
        link: Some(LINK.into()),
        data: serde_json::json!({ "tip_id": 42, "state": "submitted" }),
    }
}

/// A reason is stored and logged: it must not carry the recipient or the text.
pub fn assert_no_personal_data(reason: &str, m: &OutboundMessage) {
    assert!(!reason.contains(&m.to), "reason {reason:?} names the recipient");
    assert!(!reason.contains("Tin báo"), "reason {reason:?} quotes the text");
}
