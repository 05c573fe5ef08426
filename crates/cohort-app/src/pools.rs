//! The worker pools: which kinds of job each runs, in the order it looks for them. Adding a kind
//! of job is its file in its capability and one line here.
//!
//! - Indexing runs in every web process that runs workers, woken by its own requests.
//! - The timed jobs (the assessment's and the interviews' reminders) run there too, looked for
//!   every second: they are due at a time (a session's end, a reminder), not at a request.
//! - Judging runs in judge workers (`cohort-worker`), in the server process or on other
//!   machines, with the sandbox.

use crate::applications::IndexApplication;
use crate::assessment::judging::JudgeSubmission;
use crate::assessment::{advance, plagiarism::CheckPlagiarism, CloseSession, RemindInvitation};
use crate::interviews::feedback_reminders::RemindFeedback;
use crate::interviews::pad_runs::RunPadCode;
use crate::interviews::plans::PlanWeek;
use crate::interviews::reminders::RemindInterview;
use crate::interviews::shadows::CountShadowSeat;
use crate::interviews::subscriptions::RefreshCalendar;
use crate::jobs::{repeat_until_stopped, Pace, Registry, Runner, Shutdown, GATHER};
use crate::judge::JudgeContext;
use crate::offers::ExpireOffer;
use crate::onboarding::RemindTask;
use crate::problems::VerifyProblem;
use crate::App;
use std::sync::Arc;
use std::time::Duration;

/// Search indexing.
pub fn indexing() -> Registry<App> {
    Registry::default().with::<IndexApplication>()
}

/// The timed jobs: the assessment's (a session's end, a reminder, a plagiarism check) and the
/// interviews' (reminders of interviews and of feedback, reading subscribed calendars, and planning a week of loops, which
/// runs the engine on a blocking thread for the plan's time limit, and counting a shadow's seat
/// once its interview is over), the offers' (an offer expiring at its deadline) and onboarding's (an overdue task's reminder).
pub fn timed() -> Registry<App> {
    Registry::default()
        .with::<CloseSession>()
        .with::<RemindInvitation>()
        .with::<CheckPlagiarism>()
        .with::<RemindInterview>()
        .with::<RemindFeedback>()
        .with::<RefreshCalendar>()
        .with::<PlanWeek>()
        .with::<CountShadowSeat>()
        .with::<ExpireOffer>()
        .with::<RemindTask>()
}

/// Judging: a live coding pad's runs first, as an interview is waiting on each; then
/// submissions, as a candidate is waiting for each; a recruiter can wait for a verification.
/// A worker looks again from the top after every job, so a pad's run waits at most for the job
/// in progress.
pub fn judging() -> Registry<JudgeContext> {
    Registry::default()
        .with::<RunPadCode>()
        .with::<JudgeSubmission>()
        .with::<VerifyProblem>()
}

/// Runs every due job of the web process's pools, and the advance rule, until nothing is left;
/// returns how many jobs ran and sessions were decided. Tests call this to run queued work on
/// demand.
pub async fn run_background_due(app: &App) -> Result<usize, cohort_store::StoreError> {
    let context = Arc::new(app.clone());
    let indexing = Runner::new(context.clone(), indexing());
    let timed = Runner::new(context, timed());
    let mut ran = 0;
    loop {
        let pass = indexing.run_due().await?
            + timed.run_due().await?
            + advance::decide_finished_sessions(app).await?;
        if pass == 0 {
            return Ok(ran);
        }
        ran += pass;
    }
}

/// Runs the web process's pools until `shutdown`: indexing woken by this process's requests
/// (and every second for other nodes' and retries), the timed jobs and the advance rule every
/// second.
pub async fn run_background(app: App, shutdown: Shutdown) {
    let context = Arc::new(app.clone());
    let indexing = Runner::new(context.clone(), indexing());
    let timed = Runner::new(context, timed());
    let every_second = Duration::from_secs(1);
    let index_loop = repeat_until_stopped(
        "indexing",
        shutdown.clone(),
        Some(app.job_waker()),
        Pace {
            poll: every_second,
            gather: GATHER,
        },
        || async { indexing.run_due().await.map(|_| false) },
    );
    let timed_loop = repeat_until_stopped(
        "timed",
        shutdown,
        None,
        Pace {
            poll: every_second,
            gather: Duration::ZERO,
        },
        || async {
            timed.run_due().await?;
            advance::decide_finished_sessions(&app).await.map(|_| false)
        },
    );
    tokio::join!(index_loop, timed_loop);
}
