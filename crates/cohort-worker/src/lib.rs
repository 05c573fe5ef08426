//! The judge worker: claims judging jobs from the queue in the database and runs them on the
//! sandboxed judge, one job at a time (the judge itself runs a job's test cases in parallel).
//!
//! Any number of workers may run, in the server process (the default on SQLite) or as
//! `cohort worker` processes on other machines (PostgreSQL). The jobs, their registry and the
//! runner that holds each under a lease are `cohort_app` ([`cohort_app::pools::judging`]); this
//! crate adds what a judge worker process is: its announcement to administrators (a heartbeat),
//! waking on PostgreSQL's notices, and draining on shutdown.

use cohort_app::jobs::{listen_for_jobs, repeat_until_stopped, Pace, Runner, Shutdown};
use cohort_app::judge::JudgeContext;
use cohort_app::App;
use cohort_judge::Judge;
use cohort_store::jobs::WorkerKind;
use cohort_store::StoreError;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use cohort_app::jobs::LEASE_SECONDS;

pub struct JudgeWorker {
    runner: Runner<JudgeContext>,
    wake: Arc<tokio::sync::Notify>,
    listen: bool,
}

impl JudgeWorker {
    /// `cache_dir` holds unpacked packages; it may be shared by the workers of one machine.
    pub fn new(app: App, judge: Judge, cache_dir: &Path) -> JudgeWorker {
        let context = Arc::new(JudgeContext::new(app, judge, cache_dir));
        JudgeWorker {
            runner: Runner::new(context, cohort_app::pools::judging()),
            wake: Arc::new(tokio::sync::Notify::new()),
            listen: false,
        }
    }

    /// Wakes the worker at once when a job is queued on PostgreSQL (LISTEN/NOTIFY), instead of
    /// at its next poll.
    pub fn listening(mut self) -> JudgeWorker {
        self.listen = true;
        self
    }

    /// A handle that wakes this worker; the server uses it after queueing a job in-process.
    pub fn waker(&self) -> Arc<tokio::sync::Notify> {
        self.wake.clone()
    }

    /// Holds jobs for `seconds` (at least 3) instead of [`LEASE_SECONDS`]: how long a crashed
    /// worker's job waits before another worker takes it over.
    pub fn with_lease(mut self, seconds: i64) -> JudgeWorker {
        self.runner = self.runner.with_lease(seconds);
        self
    }

    fn app(&self) -> &App {
        cohort_app::jobs::Context::app(self.runner.context())
    }

    /// Runs jobs until `shutdown`, then finishes the job in hand and returns (so a worker drains
    /// on shutdown instead of abandoning work to a lease).
    pub async fn run(&self, shutdown: Shutdown) {
        tracing::info!("judge worker started");
        let app = self.app().clone();
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "unknown".into());
        let id = format!("{host}:{}:{}", std::process::id(), app.now_ms());
        // Administrators see the worker while it keeps announcing itself, judging or not.
        let sandbox = self.runner.context().judge().enforcement().label();
        let heartbeat = {
            let (app, id, host) = (app.clone(), id.clone(), host.clone());
            tokio::spawn(async move {
                loop {
                    if let Err(error) = app
                        .store()
                        .worker_heartbeat(&id, WorkerKind::Judge, &host, sandbox, app.now())
                        .await
                    {
                        tracing::warn!(error = %error, "announcing the worker failed");
                    }
                    tokio::time::sleep(Duration::from_secs(HEARTBEAT_SECONDS as u64)).await;
                }
            })
        };
        let listener = self.listen.then(|| {
            tokio::spawn(listen_for_jobs(
                app.config().database_url.clone(),
                self.wake.clone(),
            ))
        });
        let pace = Pace {
            poll: IDLE_POLL,
            gather: Duration::ZERO,
        };
        // After a job, the next is looked for at once.
        repeat_until_stopped("judge", shutdown, Some(&self.wake), pace, || async {
            self.runner.run_next().await.map(|ran| ran > 0)
        })
        .await;
        if let Some(listener) = listener {
            listener.abort();
        }
        heartbeat.abort();
        if let Err(error) = app.store().forget_worker(&id, app.now()).await {
            tracing::warn!(error = %error, "removing the worker's announcement failed");
        }
        tracing::info!("judge worker stopped");
    }

    /// Runs every due job, one after another; returns how many ran.
    pub async fn run_due(&self) -> Result<usize, StoreError> {
        self.runner.run_due().await
    }

    /// Claims and runs one due job; false when there was none. A job that fails is recorded for
    /// a later retry and does not stop the worker; only the queue itself failing is an error.
    pub async fn run_one(&self) -> Result<bool, StoreError> {
        Ok(self.runner.run_next().await? > 0)
    }
}

/// How often a running worker announces itself; one not seen for three times this is gone.
pub const HEARTBEAT_SECONDS: i64 = 10;

/// How often an idle worker looks for due jobs without being woken: jobs queued on SQLite by
/// another process, retries coming due, and leases running out.
const IDLE_POLL: Duration = Duration::from_millis(500);
