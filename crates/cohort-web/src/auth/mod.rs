//! Passwords, sessions, CSRF and the typed extractors that authorise every request.
//!
//! A handler states who may call it in its signature: `Require<Pipeline>` for recruiting staff,
//! `Require<CandidateOnly>` for candidates, `ApiClient` for the JSON API. It cannot forget to check.

pub mod csrf;
pub mod policy;
pub mod tokens;

pub use csrf::{form_is_utf8, utf8_field, visitor_cookie, CsrfForm, NOT_UTF8};
pub use policy::{
    home_of, AdminOnly, CandidateOnly, CurrentAccount, InterviewerOnly, Pipeline, Policy,
    Recruiting, SignedIn, StaffOnly,
};
use tokens::{bearer_token, cookie_value};
pub use tokens::{
    new_token, read_cookie_from_headers, token_hash, Csrf, SESSION_COOKIE, SESSION_SECONDS,
    VISITOR_COOKIE,
};

use crate::error::{ApiError, AppError};
use crate::state::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use cohort_store::accounts::{Account, ApiTokenRecord};
use std::marker::PhantomData;

/// Hashes a password with Argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::internal(anyhow::anyhow!("hashing a password failed: {e}")))
}

/// A valid Argon2id hash of a random password, checked when an account has no hash so that
/// "no such account" takes as long to answer as "wrong password".
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&new_token()).unwrap_or_default())
}

/// Checks a password. Without a stored hash (unknown account, or one that never set a password)
/// a dummy hash is checked anyway, and the answer is no.
pub fn verify_password(stored: Option<&str>, password: &str) -> bool {
    let checked: &str = match stored {
        Some(hash) => hash,
        None => dummy_hash(),
    };
    match PasswordHash::new(checked) {
        Ok(hash) => {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
                && stored.is_some()
        }
        Err(_) => false,
    }
}

/// [`hash_password`] on a blocking thread: Argon2id takes tens of milliseconds of CPU by design,
/// which must not stall the threads that serve other requests.
pub async fn hash_password_off_thread(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(AppError::internal)?
}

/// [`verify_password`] on a blocking thread.
pub async fn verify_password_off_thread(
    stored: Option<String>,
    password: String,
) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || verify_password(stored.as_deref(), &password))
        .await
        .map_err(AppError::internal)
}

/// Builds a `Set-Cookie` value with the flags every Cohort cookie carries.
pub fn cookie(state: &AppState, name: &str, value: &str, max_age_seconds: i64) -> HeaderValue {
    let secure = if state.config().secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    ))
    .expect("cookie values are URL-safe base64")
}

pub fn read_cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookie_value(&parts.headers, name)
}

/// The address of the person making the request: the connection's peer, or, when the peer is a
/// trusted proxy, the address that proxy says it forwarded for (see [`client_address`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ClientAddress, AppError> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip())
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no peer address")))?;
        Ok(ClientAddress(client_address(
            peer,
            &parts.headers,
            &state.config().trusted_proxies,
        )))
    }
}

/// Who the client is. Each proxy appends the address it received the request from, so the
/// header is read from the right: the first address that is not a trusted proxy is the client.
/// `X-Forwarded-For` is read when present, otherwise `Forwarded` (RFC 7239, its `for=`). A
/// peer that is not a trusted proxy is the client whatever its headers say.
pub fn client_address(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |address: &std::net::IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded_for: Vec<String> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|part| part.trim().to_owned())
        .collect();
    let chain = if forwarded_for.is_empty() {
        headers
            .get_all(axum::http::header::FORWARDED)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.eq_ignore_ascii_case("for")
                        .then(|| value.trim().trim_matches('"').to_owned())
                })
            })
            .collect()
    } else {
        forwarded_for
    };
    for entry in chain.iter().rev() {
        match parse_forwarded_address(entry) {
            Some(address) if is_trusted(&address) => continue,
            Some(address) => return address,
            // An obfuscated or unknown hop ("unknown", "_hidden"): nothing further left can be
            // trusted, so the last proxy is the best answer.
            None => break,
        }
    }
    chain
        .iter()
        .rev()
        .filter_map(|entry| parse_forwarded_address(entry))
        .take_while(is_trusted)
        .last()
        .unwrap_or(peer)
}

/// An address as proxies write it: `203.0.113.5`, `203.0.113.5:4711`, `[2001:db8::1]` or
/// `[2001:db8::1]:4711`, or a bare IPv6 address.
fn parse_forwarded_address(text: &str) -> Option<std::net::IpAddr> {
    if let Ok(address) = text.parse() {
        return Some(address);
    }
    if let Ok(socket) = text.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    text.strip_prefix('[')
        .and_then(|rest| rest.split(']').next())
        .and_then(|inner| inner.parse().ok())
}

impl FromRequestParts<AppState> for CurrentAccount {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<CurrentAccount, AppError> {
        if let Some(cached) = parts.extensions.get::<CurrentAccount>() {
            return Ok(cached.clone());
        }
        let account = match read_cookie(parts, SESSION_COOKIE) {
            Some(token) => {
                state
                    .store()
                    .session_account(&token_hash(token), state.now())
                    .await?
            }
            None => None,
        };
        let current = CurrentAccount(account);
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

/// A signed-in account that `P` allows; otherwise the request goes to sign-in or is forbidden.
pub struct Require<P: Policy> {
    pub account: Account,
    policy: PhantomData<P>,
}

impl<P: Policy> FromRequestParts<AppState> for Require<P> {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Require<P>, AppError> {
        let CurrentAccount(account) = CurrentAccount::from_request_parts(parts, state).await?;
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
            .to_owned();
        let account = account.ok_or(AppError::Unauthenticated { next })?;
        if !P::allows(&account) {
            return Err(AppError::Forbidden);
        }
        Ok(Require {
            account,
            policy: PhantomData,
        })
    }
}

/// An API request authenticated by an administrator-issued token (`Authorization: Bearer …`).
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub token: ApiTokenRecord,
}

/// What an API token may do.
pub const API_SCOPES: [(&str, &str); 3] = [
    ("read", "Read seasons, openings and applications"),
    (
        "write",
        "Create applications and move them through the pipeline",
    ),
    (
        "provisioning",
        "Read accepted interns over SCIM, for an identity provider",
    ),
];

impl ApiClient {
    pub fn require(&self, scope: &str) -> Result<(), ApiError> {
        if self.token.scopes().contains(&scope) {
            Ok(())
        } else {
            Err(ApiError(AppError::Forbidden))
        }
    }
}

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ApiClient, ApiError> {
        let unauthenticated = || {
            ApiError(AppError::Unauthenticated {
                next: String::new(),
            })
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(bearer_token)
            .ok_or_else(unauthenticated)?;
        let token = state
            .store()
            .active_api_token(&token_hash(token.trim()), state.now())
            .await
            .map_err(AppError::from)?
            .ok_or_else(unauthenticated)?;
        Ok(ApiClient { token })
    }
}

/// Renders an error page again with the signed-in visitor's header (name, navigation, sign-out),
/// so that a "forbidden" or "not found" does not look as if the visitor was signed out. The
/// account is looked up only for error pages.
pub async fn error_pages_keep_the_account(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let session = read_cookie_from_headers(request.headers(), SESSION_COOKIE);
    let response = next.run(request).await;
    let (Some(shown), Some(token)) = (
        response.extensions().get::<crate::error::ErrorShown>(),
        session,
    ) else {
        return response;
    };
    let Ok(Some(account)) = state
        .store()
        .session_account(&token_hash(&token), state.now())
        .await
    else {
        return response;
    };
    let csrf = Csrf::for_session(&state, &token);
    let page = crate::pages::ErrorPage {
        layout: crate::pages::Layout::for_account("Error", Some(&account), &csrf),
        status: response.status().as_u16(),
        message: shown.0.clone(),
    };
    match askama::Template::render(&page) {
        // Only the body changes: the status and headers (such as `Connection: close` after a
        // refused upload) stay.
        Ok(html) => {
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            axum::response::Response::from_parts(parts, axum::body::Body::from(html))
        }
        Err(_) => response,
    }
}

/// Accepts only a local path as a place to return to, so a link cannot send people elsewhere.
/// Where to go after signing in: only a path on this site. The candidate is parsed as a browser
/// would parse it relative to a page of this site (the WHATWG URL rules, which drop tabs and
/// newlines and read backslashes as slashes), and followed only when it stays on the same origin;
/// what is returned is the parsed form, so nothing the browser would read differently survives.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?;
    // A relative path only: a scheme or an empty value is not a place on this site.
    if !next.starts_with('/') {
        return None;
    }
    let base = url::Url::parse("https://cohort.invalid/").expect("a valid base");
    let parsed = base.join(next).ok()?;
    if parsed.origin() != base.origin() {
        return None;
    }
    let mut path = parsed.path().to_owned();
    if let Some(query) = parsed.query() {
        path.push('?');
        path.push_str(query);
    }
    // Paths like "/\\evil" parse to the same origin only when the browser agrees; a result
    // starting with two slashes would be read as another host if echoed back.
    (!path.starts_with("//")).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(verify_password(Some(&hash), "correct horse battery"));
        assert!(!verify_password(Some(&hash), "wrong horse battery"));
        assert!(!verify_password(None, "correct horse battery"));
    }

    #[test]
    fn forwarded_headers_name_the_client_only_when_a_trusted_proxy_sent_them() {
        use axum::http::{HeaderMap, HeaderValue};
        let proxy: std::net::IpAddr = "10.0.0.2".parse().unwrap();
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let with = |name: &'static str, value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.append(name, HeaderValue::from_static(value));
            headers
        };
        let client = |peer, headers: &HeaderMap, trusted: &[ipnet::IpNet]| {
            client_address(peer, headers, trusted).to_string()
        };
        let spoofed = with("x-forwarded-for", "198.51.100.7");
        // From an untrusted peer the header is ignored.
        let stranger: std::net::IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client(stranger, &spoofed, &trusted), "203.0.113.9");
        assert_eq!(client(proxy, &spoofed, &[]), "10.0.0.2");
        // Through the proxy: the right-most address that is not a proxy.
        assert_eq!(client(proxy, &spoofed, &trusted), "198.51.100.7");
        let chain = with("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.5");
        assert_eq!(
            client(proxy, &chain, &trusted),
            "198.51.100.7",
            "1.2.3.4 was written by the client"
        );
        let forwarded = with(
            "forwarded",
            "for=\"[2001:db8::1]:4711\";proto=https, for=10.0.0.5",
        );
        assert_eq!(client(proxy, &forwarded, &trusted), "2001:db8::1");
        let hidden = with("x-forwarded-for", "unknown, 10.0.0.5");
        assert_eq!(client(proxy, &hidden, &trusted), "10.0.0.5");
        assert_eq!(client(proxy, &HeaderMap::new(), &trusted), "10.0.0.2");
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/me")), Some("/me".into()));
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(Some("/\t/evil.example")), None);
        assert_eq!(safe_next(Some("/\n/evil.example")), None);
        assert_eq!(safe_next(Some("\\/evil.example")), None);
        assert_eq!(
            safe_next(Some("/%09/evil.example")),
            Some("/%09/evil.example".into())
        );
        assert_eq!(safe_next(Some("")), None);
        assert_eq!(safe_next(Some("javascript:alert(1)")), None);
        assert_eq!(
            safe_next(Some("/openings/3?tab=a b")),
            Some("/openings/3?tab=a%20b".into())
        );
        assert_eq!(
            safe_next(Some("/me\nSet-Cookie: x=1")),
            Some("/meSet-Cookie:%20x=1".into())
        );
    }
}
