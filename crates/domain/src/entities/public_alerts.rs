//! Public alerts (CAP) a unit issues over an area.

use crate::alert::{AlertCategory, Certainty, Severity, Urgency};

#[derive(Debug, Clone, PartialEq)]
pub struct PublicAlert {
    pub id: i64,
    pub unit_id: i64,
    pub area_id: i64,
    pub category: AlertCategory,
    pub event: String,
    pub severity: Severity,
    pub urgency: Urgency,
    pub certainty: Certainty,
    pub headline: String,
    pub description: String,
    pub instruction: Option<String>,
    pub sent_at_ms: i64,
    pub expires_at_ms: i64,
    pub cancelled_at_ms: Option<i64>,
    pub author_account_id: i64,
}

impl PublicAlert {
    /// In force at `now_ms`: not expired, not cancelled.
    pub fn active(&self, now_ms: i64) -> bool {
        self.cancelled_at_ms.is_none() && now_ms < self.expires_at_ms
    }
}
