//! The JSON API at `/api/v1`, authenticated by administrator-issued tokens, with an OpenAPI
//! document generated from these handlers and types.
//!
//! This module has the router, the extractors that give every parse error the API's error
//! shape, the checking of request bodies against the document, the document itself and the
//! types every endpoint shares; [`seasons`], [`applications`] and [`feedback`] have the
//! endpoints.

pub mod applications;
pub mod feedback;
pub mod seasons;

pub use applications::{
    ApplicationDto, ApplicationPage, ApplicationSummaryDto, ChoiceDto, NewApplicationDto,
    NewCandidateDto, NewTransitionDto, ResumeUploadDto, TransitionDto,
};
pub use seasons::{OpeningDto, SeasonDto};

use crate::error::{ApiError, AppError};
use crate::state::AppState;
use applications::{
    __path_create_application, __path_create_transition, __path_get_application,
    __path_list_applications, create_application, create_transition, get_application,
    list_applications,
};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{any, get, post};
use axum::{Json, Router};
use cohort_domain::FieldErrors;
use feedback::{
    __path_list_decisions, __path_list_scorecards, list_decisions, list_scorecards, AmendmentDto,
    DecisionDto, DecisionList, EvidenceDto, RecommendationName, ScorecardDto, ScorecardList,
};
use seasons::{
    __path_get_opening, __path_list_openings, __path_list_seasons, get_opening, list_openings,
    list_seasons,
};
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
        .route(
            "/api/v1/applications/{id}/scorecards",
            get(list_scorecards).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/applications/{id}/decisions",
            get(list_decisions).fallback(method_not_allowed),
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
    info(title = "Cohort API", version = "1", description = "Seasons, openings, applications, stage transitions, interview feedback and debrief decisions. Authenticate with `Authorization: Bearer <token>`; tokens are created by an administrator with the scopes `read` and `write`. Errors have the shape `{\"error\": {\"code\", \"message\", \"fields\"}}`."),
    paths(list_seasons, list_openings, get_opening, list_applications, create_application, get_application, create_transition, list_scorecards, list_decisions),
    components(schemas(StageName, RejectionCode, SeasonDto, OpeningDto, ApplicationSummaryDto, ApplicationPage, ApplicationDto, ChoiceDto, TransitionDto, NewApplicationDto, NewCandidateDto, ResumeUploadDto, NewTransitionDto, ErrorBody, ErrorDetail, FieldErrorDto, RecommendationName, EvidenceDto, AmendmentDto, ScorecardDto, ScorecardList, DecisionDto, DecisionList)),
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
