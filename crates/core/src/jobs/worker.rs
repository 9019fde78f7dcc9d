//! The job worker: claims due jobs, runs each by its kind, and records the outcome. A job that does its work
//! in the store finishes inside the same transaction (`finish`), so its effects and its completion commit
//! together and a job never does its work twice; a delivery, whose work is outside, may be sent again after
//! a crash between sending and recording, and carries an idempotency key for the receiver to notice.

use crate::Jobs;
use std::sync::Arc;
use std::time::Duration;

use binhyen_domain::job::{JobKind, JobState};
use binhyen_store::jobs::{self, Job, NewJob};
use binhyen_store::notifications;
use binhyen_store::{StoreError, Tx};
use tokio::sync::{watch, Notify};

use super::outgoing::{Lookups, Outgoing};
use super::sla_check::{SlaStep, SlaTimer};
use super::JobPayload;
use crate::{CoreError, Result};

/// How long a claimed job is this worker's; past it, another may take it (this one is presumed dead).
const LEASE_MS: i64 = 5 * 60 * 1000;
/// Jobs claimed at once: deliveries run side by side, the others commit together.
const CLAIM: i64 = 256;
/// How often the worker forgets live events past the replay window.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// A job as administrators see it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobReport {
    pub id: i64,
    pub kind: JobKind,
    pub state: JobState,
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

/// What a job that works in the store will write, read before its transaction.
enum Plan {
    Sla(SlaTimer, Option<SlaStep>),
    Send(Option<Outgoing>),
    Queue(Vec<NewJob>),
    Remind(super::appointment_reminder::Reminder),
}

impl Plan {
    /// Rows it writes, roughly: what bounds a group commit.
    fn weight(&self) -> usize {
        match self {
            Plan::Send(Some(out)) => out.people(),
            Plan::Queue(jobs) => jobs.len(),
            _ => 1,
        }
    }
}

/// Rows one group commit writes at most (more go into the next): an alert to many followers must not make one
/// transaction that holds SQLite's writer for long.
const COMMIT_WEIGHT: usize = 20_000;

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

/// Deliveries sent at once by one node; more wait for a place (their jobs stay claimed meanwhile).
const SENDING: usize = 64;

/// What a core's clones share to run jobs: the wake-up rung when a transaction that queued due jobs commits,
/// and the places for deliveries in flight.
/// What the job worker keeps, shared by a core's clones and seen only in `jobs/`.
#[derive(Clone)]
pub(crate) struct JobsState {
    pub(super) wake: Arc<JobWake>,
    /// Names this node's claims on jobs.
    pub(super) worker_id: Arc<str>,
}

impl JobsState {
    pub(crate) fn new(random: &dyn crate::Random) -> Self {
        Self { wake: Default::default(), worker_id: format!("node-{}", random.token(6)).into() }
    }
}

pub(crate) struct JobWake(pub(crate) Arc<Notify>, Arc<tokio::sync::Semaphore>);

impl Default for JobWake {
    fn default() -> Self {
        Self(Arc::default(), Arc::new(tokio::sync::Semaphore::new(SENDING)))
    }
}

impl Jobs<'_> {
    /// Queues jobs as part of `tx`, and wakes this node's worker once it commits if one of them is due now.
    /// Timers due later (every tip's SLA) do not wake it: under intake load that would be a claim, a write on
    /// SQLite's one connection, for every batch of tips. The worker finds them on its periodic look.
    pub(crate) async fn enqueue(&self, tx: &mut Tx, jobs: &[NewJob]) -> Result<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        let now = self.now_ms();
        jobs::enqueue(tx, jobs, now).await?;
        if jobs.iter().any(|j| j.run_at_ms <= now) {
            let wake = self.jobs.wake.0.clone();
            tx.after_commit(move || wake.notify_one());
        }
        Ok(())
    }

    /// Marks `job` done inside `tx`, with the work it did.
    pub(crate) async fn finish(&self, tx: &mut Tx, job: &Job) -> Result<()> {
        jobs::complete(tx, job, &self.jobs.worker_id, self.now_ms()).await?;
        Ok(())
    }

    /// Claims and runs the jobs due now; returns how many ran. The worker calls it in a loop; tests call it
    /// after moving the clock.
    ///
    /// Deliveries wait on the network, so each runs on its own, side by side, and the run does not wait for
    /// them: a slow receiver never holds up the next urgent notice. Every other job works in the
    /// store only: each reads what it needs first (`Plan`), then all of them write and complete in ONE
    /// transaction, the same group commit as tip intake: a burst of urgent tips costs one fsync per batch of
    /// notices, not one per tip. If that transaction fails, each job is written again alone, so one bad job
    /// fails alone.
    pub async fn run_due_jobs(&self) -> Result<usize> {
        let claimed = self.store.claim_jobs(&self.jobs.worker_id, self.now_ms(), LEASE_MS, CLAIM).await?;
        let count = claimed.len();
        let mut planned = Vec::new();
        let mut memo = Lookups::default();
        for job in claimed {
            let payload = match serde_json::from_str::<JobPayload>(&job.payload) {
                Ok(payload) => payload,
                Err(e) => {
                    self.failed(&job, JobFailure::dead(format!("unreadable payload: {e}"))).await;
                    continue;
                }
            };
            // A reorganisation is one transaction of its own, however much it moves: never in a group commit.
            if let JobPayload::Reorganise { reorganisation_id } = payload {
                if let Err(e) = self.units().apply_reorganisation(reorganisation_id, Some(&job)).await {
                    self.failed(&job, e.into()).await;
                }
                continue;
            }
            if let JobPayload::Deliver { delivery_id } = payload {
                let core = self.core.clone();
                tokio::spawn(async move {
                    let Ok(_place) = core.jobs.wake.1.clone().acquire_owned().await else { return };
                    if let Err(failure) = core.deliver(&job, delivery_id).await {
                        core.jobs().failed(&job, failure).await;
                    }
                });
                continue;
            }
            match self.plan(&mut memo, payload).await {
                Ok(plan) => planned.push((job, plan)),
                Err(e) => self.failed(&job, e.into()).await,
            }
        }
        self.apply_all(planned).await;
        Ok(count)
    }

    async fn plan(&self, memo: &mut Lookups, payload: JobPayload) -> Result<Plan> {
        Ok(match payload {
            JobPayload::SlaCheck { tip_id, unit_id, priority, level, target_unit_id, .. } => {
                let step = self.plan_sla(target_unit_id, priority).await?;
                Plan::Sla(SlaTimer { tip_id, unit_id, priority, level }, step)
            }
            JobPayload::NotifyOfficers { tip_id, reason, unit_id } => {
                Plan::Send(Some(self.plan_officers(memo, tip_id, reason, unit_id).await?))
            }
            JobPayload::NotifyTipster { tip_id, event_id } => {
                Plan::Send(self.plan_tipster(memo, tip_id, event_id).await?)
            }
            JobPayload::Deliver { .. } | JobPayload::Reorganise { .. } => Plan::Send(None),
            JobPayload::AlertFanout { alert_id } => Plan::Queue(self.plan_alert_fanout(alert_id).await?),
            JobPayload::NotifyFollowers { alert_id, after, until } => {
                Plan::Send(self.plan_followers(memo, alert_id, after, until).await?)
            }
            JobPayload::AppointmentReminder { appointment_id, starts_at_ms } => {
                Plan::Remind(self.plan_reminder(memo, appointment_id, starts_at_ms).await?)
            }
        })
    }

    /// Writes `planned` and completes its jobs in one transaction: each job's own writes, then every in-app
    /// notification in one statement and every completion in another.
    async fn apply(&self, planned: &[(Job, Plan)]) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let mut notes = Vec::new();
        for (_, plan) in planned {
            match plan {
                Plan::Sla(timer, step) => self.apply_sla(&mut tx, timer, *step).await?,
                Plan::Send(Some(out)) => self.apply_outgoing(&mut tx, out, &mut notes).await?,
                Plan::Send(None) => {}
                Plan::Queue(jobs) => self.enqueue(&mut tx, jobs).await?,
                Plan::Remind(reminder) => self.apply_reminder(&mut tx, reminder, &mut notes).await?,
            }
        }
        notifications::insert_many(&mut tx, &notes).await?;
        let jobs: Vec<Job> = planned.iter().map(|(job, _)| job.clone()).collect();
        jobs::complete_many(&mut tx, &jobs, &self.jobs.worker_id, self.now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes the plans in transactions of at most `COMMIT_WEIGHT` rows.
    async fn apply_all(&self, planned: Vec<(Job, Plan)>) {
        let mut group = Vec::new();
        let mut weight = 0;
        for one in planned {
            weight += one.1.weight();
            group.push(one);
            if weight >= COMMIT_WEIGHT {
                self.apply_group(std::mem::take(&mut group)).await;
                weight = 0;
            }
        }
        self.apply_group(group).await;
    }

    /// Writes every plan and completes its job in one transaction; on failure, each alone.
    async fn apply_group(&self, planned: Vec<(Job, Plan)>) {
        if planned.is_empty() {
            return;
        }
        match self.apply(&planned).await {
            Ok(()) => return,
            Err(e) if planned.len() > 1 => {
                tracing::warn!(jobs = planned.len(), error = %e, "jobs: a batch failed; one by one")
            }
            Err(_) => {}
        }
        for one in planned {
            let (job, _) = &one;
            if let Err(e) = self.apply(std::slice::from_ref(&one)).await {
                self.failed(job, e.into()).await;
            }
        }
    }

    /// Records a failed attempt: again after the backoff, or dead when out of attempts (or not worth another).
    async fn failed(&self, job: &Job, JobFailure { reason, retry }: JobFailure) {
        let now = self.now_ms();
        let retry_at = (retry && job.attempts < job.max_attempts).then(|| now + self.backoff_ms(job.attempts));
        if retry_at.is_none() {
            tracing::warn!(job = job.id, kind = %job.kind, error = %reason, "job is dead");
        }
        if let Err(e) = self.store.fail_job(job, &self.jobs.worker_id, &reason, retry_at, now).await {
            // The lease will run out and the job be claimed again: nothing is lost.
            tracing::error!(job = job.id, error = %e, "could not record a job's failure");
        }
    }

    /// The delay before attempt `attempts + 1`: `retry_base` doubled per attempt, at most an hour.
    pub(crate) fn backoff_ms(&self, attempts: i64) -> i64 {
        let base = self.alerts.retry_base.whole_milliseconds() as i64;
        base.saturating_mul(1 << attempts.clamp(1, 20).saturating_sub(1)).min(3_600_000)
    }

    /// Runs jobs, and indexes for search what changed, until stopped: whenever woken by a commit that queued
    /// jobs, and every `job_poll` otherwise.
    /// Also forgets live events past their replay window, once a minute. On SQLite (one node) it first takes
    /// back the jobs its previous life left running.
    pub fn start_job_worker(&self) -> WorkerHandle {
        let (stop, mut stopped) = watch::channel(false);
        let core = self.core.clone();
        let task = tokio::spawn(async move {
            match core.store.release_orphaned_jobs().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(jobs = n, "job worker: resuming jobs interrupted by the last stop"),
                Err(e) => tracing::warn!(error = %e, "job worker: could not release interrupted jobs"),
            }
            let mut pruned = tokio::time::Instant::now();
            loop {
                // Search documents follow their sources within one turn of this loop.
                if let Err(e) = core.search().index_search().await {
                    tracing::warn!(error = %e, "job worker: indexing for search failed");
                }
                let ran = match core.jobs().run_due_jobs().await {
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
                let wake = core.jobs.wake.0.clone();
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
        let state = state.map(str::parse::<JobState>).transpose()?;
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
        self.jobs.wake.0.notify_one();
        Ok(())
    }
}
