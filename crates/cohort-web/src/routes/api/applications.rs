//! Applications: listing them, reading one, creating one (for an integration) and moving one to
//! another stage, with the types of their requests and answers.

use super::{
    ApiJson, ApiPath, ApiQuery, ErrorBody, RejectionCode, RequestBody, StageName, MAX_ID, MAX_PAGE,
    PER_PAGE,
};
use crate::auth::ApiClient;
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use base64::Engine;
use cohort_app::applications::submit::{submit, Applicant, ResumeUpload};
use cohort_domain::application::ApplicationInput;
use cohort_domain::input::{Email, Text};
use cohort_domain::{FieldErrors, RejectionReason, Role, Stage};
use cohort_store::applications::{BoardQuery, BoardSort};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ApplicationSummaryDto {
    pub id: i64,
    pub candidate_name: String,
    pub candidate_email: String,
    pub school: String,
    pub graduation: String,
    #[schema(value_type = StageName)]
    pub stage: String,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationPage {
    pub items: Vec<ApplicationSummaryDto>,
    /// Matching applications; exact unless `total_is_lower_bound` (past 250 counting stops).
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
    #[schema(value_type = StageName)]
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
#[serde(deny_unknown_fields)]
pub struct NewCandidateDto {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResumeUploadDto {
    #[schema(min_length = 1, max_length = 255)]
    pub filename: String,
    /// The file's bytes in standard base64; PDF, DOCX or plain text, at most 5 MB.
    #[schema(format = Byte, min_length = 1)]
    pub content_base64: String,
}

/// A new application. The example is a plain-text résumé for the demo season's first openings.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "season_id": 1,
    "candidate": {"email": "ada.lovelace@example.edu", "name": "Ada Lovelace"},
    "choices": [1, 15],
    "school": "University of London",
    "degree": "BSc Mathematics",
    "graduation": "2028-06",
    "languages": ["Rust", "Python"],
    "links": ["https://github.com/ada"],
    "cover_letter": "I would like to build the tools that analytical engines need.",
    "resume": {
        "filename": "ada-lovelace.txt",
        "content_base64": base64::engine::general_purpose::STANDARD.encode(EXAMPLE_RESUME),
    },
}))]
pub struct NewApplicationDto {
    #[schema(minimum = 1, maximum = 9007199254740991_i64)]
    pub season_id: i64,
    pub candidate: NewCandidateDto,
    /// Opening ids in order of preference, each once; every one open in the season.
    #[schema(schema_with = opening_ids)]
    pub choices: Vec<i64>,
    #[schema(min_length = 1, max_length = 200)]
    pub school: String,
    #[schema(min_length = 1, max_length = 200)]
    pub degree: String,
    /// The graduation month, YYYY-MM, between 1950 and 2100.
    #[schema(pattern = "^(19[5-9][0-9]|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])$")]
    pub graduation: String,
    #[serde(default)]
    #[schema(schema_with = language_names)]
    pub languages: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = link_addresses)]
    pub links: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub cover_letter: String,
    pub resume: ResumeUploadDto,
}

impl RequestBody for NewApplicationDto {
    const SCHEMA: &'static str = "NewApplicationDto";
}

/// The résumé of the OpenAPI document's example application.
const EXAMPLE_RESUME: &str = "Ada Lovelace\nUniversity of London, BSc Mathematics, 2028\n\nNotes on the Analytical Engine: wrote the first published algorithm for a machine.\n";

/// The schema of `choices`: one to five distinct opening ids.
fn opening_ids() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(1))
                .maximum(Some(MAX_ID)),
        )
        .min_items(Some(1))
        .max_items(Some(5))
        .unique_items(true)
        .description(Some(
            "Opening ids in order of preference, each once; every one open in the season.",
        ))
        .build()
}

/// The schema of `languages`: up to twenty short names.
fn language_names() -> utoipa::openapi::schema::Array {
    strings(
        20,
        30,
        "Programming language names (letters, digits and `+#-. /`, at most 30 characters each).",
    )
}

/// The schema of `links`: up to five web addresses.
fn link_addresses() -> utoipa::openapi::schema::Array {
    strings(
        5,
        300,
        "Web addresses starting with https:// or http://, at most 300 characters each.",
    )
}

fn strings(
    max_items: usize,
    max_length: usize,
    description: &str,
) -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(max_length)),
        )
        .max_items(Some(max_items))
        .description(Some(description))
        .build()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTransitionDto {
    /// The stage to move to.
    #[schema(value_type = StageName)]
    pub to: String,
    /// Required when `to` is `rejected`.
    #[schema(value_type = Option<RejectionCode>)]
    pub reason_code: Option<String>,
    /// Why, in a sentence the history shows; at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
}

impl RequestBody for NewTransitionDto {
    const SCHEMA: &'static str = "NewTransitionDto";
}

#[derive(Deserialize)]
pub(super) struct ListQuery {
    season: Option<i64>,
    stage: Option<String>,
    page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/applications", params(("season" = Option<i64>, Query, description = "Only this season's applications"), ("stage" = Option<StageName>, Query, description = "Only applications in this stage"), ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000000, description = "Page number, from 1; 100 applications per page")), responses((status = 200, body = ApplicationPage), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope")))]
pub(super) async fn list_applications(
    State(state): State<AppState>,
    client: ApiClient,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<ApplicationPage>, ApiError> {
    client.require("read")?;
    let stage =
        match query.stage.as_deref() {
            None => None,
            Some(name) => Some(Stage::parse(name).ok_or_else(|| {
                ApiError(AppError::BadRequest(format!("Unknown stage '{name}'.")))
            })?),
        };
    let page = query.page.unwrap_or(1);
    if !(1..=MAX_PAGE).contains(&page) {
        return Err(ApiError(AppError::BadRequest(format!(
            "Pages are numbered from 1 to {MAX_PAGE}."
        ))));
    }
    let offset = (page - 1) * PER_PAGE;
    let per_page = PER_PAGE;
    let result = state
        .store()
        .board(&BoardQuery {
            season_id: query.season,
            stage,
            sort: BoardSort::Oldest,
            offset,
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

#[utoipa::path(get, path = "/api/v1/applications/{id}", params(("id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64)), responses((status = 200, body = ApplicationDto), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope"), (status = 404, body = ErrorBody, description = "No such resource")))]
pub(super) async fn get_application(
    State(state): State<AppState>,
    client: ApiClient,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ApplicationDto>, ApiError> {
    client.require("read")?;
    Ok(Json(application_dto(&state, id).await?))
}

/// Creates an application for an integration (a career-fair import, a partner job board). The
/// candidate's account is created if the email is new; they can sign in after resetting their
/// password. The same rules as the web form apply: open windows, one application per season.
#[utoipa::path(post, path = "/api/v1/applications", request_body = NewApplicationDto, responses((status = 201, body = ApplicationDto), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope"), (status = 404, body = ErrorBody, description = "No such resource"), (status = 409, body = ErrorBody, description = "The request conflicts with the current state"), (status = 413, body = ErrorBody, description = "The body is over 10 MB"), (status = 422, body = ErrorBody, description = "Fields that break a rule, listed in fields")))]
pub(super) async fn create_application(
    State(state): State<AppState>,
    client: ApiClient,
    ApiJson(new): ApiJson<NewApplicationDto>,
) -> Result<(StatusCode, Json<ApplicationDto>), ApiError> {
    client.require("write")?;
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
    let upload = ResumeUpload {
        bytes: resume,
        filename: &new.resume.filename,
    };
    let id = submit(state.app(), &applicant, new.season_id, &input, upload)
        .await
        .map_err(|error| ApiError(error.into()))?;
    Ok((
        StatusCode::CREATED,
        Json(application_dto(&state, id).await?),
    ))
}

/// Moves an application to another stage on behalf of the administrator who issued the token,
/// under the same rules as the board.
#[utoipa::path(post, path = "/api/v1/applications/{id}/transitions", params(("id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64)), request_body = NewTransitionDto, responses((status = 200, body = ApplicationDto), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope"), (status = 404, body = ErrorBody, description = "No such resource"), (status = 409, body = ErrorBody, description = "The request conflicts with the current state"), (status = 413, body = ErrorBody, description = "The body is over 10 MB"), (status = 422, body = ErrorBody, description = "Fields that break a rule, listed in fields")))]
pub(super) async fn create_transition(
    State(state): State<AppState>,
    client: ApiClient,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<NewTransitionDto>,
) -> Result<Json<ApplicationDto>, ApiError> {
    client.require("write")?;
    let to = Stage::parse(&request.to).ok_or_else(|| {
        ApiError(AppError::BadRequest(format!(
            "Unknown stage '{}'.",
            request.to
        )))
    })?;
    let reason_code = match request.reason_code.as_deref() {
        None => None,
        Some(code) => Some(
            RejectionReason::parse(code)
                .filter(|r| RejectionReason::CHOICES.contains(r))
                .ok_or_else(|| {
                    ApiError(AppError::BadRequest(format!(
                        "Unknown reason code '{code}'."
                    )))
                })?,
        ),
    };
    let mut errors = FieldErrors::new();
    let Some(reason) = errors.take("reason", Text::optional(&request.reason, "the reason", 500))
    else {
        return Err(ApiError(AppError::Invalid(errors)));
    };
    let actor = state
        .store()
        .account(client.token.created_by)
        .await?
        .ok_or(ApiError(AppError::Forbidden))?;
    let record = state.store().application(id).await?;
    cohort_app::applications::move_application(
        state.app(),
        &actor,
        &record,
        to,
        reason_code,
        reason.as_str(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(Json(application_dto(&state, id).await?))
}
