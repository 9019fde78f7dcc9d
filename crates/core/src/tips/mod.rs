//! Tips from submission to outcome: `submit` (any tipster, routed to the responsible unit), `work` (what
//! officers do: the workflow, assignment, notes, messages, transfers, unsealing), `tipster` (what tipsters see
//! and say: their tips, the anonymous receipt page). Every change writes a timeline event and an audit entry
//! in the same transaction as the change.

mod attachments;
mod intake;
mod routes;
mod submit;
mod support;
mod tipster;
mod view;
mod work;

use crate::Tips;
use binhyen_domain::tip::{Priority, TipCategory, TipState};
use binhyen_domain::{Action, Actor};
use binhyen_store::live::NewLiveEvent;
use binhyen_store::tips::Tip;
use binhyen_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::{CoreError, Result};

pub use attachments::Uploader;

/// What tips keep between requests, shared by a core's clones and seen only here.
#[derive(Clone)]
pub(crate) struct TipsState {
    /// Anonymous tips per client address (held in memory only).
    anonymous_flood: std::sync::Arc<crate::flood::FloodGuard>,
    /// Receipt look-ups per client address, against guessing.
    receipt_guard: std::sync::Arc<crate::flood::FloodGuard>,
    /// The queue to this core's tip writer (group commit, `intake.rs`).
    intake: std::sync::Arc<Intake>,
    /// Which unit answers for a place, kept while the directory copy is current (`routes.rs`).
    routes: std::sync::Arc<RouteMemo>,
}

impl TipsState {
    pub(crate) fn new(policy: &crate::Policy) -> Self {
        let window = time::Duration::minutes(10);
        Self {
            anonymous_flood: std::sync::Arc::new(crate::flood::FloodGuard::new(
                policy.anonymous_tips_per_10_min,
                window,
            )),
            receipt_guard: std::sync::Arc::new(crate::flood::FloodGuard::new(
                policy.receipt_lookups_per_10_min,
                window,
            )),
            intake: Default::default(),
            routes: Default::default(),
        }
    }

    /// A new tip writer: the one running works with a copy of the core that a `with_…` has just changed.
    pub(crate) fn restart_intake(&mut self) {
        self.intake = Default::default();
    }
}
use intake::Intake;
pub use intake::IntakeStats;
use routes::RouteMemo;
pub(crate) use submit::receipt_hash;
pub use submit::{Reporter, Submitted, TipInput};
pub use support::{SupportStep, TipStanding};
pub use tipster::{TipsterKey, TipsterView};
pub use view::{OfficerTipView, TipAbilities};
pub(crate) use work::required_text;
pub use work::{ReporterView, TipQuery, TransitionInput};

/// What is sealed about a tipster: never readable without the key, never in a log.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct SealedReporter {
    pub account_id: Option<i64>,
    pub household_id: Option<i64>,
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// What officers' consoles are told of a change to a tip: ids, state, priority and category, never what the
/// tip says or who sent it.
pub(crate) fn live_event(action: &str, tip: &LiveTipParts, tip_id: i64, at_ms: i64) -> NewLiveEvent {
    NewLiveEvent {
        at_ms,
        kind: action.to_owned(),
        unit_id: Some(tip.unit_id),
        subject_kind: "tip",
        subject_id: Some(tip_id),
        priority: Some(tip.priority.as_str().to_owned()),
        payload: serde_json::json!({
            "tip_id": tip_id,
            "unit_id": tip.unit_id,
            "state": tip.state.as_str(),
            "priority": tip.priority.as_str(),
            "category": tip.category.as_str(),
            "happening_now": tip.happening_now,
        })
        .to_string(),
    }
}

/// The parts of a tip its live events carry.
pub(crate) struct LiveTipParts {
    pub unit_id: i64,
    pub state: TipState,
    pub priority: Priority,
    pub category: TipCategory,
    pub happening_now: bool,
}

impl LiveTipParts {
    pub(crate) fn of(tip: &Tip) -> Self {
        Self {
            unit_id: tip.unit_id,
            state: tip.state,
            priority: tip.priority,
            category: tip.category,
            happening_now: tip.happening_now,
        }
    }

    pub(crate) fn submitted(tip: &binhyen_store::tips::NewTip) -> Self {
        Self {
            unit_id: tip.unit_id,
            state: TipState::New,
            priority: tip.priority,
            category: tip.category,
            happening_now: tip.happening_now,
        }
    }
}

fn tip_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("tip"),
        other => other.into(),
    }
}

impl Tips<'_> {
    /// Appends the audit entry of a change to a tip, and its live event (`tip.` + what happened, for the
    /// officers' consoles), as the last writes of the change's transaction. `detail` never carries personal
    /// data: ids and states only.
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
        let tip = binhyen_store::tips::get(tx, tip_id).await?;
        self.publish(tx, &[live_event(action, &LiveTipParts::of(&tip), tip.id, self.now_ms())]).await
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
