//! Season setup: a season with its default tracks, and the tracks, locations, pay bands and
//! openings added to it. Each write is one transaction; a name or place that exists already
//! comes back as [`StoreError::Conflict`], for the form to show beside its field.

use crate::App;
use cohort_domain::season::{ProgramDates, DEFAULT_TRACKS};
use cohort_store::seasons::{NewOpening, OpeningChange, PayBandRecord};
use cohort_store::{Store, StoreError};

/// Creates a season with the default tracks; returns its id.
pub async fn create_season(app: &App, name: &str, dates: ProgramDates) -> Result<i64, StoreError> {
    let mut tx = app.store().begin().await?;
    let season_id = Store::create_season(
        &mut tx,
        name,
        &dates.start().to_string(),
        &dates.end().to_string(),
        app.now(),
    )
    .await?;
    for track in DEFAULT_TRACKS {
        Store::create_track(&mut tx, season_id, track).await?;
    }
    Store::commit(tx).await?;
    tracing::info!(season.id = season_id, "season created");
    Ok(season_id)
}

/// Adds a track after the season's others; returns its id.
pub async fn add_track(app: &App, season_id: i64, name: &str) -> Result<i64, StoreError> {
    let mut tx = app.store().begin().await?;
    let id = Store::create_track(&mut tx, season_id, name).await?;
    Store::commit(tx).await?;
    Ok(id)
}

/// A location whose fields have been checked.
pub struct NewLocation<'a> {
    pub season_id: i64,
    pub city: &'a str,
    pub country: &'a str,
    /// An IANA time zone name.
    pub time_zone: &'a str,
}

/// Adds a location to a season; returns its id.
pub async fn add_location(app: &App, new: &NewLocation<'_>) -> Result<i64, StoreError> {
    let mut tx = app.store().begin().await?;
    let id = Store::create_location(&mut tx, new.season_id, new.city, new.country, new.time_zone)
        .await?;
    Store::commit(tx).await?;
    Ok(id)
}

/// Sets the pay of a track at a location, replacing any earlier band.
pub async fn set_pay_band(app: &App, band: &PayBandRecord) -> Result<(), StoreError> {
    let mut tx = app.store().begin().await?;
    Store::set_pay_band(&mut tx, band).await?;
    Store::commit(tx).await
}

/// Adds an opening; returns its id.
pub async fn add_opening(app: &App, new: &NewOpening<'_>) -> Result<i64, StoreError> {
    let mut tx = app.store().begin().await?;
    let id = Store::create_opening(&mut tx, new, app.now()).await?;
    Store::commit(tx).await?;
    tracing::info!(opening.id = id, "opening added");
    Ok(id)
}

/// Changes an opening's title, headcount, window and description.
pub async fn update_opening(
    app: &App,
    id: i64,
    change: &OpeningChange<'_>,
) -> Result<(), StoreError> {
    let mut tx = app.store().begin().await?;
    Store::update_opening(&mut tx, id, change).await?;
    Store::commit(tx).await
}
