//! Seasons and their openings: `GET /api/v1/seasons`, `/api/v1/seasons/{id}/openings` and
//! `/api/v1/openings/{id}`.

use super::{ApiPath, ErrorBody};
use crate::auth::ApiClient;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use cohort_store::seasons::{OpeningFilter, OpeningRecord};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct SeasonDto {
    pub id: i64,
    pub name: String,
    /// First day of the program, YYYY-MM-DD.
    pub program_start: String,
    pub program_end: String,
}

#[derive(Serialize, ToSchema)]
pub struct OpeningDto {
    pub id: i64,
    pub season_id: i64,
    pub title: String,
    pub track: String,
    pub city: String,
    pub country: String,
    pub time_zone: String,
    pub headcount: i64,
    /// RFC 3339, UTC.
    pub opens_at: String,
    pub closes_at: String,
    pub description_markdown: String,
}

impl From<&OpeningRecord> for OpeningDto {
    fn from(o: &OpeningRecord) -> OpeningDto {
        OpeningDto {
            id: o.id,
            season_id: o.season_id,
            title: o.title.clone(),
            track: o.track_name.clone(),
            city: o.city.clone(),
            country: o.country.clone(),
            time_zone: o.time_zone.clone(),
            headcount: o.headcount,
            opens_at: crate::pages::iso(o.opens_at),
            closes_at: crate::pages::iso(o.closes_at),
            description_markdown: o.description_md.clone(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/seasons", responses((status = 200, body = [SeasonDto]), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope")))]
pub(super) async fn list_seasons(
    State(state): State<AppState>,
    client: ApiClient,
) -> Result<Json<Vec<SeasonDto>>, ApiError> {
    client.require("read")?;
    let seasons = state.store().seasons().await?;
    Ok(Json(
        seasons
            .into_iter()
            .map(|s| SeasonDto {
                id: s.id,
                name: s.name,
                program_start: s.program_start,
                program_end: s.program_end,
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/seasons/{id}/openings", params(("id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64)), responses((status = 200, body = [OpeningDto]), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope"), (status = 404, body = ErrorBody, description = "No such resource")))]
pub(super) async fn list_openings(
    State(state): State<AppState>,
    client: ApiClient,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<OpeningDto>>, ApiError> {
    client.require("read")?;
    state.store().season(id).await?;
    let openings = state
        .store()
        .openings(&OpeningFilter {
            season_id: Some(id),
            ..Default::default()
        })
        .await?;
    Ok(Json(openings.iter().map(OpeningDto::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/openings/{id}", params(("id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64)), responses((status = 200, body = OpeningDto), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope"), (status = 404, body = ErrorBody, description = "No such resource")))]
pub(super) async fn get_opening(
    State(state): State<AppState>,
    client: ApiClient,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OpeningDto>, ApiError> {
    client.require("read")?;
    Ok(Json(OpeningDto::from(&state.store().opening(id).await?)))
}
