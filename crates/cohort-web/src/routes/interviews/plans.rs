//! "Plan a week" of final loops, for recruiters: the season's plans and the form to start one,
//! a plan's page (progress while the engine runs, then the bound, a grid per day and the
//! candidates with their loops or reasons), a candidate's loop to edit or re-slot, and
//! publishing. Nobody else may open any of it.

use crate::auth::tokens::read_cookie_from_headers;
use crate::auth::{Csrf, CsrfForm, Recruiting, Require};
use crate::error::AppError;
use crate::html::{render, render_status};
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use cohort_app::interviews::plans::{
    self, PlanDetails, PlanEdit, PlanError, PlannedCandidate, Reslotted, DEFAULT_SECONDS, MAX_DAYS,
    MAX_SECONDS,
};
use cohort_store::accounts::Account;
use cohort_store::interviews::plans::{PlanState, PlanSummary};
use cohort_store::seasons::SeasonRecord;
use cohort_store::StoreError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/staff/seasons/{id}/plans",
            get(plans_page).post(start_plan),
        )
        .route("/staff/plans/{id}", get(plan_page))
        .route("/staff/plans/{id}/publish", post(publish))
        .route("/staff/plans/{id}/loops/{candidate}", get(loop_page))
        .route(
            "/staff/plans/{id}/loops/{candidate}/move",
            post(move_interview),
        )
        .route(
            "/staff/plans/{id}/loops/{candidate}/move-loop",
            post(move_loop),
        )
        .route(
            "/staff/plans/{id}/loops/{candidate}/remove",
            post(remove_loop),
        )
        .route("/staff/plans/{id}/loops/{candidate}/reslot", post(reslot))
}

/// A plan's error as the page shows it; `None` for errors that are not the coordinator's to fix.
fn shown(error: PlanError) -> Result<(StatusCode, String), AppError> {
    match error {
        PlanError::NotInPlan | PlanError::Store(StoreError::NotFound) => Err(AppError::NotFound),
        PlanError::Store(other) => Err(other.into()),
        PlanError::Interviews(other) => Err(other.into()),
        PlanError::Stale | PlanError::WrongState(_) => {
            Ok((StatusCode::CONFLICT, error.to_string()))
        }
        other => Ok((StatusCode::UNPROCESSABLE_ENTITY, other.to_string())),
    }
}

fn status_label(state: PlanState) -> &'static str {
    match state {
        PlanState::Solving => "Planning",
        PlanState::Draft => "Draft",
        PlanState::Published => "Published",
        PlanState::Failed => "Failed",
    }
}

/// The coordinator's zone, from the browser (app.js's `tz` cookie); UTC when unknown.
fn coordinator_zone(headers: &HeaderMap) -> Tz {
    read_cookie_from_headers(headers, "tz")
        .and_then(|z| cohort_domain::season::parse_time_zone(&z.replace("%2F", "/")).ok())
        .unwrap_or(Tz::UTC)
}

struct PlanRow {
    id: i64,
    days: String,
    status: &'static str,
    summary: String,
}

fn plan_row(plan: &PlanSummary) -> PlanRow {
    let summary = match plan.state() {
        PlanState::Solving => format!("{} so far of {}", plan.scheduled, plan.candidates),
        PlanState::Failed => "the engine could not run".to_owned(),
        _ => format!(
            "{} of {} scheduled{}",
            plan.scheduled,
            plan.candidates,
            plan.bound
                .map(|b| format!(" (at most {b} possible)"))
                .unwrap_or_default()
        ),
    };
    let days: Vec<NaiveDate> = plan
        .days
        .split(',')
        .filter_map(|d| d.parse().ok())
        .collect();
    PlanRow {
        id: plan.id,
        days: days_label(&days),
        status: status_label(plan.state()),
        summary,
    }
}

#[derive(Template)]
#[template(path = "interviews/plans.html")]
struct PlansPage {
    layout: Layout,
    season: SeasonRecord,
    plans: Vec<PlanRow>,
    /// The next weekdays, offered as days to plan: (value, label, checked).
    days: Vec<(String, String, bool)>,
    seconds: i64,
    max_seconds: i64,
    max_days: usize,
    error: Option<String>,
}

async fn plans_page_for(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    season_id: i64,
    picked: &[NaiveDate],
    seconds: i64,
    error: Option<String>,
) -> Result<PlansPage, AppError> {
    let season = state.store().season(season_id).await?;
    let plans = state
        .store()
        .plans_of_season(season_id)
        .await?
        .iter()
        .map(plan_row)
        .collect();
    let today = state.app().clock().now_utc().date_naive();
    let days = (1..=21)
        .map(|k| today + Duration::days(k))
        .filter(|d| d.format("%u").to_string().parse::<u32>().unwrap_or(1) <= 5)
        .take(15)
        .map(|d| {
            (
                d.to_string(),
                d.format("%a %-d %b").to_string(),
                picked.contains(&d),
            )
        })
        .collect();
    Ok(PlansPage {
        layout: Layout::for_account(
            format!("Plan final loops · {}", season.name),
            Some(account),
            csrf,
        ),
        season,
        plans,
        days,
        seconds,
        max_seconds: MAX_SECONDS,
        max_days: MAX_DAYS,
        error,
    })
}

async fn plans_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
) -> Result<Response, AppError> {
    let page = plans_page_for(
        &state,
        &staff.account,
        &csrf,
        season_id,
        &[],
        DEFAULT_SECONDS,
        None,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
struct StartForm {
    #[serde(default)]
    day: Vec<String>,
    #[serde(default)]
    seconds: String,
}

async fn start_plan(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(form): CsrfForm<StartForm>,
) -> Result<Response, AppError> {
    state.store().season(season_id).await?;
    let mut days = Vec::new();
    let mut error = None;
    for text in &form.day {
        match text.trim().parse::<NaiveDate>() {
            Ok(day) => days.push(day),
            Err(_) => error = Some(format!("“{text}” is not a date (YYYY-MM-DD).")),
        }
    }
    let seconds = match form.seconds.trim() {
        "" => Some(DEFAULT_SECONDS),
        text => text.parse::<i64>().ok(),
    };
    let (status, message) = match (error, seconds) {
        (Some(error), _) => (StatusCode::UNPROCESSABLE_ENTITY, error),
        (None, None) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            PlanError::Seconds.to_string(),
        ),
        (None, Some(seconds)) => {
            match plans::start_plan(
                state.app(),
                season_id,
                staff.account.user.id,
                &days,
                seconds,
            )
            .await
            {
                Ok(plan_id) => {
                    return Ok(Redirect::to(&format!("/staff/plans/{plan_id}")).into_response())
                }
                Err(error) => shown(error)?,
            }
        }
    };
    let page = plans_page_for(
        &state,
        &staff.account,
        &csrf,
        season_id,
        &days,
        seconds.unwrap_or(DEFAULT_SECONDS),
        Some(message),
    )
    .await?;
    render_status(status, &page)
}

/// One cell of a day's grid: empty quarter hours, or an interview spanning several.
struct GridCell {
    span: usize,
    label: String,
    title: String,
    shadow: bool,
    href: String,
}

struct GridRow {
    interviewer: String,
    cells: Vec<GridCell>,
}

struct GridDay {
    label: String,
    /// One per quarter hour: the time at full hours, else empty.
    columns: Vec<String>,
    rows: Vec<GridRow>,
}

struct CandidateRow {
    key: String,
    name: String,
    track: String,
    zone: String,
    when: String,
    interviewers: String,
    reason: Option<String>,
}

#[derive(Template)]
#[template(path = "interviews/plan.html")]
struct PlanPage {
    layout: Layout,
    season: SeasonRecord,
    plan_id: i64,
    revision: i64,
    status: &'static str,
    solving: bool,
    draft: bool,
    failed: Option<String>,
    days: String,
    scheduled: i64,
    candidates: i64,
    bound: Option<i64>,
    bound_argument: String,
    zone: String,
    grid: Vec<GridDay>,
    scheduled_rows: Vec<CandidateRow>,
    unscheduled_rows: Vec<CandidateRow>,
    error: Option<String>,
}

/// A plan's days for a title: "Mon 14 Dec" for one, "Mon 14 – Fri 18 Dec" for consecutive days,
/// else each day.
fn days_label(days: &[NaiveDate]) -> String {
    let short = |d: &NaiveDate| d.format("%a %-d %b").to_string();
    match days {
        [] => String::new(),
        [one] => short(one),
        [first, .., last] if (*last - *first).num_days() as usize == days.len() - 1 => {
            format!("{} – {}", short(first), short(last))
        }
        _ => days.iter().map(short).collect::<Vec<_>>().join(", "),
    }
}

fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or(name).to_owned()
}

/// The grid of each day: per date (in `zone`) of the interviews, a row per interviewer with a
/// seat that day and a column per quarter hour from the first seat to the last.
fn grids(details: &PlanDetails, zone: Tz) -> Vec<GridDay> {
    struct Seat {
        interviewer: String,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        label: String,
        title: String,
        shadow: bool,
        href: String,
    }
    let mut seats: Vec<Seat> = Vec::new();
    for candidate in &details.candidates {
        let href = format!("/staff/plans/{}/loops/{}", details.plan.id, candidate.key);
        for (n, interview) in candidate.interviews.iter().enumerate() {
            let what = format!(
                "{}, interview {} ({})",
                candidate.name,
                n + 1,
                interview.requires.join(", ")
            );
            seats.push(Seat {
                interviewer: interview.interviewer_name.clone(),
                start: interview.start,
                end: interview.end,
                label: format!("{} {}", first_name(&candidate.name), n + 1),
                title: what.clone(),
                shadow: false,
                href: href.clone(),
            });
            if let Some(shadow) = &interview.shadow_name {
                seats.push(Seat {
                    interviewer: shadow.clone(),
                    start: interview.start,
                    end: interview.end,
                    label: format!("{} {} (shadow)", first_name(&candidate.name), n + 1),
                    title: format!("Shadowing: {what}"),
                    shadow: true,
                    href: href.clone(),
                });
            }
        }
    }
    let mut dates: Vec<NaiveDate> = seats
        .iter()
        .map(|s| s.start.with_timezone(&zone).date_naive())
        .collect();
    dates.sort();
    dates.dedup();
    let mut days = Vec::new();
    for date in dates {
        let mut of_day: Vec<&Seat> = seats
            .iter()
            .filter(|s| s.start.with_timezone(&zone).date_naive() == date)
            .collect();
        of_day.sort_by(|a, b| (&a.interviewer, a.start).cmp(&(&b.interviewer, b.start)));
        let first = of_day
            .iter()
            .map(|s| s.start.timestamp())
            .min()
            .unwrap_or(0);
        let last = of_day.iter().map(|s| s.end.timestamp()).max().unwrap_or(0);
        let from = first - first.rem_euclid(3600);
        let quarters = ((last - from + 899) / 900).max(1) as usize;
        let column_of = |t: i64| ((t - from) / 900) as usize;
        let columns = (0..quarters)
            .map(|q| {
                let t = DateTime::from_timestamp(from + q as i64 * 900, 0).unwrap_or_default();
                let local = t.with_timezone(&zone);
                if local.format("%M").to_string() == "00" {
                    local.format("%H:%M").to_string()
                } else {
                    String::new()
                }
            })
            .collect();
        let mut names: Vec<&String> = of_day.iter().map(|s| &s.interviewer).collect();
        names.dedup();
        let rows = names
            .into_iter()
            .map(|name| {
                let mut cells = Vec::new();
                let mut at = 0;
                for seat in of_day.iter().filter(|s| &s.interviewer == name) {
                    let begin = column_of(seat.start.timestamp()).max(at);
                    let end = column_of(seat.end.timestamp() + 899).max(begin + 1);
                    if begin > at {
                        cells.push(GridCell {
                            span: begin - at,
                            label: String::new(),
                            title: String::new(),
                            shadow: false,
                            href: String::new(),
                        });
                    }
                    cells.push(GridCell {
                        span: end - begin,
                        label: seat.label.clone(),
                        title: seat.title.clone(),
                        shadow: seat.shadow,
                        href: seat.href.clone(),
                    });
                    at = end;
                }
                if quarters > at {
                    cells.push(GridCell {
                        span: quarters - at,
                        label: String::new(),
                        title: String::new(),
                        shadow: false,
                        href: String::new(),
                    });
                }
                GridRow {
                    interviewer: name.clone(),
                    cells,
                }
            })
            .collect();
        days.push(GridDay {
            label: date.format("%A %-d %B").to_string(),
            columns,
            rows,
        });
    }
    days
}

/// A loop's time in the candidate's own zone: "Tue 12 Jan, 09:00–12:45".
fn loop_time(candidate: &PlannedCandidate) -> String {
    let (Some(first), Some(last)) = (candidate.interviews.first(), candidate.interviews.last())
    else {
        return String::new();
    };
    let start = first.start.with_timezone(&candidate.zone);
    let end = last.end.with_timezone(&candidate.zone);
    format!(
        "{}–{}",
        start.format("%a %-d %b, %H:%M"),
        end.format("%H:%M")
    )
}

fn candidate_row(candidate: &PlannedCandidate) -> CandidateRow {
    CandidateRow {
        key: candidate.key.clone(),
        name: candidate.name.clone(),
        track: candidate.track.clone(),
        zone: candidate.zone.name().to_owned(),
        when: loop_time(candidate),
        interviewers: candidate
            .interviews
            .iter()
            .map(|i| i.interviewer_name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        reason: candidate.reason.clone(),
    }
}

async fn plan_page_for(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    headers: &HeaderMap,
    plan_id: i64,
    error: Option<String>,
) -> Result<PlanPage, AppError> {
    let details = match plans::plan_details(state.app(), plan_id).await {
        Ok(details) => details,
        Err(error) => {
            let (_, message) = shown(error)?;
            return Err(AppError::BadRequest(message));
        }
    };
    let season = state.store().season(details.plan.season_id).await?;
    let layout = Layout::for_account(
        format!("Final loops {}", days_label(&details.days)),
        Some(account),
        csrf,
    );
    let mut page = page_of_plan(&details, season, layout, coordinator_zone(headers));
    page.error = error;
    Ok(page)
}

/// A plan's page from what it shows; the times of its grid in `zone`.
fn page_of_plan(details: &PlanDetails, season: SeasonRecord, layout: Layout, zone: Tz) -> PlanPage {
    let (scheduled_rows, unscheduled_rows) = details
        .candidates
        .iter()
        .map(candidate_row)
        .partition(|row| row.reason.is_none());
    let plan = &details.plan;
    PlanPage {
        layout,
        plan_id: plan.id,
        revision: plan.revision,
        status: status_label(plan.state()),
        solving: plan.state() == PlanState::Solving,
        draft: plan.state() == PlanState::Draft,
        failed: (plan.state() == PlanState::Failed).then(|| plan.error.clone().unwrap_or_default()),
        days: days_label(&details.days),
        scheduled: plan.scheduled,
        candidates: plan.candidates,
        bound: plan.bound,
        bound_argument: plan.bound_argument.clone().unwrap_or_default(),
        zone: zone.name().to_owned(),
        grid: grids(details, zone),
        scheduled_rows,
        unscheduled_rows,
        error: None,
        season,
    }
}

/// The HTML of a plan's page as a recruiter in `zone` gets it, without the signed-in parts (the
/// benchmarks time the page's rendering with it).
pub fn render_plan_page(
    details: &PlanDetails,
    season: SeasonRecord,
    zone: Tz,
) -> Result<String, AppError> {
    let layout = Layout {
        title: format!("Final loops {}", days_label(&details.days)),
        user_name: None,
        csrf: String::new(),
        nav: Vec::new(),
        flash: None,
        unconfirmed_email: None,
    };
    Ok(render(&page_of_plan(details, season, layout, zone))?.0)
}

async fn plan_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    headers: HeaderMap,
    Path(plan_id): Path<i64>,
) -> Result<Response, AppError> {
    let page = plan_page_for(&state, &staff.account, &csrf, &headers, plan_id, None).await?;
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
struct RevisionForm {
    revision: i64,
}

async fn publish(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    headers: HeaderMap,
    Path(plan_id): Path<i64>,
    CsrfForm(form): CsrfForm<RevisionForm>,
) -> Result<Response, AppError> {
    match plans::publish(state.app(), plan_id, form.revision).await {
        Ok(_) => Ok(Redirect::to(&format!("/staff/plans/{plan_id}")).into_response()),
        Err(error) => {
            let (status, message) = shown(error)?;
            let page = plan_page_for(
                &state,
                &staff.account,
                &csrf,
                &headers,
                plan_id,
                Some(message),
            )
            .await?;
            render_status(status, &page)
        }
    }
}

struct SeatView {
    seat: usize,
    requires: String,
    interviewer: String,
    shadow: Option<String>,
    /// For the form's datetime-local field, in the candidate's zone.
    start_local: String,
    when: String,
}

#[derive(Template)]
#[template(path = "interviews/plan_loop.html")]
struct LoopPage {
    layout: Layout,
    plan_id: i64,
    revision: i64,
    draft: bool,
    published: bool,
    key: String,
    name: String,
    track: String,
    zone: String,
    seats: Vec<SeatView>,
    reason: Option<String>,
    interviewers: Vec<(String, String)>,
    error: Option<String>,
    notice: Option<String>,
}

async fn loop_page_for(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    plan_id: i64,
    key: &str,
    error: Option<String>,
    notice: Option<String>,
) -> Result<LoopPage, AppError> {
    let details = plans::plan_details(state.app(), plan_id)
        .await
        .map_err(|error| match shown(error) {
            Ok((_, message)) => AppError::BadRequest(message),
            Err(error) => error,
        })?;
    let candidate = details
        .candidates
        .iter()
        .find(|c| c.key == key)
        .ok_or(AppError::NotFound)?;
    let zone = candidate.zone;
    let seats = candidate
        .interviews
        .iter()
        .enumerate()
        .map(|(seat, i)| {
            let start = i.start.with_timezone(&zone);
            SeatView {
                seat,
                requires: if i.requires.is_empty() {
                    "any interviewer of the track".to_owned()
                } else {
                    i.requires.join(", ")
                },
                interviewer: i.interviewer.clone(),
                shadow: i.shadow_name.clone(),
                start_local: start.format("%Y-%m-%dT%H:%M").to_string(),
                when: format!(
                    "{}–{}",
                    start.format("%a %-d %b, %H:%M"),
                    i.end.with_timezone(&zone).format("%H:%M")
                ),
            }
        })
        .collect();
    Ok(LoopPage {
        layout: Layout::for_account(format!("Loop of {}", candidate.name), Some(account), csrf),
        plan_id,
        revision: details.plan.revision,
        draft: details.plan.state() == PlanState::Draft,
        published: details.plan.state() == PlanState::Published,
        key: candidate.key.clone(),
        name: candidate.name.clone(),
        track: candidate.track.clone(),
        zone: zone.name().to_owned(),
        seats,
        reason: candidate.reason.clone(),
        interviewers: details.interviewers.clone(),
        error,
        notice,
    })
}

#[derive(serde::Deserialize)]
struct LoopQuery {
    notice: Option<String>,
}

async fn loop_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path((plan_id, key)): Path<(i64, String)>,
    Query(query): Query<LoopQuery>,
) -> Result<Response, AppError> {
    let notice = query.notice.map(|n| match n.as_str() {
        "saved" => "Saved: the engine's checker passed the change.".to_owned(),
        "reslotted" => "Re-slotted: only the people whose interviews changed were told.".to_owned(),
        _ => "No loop fits around the others: the candidate's loop is called off.".to_owned(),
    });
    let page = loop_page_for(&state, &staff.account, &csrf, plan_id, &key, None, notice).await?;
    Ok(render(&page)?.into_response())
}

/// A start as a datetime-local field sends it, or why it is refused.
fn parse_start(text: &str) -> Result<NaiveDateTime, PlanError> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M").map_err(|_| {
        PlanError::Refused("The start is not a date and time (YYYY-MM-DDTHH:MM).".to_owned())
    })
}

#[derive(serde::Deserialize)]
struct MoveForm {
    revision: i64,
    seat: usize,
    interviewer: String,
    start: String,
}

/// Runs a change of a candidate's loop, then shows the loop again: with the rule it broke when
/// it was refused.
async fn after_change(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    (plan_id, key): (i64, &str),
    result: Result<&'static str, PlanError>,
) -> Result<Response, AppError> {
    match result {
        Ok(notice) => Ok(Redirect::to(&format!(
            "/staff/plans/{plan_id}/loops/{key}?notice={notice}"
        ))
        .into_response()),
        Err(error) => {
            let (status, message) = shown(error)?;
            let page =
                loop_page_for(state, account, csrf, plan_id, key, Some(message), None).await?;
            render_status(status, &page)
        }
    }
}

async fn move_interview(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path((plan_id, key)): Path<(i64, String)>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<Response, AppError> {
    let result = match parse_start(&form.start) {
        Ok(start) => plans::edit_plan(
            state.app(),
            plan_id,
            form.revision,
            PlanEdit::Move {
                candidate: key.clone(),
                seat: form.seat,
                interviewer: form.interviewer.trim().to_owned(),
                start,
            },
        )
        .await
        .map(|()| "saved"),
        Err(refused) => Err(refused),
    };
    after_change(&state, &staff.account, &csrf, (plan_id, &key), result).await
}

#[derive(serde::Deserialize)]
struct MoveLoopForm {
    revision: i64,
    start: String,
}

async fn move_loop(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path((plan_id, key)): Path<(i64, String)>,
    CsrfForm(form): CsrfForm<MoveLoopForm>,
) -> Result<Response, AppError> {
    let result = match parse_start(&form.start) {
        Ok(start) => plans::edit_plan(
            state.app(),
            plan_id,
            form.revision,
            PlanEdit::MoveLoop {
                candidate: key.clone(),
                start,
            },
        )
        .await
        .map(|()| "saved"),
        Err(refused) => Err(refused),
    };
    after_change(&state, &staff.account, &csrf, (plan_id, &key), result).await
}

async fn remove_loop(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path((plan_id, key)): Path<(i64, String)>,
    CsrfForm(form): CsrfForm<RevisionForm>,
) -> Result<Response, AppError> {
    let result = plans::edit_plan(
        state.app(),
        plan_id,
        form.revision,
        PlanEdit::Remove {
            candidate: key.clone(),
        },
    )
    .await
    .map(|()| "saved");
    after_change(&state, &staff.account, &csrf, (plan_id, &key), result).await
}

#[derive(serde::Deserialize)]
struct ReslotForm {
    revision: i64,
    #[serde(default)]
    without: String,
}

async fn reslot(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path((plan_id, key)): Path<(i64, String)>,
    CsrfForm(form): CsrfForm<ReslotForm>,
) -> Result<Response, AppError> {
    let without = Some(form.without.trim()).filter(|w| !w.is_empty());
    let result = plans::reslot(state.app(), plan_id, form.revision, &key, without)
        .await
        .map(|outcome| match outcome {
            Reslotted::Loop { .. } => "reslotted",
            Reslotted::NoLoop { .. } => "none",
        });
    after_change(&state, &staff.account, &csrf, (plan_id, &key), result).await
}
