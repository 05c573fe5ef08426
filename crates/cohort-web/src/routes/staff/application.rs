//! One application as staff see it: the detail page (choices, history, notes, assessments and
//! the résumé's text), moving it to another stage, adding a note, and the résumé itself.

use crate::auth::{Csrf, CsrfForm, Pipeline, Recruiting, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::{day, iso, time_in, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono_tz::Tz;
use cohort_app::applications::move_application;
use cohort_domain::input::Text;
use cohort_domain::stage::next_stages;
use cohort_domain::{RejectionReason, Stage};
use cohort_store::accounts::Account;
use cohort_store::applications::ApplicationRecord;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/applications/{id}", get(detail))
        .route("/staff/applications/{id}/transition", post(transition))
        .route("/staff/applications/{id}/notes", post(add_note))
        .route("/staff/applications/{id}/resume", get(resume))
}

struct HistoryRow {
    when: String,
    from: String,
    to: String,
    who: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "staff/detail.html")]
struct DetailPage {
    layout: Layout,
    record: ApplicationRecord,
    stage: Stage,
    choices: Vec<cohort_store::applications::ChoiceRecord>,
    history: Vec<HistoryRow>,
    notes: Vec<cohort_store::applications::NoteRecord>,
    next: Vec<Stage>,
    reasons: Vec<RejectionReason>,
    error: Option<String>,
    submitted: String,
    assessments: Vec<crate::routes::assessment::results::AssessmentResult>,
    can_extend: bool,
    /// The text extracted from the résumé, as the search indexes it.
    resume_text: String,
    /// The application's offer, with its state's label, if it has one.
    offer: Option<(i64, &'static str)>,
}

async fn detail_page(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    id: i64,
    error: Option<String>,
    flash: Option<String>,
) -> Result<DetailPage, AppError> {
    let record = state.store().application(id).await?;
    let stage = record.stage();
    let history = state
        .store()
        .history(id)
        .await?
        .into_iter()
        .map(|row| HistoryRow {
            when: format!(
                "{} {}",
                day(row.at),
                time_in(row.at, Tz::UTC)
                    .rsplit(", ")
                    .next()
                    .unwrap_or_default()
            ),
            from: row
                .from_stage
                .as_deref()
                .and_then(Stage::parse)
                .map(|s| s.staff_label().to_owned())
                .unwrap_or_else(|| "—".into()),
            to: Stage::parse(&row.to_stage)
                .map(|s| s.staff_label().to_owned())
                .unwrap_or_default(),
            who: row.actor_name.unwrap_or_else(|| "System".into()),
            reason: match row.reason_code.as_deref().and_then(RejectionReason::parse) {
                Some(code) if row.reason.is_empty() => code.label().to_owned(),
                Some(code) => format!("{}: {}", code.label(), row.reason),
                None => row.reason,
            },
        })
        .collect();
    Ok(DetailPage {
        layout: Layout::for_account(record.candidate_name.clone(), Some(account), csrf)
            .with_flash(flash),
        choices: state.store().choices(id).await?,
        notes: state.store().notes(id).await?,
        next: next_stages(stage, &account.roles),
        reasons: RejectionReason::CHOICES.to_vec(),
        submitted: iso(record.created_at),
        assessments: crate::routes::assessment::results::results_of(state, id).await?,
        can_extend: <Recruiting as crate::auth::Policy>::allows(account),
        resume_text: state.store().resume_text(id).await?,
        offer: state
            .store()
            .offer_of_application(id)
            .await?
            .map(|offer| (offer.id, offer.state.label())),
        stage,
        history,
        record,
        error,
    })
}

#[derive(serde::Deserialize, Default)]
struct DetailQuery {
    notice: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, AppError> {
    let flash = match query.notice.as_deref() {
        Some("moved") => Some("Stage updated; the candidate has been notified.".to_owned()),
        Some("noted") => Some("Note added.".to_owned()),
        Some("extended") => Some(
            "The deadline to start was extended; the candidate has been emailed the new one."
                .to_owned(),
        ),
        _ => None,
    };
    Ok(
        render(&detail_page(&state, &staff.account, &csrf, id, None, flash).await?)?
            .into_response(),
    )
}

#[derive(serde::Deserialize)]
struct TransitionForm {
    to: String,
    #[serde(default)]
    reason_code: String,
    #[serde(default)]
    reason: String,
}

async fn transition(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<TransitionForm>,
) -> Result<Response, AppError> {
    let record = state.store().application(id).await?;
    let outcome = async {
        let to = Stage::parse(&form.to)
            .ok_or_else(|| AppError::BadRequest("Choose the stage to move to.".into()))?;
        let reason_code = match form.reason_code.as_str() {
            "" => None,
            code => Some(
                RejectionReason::parse(code)
                    .filter(|r| RejectionReason::CHOICES.contains(r))
                    .ok_or_else(|| AppError::BadRequest("Choose a reason from the list.".into()))?,
            ),
        };
        let reason = Text::optional(&form.reason, "the reason", 500)
            .map_err(|e| AppError::BadRequest(e.0))?;
        Ok(move_application(
            state.app(),
            &staff.account,
            &record,
            to,
            reason_code,
            reason.as_str(),
        )
        .await?)
    }
    .await;
    match outcome {
        Ok(()) => {
            Ok(Redirect::to(&format!("/staff/applications/{id}?notice=moved")).into_response())
        }
        Err(error @ (AppError::BadRequest(_) | AppError::Conflict(_))) => {
            let status = error.status();
            let page = detail_page(
                &state,
                &staff.account,
                &csrf,
                id,
                Some(error.to_string()),
                None,
            )
            .await?;
            crate::html::render_status(status, &page)
        }
        Err(other) => Err(other),
    }
}

#[derive(serde::Deserialize)]
struct NoteForm {
    body: String,
}

async fn add_note(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<Response, AppError> {
    state.store().application(id).await?;
    match Text::required(&form.body, "the note", 5000) {
        Ok(body) => {
            state
                .store()
                .add_note(id, staff.account.user.id, body.as_str(), state.now())
                .await?;
            Ok(
                Redirect::to(&format!("/staff/applications/{id}?notice=noted#notes"))
                    .into_response(),
            )
        }
        Err(error) => {
            let page = detail_page(&state, &staff.account, &csrf, id, Some(error.0), None).await?;
            crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct ResumeQuery {
    /// `1` to show a PDF in the application's page rather than download it.
    #[serde(default)]
    inline: Option<String>,
}

async fn resume(
    State(state): State<AppState>,
    _staff: Require<Pipeline>,
    Path(id): Path<i64>,
    Query(query): Query<ResumeQuery>,
) -> Result<Response, AppError> {
    let record = state.store().application(id).await?;
    let mut response = crate::routes::candidate::status::resume_download(&state, &record)?;
    if query.inline.as_deref() == Some("1")
        && crate::upload::ResumeKind::parse(&record.resume_kind)
            == Some(crate::upload::ResumeKind::Pdf)
    {
        // Shown in a frame of this site's application page only, with nothing of its own to run.
        let headers = response.headers_mut();
        headers.insert(
            axum::http::header::CONTENT_DISPOSITION,
            axum::http::HeaderValue::from_static("inline"),
        );
        headers.insert(
            axum::http::header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static(
                "default-src 'none'; object-src 'self'; plugin-types application/pdf; frame-ancestors 'self'",
            ),
        );
    }
    Ok(response)
}
