//! A season's setup: creating the season, its tracks, locations and pay bands, and the setup
//! page that shows them with the season's openings (which [`openings`] adds and edits).

pub mod openings;

use crate::auth::{Csrf, CsrfForm, Recruiting, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::setup::{self, NewLocation};
use cohort_domain::input::Text;
use cohort_domain::season::{parse_date, parse_time_zone, Currency, ProgramDates};
use cohort_domain::FieldErrors;
use cohort_store::accounts::Account;
use cohort_store::seasons::{
    LocationRecord, OpeningFilter, OpeningRecord, PayBandRecord, SeasonRecord, TrackRecord,
};
use cohort_store::StoreError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/seasons", post(create_season))
        .route("/staff/seasons/{id}/setup", get(setup_page))
        .route("/staff/seasons/{id}/tracks", post(add_track))
        .route("/staff/tracks/{id}", post(rename_track))
        .route("/staff/seasons/{id}/locations", post(add_location))
        .route("/staff/seasons/{id}/pay-bands", post(set_pay_band))
        .merge(openings::router())
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
        let page = super::board::staff_home_page(
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
    let season_id = match setup::create_season(state.app(), name.as_str(), dates).await {
        Ok(id) => id,
        Err(StoreError::Conflict { .. }) => {
            let mut errors = FieldErrors::new();
            errors.add("name", "A season with this name exists already.");
            let page = super::board::staff_home_page(
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
    Ok(Redirect::to(&format!("/staff/seasons/{season_id}/setup")).into_response())
}

struct BandRow {
    track: String,
    location: String,
    pay: String,
}

#[derive(Template)]
#[template(path = "staff/setup.html")]
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
                "{}{} a month · housing {} · relocation {}{}",
                cohort_domain::season::format_money(band.monthly_pay_minor, &band.currency),
                if band.monthly_pay_max_minor > band.monthly_pay_minor {
                    format!(
                        " to {}",
                        cohort_domain::season::format_money(
                            band.monthly_pay_max_minor,
                            &band.currency
                        )
                    )
                } else {
                    String::new()
                },
                cohort_domain::season::format_money(band.housing_stipend_minor, &band.currency),
                cohort_domain::season::format_money(band.relocation_minor, &band.currency),
                if band.sign_on_max_minor > 0 {
                    format!(
                        " · sign-on bonus up to {}",
                        cohort_domain::season::format_money(band.sign_on_max_minor, &band.currency)
                    )
                } else {
                    String::new()
                }
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
pub(super) async fn setup_outcome(
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
    let app = state.app();
    save_track_name(&form, &mut errors, |name| async move {
        setup::add_track(app, season_id, name.as_str())
            .await
            .map(|_| ())
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
        let location = NewLocation {
            season_id,
            city: city.as_str(),
            country: country.as_str(),
            time_zone: zone.name(),
        };
        match setup::add_location(state.app(), &location).await {
            Ok(_) => {}
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
pub(super) async fn season_track_and_location(
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
    #[serde(default)]
    monthly_pay_max: String,
    housing_stipend: String,
    relocation: String,
    #[serde(default)]
    sign_on_max: String,
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
    let currency = errors.take("currency", Currency::parse(&form.currency));
    let amount = |errors: &mut FieldErrors, field: &str, text: &str, what: &str| {
        let currency = currency.as_ref()?;
        errors.take(field, currency.parse_amount(text, what))
    };
    let monthly = amount(
        &mut errors,
        "monthly_pay",
        &form.monthly_pay,
        "the monthly pay",
    );
    // Without a top the band is the one amount.
    let monthly_max = if form.monthly_pay_max.trim().is_empty() {
        monthly
    } else {
        amount(
            &mut errors,
            "monthly_pay_max",
            &form.monthly_pay_max,
            "the top of the monthly pay band",
        )
    };
    if let (Some(bottom), Some(top)) = (monthly, monthly_max) {
        if top < bottom {
            errors.add(
                "monthly_pay_max",
                "The top of the monthly pay band cannot be below its bottom.",
            );
        }
    }
    let housing = amount(
        &mut errors,
        "housing_stipend",
        &form.housing_stipend,
        "the housing stipend",
    );
    let relocation = amount(
        &mut errors,
        "relocation",
        &form.relocation,
        "the relocation allowance",
    );
    let sign_on_max = if form.sign_on_max.trim().is_empty() {
        Some(0)
    } else {
        amount(
            &mut errors,
            "sign_on_max",
            &form.sign_on_max,
            "the largest sign-on bonus",
        )
    };
    if let (
        Some(monthly),
        Some(monthly_max),
        Some(housing),
        Some(relocation),
        Some(sign_on_max),
        Some(currency),
        true,
    ) = (
        monthly,
        monthly_max,
        housing,
        relocation,
        sign_on_max,
        currency.clone(),
        errors.is_empty(),
    ) {
        setup::set_pay_band(
            state.app(),
            &PayBandRecord {
                track_id: form.track,
                location_id: form.location,
                monthly_pay_minor: monthly,
                monthly_pay_max_minor: monthly_max,
                housing_stipend_minor: housing,
                relocation_minor: relocation,
                sign_on_max_minor: sign_on_max,
                currency: currency.as_str().to_owned(),
            },
        )
        .await?;
        // Opening pages show their pay band.
        state.forget_openings();
    }
    setup_outcome(&state, &staff.account, &csrf, season_id, errors, "band").await
}
