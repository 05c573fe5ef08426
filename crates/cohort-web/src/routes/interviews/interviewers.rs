//! Interviewers as recruiters manage them: the list, and one interviewer's profile, tracks,
//! bar-raiser flag and training.

use super::profile::{
    calendar_view, training_rows, training_states, CalendarView, ProfileInput, TrainingRow,
    COMMON_ZONES,
};
use crate::auth::{Csrf, CsrfForm, Recruiting, Require};
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
use cohort_app::interviews::profiles;
use cohort_domain::interviews::profile::TrainingState;
use cohort_domain::interviews::Competency;
use cohort_domain::season::DEFAULT_TRACKS;
use cohort_domain::FieldErrors;
use cohort_store::accounts::Account;
use cohort_store::interviews::profiles::Interviewer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/interviewers", get(list_page))
        .route(
            "/staff/interviewers/{id}",
            get(interviewer_page).post(save_profile),
        )
        .route("/staff/interviewers/{id}/staffing", post(save_staffing))
        .route("/staff/interviewers/{id}/training", post(save_training))
}

/// One interviewer in the list.
struct ListRow {
    user_id: i64,
    name: String,
    zone: String,
    tracks: String,
    bar_raiser: bool,
    qualified: usize,
    training: usize,
}

#[derive(Template)]
#[template(path = "interviews/interviewers.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<ListRow>,
}

async fn list_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
) -> Result<Response, AppError> {
    let rows = state
        .store()
        .interviewers()
        .await?
        .into_iter()
        .map(|i| ListRow {
            user_id: i.user_id,
            zone: i
                .profile
                .as_ref()
                .map_or_else(String::new, |p| p.time_zone.name().to_owned()),
            tracks: i.tracks.join(", "),
            bar_raiser: i.bar_raiser,
            qualified: i
                .training
                .values()
                .filter(|t| t.state == TrainingState::Qualified)
                .count(),
            training: i
                .training
                .values()
                .filter(|t| t.state != TrainingState::Qualified)
                .count(),
            name: i.name,
        })
        .collect();
    let page = ListPage {
        layout: Layout::for_account("Interviewers", Some(&staff.account), &csrf),
        rows,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "interviews/interviewer.html")]
struct InterviewerPage {
    layout: Layout,
    interviewer: Interviewer,
    /// Where the profile form posts.
    profile_action: String,
    form: ProfileInput,
    errors: FieldErrors,
    /// (track name, served) for the staffing form.
    tracks: Vec<(String, bool)>,
    training: Vec<TrainingRow>,
    /// Competencies the interviewer has no training in yet.
    untrained: Vec<Competency>,
    states: Vec<(&'static str, &'static str)>,
    zones: &'static [&'static str],
    calendar: CalendarView,
}

#[derive(serde::Deserialize)]
struct PageQuery {
    notice: Option<String>,
}

async fn page_for(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    user_id: i64,
    submitted: Option<(ProfileInput, FieldErrors)>,
    flash: Option<String>,
) -> Result<InterviewerPage, AppError> {
    let interviewer = state
        .store()
        .interviewer(user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let competencies: Vec<Competency> = state.store().competency_rules().await?;
    let mut track_names: Vec<String> = DEFAULT_TRACKS.iter().map(|t| t.to_string()).collect();
    // The default tracks first, then any other track of any season or of the profile, once.
    let others = state.store().track_names().await?;
    for name in others.into_iter().chain(interviewer.tracks.iter().cloned()) {
        if !track_names.contains(&name) {
            track_names.push(name);
        }
    }
    let calendar = calendar_view(state, &interviewer).await?;
    let (form, errors) = submitted.unwrap_or_else(|| {
        (
            ProfileInput::of(interviewer.profile.as_ref()),
            FieldErrors::new(),
        )
    });
    Ok(InterviewerPage {
        layout: Layout::for_account(interviewer.name.clone(), Some(account), csrf)
            .with_flash(flash),
        tracks: track_names
            .into_iter()
            .map(|name| {
                let served = interviewer.tracks.contains(&name);
                (name, served)
            })
            .collect(),
        training: training_rows(&interviewer, &competencies, state.config().graduation),
        untrained: competencies
            .into_iter()
            .filter(|c| !interviewer.training.contains_key(&c.id))
            .collect(),
        profile_action: format!("/staff/interviewers/{user_id}"),
        interviewer,
        form,
        errors,
        states: training_states(),
        zones: &COMMON_ZONES,
        calendar,
    })
}

async fn interviewer_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(user_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let flash = match query.notice.as_deref() {
        Some("saved") => Some("Profile saved.".to_owned()),
        Some("staffing") => Some("Tracks and bar-raiser role saved.".to_owned()),
        Some("training") => Some("Training saved.".to_owned()),
        _ => None,
    };
    let page = page_for(&state, &staff.account, &csrf, user_id, None, flash).await?;
    Ok(render(&page)?.into_response())
}

async fn save_profile(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(user_id): Path<i64>,
    CsrfForm(input): CsrfForm<ProfileInput>,
) -> Result<Response, AppError> {
    match input.domain_form().parse() {
        Ok(profile) => {
            profiles::save_profile(state.app(), user_id, &profile).await?;
            Ok(
                Redirect::to(&format!("/staff/interviewers/{user_id}?notice=saved"))
                    .into_response(),
            )
        }
        Err(errors) => {
            let submitted = Some((input, errors));
            let page = page_for(&state, &staff.account, &csrf, user_id, submitted, None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(serde::Deserialize)]
struct StaffingForm {
    #[serde(default)]
    bar_raiser: Option<String>,
    #[serde(default)]
    tracks: Vec<String>,
}

async fn save_staffing(
    State(state): State<AppState>,
    _staff: Require<Recruiting>,
    Path(user_id): Path<i64>,
    CsrfForm(form): CsrfForm<StaffingForm>,
) -> Result<Response, AppError> {
    let mut tracks: Vec<String> = form
        .tracks
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    tracks.sort();
    tracks.dedup();
    if tracks.len() > 20 || tracks.iter().any(|t| t.chars().count() > 80) {
        return Err(AppError::BadRequest("Choose tracks from the list.".into()));
    }
    profiles::set_staffing(state.app(), user_id, form.bar_raiser.is_some(), &tracks).await?;
    Ok(Redirect::to(&format!("/staff/interviewers/{user_id}?notice=staffing")).into_response())
}

#[derive(serde::Deserialize)]
struct TrainingForm {
    competency: i64,
    /// A training state, or empty to remove the competency.
    #[serde(default)]
    state: String,
}

async fn save_training(
    State(state): State<AppState>,
    _staff: Require<Recruiting>,
    Path(user_id): Path<i64>,
    CsrfForm(form): CsrfForm<TrainingForm>,
) -> Result<Response, AppError> {
    let training_state = match form.state.as_str() {
        "" => None,
        text => Some(
            TrainingState::parse(text)
                .ok_or_else(|| AppError::BadRequest("Choose a training state.".into()))?,
        ),
    };
    profiles::set_training_state(state.app(), user_id, form.competency, training_state).await?;
    Ok(Redirect::to(&format!(
        "/staff/interviewers/{user_id}?notice=training#training"
    ))
    .into_response())
}
