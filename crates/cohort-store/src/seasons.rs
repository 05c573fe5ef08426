//! Seasons, tracks, locations, pay bands and openings.

use crate::{Result, Store, StoreError, Tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SeasonRecord {
    pub id: i64,
    pub name: String,
    pub program_start: String,
    pub program_end: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct TrackRecord {
    pub id: i64,
    pub season_id: i64,
    pub name: String,
    pub position: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct LocationRecord {
    pub id: i64,
    pub season_id: i64,
    pub city: String,
    pub country: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PayBandRecord {
    pub track_id: i64,
    pub location_id: i64,
    /// The bottom of the monthly pay band.
    pub monthly_pay_minor: i64,
    /// The top of the monthly pay band.
    pub monthly_pay_max_minor: i64,
    /// The most housing stipend, relocation allowance and sign-on bonus within the band.
    pub housing_stipend_minor: i64,
    pub relocation_minor: i64,
    pub sign_on_max_minor: i64,
    pub currency: String,
}

/// An opening with the names of its track and location, as pages and the API show it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct OpeningRecord {
    pub id: i64,
    pub season_id: i64,
    pub season_name: String,
    pub track_id: i64,
    pub track_name: String,
    pub location_id: i64,
    pub city: String,
    pub country: String,
    pub time_zone: String,
    pub title: String,
    pub headcount: i64,
    pub opens_at: i64,
    pub closes_at: i64,
    pub description_md: String,
    pub created_at: i64,
}

impl OpeningRecord {
    /// When the opening takes applications; `None` only if the stored times are broken.
    pub fn window(&self) -> Option<cohort_domain::season::ApplicationWindow> {
        let opens = chrono::DateTime::from_timestamp(self.opens_at, 0)?;
        let closes = chrono::DateTime::from_timestamp(self.closes_at, 0)?;
        cohort_domain::season::ApplicationWindow::new(opens, closes).ok()
    }
}

/// The parts of an opening that can change after it is published.
#[derive(Debug, Clone)]
pub struct OpeningChange<'a> {
    pub title: &'a str,
    pub headcount: i64,
    pub opens_at: i64,
    pub closes_at: i64,
    pub description_md: &'a str,
}

/// A new opening, already validated by the caller.
#[derive(Debug, Clone)]
pub struct NewOpening<'a> {
    pub season_id: i64,
    pub track_id: i64,
    pub location_id: i64,
    pub title: &'a str,
    pub headcount: i64,
    pub opens_at: i64,
    pub closes_at: i64,
    pub description_md: &'a str,
}

/// Which openings a list shows.
#[derive(Debug, Clone, Default)]
pub struct OpeningFilter {
    pub season_id: Option<i64>,
    pub track_id: Option<i64>,
    pub location_id: Option<i64>,
    /// Only openings whose window has not closed at this instant.
    pub not_closed_at: Option<i64>,
}

const OPENING_SELECT: &str =
    "SELECT o.id, o.season_id, s.name AS season_name, o.track_id, t.name AS track_name, \
     o.location_id, l.city, l.country, l.time_zone, o.title, o.headcount, o.opens_at, o.closes_at, \
     o.description_md, o.created_at \
     FROM openings o JOIN seasons s ON s.id = o.season_id JOIN tracks t ON t.id = o.track_id \
     JOIN locations l ON l.id = o.location_id";

impl Store {
    pub async fn create_season(
        tx: &mut Tx,
        name: &str,
        program_start: &str,
        program_end: &str,
        now: i64,
    ) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO seasons (name, program_start, program_end, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(program_start)
        .bind(program_end)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "name"))
    }

    pub async fn seasons(&self) -> Result<Vec<SeasonRecord>> {
        Ok(sqlx::query_as("SELECT id, name, program_start, program_end, created_at FROM seasons ORDER BY program_start DESC, id DESC")
            .fetch_all(&self.reader)
            .await?)
    }

    pub async fn season(&self, id: i64) -> Result<SeasonRecord> {
        sqlx::query_as(
            "SELECT id, name, program_start, program_end, created_at FROM seasons WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.reader)
        .await?
        .ok_or(StoreError::NotFound)
    }

    pub async fn create_track(tx: &mut Tx, season_id: i64, name: &str) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO tracks (season_id, name, position) \
             VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM tracks WHERE season_id = $1)) RETURNING id",
        )
        .bind(season_id)
        .bind(name)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_as(e, "name"))
    }

    pub async fn rename_track(&self, track_id: i64, name: &str) -> Result<()> {
        let result = sqlx::query("UPDATE tracks SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(track_id)
            .execute(&self.writer)
            .await
            .map_err(|e| StoreError::conflict_as(e, "name"))?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The names of every season's tracks, each once, alphabetically.
    pub async fn track_names(&self) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT DISTINCT name FROM tracks ORDER BY name")
                .fetch_all(&self.reader)
                .await?,
        )
    }

    pub async fn track(&self, track_id: i64) -> Result<TrackRecord> {
        sqlx::query_as("SELECT id, season_id, name, position FROM tracks WHERE id = $1")
            .bind(track_id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)
    }

    pub async fn tracks(&self, season_id: i64) -> Result<Vec<TrackRecord>> {
        Ok(sqlx::query_as("SELECT id, season_id, name, position FROM tracks WHERE season_id = $1 ORDER BY position")
            .bind(season_id)
            .fetch_all(&self.reader)
            .await?)
    }

    pub async fn create_location(
        tx: &mut Tx,
        season_id: i64,
        city: &str,
        country: &str,
        time_zone: &str,
    ) -> Result<i64> {
        sqlx::query_scalar("INSERT INTO locations (season_id, city, country, time_zone) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(season_id)
            .bind(city)
            .bind(country)
            .bind(time_zone)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| StoreError::conflict_as(e, "city"))
    }

    pub async fn locations(&self, season_id: i64) -> Result<Vec<LocationRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, season_id, city, country, time_zone FROM locations WHERE season_id = $1 ORDER BY country, city",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// Sets the pay band of a track at a location, replacing an earlier one.
    pub async fn set_pay_band(tx: &mut Tx, band: &PayBandRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO pay_bands (track_id, location_id, monthly_pay_minor, monthly_pay_max_minor, housing_stipend_minor, \
             relocation_minor, sign_on_max_minor, currency) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (track_id, location_id) DO UPDATE SET \
             monthly_pay_minor = excluded.monthly_pay_minor, monthly_pay_max_minor = excluded.monthly_pay_max_minor, \
             housing_stipend_minor = excluded.housing_stipend_minor, relocation_minor = excluded.relocation_minor, \
             sign_on_max_minor = excluded.sign_on_max_minor, currency = excluded.currency",
        )
        .bind(band.track_id)
        .bind(band.location_id)
        .bind(band.monthly_pay_minor)
        .bind(band.monthly_pay_max_minor)
        .bind(band.housing_stipend_minor)
        .bind(band.relocation_minor)
        .bind(band.sign_on_max_minor)
        .bind(&band.currency)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn pay_bands(&self, season_id: i64) -> Result<Vec<PayBandRecord>> {
        Ok(sqlx::query_as(
            "SELECT p.track_id, p.location_id, p.monthly_pay_minor, \
             COALESCE(p.monthly_pay_max_minor, p.monthly_pay_minor) AS monthly_pay_max_minor, p.housing_stipend_minor, \
             p.relocation_minor, p.sign_on_max_minor, p.currency \
             FROM pay_bands p JOIN tracks t ON t.id = p.track_id WHERE t.season_id = $1",
        )
        .bind(season_id)
        .fetch_all(&self.reader)
        .await?)
    }

    /// The pay band of a track at a location, if it has one.
    pub async fn pay_band(&self, track_id: i64, location_id: i64) -> Result<Option<PayBandRecord>> {
        Ok(sqlx::query_as(
            "SELECT track_id, location_id, monthly_pay_minor, \
             COALESCE(monthly_pay_max_minor, monthly_pay_minor) AS monthly_pay_max_minor, housing_stipend_minor, \
             relocation_minor, sign_on_max_minor, currency FROM pay_bands WHERE track_id = $1 AND location_id = $2",
        )
        .bind(track_id)
        .bind(location_id)
        .fetch_optional(&self.reader)
        .await?)
    }

    pub async fn create_opening(tx: &mut Tx, opening: &NewOpening<'_>, now: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO openings (season_id, track_id, location_id, title, headcount, opens_at, closes_at, description_md, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(opening.season_id)
        .bind(opening.track_id)
        .bind(opening.location_id)
        .bind(opening.title)
        .bind(opening.headcount)
        .bind(opening.opens_at)
        .bind(opening.closes_at)
        .bind(opening.description_md)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
    }

    /// Changes what an opening says and when it takes applications. Its track and location stay.
    pub async fn update_opening(tx: &mut Tx, id: i64, change: &OpeningChange<'_>) -> Result<()> {
        let result = sqlx::query(
            "UPDATE openings SET title = $1, headcount = $2, opens_at = $3, closes_at = $4, description_md = $5 \
             WHERE id = $6",
        )
        .bind(change.title)
        .bind(change.headcount)
        .bind(change.opens_at)
        .bind(change.closes_at)
        .bind(change.description_md)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if crate::affected(result) == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn opening(&self, id: i64) -> Result<OpeningRecord> {
        sqlx::query_as(&format!("{OPENING_SELECT} WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Openings matching `filter`, soonest closing first.
    pub async fn openings(&self, filter: &OpeningFilter) -> Result<Vec<OpeningRecord>> {
        // Unused filters compare against themselves, which keeps one statement (and one prepared
        // plan) for every combination of filters.
        let sql = format!(
            "{OPENING_SELECT} WHERE ($1 = 0 OR o.season_id = $1) AND ($2 = 0 OR o.track_id = $2) \
             AND ($3 = 0 OR o.location_id = $3) AND o.closes_at > $4 \
             ORDER BY o.closes_at, t.position, l.city, o.id"
        );
        Ok(sqlx::query_as(&sql)
            .bind(filter.season_id.unwrap_or(0))
            .bind(filter.track_id.unwrap_or(0))
            .bind(filter.location_id.unwrap_or(0))
            .bind(filter.not_closed_at.unwrap_or(i64::MIN))
            .fetch_all(&self.reader)
            .await?)
    }
}
