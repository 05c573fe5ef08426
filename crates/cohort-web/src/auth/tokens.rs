//! Secrets and what carries them: random tokens and their stored hashes, the cookies that hold
//! them, bearer tokens and the CSRF token a page puts in its forms. A leaf: it imports nothing of
//! this crate, so state and pages can use it without importing the extractors.

use axum::http::header;
pub use cohort_app::accounts::tokens::{new_token, token_hash};

pub const SESSION_COOKIE: &str = "cohort_session";
pub const VISITOR_COOKIE: &str = "cohort_visitor";
/// Sessions last two weeks.
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;

pub fn read_cookie_from_headers(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    cookie_value(headers, name).map(str::to_owned)
}

pub(crate) fn cookie_value<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty() && value.len() <= 100)
}

/// The CSRF token to put in the forms of this response.
#[derive(Debug, Clone)]
pub struct Csrf(pub String);

/// The token of an `Authorization` value whose scheme is `Bearer`, in any case (RFC 9110 makes
/// scheme names case-insensitive).
pub(crate) fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}
