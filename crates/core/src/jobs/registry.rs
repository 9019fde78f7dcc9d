//! The list of every job type: its payload (kept as JSON in the `jobs` table, its `kind` tag spelt like the
//! job's `JobKind`), the key that makes it happen once, and (in `worker.rs`'s `plan`) the file that runs it.
//! A new job type is a variant here, a file of its own beside this one, and an arm in `Plan`.

use binhyen_domain::job::JobKind;
use binhyen_domain::tip::Priority;
use binhyen_store::jobs::NewJob;
use serde::{Deserialize, Serialize};

/// Every kind of job, with its payload. The JSON form is what the `jobs` table keeps; its `kind` tag is spelt
/// like the job's `JobKind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum JobPayload {
    /// The SLA timer of a tip waiting at `unit_id` with `priority` since `since_ms`, checked against
    /// `target_unit_id` (the unit it escalates from; `level` escalations have happened).
    SlaCheck { tip_id: i64, unit_id: i64, priority: Priority, level: i64, target_unit_id: i64, since_ms: i64 },
    /// Tell officers about a tip: `Urgent` (on duty, of its unit and watchers) or `Escalated` (commanders and
    /// on-duty officers of `unit_id`).
    NotifyOfficers { tip_id: i64, reason: NotifyReason, unit_id: i64 },
    /// Tell an identified tipster what happened to their tip (`event_id` on its timeline).
    NotifyTipster { tip_id: i64, event_id: i64 },
    /// Send one delivery.
    Deliver { delivery_id: i64 },
    /// Cut the followers an alert reaches into ranges, a `NotifyFollowers` job each.
    AlertFanout { alert_id: i64 },
    /// Tell the alert's followers with account ids in (`after`, `until`].
    NotifyFollowers { alert_id: i64, after: i64, until: i64 },
    /// Remind the holder of an appointment booked for `starts_at_ms` (nothing if it was cancelled or moved).
    AppointmentReminder { appointment_id: i64, starts_at_ms: i64 },
    /// Apply a recorded reorganisation of the unit tree (`reorganise.rs`), at 00:00 of its day.
    Reorganise { reorganisation_id: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NotifyReason {
    Urgent,
    Escalated,
}

impl JobPayload {
    pub(crate) fn kind(&self) -> JobKind {
        match self {
            JobPayload::SlaCheck { .. } => JobKind::SlaCheck,
            JobPayload::NotifyOfficers { .. } => JobKind::NotifyOfficers,
            JobPayload::NotifyTipster { .. } => JobKind::NotifyTipster,
            JobPayload::Deliver { .. } => JobKind::Deliver,
            JobPayload::AlertFanout { .. } => JobKind::AlertFanout,
            JobPayload::NotifyFollowers { .. } => JobKind::NotifyFollowers,
            JobPayload::AppointmentReminder { .. } => JobKind::AppointmentReminder,
            JobPayload::Reorganise { .. } => JobKind::Reorganise,
        }
    }

    /// The key that makes the job happen once, whoever queues it how often.
    fn dedupe_key(&self) -> String {
        match self {
            // A tip transferred away and back waits again: `since_ms` keeps that wait's timers apart.
            JobPayload::SlaCheck { tip_id, unit_id, priority, level, since_ms, .. } => {
                format!("sla:{tip_id}:{unit_id}:{}:{since_ms}:{level}", priority.as_str())
            }
            JobPayload::NotifyOfficers { tip_id, reason, unit_id } => {
                format!("notify:{tip_id}:{}:{unit_id}", serde_json::to_value(reason).unwrap_or_default())
            }
            JobPayload::NotifyTipster { tip_id, event_id } => format!("tipster:{tip_id}:{event_id}"),
            JobPayload::Deliver { delivery_id } => format!("deliver:{delivery_id}"),
            JobPayload::AlertFanout { alert_id } => format!("alert:{alert_id}"),
            JobPayload::NotifyFollowers { alert_id, after, .. } => format!("alert:{alert_id}:{after}"),
            // A moved booking is reminded of its new slot: the slot is part of the key.
            JobPayload::AppointmentReminder { appointment_id, starts_at_ms } => {
                format!("appointment:{appointment_id}:{starts_at_ms}")
            }
            JobPayload::Reorganise { reorganisation_id } => format!("reorganise:{reorganisation_id}"),
        }
    }

    pub(crate) fn job(&self, run_at_ms: i64, max_attempts: i64) -> NewJob {
        NewJob {
            kind: self.kind(),
            payload: serde_json::to_string(self).expect("a job payload serialises"),
            dedupe_key: Some(self.dedupe_key()),
            run_at_ms,
            max_attempts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The payload's tag and the job's kind column say the same thing, for every kind.
    #[test]
    fn a_payload_names_its_kind() {
        let payloads = [
            JobPayload::SlaCheck {
                tip_id: 1,
                unit_id: 2,
                priority: Priority::Urgent,
                level: 0,
                target_unit_id: 2,
                since_ms: 0,
            },
            JobPayload::NotifyOfficers { tip_id: 1, reason: NotifyReason::Urgent, unit_id: 2 },
            JobPayload::NotifyTipster { tip_id: 1, event_id: 3 },
            JobPayload::Deliver { delivery_id: 4 },
            JobPayload::AlertFanout { alert_id: 5 },
            JobPayload::NotifyFollowers { alert_id: 5, after: 0, until: 100 },
            JobPayload::AppointmentReminder { appointment_id: 6, starts_at_ms: 0 },
            JobPayload::Reorganise { reorganisation_id: 7 },
        ];
        assert_eq!(payloads.len(), JobKind::ALL.len());
        for payload in payloads {
            let json = serde_json::to_value(&payload).unwrap();
            assert_eq!(json["kind"], payload.kind().as_str(), "{payload:?}");
            assert_eq!(payload.job(0, 1).kind, payload.kind());
        }
    }
}
