//! Durable jobs: typed work (`kind` + JSON `payload`) due at `run_at`, claimed with a lease, retried with
//! backoff by the caller's rule, and left `dead` with the last error when out of attempts.
//!
//! A claim takes due jobs and marks them `running` until `locked_until`, counting the attempt. A node that
//! dies mid-job leaves its lease to run out, and another claim takes the job again: nothing is lost on a
//! restart. Finishing (`complete`, `fail`) names the worker and the attempt it claimed, so a worker whose lease
//! was taken over cannot finish the job a second time. Each statement makes one move of the lifecycle that
//! `binhyen_domain::job::JobState::next` writes out. The one difference between the engines is in
//! `claim_sql`: PostgreSQL skips rows other nodes are claiming (`FOR UPDATE SKIP LOCKED`); SQLite has one
//! writer, so claims never overlap.

use binhyen_domain::job::{JobKind, JobState};
use sqlx::Row;

use crate::{parse_enum, Result, Store, StoreError, Tx};

#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub kind: JobKind,
    pub payload: String,
    /// At most one job ever has this key: a second enqueue with it is ignored (a timer fires once).
    pub dedupe_key: Option<String>,
    pub run_at_ms: i64,
    pub max_attempts: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    pub payload: String,
    pub dedupe_key: Option<String>,
    pub state: JobState,
    pub run_at_ms: i64,
    /// Attempts so far, this one included once claimed.
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub locked_by: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

const COLUMNS: &str = "id, kind, payload, dedupe_key, state, run_at, attempts, max_attempts, last_error, locked_by, \
                       created_at, updated_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Job> {
    Ok(Job {
        id: r.try_get(0)?,
        kind: parse_enum(&r.try_get::<String, _>(1)?)?,
        payload: r.try_get(2)?,
        dedupe_key: r.try_get(3)?,
        state: parse_enum(&r.try_get::<String, _>(4)?)?,
        run_at_ms: r.try_get(5)?,
        attempts: r.try_get(6)?,
        max_attempts: r.try_get(7)?,
        last_error: r.try_get(8)?,
        locked_by: r.try_get(9)?,
        created_at_ms: r.try_get(10)?,
        updated_at_ms: r.try_get(11)?,
    })
}

/// Queues `jobs` in `tx`: they exist if and only if the transaction commits. Jobs whose `dedupe_key` is taken
/// are skipped. Returns how many were queued.
pub async fn enqueue(tx: &mut Tx, jobs: &[NewJob], now_ms: i64) -> Result<u64> {
    const PER_ROW: usize = 7;
    let mut queued = 0;
    for chunk in jobs.chunks(crate::MAX_BINDS / PER_ROW) {
        let sql = format!(
            "INSERT INTO jobs (kind, payload, dedupe_key, run_at, max_attempts, created_at, updated_at) VALUES {} \
             ON CONFLICT (dedupe_key) DO NOTHING",
            crate::values_placeholders(tx, chunk.len(), PER_ROW)
        );
        let mut q = sqlx::query(&sql);
        for j in chunk {
            q = q
                .bind(j.kind.as_str())
                .bind(j.payload.as_str())
                .bind(j.dedupe_key.as_deref())
                .bind(j.run_at_ms)
                .bind(j.max_attempts)
                .bind(now_ms)
                .bind(now_ms);
        }
        queued += q.execute(tx.conn()).await?.rows_affected();
    }
    Ok(queued)
}

/// Marks a claimed job done inside `tx`, with the work it did: both commit or neither. `Conflict("job_lost")`
/// if this worker no longer holds it (its lease ran out and another took it).
pub async fn complete(tx: &mut Tx, job: &Job, worker: &str, now_ms: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'done', locked_by = NULL, locked_until = NULL, updated_at = $1 \
         WHERE id = $2 AND state = 'running' AND locked_by = $3 AND attempts = $4",
    )
    .bind(now_ms)
    .bind(job.id)
    .bind(worker)
    .bind(job.attempts)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("job_lost"));
    }
    Ok(())
}

/// Marks several jobs claimed by `worker` done inside `tx` (group commit of jobs). `Conflict("job_lost")` if
/// any of them is no longer this worker's, and then none is marked.
pub async fn complete_many(tx: &mut Tx, jobs: &[Job], worker: &str, now_ms: i64) -> Result<()> {
    for chunk in jobs.chunks(1000) {
        let ids = crate::id_list(chunk.iter().map(|j| j.id));
        let done = sqlx::query(&format!(
            "UPDATE jobs SET state = 'done', locked_by = NULL, locked_until = NULL, updated_at = $1 \
             WHERE state = 'running' AND locked_by = $2 AND id IN ({ids})"
        ))
        .bind(now_ms)
        .bind(worker)
        .execute(tx.conn())
        .await?;
        if done.rows_affected() != chunk.len() as u64 {
            return Err(StoreError::Conflict("job_lost"));
        }
    }
    Ok(())
}

fn claim_sql(postgres: bool) -> String {
    format!(
        "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, \
         updated_at = $3 WHERE id IN (SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= $3) \
         OR (state = 'running' AND locked_until <= $3) ORDER BY run_at, id LIMIT $4{}) RETURNING {COLUMNS}",
        if postgres { " FOR UPDATE SKIP LOCKED" } else { "" }
    )
}

impl Store {
    /// Claims up to `limit` due jobs (and jobs whose lease ran out) for `worker` until `now + lease`.
    pub async fn claim_jobs(&self, worker: &str, now_ms: i64, lease_ms: i64, limit: i64) -> Result<Vec<Job>> {
        let sql = claim_sql(self.backend() == crate::Backend::Postgres);
        let rows = sqlx::query(&sql)
            .bind(worker)
            .bind(now_ms + lease_ms)
            .bind(now_ms)
            .bind(limit)
            .fetch_all(&self.write)
            .await?;
        let mut jobs: Vec<Job> = rows.iter().map(from_row).collect::<Result<_>>()?;
        jobs.sort_by_key(|j| (j.run_at_ms, j.id));
        Ok(jobs)
    }

    /// Records a failed attempt: again at `retry_at_ms`, or `dead` when None. Ignored (false) if this worker
    /// no longer holds the job.
    pub async fn fail_job(
        &self,
        job: &Job,
        worker: &str,
        error: &str,
        retry_at_ms: Option<i64>,
        now_ms: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET state = $1, run_at = COALESCE($2, run_at), last_error = $3, locked_by = NULL, \
             locked_until = NULL, updated_at = $4 WHERE id = $5 AND state = 'running' AND locked_by = $6 \
             AND attempts = $7",
        )
        .bind(if retry_at_ms.is_some() { JobState::Queued } else { JobState::Dead }.as_str())
        .bind(retry_at_ms)
        .bind(error)
        .bind(now_ms)
        .bind(job.id)
        .bind(worker)
        .bind(job.attempts)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// SQLite only (one node): jobs left `running` by this node's previous life are queued again at once,
    /// rather than after their lease. Returns how many. On PostgreSQL other nodes may be running them: leases
    /// decide there.
    pub async fn release_orphaned_jobs(&self) -> Result<u64> {
        if self.backend() != crate::Backend::Sqlite {
            return Ok(0);
        }
        let done = sqlx::query(
            "UPDATE jobs SET state = 'queued', locked_by = NULL, locked_until = NULL WHERE state = 'running'",
        )
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected())
    }

    /// Jobs in `state` (all states when None), newest first.
    pub async fn jobs(&self, state: Option<JobState>, limit: i64) -> Result<Vec<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE ($1 IS NULL OR state = $1) ORDER BY id DESC LIMIT $2"
        ))
        .bind(state.map(JobState::as_str))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// How many jobs of `kind` are in each state (for operators and the benchmarks).
    pub async fn job_states(&self, kind: JobKind) -> Result<Vec<(JobState, i64)>> {
        let rows = sqlx::query("SELECT state, COUNT(*) FROM jobs WHERE kind = $1 GROUP BY state ORDER BY state")
            .bind(kind.as_str())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| Ok((parse_enum(&r.try_get::<String, _>(0)?)?, r.try_get(1)?))).collect()
    }

    pub async fn job(&self, id: i64) -> Result<Job> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// A dead job queued again with fresh attempts (an administrator fixed the cause). False if not dead.
    pub async fn retry_dead_job(&self, id: i64, now_ms: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, updated_at = $1 WHERE id = $2 \
             AND state = 'dead'",
        )
        .bind(now_ms)
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
