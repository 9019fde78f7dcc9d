//! Group commit for tip intake. A durable commit costs an fsync (and, through sqlx's SQLite driver, tens of
//! microseconds per statement), so one transaction per tip caps intake at a few thousand a second. Instead,
//! each request validates and routes its tip in its own task and hands it to the single writer task of this
//! `Core` (its `Intake`), which takes whatever has arrived (up to `MAX_BATCH`), writes it in ONE
//! transaction with a handful of multi-row statements, and answers each submitter only after COMMIT returned:
//! a "received" answer still means durably stored, and a busy server commits more tips per fsync rather than
//! queueing fsyncs.
//!
//! One bad tip must not sink the others: when a batch's transaction fails, its tips are written again one
//! transaction each, and every submitter gets its own tip's result.
//!
//! The writer is started on first use (on SQLite on a thread of its own, see `spawn_on_own_thread`), and again
//! if it has gone away (its runtime ended, or it panicked): several `Core`s, each with its own store, live in
//! one test process, each with its own writer. It holds a copy of the `Core` without the intake itself, so it
//! ends once every `Core` sharing the intake has been dropped.

use crate::Tips;
use binhyen_domain::tip::TipEventKind;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use binhyen_store::audit::{self, NewAuditEntry};
use binhyen_store::tips::{self, NewTip, NewTipEvent};
use binhyen_store::Backend;
use tokio::sync::{mpsc, oneshot};

use crate::seal::TIPS_REPORTER;
use crate::{Core, CoreError, Result};

/// Most tips one transaction writes: enough to carry an fsync over hundreds of submitters, small enough
/// that a batch's statements and its retry stay short.
pub(crate) const MAX_BATCH: usize = 256;

/// Submissions waiting for the writer; beyond this, submitters wait to hand theirs over (back-pressure).
const QUEUE: usize = 4 * MAX_BATCH;

/// A validated, routed tip waiting to be written.
pub(crate) struct PendingTip {
    /// Everything but `reporter_sealed`, which needs the tip's id (associated data) and is sealed by the
    /// writer once the id is known.
    pub tip: NewTip,
    /// The reporter to seal (JSON), if any. In memory only, never logged.
    pub reporter_plain: Option<Vec<u8>>,
    /// The unit's SLA for the tip's priority: its timer is queued with it.
    pub sla_minutes: i64,
}

struct Job {
    pending: PendingTip,
    answer: oneshot::Sender<Result<i64>>,
}

/// How many batches and tips this intake has written (the benchmark reports the mean batch size).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntakeStats {
    pub batches: u64,
    pub tips: u64,
    /// Batches whose transaction failed and whose tips were written one by one.
    pub retried_batches: u64,
}

/// The handle every clone of a `Core` shares: the queue to its writer task.
#[derive(Default)]
pub(crate) struct Intake {
    queue: Mutex<Option<mpsc::Sender<Job>>>,
    counters: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    tips: AtomicU64,
    retried_batches: AtomicU64,
}

impl Intake {
    /// The queue to a live writer, spawning one (with a copy of `core`) when there is none.
    fn queue(&self, core: &Core) -> mpsc::Sender<Job> {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(q) = queue.as_ref().filter(|q| !q.is_closed()) {
            return q.clone();
        }
        let (sender, receiver) = mpsc::channel(QUEUE);
        // Without the intake: the writer must not keep its own queue open, or it would never end.
        let writer = Writer {
            core: {
                let mut core = core.clone();
                core.tips.restart_intake();
                core
            },
            counters: self.counters.clone(),
        };
        match core.store.backend() {
            Backend::Sqlite => spawn_on_own_thread(writer, receiver),
            Backend::Postgres => {
                tokio::spawn(writer.run(receiver));
            }
        }
        *queue = Some(sender.clone());
        sender
    }

    fn stats(&self) -> IntakeStats {
        IntakeStats {
            batches: self.counters.batches.load(Ordering::Relaxed),
            tips: self.counters.tips.load(Ordering::Relaxed),
            retried_batches: self.counters.retried_batches.load(Ordering::Relaxed),
        }
    }
}

/// On SQLite the writer runs on a thread of its own, with a runtime of its own. Each of its statements is a
/// hand-off to the connection's worker thread, and on the shared runtime every answer put the writer back in
/// the queue behind the requests in progress: each batch then waited there once per statement. (Measured
/// here: 2.3× the transactions per second, +15% tips per second.) The SQLite driver talks to its worker over
/// channels, not sockets, so a connection used here and in the request handlers belongs to no runtime.
/// PostgreSQL connections are sockets registered with the runtime that opened them, which must outlive them:
/// there the writer stays a task on the caller's runtime.
fn spawn_on_own_thread(writer: Writer, receiver: mpsc::Receiver<Job>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let spawned = runtime.map_err(|e| e.to_string()).and_then(|runtime| {
        std::thread::Builder::new()
            .name("binhyen-tip-writer".into())
            .spawn(move || runtime.block_on(writer.run(receiver)))
            .map_err(|e| e.to_string())
    });
    if let Err(e) = spawned {
        // The receiver went with the closure: the queue is closed, and the submitter is told.
        tracing::error!(error = %e, "tip intake: could not start the writer thread");
    }
}

impl Tips<'_> {
    /// Hands a validated tip to the writer and waits until it is committed; returns its id.
    pub(crate) async fn write_tip(&self, pending: PendingTip) -> Result<i64> {
        let (answer, answered) = oneshot::channel();
        let mut job = Job { pending, answer };
        // A writer that went away between taking the queue and sending gives the job back: try a new one once.
        for _ in 0..2 {
            match self.tips.intake.queue(self).send(job).await {
                Ok(()) => {
                    return answered
                        .await
                        .map_err(|_| CoreError::Internal("the tip writer stopped before answering".into()))?;
                }
                Err(mpsc::error::SendError(back)) => job = back,
            }
        }
        Err(CoreError::Internal("the tip writer is not running".into()))
    }

    /// Batches and tips written by this core's intake so far.
    pub fn intake_stats(&self) -> IntakeStats {
        self.tips.intake.stats()
    }
}

struct Writer {
    core: Core,
    counters: Arc<Counters>,
}

impl Writer {
    async fn run(self, mut receiver: mpsc::Receiver<Job>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        // Waits for one job, then takes whatever else has arrived meanwhile: while a batch commits, the next
        // one gathers, so the batch size follows the load without any timer.
        while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
            self.write(std::mem::take(&mut batch)).await;
        }
    }

    async fn write(&self, jobs: Vec<Job>) {
        self.counters.batches.fetch_add(1, Ordering::Relaxed);
        self.counters.tips.fetch_add(jobs.len() as u64, Ordering::Relaxed);
        let pending: Vec<&PendingTip> = jobs.iter().map(|j| &j.pending).collect();
        match self.core.tips().write_batch(&pending).await {
            Ok(ids) => {
                for (job, id) in jobs.into_iter().zip(ids) {
                    // A submitter that gave up (its connection closed) no longer waits: nothing to tell.
                    let _ = job.answer.send(Ok(id));
                }
            }
            Err(e) if jobs.len() == 1 => {
                let _ = jobs.into_iter().next().map(|job| job.answer.send(Err(e)));
            }
            Err(e) => {
                self.counters.retried_batches.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(tips = jobs.len(), error = %e, "tip intake: a batch failed; writing its tips one by one");
                for job in jobs {
                    let result = self.core.tips().write_batch(&[&job.pending]).await.map(|ids| ids[0]);
                    let _ = job.answer.send(result);
                }
            }
        }
    }
}

impl Tips<'_> {
    /// Writes `pending` in one transaction: ids first (so each reporter is sealed with its tip's id as
    /// associated data before the insert), then one multi-row insert each for the tips, their "submitted"
    /// events and their audit entries, whose chain is computed here from the last entry read once. Returns
    /// the ids in the order of `pending`, after COMMIT returned.
    async fn write_batch(&self, pending: &[&PendingTip]) -> Result<Vec<i64>> {
        let now_ms = self.now_ms();
        let mut tx = self.store.begin().await?;
        let ids = tips::allocate_ids(&mut tx, pending.len()).await?;
        let rows: Vec<(i64, NewTip)> = pending
            .iter()
            .zip(&ids)
            .map(|(p, &id)| {
                let mut tip = p.tip.clone();
                tip.reporter_sealed = p.reporter_plain.as_deref().map(|plain| self.seal_for(&TIPS_REPORTER, id, plain));
                (id, tip)
            })
            .collect();
        tips::insert_many(&mut tx, &rows, now_ms).await?;
        let events: Vec<NewTipEvent> = rows
            .iter()
            .map(|(id, tip)| NewTipEvent {
                tip_id: *id,
                at_ms: now_ms,
                actor_account_id: None,
                from_tipster: true,
                unit_id: Some(tip.unit_id),
                visible_to_tipster: true,
                ..NewTipEvent::of(TipEventKind::Submitted)
            })
            .collect();
        tips::add_events(&mut tx, &events).await?;
        let jobs: Vec<_> = rows
            .iter()
            .zip(pending)
            .flat_map(|((id, tip), p)| self.waiting_jobs(*id, tip.unit_id, tip.priority, p.sla_minutes))
            .collect();
        self.jobs().enqueue(&mut tx, &jobs).await?;
        let entries: Vec<NewAuditEntry> = rows
            .iter()
            .map(|(id, tip)| NewAuditEntry {
                at_ms: now_ms,
                actor_account_id: None,
                action: "tip.submitted".to_owned(),
                subject_kind: "tip".to_owned(),
                subject_id: Some(*id),
                detail: serde_json::json!({"unit_id": tip.unit_id}).to_string(),
            })
            .collect();
        // Last: on PostgreSQL the chain's lock is held from here until COMMIT.
        audit::append_batch(&mut tx, &entries).await?;
        let live: Vec<_> = rows
            .iter()
            .map(|(id, tip)| super::live_event("tip.submitted", &super::LiveTipParts::submitted(tip), *id, now_ms))
            .collect();
        self.publish(&mut tx, &live).await?;
        tx.commit().await?;
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use binhyen_domain::tip::{Priority, Protection, TipCategory};
    use binhyen_domain::UnitKind;
    use binhyen_store::units::{self, NewUnit};
    use binhyen_store::Store;

    use super::*;
    use crate::{ManualClock, OsRandom, Policy, TestInstant};

    /// A core over a fresh SQLite store holding one unit; returns the unit's id too.
    async fn core_with_unit(dir: &std::path::Path) -> (Core, i64) {
        let store = Store::connect(&format!("sqlite:{}", dir.join("t.sqlite").display())).await.unwrap();
        store.migrate().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let unit = NewUnit {
            code: "ca-xa-thu".into(),
            kind: UnitKind::CommunePolice,
            name: "Công an xã Thử".into(),
            parent_id: None,
            contact: Default::default(),
            valid_from: None,
            valid_to: None,
        };
        let unit = units::insert(&mut tx, &unit, 0).await.unwrap();
        tx.commit().await.unwrap();
        (
            Core::new(
                store,
                Arc::new(ManualClock::new(TestInstant::DEFAULT.at)),
                Arc::new(OsRandom),
                Policy::default(),
            ),
            unit,
        )
    }

    fn pending(unit_id: i64, n: usize, reporter: Option<&str>) -> PendingTip {
        PendingTip {
            tip: NewTip {
                category: TipCategory::Theft,
                description: format!("Tin báo số {n}"),
                occurred_at_ms: None,
                happening_now: false,
                area_id: None,
                lat: None,
                lon: None,
                address: None,
                protection: if reporter.is_some() { Protection::Confidential } else { Protection::Anonymous },
                reporter_account_id: None,
                reporter_tag: None,
                reporter_sealed: None,
                receipt_hash: reporter.is_none().then(|| format!("receipt-{n}")),
                filed_by_account_id: None,
                unit_id,
                priority: Priority::Normal,
            },
            reporter_plain: reporter.map(|r| r.as_bytes().to_vec()),
            sla_minutes: 5,
        }
    }

    #[tokio::test]
    async fn a_bad_tip_does_not_sink_its_batch() {
        let dir = tempfile::tempdir().unwrap();
        let (core, unit) = core_with_unit(dir.path()).await;
        // The middle one names a unit that does not exist: the batch's transaction fails on it.
        let items = [pending(unit, 1, None), pending(987_654, 2, None), pending(unit, 3, Some(r#"{"name":"A"}"#))];
        let mut jobs = Vec::new();
        let mut answers = Vec::new();
        for pending in items {
            let (answer, answered) = oneshot::channel();
            jobs.push(Job { pending, answer });
            answers.push(answered);
        }
        let writer = Writer { core: core.clone(), counters: Arc::default() };
        writer.write(jobs).await;
        let results: Vec<Result<i64>> = collect_answers(answers).await;
        assert!(results[1].is_err(), "the bad tip gets its own error");
        let (first, third) = (*results[0].as_ref().unwrap(), *results[2].as_ref().unwrap());
        assert_eq!(writer.counters.retried_batches.load(Ordering::Relaxed), 1);

        assert_eq!(core.store.count_tips().await.unwrap(), 2);
        assert_eq!(core.store.tip(first).await.unwrap().description, "Tin báo số 1");
        let sealed = core.store.tip(third).await.unwrap().reporter_sealed.expect("sealed reporter");
        assert_eq!(core.open_for(&TIPS_REPORTER, third, &sealed).unwrap(), br#"{"name":"A"}"#);
        for id in [first, third] {
            assert_eq!(core.store.tip_events(id).await.unwrap()[0].kind, TipEventKind::Submitted);
        }
        assert_eq!(core.store.count_audit_entries().await.unwrap(), 2);
        assert_eq!(core.store.verify_audit_chain().await.unwrap(), None);
    }

    async fn collect_answers(answers: Vec<oneshot::Receiver<Result<i64>>>) -> Vec<Result<i64>> {
        let mut out = Vec::new();
        for a in answers {
            out.push(a.await.unwrap());
        }
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_core_writes_to_its_own_store() {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (a, unit_a) = core_with_unit(dir_a.path()).await;
        let (b, unit_b) = core_with_unit(dir_b.path()).await;
        let mut tasks = Vec::new();
        for n in 0..40 {
            let (core, unit) = if n % 2 == 0 { (a.clone(), unit_a) } else { (b.clone(), unit_b) };
            tasks.push(tokio::spawn(async move { core.tips().write_tip(pending(unit, n, None)).await.unwrap() }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!((a.store.count_tips().await.unwrap(), b.store.count_tips().await.unwrap()), (20, 20));
        assert_eq!((a.tips().intake_stats().tips, b.tips().intake_stats().tips), (20, 20));
        // A core given other keys seals with them: it gets a writer of its own.
        let c = a.clone().with_keys(crate::KeyRing::ephemeral(&OsRandom));
        let id = c.tips().write_tip(pending(unit_a, 99, Some("{}"))).await.unwrap();
        let sealed = c.store.tip(id).await.unwrap().reporter_sealed.unwrap();
        assert!(c.open_for(&TIPS_REPORTER, id, &sealed).is_ok());
        assert!(a.open_for(&TIPS_REPORTER, id, &sealed).is_err(), "not under the first core's key");
    }

    #[test]
    fn the_writer_comes_back_when_its_runtime_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = || tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (core, unit) = runtime().block_on(async {
            let (core, unit) = core_with_unit(dir.path()).await;
            core.tips().write_tip(pending(unit, 1, None)).await.unwrap();
            (core, unit)
        });
        // The first runtime, and the writer spawned on it, are gone; the same core still takes tips.
        runtime().block_on(async {
            core.tips().write_tip(pending(unit, 2, None)).await.unwrap();
            assert_eq!(core.store.count_tips().await.unwrap(), 2);
        });
    }
}
