//! Interview feedback: an interviewer's scorecard for one interview (drafts saved as they type,
//! submission, dated amendments), a shadow's practice feedback, a candidate's feedback as a
//! viewer may read it, and the list of feedback that is late.
//!
//! Every read of someone else's feedback goes through [`candidate_feedback`], which applies the
//! domain's blind rule (`feedback::may_read`) to each scorecard; pages and the API show only what
//! it returns.

use super::kinds::FINAL_LOOP;
use crate::App;
use cohort_domain::input::Text;
use cohort_domain::interviews::feedback::{self, Authorship, CardFacts, Shape, Viewer, MAX_NOTES};
use cohort_domain::interviews::planning::BAR_RAISER;
use cohort_domain::interviews::TemplateInterview;
use cohort_domain::stage::{check_transition, Actor};
use cohort_domain::{FieldErrors, Role, Stage};
use cohort_store::accounts::Account;
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::interviews::scorecards::{DraftWrite, OverdueFeedback, ScorecardRecord};
use cohort_store::{Store, StoreError, Tx};
use std::collections::{BTreeMap, HashMap};

/// Why feedback was not saved or shown.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// No such interview, or it is not the person's to write about (or read).
    #[error("not found")]
    NotFound,
    #[error("This interview was cancelled, so it takes no feedback.")]
    Cancelled,
    #[error(
        "You can submit feedback once the interview has started; until then it saves as a draft."
    )]
    TooEarly,
    #[error("Some answers need attention.")]
    Invalid(FieldErrors),
    #[error("You have submitted this feedback already; it is locked. Add an amendment instead.")]
    Locked,
    #[error("Submit your feedback first: an amendment is added to submitted feedback.")]
    NotSubmitted,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One scorecard as its author fills it in.
#[derive(Debug, Clone)]
pub struct ScorecardForm {
    pub interview: InterviewRecord,
    pub authorship: Authorship,
    pub shape: Shape,
    /// Names of the competencies the scorecard and the page mention, by id.
    pub names: HashMap<i64, String>,
    /// The author's scorecard, once saved.
    pub card: Option<ScorecardRecord>,
    /// When the interviewer's feedback is due.
    pub due_at: i64,
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Draft { at: i64 },
    Submitted,
}

/// How long after an interview ends its feedback is due, in seconds.
pub fn due_after(app: &App) -> i64 {
    i64::from(app.config().feedback_due_hours) * 3600
}

/// The interview `interview_id` as `user_id` writes about it: its interviewer (counted feedback)
/// or its shadow (practice feedback). Anyone else, or a cancelled interview, is not found.
async fn interview_for_author(
    app: &App,
    user_id: i64,
    interview_id: i64,
) -> Result<(InterviewRecord, Authorship), FeedbackError> {
    let interview = app
        .store()
        .interview(interview_id)
        .await?
        .ok_or(FeedbackError::NotFound)?;
    let authorship = if interview.interviewer_id == Some(user_id) {
        Authorship::Interviewer
    } else if interview.shadow_id == Some(user_id) {
        Authorship::Practice
    } else {
        return Err(FeedbackError::NotFound);
    };
    if !interview.is_booked() {
        return Err(FeedbackError::Cancelled);
    }
    Ok((interview, authorship))
}

/// What an interview's scorecard asks: a loop interview its seat's principles and technical
/// area (the template's seat it fills, by [`feedback::seats_of`]); a follow-up interview what
/// its booking asked for; a phone screen the first
/// technical area of the track's loop. Nothing but the recommendation when the track has no
/// template.
async fn shape_of(app: &App, interview: &InterviewRecord) -> Result<Shape, StoreError> {
    // A follow-up interview fills no seat: it asks what the debrief asked for.
    if let Some(follow_up) = app.store().follow_up(interview.id).await? {
        return Ok(Shape {
            principles: follow_up.principles,
            area: follow_up.area_id,
        });
    }
    // Anything but a loop's interview is a phone screen.
    if interview.kind != FINAL_LOOP {
        let Some(saved) = super::template_of_application(app, interview.application_id).await?
        else {
            return Ok(Shape::default());
        };
        return Ok(Shape {
            principles: Vec::new(),
            area: saved.template.interviews.iter().find_map(|s| s.area),
        });
    }
    Ok(match loop_seat(app, interview).await? {
        Some(seat) => Shape {
            principles: seat.principles,
            area: seat.area,
        },
        None => Shape::default(),
    })
}

/// The seat of the track's loop template that a final loop's interview fills (by
/// [`feedback::seats_of`]); none for another interview, or one the template no longer places.
pub(crate) async fn loop_seat(
    app: &App,
    interview: &InterviewRecord,
) -> Result<Option<TemplateInterview>, StoreError> {
    if interview.kind != FINAL_LOOP {
        return Ok(None);
    }
    Ok(loop_seats(app, interview.application_id)
        .await?
        .remove(&interview.id))
}

/// The seat each booked interview of an application's final loop fills in the track's loop
/// template, by interview id (those the template no longer places are left out).
pub(crate) async fn loop_seats(
    app: &App,
    application_id: i64,
) -> Result<HashMap<i64, TemplateInterview>, StoreError> {
    let Some(saved) = super::template_of_application(app, application_id).await? else {
        return Ok(HashMap::new());
    };
    let seats = &saved.template.interviews;
    let names: HashMap<i64, String> = app.store().competency_names().await?;
    // The focus each seat's interviews were published with (see `plans::publish`).
    let template_focus: Vec<String> = seats
        .iter()
        .map(|seat| {
            if seat.bar_raiser {
                BAR_RAISER.to_owned()
            } else {
                seat.area
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default()
            }
        })
        .collect();
    // The loop's interviews in the loop's order (a round is the interview's place in it).
    let mut ordered: Vec<InterviewRecord> = app
        .store()
        .interviews_of_application(application_id)
        .await?
        .into_iter()
        .filter(|i| i.kind == FINAL_LOOP && i.is_booked())
        .collect();
    ordered.sort_by_key(|i| i.round);
    let loop_focus: Vec<String> = ordered
        .iter()
        .map(|i| i.focus.clone().unwrap_or_default())
        .collect();
    let placed = feedback::seats_of(&template_focus, &loop_focus);
    Ok(ordered
        .iter()
        .zip(placed)
        .filter_map(|(interview, seat)| seat.map(|seat| (interview.id, seats[seat].clone())))
        .collect())
}

/// The scorecard of `interview_id` as `user_id` fills it in. A scorecard already saved keeps the
/// principles and area it was started with, whatever the template says since.
pub async fn scorecard_form(
    app: &App,
    user_id: i64,
    interview_id: i64,
) -> Result<ScorecardForm, FeedbackError> {
    let (interview, authorship) = interview_for_author(app, user_id, interview_id).await?;
    let card = app.store().scorecard_of(interview_id, user_id).await?;
    let shape = match &card {
        Some(card) => Shape {
            principles: card
                .answers
                .principles
                .iter()
                .map(|p| p.competency_id)
                .collect(),
            area: card.area_id,
        },
        None => shape_of(app, &interview).await?,
    };
    let names = app.store().competency_names().await?;
    Ok(ScorecardForm {
        due_at: feedback::due_at(interview.ends_at, due_after(app)),
        interview,
        authorship,
        shape,
        names,
        card,
    })
}

/// Saves `user_id`'s scorecard for `interview_id` from the form's `fields` and the bank's
/// questions they say they `asked`: as a draft, or, with
/// `submit`, complete and locked. A second submission (another tab, a double click) is
/// [`FeedbackError::Locked`] and changes nothing.
pub async fn save(
    app: &App,
    user_id: i64,
    interview_id: i64,
    fields: &BTreeMap<String, String>,
    asked: &[i64],
    submit: bool,
) -> Result<Saved, FeedbackError> {
    let form = scorecard_form(app, user_id, interview_id).await?;
    if form
        .card
        .as_ref()
        .is_some_and(ScorecardRecord::is_submitted)
    {
        return Err(FeedbackError::Locked);
    }
    let answers = feedback::parse_answers(&form.shape, fields).map_err(FeedbackError::Invalid)?;
    if !asked.is_empty() {
        let season = app
            .store()
            .application(form.interview.application_id)
            .await?
            .season_id;
        let bank = app.store().questions(season).await?;
        if asked.iter().any(|id| !bank.iter().any(|q| q.id == *id)) {
            let mut errors = FieldErrors::new();
            errors.add(
                "asked",
                "Choose the questions you asked from the kit's list.",
            );
            return Err(FeedbackError::Invalid(errors));
        }
    }
    let now = app.now();
    if submit {
        feedback::check_complete(&form.shape, &answers).map_err(FeedbackError::Invalid)?;
        if now < form.interview.starts_at {
            return Err(FeedbackError::TooEarly);
        }
    }
    let mut tx = app.store().begin().await?;
    let id = Store::save_scorecard_draft(
        &mut tx,
        &DraftWrite {
            interview_id,
            application_id: form.interview.application_id,
            author_id: user_id,
            authorship: form.authorship,
            area_id: form.shape.area,
            answers: &answers,
            asked,
        },
        now,
    )
    .await?
    .ok_or(FeedbackError::Locked)?;
    if submit {
        Store::submit_scorecard(&mut tx, id, now)
            .await
            .map_err(|error| match error {
                StoreError::Stale => FeedbackError::Locked,
                other => other.into(),
            })?;
        if form.authorship == Authorship::Interviewer && form.interview.kind == FINAL_LOOP {
            open_debrief_when_complete(&mut tx, form.interview.application_id, now).await?;
        }
    }
    Store::commit(tx).await?;
    if submit {
        tracing::info!(
            interview.id = interview_id,
            scorecard.id = id,
            "feedback submitted"
        );
        Ok(Saved::Submitted)
    } else {
        Ok(Saved::Draft { at: now })
    }
}

/// Opens the debrief (Final loop to Debrief, for Cohort itself) when the loop's last scorecard
/// is in, in the transaction that submitted it, so that two interviewers submitting at once
/// cannot both miss it. Returns whether it opened.
async fn open_debrief_when_complete(
    tx: &mut Tx,
    application_id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let allowed = check_transition(
        Stage::FinalLoop,
        Stage::Debrief,
        Actor::FeedbackComplete,
        None,
    )
    .is_ok();
    if !allowed {
        return Ok(false);
    }
    // Two interviewers submitting the last two scorecards at once: the application's row lock
    // makes the second wait for the first's commit, and then see its scorecard.
    Store::lock_application(tx, application_id).await?;
    if !Store::loop_feedback_complete(tx, application_id).await? {
        return Ok(false);
    }
    Store::open_debrief_by_rule(
        tx,
        application_id,
        "Every interview of the final loop has its feedback: the debrief is open.",
        now,
    )
    .await
}

/// Adds a dated amendment beside `user_id`'s submitted scorecard for `interview_id`.
pub async fn amend(
    app: &App,
    user_id: i64,
    interview_id: i64,
    text: &str,
) -> Result<(), FeedbackError> {
    let (_, _) = interview_for_author(app, user_id, interview_id).await?;
    let body = Text::required(text, "the amendment", MAX_NOTES).map_err(|error| {
        let mut errors = FieldErrors::new();
        errors.add("amendment", error.to_string());
        FeedbackError::Invalid(errors)
    })?;
    let card = app
        .store()
        .scorecard_of(interview_id, user_id)
        .await?
        .filter(ScorecardRecord::is_submitted)
        .ok_or(FeedbackError::NotSubmitted)?;
    let mut tx = app.store().begin().await?;
    Store::add_scorecard_amendment(&mut tx, card.id, body.as_str(), app.now()).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// A candidate's feedback as one viewer may read it.
#[derive(Debug, Clone)]
pub struct CandidateFeedback {
    pub viewer: Viewer,
    /// The scorecards the viewer may read, in the order of the interviews.
    pub readable: Vec<ScorecardRecord>,
    /// Submitted scorecards the viewer may not read yet (they are on the panel and have not
    /// submitted all of theirs), counted so the page can say so.
    pub withheld: usize,
    /// Names of the competencies, by id.
    pub names: HashMap<i64, String>,
}

/// Whether `account` is a bar raiser: an interviewer whose profile says so. Bar raisers read
/// practice feedback, sign trainees off, edit the question bank and see calibration.
pub async fn is_bar_raiser(app: &App, account: &Account) -> Result<bool, StoreError> {
    Ok(account.has(Role::Interviewer)
        && app
            .store()
            .interviewer(account.user.id)
            .await?
            .is_some_and(|i| i.bar_raiser))
}

/// Whether `account` keeps what interview kits are made of (the question bank and the case
/// studies): recruiters, administrators and bar raisers.
pub async fn keeps_kit_content(app: &App, account: &Account) -> Result<bool, StoreError> {
    if account.has(Role::Administrator) || account.has(Role::Recruiter) {
        return Ok(true);
    }
    is_bar_raiser(app, account).await
}

/// The viewer `account` is to the candidate of `application_id`, and whether they shadow any of
/// the candidate's interviews.
pub async fn viewer_of(
    app: &App,
    account: &Account,
    application_id: i64,
) -> Result<(Viewer, bool), StoreError> {
    let user_id = account.user.id;
    let part = app.store().panel_part(application_id, user_id).await?;
    let bar_raiser = is_bar_raiser(app, account).await?;
    let viewer = Viewer {
        user_id,
        sees_pipeline: account.roles.iter().any(|r| r.sees_pipeline()),
        bar_raiser,
        interviews_held: part.held as u32,
        interviews_submitted: part.submitted as u32,
    };
    Ok((viewer, part.shadowed > 0))
}

/// The feedback on the candidate of `application_id` that `account` may read. Not found for
/// someone who may not open it at all (not staff on the pipeline, not on the panel, not a bar
/// raiser, not a shadow of the candidate).
pub async fn candidate_feedback(
    app: &App,
    account: &Account,
    application_id: i64,
) -> Result<CandidateFeedback, FeedbackError> {
    let (viewer, shadows) = viewer_of(app, account, application_id).await?;
    if !feedback::may_open(&viewer, shadows) {
        return Err(FeedbackError::NotFound);
    }
    feedback_as(app, viewer, application_id).await
}

/// The feedback on the candidate of `application_id` that an integration's API token may read
/// ([`Viewer::integration`]).
pub async fn feedback_for_integration(
    app: &App,
    application_id: i64,
) -> Result<CandidateFeedback, FeedbackError> {
    feedback_as(app, Viewer::integration(), application_id).await
}

/// Every scorecard of the candidate through the blind rule for `viewer`.
async fn feedback_as(
    app: &App,
    viewer: Viewer,
    application_id: i64,
) -> Result<CandidateFeedback, FeedbackError> {
    let mut readable = Vec::new();
    let mut withheld = 0;
    for card in app
        .store()
        .scorecards_of_application(application_id)
        .await?
    {
        let facts = CardFacts {
            author_id: card.author_id,
            submitted: card.is_submitted(),
            authorship: card.authorship,
            interviewer_id: card.interviewer_id,
        };
        if feedback::may_read(&viewer, &facts) {
            readable.push(card);
        } else if card.is_submitted() && !viewer.cleared() {
            withheld += 1;
        }
    }
    let names = app.store().competency_names().await?;
    Ok(CandidateFeedback {
        viewer,
        readable,
        withheld,
        names,
    })
}

/// A trainee's practice feedback as a bar raiser reads it to sign them off: every submitted
/// practice scorecard of theirs that the blind rule lets this bar raiser read (one on a
/// candidate whose panel they sit on waits until their own feedback is in). Not found for anyone
/// but a bar raiser, and for a bar raiser asking about themselves.
pub async fn practice_of_trainee(
    app: &App,
    account: &Account,
    trainee_id: i64,
) -> Result<Vec<ScorecardRecord>, FeedbackError> {
    if !is_bar_raiser(app, account).await? || trainee_id == account.user.id {
        return Err(FeedbackError::NotFound);
    }
    let mut readable = Vec::new();
    for card in app.store().practice_scorecards_of(trainee_id).await? {
        let (viewer, _) = viewer_of(app, account, card.application_id).await?;
        let facts = CardFacts {
            author_id: card.author_id,
            submitted: card.is_submitted(),
            authorship: card.authorship,
            interviewer_id: card.interviewer_id,
        };
        if feedback::may_read(&viewer, &facts) {
            readable.push(card);
        }
    }
    Ok(readable)
}

/// Interviews whose feedback is past due and not submitted, the longest overdue first.
pub async fn overdue(app: &App) -> Result<Vec<OverdueFeedback>, StoreError> {
    app.store()
        .overdue_feedback(app.now() - due_after(app))
        .await
}
