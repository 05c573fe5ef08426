//! The debrief page of a final loop: written votes hidden until all are in, the grid of
//! principles against interviewers with links to the evidence, the phone screens and assessment
//! beside it, discussion notes and the decision; and the season's bar-raiser veto setting.
//! Every rule is the app's (`interviews::debriefs`); the grid shows only the scorecards the
//! viewer may read under the blind rule.

use crate::auth::{Csrf, CsrfForm, Pipeline, Recruiting, Require, StaffOnly};
use crate::error::AppError;
use crate::html::{render, render_status};
use crate::pages::{time_in, Layout};
use crate::routes::assessment::results::{results_of, AssessmentResult};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono_tz::Tz;
use cohort_app::interviews::debriefs::{self, DebriefError};
use cohort_app::interviews::follow_ups::{self, FollowUpError};
use cohort_app::interviews::kinds::FINAL_LOOP;
use cohort_domain::interviews::debrief::Vote;
use cohort_domain::interviews::feedback::{Authorship, Recommendation};
use cohort_domain::interviews::follow_up::FollowUpForm;
use cohort_domain::interviews::CompetencyKind;
use cohort_domain::FieldErrors;
use cohort_domain::RejectionReason;
use cohort_store::interviews::scorecards::ScorecardRecord;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/debriefs", get(open_debriefs_page))
        .route("/debriefs/{id}", get(debrief_page))
        .route("/debriefs/{id}/votes", post(vote))
        .route("/debriefs/{id}/reveal", post(reveal))
        .route("/debriefs/{id}/notes", post(note))
        .route("/debriefs/{id}/decision", post(decide))
        .route("/debriefs/{id}/follow-ups", post(book_follow_up))
        .route(
            "/debriefs/{id}/follow-ups/{interview}/cancel",
            post(call_off_follow_up),
        )
        .route("/staff/seasons/{id}/debrief-settings", post(save_settings))
}

fn debrief_error(error: DebriefError) -> AppError {
    match error {
        DebriefError::NotFound => AppError::NotFound,
        DebriefError::Store(error) => error.into(),
        DebriefError::Move(cohort_app::applications::MoveError::Forbidden(e)) => {
            AppError::ForbiddenBecause(e.to_string())
        }
        DebriefError::Move(cohort_app::applications::MoveError::Store(e)) => e.into(),
        DebriefError::Invalid(message) => AppError::BadRequest(message),
        DebriefError::NotAVoter | DebriefError::NotTheBarRaiser => {
            AppError::ForbiddenBecause(error.to_string())
        }
        other => AppError::Conflict(other.to_string()),
    }
}

/// One vote as the page lists it.
struct VoteRow {
    name: String,
    vote: &'static str,
    hire: bool,
    sentence: String,
    when: String,
    after_reveal: bool,
}

/// A cell of the grid: the rating and where its evidence is.
struct Cell {
    rating: String,
    href: String,
}

struct GridRow {
    /// A principle's name, or a technical area's.
    principle: String,
    technical: bool,
    cells: Vec<Option<Cell>>,
}

/// A follow-up interview as the debrief lists it.
struct FollowUpRow {
    interviewer: String,
    when: String,
    assesses: String,
    brief: String,
    state: &'static str,
    /// Where a decider calls it off, while it is booked and ahead.
    cancel_path: Option<String>,
}

/// An interviewer's column of the grid, with their recommendation.
struct Column {
    name: String,
    what: String,
    recommendation: String,
    hire: bool,
}

/// A phone screen's feedback beside the grid.
struct ScreenRow {
    what: String,
    author: String,
    recommendation: String,
    href: String,
    /// The phone interview whose coding pad the reader may replay (they read its feedback).
    pad: Option<i64>,
}

struct DecisionRow {
    round: i64,
    label: &'static str,
    reason: String,
    note: String,
    who: String,
    when: String,
}

#[derive(Template)]
#[template(path = "interviews/debrief.html")]
struct DebriefPage {
    layout: Layout,
    /// Why the last action was refused.
    error: Option<String>,
    application_id: i64,
    candidate: String,
    stage: String,
    open: bool,
    revealed: bool,
    veto: bool,
    may_vote: bool,
    has_voted: bool,
    may_reveal: bool,
    may_decide: bool,
    feedback_link: String,
    votes: Vec<VoteRow>,
    voted: Vec<String>,
    /// (name, address, bar raiser); the address only for the pipeline's roles, to chase votes.
    waiting_for: Vec<(String, String, &'static str)>,
    /// Whether the track's hiring manager is among the voters awaited.
    has_manager: bool,
    interviewers: usize,
    columns: Vec<Column>,
    grid: Vec<GridRow>,
    without_evidence: Vec<String>,
    /// Scorecards of the loop not readable here yet (the viewer's own feedback is not in).
    withheld: usize,
    screens: Vec<ScreenRow>,
    assessments: Vec<AssessmentResult>,
    notes: Vec<(String, String, String)>,
    decisions: Vec<DecisionRow>,
    reasons: Vec<(&'static str, &'static str)>,
    round: i64,
    /// Back in Final loop after "more information", until a follow-up's feedback reopens it.
    awaiting_follow_up: bool,
    /// The viewer interviewed the candidate and has not submitted their feedback: the
    /// discussion stays hidden from them.
    blind: bool,
    /// Votes of earlier rounds, all revealed.
    earlier_votes: Vec<(i64, VoteRow)>,
    follow_ups: Vec<FollowUpRow>,
    /// The booking form, for a decider while the candidate waits for follow-ups.
    follow_up_form: Option<FollowUpFormView>,
}

/// The follow-up booking form: its choices, what was typed and what needs attention.
struct FollowUpFormView {
    interviewers: Vec<(i64, String)>,
    areas: Vec<(i64, String)>,
    principles: Vec<(i64, String)>,
    typed: FollowUpForm,
    errors: FieldErrors,
    /// The principles to suggest: those without evidence.
    suggested: Vec<i64>,
    earliest: String,
}

impl FollowUpFormView {
    fn picked(&self, id: &i64) -> bool {
        let text = id.to_string();
        if self.typed.principles.is_empty() && self.errors.is_empty() {
            self.suggested.contains(id)
        } else {
            self.typed.principles.contains(&text)
        }
    }

    fn error(&self, field: &str) -> &str {
        self.errors.get(field).unwrap_or("")
    }
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

fn notice_text(notice: Option<&str>) -> Option<String> {
    match notice? {
        "voted" => Some("Your vote is recorded.".into()),
        "revealed" => Some("The votes are revealed to everyone in the debrief.".into()),
        "noted" => Some("Note added.".into()),
        "decided" => Some(
            "Decision recorded and the application moved. The candidate is told the outcome, never the reasons.".into(),
        ),
        "called-off" => Some(
            "Follow-up interview called off: the interviewer and the candidate have their cancellations.".into(),
        ),
        "follow-up" => Some(
            "Follow-up interview booked: the interviewer and the candidate have their invitations. The debrief opens again when its feedback is in.".into(),
        ),
        _ => None,
    }
}

fn recommendation_of(card: &ScorecardRecord) -> (String, bool) {
    (
        card.answers
            .recommendation
            .map_or("No recommendation", Recommendation::label)
            .to_owned(),
        card.answers
            .recommendation
            .is_some_and(Recommendation::is_hire),
    )
}

async fn debrief_page(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let page = page_of(
        &state,
        &me,
        &csrf,
        id,
        notice_text(query.notice.as_deref()),
        None,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// The debrief page again, with why an action was refused beside it; for a refusal a person can
/// act on (a veto, a vote already cast, a missing reason), instead of a bare error page.
async fn refused(
    state: &AppState,
    me: &Require<StaffOnly>,
    csrf: &Csrf,
    id: i64,
    error: DebriefError,
) -> Result<Response, AppError> {
    let status = match &error {
        DebriefError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        DebriefError::Refused(_)
        | DebriefError::AlreadyVoted
        | DebriefError::AlreadyRevealed
        | DebriefError::MovedOn
        | DebriefError::FeedbackFirst
        | DebriefError::NotOpen => StatusCode::CONFLICT,
        _ => return Err(debrief_error(error)),
    };
    let page = page_of(state, me, csrf, id, None, Some(error.to_string())).await?;
    Ok(render_status(status, &page)?.into_response())
}

async fn page_of(
    state: &AppState,
    me: &Require<StaffOnly>,
    csrf: &Csrf,
    id: i64,
    flash: Option<String>,
    error: Option<String>,
) -> Result<DebriefPage, AppError> {
    page_with_form(state, me, csrf, id, (flash, error), None).await
}

/// The page, with the follow-up form as typed and its errors when a booking was refused.
async fn page_with_form(
    state: &AppState,
    me: &Require<StaffOnly>,
    csrf: &Csrf,
    id: i64,
    (flash, error): (Option<String>, Option<String>),
    typed: Option<(FollowUpForm, FieldErrors)>,
) -> Result<DebriefPage, AppError> {
    let view = debriefs::view(state.app(), &me.account, id)
        .await
        .map_err(debrief_error)?;
    let zone = match state.store().interviewer(me.account.user.id).await? {
        Some(interviewer) => interviewer.profile.map_or(Tz::UTC, |p| p.time_zone),
        None => Tz::UTC,
    };
    let feedback_link = format!("/feedback/applications/{id}");
    let names = &view.feedback.names;
    // The loop's counted scorecards the viewer may read, one column each, in the loop's order.
    let loop_cards: Vec<&ScorecardRecord> = view
        .feedback
        .readable
        .iter()
        .filter(|c| {
            c.interview_kind == FINAL_LOOP
                && c.authorship == Authorship::Interviewer
                && c.is_submitted()
        })
        .collect();
    let follow_ups = state.store().follow_ups_of(id).await?;
    let is_follow_up = |card: &ScorecardRecord| {
        follow_ups
            .iter()
            .any(|f| f.interview_id == card.interview_id)
    };
    let columns = loop_cards
        .iter()
        .map(|card| {
            let (recommendation, hire) = recommendation_of(card);
            Column {
                name: card.author_name.clone(),
                what: if is_follow_up(card) {
                    "Follow-up".to_owned()
                } else {
                    format!("Interview {}", card.interview_round)
                },
                recommendation,
                hire,
            }
        })
        .collect();
    // Principles in the order the loop's scorecards ask them, then the key principles none of
    // them asks, so that a principle nobody covered shows up as missing evidence.
    let mut principles: Vec<i64> = Vec::new();
    for card in &loop_cards {
        for evidence in &card.answers.principles {
            if !principles.contains(&evidence.competency_id) {
                principles.push(evidence.competency_id);
            }
        }
    }
    let key_principles: Vec<i64> = state
        .store()
        .competencies()
        .await?
        .into_iter()
        .filter(|c| c.key_principle != 0)
        .map(|c| c.id)
        .collect();
    for key in &key_principles {
        if !principles.contains(key) {
            principles.push(*key);
        }
    }
    let mut grid = Vec::new();
    let mut without_evidence = Vec::new();
    for principle in &principles {
        let cells: Vec<Option<Cell>> = loop_cards
            .iter()
            .map(|card| {
                let evidence = card
                    .answers
                    .principles
                    .iter()
                    .find(|e| e.competency_id == *principle)?;
                let rating = evidence.rating?;
                Some(Cell {
                    rating: format!("{} · {}", rating.value(), rating.label()),
                    href: format!("{feedback_link}#card-{}", card.id),
                })
            })
            .collect();
        let name = names.get(principle).cloned().unwrap_or_default();
        if cells.iter().all(Option::is_none) {
            without_evidence.push(name.clone());
        }
        grid.push(GridRow {
            principle: name,
            technical: false,
            cells,
        });
    }
    // Then each technical area the loop assessed, with each interviewer's rating of it.
    let mut areas: Vec<i64> = Vec::new();
    for card in &loop_cards {
        if let Some(area) = card.area_id {
            if !areas.contains(&area) {
                areas.push(area);
            }
        }
    }
    for area in areas {
        let cells = loop_cards
            .iter()
            .map(|card| {
                let rating = card
                    .answers
                    .technical_rating
                    .filter(|_| card.area_id == Some(area))?;
                Some(Cell {
                    rating: format!("{} · {}", rating.value(), rating.label()),
                    href: format!("{feedback_link}#card-{}", card.id),
                })
            })
            .collect();
        grid.push(GridRow {
            principle: names.get(&area).cloned().unwrap_or_default(),
            technical: true,
            cells,
        });
    }
    let card_interviews: Vec<i64> = view
        .feedback
        .readable
        .iter()
        .map(|c| c.interview_id)
        .collect();
    let pads = state.store().interviews_with_pads(&card_interviews).await?;
    let screens = view
        .feedback
        .readable
        .iter()
        .filter(|c| c.interview_kind != FINAL_LOOP && c.is_submitted())
        .map(|card| ScreenRow {
            pad: (pads.contains(&card.interview_id) && card.authorship != Authorship::Practice)
                .then_some(card.interview_id),
            what: format!("Phone interview {}", card.interview_round),
            author: card.author_name.clone(),
            recommendation: recommendation_of(card).0,
            href: format!("{feedback_link}#card-{}", card.id),
        })
        .collect();
    // An interviewer of the loop whose own feedback is not in reads nobody else's words: not the
    // notes, the earlier rounds' votes nor the decisions' notes (the grid is filtered already).
    let blind =
        view.panel.interviewers.contains(&me.account.user.id) && !view.feedback.viewer.cleared();
    let record = view.record.as_ref().filter(|_| !blind);
    let vote_row = |v: &cohort_store::interviews::debriefs::VoteRecord| VoteRow {
        name: v.voter_name.clone(),
        vote: v.vote.label(),
        hire: v.vote == Vote::Hire,
        sentence: v.sentence.clone(),
        when: time_in(v.cast_at, zone),
        after_reveal: v.after_reveal != 0,
    };
    let interviews = state.store().interviews_of_application(id).await?;
    let now = state.app().now();
    let may_book = follow_ups::may_book(&me.account, &view);
    let deciding = view.may_decide || may_book;
    let follow_up_rows = follow_ups
        .iter()
        .filter_map(|f| {
            let interview = interviews.iter().find(|i| i.id == f.interview_id)?;
            let mut assesses: Vec<String> = f
                .area_id
                .iter()
                .chain(&f.principles)
                .filter_map(|c| names.get(c).cloned())
                .collect();
            if assesses.is_empty() {
                assesses.push("—".to_owned());
            }
            let submitted = view.feedback.readable.iter().any(|c| {
                c.interview_id == interview.id
                    && c.authorship == Authorship::Interviewer
                    && c.is_submitted()
            });
            let cancellable = deciding && interview.is_booked() && interview.starts_at > now;
            Some(FollowUpRow {
                cancel_path: cancellable
                    .then(|| format!("/debriefs/{id}/follow-ups/{}/cancel", interview.id)),
                interviewer: interview.interviewer_name.clone().unwrap_or_default(),
                when: time_in(interview.starts_at, zone),
                assesses: assesses.join(", "),
                brief: f.brief.clone(),
                state: if !interview.is_booked() {
                    "Cancelled"
                } else if submitted {
                    "Feedback in"
                } else {
                    "Booked"
                },
            })
        })
        .collect();
    let follow_up_form = if may_book {
        let competencies = state.store().competencies().await?;
        let of_kind = |kind: CompetencyKind| -> Vec<(i64, String)> {
            competencies
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| (c.id, c.name.clone()))
                .collect()
        };
        let suggested = competencies
            .iter()
            .filter(|c| c.kind == CompetencyKind::Principle && without_evidence.contains(&c.name))
            .map(|c| c.id)
            .take(2)
            .collect();
        let (typed, errors) = typed.unwrap_or_else(|| {
            (
                FollowUpForm {
                    minutes: "45".to_owned(),
                    ..FollowUpForm::default()
                },
                FieldErrors::new(),
            )
        });
        let earliest = state.app().now() + state.app().config().booking.cutoff.num_seconds();
        Some(FollowUpFormView {
            interviewers: state
                .store()
                .interviewer_directory()
                .await?
                .interviewers
                .iter()
                .map(|i| (i.user_id, i.name.clone()))
                .collect(),
            areas: of_kind(CompetencyKind::Technical),
            principles: of_kind(CompetencyKind::Principle),
            typed,
            errors,
            suggested,
            earliest: chrono::DateTime::from_timestamp(earliest, 0)
                .unwrap_or_default()
                .format("%Y-%m-%dT%H:%M")
                .to_string(),
        })
    } else {
        None
    };
    let page = DebriefPage {
        round: view.round,
        awaiting_follow_up: follow_ups::awaits_follow_up(&view.application, view.record.as_ref()),
        earlier_votes: if blind {
            Vec::new()
        } else {
            view.earlier_votes
                .iter()
                .map(|v| (v.round, vote_row(v)))
                .collect()
        },
        blind,
        follow_ups: follow_up_rows,
        follow_up_form,
        layout: Layout::for_account(
            format!("Debrief: {}", view.application.candidate_name),
            Some(&me.account),
            csrf,
        )
        .with_flash(flash),
        error,
        application_id: id,
        candidate: view.application.candidate_name.clone(),
        stage: view.application.stage().staff_label().to_owned(),
        open: view.open,
        revealed: view.revealed,
        veto: view.veto,
        may_vote: view.may_vote,
        has_voted: view.has_voted,
        may_reveal: view.may_reveal,
        may_decide: view.may_decide,
        votes: view.votes.iter().map(vote_row).collect(),
        voted: view.voted.clone(),
        waiting_for: view
            .waiting_for
            .iter()
            .map(|(name, email, what)| {
                let email = if view.feedback.viewer.sees_pipeline {
                    email.clone()
                } else {
                    String::new()
                };
                (name.clone(), email, *what)
            })
            .collect(),
        interviewers: view.panel.voters().len(),
        has_manager: view.panel.hiring_manager.is_some(),
        columns,
        grid,
        without_evidence,
        withheld: view.feedback.withheld,
        screens,
        assessments: if view.feedback.viewer.sees_pipeline || view.feedback.viewer.cleared() {
            results_of(state, id).await?
        } else {
            Vec::new()
        },
        notes: record.map_or_else(Vec::new, |r| {
            r.notes
                .iter()
                .map(|n| {
                    (
                        n.author_name.clone(),
                        time_in(n.created_at, zone),
                        n.body.clone(),
                    )
                })
                .collect()
        }),
        decisions: record.map_or_else(Vec::new, |r| {
            r.decisions
                .iter()
                .map(|d| DecisionRow {
                    round: d.round,
                    label: d.decision.label(),
                    reason: match d.decision {
                        cohort_domain::interviews::debrief::Decision::NoHire(reason) => {
                            reason.label().to_owned()
                        }
                        _ => String::new(),
                    },
                    note: d.note.clone(),
                    who: d.decider_name.clone(),
                    when: time_in(d.decided_at, zone),
                })
                .collect()
        }),
        reasons: RejectionReason::CHOICES
            .into_iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        feedback_link,
    };
    Ok(page)
}

#[derive(serde::Deserialize)]
struct VoteForm {
    #[serde(default)]
    vote: String,
    #[serde(default)]
    sentence: String,
}

async fn vote(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<VoteForm>,
) -> Result<Response, AppError> {
    match debriefs::vote(state.app(), &me.account, id, &form.vote, &form.sentence).await {
        Ok(()) => Ok(Redirect::to(&format!("/debriefs/{id}?notice=voted#votes")).into_response()),
        Err(error) => refused(&state, &me, &csrf, id, error).await,
    }
}

#[derive(serde::Deserialize)]
struct EmptyForm {}

async fn reveal(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    match debriefs::reveal(state.app(), &me.account, id).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/debriefs/{id}?notice=revealed#votes")).into_response())
        }
        Err(error) => refused(&state, &me, &csrf, id, error).await,
    }
}

#[derive(serde::Deserialize)]
struct NoteForm {
    #[serde(default)]
    body: String,
}

async fn note(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<Response, AppError> {
    match debriefs::add_note(state.app(), &me.account, id, &form.body).await {
        Ok(()) => Ok(Redirect::to(&format!("/debriefs/{id}?notice=noted#notes")).into_response()),
        Err(error) => refused(&state, &me, &csrf, id, error).await,
    }
}

#[derive(serde::Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

async fn decide(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let decided = debriefs::decide(
        state.app(),
        &me.account,
        id,
        &form.decision,
        &form.reason,
        &form.note,
    )
    .await;
    match decided {
        Ok(_) => Ok(Redirect::to(&format!("/debriefs/{id}?notice=decided")).into_response()),
        Err(error) => refused(&state, &me, &csrf, id, error).await,
    }
}

/// The follow-up form as posted: `principles` repeats, so the body is read as pairs.
async fn book_follow_up(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut form = FollowUpForm::default();
    for (key, value) in pairs {
        match key.as_str() {
            "interviewer" => form.interviewer = value,
            "starts_at" => form.starts_at = value,
            "minutes" => form.minutes = value,
            "area" => form.area = value,
            "principles" => form.principles.push(value),
            "brief" => form.brief = value,
            _ => {}
        }
    }
    let refusal = match follow_ups::book(state.app(), &me.account, id, &form).await {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/debriefs/{id}?notice=follow-up#follow-ups"))
                    .into_response(),
            )
        }
        Err(FollowUpError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Some fields of the follow-up need attention.".to_owned(),
            errors,
        ),
        Err(error @ (FollowUpError::Refused(_) | FollowUpError::NotAsked)) => {
            (StatusCode::CONFLICT, error.to_string(), FieldErrors::new())
        }
        Err(FollowUpError::NotFound) => return Err(AppError::NotFound),
        Err(error @ FollowUpError::Forbidden) => {
            return Err(AppError::ForbiddenBecause(error.to_string()))
        }
        Err(FollowUpError::Store(error)) => return Err(error.into()),
    };
    let (status, message, errors) = refusal;
    let page = page_with_form(
        &state,
        &me,
        &csrf,
        id,
        (None, Some(message)),
        Some((form, errors)),
    )
    .await?;
    Ok(render_status(status, &page)?.into_response())
}

async fn call_off_follow_up(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Path((id, interview)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    match follow_ups::call_off(state.app(), &me.account, id, interview).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/debriefs/{id}?notice=called-off#follow-ups")).into_response(),
        ),
        Err(FollowUpError::NotFound) => Err(AppError::NotFound),
        Err(error @ FollowUpError::Forbidden) => Err(AppError::ForbiddenBecause(error.to_string())),
        Err(FollowUpError::Store(error)) => Err(error.into()),
        Err(error) => {
            let page = page_of(&state, &me, &csrf, id, None, Some(error.to_string())).await?;
            Ok(render_status(StatusCode::CONFLICT, &page)?.into_response())
        }
    }
}

/// The settings form: `veto` when checked, and `manager_TRACK` per track.
async fn save_settings(
    State(state): State<AppState>,
    _me: Require<Recruiting>,
    Path(season_id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut settings = debriefs::DebriefSettings::default();
    for (key, value) in pairs {
        if key == "veto" {
            settings.veto = true;
        } else if let Some(track) = key.strip_prefix("manager_") {
            let track = track.parse().map_err(|_| {
                AppError::BadRequest("The form names a track that does not exist.".into())
            })?;
            settings.managers.push((track, value));
        }
    }
    debriefs::save_settings(state.app(), season_id, &settings)
        .await
        .map_err(debrief_error)?;
    Ok(Redirect::to(&format!(
        "/staff/seasons/{season_id}/interviews?notice=debriefs#debriefs"
    ))
    .into_response())
}

struct OpenRow {
    application_id: i64,
    candidate: String,
    state: String,
}

#[derive(Template)]
#[template(path = "interviews/debriefs.html")]
struct OpenDebriefsPage {
    layout: Layout,
    rows: Vec<OpenRow>,
}

/// The open debriefs of the newest season, with how far each one's votes are.
async fn open_debriefs_page(
    State(state): State<AppState>,
    me: Require<Pipeline>,
    csrf: Csrf,
) -> Result<Response, AppError> {
    let season = state.store().seasons().await?.into_iter().next();
    let rows = match season {
        Some(season) => state.store().open_debriefs(season.id).await?,
        None => Vec::new(),
    }
    .into_iter()
    .map(|d| OpenRow {
        application_id: d.application_id,
        candidate: d.candidate_name,
        state: if d.revealed > 0 || (d.panel > 0 && d.voted >= d.panel) {
            "Votes revealed: ready to decide".to_owned()
        } else {
            format!("{} of {} voters have voted", d.voted, d.panel)
        },
    })
    .collect();
    let page = OpenDebriefsPage {
        layout: Layout::for_account("Open debriefs", Some(&me.account), &csrf),
        rows,
    };
    Ok(render(&page)?.into_response())
}
