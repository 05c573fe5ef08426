//! Assessment templates: per track of a season, which problems a candidate gets, for how long,
//! in which languages, and what a passing score leads to.

use crate::auth::{Csrf, CsrfForm, Recruiting, Require};
use crate::error::AppError;
use crate::html::{render, render_status};
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use cohort_domain::assessment::{AssessmentForm, ASSESSMENT_LANGUAGES};
use cohort_domain::FieldErrors;
use cohort_store::accounts::Account;
use cohort_store::problems::{AssessmentInput, ProblemRecord, ProblemStatus};
use cohort_store::seasons::SeasonRecord;

/// Problem rows on the form; a track's assessment may use up to this many problems.
const PROBLEM_ROWS: usize = 4;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/staff/seasons/{id}/assessments",
        get(assessments_page).post(save),
    )
}

/// One track's form, filled from its saved assessment, or from what was just submitted.
struct TrackForm {
    track_id: i64,
    assessment_id: Option<i64>,
    track_name: String,
    saved: bool,
    duration: String,
    passing: String,
    start_within: String,
    counts: String,
    advance: String,
    languages: Vec<String>,
    /// (problem id or "", points), always [`PROBLEM_ROWS`] rows.
    rows: Vec<(String, String)>,
    errors: FieldErrors,
}

impl TrackForm {
    fn offers(&self, language: &&str) -> bool {
        self.languages.iter().any(|l| l == language)
    }
}

#[derive(Template)]
#[template(path = "assessment/assessments.html")]
struct AssessmentsPage {
    layout: Layout,
    season: SeasonRecord,
    tracks: Vec<TrackForm>,
    problems: Vec<ProblemRecord>,
    languages: &'static [(&'static str, &'static str)],
}

#[derive(serde::Deserialize)]
struct PageQuery {
    notice: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct SubmittedForm {
    track: i64,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    passing: String,
    #[serde(default)]
    start_within: String,
    #[serde(default)]
    counts: String,
    #[serde(default)]
    advance: String,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    problem: Vec<String>,
    #[serde(default)]
    points: Vec<String>,
}

async fn page_for(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    season_id: i64,
    submitted: Option<(SubmittedForm, FieldErrors)>,
    flash: Option<String>,
) -> Result<AssessmentsPage, AppError> {
    let season = state.store().season(season_id).await?;
    let saved = state.store().assessments(season_id).await?;
    let mut submitted = submitted;
    let mut tracks = Vec::new();
    for track in state.store().tracks(season_id).await? {
        let mut form = match saved.iter().find(|a| a.track_id == track.id) {
            Some(assessment) => TrackForm {
                track_id: track.id,
                assessment_id: Some(assessment.id),
                track_name: track.name.clone(),
                saved: true,
                duration: assessment.duration_minutes.to_string(),
                passing: assessment.passing_percent.to_string(),
                start_within: assessment.start_within_days.to_string(),
                counts: assessment.counts.clone(),
                advance: assessment.advance.clone(),
                languages: assessment.language_ids(),
                rows: state
                    .store()
                    .assessment_problems(assessment.id)
                    .await?
                    .into_iter()
                    .map(|p| (p.problem_id.to_string(), p.points.to_string()))
                    .collect(),
                errors: FieldErrors::new(),
            },
            None => TrackForm {
                track_id: track.id,
                assessment_id: None,
                track_name: track.name.clone(),
                saved: false,
                duration: "90".into(),
                passing: "60".into(),
                start_within: "7".into(),
                counts: "best".into(),
                advance: "recruiter".into(),
                languages: vec!["cpp".into(), "java".into(), "python3".into()],
                rows: Vec::new(),
                errors: FieldErrors::new(),
            },
        };
        if let Some((input, errors)) = submitted.take_if(|(input, _)| input.track == track.id) {
            form.duration = input.duration;
            form.passing = input.passing;
            form.start_within = input.start_within;
            form.counts = input.counts;
            form.advance = input.advance;
            form.languages = input.languages;
            form.rows = input.problem.into_iter().zip(input.points).collect();
            form.errors = errors;
        }
        form.rows.resize(
            PROBLEM_ROWS.max(form.rows.len()),
            (String::new(), "100".into()),
        );
        tracks.push(form);
    }
    Ok(AssessmentsPage {
        layout: Layout::for_account(
            format!("Assessments for {}", season.name),
            Some(account),
            csrf,
        )
        .with_flash(flash),
        season,
        tracks,
        problems: state.store().problems().await?,
        languages: &ASSESSMENT_LANGUAGES,
    })
}

async fn assessments_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let flash = query
        .notice
        .filter(|n| n == "saved")
        .map(|_| "Assessment saved.".to_owned());
    let page = page_for(&state, &staff.account, &csrf, season_id, None, flash).await?;
    Ok(render(&page)?.into_response())
}

async fn save(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(submitted): CsrfForm<SubmittedForm>,
) -> Result<Response, AppError> {
    let track = state.store().track(submitted.track).await?;
    if track.season_id != season_id {
        return Err(AppError::NotFound);
    }
    let problems = state.store().problems().await?;
    let form = AssessmentForm {
        duration_minutes: submitted.duration.clone(),
        passing_percent: submitted.passing.clone(),
        start_within_days: submitted.start_within.clone(),
        counts: submitted.counts.clone(),
        advance: submitted.advance.clone(),
        languages: submitted.languages.clone(),
        problems: submitted
            .problem
            .iter()
            .zip(&submitted.points)
            .filter(|(problem, _)| !problem.trim().is_empty())
            .map(|(problem, points)| (problem.clone(), points.clone()))
            .collect(),
    };
    // The problems as they stand, if candidates have been invited already.
    let mut existing_problems = None;
    if let Some(saved) = state
        .store()
        .assessments(season_id)
        .await?
        .into_iter()
        .find(|a| a.track_id == track.id)
    {
        if !state.store().invitations_to(saved.id).await?.is_empty() {
            existing_problems = Some(
                state
                    .store()
                    .assessment_problems(saved.id)
                    .await?
                    .into_iter()
                    .map(|p| (p.problem_id, p.points))
                    .collect::<Vec<_>>(),
            );
        }
    }
    let usable = |id: i64| {
        problems
            .iter()
            .any(|p| p.id == id && p.status() == ProblemStatus::Verified)
    };
    // Once candidates are invited, the problems and their points are what they were scored on:
    // changing them would rescore finished assessments and change running ones.
    let parsed = form.parse(usable).and_then(|settings| {
        let locked = existing_problems
            .as_ref()
            .is_some_and(|existing| existing != &settings.problems);
        if locked {
            let mut errors = cohort_domain::FieldErrors::new();
            errors.add(
                "problems",
                "Candidates have been invited to this assessment, so its problems and points can no longer change. Its other settings can.",
            );
            Err(errors)
        } else {
            Ok(settings)
        }
    });
    match parsed {
        Ok(settings) => {
            let input = AssessmentInput {
                season_id,
                track_id: track.id,
                duration_minutes: settings.duration_minutes,
                languages: settings.languages,
                passing_percent: settings.passing_percent,
                start_within_days: settings.start_within_days,
                counts: settings.counts.as_str().into(),
                advance: settings.advance.as_str().into(),
                problems: settings.problems,
            };
            cohort_app::assessment::save_settings(state.app(), &input).await?;
            Ok(Redirect::to(&format!(
                "/staff/seasons/{season_id}/assessments?notice=saved#track-{}",
                track.id
            ))
            .into_response())
        }
        Err(errors) => {
            let page = page_for(
                &state,
                &staff.account,
                &csrf,
                season_id,
                Some((submitted, errors)),
                None,
            )
            .await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
