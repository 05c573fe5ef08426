//! The JSON API at `/api/v1`, authenticated by administrator-issued tokens, with an OpenAPI
//! document generated from these handlers and types.

use super::apply::{submit_application, Applicant, SubmitError};
use crate::auth::ApiClient;
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use cohort_domain::application::ApplicationInput;
use cohort_domain::input::{Email, Text};
use cohort_domain::{FieldErrors, RejectionReason, Role, Stage};
use cohort_store::applications::{BoardQuery, BoardSort};
use cohort_store::seasons::{OpeningFilter, OpeningRecord};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/seasons", get(list_seasons))
        .route("/api/v1/seasons/{id}/openings", get(list_openings))
        .route("/api/v1/openings/{id}", get(get_opening))
        .route(
            "/api/v1/applications",
            get(list_applications).post(create_application),
        )
        .route("/api/v1/applications/{id}", get(get_application))
        .route(
            "/api/v1/applications/{id}/transitions",
            post(create_transition),
        )
        .layer(axum::extract::DefaultBodyLimit::max(10 * 1024 * 1024))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Cohort API", version = "1", description = "Seasons, openings, applications and stage transitions. Authenticate with `Authorization: Bearer <token>`; tokens are created by an administrator with the scopes `read` and `write`. Errors have the shape `{\"error\": {\"code\", \"message\", \"fields\"}}`."),
    paths(list_seasons, list_openings, get_opening, list_applications, create_application, get_application, create_transition),
    components(schemas(SeasonDto, OpeningDto, ApplicationSummaryDto, ApplicationPage, ApplicationDto, ChoiceDto, TransitionDto, NewApplicationDto, NewCandidateDto, ResumeUploadDto, NewTransitionDto, ErrorBody, ErrorDetail, FieldErrorDto)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The error shape every API error has.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code: not_found, unauthenticated, forbidden, bad_request, invalid, conflict, too_many_requests, internal.
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldErrorDto>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldErrorDto {
    pub field: String,
    pub message: String,
}

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

#[derive(Serialize, ToSchema)]
pub struct ApplicationSummaryDto {
    pub id: i64,
    pub candidate_name: String,
    pub candidate_email: String,
    pub school: String,
    pub graduation: String,
    pub stage: String,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationPage {
    pub items: Vec<ApplicationSummaryDto>,
    /// Matching applications; exact unless `total_is_lower_bound` (past 1,000 counting stops).
    pub total: i64,
    pub total_is_lower_bound: bool,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ChoiceDto {
    pub rank: i64,
    pub opening_id: i64,
    pub title: String,
}

#[derive(Serialize, ToSchema)]
pub struct TransitionDto {
    pub from: Option<String>,
    pub to: String,
    pub actor: Option<String>,
    pub reason_code: Option<String>,
    pub reason: String,
    pub at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationDto {
    pub id: i64,
    pub season_id: i64,
    pub candidate_name: String,
    pub candidate_email: String,
    /// One of applied, screening, assessment, phone_screen, final_loop, debrief, offer, hired, rejected, withdrawn.
    pub stage: String,
    pub school: String,
    pub degree: String,
    pub graduation: String,
    pub languages: Vec<String>,
    pub links: Vec<String>,
    pub cover_letter: String,
    pub resume_filename: String,
    pub resume_kind: String,
    pub choices: Vec<ChoiceDto>,
    pub history: Vec<TransitionDto>,
    pub created_at: String,
}

#[derive(Deserialize, ToSchema)]
pub struct NewCandidateDto {
    pub email: String,
    pub name: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ResumeUploadDto {
    pub filename: String,
    /// The file's bytes in standard base64; PDF, DOCX or plain text, at most 5 MB.
    pub content_base64: String,
}

#[derive(Deserialize, ToSchema)]
pub struct NewApplicationDto {
    pub season_id: i64,
    pub candidate: NewCandidateDto,
    /// Opening ids in order of preference.
    pub choices: Vec<i64>,
    pub school: String,
    pub degree: String,
    /// YYYY-MM.
    pub graduation: String,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default)]
    pub cover_letter: String,
    pub resume: ResumeUploadDto,
}

#[derive(Deserialize, ToSchema)]
pub struct NewTransitionDto {
    /// The stage to move to.
    pub to: String,
    /// Required when `to` is `rejected`: not_qualified, ineligible, position_filled, assessment_score, interview_performance, other.
    pub reason_code: Option<String>,
    #[serde(default)]
    pub reason: String,
}

/// Reads a JSON body, turning a malformed one into the API's error shape.
fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError(AppError::BadRequest(format!(
            "The JSON body is not valid: {e}."
        )))
    })
}

#[utoipa::path(get, path = "/api/v1/seasons", responses((status = 200, body = [SeasonDto]), (status = 401, body = ErrorBody)))]
async fn list_seasons(
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

#[utoipa::path(get, path = "/api/v1/seasons/{id}/openings", params(("id" = i64, Path)), responses((status = 200, body = [OpeningDto]), (status = 404, body = ErrorBody)))]
async fn list_openings(
    State(state): State<AppState>,
    client: ApiClient,
    Path(id): Path<i64>,
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

#[utoipa::path(get, path = "/api/v1/openings/{id}", params(("id" = i64, Path)), responses((status = 200, body = OpeningDto), (status = 404, body = ErrorBody)))]
async fn get_opening(
    State(state): State<AppState>,
    client: ApiClient,
    Path(id): Path<i64>,
) -> Result<Json<OpeningDto>, ApiError> {
    client.require("read")?;
    Ok(Json(OpeningDto::from(&state.store().opening(id).await?)))
}

#[derive(Deserialize)]
struct ListQuery {
    season: Option<i64>,
    stage: Option<String>,
    page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/applications", params(("season" = Option<i64>, Query), ("stage" = Option<String>, Query), ("page" = Option<i64>, Query)), responses((status = 200, body = ApplicationPage), (status = 400, body = ErrorBody)))]
async fn list_applications(
    State(state): State<AppState>,
    client: ApiClient,
    Query(query): Query<ListQuery>,
) -> Result<Json<ApplicationPage>, ApiError> {
    client.require("read")?;
    let stage =
        match query.stage.as_deref() {
            None | Some("") => None,
            Some(name) => Some(Stage::parse(name).ok_or_else(|| {
                ApiError(AppError::BadRequest(format!("Unknown stage '{name}'.")))
            })?),
        };
    let page = query.page.unwrap_or(1).max(1);
    let per_page = 100;
    let result = state
        .store()
        .board(&BoardQuery {
            season_id: query.season,
            stage,
            sort: BoardSort::Oldest,
            offset: (page - 1) * per_page,
            limit: per_page,
            ..Default::default()
        })
        .await?;
    let items = result
        .rows
        .into_iter()
        .map(|r| ApplicationSummaryDto {
            id: r.id,
            candidate_name: r.candidate_name,
            candidate_email: r.candidate_email,
            school: r.school,
            graduation: r.graduation,
            stage: r.stage,
            created_at: crate::pages::iso(r.created_at),
        })
        .collect();
    Ok(Json(ApplicationPage {
        items,
        total: result.total,
        total_is_lower_bound: result.total_is_lower_bound,
        page,
        per_page,
    }))
}

async fn application_dto(state: &AppState, id: i64) -> Result<ApplicationDto, ApiError> {
    let record = state.store().application(id).await?;
    let choices = state
        .store()
        .choices(id)
        .await?
        .into_iter()
        .map(|c| ChoiceDto {
            rank: c.rank,
            opening_id: c.opening_id,
            title: c.title,
        })
        .collect();
    let history = state
        .store()
        .history(id)
        .await?
        .into_iter()
        .map(|t| TransitionDto {
            from: t.from_stage,
            to: t.to_stage,
            actor: t.actor_name,
            reason_code: t.reason_code,
            reason: t.reason,
            at: crate::pages::iso(t.at),
        })
        .collect();
    Ok(ApplicationDto {
        id: record.id,
        season_id: record.season_id,
        languages: record
            .language_list()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        links: record.link_list().into_iter().map(str::to_owned).collect(),
        candidate_name: record.candidate_name,
        candidate_email: record.candidate_email,
        stage: record.stage,
        school: record.school,
        degree: record.degree,
        graduation: record.graduation,
        cover_letter: record.cover_letter,
        resume_filename: record.resume_filename,
        resume_kind: record.resume_kind,
        choices,
        history,
        created_at: crate::pages::iso(record.created_at),
    })
}

#[utoipa::path(get, path = "/api/v1/applications/{id}", params(("id" = i64, Path)), responses((status = 200, body = ApplicationDto), (status = 404, body = ErrorBody)))]
async fn get_application(
    State(state): State<AppState>,
    client: ApiClient,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationDto>, ApiError> {
    client.require("read")?;
    Ok(Json(application_dto(&state, id).await?))
}

/// Creates an application for an integration (a career-fair import, a partner job board). The
/// candidate's account is created if the email is new; they can sign in after resetting their
/// password. The same rules as the web form apply: open windows, one application per season.
#[utoipa::path(post, path = "/api/v1/applications", request_body = NewApplicationDto, responses((status = 201, body = ApplicationDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_application(
    State(state): State<AppState>,
    client: ApiClient,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ApplicationDto>), ApiError> {
    client.require("write")?;
    let new: NewApplicationDto = json_body(&body)?;
    let mut errors = FieldErrors::new();
    let email = errors.take("candidate.email", Email::parse(&new.candidate.email));
    let name = errors.take(
        "candidate.name",
        Text::required(&new.candidate.name, "the candidate's name", 120),
    );
    let resume = base64::engine::general_purpose::STANDARD
        .decode(new.resume.content_base64.trim())
        .map_err(|_| errors.add("resume.content_base64", "The résumé is not valid base64."))
        .ok();
    let (Some(email), Some(name), Some(resume)) = (email, name, resume) else {
        return Err(ApiError(AppError::Invalid(errors)));
    };
    let existing = state.store().user_by_email(email.as_str()).await?;
    // A new candidate's account is created with the application, in its transaction.
    let candidate_id = match existing {
        Some(user) => {
            let roles = state.store().roles_of(user.id).await?;
            if !roles.contains(&Role::Candidate) {
                return Err(ApiError(AppError::Conflict(
                    "That email belongs to a staff account, not a candidate.".into(),
                )));
            }
            Some(user.id)
        }
        None => None,
    };
    let input = ApplicationInput {
        choices: new.choices,
        school: new.school,
        degree: new.degree,
        graduation: new.graduation,
        languages: new.languages.join(", "),
        links: new.links.join("\n"),
        cover_letter: new.cover_letter,
    };
    let applicant = Applicant {
        id: candidate_id,
        name: name.as_str(),
        email: email.as_str(),
    };
    match submit_application(
        &state,
        &applicant,
        new.season_id,
        &input,
        resume,
        &new.resume.filename,
    )
    .await
    {
        Ok(id) => Ok((
            StatusCode::CREATED,
            Json(application_dto(&state, id).await?),
        )),
        Err(SubmitError::Invalid(errors)) => Err(ApiError(AppError::Invalid(errors))),
        Err(SubmitError::Refused(error)) => Err(ApiError(error)),
    }
}

/// Moves an application to another stage on behalf of the administrator who issued the token,
/// under the same rules as the board.
#[utoipa::path(post, path = "/api/v1/applications/{id}/transitions", params(("id" = i64, Path)), request_body = NewTransitionDto, responses((status = 200, body = ApplicationDto), (status = 409, body = ErrorBody), (status = 400, body = ErrorBody)))]
async fn create_transition(
    State(state): State<AppState>,
    client: ApiClient,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<ApplicationDto>, ApiError> {
    client.require("write")?;
    let request: NewTransitionDto = json_body(&body)?;
    let to = Stage::parse(&request.to).ok_or_else(|| {
        ApiError(AppError::BadRequest(format!(
            "Unknown stage '{}'.",
            request.to
        )))
    })?;
    let reason_code = match request.reason_code.as_deref() {
        None | Some("") => None,
        Some(code) => Some(RejectionReason::parse(code).ok_or_else(|| {
            ApiError(AppError::BadRequest(format!(
                "Unknown reason code '{code}'."
            )))
        })?),
    };
    let reason = Text::optional(&request.reason, "the reason", 500)
        .map_err(|e| ApiError(AppError::BadRequest(e.0)))?;
    let actor = state
        .store()
        .account(client.token.created_by)
        .await?
        .ok_or(ApiError(AppError::Forbidden))?;
    let record = state.store().application(id).await?;
    super::staff::move_application(&state, &actor, &record, to, reason_code, reason.as_str())
        .await?;
    Ok(Json(application_dto(&state, id).await?))
}
