//! The case studies of the newest season, for recruiters and bar raisers: one per track and
//! technical area, each with the prompt candidates receive ahead of their interview and whether
//! they upload a deliverable. Every rule is the app's (`interviews::case_studies`).

use crate::auth::{Csrf, CsrfForm, Require, StaffOnly};
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
use cohort_app::interviews::case_studies::{self, CaseError};
use cohort_domain::interviews::case_study::{CaseStudyForm, MAX_DAYS_AHEAD};
use cohort_domain::interviews::CompetencyKind;
use cohort_domain::FieldErrors;
use cohort_store::interviews::case_studies::CaseStudyRecord;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/case-studies", get(cases_page).post(add_case))
        .route("/staff/case-studies/{id}", post(edit_case))
}

#[derive(Template)]
#[template(path = "interviews/case_studies.html")]
struct CasesPage {
    layout: Layout,
    season: String,
    cases: Vec<CaseStudyRecord>,
    tracks: Vec<(i64, String)>,
    areas: Vec<(i64, String)>,
    /// The form being shown again with its errors: the case's id (0 for a new one), as typed.
    typed: Option<(i64, CaseStudyForm)>,
    errors: FieldErrors,
    error: Option<String>,
    max_days: u32,
}

impl CasesPage {
    /// The form of case `id` (0 for the new-case form): as typed after a refusal, else as saved.
    fn form_of(&self, id: &i64) -> CaseStudyForm {
        if let Some((typed_id, form)) = &self.typed {
            if typed_id == id {
                return form.clone();
            }
        }
        match self.cases.iter().find(|c| c.id == *id) {
            Some(case) => CaseStudyForm {
                track: case.track_id.to_string(),
                area: case.area_id.to_string(),
                title: case.title.clone(),
                prompt: case.prompt.clone(),
                wants_deliverable: case.wants_deliverable(),
                days_ahead: case.days_ahead.to_string(),
            },
            None => CaseStudyForm {
                wants_deliverable: true,
                days_ahead: "3".to_owned(),
                ..CaseStudyForm::default()
            },
        }
    }

    /// The errors to show beside the form of case `id`.
    fn errors_of(&self, id: &i64) -> FieldErrors {
        match &self.typed {
            Some((typed_id, _)) if typed_id == id => self.errors.clone(),
            _ => FieldErrors::new(),
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    me: &Require<StaffOnly>,
    csrf: &Csrf,
    flash: Option<String>,
    refused: Option<(i64, CaseStudyForm, FieldErrors, String)>,
) -> Result<CasesPage, AppError> {
    if !case_studies::may_edit(state.app(), &me.account).await? {
        return Err(AppError::Forbidden);
    }
    let season = state.store().seasons().await?.into_iter().next();
    let (season_name, cases, tracks) = match &season {
        Some(season) => (
            season.name.clone(),
            state.store().case_studies(season.id).await?,
            state
                .store()
                .tracks(season.id)
                .await?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect(),
        ),
        None => (String::new(), Vec::new(), Vec::new()),
    };
    let areas = state
        .store()
        .competencies()
        .await?
        .into_iter()
        .filter(|c| c.kind == CompetencyKind::Technical)
        .map(|c| (c.id, c.name))
        .collect();
    let (typed, errors, error) = match refused {
        Some((id, form, errors, why)) => (Some((id, form)), errors, Some(why)),
        None => (None, FieldErrors::new(), None),
    };
    Ok(CasesPage {
        layout: Layout::for_account("Case studies", Some(&me.account), csrf).with_flash(flash),
        season: season_name,
        cases,
        tracks,
        areas,
        typed,
        errors,
        error,
        max_days: MAX_DAYS_AHEAD,
    })
}

async fn cases_page(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let flash = match query.notice.as_deref() {
        Some("saved") => Some(
            "Case saved. Candidates whose loop has that interview see the prompt when it is due."
                .to_owned(),
        ),
        _ => None,
    };
    Ok(render(&page(&state, &me, &csrf, flash, None).await?)?.into_response())
}

#[derive(serde::Deserialize)]
struct CaseFields {
    #[serde(default)]
    track: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    prompt: String,
    deliverable: Option<String>,
    #[serde(default)]
    days_ahead: String,
}

impl CaseFields {
    fn form(self) -> CaseStudyForm {
        CaseStudyForm {
            track: self.track,
            area: self.area,
            title: self.title,
            prompt: self.prompt,
            wants_deliverable: self.deliverable.is_some(),
            days_ahead: self.days_ahead,
        }
    }
}

async fn save(
    state: &AppState,
    me: &Require<StaffOnly>,
    csrf: &Csrf,
    id: Option<i64>,
    form: CaseStudyForm,
) -> Result<Response, AppError> {
    let Some(season) = state.store().seasons().await?.into_iter().next() else {
        return Err(AppError::Conflict(
            "Create a season first: cases belong to a season's tracks.".into(),
        ));
    };
    let result = case_studies::save(state.app(), &me.account, season.id, id, &form).await;
    let (status, errors, why) = match result {
        Ok(_) => return Ok(Redirect::to("/staff/case-studies?notice=saved").into_response()),
        Err(CaseError::Forbidden) => return Err(AppError::Forbidden),
        Err(CaseError::NotFound) => return Err(AppError::NotFound),
        Err(CaseError::Store(error)) => return Err(error.into()),
        Err(CaseError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            "Nothing was saved: some fields need attention.".to_owned(),
        ),
        Err(error) => (StatusCode::CONFLICT, FieldErrors::new(), error.to_string()),
    };
    let page = page(
        state,
        me,
        csrf,
        None,
        Some((id.unwrap_or(0), form, errors, why)),
    )
    .await?;
    Ok(render_status(status, &page)?.into_response())
}

async fn add_case(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    CsrfForm(fields): CsrfForm<CaseFields>,
) -> Result<Response, AppError> {
    save(&state, &me, &csrf, None, fields.form()).await
}

async fn edit_case(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<CaseFields>,
) -> Result<Response, AppError> {
    save(&state, &me, &csrf, Some(id), fields.form()).await
}
