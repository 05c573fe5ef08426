//! The staff side: seasons and their setup, the recruiter board, the candidate detail page,
//! stage moves (one or in bulk) and internal notes.

use super::optional_id;
use crate::auth::{Csrf, CsrfForm, Pipeline, Recruiting, Require, StaffOnly};
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
use cohort_app::applications::{move_application, MoveError};
use cohort_domain::input::Text;
use cohort_domain::season::{
    parse_amount, parse_date, parse_headcount, parse_local_time, parse_time_zone,
    ApplicationWindow, Currency, ProgramDates, DEFAULT_TRACKS,
};
use cohort_domain::stage::next_stages;
use cohort_domain::{FieldErrors, RejectionReason, Role, Stage};
use cohort_store::accounts::Account;
use cohort_store::applications::{ApplicationRecord, BoardQuery, BoardRow, BoardSort};
use cohort_store::seasons::{
    LocationRecord, NewOpening, OpeningChange, OpeningFilter, OpeningRecord, PayBandRecord,
    SeasonRecord, TrackRecord,
};
use cohort_store::{Store, StoreError};

pub const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(staff_home))
        .route("/staff/seasons", post(create_season))
        .route("/staff/seasons/{id}", get(board))
        .route("/staff/seasons/{id}/bulk", post(bulk_move))
        .route("/staff/seasons/{id}/setup", get(setup_page))
        .route(
            "/staff/openings/{id}/edit",
            get(edit_opening_form).post(edit_opening),
        )
        .route("/staff/seasons/{id}/tracks", post(add_track))
        .route("/staff/tracks/{id}", post(rename_track))
        .route("/staff/seasons/{id}/locations", post(add_location))
        .route("/staff/seasons/{id}/pay-bands", post(set_pay_band))
        .route("/staff/seasons/{id}/openings", post(add_opening))
        .route("/staff/applications/{id}", get(detail))
        .route("/staff/applications/{id}/transition", post(transition))
        .route("/staff/applications/{id}/notes", post(add_note))
        .route("/staff/applications/{id}/resume", get(resume))
}

struct SeasonSummary {
    season: SeasonRecord,
    total: i64,
    counts: Vec<(Stage, i64)>,
}

#[derive(Template)]
#[template(path = "staff_home.html")]
struct StaffHomePage {
    layout: Layout,
    sees_pipeline: bool,
    /// The roles whose tools are not the pipeline, each with what it can do now.
    other_roles: Vec<RoleHome>,
    can_create: bool,
    seasons: Vec<SeasonSummary>,
    errors: FieldErrors,
    name: String,
    program_start: String,
}

/// What a role outside the pipeline can do now, for its home page.
struct RoleHome {
    title: &'static str,
    now: &'static str,
    next: &'static str,
    links: Vec<(&'static str, &'static str)>,
}

impl RoleHome {
    fn of(role: Role) -> Option<RoleHome> {
        let account = ("/account", "Your account and sessions");
        match role {
            Role::Interviewer => Some(RoleHome {
                title: "Interviewing",
                now: "No interviews are assigned to you yet.",
                next: "When a recruiter puts you on a phone screen or a final loop, it appears here with the candidate's résumé, the Leadership Principles you assess and your feedback form. Other interviewers' feedback stays hidden until you submit yours.",
                links: vec![account, ("/", "Open roles this season")],
            }),
            Role::Mentor => Some(RoleHome {
                title: "Mentoring",
                now: "No intern is matched to you yet.",
                next: "Mentors are matched to interns before the program starts. Your intern, their 12-week project and your weekly check-ins will appear here.",
                links: vec![account],
            }),
            Role::Intern => Some(RoleHome {
                title: "Your internship",
                now: "Your program has not started yet.",
                next: "Onboarding (orientation, security training, access), your mentor and buddy, your project, weekly check-ins and networking events will appear here as the program begins.",
                links: vec![account],
            }),
            _ => None,
        }
    }
}

async fn staff_home(
    State(state): State<AppState>,
    staff: Require<StaffOnly>,
    csrf: Csrf,
) -> Result<Response, AppError> {
    let page = staff_home_page(
        &state,
        &staff.account,
        &csrf,
        FieldErrors::new(),
        String::new(),
        String::new(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

async fn staff_home_page(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    errors: FieldErrors,
    name: String,
    program_start: String,
) -> Result<StaffHomePage, AppError> {
    use crate::auth::Policy;
    let sees_pipeline = Pipeline::allows(account);
    let mut seasons = Vec::new();
    if sees_pipeline {
        for season in state.store().seasons().await? {
            let counts = state.stage_counts(season.id, None).await?;
            seasons.push(SeasonSummary {
                total: counts.iter().map(|(_, n)| n).sum(),
                counts,
                season,
            });
        }
    }
    let other_roles = account
        .roles
        .iter()
        .filter_map(|role| RoleHome::of(*role))
        .collect();
    Ok(StaffHomePage {
        layout: Layout::for_account(
            if sees_pipeline { "Seasons" } else { "Home" },
            Some(account),
            csrf,
        ),
        sees_pipeline,
        other_roles,
        can_create: Recruiting::allows(account),
        seasons,
        errors,
        name,
        program_start,
    })
}

#[derive(serde::Deserialize)]
struct SeasonForm {
    name: String,
    program_start: String,
    #[serde(default)]
    program_end: String,
}

async fn create_season(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<SeasonForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", Text::required(&form.name, "the season's name", 80));
    let start = errors.take(
        "program_start",
        parse_date(&form.program_start, "the first day of the program"),
    );
    let end = if form.program_end.trim().is_empty() {
        Some(None)
    } else {
        errors
            .take(
                "program_end",
                parse_date(&form.program_end, "the last day of the program"),
            )
            .map(Some)
    };
    let dates = match (start, end) {
        (Some(start), Some(end)) => errors.take("program_end", ProgramDates::new(start, end)),
        _ => None,
    };
    let (Some(name), Some(dates)) = (name, dates) else {
        let page = staff_home_page(
            &state,
            &staff.account,
            &csrf,
            errors,
            form.name,
            form.program_start,
        )
        .await?;
        return crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let mut tx = state.store().begin().await?;
    let season_id = match Store::create_season(
        &mut tx,
        name.as_str(),
        &dates.start().to_string(),
        &dates.end().to_string(),
        state.now(),
    )
    .await
    {
        Ok(id) => id,
        Err(StoreError::Conflict { .. }) => {
            let mut errors = FieldErrors::new();
            errors.add("name", "A season with this name exists already.");
            let page = staff_home_page(
                &state,
                &staff.account,
                &csrf,
                errors,
                form.name,
                form.program_start,
            )
            .await?;
            return crate::html::render_status(axum::http::StatusCode::CONFLICT, &page);
        }
        Err(other) => return Err(other.into()),
    };
    for track in DEFAULT_TRACKS {
        Store::create_track(&mut tx, season_id, track).await?;
    }
    Store::commit(tx).await?;
    Ok(Redirect::to(&format!("/staff/seasons/{season_id}/setup")).into_response())
}

#[derive(serde::Deserialize, Default, Clone)]
struct BoardParams {
    opening: Option<String>,
    stage: Option<String>,
    track: Option<String>,
    location: Option<String>,
    school: Option<String>,
    language: Option<String>,
    year: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
    moved: Option<i64>,
    skipped: Option<i64>,
}

impl BoardParams {
    /// The query string of these filters, without the page, for links that keep them.
    fn filters_query(&self) -> String {
        let pairs = [
            ("opening", &self.opening),
            ("stage", &self.stage),
            ("track", &self.track),
            ("location", &self.location),
            ("school", &self.school),
            ("language", &self.language),
            ("year", &self.year),
            ("q", &self.q),
            ("sort", &self.sort),
        ];
        pairs
            .iter()
            .filter_map(|(key, value)| {
                value
                    .as_deref()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{key}={}", urlencoding::encode(v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

struct StageCount {
    stage: Stage,
    count: i64,
    href: String,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    layout: Layout,
    season: SeasonRecord,
    opening: Option<OpeningRecord>,
    openings: Vec<OpeningRecord>,
    tracks: Vec<TrackRecord>,
    locations: Vec<LocationRecord>,
    counts: Vec<StageCount>,
    rows: Vec<BoardRow>,
    total: i64,
    total_is_lower_bound: bool,
    /// Whether a further page exists (known exactly even when the total is not).
    has_next: bool,
    page: i64,
    pages: i64,
    filters: String,
    params: BoardParams,
    sorts: Vec<BoardSort>,
    reasons: Vec<RejectionReason>,
    stages: Vec<Stage>,
}

impl BoardPage {
    fn selected(&self, value: &Option<String>, candidate: &str) -> bool {
        value.as_deref() == Some(candidate)
    }

    fn stage_label(&self, stage: &str) -> &'static str {
        Stage::parse(stage)
            .map(|s| s.staff_label())
            .unwrap_or("Unknown")
    }

    fn languages(&self, stored: &str) -> String {
        stored
            .split(',')
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn page_href(&self, page: i64) -> String {
        if self.filters.is_empty() {
            format!("?page={page}")
        } else {
            format!("?{}&page={page}", self.filters)
        }
    }
}

async fn board(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    Query(params): Query<BoardParams>,
) -> Result<Response, AppError> {
    let season = state.store().season(season_id).await?;
    let opening_id = optional_id(&params.opening);
    let opening = match opening_id {
        Some(id) => Some(state.store().opening(id).await?).filter(|o| o.season_id == season_id),
        None => None,
    };
    let stage = params.stage.as_deref().and_then(Stage::parse);
    let page = params.page.unwrap_or(1).max(1);
    let query = BoardQuery {
        season_id: Some(season_id),
        opening_id: opening.as_ref().map(|o| o.id),
        stage,
        track_id: optional_id(&params.track),
        location_id: optional_id(&params.location),
        school: params.school.clone(),
        language: params.language.clone(),
        graduation_year: optional_id(&params.year),
        text: params.q.clone(),
        sort: params
            .sort
            .as_deref()
            .and_then(BoardSort::parse)
            .unwrap_or_default(),
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    // Everything the page shows is independent: ask for it all at once.
    let opening_filter = OpeningFilter {
        season_id: Some(season_id),
        ..Default::default()
    };
    let (result, stage_counts, openings, tracks, locations) = tokio::try_join!(
        state.store().board(&query),
        state.stage_counts(season_id, opening.as_ref().map(|o| o.id)),
        state.store().openings(&opening_filter),
        state.store().tracks(season_id),
        state.store().locations(season_id),
    )?;
    // Without filters beyond the stage and opening, the stage counts are the exact number of
    // rows, so the list says what the counts say instead of "more than 250".
    let blank = |value: &Option<String>| value.as_deref().is_none_or(|v| v.trim().is_empty());
    let unfiltered = query.track_id.is_none()
        && query.location_id.is_none()
        && query.graduation_year.is_none()
        && blank(&query.school)
        && blank(&query.language)
        && blank(&query.text);
    let (total, total_is_lower_bound) = if unfiltered && result.total_is_lower_bound {
        let exact: i64 = stage_counts
            .iter()
            .filter(|(counted, _)| stage.is_none_or(|stage| stage == *counted))
            .map(|(_, count)| count)
            .sum();
        (exact.max(result.total), false)
    } else {
        (result.total, result.total_is_lower_bound)
    };
    let filters = params.filters_query();
    let base_without_stage = BoardParams {
        stage: None,
        page: None,
        moved: None,
        skipped: None,
        ..params.clone()
    }
    .filters_query();
    let counts = stage_counts
        .into_iter()
        .map(|(stage, count)| StageCount {
            stage,
            count,
            href: if base_without_stage.is_empty() {
                format!("?stage={}", stage.as_str())
            } else {
                format!("?{base_without_stage}&stage={}", stage.as_str())
            },
        })
        .collect();
    let flash = params.moved.map(|moved| {
        let skipped = params.skipped.unwrap_or(0);
        if skipped == 0 { format!("Moved {moved} applications.") } else { format!("Moved {moved} applications; {skipped} could not move from their stage and were left as they were.") }
    });
    let page_view = BoardPage {
        layout: Layout::for_account(
            format!("{} pipeline", season.name),
            Some(&staff.account),
            &csrf,
        )
        .with_flash(flash),
        openings,
        tracks,
        locations,
        season,
        opening,
        counts,
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        has_next: result.rows.len() as i64 == PAGE_SIZE
            && (total_is_lower_bound || page * PAGE_SIZE < total),
        rows: result.rows,
        total,
        total_is_lower_bound,
        page,
        filters,
        params,
        sorts: BoardSort::ALL.to_vec(),
        reasons: RejectionReason::ALL.to_vec(),
        stages: Stage::ALL
            .iter()
            .copied()
            .filter(|s| *s != Stage::Withdrawn)
            .collect(),
    };
    Ok(render(&page_view)?.into_response())
}

#[derive(serde::Deserialize)]
struct BulkForm {
    #[serde(default)]
    ids: Vec<i64>,
    action: String,
    #[serde(default)]
    reason_code: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    back: String,
}

/// Moves (or rejects) every selected application that may make the move; the others are left as
/// they were and counted.
async fn bulk_move(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    Path(season_id): Path<i64>,
    CsrfForm(form): CsrfForm<BulkForm>,
) -> Result<Response, AppError> {
    let to = Stage::parse(&form.action).ok_or_else(|| {
        AppError::BadRequest("Choose what to do with the selected applications.".into())
    })?;
    let reason_code = if to == Stage::Rejected {
        Some(
            RejectionReason::parse(&form.reason_code)
                .ok_or_else(|| AppError::BadRequest("Choose a reason for the rejection.".into()))?,
        )
    } else {
        None
    };
    if form.ids.is_empty() {
        return Err(AppError::BadRequest(
            "Select at least one application.".into(),
        ));
    }
    if form.ids.len() > 500 {
        return Err(AppError::BadRequest(
            "Select at most 500 applications at a time.".into(),
        ));
    }
    let reason =
        Text::optional(&form.reason, "the reason", 500).map_err(|e| AppError::BadRequest(e.0))?;
    let (mut moved, mut skipped) = (0, 0);
    for id in &form.ids {
        let record = match state.store().application(*id).await {
            Ok(record) if record.season_id == season_id => record,
            Ok(_) | Err(StoreError::NotFound) => {
                skipped += 1;
                continue;
            }
            Err(other) => return Err(other.into()),
        };
        match move_application(
            state.app(),
            &staff.account,
            &record,
            to,
            reason_code,
            reason.as_str(),
        )
        .await
        {
            Ok(()) => moved += 1,
            Err(MoveError::NotAllowed(_) | MoveError::Forbidden(_)) => skipped += 1,
            Err(MoveError::Store(error)) => return Err(error.into()),
        }
    }
    let back = crate::auth::safe_next(Some(&form.back))
        .filter(|b| b.starts_with(&format!("/staff/seasons/{season_id}")))
        .unwrap_or(format!("/staff/seasons/{season_id}"));
    let separator = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{separator}moved={moved}&skipped={skipped}")).into_response())
}

struct HistoryRow {
    when: String,
    from: String,
    to: String,
    who: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "detail.html")]
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
    assessments: Vec<super::results::AssessmentResult>,
    can_extend: bool,
    /// The text extracted from the résumé, as the search indexes it.
    resume_text: String,
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
        reasons: RejectionReason::ALL.to_vec(),
        submitted: iso(record.created_at),
        assessments: super::results::results_of(state, id).await?,
        can_extend: <Recruiting as crate::auth::Policy>::allows(account),
        resume_text: state.store().resume_text(id).await?,
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
    let mut response = super::apply::resume_download(&state, &record)?;
    if query.inline.as_deref() == Some("1") && record.resume_kind == "pdf" {
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

struct BandRow {
    track: String,
    location: String,
    pay: String,
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    layout: Layout,
    season: SeasonRecord,
    tracks: Vec<TrackRecord>,
    locations: Vec<LocationRecord>,
    bands: Vec<BandRow>,
    openings: Vec<OpeningRecord>,
    errors: FieldErrors,
    /// The part of the setup shown: `openings`, `tracks`, `locations` or `pay`.
    section: &'static str,
}

/// The setup's parts, each shown on its own so that none is a long scroll away.
const SETUP_SECTIONS: [(&str, &str); 4] = [
    ("openings", "Openings"),
    ("tracks", "Tracks"),
    ("locations", "Locations"),
    ("pay", "Pay bands"),
];

/// The section a setup address or a saved change belongs to.
fn setup_section(name: Option<&str>) -> &'static str {
    match name {
        Some("track" | "tracks") => "tracks",
        Some("location" | "locations") => "locations",
        Some("band" | "pay") => "pay",
        _ => "openings",
    }
}

impl SetupPage {
    fn sections(&self) -> &'static [(&'static str, &'static str)] {
        &SETUP_SECTIONS
    }
}

async fn setup_page_for(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    season_id: i64,
    errors: FieldErrors,
    flash: Option<String>,
    section: &'static str,
) -> Result<SetupPage, AppError> {
    let season = state.store().season(season_id).await?;
    let tracks = state.store().tracks(season_id).await?;
    let locations = state.store().locations(season_id).await?;
    let bands = state
        .store()
        .pay_bands(season_id)
        .await?
        .into_iter()
        .map(|band| BandRow {
            track: tracks
                .iter()
                .find(|t| t.id == band.track_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            location: locations
                .iter()
                .find(|l| l.id == band.location_id)
                .map(|l| format!("{}, {}", l.city, l.country))
                .unwrap_or_default(),
            pay: format!(
                "{} a month · housing {} · relocation {}",
                cohort_domain::season::format_money(band.monthly_pay_minor, &band.currency),
                cohort_domain::season::format_money(band.housing_stipend_minor, &band.currency),
                cohort_domain::season::format_money(band.relocation_minor, &band.currency)
            ),
        })
        .collect();
    Ok(SetupPage {
        layout: Layout::for_account(format!("Set up {}", season.name), Some(account), csrf)
            .with_flash(flash),
        openings: state
            .store()
            .openings(&OpeningFilter {
                season_id: Some(season_id),
                ..Default::default()
            })
            .await?,
        season,
        tracks,
        locations,
        bands,
        errors,
        section,
    })
}

#[derive(serde::Deserialize, Default)]
struct SetupQuery {
    notice: Option<String>,
    section: Option<String>,
}

async fn setup_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    Query(query): Query<SetupQuery>,
) -> Result<Response, AppError> {
    let flash = query.notice.as_deref().map(|n| match n {
        "track" => "Track saved.".to_owned(),
        "location" => "Location added.".to_owned(),
        "band" => "Pay band saved.".to_owned(),
        "opening" => "Opening published.".to_owned(),
        "opening-saved" => "Opening saved; the job board shows the change now.".to_owned(),
        _ => String::new(),
    });
    let section = setup_section(query.section.as_deref().or(query.notice.as_deref()));
    Ok(render(
        &setup_page_for(
            &state,
            &staff.account,
            &csrf,
            season_id,
            FieldErrors::new(),
            flash,
            section,
        )
        .await?,
    )?
    .into_response())
}

/// Either redirects back to the setup page with a notice, or shows it again with the errors.
async fn setup_outcome(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    season_id: i64,
    errors: FieldErrors,
    notice: &str,
) -> Result<Response, AppError> {
    let section = setup_section(Some(notice));
    if errors.is_empty() {
        Ok(Redirect::to(&format!(
            "/staff/seasons/{season_id}/setup?section={section}&notice={notice}"
        ))
        .into_response())
    } else {
        let page = setup_page_for(state, account, csrf, season_id, errors, None, section).await?;
        crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
    }
}

#[derive(serde::Deserialize)]
struct TrackForm {
    name: String,
}

/// Saves a track's name with `save`, recording a missing, too long or duplicate name against the
/// form's field instead of failing.
async fn save_track_name<F, Fut>(
    form: &TrackForm,
    errors: &mut FieldErrors,
    save: F,
) -> Result<(), AppError>
where
    F: FnOnce(Text) -> Fut,
    Fut: std::future::Future<Output = Result<(), StoreError>>,
{
    let Some(name) = errors.take(
        "track_name",
        Text::required(&form.name, "the track's name", 80),
    ) else {
        return Ok(());
    };
    match save(name).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict { .. }) => {
            errors.add(
                "track_name",
                "This season already has a track with that name.",
            );
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

async fn add_track(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(form): CsrfForm<TrackForm>,
) -> Result<Response, AppError> {
    state.store().season(season_id).await?;
    let mut errors = FieldErrors::new();
    let store = state.store();
    save_track_name(&form, &mut errors, |name| async move {
        let mut tx = store.begin().await?;
        Store::create_track(&mut tx, season_id, name.as_str()).await?;
        Store::commit(tx).await
    })
    .await?;
    setup_outcome(&state, &staff.account, &csrf, season_id, errors, "track").await
}

async fn rename_track(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(track_id): Path<i64>,
    CsrfForm(form): CsrfForm<TrackForm>,
) -> Result<Response, AppError> {
    let season_id = state.store().track(track_id).await?.season_id;
    let mut errors = FieldErrors::new();
    let store = state.store();
    save_track_name(&form, &mut errors, |name| async move {
        store.rename_track(track_id, name.as_str()).await
    })
    .await?;
    // Openings show their track's name.
    state.forget_openings();
    setup_outcome(&state, &staff.account, &csrf, season_id, errors, "track").await
}

#[derive(serde::Deserialize)]
struct LocationForm {
    city: String,
    country: String,
    time_zone: String,
}

async fn add_location(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(form): CsrfForm<LocationForm>,
) -> Result<Response, AppError> {
    state.store().season(season_id).await?;
    let mut errors = FieldErrors::new();
    let city = errors.take("city", Text::required(&form.city, "the city", 80));
    let country = errors.take("country", Text::required(&form.country, "the country", 80));
    let zone = errors.take("time_zone", parse_time_zone(&form.time_zone));
    if let (Some(city), Some(country), Some(zone)) = (city, country, zone) {
        let mut tx = state.store().begin().await?;
        match Store::create_location(
            &mut tx,
            season_id,
            city.as_str(),
            country.as_str(),
            zone.name(),
        )
        .await
        {
            Ok(_) => Store::commit(tx).await?,
            Err(StoreError::Conflict { .. }) => {
                errors.add("city", "This season already has that location.")
            }
            Err(other) => return Err(other.into()),
        }
    }
    setup_outcome(&state, &staff.account, &csrf, season_id, errors, "location").await
}

/// Checks that a form's track and location belong to the season, recording errors against
/// `<prefix>_track` and `<prefix>_location`; returns the location when it does.
async fn season_track_and_location(
    state: &AppState,
    season_id: i64,
    track_id: i64,
    location_id: i64,
    prefix: &str,
    errors: &mut FieldErrors,
) -> Result<Option<LocationRecord>, AppError> {
    if !state
        .store()
        .tracks(season_id)
        .await?
        .iter()
        .any(|t| t.id == track_id)
    {
        errors.add(&format!("{prefix}_track"), "Choose a track of this season.");
    }
    let location = state
        .store()
        .locations(season_id)
        .await?
        .into_iter()
        .find(|l| l.id == location_id);
    if location.is_none() {
        errors.add(
            &format!("{prefix}_location"),
            "Choose a location of this season.",
        );
    }
    Ok(location)
}

#[derive(serde::Deserialize)]
struct PayBandForm {
    track: i64,
    location: i64,
    monthly_pay: String,
    housing_stipend: String,
    relocation: String,
    currency: String,
}

async fn set_pay_band(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(form): CsrfForm<PayBandForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    season_track_and_location(
        &state,
        season_id,
        form.track,
        form.location,
        "band",
        &mut errors,
    )
    .await?;
    let monthly = errors.take(
        "monthly_pay",
        parse_amount(&form.monthly_pay, "the monthly pay"),
    );
    let housing = errors.take(
        "housing_stipend",
        parse_amount(&form.housing_stipend, "the housing stipend"),
    );
    let relocation = errors.take(
        "relocation",
        parse_amount(&form.relocation, "the relocation allowance"),
    );
    let currency = errors.take("currency", Currency::parse(&form.currency));
    if let (Some(monthly), Some(housing), Some(relocation), Some(currency), true) =
        (monthly, housing, relocation, currency, errors.is_empty())
    {
        let mut tx = state.store().begin().await?;
        Store::set_pay_band(
            &mut tx,
            &PayBandRecord {
                track_id: form.track,
                location_id: form.location,
                monthly_pay_minor: monthly,
                housing_stipend_minor: housing,
                relocation_minor: relocation,
                currency: currency.as_str().to_owned(),
            },
        )
        .await?;
        Store::commit(tx).await?;
        // Opening pages show their pay band.
        state.forget_openings();
    }
    setup_outcome(&state, &staff.account, &csrf, season_id, errors, "band").await
}

#[derive(serde::Deserialize)]
struct OpeningForm {
    track: i64,
    location: i64,
    title: String,
    headcount: String,
    opens: String,
    closes: String,
    #[serde(default)]
    description: String,
}

/// What a recruiter writes about an opening, parsed: on a new one and when editing one.
struct OpeningFields {
    title: Text,
    headcount: i64,
    window: ApplicationWindow,
    description: Text,
}

impl OpeningFields {
    /// Parses title, headcount, opening and closing time (local to `zone`) and description,
    /// recording every problem in `errors`.
    fn parse(
        [title, headcount, opens, closes, description]: [&str; 5],
        zone: Tz,
        errors: &mut FieldErrors,
    ) -> Option<OpeningFields> {
        let title = errors.take("title", Text::required(title, "the opening's title", 120));
        let headcount = errors.take("headcount", parse_headcount(headcount));
        let opens = errors.take(
            "opens",
            parse_local_time(opens, zone, "when applications open"),
        );
        let closes = errors.take(
            "closes",
            parse_local_time(closes, zone, "when applications close"),
        );
        let window = match (opens, closes) {
            (Some(opens), Some(closes)) => {
                errors.take("closes", ApplicationWindow::new(opens, closes))
            }
            _ => None,
        };
        let description = errors.take(
            "description",
            Text::optional(description, "the description", 20_000),
        );
        Some(OpeningFields {
            title: title?,
            headcount: headcount?,
            window: window?,
            description: description?,
        })
    }
}

#[derive(Template)]
#[template(path = "opening_edit.html")]
struct OpeningEditPage {
    layout: Layout,
    opening: OpeningRecord,
    title: String,
    headcount: String,
    opens: String,
    closes: String,
    description: String,
    errors: FieldErrors,
}

#[derive(serde::Deserialize)]
struct OpeningEditForm {
    title: String,
    headcount: String,
    opens: String,
    closes: String,
    #[serde(default)]
    description: String,
}

/// A time as a `datetime-local` field shows it, in the opening location's zone.
fn local_field(at: i64, zone: Tz) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .unwrap_or_default()
        .with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn edit_opening_form(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let opening = state.store().opening(id).await?;
    let zone: Tz = opening.time_zone.parse().unwrap_or(Tz::UTC);
    let page = OpeningEditPage {
        layout: Layout::for_account(
            format!("Edit {}", opening.title),
            Some(&staff.account),
            &csrf,
        ),
        title: opening.title.clone(),
        headcount: opening.headcount.to_string(),
        opens: local_field(opening.opens_at, zone),
        closes: local_field(opening.closes_at, zone),
        description: opening.description_md.clone(),
        errors: FieldErrors::new(),
        opening,
    };
    Ok(render(&page)?.into_response())
}

/// Saves an edited opening (title, headcount, window, description). Its track and location
/// stay: applications were made to them.
async fn edit_opening(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<OpeningEditForm>,
) -> Result<Response, AppError> {
    let opening = state.store().opening(id).await?;
    let zone: Tz = opening.time_zone.parse().unwrap_or(Tz::UTC);
    let mut errors = FieldErrors::new();
    let fields = OpeningFields::parse(
        [
            &form.title,
            &form.headcount,
            &form.opens,
            &form.closes,
            &form.description,
        ],
        zone,
        &mut errors,
    );
    let (Some(fields), true) = (fields, errors.is_empty()) else {
        let page = OpeningEditPage {
            layout: Layout::for_account(
                format!("Edit {}", opening.title),
                Some(&staff.account),
                &csrf,
            ),
            title: form.title,
            headcount: form.headcount,
            opens: form.opens,
            closes: form.closes,
            description: form.description,
            errors,
            opening,
        };
        return crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let mut tx = state.store().begin().await?;
    Store::update_opening(
        &mut tx,
        id,
        &OpeningChange {
            title: fields.title.as_str(),
            headcount: fields.headcount,
            opens_at: fields.window.opens().timestamp(),
            closes_at: fields.window.closes().timestamp(),
            description_md: fields.description.as_str(),
        },
    )
    .await?;
    Store::commit(tx).await?;
    state.forget_openings();
    tracing::info!(
        opening.id = id,
        by = staff.account.user.id,
        "opening edited"
    );
    Ok(Redirect::to(&format!(
        "/staff/seasons/{}/setup?section=openings&notice=opening-saved",
        opening.season_id
    ))
    .into_response())
}

async fn add_opening(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(form): CsrfForm<OpeningForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let location = season_track_and_location(
        &state,
        season_id,
        form.track,
        form.location,
        "opening",
        &mut errors,
    )
    .await?;
    let zone: Tz = location
        .and_then(|l| l.time_zone.parse().ok())
        .unwrap_or(Tz::UTC);
    let fields = OpeningFields::parse(
        [
            &form.title,
            &form.headcount,
            &form.opens,
            &form.closes,
            &form.description,
        ],
        zone,
        &mut errors,
    );
    if let (Some(fields), true) = (fields, errors.is_empty()) {
        let mut tx = state.store().begin().await?;
        let new = NewOpening {
            season_id,
            track_id: form.track,
            location_id: form.location,
            title: fields.title.as_str(),
            headcount: fields.headcount,
            opens_at: fields.window.opens().timestamp(),
            closes_at: fields.window.closes().timestamp(),
            description_md: fields.description.as_str(),
        };
        Store::create_opening(&mut tx, &new, state.now()).await?;
        Store::commit(tx).await?;
        state.forget_openings();
    }
    setup_outcome(&state, &staff.account, &csrf, season_id, errors, "opening").await
}
