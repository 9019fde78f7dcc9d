//! The audit log from the use cases' side: every sensitive action (a tip changing state, a tipster's identity
//! being shown, keys rotated) appends an entry in the same transaction as the change, so one never lands
//! without the other. The log is hash-chained in the store; `Core::verify_audit` walks the chain.
//!
//! `detail` holds ids, states and counts, NEVER personal data (names, phone numbers, addresses, tip text,
//! tipster identity): auditors read the log, and it outlives the records it mentions.

use binhyen_store::audit::{ChainReport, NewAuditEntry};
use binhyen_store::Tx;

use crate::{Core, Result};

/// One entry to append: `AuditEvent::new("tip.state_changed", "tip", Some(id)).by(actor).detail(json!(…))`.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// A stable dotted name, written in code ("tip.identity_viewed"): never built from input.
    pub action: &'static str,
    pub subject_kind: &'static str,
    pub subject_id: Option<i64>,
    /// The account that acted; `None` for the command line and jobs.
    pub actor_account_id: Option<i64>,
    /// A JSON object of ids, states and counts. Never personal data.
    pub detail: serde_json::Value,
}

impl AuditEvent {
    pub fn new(action: &'static str, subject_kind: &'static str, subject_id: Option<i64>) -> Self {
        Self { action, subject_kind, subject_id, actor_account_id: None, detail: serde_json::json!({}) }
    }

    pub fn by(mut self, actor_account_id: Option<i64>) -> Self {
        self.actor_account_id = actor_account_id;
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

impl Core {
    /// Appends `event` inside `tx`, stamped with the core's clock; returns its seq. Call it as the last write
    /// of the transaction: appends are serialised until the transaction ends.
    pub async fn audit(&self, tx: &mut Tx, event: AuditEvent) -> Result<i64> {
        let entry = NewAuditEntry {
            at_ms: self.now_ms(),
            actor_account_id: event.actor_account_id,
            action: event.action.to_owned(),
            subject_kind: event.subject_kind.to_owned(),
            subject_id: event.subject_id,
            detail: event.detail.to_string(),
        };
        Ok(binhyen_store::audit::append(tx, &entry).await?)
    }

    /// Recomputes the whole chain: how many entries are sound, the last sound hash, and the first broken link.
    pub async fn verify_audit(&self) -> Result<ChainReport> {
        Ok(self.store.audit_chain_report().await?)
    }
}
