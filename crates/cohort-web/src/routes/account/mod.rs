//! Signing in and out and the account page, with what the other account pages share: the
//! sign-in throttle, the limit on account mail, and starting a session.
//!
//! - [`signup`]: signing up and confirming an email address.
//! - [`password`]: the forgotten-password mail and the reset.
//! - [`invitation`]: accepting an administrator's invitation.

pub mod invitation;
pub mod password;
pub mod signup;

use crate::auth::{
    self, cookie, home_of, new_token, safe_next, token_hash, verify_password_off_thread,
    ClientAddress, Csrf, CsrfForm, CurrentAccount, Require, SignedIn, SESSION_COOKIE,
    SESSION_SECONDS,
};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_store::accounts::Account;

/// Failed sign-ins allowed for one account from one address in [`THROTTLE_WINDOW_SECONDS`].
/// Counting the pair, not the account alone, means a stranger guessing an administrator's
/// password does not lock the administrator out from their own address.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins allowed from one address over all accounts: much higher, because a campus
/// network or a company's proxy puts many honest people behind one address.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 100;
pub const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;
pub use cohort_app::accounts::{CONFIRMATION_SECONDS, INVITATION_SECONDS, RESET_SECONDS};
/// Messages one address may be sent by sign-ups and "send the link again" in
/// [`THROTTLE_WINDOW_SECONDS`]: enough for a lost message, too few to flood a mailbox.
pub const MAX_ACCOUNT_MAILS: i64 = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/logout/everywhere", post(logout_everywhere))
        .route("/account", get(account_page))
        .merge(signup::router())
        .merge(password::router())
        .merge(invitation::router())
}

#[derive(serde::Deserialize, Default)]
struct NextQuery {
    next: Option<String>,
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Starts a session for `user_id` and redirects to `target`, setting the session cookie.
async fn start_session(state: &AppState, user_id: i64, target: &str) -> Result<Response, AppError> {
    let token = new_token();
    let now = state.now();
    state
        .store()
        .create_session(&token_hash(&token), user_id, now, now + SESSION_SECONDS)
        .await?;
    let mut response = Redirect::to(target).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie(state, SESSION_COOKIE, &token, SESSION_SECONDS),
    );
    Ok(response)
}

/// Account messages one address may be sent in [`THROTTLE_WINDOW_SECONDS`] whoever asks, so
/// that strangers asking from many addresses cannot flood a mailbox either.
pub const MAX_ACCOUNT_MAILS_PER_ADDRESS: i64 = 20;

/// Counts one account message (a confirmation, "you already have an account", a reset link)
/// to `email` asked for from `client`, and says whether it may be sent: at most
/// [`MAX_ACCOUNT_MAILS`] per client for the address, so that a stranger cannot use up the
/// owner's allowance, and [`MAX_ACCOUNT_MAILS_PER_ADDRESS`] in all.
async fn account_mail_allowed(
    state: &AppState,
    email: &str,
    client: std::net::IpAddr,
) -> Result<bool, AppError> {
    let now = state.now();
    let store = state.store();
    let from_client = store
        .count_in_window(
            &format!("mail:{email}:{client}"),
            now,
            THROTTLE_WINDOW_SECONDS,
        )
        .await?;
    let in_all = store
        .count_in_window(&format!("mail:{email}"), now, THROTTLE_WINDOW_SECONDS)
        .await?;
    Ok(from_client <= MAX_ACCOUNT_MAILS && in_all <= MAX_ACCOUNT_MAILS_PER_ADDRESS)
}

/// Checks a password for the account of `email`, counted by the sign-in throttle: each attempt
/// is counted before the password is checked, in one atomic step per key, and taken back if it
/// succeeds, so parallel guesses cannot slip past the limit. Returns the account when the
/// password is right.
async fn check_password(
    state: &AppState,
    address: std::net::IpAddr,
    email: &str,
    password: String,
) -> Result<Option<cohort_store::accounts::UserRecord>, AppError> {
    let now = state.now();
    let pair = format!("pair:{address}:{email}");
    let from_address = format!("address:{address}");
    let store = state.store();
    let by_pair = store
        .count_in_window(&pair, now, THROTTLE_WINDOW_SECONDS)
        .await?;
    let by_address = store
        .count_in_window(&from_address, now, THROTTLE_WINDOW_SECONDS)
        .await?;
    if by_pair > MAX_FAILURES_PER_ACCOUNT || by_address > MAX_FAILURES_PER_ADDRESS {
        tracing::warn!(ip = %address, "sign-in throttled");
        return Err(AppError::TooManyRequests(
            "Too many failed sign-in attempts. Wait 15 minutes, or reset your password.".into(),
        ));
    }
    let user = store.user_by_email(email).await?;
    let password_ok = verify_password_off_thread(
        user.as_ref().and_then(|u| u.password_hash.clone()),
        password,
    )
    .await?;
    let Some(user) = user.filter(|_| password_ok) else {
        return Ok(None);
    };
    store.clear_count(&pair).await?;
    store.uncount(&from_address).await?;
    Ok(Some(user))
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<String>,
}

async fn login_form(
    current: CurrentAccount,
    csrf: Csrf,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    if let Some(account) = &current.0 {
        return Ok(Redirect::to(home_of(account)).into_response());
    }
    Ok(render(&LoginPage {
        layout: Layout::new("Sign in", &current, &csrf),
        email: String::new(),
        next: safe_next(query.next.as_deref()).unwrap_or_default(),
        error: None,
    })?
    .into_response())
}

#[derive(serde::Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    current: CurrentAccount,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    let email = form.email.trim().to_lowercase();
    let user = check_password(&state, address, &email, form.password.clone()).await?;
    let Some(user) = user else {
        let page = LoginPage {
            layout: Layout::new("Sign in", &current, &csrf),
            email: form.email.clone(),
            next: safe_next(Some(&form.next)).unwrap_or_default(),
            error: Some("The email or password is not right.".into()),
        };
        return crate::html::render_status(axum::http::StatusCode::UNAUTHORIZED, &page);
    };
    // Said only to someone who knows the password, so it tells a guesser nothing.
    if user.deactivated_at.is_some() {
        return Err(AppError::ForbiddenBecause(
            "This account is deactivated. Ask an administrator to reactivate it.".into(),
        ));
    }
    let account = state
        .store()
        .account(user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = safe_next(Some(&form.next)).unwrap_or_else(|| home_of(&account).to_owned());
    replace_session(&state, &headers, user.id, &target).await
}

/// Starts a new session that replaces any earlier one in this browser.
async fn replace_session(
    state: &AppState,
    headers: &HeaderMap,
    user_id: i64,
    target: &str,
) -> Result<Response, AppError> {
    if let Some(token) = session_token(headers) {
        state.store().delete_session(&token_hash(&token)).await?;
    }
    start_session(state, user_id, target).await
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    auth::read_cookie_from_headers(headers, SESSION_COOKIE)
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    if let Some(token) = session_token(&headers) {
        state.store().delete_session(&token_hash(&token)).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie(&state, SESSION_COOKIE, "", 0));
    Ok(response)
}

async fn logout_everywhere(
    State(state): State<AppState>,
    user: Require<SignedIn>,
    CsrfForm(_): CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    let ended =
        cohort_app::accounts::staff::sign_out_everywhere(state.app(), user.account.user.id).await?;
    tracing::info!(
        user.id = user.account.user.id,
        sessions = ended,
        "signed out everywhere"
    );
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookie(&state, SESSION_COOKIE, "", 0));
    Ok(response)
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    layout: Layout,
    account: Account,
}

async fn account_page(user: Require<SignedIn>, csrf: Csrf) -> Result<Response, AppError> {
    let layout = Layout::for_account("Your account", Some(&user.account), &csrf);
    Ok(render(&AccountPage {
        layout,
        account: user.account,
    })?
    .into_response())
}
