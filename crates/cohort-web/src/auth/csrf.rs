//! CSRF: the visitor cookie a token is derived from when no one is signed in, deriving and
//! checking the token, and the form extractors that check it (and that the text is UTF-8)
//! before a handler runs.

use super::tokens::{new_token, Csrf, SESSION_COOKIE, VISITOR_COOKIE};
use super::{cookie, read_cookie};
use crate::error::AppError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use sha2::Sha256;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The seed a visitor's CSRF token is derived from: their session if signed in, otherwise their
/// visitor cookie. Put in request extensions by [`visitor_cookie`].
#[derive(Debug, Clone)]
struct CsrfSeed(String);

/// A visitor cookie to issue only if the response shows a form: the first [`Csrf`] extracted
/// for a visitor with neither a session nor a visitor cookie fills it.
#[derive(Debug, Clone, Default)]
struct PendingVisitor(Arc<std::sync::OnceLock<String>>);

/// Gives a visitor without a session a random visitor cookie when a page shows them a form
/// (sign-in, sign-up), so that its CSRF token has something to be derived from. Pages without
/// forms set no cookie, so shared caches can keep them.
pub async fn visitor_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let existing = read_cookie(&parts, SESSION_COOKIE)
        .or_else(|| read_cookie(&parts, VISITOR_COOKIE))
        .map(str::to_owned);
    let pending = PendingVisitor::default();
    match existing {
        Some(seed) => {
            parts.extensions.insert(CsrfSeed(seed));
        }
        None => {
            parts.extensions.insert(pending.clone());
        }
    }
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(token) = pending.0.get() {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookie(&state, VISITOR_COOKIE, token, 365 * 24 * 3600),
        );
    }
    response
}

impl Csrf {
    fn derive(state: &AppState, seed: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(state.secret()).expect("HMAC takes any key length");
        mac.update(b"csrf:");
        mac.update(seed.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The token for a session token, used right after signing in when the page to show next
    /// already belongs to the new session.
    pub fn for_session(state: &AppState, session_token: &str) -> Csrf {
        Csrf(Csrf::derive(state, session_token))
    }

    fn of_parts(parts: &Parts, state: &AppState) -> Csrf {
        let seed = parts
            .extensions
            .get::<CsrfSeed>()
            .map(|seed| seed.0.clone())
            .or_else(|| read_cookie(parts, SESSION_COOKIE).map(str::to_owned))
            .or_else(|| {
                parts
                    .extensions
                    .get::<PendingVisitor>()
                    .map(|pending| pending.0.get_or_init(new_token).clone())
            })
            .unwrap_or_default();
        Csrf(Csrf::derive(state, &seed))
    }

    /// The token of a signed-in visitor's session (for the sign-out button), or none: public
    /// pages use it so that showing them to an anonymous visitor issues no cookie.
    pub fn of_session(parts: &Parts, state: &AppState) -> Csrf {
        match read_cookie(parts, SESSION_COOKIE) {
            Some(token) => Csrf::for_session(state, token),
            None => Csrf(String::new()),
        }
    }

    /// Checks a submitted token against this visitor's in constant time.
    pub fn verify(&self, submitted: &str) -> Result<(), AppError> {
        if bool::from(self.0.as_bytes().ct_eq(submitted.as_bytes())) {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }
}

impl FromRequestParts<AppState> for Csrf {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Csrf, AppError> {
        Ok(Csrf::of_parts(parts, state))
    }
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A URL-encoded form whose `csrf` field has been checked before the handler runs.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<CsrfForm<T>, AppError> {
        let (parts, body) = request.into_parts();
        let csrf = Csrf::of_parts(&parts, state);
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| AppError::BadRequest("The form could not be read.".into()))?;
        if !form_is_utf8(&bytes) {
            return Err(AppError::BadRequest(NOT_UTF8.into()));
        }
        let field: CsrfField = serde_html_form::from_bytes(&bytes).map_err(|_| AppError::Csrf)?;
        csrf.verify(&field.csrf)?;
        let form = serde_html_form::from_bytes(&bytes)
            .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}.")))?;
        Ok(CsrfForm(form))
    }
}

/// What a form with bytes that are not UTF-8 is told. Such bytes would otherwise be decoded to
/// replacement characters and stored, silently changing what the person sent.
pub const NOT_UTF8: &str = "The form holds text that is not valid UTF-8; nothing was saved.";

/// Whether every name and value of a URL-encoded form decodes to valid UTF-8 (`+` is a space,
/// which is valid anyway).
pub fn form_is_utf8(body: &[u8]) -> bool {
    body.split(|byte| *byte == b'&').all(|pair| {
        let decoded: Vec<u8> = percent_encoding::percent_decode(pair).collect();
        std::str::from_utf8(&decoded).is_ok()
    })
}

/// A multipart text field as UTF-8, refusing anything else (multer would replace bad bytes).
pub async fn utf8_field(field: axum::extract::multipart::Field<'_>) -> Result<String, AppError> {
    let bytes = field
        .bytes()
        .await
        .map_err(|_| AppError::BadRequest("The form could not be read. Try again.".into()))?;
    String::from_utf8(bytes.to_vec()).map_err(|_| AppError::BadRequest(NOT_UTF8.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_utf8_only_when_every_decoded_byte_sequence_is() {
        assert!(form_is_utf8(b"csrf=abc&name=Ada+Lovelace&city=K%C3%B6ln"));
        assert!(form_is_utf8(b""));
        assert!(!form_is_utf8(b"csrf=abc&name=%FF%FE"));
        assert!(!form_is_utf8(b"csrf=abc&na%C3me=x"));
        assert!(!form_is_utf8(b"csrf=abc&raw=\xff"));
    }
}
