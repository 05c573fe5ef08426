//! Typed background jobs and the one runner that runs them.
//!
//! A job is a struct in its capability's module implementing [`Job`]: its kind (the name stored
//! in each row, never renamed), its idempotency key, and `run`. It is queued with [`enqueue`] in
//! the same transaction as its cause. A worker pool is a [`Registry`] of kinds ([`crate::pools`]);
//! a [`Runner`] claims due jobs of each kind under a lease, renews the lease while they run, and
//! records a failure for a retry with back-off ([`cohort_store::jobs::retry_at`]). A job completes
//! itself with [`Done::complete`] in the transaction that records its effect; one that returns
//! without doing so had nothing to record and is completed by the runner.
//!
//! Every job is idempotent: running it twice leaves the state running it once leaves. That is
//! what makes the lease safe; a worker that stalls past its lease may finish after another worker
//! ran the job again.

mod wait;

pub use wait::{listen_for_jobs, repeat_until_stopped, Pace, Shutdown, GATHER};

use crate::App;
use cohort_store::jobs::{ClaimedJob, NewJob, MAX_JOB_ATTEMPTS};
use cohort_store::{Store, StoreError, Tx};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What a job runs with: the [`App`], and for some jobs more (the judge).
pub trait Context: Send + Sync + 'static {
    fn app(&self) -> &App;
}

impl Context for App {
    fn app(&self) -> &App {
        self
    }
}

/// Why a run failed; the job is retried later, and parked after
/// [`cohort_store::jobs::MAX_JOB_ATTEMPTS`].
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Failed(String),
}

/// A kind of background work.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + Sized + 'static {
    /// The kind's name in the queue. Rows carry it, so it is never renamed.
    const KIND: &'static str;
    /// How many due jobs of this kind are claimed together.
    const BATCH: i64 = 50;
    type Context: Context;

    /// What the job is about: two jobs with one key do the same work, so the queue keeps one.
    fn key(&self) -> String;

    /// Does the work; completes with `done` in the transaction that records its effect.
    fn run(
        &self,
        context: &Self::Context,
        done: &Done,
    ) -> impl Future<Output = Result<(), JobError>> + Send;

    /// Runs a claimed batch; by default one job after another, so one failing does not hold up
    /// the others. A kind whose work is cheaper together (one transaction for many) overrides it.
    fn run_batch<'a>(
        batch: &'a [(Self, Done)],
        context: &'a Self::Context,
    ) -> impl Future<Output = Vec<Result<(), JobError>>> + Send + 'a {
        async move {
            let mut outcomes = Vec::with_capacity(batch.len());
            for (job, done) in batch {
                outcomes.push(job.run(context, done).await);
            }
            outcomes
        }
    }
}

/// Queues `job` in the caller's transaction, due at once.
pub async fn enqueue<J: Job>(tx: &mut Tx, job: &J, now: i64) -> Result<(), StoreError> {
    enqueue_at(tx, job, now, now).await
}

/// Queues `job` in the caller's transaction, due at `run_after` (Unix seconds).
pub async fn enqueue_at<J: Job>(
    tx: &mut Tx,
    job: &J,
    now: i64,
    run_after: i64,
) -> Result<(), StoreError> {
    let payload = serde_json::to_string(job).expect("a job serialises to JSON");
    Store::enqueue_job(tx, J::KIND, &job.key(), &payload, now, run_after).await
}

/// Queues each of `jobs` (a job and when it is due) in the caller's transaction, in one
/// statement.
pub async fn enqueue_all_at<J: Job>(
    tx: &mut Tx,
    jobs: &[(J, i64)],
    now: i64,
) -> Result<(), StoreError> {
    let rows: Vec<(String, String, i64)> = jobs
        .iter()
        .map(|(job, run_after)| {
            let payload = serde_json::to_string(job).expect("a job serialises to JSON");
            (job.key(), payload, *run_after)
        })
        .collect();
    let new: Vec<NewJob<'_>> = rows
        .iter()
        .map(|(key, payload, run_after)| NewJob {
            kind: J::KIND,
            key,
            payload,
            run_after: *run_after,
        })
        .collect();
    Store::enqueue_jobs(tx, &new, now).await
}

/// A claimed job's completion, handed to [`Job::run`].
pub struct Done {
    claimed: ClaimedJob,
    completed: AtomicBool,
}

impl Done {
    /// Completes the job in `tx`, the transaction that records its effect. If the job was queued
    /// again while it ran, it stays queued and runs once more.
    pub async fn complete(&self, tx: &mut Tx) -> Result<(), StoreError> {
        Store::complete_job(tx, &self.claimed).await?;
        self.completed.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Failed attempts before this one.
    pub fn attempts(&self) -> i64 {
        self.claimed.attempts
    }
}

type Handler<C> = for<'a> fn(
    &'a C,
    Vec<ClaimedJob>,
) -> Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'a>>;

struct Kind<C> {
    name: &'static str,
    batch: i64,
    handler: Handler<C>,
}

/// The kinds of job one worker pool runs, in the order it looks for them.
pub struct Registry<C> {
    kinds: Vec<Kind<C>>,
}

impl<C: Context> Default for Registry<C> {
    fn default() -> Self {
        Registry { kinds: Vec::new() }
    }
}

impl<C: Context> Registry<C> {
    /// Adds a kind; kinds added first are looked for first.
    pub fn with<J: Job<Context = C>>(mut self) -> Self {
        self.kinds.push(Kind {
            name: J::KIND,
            batch: J::BATCH,
            handler: |context, claimed| Box::pin(run_claimed::<J>(context, claimed)),
        });
        self
    }

    /// The kinds' names, in order.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.kinds.iter().map(|kind| kind.name).collect()
    }
}

/// Parses and runs claimed jobs of `J`, then completes or fails each.
async fn run_claimed<J: Job>(
    context: &J::Context,
    claimed: Vec<ClaimedJob>,
) -> Result<(), StoreError> {
    let app = context.app();
    let mut batch = Vec::with_capacity(claimed.len());
    for row in claimed {
        match serde_json::from_str::<J>(&row.payload) {
            Ok(job) => batch.push((
                job,
                Done {
                    claimed: row,
                    completed: AtomicBool::new(false),
                },
            )),
            // No retry makes it parse: the job is parked at once, with the reason.
            Err(error) => {
                let error = format!("the job's payload does not parse: {error}");
                app.store()
                    .fail_job(row.id, MAX_JOB_ATTEMPTS - 1, &error, app.now())
                    .await?;
            }
        }
    }
    let outcomes = J::run_batch(&batch, context).await;
    for ((_, done), outcome) in batch.iter().zip(outcomes) {
        match outcome {
            Ok(()) if done.completed.load(Ordering::Relaxed) => {}
            Ok(()) => {
                let mut tx = app.store().begin().await?;
                Store::complete_job(&mut tx, &done.claimed).await?;
                Store::commit(tx).await?;
            }
            Err(error) => {
                tracing::warn!(job.kind = J::KIND, job.id = done.claimed.id, error = %error, "job failed; it will be retried");
                app.store()
                    .fail_job(
                        done.claimed.id,
                        done.claimed.attempts,
                        &error.to_string(),
                        app.now(),
                    )
                    .await?;
            }
        }
    }
    Ok(())
}

/// How long a claimed job is held before another worker may take it over, by default. The lease
/// is renewed every third of this while the job runs, so only a dead or stalled worker loses it.
pub const LEASE_SECONDS: i64 = 30;

/// Claims, runs, completes and retries the jobs of one [`Registry`].
pub struct Runner<C> {
    context: Arc<C>,
    registry: Registry<C>,
    lease_seconds: i64,
}

impl<C: Context> Runner<C> {
    pub fn new(context: Arc<C>, registry: Registry<C>) -> Runner<C> {
        Runner {
            context,
            registry,
            lease_seconds: LEASE_SECONDS,
        }
    }

    /// Holds jobs for `seconds` (at least 3) instead of [`LEASE_SECONDS`]: how long a crashed
    /// worker's job waits before another worker takes it over.
    pub fn with_lease(mut self, seconds: i64) -> Runner<C> {
        self.lease_seconds = seconds.max(3);
        self
    }

    pub fn context(&self) -> &C {
        &self.context
    }

    /// Claims the due jobs of the first kind, in the registry's order, that has any, and runs
    /// them; returns how many ran. A job's own failure is recorded on the job; only the queue
    /// failing is an error here.
    pub async fn run_next(&self) -> Result<usize, StoreError> {
        let app = self.context.app();
        for kind in &self.registry.kinds {
            let claimed = app
                .store()
                .claim_jobs(kind.name, app.now(), self.lease_seconds, kind.batch)
                .await?;
            if claimed.is_empty() {
                continue;
            }
            let ran = claimed.len();
            let renewal = self.keep_leased(claimed.iter().map(|job| job.id).collect());
            let outcome = (kind.handler)(&self.context, claimed).await;
            renewal.abort();
            outcome?;
            return Ok(ran);
        }
        Ok(0)
    }

    /// Runs every due job, including jobs the runs queue; returns how many ran.
    pub async fn run_due(&self) -> Result<usize, StoreError> {
        let mut ran = 0;
        loop {
            match self.run_next().await? {
                0 => return Ok(ran),
                more => ran += more,
            }
        }
    }

    /// Renews the lease of `ids` until the returned task is aborted.
    fn keep_leased(&self, ids: Vec<i64>) -> tokio::task::JoinHandle<()> {
        let (app, lease) = (self.context.app().clone(), self.lease_seconds);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(lease as u64 * 1000 / 3)).await;
                for id in &ids {
                    if let Err(error) = app.store().renew_job(*id, app.now() + lease).await {
                        tracing::warn!(job.id = id, error = %error, "renewing a job's lease failed");
                    }
                }
            }
        })
    }
}
