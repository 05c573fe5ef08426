//! The judge worker: claims judging jobs from the queue in the database and runs them on the
//! sandboxed judge, one job at a time (the judge itself runs a job's test cases in parallel).
//!
//! Any number of workers may run, in the server process (the default on SQLite) or as
//! `cohort worker` processes on other machines (PostgreSQL). A worker holds each job under a lease
//! that it renews while the judge runs; if the worker dies, the lease runs out and another worker
//! takes the job over. Results are written in the same transaction that completes the job, and
//! writing a result twice leaves one result, so a job run twice is harmless.
//!
//! Problem packages come from the blob store and are unpacked once per machine into the worker's
//! cache, named by their content hash, so every worker judges with the same bytes.

use cohort_judge::archive::{self, ArchiveLimits};
use cohort_judge::package::Problem;
use cohort_judge::verify::{verify, VerifyReport};
use cohort_judge::{Judge, JudgeOptions, Submission, Verdict};
use cohort_store::blob::{BlobId, BlobStore};
use cohort_store::jobs::{ClaimedJob, Job, JobKind, JOBS_CHANNEL};
use cohort_store::outbox::{Message, NewMessage};
use cohort_store::problems::ProblemStatus;
use cohort_store::submissions::{ResultRecord, Scope};
use cohort_store::{Store, StoreError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

mod mail;
use mail::JudgeErrorAlert;

/// How long a claimed job is held before another worker may take it over, by default. The lease
/// is renewed every third of this while the judge runs, so only a dead or stalled worker loses it.
pub const LEASE_SECONDS: i64 = 30;

/// The kinds of job this worker runs.
/// Submissions first: a candidate is waiting for each; a recruiter can wait for a verification.
const KINDS: [JobKind; 2] = [JobKind::JudgeSubmission, JobKind::VerifyProblem];

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the package {blob}: {message}")]
    Package { blob: String, message: String },
    #[error("the judge thread failed: {0}")]
    Thread(String),
    /// The disk or the blob store failed; the job is retried.
    #[error("{0}")]
    Io(String),
}

/// The time source in Unix milliseconds, so that tests and the server share one notion of now.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub struct JudgeWorker {
    store: Store,
    blobs: Arc<dyn BlobStore>,
    judge: Arc<Judge>,
    packages: PathBuf,
    clock: Clock,
    lease_seconds: i64,
    wake: Arc<tokio::sync::Notify>,
    listen_url: Option<String>,
    loaded: std::sync::Mutex<HashMap<String, Arc<Problem>>>,
}

impl JudgeWorker {
    /// `cache_dir` holds unpacked packages; it may be shared by the workers of one machine.
    pub fn new(
        store: Store,
        blobs: Arc<dyn BlobStore>,
        judge: Judge,
        cache_dir: &Path,
        clock: Clock,
    ) -> JudgeWorker {
        JudgeWorker {
            store,
            blobs,
            judge: Arc::new(judge),
            packages: cache_dir.join("packages"),
            clock,
            lease_seconds: LEASE_SECONDS,
            wake: Arc::new(tokio::sync::Notify::new()),
            listen_url: None,
            loaded: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Wakes the worker at once when a job is queued in `database_url` (PostgreSQL's
    /// LISTEN/NOTIFY), instead of at its next poll.
    pub fn listening_to(mut self, database_url: &str) -> JudgeWorker {
        if database_url.starts_with("postgres") {
            self.listen_url = Some(database_url.to_owned());
        }
        self
    }

    /// A handle that wakes this worker; the server uses it after queueing a job in-process.
    pub fn waker(&self) -> Arc<tokio::sync::Notify> {
        self.wake.clone()
    }

    /// Holds jobs for `seconds` (at least 3) instead of [`LEASE_SECONDS`]: how long a crashed
    /// worker's job waits before another worker takes it over.
    pub fn with_lease(mut self, seconds: i64) -> JudgeWorker {
        self.lease_seconds = seconds.max(3);
        self
    }

    /// Now, in Unix seconds (what the store takes).
    fn now(&self) -> i64 {
        (self.clock)() / 1000
    }

    /// Runs jobs until `stop` turns true, then finishes the job in hand and returns (so a
    /// worker drains on shutdown instead of abandoning work to a lease).
    pub async fn run(&self, mut stop: tokio::sync::watch::Receiver<bool>) {
        tracing::info!("judge worker started");
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "unknown".into());
        let id = format!("{host}:{}:{}", std::process::id(), (self.clock)());
        // Administrators see the worker while it keeps announcing itself, judging or not.
        let sandbox = self.judge.enforcement().label();
        let heartbeat = {
            let (store, clock, id, host) = (
                self.store.clone(),
                self.clock.clone(),
                id.clone(),
                host.clone(),
            );
            tokio::spawn(async move {
                loop {
                    if let Err(error) = store
                        .worker_heartbeat(&id, "judge", &host, sandbox, clock() / 1000)
                        .await
                    {
                        tracing::warn!(error = %error, "announcing the worker failed");
                    }
                    tokio::time::sleep(Duration::from_secs(HEARTBEAT_SECONDS as u64)).await;
                }
            })
        };
        let listener = self.listen_url.clone().map(|url| {
            let wake = self.wake.clone();
            tokio::spawn(listen_for_jobs(url, wake))
        });
        loop {
            if *stop.borrow() {
                break;
            }
            match self.run_one().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => tracing::error!(error = %error, "judge worker pass failed"),
            }
            tokio::select! {
                _ = stop.changed() => {}
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(IDLE_POLL) => {}
            }
        }
        if let Some(listener) = listener {
            listener.abort();
        }
        heartbeat.abort();
        if let Err(error) = self.store.forget_worker(&id, self.now()).await {
            tracing::warn!(error = %error, "removing the worker's announcement failed");
        }
        tracing::info!("judge worker stopped");
    }

    /// Runs every due job, one after another; returns how many ran.
    pub async fn run_due(&self) -> Result<usize, WorkerError> {
        let mut ran = 0;
        while self.run_one().await? {
            ran += 1;
        }
        Ok(ran)
    }

    /// Claims and runs one due job; false when there was none. A job that fails is recorded for
    /// a later retry and does not stop the worker; only the queue itself failing is an error.
    pub async fn run_one(&self) -> Result<bool, WorkerError> {
        for kind in KINDS {
            let now = self.now();
            let mut claimed = self
                .store
                .claim_jobs(kind, now, self.lease_seconds, 1)
                .await?;
            if let Some(job) = claimed.pop() {
                self.run_claimed(job).await?;
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn run_claimed(&self, job: ClaimedJob) -> Result<(), WorkerError> {
        // A job's own failure is recorded on the job (for a retry later); only failing to record
        // it is this worker's error.
        let renewal = self.keep_leased(job.id);
        let outcome = match job.job {
            Job::VerifyProblem { problem_id } => self.verify_problem(&job, problem_id).await,
            Job::JudgeSubmission { submission_id } => {
                self.judge_submission(&job, submission_id).await
            }
            // Other kinds are never claimed by this worker.
            Job::IndexApplication { .. }
            | Job::CloseSession { .. }
            | Job::RemindInvitation { .. }
            | Job::CheckPlagiarism { .. } => Ok(()),
        };
        renewal.abort();
        if let Err(error) = &outcome {
            tracing::warn!(job.id = job.id, error = %error, "job failed; it will be retried");
            self.store
                .fail_job(job.id, job.attempts, &error.to_string(), self.now())
                .await?;
        }
        Ok(())
    }

    /// Renews the lease of `job_id` until the returned task is aborted.
    fn keep_leased(&self, job_id: i64) -> tokio::task::JoinHandle<()> {
        let (store, clock, lease) = (self.store.clone(), self.clock.clone(), self.lease_seconds);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(lease as u64 * 1000 / 3)).await;
                if let Err(error) = store.renew_job(job_id, clock() / 1000 + lease).await {
                    tracing::warn!(job.id = job_id, error = %error, "renewing a job's lease failed");
                }
            }
        })
    }

    async fn verify_problem(&self, job: &ClaimedJob, problem_id: i64) -> Result<(), WorkerError> {
        let record = match self.store.problem(problem_id).await {
            Ok(record) => record,
            // The problem is gone: nothing to verify.
            Err(StoreError::NotFound) => return self.complete(job).await,
            Err(other) => return Err(other.into()),
        };
        let root = match self.package(&record.package_blob).await {
            Ok(root) => root,
            // The package itself is broken or gone: refused, with the reason; no retry helps.
            Err(WorkerError::Package { message, .. }) => {
                let mut tx = self.store.begin().await?;
                let detail = format!("The package cannot be used: {message}");
                Store::set_problem_status(
                    &mut tx,
                    problem_id,
                    ProblemStatus::Refused,
                    &detail,
                    self.now(),
                )
                .await?;
                Store::complete_job(&mut tx, job).await?;
                Store::commit(tx).await?;
                return Ok(());
            }
            Err(other) => return Err(other),
        };
        let judge = self.judge.clone();
        let (status, detail) = tokio::task::spawn_blocking(move || match Problem::load(&root) {
            Ok(problem) => {
                let report = verify(&judge, &problem);
                let status = if report.ok {
                    ProblemStatus::Verified
                } else {
                    ProblemStatus::Refused
                };
                (status, describe(&report))
            }
            Err(error) => (ProblemStatus::Refused, error.to_string()),
        })
        .await
        .map_err(|e| WorkerError::Thread(e.to_string()))?;
        tracing::info!(
            problem.id = problem_id,
            status = status.as_str(),
            "problem verified"
        );
        let mut tx = self.store.begin().await?;
        Store::set_problem_status(&mut tx, problem_id, status, &detail, self.now()).await?;
        Store::complete_job(&mut tx, job).await?;
        Store::commit(tx).await?;
        Ok(())
    }

    async fn judge_submission(
        &self,
        job: &ClaimedJob,
        submission_id: i64,
    ) -> Result<(), WorkerError> {
        let submission = match self.store.submission(submission_id).await {
            Ok(submission) => submission,
            Err(StoreError::NotFound) => return self.complete(job).await,
            Err(other) => return Err(other.into()),
        };
        if self.store.submission_result(submission_id).await?.is_some() {
            // A run before this one recorded the result and then lost its lease.
            return self.complete(job).await;
        }
        let record = self.store.problem(submission.problem_id).await?;
        let loaded = self.loaded_problem(&record.package_blob).await?;
        let judge = self.judge.clone();
        let scope = submission.scope();
        let source = Submission {
            language: submission.language.clone(),
            file_name: String::new(),
            source: submission.code.clone().into_bytes(),
        };
        let report = tokio::task::spawn_blocking(move || {
            let problem = loaded?;
            let (problem, options) = match scope {
                // Every sample is run, so the candidate sees each one's result.
                Scope::Samples => (
                    Arc::new(problem.samples_only()),
                    JudgeOptions {
                        run_all: true,
                        keep_output: true,
                    },
                ),
                Scope::Full => (problem, JudgeOptions::default()),
            };
            let total = problem.data.all_cases().len() as i64;
            Ok::<_, String>((judge.judge(&problem, &source, &options), total))
        })
        .await
        .map_err(|e| WorkerError::Thread(e.to_string()))?;
        let judged_ms = (self.clock)();
        let result = match report {
            Ok((report, tests_total)) => ResultRecord {
                submission_id,
                verdict: report.verdict.code().to_owned(),
                score: report.score,
                max_score: report.max_score,
                tests_passed: report
                    .tests
                    .iter()
                    .filter(|t| t.verdict == Verdict::Accepted)
                    .count() as i64,
                tests_total,
                report: serde_json::to_string(&report).unwrap_or_else(|_| "{}".into()),
                judged_at: judged_ms / 1000,
                turnaround_ms: judged_ms - submission.created_ms,
            },
            // A package that no longer loads is the judge's problem, never the candidate's.
            Err(reason) => ResultRecord {
                submission_id,
                verdict: Verdict::JudgeError.code().to_owned(),
                score: 0.0,
                max_score: 0.0,
                tests_passed: 0,
                tests_total: 0,
                report: serde_json::json!({ "error": reason }).to_string(),
                judged_at: judged_ms / 1000,
                turnaround_ms: judged_ms - submission.created_ms,
            },
        };
        tracing::info!(
            submission.id = submission_id,
            verdict = %result.verdict,
            turnaround_ms = result.turnaround_ms,
            "submission judged"
        );
        // A judge error is the judge's or the package's fault: it never counts against the
        // candidate (scoring leaves it out), and the recruiters are told, with the result.
        let alerts = if result.verdict == Verdict::JudgeError.code() {
            self.judge_error_alerts(&record.name, submission_id, &result.report)
                .await?
        } else {
            Vec::new()
        };
        let mut tx = self.store.begin().await?;
        if Store::record_result(&mut tx, &result).await? {
            for alert in &alerts {
                Store::enqueue_message(&mut tx, alert, self.now()).await?;
            }
        }
        Store::complete_job(&mut tx, job).await?;
        Store::commit(tx).await?;
        Ok(())
    }

    /// One message per recruiter about a submission the judge could not judge.
    async fn judge_error_alerts(
        &self,
        problem: &str,
        submission_id: i64,
        report: &str,
    ) -> Result<Vec<NewMessage>, WorkerError> {
        let reason: String = serde_json::from_str::<serde_json::Value>(report)
            .ok()
            .and_then(|r| {
                r["error"].as_str().map(str::to_owned).or_else(|| {
                    r["tests"].as_array().and_then(|tests| {
                        tests
                            .iter()
                            .find_map(|t| t["feedback"].as_str().map(str::to_owned))
                    })
                })
            })
            .unwrap_or_default();
        Ok(self
            .store
            .recruiter_emails()
            .await?
            .into_iter()
            .map(|recipient| {
                JudgeErrorAlert {
                    problem,
                    submission_id,
                    reason: &reason,
                }
                .to(&recipient)
            })
            .collect())
    }

    async fn complete(&self, job: &ClaimedJob) -> Result<(), WorkerError> {
        let mut tx = self.store.begin().await?;
        Store::complete_job(&mut tx, job).await?;
        Store::commit(tx).await?;
        Ok(())
    }

    /// The package with content hash `blob`, read once per worker: a package never changes
    /// under its hash. A package that does not load is reported, not cached.
    ///
    /// The outer error is worth a retry (the disk or the blob store failed for a moment); the
    /// inner one is the package's own fault (missing, corrupt, or not a valid package), which no
    /// retry fixes.
    async fn loaded_problem(
        &self,
        blob: &str,
    ) -> Result<Result<Arc<Problem>, String>, WorkerError> {
        if let Some(problem) = self.loaded.lock().expect("not poisoned").get(blob) {
            return Ok(Ok(problem.clone()));
        }
        let root = match self.package(blob).await {
            Ok(root) => root,
            Err(WorkerError::Package { message, .. }) => return Ok(Err(message)),
            Err(other) => return Err(other),
        };
        let problem = match tokio::task::spawn_blocking(move || Problem::load(&root))
            .await
            .map_err(|e| WorkerError::Thread(e.to_string()))?
        {
            Ok(problem) => Arc::new(problem),
            Err(error) => return Ok(Err(error.to_string())),
        };
        self.loaded
            .lock()
            .expect("not poisoned")
            .insert(blob.to_owned(), problem.clone());
        Ok(Ok(problem))
    }

    /// The unpacked package with content hash `blob`, unpacking it on first use.
    async fn package(&self, blob: &str) -> Result<PathBuf, WorkerError> {
        let fail = |message: String| WorkerError::Package {
            blob: blob.to_owned(),
            message,
        };
        let id = BlobId::parse(blob).ok_or_else(|| fail("is not a blob id".into()))?;
        let root = self.packages.join(id.as_str());
        if root.join("problem.yaml").is_file() {
            return Ok(root);
        }
        let bytes = self.blobs.get(&id).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                fail("is missing from the blob store".into())
            } else {
                WorkerError::Io(format!("reading the package {blob}: {e}"))
            }
        })?;
        let target = root.clone();
        tokio::task::spawn_blocking(move || {
            match archive::unpack(&bytes, &target, ArchiveLimits::default()) {
                Ok(()) => Ok(()),
                // Another worker on this machine unpacked it meanwhile.
                Err(_) if target.join("problem.yaml").is_file() => Ok(()),
                Err(archive::ArchiveError::Io(error)) => {
                    Err(WorkerError::Io(format!("unpacking a package: {error}")))
                }
                Err(error) => Err(WorkerError::Package {
                    blob: String::new(),
                    message: error.to_string(),
                }),
            }
        })
        .await
        .map_err(|e| WorkerError::Thread(e.to_string()))??;
        Ok(root)
    }
}

/// How often a running worker announces itself; one not seen for three times this is gone.
pub const HEARTBEAT_SECONDS: i64 = 10;

/// How often an idle worker looks for due jobs without being woken: jobs queued on SQLite by
/// another process, retries coming due, and leases running out.
const IDLE_POLL: Duration = Duration::from_millis(500);

/// Wakes `wake` whenever a job is announced on PostgreSQL; reconnects after a lost connection.
async fn listen_for_jobs(url: String, wake: Arc<tokio::sync::Notify>) {
    loop {
        let Err(error) = listen_until_error(&url, &wake).await;
        tracing::warn!(error = %error, "listening for queued jobs failed; retrying");
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

async fn listen_until_error(
    url: &str,
    wake: &tokio::sync::Notify,
) -> Result<std::convert::Infallible, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(JOBS_CHANNEL).await?;
    loop {
        listener.recv().await?;
        wake.notify_one();
    }
}

/// A verification report as a person reads it: one line per submission, failures first.
fn describe(report: &VerifyReport) -> String {
    if report.submissions.is_empty() {
        return "The package has no submissions/ folder with solutions to check it against; add \
                at least one accepted solution."
            .into();
    }
    let mut lines: Vec<String> = report
        .submissions
        .iter()
        .map(|checked| {
            format!(
                "{} {}: {} (expected {}){}",
                if checked.ok { "ok  " } else { "FAIL" },
                checked.submission,
                checked.verdict.describe(),
                checked.expected,
                if checked.note.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", checked.note)
                }
            )
        })
        .collect();
    for validation in &report.input_validation {
        match (&validation.skipped, validation.problems.as_slice()) {
            (Some(why), _) => lines.push(format!(
                "note input validator {}: {why}",
                validation.validator
            )),
            (None, []) => {}
            (None, problems) => lines.push(format!(
                "FAIL input validator {}: {}",
                validation.validator,
                problems
                    .iter()
                    .take(5)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
    for skipped in &report.skipped {
        lines.push(format!("note {}: {}", skipped.submission, skipped.reason));
    }
    lines.sort_by_key(|line| !line.starts_with("FAIL"));
    lines.join("\n")
}
