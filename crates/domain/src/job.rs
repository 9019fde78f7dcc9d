//! Durable jobs: what kinds of work the queue holds and the lifecycle of one job. The store moves a job from
//! state to state in SQL (claiming, completing, failing, releasing, queueing again); `JobState::next` is
//! that lifecycle written out, and the store's statements implement exactly its transitions.

use crate::string_enum;

string_enum!(
    /// Every kind of job, as the `jobs` table keeps it. Core's job payloads name their kind here.
    JobKind {
        SlaCheck => "sla_check", NotifyOfficers => "notify_officers", NotifyTipster => "notify_tipster",
        Deliver => "deliver", AlertFanout => "alert_fanout", NotifyFollowers => "notify_followers",
        AppointmentReminder => "appointment_reminder", Reorganise => "reorganise"
    }
    field = "kind"
);

string_enum!(
    /// Where a job stands: waiting until it is due, held by a worker (until its lease runs out), finished, or
    /// out of attempts (with the last error).
    JobState { Queued => "queued", Running => "running", Done => "done", Dead => "dead" }
    field = "state"
);

/// What happens to a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobEvent {
    /// A worker takes it: it is due, or the lease of the worker that held it ran out (that worker is presumed
    /// dead).
    Claim,
    /// Its worker finished it.
    Complete,
    /// Its attempt failed and it will be tried again later.
    Retry,
    /// Its attempt failed and it will not be tried again.
    GiveUp,
    /// The node that held it restarted (one node only, SQLite): it is queued again at once.
    Release,
    /// An administrator queues a dead job again, with fresh attempts.
    Requeue,
}

impl JobEvent {
    pub const ALL: [JobEvent; 6] =
        [JobEvent::Claim, JobEvent::Complete, JobEvent::Retry, JobEvent::GiveUp, JobEvent::Release, JobEvent::Requeue];
}

impl JobState {
    /// The state after `event`; None when it cannot happen to a job in this state.
    pub fn next(self, event: JobEvent) -> Option<JobState> {
        use JobEvent as E;
        use JobState::*;
        match (self, event) {
            (Queued | Running, E::Claim) => Some(Running),
            (Running, E::Complete) => Some(Done),
            (Running, E::Retry | E::Release) => Some(Queued),
            (Running, E::GiveUp) => Some(Dead),
            (Dead, E::Requeue) => Some(Queued),
            (Queued, E::Complete | E::Retry | E::GiveUp | E::Release | E::Requeue)
            | (Running, E::Requeue)
            | (Done, _)
            | (Dead, E::Claim | E::Complete | E::Retry | E::GiveUp | E::Release) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JobEvent as E;
    use JobState::*;

    /// Every (state, event) pair, written out: a change of the lifecycle must change this table.
    #[test]
    fn every_transition() {
        let table: &[(JobState, JobEvent, Option<JobState>)] = &[
            (Queued, E::Claim, Some(Running)),
            (Queued, E::Complete, None),
            (Queued, E::Retry, None),
            (Queued, E::GiveUp, None),
            (Queued, E::Release, None),
            (Queued, E::Requeue, None),
            (Running, E::Claim, Some(Running)),
            (Running, E::Complete, Some(Done)),
            (Running, E::Retry, Some(Queued)),
            (Running, E::GiveUp, Some(Dead)),
            (Running, E::Release, Some(Queued)),
            (Running, E::Requeue, None),
            (Done, E::Claim, None),
            (Done, E::Complete, None),
            (Done, E::Retry, None),
            (Done, E::GiveUp, None),
            (Done, E::Release, None),
            (Done, E::Requeue, None),
            (Dead, E::Claim, None),
            (Dead, E::Complete, None),
            (Dead, E::Retry, None),
            (Dead, E::GiveUp, None),
            (Dead, E::Release, None),
            (Dead, E::Requeue, Some(Queued)),
        ];
        assert_eq!(table.len(), JobState::ALL.len() * JobEvent::ALL.len());
        for (from, event, to) in table {
            assert_eq!(from.next(*event), *to, "{from:?} {event:?}");
        }
    }

    #[test]
    fn spelt_as_stored() {
        let kinds: Vec<&str> = JobKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "sla_check",
                "notify_officers",
                "notify_tipster",
                "deliver",
                "alert_fanout",
                "notify_followers",
                "appointment_reminder",
                "reorganise"
            ]
        );
        let states: Vec<&str> = JobState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(states, ["queued", "running", "done", "dead"]);
        assert_eq!(serde_json::to_value(JobKind::SlaCheck).unwrap(), "sla_check");
    }
}
