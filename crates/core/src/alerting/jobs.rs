//! The job worker: claims due jobs, runs each by its kind, and records the outcome. A job that does its work
//! in the store finishes inside the same transaction (`finish`), so its effects and its completion commit
//! together and a job never does its work twice; a delivery, whose work is outside, may be sent again after
//! a crash between sending and recording, and carries an idempotency key for the receiver to notice.

use std::sync::Arc;
use std::time::Duration;

use binhyen_store::jobs::{self, Job, NewJob};
use binhyen_store::{StoreError, Tx};
use tokio::sync::{watch, Notify};

use super::JobPayload;
use crate::{Core, CoreError, Result};

/// How long a claimed job is this worker's; past it, another may take it (this one is presumed dead).
const LEASE_MS: i64 = 5 * 60 * 1000;
/// Jobs claimed at once (run side by side: deliveries wait on the network).
const CLAIM: i64 = 32;
/// How often the worker forgets live events past the replay window.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// A job as administrators see it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobReport {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub run_at_ms: i64,
    pub updated_at_ms: i64,
}

impl From<Job> for JobReport {
    fn from(j: Job) -> Self {
        Self {
            id: j.id,
            kind: j.kind,
            state: j.state,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            last_error: j.last_error,
            run_at_ms: j.run_at_ms,
            updated_at_ms: j.updated_at_ms,
        }
    }
}

/// Why a job did not finish: unless `retry` is false, it is tried again later (with backoff) until out of
/// attempts; then it is dead, with the reason.
#[derive(Debug)]
pub(crate) struct JobFailure {
    reason: String,
    retry: bool,
}

impl JobFailure {
    pub(crate) fn retry(reason: impl Into<String>) -> Self {
        Self { reason: reason.into(), retry: true }
    }

    pub(crate) fn dead(reason: impl Into<String>) -> Self {
        Self { reason: reason.into(), retry: false }
    }
}

impl From<CoreError> for JobFailure {
    fn from(e: CoreError) -> Self {
        JobFailure::retry(e.to_string())
    }
}

impl From<StoreError> for JobFailure {
    fn from(e: StoreError) -> Self {
        JobFailure::retry(e.to_string())
    }
}

/// Stops a running worker when told or dropped.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl WorkerHandle {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// The wake-up shared by a core's clones: rung when a transaction that queued jobs commits.
#[derive(Default)]
pub(crate) struct JobWake(pub(crate) Arc<Notify>);

impl Core {
    /// Queues jobs as part of `tx`, and wakes this node's worker once it commits.
    pub(crate) async fn enqueue(&self, tx: &mut Tx, jobs: &[NewJob]) -> Result<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        jobs::enqueue(tx, jobs, self.now_ms()).await?;
        let wake = self.job_wake.0.clone();
        tx.after_commit(move || wake.notify_one());
        Ok(())
    }

    /// Marks `job` done inside `tx`, with the work it did.
    pub(crate) async fn finish(&self, tx: &mut Tx, job: &Job) -> Result<()> {
        jobs::complete(tx, job, &self.worker_id, self.now_ms()).await?;
        Ok(())
    }

    /// Claims and runs the jobs due now; returns how many ran. The worker calls it in a loop; tests call it
    /// after moving the clock.
    pub async fn run_due_jobs(&self) -> Result<usize> {
        let claimed = self.store.claim_jobs(&self.worker_id, self.now_ms(), LEASE_MS, CLAIM).await?;
        let count = claimed.len();
        let mut running = tokio::task::JoinSet::new();
        for job in claimed {
            let core = self.clone();
            running.spawn(async move { core.run_job(job).await });
        }
        while running.join_next().await.is_some() {}
        Ok(count)
    }

    async fn run_job(&self, job: Job) {
        let outcome = match serde_json::from_str::<JobPayload>(&job.payload) {
            Ok(payload) => self.dispatch(&job, payload).await,
            Err(e) => Err(JobFailure::dead(format!("unreadable payload: {e}"))),
        };
        let Err(JobFailure { reason, retry }) = outcome else { return };
        let now = self.now_ms();
        let retry_at = (retry && job.attempts < job.max_attempts).then(|| now + self.backoff_ms(job.attempts));
        if retry_at.is_none() {
            tracing::warn!(job = job.id, kind = %job.kind, error = %reason, "job is dead: out of attempts");
        }
        if let Err(e) = self.store.fail_job(&job, &self.worker_id, &reason, retry_at, now).await {
            // The lease will run out and the job be claimed again: nothing is lost.
            tracing::error!(job = job.id, error = %e, "could not record a job's failure");
        }
    }

    async fn dispatch(&self, job: &Job, payload: JobPayload) -> Result<(), JobFailure> {
        match payload {
            JobPayload::SlaCheck { tip_id, unit_id, priority, level, target_unit_id, .. } => {
                self.check_sla(job, tip_id, unit_id, priority, level, target_unit_id).await
            }
            JobPayload::NotifyOfficers { tip_id, reason, unit_id } => {
                self.notify_officers(job, tip_id, reason, unit_id).await
            }
            JobPayload::NotifyTipster { tip_id, event_id } => self.notify_tipster(job, tip_id, event_id).await,
            JobPayload::Deliver { delivery_id } => self.deliver(job, delivery_id).await,
        }
    }

    /// The delay before attempt `attempts + 1`: `retry_base` doubled per attempt, at most an hour.
    pub(crate) fn backoff_ms(&self, attempts: i64) -> i64 {
        let base = self.alerts.retry_base.whole_milliseconds() as i64;
        base.saturating_mul(1 << attempts.clamp(1, 20).saturating_sub(1)).min(3_600_000)
    }

    /// Runs jobs until stopped: whenever woken by a commit that queued some, and every `job_poll` otherwise.
    /// Also forgets live events past their replay window, once a minute. On SQLite (one node) it first takes
    /// back the jobs its previous life left running.
    pub fn start_job_worker(&self) -> WorkerHandle {
        let (stop, mut stopped) = watch::channel(false);
        let core = self.clone();
        let task = tokio::spawn(async move {
            match core.store.release_orphaned_jobs().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(jobs = n, "job worker: resuming jobs interrupted by the last stop"),
                Err(e) => tracing::warn!(error = %e, "job worker: could not release interrupted jobs"),
            }
            let mut pruned = tokio::time::Instant::now();
            loop {
                let ran = match core.run_due_jobs().await {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!(error = %e, "job worker: claiming jobs failed");
                        0
                    }
                };
                if pruned.elapsed() >= PRUNE_EVERY {
                    pruned = tokio::time::Instant::now();
                    if let Err(e) = core.prune_live_events().await {
                        tracing::warn!(error = %e, "job worker: pruning live events failed");
                    }
                }
                if ran > 0 {
                    continue;
                }
                let wake = core.job_wake.0.clone();
                tokio::select! {
                    _ = stopped.changed() => return,
                    () = wake.notified() => {},
                    () = tokio::time::sleep(core.alerts.job_poll) => {},
                }
                if *stopped.borrow() {
                    return;
                }
            }
        });
        WorkerHandle { stop, task }
    }

    /// Jobs for administrators (all, or of one state), newest first.
    pub async fn job_reports(&self, actor: &binhyen_domain::Actor, state: Option<&str>) -> Result<Vec<JobReport>> {
        self.require_top_administrator(actor).await?;
        if state.is_some_and(|s| !["queued", "running", "done", "dead"].contains(&s)) {
            return Err(binhyen_domain::Invalid::new("state", "unknown_value").into());
        }
        Ok(self.store.jobs(state, 200).await?.into_iter().map(JobReport::from).collect())
    }

    /// Queues a dead job again with fresh attempts (its cause was fixed).
    pub async fn retry_job(&self, actor: &binhyen_domain::Actor, job_id: i64) -> Result<()> {
        self.require_top_administrator(actor).await?;
        self.store.job(job_id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found("job"),
            other => other.into(),
        })?;
        if !self.store.retry_dead_job(job_id, self.now_ms()).await? {
            return Err(CoreError::Conflict { code: "job_not_dead", field: None });
        }
        self.job_wake.0.notify_one();
        Ok(())
    }
}
