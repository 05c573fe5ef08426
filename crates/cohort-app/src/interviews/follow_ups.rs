//! Follow-up interviews: a debrief that decides "more information needed" sends the candidate
//! back to Final loop, and a recruiter books one more interview of the loop here, with the
//! principles the panel lacks evidence on and a brief for the interviewer. Its scorecard asks
//! about exactly those; once its feedback is in, the debrief opens again in its next round.
//!
//! Booking follows the plans' rules: the application and the interviewer are locked before
//! anything is read that decides, a clash with another booking is refused, and the invitations
//! are queued in the same transaction as the interview.

use super::debriefs::{is_decider, DebriefView};
use super::invites::{self, Party};
use super::links::SCHEDULE_PATH;
use super::mail::{self as texts, span_in};
use super::{at, kinds::FINAL_LOOP};
use crate::mail::Message;
use crate::App;
use chrono_tz::Tz;
use cohort_domain::interviews::debrief::Decision;
use cohort_domain::interviews::follow_up::FollowUpForm;
use cohort_domain::interviews::itip::Method;
use cohort_domain::{FieldErrors, Stage};
use cohort_store::accounts::Account;
use cohort_store::applications::ApplicationRecord;
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::interviews::debriefs::DebriefRecord;
use cohort_store::interviews::follow_ups::NewFollowUp;
use cohort_store::interviews::plans::NewLoopInterview;
use cohort_store::{Store, StoreError};

/// The focus a follow-up interview is published with, which no seat of a template has.
pub const FOLLOW_UP_FOCUS: &str = "Follow-up";

/// Why a follow-up interview was not booked; the messages are shown to the recruiter.
#[derive(Debug, thiserror::Error)]
pub enum FollowUpError {
    #[error("not found")]
    NotFound,
    #[error("Only recruiters, hiring managers and administrators book follow-up interviews.")]
    Forbidden,
    #[error("A follow-up interview is booked after the debrief decides that more information is needed, while the candidate is in Final loop.")]
    NotAsked,
    #[error("Some fields need attention.")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether an application waits for follow-up interviews: in Final loop, with its debrief's
/// latest decision "more information".
pub fn awaits_follow_up(application: &ApplicationRecord, record: Option<&DebriefRecord>) -> bool {
    application.stage() == Stage::FinalLoop
        && record.is_some_and(|r| {
            r.decisions
                .last()
                .is_some_and(|d| d.decision == Decision::MoreInformation)
        })
}

/// Whether `account` may book (or call off) a follow-up on the debrief `view` shows.
pub fn may_book(account: &Account, view: &DebriefView) -> bool {
    is_decider(account) && awaits_follow_up(&view.application, view.record.as_ref())
}

/// Books a follow-up interview of `application_id` as `form` asks. Returns the interview's id.
/// Asking twice for the same interviewer in one round (a double click, a second tab) books one.
pub async fn book(
    app: &App,
    account: &Account,
    application_id: i64,
    form: &FollowUpForm,
) -> Result<i64, FollowUpError> {
    let application = match app.store().application(application_id).await {
        Ok(application) => application,
        Err(StoreError::NotFound) => return Err(FollowUpError::NotFound),
        Err(other) => return Err(other.into()),
    };
    if !is_decider(account) {
        return Err(FollowUpError::Forbidden);
    }
    let record = app.store().debrief(application_id).await?;
    let round = match &record {
        Some(record) if awaits_follow_up(&application, Some(record)) => record.round,
        _ => return Err(FollowUpError::NotAsked),
    };
    let competencies = app.store().competency_rules().await?;
    let follow_up = form.parse(&competencies).map_err(FollowUpError::Invalid)?;
    let interviewer = app
        .store()
        .interviewer(follow_up.interviewer_id)
        .await?
        .ok_or_else(|| {
            let mut errors = FieldErrors::new();
            errors.add("interviewer", "Choose an interviewer from the list.");
            FollowUpError::Invalid(errors)
        })?;
    let earliest = app.now() + app.config().booking.cutoff.num_seconds();
    if follow_up.starts_at < earliest {
        let mut errors = FieldErrors::new();
        errors.add(
            "starts_at",
            format!(
                "Start no sooner than {} UTC: interviewers and the candidate need notice.",
                at(earliest).format("%a %-d %b %Y %H:%M")
            ),
        );
        return Err(FollowUpError::Invalid(errors));
    }
    // The interviewer's calendar and time given up are read before the transaction: they are
    // advisory (a calendar refreshes on its own schedule); bookings are checked again inside.
    let (_, busy) = app
        .store()
        .occupied_between(follow_up.starts_at, follow_up.ends_at)
        .await?;
    if busy.iter().any(|b| b.user_id == interviewer.user_id) {
        return Err(FollowUpError::Refused(format!(
            "{}'s calendar is busy at that time: choose another time or interviewer.",
            interviewer.name
        )));
    }
    let zone = interviewer
        .profile
        .as_ref()
        .map_or(Tz::UTC, |p| p.time_zone);
    let mut tx = app.store().begin().await?;
    let stage = Store::lock_application(&mut tx, application_id).await?;
    Store::lock_interviewer(&mut tx, interviewer.user_id).await?;
    if stage != Stage::FinalLoop.as_str() {
        return Err(FollowUpError::NotAsked);
    }
    let current = Store::booked_interviews_of_application_in(&mut tx, application_id).await?;
    let follow_ups = Store::follow_ups_in(&mut tx, application_id).await?;
    let already = current.iter().any(|i| {
        i.interviewer_id == Some(interviewer.user_id)
            && follow_ups
                .iter()
                .any(|f| f.interview_id == i.id && f.debrief_round == round)
    });
    if already {
        return Err(FollowUpError::Refused(format!(
            "{} already has a follow-up interview with this candidate for this debrief.",
            interviewer.name
        )));
    }
    if current
        .iter()
        .any(|i| i.starts_at < follow_up.ends_at && i.ends_at > follow_up.starts_at)
    {
        return Err(FollowUpError::Refused(
            "The candidate has another interview at that time: choose another time.".to_owned(),
        ));
    }
    let clash = Store::booked_for_interviewer(
        &mut tx,
        interviewer.user_id,
        follow_up.starts_at,
        follow_up.ends_at,
        0,
    )
    .await?;
    if !clash.is_empty() {
        return Err(FollowUpError::Refused(format!(
            "{} has another interview at that time: choose another time or interviewer.",
            interviewer.name
        )));
    }
    let candidate_zone = current
        .iter()
        .find(|i| i.kind == FINAL_LOOP)
        .map_or_else(|| "UTC".to_owned(), |i| i.candidate_time_zone.clone());
    let next = Store::next_loop_round_in(&mut tx, application_id).await?;
    let id = Store::insert_loop_interview(
        &mut tx,
        &NewLoopInterview {
            plan_id: None,
            application_id,
            round: next,
            interviewer_id: interviewer.user_id,
            shadow_id: None,
            starts_at: follow_up.starts_at,
            ends_at: follow_up.ends_at,
            candidate_time_zone: &candidate_zone,
            focus: FOLLOW_UP_FOCUS,
        },
        app.now(),
    )
    .await?;
    Store::insert_follow_up(
        &mut tx,
        &NewFollowUp {
            interview_id: id,
            area_id: follow_up.area,
            principles: &follow_up.principles,
            brief: &follow_up.brief,
            debrief_round: round,
            requested_by: account.user.id,
        },
        app.now(),
    )
    .await?;
    let record = Store::interview_in(&mut tx, id)
        .await?
        .ok_or(FollowUpError::NotFound)?;
    super::reminders::schedule(&mut tx, &record, app.now()).await?;
    let due_after = super::feedback::due_after(app);
    super::feedback_reminders::schedule(&mut tx, &record, due_after, app.now()).await?;
    let messages = [
        interviewer_invitation(app, &record, zone),
        candidate_invitation(app, &record),
    ];
    Store::enqueue_messages(&mut tx, &messages, app.now()).await?;
    Store::commit(tx).await?;
    app.wake_mail();
    tracing::info!(
        application.id = application_id,
        interview.id = id,
        debrief.round = round,
        "follow-up interview booked"
    );
    Ok(id)
}

fn interviewer_invitation(
    app: &App,
    interview: &InterviewRecord,
    zone: Tz,
) -> cohort_store::outbox::NewMessage {
    texts::LoopInterviewAssigned {
        name: interview.interviewer_name.as_deref().unwrap_or_default(),
        candidate: &interview.candidate_name,
        track: interview.track_name.as_deref().unwrap_or("Internship"),
        round: interview.round,
        shadow: false,
        when: &span_in(zone, at(interview.starts_at), at(interview.ends_at)),
        schedule_link: &app.config().link(SCHEDULE_PATH),
        calendar: invites::calendar(app, interview, Method::Request, Party::Interviewer),
    }
    .to(interview.interviewer_email.as_deref().unwrap_or_default())
}

/// The candidate hears that one more interview is booked, never why.
fn candidate_invitation(
    app: &App,
    interview: &InterviewRecord,
) -> cohort_store::outbox::NewMessage {
    let zone: Tz = interview.candidate_time_zone.parse().unwrap_or(Tz::UTC);
    texts::FollowUpScheduled {
        name: &interview.candidate_name,
        season: &interview.season_name,
        when: &span_in(zone, at(interview.starts_at), at(interview.ends_at)),
        status_link: &app.config().link("/me"),
        calendar: invites::calendar(app, interview, Method::Request, Party::Candidate),
    }
    .to(&interview.candidate_email)
}

/// Calls off the follow-up interview `interview_id` of `application_id` before it starts: both
/// people get a cancellation of the invitation they had, the candidate without a reason. Sent
/// twice, it is called off once ([`FollowUpError::Refused`] for the second).
pub async fn call_off(
    app: &App,
    account: &Account,
    application_id: i64,
    interview_id: i64,
) -> Result<(), FollowUpError> {
    if !is_decider(account) {
        return Err(FollowUpError::Forbidden);
    }
    let interview = app
        .store()
        .interview(interview_id)
        .await?
        .filter(|i| i.application_id == application_id)
        .ok_or(FollowUpError::NotFound)?;
    if app.store().follow_up(interview_id).await?.is_none() {
        return Err(FollowUpError::NotFound);
    }
    if !interview.is_booked() {
        return Err(FollowUpError::Refused(
            "This follow-up interview is called off already.".to_owned(),
        ));
    }
    if interview.starts_at <= app.now() {
        return Err(FollowUpError::Refused(
            "This follow-up interview has started: it can no longer be called off.".to_owned(),
        ));
    }
    let zone = super::phone_screens::zone_of(app, interview.interviewer_id).await?;
    let messages = super::phone_screens::cancellations(
        app,
        &interview,
        (
            "We have called off your additional interview; we will be in touch about what comes next.",
            "The follow-up interview was called off from the debrief.",
        ),
        false,
        zone,
    );
    let mut tx = app.store().begin().await?;
    Store::lock_application(&mut tx, application_id).await?;
    Store::cancel_interview(&mut tx, interview.id, interview.sequence, app.now())
        .await
        .map_err(|error| match error {
            StoreError::Stale | StoreError::NotFound => FollowUpError::Refused(
                "This follow-up interview changed meanwhile: reload the page.".to_owned(),
            ),
            other => other.into(),
        })?;
    Store::enqueue_messages(&mut tx, &messages, app.now()).await?;
    Store::commit(tx).await?;
    app.wake_mail();
    Ok(())
}
