//! Interview kits (for an interview's interviewer and shadow, opened from "My interviews" and
//! from the calendar invitation) and the question bank behind them (recruiters and bar raisers
//! edit it; everyone who may edit sees how often each question was asked this season).

use crate::auth::{Csrf, CsrfForm, InterviewerOnly, Require, StaffOnly};
use crate::error::AppError;
use crate::html::{render, render_status};
use crate::pages::{time_in, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono_tz::Tz;
use cohort_app::interviews::feedback::FeedbackError;
use cohort_app::interviews::kits::{self, BankError, Kit};
use cohort_domain::interviews::kit::{parse_question, Level};
use cohort_domain::interviews::CompetencyKind;
use cohort_domain::FieldErrors;
use cohort_store::interviews::questions::QuestionRecord;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/interviewer/interviews/{id}/kit", get(kit_page))
        .route("/staff/questions", get(bank_page).post(add_question))
        .route("/staff/questions/{id}", post(edit_question))
        .route("/staff/questions/{id}/retire", post(retire_question))
}

#[derive(Template)]
#[template(path = "interviews/kit.html")]
struct KitPage {
    layout: Layout,
    kit: Kit,
    when: String,
    what: String,
    /// The link to the interview's coding pad, for its interviewer (a shadow has no place in it).
    pad: bool,
}

async fn kit_page(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let kit = kits::kit_for(state.app(), me.account.user.id, id)
        .await
        .map_err(|error| match error {
            FeedbackError::Store(error) => error.into(),
            FeedbackError::NotFound => AppError::NotFound,
            other => AppError::Conflict(other.to_string()),
        })?;
    let zone = state
        .store()
        .interviewer(me.account.user.id)
        .await?
        .and_then(|i| i.profile)
        .map_or(Tz::UTC, |p| p.time_zone);
    let page = KitPage {
        layout: Layout::for_account(
            format!("Interview kit: {}", kit.interview.candidate_name),
            Some(&me.account),
            &csrf,
        ),
        when: time_in(kit.interview.starts_at, zone),
        what: super::feedback::interview_words(&kit.interview.kind, kit.interview.round),
        pad: kit.coding_pad && kit.interview.interviewer_id == Some(me.account.user.id),
        kit,
    };
    Ok(render(&page)?.into_response())
}

/// A question as the bank's page lists it.
struct QuestionRow {
    record: QuestionRecord,
    competency: String,
    level: &'static str,
}

#[derive(Template)]
#[template(path = "interviews/question_bank.html")]
struct BankPage {
    layout: Layout,
    rows: Vec<QuestionRow>,
    competencies: Vec<(i64, String, &'static str)>,
    tracks: Vec<String>,
    levels: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
    season: String,
    filter: String,
}

#[derive(serde::Deserialize, Default)]
struct BankQuery {
    /// A competency id to show only its questions.
    competency: Option<String>,
    notice: Option<String>,
}

async fn bank(
    state: &AppState,
    me: &Require<StaffOnly>,
    csrf: &Csrf,
    filter: Option<i64>,
    errors: FieldErrors,
    flash: Option<String>,
) -> Result<BankPage, AppError> {
    if !kits::may_edit_bank(state.app(), &me.account).await? {
        return Err(AppError::Forbidden);
    }
    // Usage is counted in the newest season.
    let season = state.store().seasons().await?.into_iter().next();
    let season_id = season.as_ref().map_or(0, |s| s.id);
    let competencies = state.store().competencies().await?;
    let name_of = |id: i64| {
        competencies
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let rows = state
        .store()
        .questions(season_id)
        .await?
        .into_iter()
        .filter(|q| filter.is_none_or(|f| q.competency_id == f))
        .map(|record| QuestionRow {
            competency: name_of(record.competency_id),
            level: record.level.label(),
            record,
        })
        .collect();
    let mut tracks: Vec<String> = match &season {
        Some(season) => state
            .store()
            .tracks(season.id)
            .await?
            .into_iter()
            .map(|t| t.name)
            .collect(),
        None => Vec::new(),
    };
    tracks.dedup();
    Ok(BankPage {
        layout: Layout::for_account("Question bank", Some(&me.account), csrf).with_flash(flash),
        rows,
        competencies: competencies
            .iter()
            .map(|c| {
                let kind = match c.kind {
                    CompetencyKind::Principle => "Principle",
                    CompetencyKind::Technical => "Technical area",
                };
                (c.id, c.name.clone(), kind)
            })
            .collect(),
        tracks,
        levels: Level::ALL
            .into_iter()
            .map(|l| (l.as_str(), l.label()))
            .collect(),
        errors,
        season: season.map_or_else(|| "this season".to_owned(), |s| s.name),
        filter: filter.map(|f| f.to_string()).unwrap_or_default(),
    })
}

async fn bank_page(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Query(query): Query<BankQuery>,
) -> Result<Response, AppError> {
    let filter = query
        .competency
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| AppError::BadRequest("Choose a competency from the list.".into()))
        })
        .transpose()?;
    let flash = match query.notice.as_deref() {
        Some("added") => Some("Question added to the bank.".to_owned()),
        Some("saved") => Some("Question saved.".to_owned()),
        Some("retired") => Some("Question retired: kits no longer suggest it.".to_owned()),
        Some("restored") => Some("Question back in use.".to_owned()),
        _ => None,
    };
    let page = bank(&state, &me, &csrf, filter, FieldErrors::new(), flash).await?;
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
struct QuestionForm {
    #[serde(default)]
    competency: String,
    #[serde(default)]
    track: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    prompt: String,
    #[serde(default)]
    guidance: String,
}

fn bank_error(error: BankError) -> AppError {
    match error {
        BankError::Forbidden => AppError::Forbidden,
        BankError::NotFound => AppError::NotFound,
        BankError::Invalid(errors) => AppError::Invalid(errors),
        BankError::Store(error) => error.into(),
    }
}

async fn add_question(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<QuestionForm>,
) -> Result<Response, AppError> {
    let parsed = parse_question(
        &form.competency,
        &form.track,
        &form.level,
        &form.prompt,
        &form.guidance,
    );
    let result = match parsed {
        Ok(question) => kits::add_question(state.app(), &me.account, &question).await,
        Err(errors) => Err(BankError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/staff/questions?notice=added").into_response()),
        Err(BankError::Invalid(errors)) => {
            let page = bank(&state, &me, &csrf, None, errors, None).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?.into_response())
        }
        Err(other) => Err(bank_error(other)),
    }
}

async fn edit_question(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<QuestionForm>,
) -> Result<Response, AppError> {
    // Who may edit is answered before what they sent.
    if !kits::may_edit_bank(state.app(), &me.account).await? {
        return Err(AppError::Forbidden);
    }
    let question = parse_question(
        &form.competency,
        &form.track,
        &form.level,
        &form.prompt,
        &form.guidance,
    )
    .map_err(AppError::Invalid)?;
    kits::update_question(state.app(), &me.account, id, &question)
        .await
        .map_err(bank_error)?;
    Ok(Redirect::to("/staff/questions?notice=saved").into_response())
}

#[derive(serde::Deserialize)]
struct RetireForm {
    #[serde(default)]
    retired: String,
}

async fn retire_question(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RetireForm>,
) -> Result<Response, AppError> {
    let retired = form.retired != "no";
    kits::set_retired(state.app(), &me.account, id, retired)
        .await
        .map_err(bank_error)?;
    let notice = if retired { "retired" } else { "restored" };
    Ok(Redirect::to(&format!("/staff/questions?notice={notice}")).into_response())
}
