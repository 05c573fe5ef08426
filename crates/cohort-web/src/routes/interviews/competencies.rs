//! The company's competencies: the technical areas interviews assess and the principles they
//! listen for. Administrators add, rename, mark as key and remove them.

use crate::auth::{AdminOnly, Csrf, CsrfForm, Require};
use crate::error::AppError;
use crate::html::{render, render_status};
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::interviews::{self, InterviewsError};
use cohort_domain::interviews::{competency_name, CompetencyKind};
use cohort_domain::FieldErrors;
use cohort_store::accounts::Account;
use cohort_store::interviews::CompetencyRecord;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/competencies",
            get(competencies_page).post(add_competency),
        )
        .route("/admin/competencies/{id}", post(update_competency))
        .route("/admin/competencies/{id}/delete", post(remove_competency))
}

#[derive(Template)]
#[template(path = "interviews/competencies.html")]
struct CompetenciesPage {
    layout: Layout,
    /// (heading, whether these are principles, the list).
    sections: Vec<(&'static str, bool, Vec<CompetencyRecord>)>,
    errors: FieldErrors,
    name: String,
    kind: String,
}

#[derive(serde::Deserialize)]
struct PageQuery {
    notice: Option<String>,
}

async fn page_for(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    errors: FieldErrors,
    typed: Option<&NewForm>,
    flash: Option<String>,
) -> Result<CompetenciesPage, AppError> {
    let (technical, principles) = state
        .store()
        .competencies()
        .await?
        .into_iter()
        .partition(|c| c.kind == CompetencyKind::Technical);
    Ok(CompetenciesPage {
        layout: Layout::for_account("Competencies", Some(account), csrf).with_flash(flash),
        sections: vec![
            ("Principles", true, principles),
            ("Technical areas", false, technical),
        ],
        errors,
        name: typed.map(|t| t.name.clone()).unwrap_or_default(),
        kind: typed.map_or_else(|| "principle".to_owned(), |t| t.kind.clone()),
    })
}

async fn competencies_page(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    csrf: Csrf,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let flash = match query.notice.as_deref() {
        Some("added") => Some("Competency added.".to_owned()),
        Some("saved") => Some("Competency saved.".to_owned()),
        Some("removed") => Some("Competency removed.".to_owned()),
        _ => None,
    };
    let page = page_for(
        &state,
        &admin.account,
        &csrf,
        FieldErrors::new(),
        None,
        flash,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
struct NewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    key: Option<String>,
}

async fn add_competency(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<NewForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", competency_name(&form.name));
    let kind = errors.take(
        "kind",
        CompetencyKind::parse(&form.kind).ok_or("Choose a technical area or a principle."),
    );
    if let (Some(name), Some(kind)) = (name, kind) {
        let key = form.key.is_some() && kind == CompetencyKind::Principle;
        match interviews::add_competency(state.app(), &name, kind, key).await {
            Ok(_) => return Ok(Redirect::to("/admin/competencies?notice=added").into_response()),
            Err(InterviewsError::NameTaken) => {
                errors.add("name", InterviewsError::NameTaken.to_string())
            }
            Err(other) => return Err(other.into()),
        }
    }
    let page = page_for(&state, &admin.account, &csrf, errors, Some(&form), None).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(serde::Deserialize)]
struct EditForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    key: Option<String>,
}

async fn update_competency(
    State(state): State<AppState>,
    _admin: Require<AdminOnly>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<Response, AppError> {
    let name = competency_name(&form.name).map_err(AppError::BadRequest)?;
    let competency = state
        .store()
        .competencies()
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    // Only a principle can be a key principle: the coverage view counts principles.
    let key = form.key.is_some() && competency.kind == CompetencyKind::Principle;
    interviews::update_competency(state.app(), id, &name, key).await?;
    Ok(Redirect::to("/admin/competencies?notice=saved").into_response())
}

async fn remove_competency(
    State(state): State<AppState>,
    _admin: Require<AdminOnly>,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    interviews::remove_competency(state.app(), id).await?;
    Ok(Redirect::to("/admin/competencies?notice=removed").into_response())
}
