//! SCIM 2.0 (RFC 7643 and 7644) for identity providers that provision accounts: the accepted
//! interns as read-only `User` resources, with their start and end dates. Lists page with
//! `startIndex` and `count`, filter on `userName eq "…"`, and every resource carries a version
//! (ETag) that `If-None-Match` answers with 304. The discovery endpoints say what is supported.
//! A bearer token with the `provisioning` scope is required.

use crate::auth::ApiClient;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cohort_store::onboarding::InternRecord;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scim/v2/Users", get(list_users).fallback(read_only))
        .route("/scim/v2/Users/{id}", get(get_user).fallback(read_only))
        .route(
            "/scim/v2/ServiceProviderConfig",
            get(service_provider_config),
        )
        .route("/scim/v2/ResourceTypes", get(resource_types))
        .route("/scim/v2/ResourceTypes/{name}", get(resource_type))
        .route("/scim/v2/Schemas", get(schemas))
        .route("/scim/v2/Schemas/{id}", get(schema))
}

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// Cohort's extension: when the internship starts and ends, and where.
const INTERNSHIP: &str = "urn:cohort:params:scim:schemas:extension:internship:2.0:User";
const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// The largest page served, whatever `count` asks.
pub const MAX_COUNT: i64 = 200;

/// A SCIM response: `application/scim+json`, with an ETag when it has one.
fn scim(status: StatusCode, body: Value, etag: Option<&str>) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/scim+json"),
    );
    if let Some(etag) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// A SCIM error (RFC 7644 section 3.12).
fn error(status: StatusCode, scim_type: Option<&str>, detail: &str) -> Response {
    let mut body =
        json!({"schemas": [ERROR], "status": status.as_u16().to_string(), "detail": detail});
    if let Some(kind) = scim_type {
        body["scimType"] = json!(kind);
    }
    let mut response = scim(status, body, None);
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"cohort\""),
        );
    }
    response
}

/// Creating, replacing, patching or deleting: the service is read-only (interns come from
/// accepted offers), said as a SCIM error.
async fn read_only() -> Response {
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        "Cohort's SCIM service is read-only: interns are created by accepting an offer.",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

/// The refusal of a caller whose token lacks the provisioning scope, if it does.
fn refusal(client: Result<ApiClient, ApiError>) -> Option<Response> {
    match client {
        Ok(client) if client.token.scopes().contains(&"provisioning") => None,
        Ok(_) => Some(error(
            StatusCode::FORBIDDEN,
            None,
            "This token lacks the provisioning scope.",
        )),
        Err(_) => Some(error(
            StatusCode::UNAUTHORIZED,
            None,
            "Send a bearer token with the provisioning scope.",
        )),
    }
}

fn base(state: &AppState) -> String {
    state.config().link("/scim/v2")
}

/// An intern as a SCIM `User`, with its version.
fn user(state: &AppState, intern: &InternRecord) -> (Value, String) {
    let (given, family) = match intern.name.rsplit_once(' ') {
        Some((given, family)) => (given.to_owned(), family.to_owned()),
        None => (intern.name.clone(), String::new()),
    };
    let mut resource = json!({
        "schemas": [USER, ENTERPRISE, INTERNSHIP],
        "id": intern.user_id.to_string(),
        "userName": intern.email,
        "name": {"formatted": intern.name, "givenName": given, "familyName": family},
        "displayName": intern.name,
        "title": intern.title,
        "userType": "Intern",
        "timezone": intern.time_zone,
        "active": true,
        "emails": [{"value": intern.email, "type": "work", "primary": true}],
        "addresses": [{"type": "work", "locality": intern.city, "country": intern.country, "primary": true}],
        ENTERPRISE: {
            "department": intern.track_name,
            "organization": "University programs",
        },
    });
    if let Some(manager) = &intern.manager_name {
        resource[ENTERPRISE]["manager"] = json!({"displayName": manager});
    }
    // What an identity provider schedules the account on.
    resource[INTERNSHIP] = json!({
        "startDate": intern.start_date,
        "endDate": intern.end_date,
        "location": format!("{}, {}", intern.city, intern.country),
    });
    let version = {
        let digest = Sha256::digest(resource.to_string().as_bytes());
        format!("W/\"{}\"", &hex::encode(digest)[..16])
    };
    let modified = chrono::DateTime::from_timestamp(intern.updated_at, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    resource["meta"] = json!({
        "resourceType": "User",
        "created": modified,
        "lastModified": modified,
        "location": format!("{}/Users/{}", base(state), intern.user_id),
        "version": version,
    });
    (resource, version)
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    filter: Option<String>,
    start_index: Option<String>,
    count: Option<String>,
}

/// Reads `userName eq "value"` (names and operator in any case); anything else is refused.
fn user_name_filter(filter: &str) -> Option<String> {
    let filter = filter.trim();
    let (attribute, rest) = filter.split_once(char::is_whitespace)?;
    let (operator, value) = rest.trim_start().split_once(char::is_whitespace)?;
    let value = value.trim();
    if !attribute.eq_ignore_ascii_case("userName") || !operator.eq_ignore_ascii_case("eq") {
        return None;
    }
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    // A JSON string: the value may hold escaped quotes.
    serde_json::from_str::<String>(&format!("\"{inner}\"")).ok()
}

async fn list_users(
    State(state): State<AppState>,
    client: Result<ApiClient, ApiError>,
    Query(query): Query<ListQuery>,
) -> Response {
    if let Some(response) = refusal(client) {
        return response;
    }
    let user_name = match query.filter.as_deref() {
        None => None,
        Some(filter) => match user_name_filter(filter) {
            Some(name) => Some(name),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    Some("invalidFilter"),
                    "Only userName eq \"...\" filters are supported.",
                )
            }
        },
    };
    let number = |text: &Option<String>, default: i64| match text {
        None => Ok(default),
        Some(text) => text.trim().parse::<i64>().map_err(|_| ()),
    };
    let (Ok(start_index), Ok(count)) = (number(&query.start_index, 1), number(&query.count, 100))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            Some("invalidValue"),
            "startIndex and count are integers.",
        );
    };
    // RFC 7644 section 3.4.2.4: a startIndex below 1 is 1, a negative count is 0.
    let start_index = start_index.max(1);
    let count = count.clamp(0, MAX_COUNT);
    match state
        .store()
        .interns_page(user_name.as_deref(), start_index - 1, count)
        .await
    {
        Ok((interns, total)) => {
            let resources: Vec<Value> = interns.iter().map(|i| user(&state, i).0).collect();
            scim(
                StatusCode::OK,
                json!({
                    "schemas": [LIST],
                    "totalResults": total,
                    "startIndex": start_index,
                    "itemsPerPage": resources.len(),
                    "Resources": resources,
                }),
                None,
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "SCIM list failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "The list could not be read.",
            )
        }
    }
}

async fn get_user(
    State(state): State<AppState>,
    client: Result<ApiClient, ApiError>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Some(response) = refusal(client) {
        return response;
    }
    let not_found = || error(StatusCode::NOT_FOUND, None, &format!("No user {id}."));
    let Ok(user_id) = id.parse::<i64>() else {
        return not_found();
    };
    let intern = match state.store().intern(user_id).await {
        Ok(Some(intern)) => intern,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "SCIM get failed");
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "The user could not be read.",
            );
        }
    };
    let (resource, version) = user(&state, &intern);
    let unchanged = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == version.trim_start_matches("W/")
        });
    if unchanged {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(etag) = HeaderValue::from_str(&version) {
            response.headers_mut().insert(header::ETAG, etag);
        }
        return response;
    }
    scim(StatusCode::OK, resource, Some(&version))
}

async fn service_provider_config(
    State(state): State<AppState>,
    client: Result<ApiClient, ApiError>,
) -> Response {
    if let Some(response) = refusal(client) {
        return response;
    }
    scim(
        StatusCode::OK,
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": state.config().link("/"),
            "patch": {"supported": false},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": MAX_COUNT},
            "changePassword": {"supported": false},
            "sort": {"supported": false},
            "etag": {"supported": true},
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "An API token with the provisioning scope, created by an administrator.",
                "primary": true,
            }],
            "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{}/ServiceProviderConfig", base(&state))},
        }),
        None,
    )
}

fn user_resource_type(state: &AppState) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "Interns who accepted their offer",
        "schema": USER,
        "schemaExtensions": [{"schema": ENTERPRISE, "required": false}, {"schema": INTERNSHIP, "required": false}],
        "meta": {"resourceType": "ResourceType", "location": format!("{}/ResourceTypes/User", base(state))},
    })
}

async fn resource_types(
    State(state): State<AppState>,
    client: Result<ApiClient, ApiError>,
) -> Response {
    if let Some(response) = refusal(client) {
        return response;
    }
    scim(
        StatusCode::OK,
        json!({"schemas": [LIST], "totalResults": 1, "startIndex": 1, "itemsPerPage": 1, "Resources": [user_resource_type(&state)]}),
        None,
    )
}

async fn resource_type(
    State(state): State<AppState>,
    client: Result<ApiClient, ApiError>,
    Path(name): Path<String>,
) -> Response {
    if let Some(response) = refusal(client) {
        return response;
    }
    if name != "User" {
        return error(
            StatusCode::NOT_FOUND,
            None,
            &format!("No resource type {name}."),
        );
    }
    scim(StatusCode::OK, user_resource_type(&state), None)
}

fn attribute(
    name: &str,
    kind: &str,
    description: &str,
    sub: Option<Vec<Value>>,
    multi: bool,
) -> Value {
    let mut value = json!({
        "name": name,
        "type": kind,
        "multiValued": multi,
        "description": description,
        "required": name == "userName",
        "caseExact": false,
        "mutability": "readOnly",
        "returned": "default",
        "uniqueness": if name == "userName" { "server" } else { "none" },
    });
    if let Some(sub) = sub {
        value["subAttributes"] = Value::Array(sub);
    }
    value
}

fn schema_list(state: &AppState) -> Vec<Value> {
    let string =
        |name: &str, description: &str| attribute(name, "string", description, None, false);
    let user = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": USER,
        "name": "User",
        "description": "User Account",
        "attributes": [
            string("userName", "The intern's email address, unique"),
            attribute("name", "complex", "The intern's name", Some(vec![
                string("formatted", "The full name"),
                string("givenName", "The given name"),
                string("familyName", "The family name"),
            ]), false),
            string("displayName", "The name to display"),
            string("title", "The opening's title"),
            string("userType", "Always Intern"),
            string("timezone", "The intern's time zone"),
            attribute("active", "boolean", "Whether the account should exist", None, false),
            attribute("emails", "complex", "Email addresses", Some(vec![
                string("value", "The address"),
                string("type", "work"),
                attribute("primary", "boolean", "The primary address", None, false),
            ]), true),
            attribute("addresses", "complex", "Where the intern works", Some(vec![
                string("type", "work"),
                string("locality", "The city"),
                string("country", "The country"),
                attribute("primary", "boolean", "The primary address", None, false),
            ]), true),
        ],
        "meta": {"resourceType": "Schema", "location": format!("{}/Schemas/{USER}", base(state))},
    });
    let enterprise = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": ENTERPRISE,
        "name": "EnterpriseUser",
        "description": "Enterprise User",
        "attributes": [
            string("organization", "The organisation"),
            string("department", "The track"),
            attribute("manager", "complex", "The track's hiring manager", Some(vec![
                string("displayName", "The manager's name"),
            ]), false),
        ],
        "meta": {"resourceType": "Schema", "location": format!("{}/Schemas/{ENTERPRISE}", base(state))},
    });
    let internship = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": INTERNSHIP,
        "name": "Internship",
        "description": "The internship an intern accepted",
        "attributes": [
            string("startDate", "The first day, an ISO 8601 date in the intern's time zone"),
            string("endDate", "The last day, an ISO 8601 date"),
            string("location", "The city and country"),
        ],
        "meta": {"resourceType": "Schema", "location": format!("{}/Schemas/{INTERNSHIP}", base(state))},
    });
    vec![user, enterprise, internship]
}

async fn schemas(State(state): State<AppState>, client: Result<ApiClient, ApiError>) -> Response {
    if let Some(response) = refusal(client) {
        return response;
    }
    let list = schema_list(&state);
    scim(
        StatusCode::OK,
        json!({"schemas": [LIST], "totalResults": list.len(), "startIndex": 1, "itemsPerPage": list.len(), "Resources": list}),
        None,
    )
}

async fn schema(
    State(state): State<AppState>,
    client: Result<ApiClient, ApiError>,
    Path(id): Path<String>,
) -> Response {
    if let Some(response) = refusal(client) {
        return response;
    }
    match schema_list(&state)
        .into_iter()
        .find(|s| s["id"] == id.as_str())
    {
        Some(schema) => scim(StatusCode::OK, schema, None),
        None => error(StatusCode::NOT_FOUND, None, &format!("No schema {id}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::user_name_filter;

    #[test]
    fn only_a_user_name_equality_filter_is_read() {
        assert_eq!(
            user_name_filter("userName eq \"ada@example.com\""),
            Some("ada@example.com".into())
        );
        assert_eq!(
            user_name_filter("USERNAME EQ \"a\\\"b\""),
            Some("a\"b".into())
        );
        assert_eq!(user_name_filter("userName co \"ada\""), None);
        assert_eq!(user_name_filter("emails eq \"ada\""), None);
        assert_eq!(user_name_filter("userName eq ada"), None);
    }
}
