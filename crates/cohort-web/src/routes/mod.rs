//! Routes, one module per resource; [`router`] merges them and adds the layers every route shares.

pub mod account;
pub mod admin;
pub mod api;
pub mod assessment;
pub mod assets;
pub mod candidate;
pub mod health;
pub mod interviews;
pub mod metrics;
pub mod offers;
pub mod onboarding;
pub mod openings;
pub mod staff;

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use std::time::Duration;
use tower_http::trace::TraceLayer;

/// The whole application.
pub fn router(state: AppState) -> Router {
    // Browsers are told to use HTTPS only when the site is served over it; on plain HTTP (a
    // laptop, tests) the header would be ignored anyway and only confuse.
    let strict_transport = state
        .config()
        .base_url
        .starts_with("https://")
        .then(|| axum::http::HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    let pages = Router::new()
        .merge(openings::router())
        .merge(account::router())
        .merge(candidate::router(state.clone()))
        .merge(staff::router())
        .merge(assessment::router())
        .merge(interviews::router())
        .merge(offers::router())
        .merge(onboarding::router(state.clone()))
        .merge(admin::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::rate::limit_account_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::error_pages_keep_the_account,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::visitor_cookie,
        ));
    Router::new()
        .merge(pages)
        .merge(api::router(state.clone()))
        .merge(onboarding::scim::router())
        .merge(metrics::router())
        .merge(health::router())
        .merge(assets::router())
        .fallback(|| async { AppError::NotFound })
        // Brotli or gzip, as the client prefers; the editor script shrinks from 530 KB to a
        // fifth. Small responses and images are left alone.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(60)))
        .layer(TraceLayer::new_for_http())
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::http::Response<axum::body::Body>| strict_transport.clone(),
        ))
        // Links to other sites do not carry our URLs (which can hold an assessment's tab or a
        // reset token) in the Referer header.
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::REFERRER_POLICY,
            axum::http::HeaderValue::from_static("same-origin"),
        ))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            axum::http::HeaderValue::from_static("nosniff"),
        ))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static("default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"),
        ))
        .with_state(state)
}

/// Reads an optional numeric query value, treating an empty string as absent.
pub fn optional_id(text: &Option<String>) -> Option<i64> {
    text.as_deref()
        .filter(|t| !t.is_empty())
        .and_then(|t| t.parse().ok())
}
