//! Public alerts (CAP) a unit issues over an area.

#[derive(Debug, Clone, PartialEq)]
pub struct PublicAlert {
    pub id: i64,
    pub unit_id: i64,
    pub area_id: i64,
    pub category: String,
    pub event: String,
    pub severity: String,
    pub urgency: String,
    pub certainty: String,
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
