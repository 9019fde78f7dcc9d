//! Supporting units: a unit alerted about an urgent tip by its urgent watch (the province's mobile police, told
//! of every urgent tip in the province) opens it, acknowledges it and records its own outcome beside the unit
//! responsible for it, without a transfer. The responsible unit keeps the workflow; the supporting unit sees
//! the tip but never a sealed or known identity (the reporter shows as sealed to it).

use crate::Tips;
use binhyen_domain::entities::tips::Outcome;
use binhyen_domain::tip::{Priority, TipEventKind};
use binhyen_domain::{Action, Actor};
use binhyen_store::tips::{self, NewTipEvent, Tip};

use super::tip_not_found;
use crate::{CoreError, Result};

/// How an officer stands toward a tip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TipStanding {
    /// Their unit (or one below theirs) answers for it: the whole workflow.
    Responsible,
    /// Their unit `unit_id` supports it (alerted by its watch, or already acknowledged as supporting).
    Supporting { unit_id: i64 },
}

/// What a supporting unit does.
#[derive(Debug, Clone, PartialEq)]
pub enum SupportStep {
    Acknowledge,
    Resolve(Outcome),
}

impl Tips<'_> {
    /// A tip the officer may open, and how they stand toward it; `Forbidden` otherwise.
    pub(crate) async fn tip_for_viewer(&self, actor: &Actor, tip_id: i64) -> Result<(Tip, TipStanding)> {
        let tip = self.store.tip(tip_id).await.map_err(tip_not_found)?;
        if self.authorize(actor, Action::WorkTips, tip.unit_id).await.is_ok() {
            return Ok((tip, TipStanding::Responsible));
        }
        match self.supporting_unit(actor, &tip).await? {
            Some(unit_id) => Ok((tip, TipStanding::Supporting { unit_id })),
            None => Err(CoreError::Forbidden),
        }
    }

    /// The unit through which the officer supports the tip: one they work whose urgent watch covers the tip's
    /// unit while it is urgent, or one that already acknowledged it.
    async fn supporting_unit(&self, actor: &Actor, tip: &Tip) -> Result<Option<i64>> {
        let watches = self.store.urgent_watchers().await?;
        let above = self.store.unit_ancestors(tip.unit_id).await?;
        let mut candidates: Vec<i64> = Vec::new();
        if tip.priority == Priority::Urgent {
            candidates.extend(watches.iter().filter(|(_, scope)| above.contains(scope)).map(|(watcher, _)| *watcher));
        }
        for support in self.store.tip_support(tip.id).await? {
            candidates.push(support.unit_id);
        }
        for unit in candidates {
            if self.authorize(actor, Action::WorkTips, unit).await.is_ok() {
                return Ok(Some(unit));
            }
        }
        Ok(None)
    }

    /// A supporting unit acknowledges the tip, or records its own outcome; each a line on the timeline (not
    /// shown to the tipster) and an audit entry. The responsible unit's workflow is untouched.
    pub async fn support_tip(&self, actor: &Actor, tip_id: i64, step: SupportStep) -> Result<()> {
        let (tip, standing) = self.tip_for_viewer(actor, tip_id).await?;
        let TipStanding::Supporting { unit_id } = standing else {
            return Err(CoreError::Conflict { code: "responsible_unit", field: None });
        };
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (kind, body, action) = match step {
            SupportStep::Acknowledge => {
                tips::add_support(&mut tx, tip.id, unit_id, actor.account_id, now).await?;
                (TipEventKind::SupportAcknowledged, None, "tip.support_acknowledged")
            }
            SupportStep::Resolve(outcome) => {
                let counts =
                    [outcome.arrests, outcome.vehicles_seized, outcome.items_seized, outcome.property_recovered];
                if counts.iter().any(|c| !(0..=100_000).contains(c)) {
                    return Err(binhyen_domain::Invalid::new("outcome", "invalid_count").into());
                }
                tips::resolve_support(&mut tx, tip.id, unit_id, &outcome, now).await?;
                (TipEventKind::SupportResolved, outcome.note.clone(), "tip.support_resolved")
            }
        };
        let event = NewTipEvent {
            tip_id,
            at_ms: now,
            actor_account_id: Some(actor.account_id),
            unit_id: Some(unit_id),
            body,
            ..NewTipEvent::of(kind)
        };
        tips::add_event(&mut tx, &event).await?;
        let detail = serde_json::json!({"unit_id": unit_id});
        self.audit_tip(&mut tx, Some(actor.account_id), action, tip_id, detail).await?;
        tx.commit().await?;
        Ok(())
    }
}
