//! The queue of background jobs: work that follows from a change but need not delay the person
//! who made it. This module knows no kind of job; a row is a kind, a key and a JSON payload. The
//! typed jobs, their registry and the one runner that claims, runs, completes and retries them are
//! `cohort_app::jobs`.
//!
//! A job is enqueued in the same transaction as its cause, so it exists exactly when the cause
//! does. A worker claims due jobs of one kind under a lease (so two workers never run the same job
//! at once, and a job whose worker died runs again when the lease ends), does the work, and
//! completes the job in the transaction that records the work's effect. Every job is idempotent:
//! running it twice leaves the same state as running it once. That is what makes the lease safe.

use crate::{Backend, Result, Store, Tx};

/// A job a worker holds until its lease ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: i64,
    /// The row's version when claimed; completing succeeds only if nobody enqueued the job again
    /// meanwhile.
    pub version: i64,
    /// Failed attempts so far.
    pub attempts: i64,
    /// The job's JSON, which its kind's type parses.
    pub payload: String,
}

/// The PostgreSQL notification channel on which a job's kind is announced when it is queued.
pub const JOBS_CHANNEL: &str = "cohort_jobs";

/// Attempts after which a job is parked for an administrator instead of retried.
pub const MAX_JOB_ATTEMPTS: i64 = 10;

/// When a job that failed `attempts` times runs again: 10 s, 20 s, 40 s, … capped at an hour, and
/// never again after [`MAX_JOB_ATTEMPTS`].
pub fn retry_at(attempts: i64, now: i64) -> i64 {
    if attempts >= MAX_JOB_ATTEMPTS {
        i64::MAX / 2
    } else {
        now + (10_i64 << (attempts - 1).clamp(0, 12)).min(3600)
    }
}

const CLAIM_SQLITE: &str = "UPDATE jobs SET locked_until = $1 WHERE id IN (\
     SELECT id FROM jobs WHERE kind = $2 AND run_after <= $3 AND locked_until <= $3 \
     ORDER BY id LIMIT $4) RETURNING id, version, attempts, payload";

/// The statement that queues `rows` jobs (five parameters each) and, when `notify_channel` is
/// the parameter after them, announces their kinds on it. A key already queued keeps one row,
/// marked to run again after any run in progress.
fn enqueue_sql(rows: usize, notify: bool) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let first = row * 5;
            format!(
                "(${}, ${}, ${}, ${}, ${})",
                first + 1,
                first + 2,
                first + 3,
                first + 4,
                first + 5
            )
        })
        .collect();
    let insert = format!(
        "INSERT INTO jobs (kind, job_key, payload, created_at, run_after) VALUES {} \
         ON CONFLICT (job_key) DO UPDATE SET version = jobs.version + 1, run_after = excluded.run_after, \
         attempts = 0, last_error = NULL",
        values.join(", ")
    );
    if notify {
        format!(
            "WITH queued AS ({insert} RETURNING kind) SELECT pg_notify(${}, kind) FROM queued",
            rows * 5 + 1
        )
    } else {
        insert
    }
}

/// A job to queue: its kind, its key (one queued row per key) and its JSON payload, due at
/// `run_after` (Unix seconds).
#[derive(Debug, Clone, Copy)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub key: &'a str,
    pub payload: &'a str,
    pub run_after: i64,
}

const CLAIM_POSTGRES: &str = "UPDATE jobs SET locked_until = $1 WHERE id IN (\
     SELECT id FROM jobs WHERE kind = $2 AND run_after <= $3 AND locked_until <= $3 \
     ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING id, version, attempts, payload";

impl Store {
    /// Queues a job of `kind` in the caller's transaction, due at `run_after` (Unix seconds). If a
    /// job with the same `key` is already queued, the queue keeps one row and marks it to run again
    /// after any run in progress.
    pub async fn enqueue_job(
        tx: &mut Tx,
        kind: &str,
        key: &str,
        payload: &str,
        now: i64,
        run_after: i64,
    ) -> Result<()> {
        let job = NewJob {
            kind,
            key,
            payload,
            run_after,
        };
        Store::enqueue_jobs(tx, &[job], now).await
    }

    /// Queues every job of `jobs` in one statement, as [`Store::enqueue_job`] queues each in turn:
    /// two with one key are one job, due when the later of them says.
    pub async fn enqueue_jobs(tx: &mut Tx, jobs: &[NewJob<'_>], now: i64) -> Result<()> {
        // One statement cannot insert and update one key twice.
        let mut unique: Vec<NewJob<'_>> = Vec::with_capacity(jobs.len());
        for job in jobs {
            match unique.iter_mut().find(|kept| kept.key == job.key) {
                Some(kept) => kept.run_after = job.run_after,
                None => unique.push(*job),
            }
        }
        // Workers on other machines listen on a channel; PostgreSQL delivers the notice when (and
        // only if) the transaction commits. The notice rides in the insert's own statement, so
        // queueing costs one round trip. SQLite has one process, which wakes its own.
        //
        // Only jobs due now are announced: a worker finds a job due later at a poll, and a
        // transaction that notifies holds PostgreSQL's one notification lock from its commit until
        // its commit is on disk, so every other notifying commit waits for it (a burst of bookings,
        // each queueing its reminders, would commit one at a time).
        let postgres = tx.backend_name() == "PostgreSQL";
        for chunk in unique.chunks(1000) {
            let notify = postgres && chunk.iter().any(|job| job.run_after <= now);
            let sql = enqueue_sql(chunk.len(), notify);
            let mut query = sqlx::query(&sql);
            for job in chunk {
                query = query
                    .bind(job.kind)
                    .bind(job.key)
                    .bind(job.payload)
                    .bind(now)
                    .bind(job.run_after);
            }
            if notify {
                query = query.bind(JOBS_CHANNEL);
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Claims up to `limit` due jobs of `kind` for `lease_seconds`, oldest first.
    pub async fn claim_jobs(
        &self,
        kind: &str,
        now: i64,
        lease_seconds: i64,
        limit: i64,
    ) -> Result<Vec<ClaimedJob>> {
        let sql = match self.backend {
            Backend::Sqlite => CLAIM_SQLITE,
            Backend::Postgres => CLAIM_POSTGRES,
        };
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(sql)
            .bind(now + lease_seconds)
            .bind(kind)
            .bind(now)
            .bind(limit)
            .fetch_all(&self.writer)
            .await?;
        let mut claimed: Vec<ClaimedJob> = rows
            .into_iter()
            .map(|(id, version, attempts, payload)| ClaimedJob {
                id,
                version,
                attempts,
                payload,
            })
            .collect();
        claimed.sort_by_key(|j| j.id);
        Ok(claimed)
    }

    /// Completes a claimed job in the transaction that recorded its effect. If the job was
    /// enqueued again while it ran, the row stays and is released to run once more.
    pub async fn complete_job(tx: &mut Tx, job: &ClaimedJob) -> Result<()> {
        let deleted = sqlx::query("DELETE FROM jobs WHERE id = $1 AND version = $2")
            .bind(job.id)
            .bind(job.version)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            sqlx::query("UPDATE jobs SET locked_until = 0 WHERE id = $1")
                .bind(job.id)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Extends the lease of a job a worker is still running, so that no other worker takes it
    /// over while the work goes on.
    pub async fn renew_job(&self, id: i64, locked_until: i64) -> Result<()> {
        sqlx::query("UPDATE jobs SET locked_until = $1 WHERE id = $2")
            .bind(locked_until)
            .bind(id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Records a failed attempt and schedules the next with [`retry_at`].
    pub async fn fail_job(
        &self,
        id: i64,
        attempts_before: i64,
        error: &str,
        now: i64,
    ) -> Result<()> {
        let attempts = attempts_before + 1;
        sqlx::query(
            "UPDATE jobs SET attempts = $1, last_error = $2, run_after = $3, locked_until = 0 WHERE id = $4",
        )
        .bind(attempts)
        .bind(error)
        .bind(retry_at(attempts, now))
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Jobs of `kind` not yet completed, including parked ones.
    pub async fn queued_jobs(&self, kind: &str) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = $1")
                .bind(kind)
                .fetch_one(&self.reader)
                .await?,
        )
    }
}

/// The queue of one kind of job, as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueStat {
    pub kind: String,
    /// Due now and not held by a worker.
    pub waiting: i64,
    /// Held by a worker under a lease.
    pub running: i64,
    /// Due later (scheduled, or waiting for a retry), parked ones included.
    pub scheduled: i64,
    /// When the oldest job that is due now became due, if any.
    pub oldest_due_at: Option<i64>,
}

/// What a worker does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerKind {
    /// Judges submissions and verifies problem packages in the sandbox.
    Judge,
}

impl WorkerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerKind::Judge => "judge",
        }
    }
}

impl TryFrom<String> for WorkerKind {
    type Error = String;

    fn try_from(code: String) -> std::result::Result<WorkerKind, String> {
        match code.as_str() {
            "judge" => Ok(WorkerKind::Judge),
            _ => Err(format!("unknown worker kind {code:?}")),
        }
    }
}

/// A worker that announced itself recently.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WorkerRecord {
    pub id: String,
    #[sqlx(try_from = "String")]
    pub kind: WorkerKind,
    pub host: String,
    pub started_at: i64,
    pub seen_at: i64,
    /// How its sandbox enforces limits (judge workers).
    pub sandbox: String,
}

impl WorkerRecord {
    /// Whether it judges without control groups (see `cohort_judge::sandbox::Enforcement`).
    pub fn degraded(&self) -> bool {
        self.sandbox == "resource limits only"
    }
}

impl Store {
    /// The queue per kind of job at `now`.
    pub async fn queue_stats(&self, now: i64) -> Result<Vec<QueueStat>> {
        Ok(sqlx::query_as(
            "SELECT kind, \
             SUM(CASE WHEN run_after <= $1 AND locked_until <= $1 THEN 1 ELSE 0 END) AS waiting, \
             SUM(CASE WHEN locked_until > $1 THEN 1 ELSE 0 END) AS running, \
             SUM(CASE WHEN run_after > $1 AND locked_until <= $1 THEN 1 ELSE 0 END) AS scheduled, \
             MIN(CASE WHEN run_after <= $1 AND locked_until <= $1 THEN run_after END) AS oldest_due_at \
             FROM jobs GROUP BY kind ORDER BY kind",
        )
        .bind(now)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Records that worker `id` is alive at `now`.
    pub async fn worker_heartbeat(
        &self,
        id: &str,
        kind: WorkerKind,
        host: &str,
        sandbox: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO workers (id, kind, host, started_at, seen_at, sandbox) VALUES ($1, $2, $3, $4, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at, sandbox = excluded.sandbox",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(host)
        .bind(now)
        .bind(sandbox)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Removes a worker that stops; stale rows of crashed workers are removed too.
    pub async fn forget_worker(&self, id: &str, now: i64) -> Result<()> {
        sqlx::query("DELETE FROM workers WHERE id = $1 OR seen_at < $2")
            .bind(id)
            .bind(now - 3600)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Workers seen in the last `within` seconds.
    pub async fn active_workers(&self, now: i64, within: i64) -> Result<Vec<WorkerRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, kind, host, started_at, seen_at, sandbox FROM workers WHERE seen_at >= $1 ORDER BY started_at, id",
        )
        .bind(now - within)
        .fetch_all(&self.reader)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour_and_then_park() {
        assert_eq!(retry_at(1, 1000), 1010);
        assert_eq!(retry_at(2, 1000), 1020);
        assert_eq!(retry_at(3, 1000), 1040);
        assert_eq!(retry_at(9, 1000), 1000 + 2560);
        assert!(retry_at(MAX_JOB_ATTEMPTS, 1000) > 1000 + 100 * 365 * 24 * 3600);
    }
}
