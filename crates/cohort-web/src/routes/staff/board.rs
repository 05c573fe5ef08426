//! The staff home (each role's tools, the seasons with their stage counts) and a season's board:
//! filters, search, sorting and paging, and moving (or rejecting) applications in bulk.

use super::PAGE_SIZE;
use crate::auth::{Csrf, CsrfForm, Pipeline, Recruiting, Require, StaffOnly};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::routes::optional_id;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::applications::{move_application, MoveError};
use cohort_domain::input::Text;
use cohort_domain::{FieldErrors, RejectionReason, Role, Stage};
use cohort_store::accounts::Account;
use cohort_store::applications::{BoardPage as BoardResult, BoardQuery, BoardRow, BoardSort};
use cohort_store::seasons::{
    LocationRecord, OpeningFilter, OpeningRecord, SeasonRecord, TrackRecord,
};
use cohort_store::StoreError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(staff_home))
        .route("/staff/seasons/{id}", get(board))
        .route("/staff/seasons/{id}/bulk", post(bulk_move))
}

struct SeasonSummary {
    season: SeasonRecord,
    total: i64,
    counts: Vec<(Stage, i64)>,
}

#[derive(Template)]
#[template(path = "staff/staff_home.html")]
pub(super) struct StaffHomePage {
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
                now: "Candidates book phone interviews with you inside the working hours of your profile; each booking is mailed to you with a calendar invitation.",
                next: "My interviews lists them with the candidate's résumé and your private calendar link. Final loops, the Leadership Principles you assess and your feedback form come next; other interviewers' feedback stays hidden until you submit yours.",
                links: vec![
                    ("/interviewer/interviews", "My interviews"),
                    ("/interviewer/profile", "My interviewer profile"),
                    account,
                ],
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

pub(super) async fn staff_home_page(
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
#[template(path = "staff/board.html")]
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

impl BoardParams {
    /// The store's query for one page of the board.
    fn board_query(
        &self,
        season_id: i64,
        opening_id: Option<i64>,
        stage: Option<Stage>,
        page: i64,
    ) -> BoardQuery {
        BoardQuery {
            season_id: Some(season_id),
            opening_id,
            stage,
            track_id: optional_id(&self.track),
            location_id: optional_id(&self.location),
            school: self.school.clone(),
            language: self.language.clone(),
            graduation_year: optional_id(&self.year),
            text: self.q.clone(),
            sort: self
                .sort
                .as_deref()
                .and_then(BoardSort::parse)
                .unwrap_or_default(),
            offset: (page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
        }
    }

    /// Each stage's count, linking to the board filtered to that stage with the other filters
    /// kept.
    fn stage_count_links(&self, stage_counts: Vec<(Stage, i64)>) -> Vec<StageCount> {
        let base_without_stage = BoardParams {
            stage: None,
            page: None,
            moved: None,
            skipped: None,
            ..self.clone()
        }
        .filters_query();
        stage_counts
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
            .collect()
    }

    /// What a bulk move that redirected here reports.
    fn moved_flash(&self) -> Option<String> {
        self.moved.map(|moved| {
            let skipped = self.skipped.unwrap_or(0);
            if skipped == 0 {
                format!("Moved {moved} applications.")
            } else {
                format!("Moved {moved} applications; {skipped} could not move from their stage and were left as they were.")
            }
        })
    }
}

/// The number of applications the list says it holds, and whether that is a lower bound.
/// Without filters beyond the stage and opening, the stage counts are the exact number of
/// rows, so the list says what the counts say instead of "more than 250".
fn shown_total(
    query: &BoardQuery,
    result: &BoardResult,
    stage_counts: &[(Stage, i64)],
) -> (i64, bool) {
    let blank = |value: &Option<String>| value.as_deref().is_none_or(|v| v.trim().is_empty());
    let unfiltered = query.track_id.is_none()
        && query.location_id.is_none()
        && query.graduation_year.is_none()
        && blank(&query.school)
        && blank(&query.language)
        && blank(&query.text);
    if unfiltered && result.total_is_lower_bound {
        let exact: i64 = stage_counts
            .iter()
            .filter(|(counted, _)| query.stage.is_none_or(|stage| stage == *counted))
            .map(|(_, count)| count)
            .sum();
        (exact.max(result.total), false)
    } else {
        (result.total, result.total_is_lower_bound)
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
    let query = params.board_query(season_id, opening.as_ref().map(|o| o.id), stage, page);
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
    let (total, total_is_lower_bound) = shown_total(&query, &result, &stage_counts);
    let filters = params.filters_query();
    let counts = params.stage_count_links(stage_counts);
    let flash = params.moved_flash();
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
        reasons: RejectionReason::CHOICES.to_vec(),
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
                .filter(|r| RejectionReason::CHOICES.contains(r))
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
