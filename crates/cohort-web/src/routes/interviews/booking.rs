//! The candidate's phone-screen pages: picking a time (in their own time zone, detected by the
//! browser and changeable), their booked interviews, moving one and cancelling one.

use crate::auth::tokens::read_cookie_from_headers;
use crate::auth::{CandidateOnly, Csrf, CsrfForm, Require};
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
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use cohort_app::interviews::phone_screens::{self, manage_path, BookingError, BookingState};
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::StoreError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/me/applications/{id}/phone-screen",
            get(booking_page).post(book),
        )
        .route(
            "/me/interviews/{id}/move",
            get(move_page).post(move_interview),
        )
        .route("/me/interviews/{id}/cancel", post(cancel))
}

/// The zones offered first; every IANA zone follows.
const COMMON_ZONES: [&str; 10] = [
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
];

/// A day of open times in the candidate's zone: its heading, how many, and its times by part of
/// the day ("Morning", [(start, "09:30")]).
pub struct Day {
    pub heading: String,
    pub count: usize,
    pub parts: Vec<(&'static str, Vec<(i64, String)>)>,
}

/// The candidate's local hours whose times are shown (from the first to before the second): an
/// interviewer somewhere is working at 03:00 the candidate's time, but nobody should have to
/// interview then.
pub const SHOWN_LOCAL_HOURS: (u32, u32) = (7, 22);

/// A booked interview as its candidate sees it.
pub struct BookedView {
    pub id: i64,
    pub round: i64,
    pub sequence: i64,
    pub when: String,
    pub interviewer: String,
    pub meeting_link: Option<String>,
    /// Whether the cut-off has not passed.
    pub changeable: bool,
    /// Whether it has taken place.
    pub past: bool,
}

/// The zone picker's state.
pub struct ZoneChoice {
    pub zone: String,
    /// True when the page has no zone from the candidate yet, so the script may detect one.
    pub detect: bool,
    pub common: &'static [&'static str],
    pub all: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "interviews/booking.html")]
struct BookingPage {
    layout: Layout,
    track: String,
    minutes: i64,
    screens: i64,
    booked: Vec<BookedView>,
    next_round: Option<u32>,
    days: Vec<Day>,
    zone: ZoneChoice,
    error: Option<String>,
    horizon_days: u32,
    shown_hours: (u32, u32),
    cutoff_hours: i64,
    waiting: bool,
    pick_action: String,
    sequence: Option<i64>,
}

#[derive(Template)]
#[template(path = "interviews/booking_move.html")]
struct MovePage {
    layout: Layout,
    interview: BookedView,
    application_id: i64,
    days: Vec<Day>,
    zone: ZoneChoice,
    error: Option<String>,
    horizon_days: u32,
    shown_hours: (u32, u32),
    pick_action: String,
    sequence: Option<i64>,
}

#[derive(serde::Deserialize, Default)]
struct PageQuery {
    tz: Option<String>,
    notice: Option<String>,
}

#[derive(serde::Deserialize)]
struct PickForm {
    #[serde(default)]
    start: String,
    #[serde(default)]
    tz: String,
    #[serde(default)]
    sequence: String,
}

fn parse_zone(text: Option<&str>) -> Option<Tz> {
    text.filter(|t| !t.is_empty())
        .and_then(|t| cohort_domain::season::parse_time_zone(t).ok())
}

/// The zone to show times in: the page's `tz`, else the zone the browser reported in the `tz`
/// cookie (see app.js). `None` when neither names a zone, and the script may then detect one.
fn shown_zone(query: Option<&str>, headers: &HeaderMap) -> Option<Tz> {
    parse_zone(query).or_else(|| {
        read_cookie_from_headers(headers, "tz")
            .and_then(|z| parse_zone(Some(&z.replace("%2F", "/"))))
    })
}

fn zone_choice(zone: Tz, detect: bool) -> ZoneChoice {
    let mut all: Vec<&'static str> = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect();
    all.retain(|z| !COMMON_ZONES.contains(z));
    all.sort_unstable();
    ZoneChoice {
        zone: zone.name().to_owned(),
        detect,
        common: &COMMON_ZONES,
        all,
    }
}

/// Open times grouped by the candidate's local day.
fn days_in(times: &[DateTime<Utc>], zone: Tz) -> Vec<Day> {
    use chrono::Timelike;
    let mut days: Vec<Day> = Vec::new();
    for time in times {
        let local = time.with_timezone(&zone);
        if !(SHOWN_LOCAL_HOURS.0..SHOWN_LOCAL_HOURS.1).contains(&local.hour()) {
            continue;
        }
        let heading = local.format("%A %-d %B").to_string();
        let part = match local.hour() {
            0..12 => "Morning",
            12..17 => "Afternoon",
            _ => "Evening",
        };
        let entry = (time.timestamp(), local.format("%H:%M").to_string());
        if days.last().is_none_or(|day| day.heading != heading) {
            days.push(Day {
                heading,
                count: 0,
                parts: Vec::new(),
            });
        }
        let day = days.last_mut().expect("pushed above");
        day.count += 1;
        match day.parts.last_mut() {
            Some((name, entries)) if *name == part => entries.push(entry),
            _ => day.parts.push((part, vec![entry])),
        }
    }
    days
}

fn booked_view(state: &AppState, interview: &InterviewRecord, zone: Tz) -> BookedView {
    let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or_default();
    let policy = state.config().booking;
    BookedView {
        id: interview.id,
        round: interview.round,
        sequence: interview.sequence,
        when: cohort_app::interviews::mail::span_in(
            zone,
            at(interview.starts_at),
            at(interview.ends_at),
        ),
        interviewer: interview
            .interviewer_name
            .as_deref()
            .and_then(|n| n.split_whitespace().next())
            .unwrap_or("one of our engineers")
            .to_owned(),
        meeting_link: interview.meeting_link.clone(),
        changeable: policy.may_change(at(interview.starts_at), state.clock().now_utc()),
        past: interview.ends_at <= state.now(),
    }
}

/// The candidate's own application, or 404 (someone else's looks like none at all).
async fn own_application(
    state: &AppState,
    me: &Require<CandidateOnly>,
    id: i64,
) -> Result<cohort_store::applications::ApplicationRecord, AppError> {
    match state.store().application(id).await {
        Ok(record) if record.candidate_id == me.account.user.id => Ok(record),
        Ok(_) | Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(other) => Err(other.into()),
    }
}

struct Shown {
    zone: Tz,
    detect: bool,
    flash: Option<String>,
    error: Option<String>,
}

async fn booking_view(
    state: &AppState,
    me: &Require<CandidateOnly>,
    csrf: &Csrf,
    application_id: i64,
    shown: Shown,
) -> Result<BookingPage, AppError> {
    let record = own_application(state, me, application_id).await?;
    let BookingState {
        format,
        booked,
        next_round,
        times,
    } = phone_screens::booking_state(state.app(), &record)
        .await
        .map_err(booking_error)?;
    let policy = state.config().booking;
    Ok(BookingPage {
        layout: Layout::for_account("Your phone interview", Some(&me.account), csrf)
            .with_flash(shown.flash),
        track: format.track,
        minutes: format.minutes,
        screens: format.screens,
        booked: booked
            .iter()
            .map(|i| booked_view(state, i, shown.zone))
            .collect(),
        next_round,
        days: days_in(&times, shown.zone),
        zone: zone_choice(shown.zone, shown.detect),
        error: shown.error,
        horizon_days: policy.horizon_days,
        shown_hours: SHOWN_LOCAL_HOURS,
        cutoff_hours: policy.cutoff.num_hours(),
        waiting: record.stage() != cohort_domain::Stage::PhoneScreen && booked.is_empty(),
        pick_action: manage_path(application_id),
        sequence: None,
    })
}

fn notice_text(notice: Option<&str>) -> Option<String> {
    match notice? {
        "booked" => Some("Booked. We have emailed you a calendar invitation.".into()),
        "moved" => Some("Moved. We have emailed you the updated invitation.".into()),
        "cancelled" => Some("Cancelled. Pick a new time whenever you are ready.".into()),
        _ => None,
    }
}

async fn booking_page(
    State(state): State<AppState>,
    me: Require<CandidateOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let zone = shown_zone(query.tz.as_deref(), &headers);
    let shown = Shown {
        zone: zone.unwrap_or(Tz::UTC),
        detect: zone.is_none(),
        flash: notice_text(query.notice.as_deref()),
        error: (query.tz.is_some() && parse_zone(query.tz.as_deref()).is_none())
            .then(|| "That time zone is not known; times are shown in UTC.".to_owned()),
    };
    let page = booking_view(&state, &me, &csrf, id, shown).await?;
    Ok(render(&page)?.into_response())
}

/// The posted time and zone, or a clear refusal.
fn parse_pick(form: &PickForm) -> Result<(DateTime<Utc>, Tz), AppError> {
    let zone = parse_zone(Some(&form.tz))
        .ok_or_else(|| AppError::BadRequest("Choose your time zone from the list.".into()))?;
    let start = form
        .start
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or_else(|| AppError::BadRequest("Pick one of the times shown.".into()))?;
    Ok((start, zone))
}

async fn book(
    State(state): State<AppState>,
    me: Require<CandidateOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PickForm>,
) -> Result<Response, AppError> {
    let (start, zone) = parse_pick(&form)?;
    let candidate = me.account.user.id;
    match phone_screens::book(state.app(), candidate, id, start, zone).await {
        Ok(_) => Ok(redirect_to_booking(id, zone, "booked")),
        Err(error @ (BookingError::Taken | BookingError::NotOffered)) => {
            let shown = Shown {
                zone,
                detect: false,
                flash: None,
                error: Some(error.to_string()),
            };
            let page = booking_view(&state, &me, &csrf, id, shown).await?;
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(error) => Err(booking_error(error)),
    }
}

fn redirect_to_booking(application_id: i64, zone: Tz, notice: &str) -> Response {
    let zone = url_zone(zone);
    Redirect::to(&format!(
        "{}?tz={zone}&notice={notice}",
        manage_path(application_id)
    ))
    .into_response()
}

/// A zone name in a query string ("America/Argentina/Buenos_Aires" keeps its slashes).
fn url_zone(zone: Tz) -> String {
    zone.name().replace('+', "%2B")
}

/// Maps what the booking refused to a response; "taken" is handled by re-showing times.
fn booking_error(error: BookingError) -> AppError {
    match error {
        BookingError::NotFound => AppError::NotFound,
        BookingError::Store(error) => error.into(),
        // The rest are states the candidate's page was out of date about.
        other => AppError::Conflict(other.to_string()),
    }
}

async fn move_view(
    state: &AppState,
    me: &Require<CandidateOnly>,
    csrf: &Csrf,
    interview_id: i64,
    zone: ZoneChoice,
    error: Option<String>,
) -> Result<MovePage, AppError> {
    let tz: Tz = zone.zone.parse().unwrap_or(Tz::UTC);
    let (interview, times) =
        phone_screens::move_times(state.app(), me.account.user.id, interview_id)
            .await
            .map_err(booking_error)?;
    Ok(MovePage {
        layout: Layout::for_account("Move your phone interview", Some(&me.account), csrf),
        application_id: interview.application_id,
        interview: booked_view(state, &interview, tz),
        days: days_in(&times, tz),
        zone,
        error,
        horizon_days: state.config().booking.horizon_days,
        shown_hours: SHOWN_LOCAL_HOURS,
        pick_action: format!("/me/interviews/{interview_id}/move"),
        sequence: Some(interview.sequence),
    })
}

async fn move_page(
    State(state): State<AppState>,
    me: Require<CandidateOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let zone = shown_zone(query.tz.as_deref(), &headers);
    let choice = zone_choice(zone.unwrap_or(Tz::UTC), zone.is_none());
    let page = move_view(&state, &me, &csrf, id, choice, None).await?;
    Ok(render(&page)?.into_response())
}

fn parse_sequence(form: &PickForm) -> Result<i64, AppError> {
    form.sequence
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("The form is incomplete; reload the page.".into()))
}

async fn move_interview(
    State(state): State<AppState>,
    me: Require<CandidateOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PickForm>,
) -> Result<Response, AppError> {
    let (start, zone) = parse_pick(&form)?;
    let sequence = parse_sequence(&form)?;
    let candidate = me.account.user.id;
    match phone_screens::reschedule(state.app(), candidate, id, sequence, start, zone).await {
        Ok(moved) => Ok(redirect_to_booking(moved.application_id, zone, "moved")),
        Err(error @ (BookingError::Taken | BookingError::NotOffered | BookingError::Changed)) => {
            let choice = zone_choice(zone, false);
            let page = move_view(&state, &me, &csrf, id, choice, Some(error.to_string())).await?;
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(error) => Err(booking_error(error)),
    }
}

async fn cancel(
    State(state): State<AppState>,
    me: Require<CandidateOnly>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PickForm>,
) -> Result<Response, AppError> {
    let sequence = parse_sequence(&form)?;
    let zone = parse_zone(Some(&form.tz)).unwrap_or(Tz::UTC);
    let interview = state
        .store()
        .interview(id)
        .await?
        .filter(|i| i.candidate_id == me.account.user.id)
        .ok_or(AppError::NotFound)?;
    phone_screens::cancel(state.app(), me.account.user.id, id, sequence)
        .await
        .map_err(booking_error)?;
    Ok(redirect_to_booking(
        interview.application_id,
        zone,
        "cancelled",
    ))
}
