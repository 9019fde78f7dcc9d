//! Outbound deliveries: one message to one person (or to the webhook) on one channel, and where it stands as
//! it is attempted.

use crate::string_enum;

string_enum!(
    /// Where a delivery stands: waiting for its first attempt, accepted by the provider, waiting to be tried
    /// again after a transient failure, or given up (with the reason; an administrator may queue its job again).
    DeliveryState { Queued => "queued", Sent => "sent", Retrying => "retrying", Dead => "dead" }
    field = "state"
);

/// What one attempt at sending came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The provider accepted the message.
    Accepted,
    /// It failed; tried again later when the failure may pass (transient) and attempts are left.
    Failed { will_retry: bool },
}

impl Attempt {
    pub const ALL: [Attempt; 3] =
        [Attempt::Accepted, Attempt::Failed { will_retry: true }, Attempt::Failed { will_retry: false }];
}

impl DeliveryState {
    /// A new delivery: queued, or dead at once when its channel is not configured, so that nothing a person
    /// chose disappears without a trace.
    pub fn initial(channel_configured: bool) -> Self {
        if channel_configured {
            DeliveryState::Queued
        } else {
            DeliveryState::Dead
        }
    }

    /// Whether an attempt is still to be made. A sent delivery is not sent twice (its job ran, then its
    /// completion was lost); a dead one is sent again, since only an administrator queues its job again.
    pub fn awaits_sending(self) -> bool {
        match self {
            DeliveryState::Queued | DeliveryState::Retrying | DeliveryState::Dead => true,
            DeliveryState::Sent => false,
        }
    }

    /// The state an attempt leaves. A sent delivery stays sent: it is not attempted again.
    pub fn after(self, attempt: Attempt) -> DeliveryState {
        match self {
            DeliveryState::Sent => DeliveryState::Sent,
            DeliveryState::Queued | DeliveryState::Retrying | DeliveryState::Dead => match attempt {
                Attempt::Accepted => DeliveryState::Sent,
                Attempt::Failed { will_retry: true } => DeliveryState::Retrying,
                Attempt::Failed { will_retry: false } => DeliveryState::Dead,
            },
        }
    }

    /// Whether its last attempt failed: the reason is shown beside it.
    pub fn failed(self) -> bool {
        match self {
            DeliveryState::Retrying | DeliveryState::Dead => true,
            DeliveryState::Queued | DeliveryState::Sent => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeliveryState::*;

    const RETRY: Attempt = Attempt::Failed { will_retry: true };
    const GIVE_UP: Attempt = Attempt::Failed { will_retry: false };

    /// Every (state, attempt) pair, written out: a change of the rules must change this table.
    #[test]
    fn every_attempt() {
        let table: &[(DeliveryState, Attempt, DeliveryState)] = &[
            (Queued, Attempt::Accepted, Sent),
            (Queued, RETRY, Retrying),
            (Queued, GIVE_UP, Dead),
            (Sent, Attempt::Accepted, Sent),
            (Sent, RETRY, Sent),
            (Sent, GIVE_UP, Sent),
            (Retrying, Attempt::Accepted, Sent),
            (Retrying, RETRY, Retrying),
            (Retrying, GIVE_UP, Dead),
            (Dead, Attempt::Accepted, Sent),
            (Dead, RETRY, Retrying),
            (Dead, GIVE_UP, Dead),
        ];
        assert_eq!(table.len(), DeliveryState::ALL.len() * Attempt::ALL.len());
        for (from, attempt, to) in table {
            assert_eq!(from.after(*attempt), *to, "{from:?} {attempt:?}");
        }
    }

    #[test]
    fn which_are_sent_again_and_which_failed() {
        // state, awaits sending, failed
        let table: &[(DeliveryState, bool, bool)] =
            &[(Queued, true, false), (Sent, false, false), (Retrying, true, true), (Dead, true, true)];
        assert_eq!(table.len(), DeliveryState::ALL.len());
        for (state, awaits, failed) in table {
            assert_eq!((state.awaits_sending(), state.failed()), (*awaits, *failed), "{state:?}");
        }
        assert_eq!((DeliveryState::initial(true), DeliveryState::initial(false)), (Queued, Dead));
    }

    #[test]
    fn spelt_as_stored() {
        let spelt: Vec<&str> = DeliveryState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(spelt, ["queued", "sent", "retrying", "dead"]);
        assert_eq!(serde_json::to_value(Retrying).unwrap(), "retrying");
    }
}
