//! Calibration for recruiters and bar raisers: each interviewer's ratings against their panels'
//! (a server-rendered SVG chart, no script, with a table beside it), the share of their feedback
//! that came in late and how often their recommendation matched the decision.

use crate::auth::{Csrf, Recruiting, Require, StaffOnly};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cohort_app::interviews::feedback::due_after;
use cohort_domain::interviews::calibration::{calibrate, Calibration};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new().route("/staff/calibration", get(calibration_page))
}

/// The chart's geometry: a bar per interviewer from the centre line, a point of offset being
/// [`POINT_WIDTH`] pixels; offsets beyond two points are drawn at two.
const CHART_WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 180;
const ROW_HEIGHT: i64 = 30;
const POINT_WIDTH: f64 = 100.0;

struct Bar {
    y: i64,
    text_y: i64,
    x: i64,
    width: i64,
    name: String,
    /// `harsh`, `lenient` or `level`, for the bar's colour.
    class: &'static str,
    value: String,
    value_x: i64,
}

struct Row {
    name: String,
    compared: usize,
    offset: String,
    leaning: &'static str,
    outlier: bool,
    furthest: String,
    late: String,
    matched: String,
}

#[derive(Template)]
#[template(path = "interviews/calibration.html")]
struct CalibrationPage {
    layout: Layout,
    seasons: Vec<(i64, String)>,
    season_id: i64,
    rows: Vec<Row>,
    bars: Vec<Bar>,
    chart_height: i64,
    centre: i64,
    chart_width: i64,
    label_width: i64,
}

#[derive(serde::Deserialize, Default)]
struct SeasonQuery {
    season: Option<i64>,
}

fn share(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".to_owned()
    } else {
        format!(
            "{part} of {whole} ({:.0} %)",
            100.0 * part as f64 / whole as f64
        )
    }
}

fn ratings_words(count: usize) -> String {
    if count == 1 {
        "1 rating".to_owned()
    } else {
        format!("{count} ratings")
    }
}

fn leaning(calibration: &Calibration) -> &'static str {
    match calibration.offset {
        Some(o) if o <= -0.25 => "harsher",
        Some(o) if o >= 0.25 => "more lenient",
        Some(_) => "in line",
        None => "not enough to compare",
    }
}

async fn calibration_page(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Query(query): Query<SeasonQuery>,
) -> Result<Response, AppError> {
    // Recruiters, and bar raisers, who hold the bar and coach interviewers.
    let bar_raiser =
        cohort_app::interviews::feedback::is_bar_raiser(state.app(), &me.account).await?;
    if !<Recruiting as crate::auth::Policy>::allows(&me.account) && !bar_raiser {
        return Err(AppError::Forbidden);
    }
    let seasons: Vec<(i64, String)> = state
        .store()
        .seasons()
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let season_id = match query.season {
        Some(id) if seasons.iter().any(|(s, _)| *s == id) => id,
        Some(_) => return Err(AppError::NotFound),
        None => seasons.first().map_or(0, |(id, _)| *id),
    };
    let facts = state
        .store()
        .calibration_facts(season_id, due_after(state.app()), state.now())
        .await?;
    let calibrations = calibrate(&facts.ratings, &facts.feedback, &facts.decisions);
    let names: HashMap<i64, String> = state
        .store()
        .interviewer_names()
        .await?
        .into_iter()
        .collect();
    let competencies: HashMap<i64, String> = state.store().competency_names().await?;
    let name_of = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let mut ordered: Vec<&Calibration> = calibrations.iter().collect();
    // The furthest from their panels first: the people a bar raiser should talk to.
    ordered.sort_by(|a, b| {
        let key = |c: &Calibration| c.offset.map_or(-1.0, f64::abs);
        key(b)
            .total_cmp(&key(a))
            .then(a.interviewer.cmp(&b.interviewer))
    });
    let rows = ordered
        .iter()
        .map(|c| Row {
            name: name_of(c.interviewer),
            compared: c.compared,
            offset: c.offset.map_or("–".to_owned(), |o| format!("{o:+.2}")),
            leaning: leaning(c),
            outlier: c.is_outlier(),
            furthest: c
                .principles
                .iter()
                .max_by(|a, b| a.offset().abs().total_cmp(&b.offset().abs()))
                .map(|p| {
                    format!(
                        "{} {:+.2} ({})",
                        competencies.get(&p.principle).cloned().unwrap_or_default(),
                        p.offset(),
                        ratings_words(p.ratings)
                    )
                })
                .unwrap_or_default(),
            late: share(c.late, c.due),
            matched: share(c.matched, c.decided),
        })
        .collect();
    let centre = LABEL_WIDTH + (CHART_WIDTH - LABEL_WIDTH) / 2;
    let bars: Vec<Bar> = ordered
        .iter()
        .filter(|c| c.offset.is_some())
        .enumerate()
        .map(|(index, c)| {
            let offset = c.offset.unwrap_or_default().clamp(-2.0, 2.0);
            let length = (offset.abs() * POINT_WIDTH).round() as i64;
            let y = 10 + index as i64 * ROW_HEIGHT;
            let x = if offset < 0.0 {
                centre - length
            } else {
                centre
            };
            // Every value in one column right of the bars, so none runs into a name or a bar.
            let value_x = CHART_WIDTH + 8;
            Bar {
                y,
                text_y: y + 15,
                x,
                width: length.max(1),
                name: name_of(c.interviewer),
                class: match leaning(c) {
                    "harsher" => "harsh",
                    "more lenient" => "lenient",
                    _ => "level",
                },
                value: format!("{offset:+.2} ({})", ratings_words(c.compared)),
                value_x,
            }
        })
        .collect();
    let page = CalibrationPage {
        layout: Layout::for_account("Interviewer calibration", Some(&me.account), &csrf),
        chart_height: 20 + bars.len() as i64 * ROW_HEIGHT,
        seasons,
        season_id,
        rows,
        bars,
        centre,
        chart_width: CHART_WIDTH,
        label_width: LABEL_WIDTH,
    };
    Ok(render(&page)?.into_response())
}
