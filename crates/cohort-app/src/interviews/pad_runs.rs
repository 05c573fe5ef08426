//! "Run" in the live coding pad: the interviewer runs the pad's code, as the store holds it, in
//! the sandbox with the input they typed; both people see what it printed, its time and memory.
//!
//! A run is a row and a [`RunPadCode`] job queued in one transaction. Judge workers look for
//! these jobs before any other kind (see [`crate::pools::judging`]): someone is waiting on the
//! call. At most one run of a pad is queued at a time (a unique index), so a second click while
//! one runs is refused rather than queued behind it.

use super::pads::{self, PadError, PadTicket};
use crate::jobs::{self, Done, Job, JobError};
use crate::judge::{JudgeContext, JudgeError};
use crate::App;
use cohort_domain::interviews::pad::PadRole;
use cohort_judge::language::LanguageTable;
use cohort_judge::scratch::{ScratchRun, MAX_INPUT_BYTES};
use cohort_store::interviews::pads::{NewPadRun, PadRunRecord};
use cohort_store::{Store, StoreError};
use serde::{Deserialize, Serialize};

/// How many of a pad's runs its page shows.
pub const RUNS_SHOWN: i64 = 10;

/// A queued run that no judge has finished after this long is given up (recorded as not run),
/// so that a run lost with its worker never blocks the pad's Run button.
pub const RUN_GIVEN_UP_AFTER_MS: i64 = 120_000;

/// Why a run was not queued.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("Only the interviewer runs the pad's code.")]
    NotTheInterviewer,
    #[error("The pad is read-only now.")]
    ReadOnly,
    #[error("The pad is empty: there is no code to run.")]
    Empty,
    #[error("The input is {0} bytes; a run takes at most 65,536.")]
    InputTooLong(usize),
    #[error("The pad's language ({0}) is not one the judge knows.")]
    UnknownLanguage(String),
    #[error("A run of this pad is still going; wait for its output.")]
    Busy,
    #[error(transparent)]
    Pad(#[from] PadError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for RunError {
    fn from(error: StoreError) -> RunError {
        match error {
            StoreError::Conflict { .. } => RunError::Busy,
            other => RunError::Store(other),
        }
    }
}

/// Queues a run of the pad's code with `input`; returns the run's id.
pub async fn request(app: &App, ticket: &PadTicket, input: &str) -> Result<i64, RunError> {
    if ticket.role != PadRole::Interviewer {
        return Err(RunError::NotTheInterviewer);
    }
    if !ticket.may_edit() {
        return Err(RunError::ReadOnly);
    }
    let input = input.replace("\r\n", "\n");
    if input.len() > MAX_INPUT_BYTES {
        return Err(RunError::InputTooLong(input.len()));
    }
    let document = pads::document(app, ticket.interview.id).await?;
    if document.code.trim().is_empty() {
        return Err(RunError::Empty);
    }
    if LanguageTable::builtin().by_id(&document.language).is_err() {
        return Err(RunError::UnknownLanguage(document.language));
    }
    let mut tx = app.store().begin().await?;
    let given_up = ScratchRun::unavailable(
        "no judge finished the run within two minutes; run it again".into(),
    );
    Store::give_up_pad_runs(
        &mut tx,
        ticket.interview.id,
        app.now_ms() - RUN_GIVEN_UP_AFTER_MS,
        &serde_json::to_string(&given_up).unwrap_or_else(|_| "{}".into()),
        app.now_ms(),
    )
    .await?;
    let id = Store::queue_pad_run(
        &mut tx,
        &NewPadRun {
            interview_id: ticket.interview.id,
            requested_by: ticket.user_id,
            language: &document.language,
            code: &document.code,
            input: &input,
        },
        app.now_ms(),
    )
    .await?;
    jobs::enqueue(&mut tx, &RunPadCode { run_id: id }, app.now()).await?;
    Store::commit(tx).await?;
    app.wake_jobs();
    Ok(id)
}

/// A run as both people's pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunView {
    pub id: i64,
    pub language: String,
    pub input: String,
    pub done: bool,
    pub created_at_ms: i64,
    /// The judge's account, once done.
    pub result: Option<ScratchRun>,
}

impl From<PadRunRecord> for RunView {
    fn from(record: PadRunRecord) -> RunView {
        RunView {
            done: record.is_done(),
            result: record
                .result
                .as_deref()
                .and_then(|json| serde_json::from_str(json).ok()),
            id: record.id,
            language: record.language,
            input: record.input,
            created_at_ms: record.created_at_ms,
        }
    }
}

/// The pad's newest runs, newest first, for either of its people.
pub async fn recent(app: &App, ticket: &PadTicket) -> Result<Vec<RunView>, RunError> {
    Ok(app
        .store()
        .pad_runs(ticket.interview.id, RUNS_SHOWN)
        .await?
        .into_iter()
        .map(RunView::from)
        .collect())
}

/// Runs a queued run in the sandbox and records what it did. Recording twice records once, so a
/// job run twice is harmless.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPadCode {
    pub run_id: i64,
}

impl Job for RunPadCode {
    const KIND: &'static str = "run_pad_code";
    const BATCH: i64 = 1;
    type Context = JudgeContext;

    fn key(&self) -> String {
        format!("run_pad_code:{}", self.run_id)
    }

    async fn run(&self, context: &JudgeContext, done: &Done) -> Result<(), JobError> {
        let app = crate::jobs::Context::app(context);
        let Some(run) = app.store().pad_run(self.run_id).await? else {
            return Ok(());
        };
        if run.is_done() {
            return Ok(());
        }
        let judge = context.judge().clone();
        let (language, code, input) = (run.language.clone(), run.code.clone(), run.input.clone());
        // A judge thread that fails is the judge's problem: the run is recorded as not run, so
        // the pad's Run button is free again, rather than retried for an hour.
        let outcome = tokio::task::spawn_blocking(move || {
            judge.run_scratch(&language, &code, input.as_bytes())
        })
        .await
        .unwrap_or_else(|error| {
            ScratchRun::unavailable(format!(
                "the judge failed: {}",
                JudgeError::Thread(error.to_string())
            ))
        });
        tracing::info!(
            run.id = self.run_id,
            interview.id = run.interview_id,
            time_ms = outcome.time_ms,
            "pad code ran"
        );
        let json = serde_json::to_string(&outcome).unwrap_or_else(|_| "{}".into());
        let mut tx = app.store().begin().await?;
        Store::finish_pad_run(&mut tx, self.run_id, &json, app.now_ms()).await?;
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        Ok(())
    }
}
