//! The SLA timer. Queued when a tip starts waiting for acknowledgement (submitted, transferred, or given a
//! new priority), due when its unit's SLA runs out. When it fires and the tip still waits where and as it
//! did, the tip escalates to the unit above: the escalation goes on the tip's timeline, that unit's
//! commanders are told, and the next timer is queued against that unit's SLA. A tip acknowledged (or moved,
//! or reprioritised) meanwhile makes the timer finish without firing.

use binhyen_domain::tip::TipEventKind;
use binhyen_domain::tip::{Priority, TipState};
use binhyen_store::tips::{self, NewTipEvent, Tip};
use binhyen_store::Tx;

use super::{JobPayload, NotifyReason};
use crate::{Core, Result};

/// Attempts of the jobs alerting queues besides deliveries (they fail only when the store does).
pub(crate) const INTERNAL_ATTEMPTS: i64 = 10;

fn still_waiting(tip: &Tip, unit_id: i64, priority: Priority) -> bool {
    matches!(tip.state, TipState::New | TipState::Transferred) && tip.unit_id == unit_id && tip.priority == priority
}

impl Core {
    /// Queues, in `tx`, the SLA timer of a tip that starts waiting at `unit_id` now, and (when urgent) the
    /// message to the officers on duty.
    pub(crate) async fn start_waiting(&self, tx: &mut Tx, tip_id: i64, unit_id: i64, priority: Priority) -> Result<()> {
        let jobs = self.waiting_jobs(tip_id, unit_id, priority, self.alerting().sla_minutes(unit_id, priority).await?);
        self.jobs().enqueue(tx, &jobs).await
    }

    /// The jobs of a tip that starts waiting now: its SLA timer after `minutes`, and the urgent message.
    pub(crate) fn waiting_jobs(
        &self,
        tip_id: i64,
        unit_id: i64,
        priority: Priority,
        minutes: i64,
    ) -> Vec<binhyen_store::jobs::NewJob> {
        let now = self.now_ms();
        let timer =
            JobPayload::SlaCheck { tip_id, unit_id, priority, level: 0, target_unit_id: unit_id, since_ms: now };
        let mut jobs = vec![timer.job(now + minutes * 60_000, INTERNAL_ATTEMPTS)];
        if priority == Priority::Urgent {
            let notify = JobPayload::NotifyOfficers { tip_id, reason: NotifyReason::Urgent, unit_id };
            jobs.push(notify.job(now, INTERNAL_ATTEMPTS));
        }
        jobs
    }

    /// What a timer will do when it fires, read before its transaction: the unit above (None at the top)
    /// and that unit's SLA.
    pub(crate) async fn plan_sla(&self, target_unit_id: i64, priority: Priority) -> Result<Option<SlaStep>> {
        let Some(parent) = self.alerting().parent_unit(target_unit_id).await? else { return Ok(None) };
        Ok(Some(SlaStep { parent, minutes: self.alerting().sla_minutes(parent, priority).await? }))
    }

    /// Fires a timer inside `tx` if the tip still waits where and as it did when the timer was set.
    pub(crate) async fn apply_sla(&self, tx: &mut Tx, timer: &SlaTimer, step: Option<SlaStep>) -> Result<()> {
        let SlaTimer { tip_id, unit_id, priority, level } = *timer;
        let tip = tips::get(tx, tip_id).await?;
        let Some(SlaStep { parent, minutes }) = step.filter(|_| still_waiting(&tip, unit_id, priority)) else {
            // Acknowledged, moved or reprioritised meanwhile (or nobody above): the timer does not fire.
            return Ok(());
        };
        let now = self.now_ms();
        let event = NewTipEvent {
            tip_id,
            at_ms: now,
            unit_id: Some(parent),
            body: Some((level + 1).to_string()),
            ..NewTipEvent::of(TipEventKind::Escalated)
        };
        tips::add_event(tx, &event).await?;
        let next =
            JobPayload::SlaCheck { tip_id, unit_id, priority, level: level + 1, target_unit_id: parent, since_ms: now };
        let notify = JobPayload::NotifyOfficers { tip_id, reason: NotifyReason::Escalated, unit_id: parent };
        let jobs = [notify.job(now, INTERNAL_ATTEMPTS), next.job(now + minutes * 60_000, INTERNAL_ATTEMPTS)];
        self.jobs().enqueue(tx, &jobs).await?;
        let detail = serde_json::json!({"to_unit_id": parent, "level": level + 1});
        self.tips().audit_tip(tx, None, "tip.escalated", tip_id, detail).await
    }
}

/// The timer a `SlaCheck` job carries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlaTimer {
    pub tip_id: i64,
    pub unit_id: i64,
    pub priority: Priority,
    pub level: i64,
}

/// Where a firing timer escalates to, and that unit's SLA for the next timer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlaStep {
    parent: i64,
    minutes: i64,
}
