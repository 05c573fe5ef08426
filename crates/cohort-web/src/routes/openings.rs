//! The public job board, each opening's page, and the iCalendar feeds of application windows.

use crate::auth::{Csrf, CurrentAccount};
use crate::error::AppError;
use crate::pages::{iso, markdown, time_in, Layout};
use crate::public_cache::{self, Rendered};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono_tz::Tz;
use cohort_domain::season::WindowStatus;
use cohort_store::seasons::OpeningRecord;
use icalendar::{Alarm, Calendar, Component, Event, EventLike, Trigger};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(job_board))
        .route("/openings", get(job_board))
        .route("/openings/{id}", get(opening_page))
        .route("/openings/{id}/calendar.ics", get(opening_calendar))
        .route("/calendar/openings.ics", get(openings_calendar))
}

#[derive(serde::Deserialize, Default)]
pub struct BoardFilter {
    track: Option<String>,
    location: Option<String>,
}

/// One opening as the board and its page show it.
pub struct OpeningView {
    pub id: i64,
    pub title: String,
    pub season_id: i64,
    pub season_name: String,
    pub track: String,
    pub place: String,
    pub headcount: i64,
    /// "Open until", "Opens" or "Closed", followed on the page by the instant below.
    pub status_words: &'static str,
    pub status_iso: String,
    pub status_local: String,
    pub is_open: bool,
    pub opens_iso: String,
    pub closes_iso: String,
    pub opens_local: String,
    pub closes_local: String,
    pub zone: String,
}

impl OpeningView {
    pub fn new(opening: &OpeningRecord, now: i64, visitor_zone: Option<Tz>) -> OpeningView {
        let zone: Tz = opening.time_zone.parse().unwrap_or(Tz::UTC);
        let shown_zone = visitor_zone.unwrap_or(zone);
        let window = opening.window();
        let status =
            window.map(|w| w.status(chrono::DateTime::from_timestamp(now, 0).unwrap_or_default()));
        // The status names one instant ("Open until …"); the page script shows it in the
        // visitor's zone like the other times.
        let (status_words, status_at) = match status {
            Some(WindowStatus::Open { closes }) => ("Open until", Some(closes.timestamp())),
            Some(WindowStatus::NotYetOpen { opens }) => ("Opens", Some(opens.timestamp())),
            Some(WindowStatus::Closed { closed }) => ("Closed", Some(closed.timestamp())),
            None => ("Window not set", None),
        };
        OpeningView {
            id: opening.id,
            title: opening.title.clone(),
            season_id: opening.season_id,
            season_name: opening.season_name.clone(),
            track: opening.track_name.clone(),
            place: format!("{}, {}", opening.city, opening.country),
            headcount: opening.headcount,
            is_open: matches!(status, Some(WindowStatus::Open { .. })),
            status_words,
            status_iso: status_at.map(iso).unwrap_or_default(),
            status_local: status_at
                .map(|at| time_in(at, shown_zone))
                .unwrap_or_default(),
            opens_iso: iso(opening.opens_at),
            closes_iso: iso(opening.closes_at),
            opens_local: time_in(opening.opens_at, shown_zone),
            closes_local: time_in(opening.closes_at, shown_zone),
            zone: shown_zone.name().to_owned(),
        }
    }
}

/// The visitor's time zone: the `tz` query value, else the `tz` cookie that the page script sets.
pub fn visitor_zone(parts_tz_query: Option<&str>, parts: &Parts) -> Option<Tz> {
    parts_tz_query
        .or_else(|| crate::auth::read_cookie(parts, "tz"))
        .map(|name| name.replace("%2F", "/"))
        .and_then(|name| name.parse::<Tz>().ok())
}

#[derive(Template)]
#[template(path = "openings.html")]
struct JobBoardPage {
    layout: Layout,
    openings: Vec<OpeningView>,
    tracks: Vec<String>,
    places: Vec<String>,
    selected_track: String,
    selected_place: String,
    total: usize,
}

async fn job_board(
    State(state): State<AppState>,
    current: CurrentAccount,
    Query(filter): Query<BoardFilter>,
    parts: Parts,
) -> Result<Response, AppError> {
    let csrf = Csrf::of_session(&parts, &state);
    match current.0 {
        // Anonymous visitors all see the same page, whatever cookies they carry.
        None => {
            let key = public_key(&parts);
            public_cache::respond(
                state.public_pages(),
                state.now(),
                &key,
                &parts.headers,
                || async {
                    let (body, changes_at) =
                        board_page(&state, &current, &csrf, filter, None).await?;
                    Ok(Rendered {
                        body,
                        content_type: HTML,
                        disposition: None,
                        changes_at,
                    })
                },
            )
            .await
        }
        Some(_) => {
            let zone = visitor_zone(None, &parts);
            let (body, _) = board_page(&state, &current, &csrf, filter, zone).await?;
            Ok(private_html(body))
        }
    }
}

/// The job board's HTML, and when it would next read differently (a window opens or closes).
async fn board_page(
    state: &AppState,
    current: &CurrentAccount,
    csrf: &Csrf,
    filter: BoardFilter,
    zone: Option<Tz>,
) -> Result<(String, Option<i64>), AppError> {
    let now = state.now();
    let cached = state.current_openings().await?;
    let all: Vec<&OpeningRecord> = cached.iter().filter(|o| o.closes_at > now).collect();
    let changes_at = all
        .iter()
        .flat_map(|o| [o.opens_at, o.closes_at])
        .filter(|at| *at > now)
        .min();
    let selected_track = filter.track.unwrap_or_default();
    let selected_place = filter.location.unwrap_or_default();
    let mut tracks: Vec<String> = Vec::new();
    let mut places: Vec<String> = Vec::new();
    for opening in &all {
        if !tracks.contains(&opening.track_name) {
            tracks.push(opening.track_name.clone());
        }
        let place = format!("{}, {}", opening.city, opening.country);
        if !places.contains(&place) {
            places.push(place);
        }
    }
    places.sort();
    let openings: Vec<OpeningView> = all
        .iter()
        .map(|opening| OpeningView::new(opening, now, zone))
        .filter(|view| selected_track.is_empty() || view.track == selected_track)
        .filter(|view| selected_place.is_empty() || view.place == selected_place)
        .collect();
    let page = JobBoardPage {
        layout: Layout::new("Internship openings", current, csrf),
        total: all.len(),
        openings,
        tracks,
        places,
        selected_track,
        selected_place,
    };
    Ok((page.render().map_err(AppError::internal)?, changes_at))
}

const HTML: &str = "text/html; charset=utf-8";

/// The cache key of a public page: its path and query.
fn public_key(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_owned()
}

/// A page for a signed-in visitor, which no shared cache may keep.
fn private_html(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, HTML),
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        body,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "opening.html")]
struct OpeningPage {
    layout: Layout,
    opening: OpeningView,
    description_html: String,
    pay: Option<String>,
    can_apply: bool,
}

async fn opening_page(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<i64>,
    Query(zone_query): Query<ZoneQuery>,
    parts: Parts,
) -> Result<Response, AppError> {
    let csrf = Csrf::of_session(&parts, &state);
    match current.0 {
        // Anonymous visitors all see the same page: times in the opening's zone (or the one the
        // address names), which the page script shows in the visitor's own.
        None => {
            let zone = zone_query
                .tz
                .as_deref()
                .and_then(|name| name.parse::<Tz>().ok());
            let key = public_key(&parts);
            public_cache::respond(
                state.public_pages(),
                state.now(),
                &key,
                &parts.headers,
                || async {
                    let (body, changes_at) =
                        opening_html(&state, &current, &csrf, id, zone).await?;
                    Ok(Rendered {
                        body,
                        content_type: HTML,
                        disposition: None,
                        changes_at,
                    })
                },
            )
            .await
        }
        Some(_) => {
            let zone = visitor_zone(zone_query.tz.as_deref(), &parts);
            let (body, _) = opening_html(&state, &current, &csrf, id, zone).await?;
            Ok(private_html(body))
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct ZoneQuery {
    tz: Option<String>,
}

async fn opening_html(
    state: &AppState,
    current: &CurrentAccount,
    csrf: &Csrf,
    id: i64,
    zone: Option<Tz>,
) -> Result<(String, Option<i64>), AppError> {
    let record = state.store().opening(id).await?;
    let bands = state.store().pay_bands(record.season_id).await?;
    let pay = bands
        .iter()
        .find(|band| band.track_id == record.track_id && band.location_id == record.location_id)
        .map(|band| {
            format!(
                "{} a month, plus a housing stipend of {}",
                cohort_domain::season::format_money(band.monthly_pay_minor, &band.currency),
                cohort_domain::season::format_money(band.housing_stipend_minor, &band.currency)
            )
        });
    let now = state.now();
    let changes_at = [record.opens_at, record.closes_at]
        .into_iter()
        .filter(|at| *at > now)
        .min();
    let page = OpeningPage {
        layout: Layout::new(record.title.clone(), current, csrf),
        opening: OpeningView::new(&record, now, zone),
        description_html: markdown(&record.description_md),
        pay,
        // Staff accounts cannot apply; a button that leads to "forbidden" helps nobody.
        can_apply: current
            .0
            .as_ref()
            .is_none_or(|account| account.has(cohort_domain::Role::Candidate)),
    };
    Ok((page.render().map_err(AppError::internal)?, changes_at))
}

/// Adds the two events of an opening's window: when it opens, and the deadline with reminders a
/// day and an hour before.
fn add_window_events(
    calendar: &mut Calendar,
    opening: &OpeningRecord,
    host: &str,
    stamp: chrono::DateTime<chrono::Utc>,
) {
    let (Some(opens), Some(closes)) = (
        chrono::DateTime::from_timestamp(opening.opens_at, 0),
        chrono::DateTime::from_timestamp(opening.closes_at, 0),
    ) else {
        return;
    };
    let place = format!("{}, {}", opening.city, opening.country);
    let url = format!("{host}/openings/{}", opening.id);
    let mut opening_event = Event::new();
    opening_event
        .uid(&format!("opening-{}-opens@cohort", opening.id))
        .timestamp(stamp)
        .summary(&format!("Applications open: {}", opening.title))
        .description(&format!(
            "{} · {} · {}\n{url}",
            opening.track_name, place, opening.season_name
        ))
        .location(&place)
        .url(&url)
        .starts(opens)
        .ends(opens + chrono::Duration::minutes(30));
    let mut deadline = Event::new();
    deadline
        .uid(&format!("opening-{}-closes@cohort", opening.id))
        .timestamp(stamp)
        .summary(&format!("Application deadline: {}", opening.title))
        .description(&format!(
            "Applications close at this time.\n{} · {} · {}\n{url}",
            opening.track_name, place, opening.season_name
        ))
        .location(&place)
        .url(&url)
        .starts(closes - chrono::Duration::minutes(30))
        .ends(closes)
        .alarm(Alarm::display(
            &format!("Applications for {} close in a day", opening.title),
            Trigger::before_start(chrono::Duration::days(1)),
        ))
        .alarm(Alarm::display(
            &format!("Applications for {} close in an hour", opening.title),
            Trigger::before_start(chrono::Duration::minutes(30)),
        ));
    calendar.push(opening_event.done());
    calendar.push(deadline.done());
}

/// A calendar feed, the same for everyone who asks.
async fn calendar_response(
    state: &AppState,
    parts: &Parts,
    filename: String,
    calendar: impl FnOnce() -> Result<Calendar, AppError>,
) -> Result<Response, AppError> {
    let key = public_key(parts);
    public_cache::respond(
        state.public_pages(),
        state.now(),
        &key,
        &parts.headers,
        || async move {
            Ok(Rendered {
                body: calendar()?.to_string(),
                content_type: "text/calendar; charset=utf-8",
                disposition: Some(format!("inline; filename=\"{filename}\"")),
                changes_at: None,
            })
        },
    )
    .await
}

async fn openings_calendar(
    State(state): State<AppState>,
    parts: Parts,
) -> Result<Response, AppError> {
    let cutoff = state.now() - 30 * 24 * 3600;
    let openings = state.current_openings().await?;
    let stamp = state.clock().now_utc();
    let host = state.config().base_url.clone();
    calendar_response(&state, &parts, "openings.ics".into(), move || {
        let mut calendar = Calendar::new();
        calendar.name("Cohort internship application windows");
        for opening in openings.iter().filter(|o| o.closes_at > cutoff) {
            add_window_events(&mut calendar, opening, &host, stamp);
        }
        Ok(calendar.done())
    })
    .await
}

async fn opening_calendar(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    parts: Parts,
) -> Result<Response, AppError> {
    let opening = state.store().opening(id).await?;
    let stamp = state.clock().now_utc();
    let host = state.config().base_url.clone();
    calendar_response(&state, &parts, format!("opening-{id}.ics"), move || {
        let mut calendar = Calendar::new();
        calendar.name(&opening.title);
        add_window_events(&mut calendar, &opening, &host, stamp);
        Ok(calendar.done())
    })
    .await
}
