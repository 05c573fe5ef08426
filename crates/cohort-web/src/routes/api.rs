//! The JSON API at `/api/v1`, authenticated by administrator-issued tokens, with an OpenAPI
//! document generated from these handlers and types.

use super::apply::{submit_application, Applicant, SubmitError};
use crate::auth::ApiClient;
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{any, get, post};
use axum::{Json, Router};
use base64::Engine;
use cohort_domain::application::ApplicationInput;
use cohort_domain::input::{Email, Text};
use cohort_domain::{FieldErrors, RejectionReason, Role, Stage};
use cohort_store::applications::{BoardQuery, BoardSort};
use cohort_store::seasons::{OpeningFilter, OpeningRecord};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

/// The largest request body: a 5 MB résumé grows by a third in base64, plus the other fields.
pub const BODY_LIMIT: usize = 10 * 1024 * 1024;
/// Applications per page of `GET /api/v1/applications`.
pub const PER_PAGE: i64 = 100;

pub fn router(state: AppState) -> Router<AppState> {
    // Compiled at start, so a schema that does not compile stops the server instead of a request.
    std::sync::LazyLock::force(&REQUEST_SCHEMAS);
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(openapi).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/seasons",
            get(list_seasons).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/seasons/{id}/openings",
            get(list_openings).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/openings/{id}",
            get(get_opening).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/applications",
            post(create_application)
                .route_layer(axum::middleware::from_fn_with_state(
                    state,
                    crate::upload::one_upload_at_a_time,
                ))
                .get(list_applications)
                .fallback(method_not_allowed),
        )
        .route(
            "/api/v1/applications/{id}",
            get(get_application).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/applications/{id}/transitions",
            post(create_transition).fallback(method_not_allowed),
        )
        .route("/api/v1", any(not_found))
        .route("/api/v1/{*rest}", any(not_found))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}

async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

async fn method_not_allowed() -> ApiError {
    ApiError(AppError::MethodNotAllowed)
}

/// A path parameter; one that does not parse is a 400 in the API's error shape.
pub struct ApiPath<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(ApiError(AppError::BadRequest(format!(
                "The address is not valid: {}.",
                rejection.body_text()
            )))),
        }
    }
}

/// The query string; one that does not parse is a 400 in the API's error shape.
pub struct ApiQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> FromRequestParts<AppState> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError(AppError::BadRequest(format!(
                "The query is not valid: {}.",
                rejection.body_text()
            )))),
        }
    }
}

/// The largest id a client may send: JSON numbers are exact up to 2^53 - 1 in most clients, and
/// the schema says so, so an integral float such as `7.0` can be read as the integer it is.
pub const MAX_ID: i64 = 9_007_199_254_740_991;
/// The last page `GET /api/v1/applications` accepts (a hundred thousand million applications).
pub const MAX_PAGE: i64 = 1_000_000_000;

/// A request body type whose JSON Schema is a component of the OpenAPI document.
pub trait RequestBody: serde::de::DeserializeOwned {
    /// The component's name under `#/components/schemas`.
    const SCHEMA: &'static str;
}

/// The compiled JSON Schemas of the request bodies, taken from the OpenAPI document the API
/// serves, so what a client is told and what the server checks cannot drift apart.
static REQUEST_SCHEMAS: std::sync::LazyLock<Vec<(&'static str, jsonschema::Validator)>> =
    std::sync::LazyLock::new(|| {
        let document = serde_json::to_value(ApiDoc::openapi())
            .expect("the OpenAPI document serialises to JSON");
        [NewApplicationDto::SCHEMA, NewTransitionDto::SCHEMA]
            .into_iter()
            .map(|name| {
                let schema = serde_json::json!({
                    "$ref": format!("#/components/schemas/{name}"),
                    "components": document["components"],
                });
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .build(&schema)
                    .expect("the OpenAPI document's schemas compile");
                (name, validator)
            })
            .collect()
    });

/// The most items an array or an object of a request body may hold before its schema is even
/// read: no schema here allows more than 20, and a body of millions of items would otherwise make
/// millions of errors.
const MAX_ITEMS: usize = 100;
/// The most field errors one answer lists.
const MAX_FIELD_ERRORS: usize = 50;

/// The first array or object in `value` with more than [`MAX_ITEMS`] items, by its JSON path.
fn oversized_collection(value: &serde_json::Value, path: &str) -> Option<String> {
    let name = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::Array(items) if items.len() > MAX_ITEMS => Some(path.to_owned()),
        serde_json::Value::Object(fields) if fields.len() > MAX_ITEMS => Some(path.to_owned()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| oversized_collection(item, &name(&i.to_string()))),
        serde_json::Value::Object(fields) => fields
            .iter()
            .find_map(|(key, item)| oversized_collection(item, &name(key))),
        _ => None,
    }
}

/// Checks a request body against its schema: every violation becomes a field error named by its
/// JSON path (`candidate.email`, `choices.2`), so a client sees them at once (up to
/// [`MAX_FIELD_ERRORS`]).
fn check_against_schema<T: RequestBody>(value: &serde_json::Value) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if let Some(path) = oversized_collection(value, "") {
        let field = if path.is_empty() { "body" } else { &path };
        errors.add(field, format!("This holds more than {MAX_ITEMS} items."));
        return Err(errors);
    }
    let (_, validator) = REQUEST_SCHEMAS
        .iter()
        .find(|(name, _)| *name == T::SCHEMA)
        .expect("every request body type is listed in REQUEST_SCHEMAS");
    for error in validator.iter_errors(value).take(MAX_FIELD_ERRORS) {
        let path = error.instance_path().to_string();
        let field = path.trim_start_matches('/').replace('/', ".");
        let field = if field.is_empty() {
            "body".to_owned()
        } else {
            field
        };
        errors.add(&field, format!("{}.", error.masked()));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Rewrites integral floats (`50584.0`) as integers: JSON Schema counts them as integers, and
/// the schema is checked first, so by here every number the types read is integral and in range.
fn integral_floats_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if !number.is_i64() && !number.is_u64() => {
            if let Some(float) = number.as_f64() {
                if float.fract() == 0.0 && float.abs() <= MAX_ID as f64 {
                    *number = serde_json::Number::from(float as i64);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        serde_json::Value::Object(fields) => {
            fields.values_mut().for_each(integral_floats_as_integers)
        }
        _ => {}
    }
}

/// Any JSON document in which no object names a key twice; it keeps nothing.
struct NoDuplicateKeys;

impl<'de> Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NoDuplicateKeys)
    }
}

impl<'de> serde::de::Visitor<'de> for NoDuplicateKeys {
    type Value = NoDuplicateKeys;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(self)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(self)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(self)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(self)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(self)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut items: A,
    ) -> Result<Self::Value, A::Error> {
        while items.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(self)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut fields: A,
    ) -> Result<Self::Value, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = fields.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!("duplicate field `{key}`")));
            }
            fields.next_value::<NoDuplicateKeys>()?;
        }
        Ok(self)
    }
}

/// A JSON request body of type `T`: over [`BODY_LIMIT`] it is a 413, malformed JSON a 400, and
/// JSON that breaks `T`'s schema in the OpenAPI document a 422 listing every field, all in the
/// API's error shape.
pub struct ApiJson<T>(pub T);

impl<T: RequestBody> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let body = match axum::body::Bytes::from_request(request, state).await {
            Ok(body) => body,
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError(AppError::TooLarge(format!(
                    "The request body is over the limit of {} MB.",
                    BODY_LIMIT / (1024 * 1024)
                ))))
            }
            Err(rejection) => return Err(ApiError(AppError::BadRequest(rejection.body_text()))),
        };
        let not_valid = |e: serde_json::Error| {
            ApiError(AppError::BadRequest(format!(
                "The JSON body is not valid: {e}."
            )))
        };
        // A key given twice would be read as its last value here while a proxy or a log may
        // read the first: refuse it, as the typed reading did before the schema check.
        serde_json::from_slice::<NoDuplicateKeys>(&body).map_err(not_valid)?;
        let mut value: serde_json::Value = serde_json::from_slice(&body).map_err(not_valid)?;
        check_against_schema::<T>(&value).map_err(|errors| ApiError(AppError::Invalid(errors)))?;
        integral_floats_as_integers(&mut value);
        // The schema and the type describe the same thing; a difference is a bug, said as such.
        serde_json::from_value(value).map(ApiJson).map_err(|e| {
            ApiError(AppError::internal(anyhow::anyhow!(
                "a body that passed the {} schema did not deserialise: {e}",
                T::SCHEMA
            )))
        })
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Cohort API", version = "1", description = "Seasons, openings, applications and stage transitions. Authenticate with `Authorization: Bearer <token>`; tokens are created by an administrator with the scopes `read` and `write`. Errors have the shape `{\"error\": {\"code\", \"message\", \"fields\"}}`."),
    paths(list_seasons, list_openings, get_opening, list_applications, create_application, get_application, create_transition),
    components(schemas(StageName, RejectionCode, SeasonDto, OpeningDto, ApplicationSummaryDto, ApplicationPage, ApplicationDto, ChoiceDto, TransitionDto, NewApplicationDto, NewCandidateDto, ResumeUploadDto, NewTransitionDto, ErrorBody, ErrorDetail, FieldErrorDto)),
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

/// The stages of an application, as the API names them.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum StageName {
    Applied,
    Screening,
    Assessment,
    PhoneScreen,
    FinalLoop,
    Debrief,
    Offer,
    Hired,
    Rejected,
    Withdrawn,
}

/// Why an application was rejected.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RejectionCode {
    NotQualified,
    Ineligible,
    PositionFilled,
    AssessmentScore,
    InterviewPerformance,
    Other,
}

/// The error shape every API error has.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code: not_found, unauthenticated, forbidden, bad_request, invalid, conflict, too_large, method_not_allowed, too_many_requests, internal.
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

#[utoipa::path(get, path = "/api/v1/seasons", responses((status = 200, body = [SeasonDto]), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope")))]
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

#[utoipa::path(get, path = "/api/v1/seasons/{id}/openings", params(("id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64)), responses((status = 200, body = [OpeningDto]), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope"), (status = 404, body = ErrorBody, description = "No such resource")))]
async fn list_openings(
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
async fn get_opening(
    State(state): State<AppState>,
    client: ApiClient,
    ApiPath(id): ApiPath<i64>,
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

#[utoipa::path(get, path = "/api/v1/applications", params(("season" = Option<i64>, Query, description = "Only this season's applications"), ("stage" = Option<StageName>, Query, description = "Only applications in this stage"), ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000000, description = "Page number, from 1; 100 applications per page")), responses((status = 200, body = ApplicationPage), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope")))]
async fn list_applications(
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
async fn get_application(
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
async fn create_application(
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
#[utoipa::path(post, path = "/api/v1/applications/{id}/transitions", params(("id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64)), request_body = NewTransitionDto, responses((status = 200, body = ApplicationDto), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope"), (status = 404, body = ErrorBody, description = "No such resource"), (status = 409, body = ErrorBody, description = "The request conflicts with the current state"), (status = 413, body = ErrorBody, description = "The body is over 10 MB"), (status = 422, body = ErrorBody, description = "Fields that break a rule, listed in fields")))]
async fn create_transition(
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
        Some(code) => Some(RejectionReason::parse(code).ok_or_else(|| {
            ApiError(AppError::BadRequest(format!(
                "Unknown reason code '{code}'."
            )))
        })?),
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
