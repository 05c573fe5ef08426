//! The online assessment: invitations, timed sessions, judging, plagiarism checks and the
//! advance rule, with the jobs that close sessions, remind candidates, judge and check
//! submissions.

pub mod advance;
pub mod judge_mail;
pub mod judging;
pub mod mail;
pub mod plagiarism;
pub mod scoring;

use crate::jobs::{self, Done, Job, JobError};
use crate::mail::{when_utc, Message};
use crate::App;
use cohort_store::applications::ApplicationRecord;
use cohort_store::assessment_sessions::{
    AssessmentInvitation, DraftRecord, SessionRefusal, SessionState,
};
use cohort_store::outbox::NewMessage;
use cohort_store::submissions::Scope;
use cohort_store::{Store, StoreError, Tx};
use serde::{Deserialize, Serialize};

/// Saves a track's assessment settings (its length, languages, pass mark, counting rule,
/// advance rule and problems), creating the assessment or replacing its settings; returns its
/// id.
pub async fn save_settings(
    app: &App,
    settings: &cohort_store::problems::AssessmentInput,
) -> Result<i64, StoreError> {
    let mut tx = app.store().begin().await?;
    let id = Store::save_assessment(&mut tx, settings, app.now()).await?;
    Store::commit(tx).await?;
    Ok(id)
}

/// How long before the deadline to start a candidate who has not started is reminded.
pub const REMIND_BEFORE_SECONDS: i64 = 24 * 3600;

/// Invites the application to its track's assessment, if it has one, in the caller's
/// transaction, with the reminder scheduled. Returns the invitation message for the candidate.
pub async fn invite(
    app: &App,
    tx: &mut Tx,
    record: &ApplicationRecord,
) -> Result<Option<NewMessage>, StoreError> {
    let now = app.now();
    let Some(invitation) = Store::invite_to_assessment(tx, record.id, now).await? else {
        return Ok(None);
    };
    schedule_reminder(tx, invitation.id, invitation.start_by, now).await?;
    Ok(Some(
        mail::AssessmentInvitation {
            name: &record.candidate_name,
            season: &record.season_name,
            duration_minutes: invitation.duration_minutes,
            start_by: &when_utc(invitation.start_by),
            link: &app
                .config()
                .link(&format!("/assessments/{}", invitation.id)),
        }
        .to(&record.candidate_email),
    ))
}

/// Queues the reminder a day before `start_by` (or at once, when less than a day is left).
pub async fn schedule_reminder(
    tx: &mut Tx,
    invitation_id: i64,
    start_by: i64,
    now: i64,
) -> Result<(), StoreError> {
    let remind_at = (start_by - REMIND_BEFORE_SECONDS).max(now);
    jobs::enqueue_at(tx, &RemindInvitation { invitation_id }, now, remind_at).await
}

/// Why an invitation was not extended.
#[derive(Debug, thiserror::Error)]
pub enum ExtendError {
    #[error("The candidate has already started this assessment; it cannot be extended.")]
    Started,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Gives a candidate who has not started `days` more days from now, and tells them.
pub async fn extend(
    app: &App,
    invitation: &AssessmentInvitation,
    application: &ApplicationRecord,
    days: i64,
) -> Result<(), ExtendError> {
    let (now, id) = (app.now(), invitation.id);
    let start_by = now + days * 86_400;
    let mut tx = app.store().begin().await?;
    if !Store::extend_invitation(&mut tx, id, start_by).await? {
        return Err(ExtendError::Started);
    }
    schedule_reminder(&mut tx, id, start_by, now).await?;
    let message = mail::AssessmentInvitation {
        name: &application.candidate_name,
        season: &application.season_name,
        duration_minutes: invitation.duration_minutes,
        start_by: &when_utc(start_by),
        link: &app.config().link(&format!("/assessments/{id}")),
    }
    .to(&application.candidate_email);
    Store::enqueue_message(&mut tx, &message, now).await?;
    Store::commit(tx).await?;
    app.wake_mail();
    Ok(())
}

/// Starts the session now if it has not started and may still start, with the job that closes
/// it when time is up. Returns whether this call started it.
pub async fn start_session(
    app: &App,
    invitation: &AssessmentInvitation,
) -> Result<bool, StoreError> {
    let now = app.now();
    let mut tx = app.store().begin().await?;
    let started = Store::start_session(&mut tx, invitation, now).await?;
    if let Some(ends_at) = started {
        // Due when time is up, not before.
        let close = CloseSession {
            invitation_id: invitation.id,
        };
        jobs::enqueue_at(&mut tx, &close, now, ends_at).await?;
    }
    Store::commit(tx).await?;
    Ok(started.is_some())
}

/// Queues the judging of submissions a session made, and for full ones the plagiarism check:
/// every full submission of a session is compared with the others of its problem.
async fn queue_checks(
    tx: &mut Tx,
    submissions: &[(i64, Scope)],
    now: i64,
) -> Result<(), StoreError> {
    for (submission_id, scope) in submissions {
        judging::queue(tx, *submission_id, now).await?;
        if *scope == Scope::Full {
            let check = plagiarism::CheckPlagiarism {
                submission_id: *submission_id,
            };
            jobs::enqueue(tx, &check, now).await?;
        }
    }
    Ok(())
}

/// Saves the draft and submits it (samples or full) in one transaction with its judging, if the
/// session runs and `tab` holds it.
pub async fn submit_in_session(
    app: &App,
    invitation_id: i64,
    tab: &str,
    draft: &DraftRecord,
    scope: Scope,
    author_id: i64,
) -> Result<Result<i64, SessionRefusal>, StoreError> {
    let now_ms = app.now_ms();
    let mut tx = app.store().begin().await?;
    let submitted =
        Store::submit_in_session(&mut tx, invitation_id, tab, draft, scope, author_id, now_ms)
            .await?;
    let Ok(id) = submitted else {
        return Ok(submitted);
    };
    queue_checks(&mut tx, &[(id, scope)], now_ms / 1000).await?;
    Store::commit(tx).await?;
    app.wake_jobs();
    Ok(Ok(id))
}

/// Ends a running session now, at the candidate's request, as time running out would. Returns
/// whether it was running.
pub async fn finish_now(app: &App, invitation_id: i64) -> Result<bool, StoreError> {
    let now_ms = app.now_ms();
    let mut tx = app.store().begin().await?;
    let Some(submitted) = Store::finish_session_now(&mut tx, invitation_id, now_ms).await? else {
        return Ok(false);
    };
    let full: Vec<(i64, Scope)> = submitted.into_iter().map(|id| (id, Scope::Full)).collect();
    queue_checks(&mut tx, &full, now_ms / 1000).await?;
    Store::commit(tx).await?;
    app.wake_jobs();
    Ok(true)
}

/// Closes an assessment session whose time is up, submitting the unsubmitted drafts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseSession {
    pub invitation_id: i64,
}

impl Job for CloseSession {
    const KIND: &'static str = "close_session";
    type Context = App;

    fn key(&self) -> String {
        format!("close_session:{}", self.invitation_id)
    }

    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        let now_ms = app.now_ms();
        let mut tx = app.store().begin().await?;
        let submitted = Store::close_session(&mut tx, self.invitation_id, now_ms).await?;
        let full: Vec<(i64, Scope)> = submitted.into_iter().map(|id| (id, Scope::Full)).collect();
        queue_checks(&mut tx, &full, now_ms / 1000).await?;
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        if !full.is_empty() {
            app.wake_jobs();
        }
        Ok(())
    }
}

/// Reminds a candidate who has not started their assessment, a day before the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindInvitation {
    pub invitation_id: i64,
}

impl Job for RemindInvitation {
    const KIND: &'static str = "remind_invitation";
    type Context = App;

    fn key(&self) -> String {
        format!("remind_invitation:{}", self.invitation_id)
    }

    /// The message is queued in the transaction that completes the job.
    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        let id = self.invitation_id;
        // Read before the transaction: on SQLite it holds the one write connection.
        let mut message = None;
        if let Ok(invitation) = app.store().assessment_invitation(id).await {
            if invitation.state(app.now()) == SessionState::NotStarted {
                let application = app.store().application(invitation.application_id).await?;
                message = Some(
                    mail::AssessmentReminder {
                        name: &application.candidate_name,
                        season: &application.season_name,
                        start_by: &when_utc(invitation.start_by),
                        link: &app.config().link(&format!("/assessments/{id}")),
                    }
                    .to(&application.candidate_email),
                );
            }
        }
        let mut tx = app.store().begin().await?;
        if let Some(message) = &message {
            Store::enqueue_message(&mut tx, message, app.now()).await?;
        }
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        if message.is_some() {
            app.wake_mail();
        }
        Ok(())
    }
}
