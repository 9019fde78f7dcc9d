//! Sending one delivery through its channel. A transient failure (network, 5xx, SMTP 4xx) is tried again
//! with backoff; a permanent one, or the last attempt, leaves the delivery `dead` with the reason, and the
//! job dead beside it for administrators to see. Nothing is dropped without a trace.

use std::time::Duration;

use binhyen_channels::{DeliveryError, OutboundMessage};
use binhyen_domain::delivery::{Attempt, DeliveryState};
use binhyen_store::deliveries::{self, Delivery};
use binhyen_store::jobs::Job;

use super::worker::JobFailure;
use crate::Core;

/// Longer than any adapter's own timeout: a channel that hangs past it counts as a transient failure.
const SEND_LIMIT: Duration = Duration::from_secs(90);

fn message(d: &Delivery) -> OutboundMessage {
    OutboundMessage {
        idempotency_key: d.idempotency_key.clone(),
        to: d.address.clone().unwrap_or_default(),
        subject: d.subject.clone(),
        body: d.body.clone(),
        link: d.link.clone(),
        data: serde_json::from_str(&d.data).unwrap_or(serde_json::Value::Null),
    }
}

impl Core {
    pub(crate) async fn deliver(&self, job: &Job, delivery_id: i64) -> Result<(), JobFailure> {
        let d = self.store.delivery(delivery_id).await?;
        // Sent already (the job ran, then its completion was lost): nothing to do. A dead one is sent again: its
        // job was queued again by an administrator.
        if !d.state.awaits_sending() {
            return self.record(job, &d, None, None).await;
        }
        let result = match self.alerts.channels.get(d.channel) {
            None => Err(DeliveryError::Permanent("channel_not_configured".into())),
            Some(channel) => {
                let m = message(&d);
                match tokio::time::timeout(SEND_LIMIT, channel.send(&m)).await {
                    Ok(result) => result,
                    Err(_) => Err(DeliveryError::Transient(format!("{}: no answer in time", d.channel))),
                }
            }
        };
        match result {
            Ok(sent) => {
                let to = d.state.after(Attempt::Accepted);
                self.record(job, &d, Some((to, None)), sent.provider_id.as_deref()).await
            }
            Err(e) => {
                let will_retry = e.is_transient() && job.attempts < job.max_attempts;
                if !will_retry {
                    tracing::warn!(delivery = d.id, channel = %d.channel, reason = %e.reason(), "delivery failed for good");
                }
                let to = d.state.after(Attempt::Failed { will_retry });
                let mut tx = self.store.begin().await?;
                deliveries::record_attempt(&mut tx, d.id, to, Some(e.reason()), None, self.now_ms()).await?;
                tx.commit().await?;
                Err(if will_retry { JobFailure::retry(e.reason()) } else { JobFailure::dead(e.reason()) })
            }
        }
    }

    /// Records the outcome (if any) and completes the job, in one transaction.
    async fn record(
        &self,
        job: &Job,
        d: &Delivery,
        outcome: Option<(DeliveryState, Option<&str>)>,
        provider_id: Option<&str>,
    ) -> Result<(), JobFailure> {
        let mut tx = self.store.begin().await?;
        if let Some((state, error)) = outcome {
            deliveries::record_attempt(&mut tx, d.id, state, error, provider_id, self.now_ms()).await?;
        }
        self.jobs().finish(&mut tx, job).await?;
        tx.commit().await?;
        Ok(())
    }
}
