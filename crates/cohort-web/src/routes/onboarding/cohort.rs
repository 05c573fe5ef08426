//! A season's interns as staff follow them: each intern's progress and overdue tasks, who starts
//! next week, the orientation sessions (and adding one, which invites the interns of its start
//! date), the interns as CSV, and each track's checklist template.

use crate::auth::{Csrf, CsrfForm, Pipeline, Recruiting, Require};
use crate::error::AppError;
use crate::html::render_status;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::onboarding::{self as cases, OnboardingError, SessionForm};
use cohort_domain::onboarding::{Progress, TaskForm, TaskKind, TaskOwner, TemplateTask};
use cohort_store::onboarding::{InternRecord, SessionRecord};
use cohort_store::seasons::TrackRecord;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/onboarding", get(newest_season))
        .route("/staff/seasons/{id}/onboarding", get(cohort_page))
        .route("/staff/seasons/{id}/onboarding/sessions", post(add_session))
        .route("/staff/seasons/{id}/interns.csv", get(interns_csv))
        .route(
            "/staff/seasons/{id}/onboarding/template",
            get(template_page).post(save_template),
        )
}

async fn newest_season(
    State(state): State<AppState>,
    _staff: Require<Pipeline>,
) -> Result<Response, AppError> {
    match state.store().seasons().await?.into_iter().next() {
        Some(season) => {
            Ok(Redirect::to(&format!("/staff/seasons/{}/onboarding", season.id)).into_response())
        }
        None => Ok(Redirect::to("/staff").into_response()),
    }
}

/// One intern's line.
struct InternLine {
    intern: InternRecord,
    progress: Progress,
    starts_soon: bool,
}

#[derive(Template)]
#[template(path = "onboarding/cohort.html")]
struct CohortPage {
    layout: Layout,
    season_id: i64,
    season_name: String,
    interns: Vec<InternLine>,
    total: Progress,
    sessions: Vec<SessionRecord>,
    may_edit: bool,
    session_form: SessionForm,
    error: Option<String>,
}

impl CohortPage {
    fn when(&self, session: &SessionRecord) -> String {
        let at = |s: i64| chrono::DateTime::from_timestamp(s, 0).unwrap_or_default();
        format!(
            "{} to {} UTC",
            at(session.starts_at).format("%a %-d %b %Y, %H:%M"),
            at(session.ends_at).format("%H:%M")
        )
    }
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn cohort_view(
    state: &AppState,
    account: &cohort_store::accounts::Account,
    csrf: &Csrf,
    season_id: i64,
    flash: Option<String>,
    refused: Option<(SessionForm, String)>,
) -> Result<CohortPage, AppError> {
    let season = state.store().season(season_id).await?;
    let rows = state.store().onboarding_progress_rows(season_id).await?;
    let mut interns = Vec::new();
    let mut total = Progress::default();
    for intern in state.store().season_interns(season_id).await? {
        // Overdue as the intern's own page counts it: by the day in their time zone.
        let zone: chrono_tz::Tz = intern.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let today = state.app().now_utc().with_timezone(&zone).date_naive();
        let progress = Progress::of(
            rows.iter()
                .filter(|(offer, _, _)| *offer == intern.offer_id)
                .map(|(_, done, due)| {
                    (
                        done.is_some(),
                        chrono::NaiveDate::parse_from_str(due, "%Y-%m-%d").unwrap_or(today),
                    )
                }),
            today,
        );
        total.done += progress.done;
        total.total += progress.total;
        total.overdue += progress.overdue;
        let start =
            chrono::NaiveDate::parse_from_str(&intern.start_date, "%Y-%m-%d").unwrap_or(today);
        interns.push(InternLine {
            starts_soon: start >= today && start <= today + chrono::Duration::days(7),
            progress,
            intern,
        });
    }
    let (session_form, error) = match refused {
        Some((form, why)) => (form, Some(why)),
        None => (
            SessionForm {
                minutes: "90".into(),
                time_zone: "America/Los_Angeles".into(),
                ..SessionForm::default()
            },
            None,
        ),
    };
    Ok(CohortPage {
        layout: Layout::for_account(format!("Onboarding · {}", season.name), Some(account), csrf)
            .with_flash(flash),
        season_id,
        season_name: season.name,
        interns,
        total,
        sessions: state.store().orientation_sessions(season_id, None).await?,
        may_edit: account.has(cohort_domain::Role::Administrator)
            || account.has(cohort_domain::Role::Recruiter),
        session_form,
        error,
    })
}

async fn cohort_page(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let flash = query
        .notice
        .as_deref()
        .and_then(|n| n.strip_prefix("session-"))
        .map(|n| {
            format!("Session added; {n} intern(s) starting that day were sent an invitation.")
        });
    let page = cohort_view(&state, &staff.account, &csrf, season_id, flash, None).await?;
    render_status(StatusCode::OK, &page)
}

async fn add_session(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(form): CsrfForm<SessionForm>,
) -> Result<Response, AppError> {
    state.store().season(season_id).await?;
    match cases::add_session(state.app(), &staff.account, season_id, &form).await {
        Ok((_, invited)) => Ok(Redirect::to(&format!(
            "/staff/seasons/{season_id}/onboarding?notice=session-{invited}"
        ))
        .into_response()),
        Err(OnboardingError::Invalid(errors)) => {
            let why = errors
                .errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ");
            let page = cohort_view(
                &state,
                &staff.account,
                &csrf,
                season_id,
                None,
                Some((form, why)),
            )
            .await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(OnboardingError::Forbidden(why)) => Err(AppError::ForbiddenBecause(why.to_owned())),
        Err(OnboardingError::Store(error)) => Err(error.into()),
        Err(other) => Err(AppError::internal(other)),
    }
}

/// The season's accepted interns as CSV, for provisioning by hand or payroll.
async fn interns_csv(
    State(state): State<AppState>,
    _staff: Require<Recruiting>,
    Path(season_id): Path<i64>,
) -> Result<Response, AppError> {
    state.store().season(season_id).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::internal(e);
    writer
        .write_record([
            "user_id",
            "name",
            "email",
            "title",
            "track",
            "city",
            "country",
            "time_zone",
            "start_date",
            "end_date",
            "manager",
            "manager_email",
        ])
        .map_err(fail)?;
    for intern in state.store().season_interns(season_id).await? {
        writer
            .write_record([
                intern.user_id.to_string(),
                intern.name,
                intern.email,
                intern.title,
                intern.track_name,
                intern.city,
                intern.country,
                intern.time_zone,
                intern.start_date,
                intern.end_date,
                intern.manager_name.unwrap_or_default(),
                intern.manager_email.unwrap_or_default(),
            ])
            .map_err(fail)?;
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"interns-season-{season_id}.csv\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(serde::Deserialize, Default)]
struct TrackQuery {
    track: Option<i64>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "onboarding/template.html")]
struct TemplatePage {
    layout: Layout,
    season_id: i64,
    season_name: String,
    tracks: Vec<TrackRecord>,
    track_id: i64,
    /// The rows as shown (saved, or as typed after a refusal), plus empty rows to add tasks.
    rows: Vec<TaskForm>,
    owners: Vec<TaskOwner>,
    kinds: Vec<TaskKind>,
    error: Option<String>,
}

fn rows_of(tasks: &[TemplateTask]) -> Vec<TaskForm> {
    tasks
        .iter()
        .map(|t| TaskForm {
            title: t.title.clone(),
            description: t.description.clone(),
            owner: t.owner.as_str().to_owned(),
            kind: t.kind.as_str().to_owned(),
            due_offset_days: t.due_offset_days.to_string(),
            link: t.link.clone(),
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn template_view(
    state: &AppState,
    account: &cohort_store::accounts::Account,
    csrf: &Csrf,
    season_id: i64,
    track: Option<i64>,
    typed: Option<(Vec<TaskForm>, String)>,
    flash: Option<String>,
) -> Result<TemplatePage, AppError> {
    let season = state.store().season(season_id).await?;
    let tracks = state.store().tracks(season_id).await?;
    let track_id = match track {
        Some(id) if tracks.iter().any(|t| t.id == id) => id,
        Some(_) => return Err(AppError::NotFound),
        None => tracks.first().map(|t| t.id).ok_or(AppError::NotFound)?,
    };
    let (mut rows, error) = match typed {
        Some((rows, why)) => (rows, Some(why)),
        None => (
            rows_of(&cases::template(state.app(), track_id).await?),
            None,
        ),
    };
    for _ in 0..3 {
        rows.push(TaskForm {
            owner: "intern".into(),
            kind: "form".into(),
            due_offset_days: "0".into(),
            ..TaskForm::default()
        });
    }
    Ok(TemplatePage {
        layout: Layout::for_account(
            format!("Onboarding checklist · {}", season.name),
            Some(account),
            csrf,
        )
        .with_flash(flash),
        season_id,
        season_name: season.name,
        tracks,
        track_id,
        rows,
        owners: TaskOwner::ALL.to_vec(),
        kinds: TaskKind::ALL.to_vec(),
        error,
    })
}

async fn template_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    Query(query): Query<TrackQuery>,
) -> Result<Response, AppError> {
    let flash = (query.notice.as_deref() == Some("saved"))
        .then(|| "Checklist saved. Interns who accept from now on get it.".to_owned());
    let page = template_view(
        &state,
        &staff.account,
        &csrf,
        season_id,
        query.track,
        None,
        flash,
    )
    .await?;
    render_status(StatusCode::OK, &page)
}

/// The template's form: parallel lists, one entry per row.
#[derive(serde::Deserialize)]
struct TemplateForm {
    track: i64,
    #[serde(default)]
    title: Vec<String>,
    #[serde(default)]
    description: Vec<String>,
    #[serde(default)]
    owner: Vec<String>,
    #[serde(default)]
    kind: Vec<String>,
    #[serde(default)]
    due_offset_days: Vec<String>,
    #[serde(default)]
    link: Vec<String>,
}

async fn save_template(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(form): CsrfForm<TemplateForm>,
) -> Result<Response, AppError> {
    let tracks = state.store().tracks(season_id).await?;
    if !tracks.iter().any(|t| t.id == form.track) {
        return Err(AppError::NotFound);
    }
    let at = |list: &Vec<String>, i: usize| list.get(i).cloned().unwrap_or_default();
    let rows: Vec<TaskForm> = (0..form.title.len())
        .map(|i| TaskForm {
            title: at(&form.title, i),
            description: at(&form.description, i),
            owner: at(&form.owner, i),
            kind: at(&form.kind, i),
            due_offset_days: at(&form.due_offset_days, i),
            link: at(&form.link, i),
        })
        .filter(|row| !row.title.trim().is_empty())
        .collect();
    let mut tasks = Vec::new();
    let mut problems = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        match row.parse() {
            Ok(task) => tasks.push(task),
            Err(errors) => problems.push(format!(
                "Task {} ({}): {}",
                index + 1,
                row.title.trim(),
                errors
                    .errors
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        }
    }
    if tasks.len() > 40 {
        problems.push("A checklist has at most 40 tasks.".to_owned());
    }
    if !problems.is_empty() {
        let page = template_view(
            &state,
            &staff.account,
            &csrf,
            season_id,
            Some(form.track),
            Some((rows, problems.join(" "))),
            None,
        )
        .await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    match cases::save_template(state.app(), &staff.account, form.track, &tasks).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/staff/seasons/{season_id}/onboarding/template?track={}&notice=saved",
            form.track
        ))
        .into_response()),
        Err(OnboardingError::Forbidden(why)) => Err(AppError::ForbiddenBecause(why.to_owned())),
        Err(OnboardingError::Store(error)) => Err(error.into()),
        Err(other) => Err(AppError::internal(other)),
    }
}
