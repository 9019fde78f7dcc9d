//! Messages sent outside the app (e-mail, SMS, Zalo, webhooks), and where each stands.

use crate::channel::ChannelKind;
use crate::delivery::DeliveryState;

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub idempotency_key: String,
    pub channel: ChannelKind,
    pub account_id: Option<i64>,
    pub address: Option<String>,
    pub tip_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    pub data: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub provider_id: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}
