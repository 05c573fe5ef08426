//! The worker that runs background jobs queued by requests (see `cohort_store::jobs`).
//!
//! Search indexing: an application is committed with a job to index it, and this worker indexes
//! whatever has queued up since its last pass in one transaction. Under load the batches grow,
//! which is what keeps indexing ahead of submissions. Closing assessment sessions whose time is
//! up, which submits the code each candidate last saved. Reminding candidates who have not
//! started their assessment a day before the deadline. Plagiarism checks of full submissions. And
//! each finished assessment's advance rule. Judging is not here: it needs the
//! sandbox, and runs in judge workers (`cohort-worker`).

use crate::mail::applications::StageChanged;
use crate::mail::assessments::AssessmentReminder;
use crate::mail::Message;
use crate::state::GATHER;
use crate::AppState;
use cohort_store::Store;
use std::time::Duration;

/// Applications indexed per transaction at most.
const INDEX_BATCH: i64 = 200;
/// Assessment sessions closed per pass at most (each in its own transaction).
const SESSION_BATCH: i64 = 50;

/// Runs every due job, then returns how many ran. Tests call this to run queued jobs on demand.
pub async fn run_due(state: &AppState) -> anyhow::Result<usize> {
    let mut ran = 0;
    loop {
        let pass = index_due(state).await? + run_assessment_jobs(state).await?;
        if pass == 0 {
            return Ok(ran);
        }
        ran += pass;
    }
}

/// Indexes every queued application; returns how many.
async fn index_due(state: &AppState) -> anyhow::Result<usize> {
    let mut indexed = 0;
    loop {
        let batch = state
            .store()
            .index_queued_applications(state.now(), INDEX_BATCH)
            .await?;
        if batch == 0 {
            return Ok(indexed);
        }
        indexed += batch;
    }
}

/// One pass over the assessment's jobs; returns how many ran.
async fn run_assessment_jobs(state: &AppState) -> anyhow::Result<usize> {
    let closed = state
        .store()
        .close_due_sessions(state.now_ms(), SESSION_BATCH)
        .await?;
    let reminded = send_due_reminders(state).await?;
    let checked = crate::plagiarism::check_due(state).await?;
    let decided = apply_advance_rules(state).await?;
    Ok(closed + reminded + checked + decided)
}

/// The assessment's jobs are looked for at most this often while requests keep waking the
/// worker: a burst of applications wakes it for each one, and each look costs several queries
/// on the one SQLite writer that the applications need too.
const ASSESSMENT_PASS_EVERY: Duration = Duration::from_secs(1);

/// Reminds each candidate whose reminder is due and who has not started, with the message queued
/// in the transaction that completes the job. Returns how many jobs ran.
async fn send_due_reminders(state: &AppState) -> anyhow::Result<usize> {
    let due = state.store().due_reminders(state.now(), 50).await?;
    for (job, invitation_id) in &due {
        // One reminder failing does not hold up the others; it is retried later.
        if let Err(error) = send_reminder(state, job, *invitation_id).await {
            tracing::warn!(
                invitation.id = invitation_id,
                error = format!("{error:#}"),
                "reminder failed"
            );
            state
                .store()
                .fail_job(job.id, job.attempts, &format!("{error:#}"), state.now())
                .await?;
        }
    }
    if !due.is_empty() {
        state.wake_mail();
    }
    Ok(due.len())
}

/// One reminder, queued in the transaction that completes its job.
async fn send_reminder(
    state: &AppState,
    job: &cohort_store::jobs::ClaimedJob,
    invitation_id: i64,
) -> anyhow::Result<()> {
    use cohort_store::assessment_sessions::SessionState;
    // Read before the transaction: on SQLite it holds the one write connection.
    let mut message = None;
    if let Ok(invitation) = state.store().assessment_invitation(invitation_id).await {
        if invitation.state(state.now()) == SessionState::NotStarted {
            let application = state.store().application(invitation.application_id).await?;
            message = Some(
                AssessmentReminder {
                    name: &application.candidate_name,
                    season: &application.season_name,
                    start_by: &crate::pages::when_utc(invitation.start_by),
                    link: &format!("{}/assessments/{invitation_id}", state.config().base_url),
                }
                .to(&application.candidate_email),
            );
        }
    }
    let mut tx = state.store().begin().await?;
    if let Some(message) = &message {
        Store::enqueue_message(&mut tx, message, state.now()).await?;
    }
    Store::complete_job(&mut tx, job).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Runs until `stop` turns true: woken at once by this process's requests (which index at once),
/// and every second for the assessment's jobs, jobs queued by other nodes, and retries.
pub async fn run_job_worker(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut last_assessment_pass: Option<std::time::Instant> = None;
    loop {
        let assessment_due =
            last_assessment_pass.is_none_or(|at| at.elapsed() >= ASSESSMENT_PASS_EVERY);
        let pass = async {
            let mut ran = index_due(&state).await?;
            if assessment_due {
                last_assessment_pass = Some(std::time::Instant::now());
                // Jobs that queue more jobs (a closed session's submissions) run to the end.
                loop {
                    let more = run_assessment_jobs(&state).await?;
                    ran += more;
                    if more == 0 {
                        break;
                    }
                }
            }
            Ok::<usize, anyhow::Error>(ran)
        }
        .await;
        match pass {
            Ok(0) => {}
            Ok(ran) => tracing::debug!(jobs = ran, "background jobs ran"),
            Err(error) => {
                tracing::error!(error = format!("{error:#}"), "background job pass failed")
            }
        }
        tokio::select! {
            _ = stop.changed() => break,
            _ = state.job_waker().notified() => {
                // Let a burst gather before the next pass; see [`GATHER`].
                tokio::time::sleep(GATHER).await;
            }
            _ = tokio::time::sleep(ASSESSMENT_PASS_EVERY) => {}
        }
        if *stop.borrow() {
            break;
        }
    }
}

/// Applies each finished, fully judged session's advance rule: a passing candidate of an
/// assessment that advances automatically moves to Phone screen; anyone else waits for a
/// recruiter. Nothing is ever rejected here, and plagiarism flags play no part. Returns how many
/// sessions were decided.
async fn apply_advance_rules(state: &AppState) -> anyhow::Result<usize> {
    use cohort_domain::stage::{check_transition, Actor};
    use cohort_domain::Stage;
    let mut decided = 0;
    for invitation in state.store().undecided_sessions(50).await? {
        let result = crate::routes::results::result_of(state, &invitation).await?;
        // Still judging: decide when every submission has its result.
        let Some(passed) = result.passed else {
            continue;
        };
        let advance = passed
            && invitation.advance == "automatic"
            && check_transition(
                Stage::Assessment,
                Stage::PhoneScreen,
                Actor::AssessmentRule,
                None,
            )
            .is_ok();
        let application = state.store().application(invitation.application_id).await?;
        let reason = format!(
            "Passed the online assessment: {} of {} points (passing: {} %)",
            result.earned, result.possible, invitation.passing_percent
        );
        let message = StageChanged {
            name: &application.candidate_name,
            season: &application.season_name,
            stage: Stage::PhoneScreen,
            status_link: &format!("{}/me", state.config().base_url),
        }
        .to(&application.candidate_email);
        let mut tx = state.store().begin().await?;
        let outcome = advance.then_some((reason.as_str(), &message));
        let percent = if result.possible > 0 {
            100.0 * result.total / result.possible as f64
        } else {
            0.0
        };
        if Store::decide_session(&mut tx, &invitation, percent, outcome, state.now()).await? {
            decided += 1;
        }
        Store::commit(tx).await?;
        if advance {
            state.forget_stage_counts();
            state.wake_mail();
            tracing::info!(
                application.id = application.id,
                "passed the assessment; moved to phone screen"
            );
        }
    }
    Ok(decided)
}
