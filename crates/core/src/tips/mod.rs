//! Tips from submission to outcome: `submit` (any tipster, routed to the responsible unit), `work` (what
//! officers do: the workflow, assignment, notes, messages, transfers, unsealing), `tipster` (what tipsters see
//! and say: their tips, the anonymous receipt page). Every change writes a timeline event and an audit entry
//! in the same transaction as the change.

mod attachments;
mod intake;
mod routes;
mod submit;
mod tipster;
mod work;

use binhyen_domain::{Action, Actor};
use binhyen_store::tips::Tip;
use binhyen_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::{Core, CoreError, Result};

pub use attachments::Uploader;
pub(crate) use intake::Intake;
pub use intake::IntakeStats;
pub(crate) use routes::RouteMemo;
pub(crate) use submit::receipt_hash;
pub use submit::{Reporter, Submitted, TipInput};
pub use tipster::{TipsterKey, TipsterView};
pub use work::{OfficerTipView, ReporterView, TipQuery, TransitionInput};

/// What is sealed about a tipster: never readable without the key, never in a log.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct SealedReporter {
    pub account_id: Option<i64>,
    pub household_id: Option<i64>,
    pub name: Option<String>,
    pub phone: Option<String>,
}

fn tip_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("tip"),
        other => other.into(),
    }
}

impl Core {
    /// Appends the audit entry of a change to a tip, in the change's transaction. `detail` never carries
    /// personal data: ids and states only.
    pub(crate) async fn audit_tip(
        &self,
        tx: &mut binhyen_store::Tx,
        actor: Option<i64>,
        action: &'static str,
        tip_id: i64,
        detail: serde_json::Value,
    ) -> Result<()> {
        let event = crate::audit::AuditEvent::new(action, "tip", Some(tip_id)).by(actor).detail(detail);
        self.audit(tx, event).await?;
        Ok(())
    }

    /// After a key rotation: re-tags confidential tips with the current key, so their tipsters still find
    /// them once the old key is removed. The account id comes from the sealed reporter.
    pub(crate) async fn retag_reporters(&self) -> Result<u64> {
        let prefix = format!("{}:", self.seal.current().as_str());
        let (mut after, mut done) = (0, 0);
        loop {
            let page = self.store.tips_to_retag(&prefix, after, 500).await?;
            let Some(&(last, _)) = page.last() else { return Ok(done) };
            after = last;
            let mut tx = self.store.begin().await?;
            for (id, sealed) in page {
                let plain = self.open_for(&crate::seal::TIPS_REPORTER, id, &sealed)?;
                let reporter: SealedReporter =
                    serde_json::from_slice(&plain).map_err(|e| CoreError::Internal(e.to_string()))?;
                if let Some(account) = reporter.account_id {
                    binhyen_store::tips::set_reporter_tag(&mut tx, id, &self.seal.tag(account.to_string().as_bytes()))
                        .await?;
                    done += 1;
                }
            }
            tx.commit().await?;
        }
    }

    /// A tip the officer may work (its unit is theirs or below theirs), or `Forbidden`.
    pub(crate) async fn tip_for_officer(&self, actor: &Actor, tip_id: i64) -> Result<Tip> {
        let tip = self.store.tip(tip_id).await.map_err(tip_not_found)?;
        self.authorize(actor, Action::WorkTips, tip.unit_id).await?;
        Ok(tip)
    }
}
