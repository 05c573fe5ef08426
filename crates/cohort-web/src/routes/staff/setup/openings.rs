//! A season's openings: adding one, and editing one's title, headcount, window and description.

use super::{season_track_and_location, setup_outcome};
use crate::auth::{Csrf, CsrfForm, Recruiting, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono_tz::Tz;
use cohort_app::setup;
use cohort_domain::input::Text;
use cohort_domain::season::{parse_headcount, parse_local_time, ApplicationWindow};
use cohort_domain::FieldErrors;
use cohort_store::seasons::{NewOpening, OpeningChange, OpeningRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/staff/openings/{id}/edit",
            get(edit_opening_form).post(edit_opening),
        )
        .route("/staff/seasons/{id}/openings", post(add_opening))
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
#[template(path = "staff/opening_edit.html")]
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
    setup::update_opening(
        state.app(),
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
        setup::add_opening(state.app(), &new).await?;
        state.forget_openings();
    }
    setup_outcome(&state, &staff.account, &csrf, season_id, errors, "opening").await
}
