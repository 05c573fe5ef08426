//! Signing up, signing in and out, password resets, invitations, and the account page.

use crate::auth::{
    self, cookie, hash_password_off_thread, home_of, new_token, safe_next, token_hash,
    verify_password_off_thread, ClientAddress, Csrf, CsrfForm, CurrentAccount, Require, SignedIn,
    SESSION_COOKIE, SESSION_SECONDS,
};
use crate::error::AppError;
use crate::mail;
use crate::pages::{render, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_domain::input::{Email, NewPassword, Text};
use cohort_domain::{FieldErrors, Role};
use cohort_store::accounts::Account;
use cohort_store::Store;

/// Failed sign-ins allowed for one account from one address in [`THROTTLE_WINDOW_SECONDS`].
/// Counting the pair, not the account alone, means a stranger guessing an administrator's
/// password does not lock the administrator out from their own address.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins allowed from one address over all accounts: much higher, because a campus
/// network or a company's proxy puts many honest people behind one address.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 100;
pub const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;
/// How long a password-reset link works.
pub const RESET_SECONDS: i64 = 3600;
/// How long an invitation link works.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 3600;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup_form).post(signup))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/logout/everywhere", post(logout_everywhere))
        .route("/account", get(account_page))
        .route("/password/forgot", get(forgot_form).post(forgot))
        .route("/password/reset", get(reset_form).post(reset))
        .route(
            "/invitations/accept",
            get(invitation_form).post(accept_invitation),
        )
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    layout: Layout,
    name: String,
    email: String,
    next: String,
    errors: FieldErrors,
}

#[derive(serde::Deserialize, Default)]
struct NextQuery {
    next: Option<String>,
}

async fn signup_form(
    current: CurrentAccount,
    csrf: Csrf,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    Ok(render(&SignupPage {
        layout: Layout::new("Create an account", &current, &csrf),
        name: String::new(),
        email: String::new(),
        next: safe_next(query.next.as_deref()).unwrap_or_default(),
        errors: FieldErrors::new(),
    })?
    .into_response())
}

#[derive(serde::Deserialize)]
struct SignupForm {
    name: String,
    email: String,
    password: String,
    #[serde(default)]
    next: String,
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

async fn signup(
    State(state): State<AppState>,
    current: CurrentAccount,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", Text::required(&form.name, "your name", 120));
    let email = errors.take("email", Email::parse(&form.email));
    let password = errors.take("password", NewPassword::parse(&form.password));
    let next = safe_next(Some(&form.next));
    let show_again = |errors: FieldErrors| -> Result<Response, AppError> {
        let page = SignupPage {
            layout: Layout::new("Create an account", &current, &csrf),
            name: form.name.clone(),
            email: form.email.clone(),
            next: next.clone().unwrap_or_default(),
            errors,
        };
        crate::pages::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return show_again(errors);
    };
    let hash = hash_password_off_thread(password.expose().to_owned()).await?;
    let mut tx = state.store().begin().await?;
    let created = Store::create_user(
        &mut tx,
        email.as_str(),
        name.as_str(),
        Some(&hash),
        &[Role::Candidate],
        state.now(),
    )
    .await;
    match created {
        Ok(user_id) => {
            Store::commit(tx).await?;
            tracing::info!(user.id = user_id, "candidate signed up");
            start_session(&state, user_id, next.as_deref().unwrap_or("/me")).await
        }
        Err(cohort_store::StoreError::Conflict { .. }) => {
            let mut errors = FieldErrors::new();
            errors.add(
                "email",
                "An account with this email already exists. Sign in, or reset your password.",
            );
            show_again(errors)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
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
    let ip = address.to_string();
    let now = state.now();
    // Each attempt is counted before the password is checked, in one atomic step per key, and
    // taken back if it succeeds: parallel guesses cannot slip past the limit.
    let pair = format!("pair:{ip}:{email}");
    let from_address = format!("address:{ip}");
    let store = state.store();
    let by_pair = store
        .count_login_attempt(&pair, now, THROTTLE_WINDOW_SECONDS)
        .await?;
    let by_address = store
        .count_login_attempt(&from_address, now, THROTTLE_WINDOW_SECONDS)
        .await?;
    if by_pair > MAX_FAILURES_PER_ACCOUNT || by_address > MAX_FAILURES_PER_ADDRESS {
        tracing::warn!(ip = %ip, "sign-in throttled");
        return Err(AppError::TooManyRequests(
            "Too many failed sign-in attempts. Wait 15 minutes, or reset your password.".into(),
        ));
    }
    let user = store.user_by_email(&email).await?;
    let password_ok = verify_password_off_thread(
        user.as_ref().and_then(|u| u.password_hash.clone()),
        form.password.clone(),
    )
    .await?;
    let Some(user) = user.filter(|_| password_ok) else {
        let page = LoginPage {
            layout: Layout::new("Sign in", &current, &csrf),
            email: form.email.clone(),
            next: safe_next(Some(&form.next)).unwrap_or_default(),
            error: Some("The email or password is not right.".into()),
        };
        return crate::pages::render_status(axum::http::StatusCode::UNAUTHORIZED, &page);
    };
    store.clear_login_attempts(&pair).await?;
    store.uncount_login_attempt(&from_address).await?;
    let account = state
        .store()
        .account(user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let target = safe_next(Some(&form.next)).unwrap_or_else(|| home_of(&account).to_owned());
    // A new session replaces any earlier one in this browser.
    if let Some(token) = session_token(&headers) {
        state.store().delete_session(&token_hash(&token)).await?;
    }
    start_session(&state, user.id, &target).await
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
    let mut tx = state.store().begin().await?;
    let ended = Store::delete_sessions_of(&mut tx, user.account.user.id).await?;
    Store::commit(tx).await?;
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
#[template(path = "account.html")]
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

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    layout: Layout,
    email: String,
    sent: bool,
    error: Option<String>,
}

async fn forgot_form(current: CurrentAccount, csrf: Csrf) -> Result<Response, AppError> {
    Ok(render(&ForgotPage {
        layout: Layout::new("Reset your password", &current, &csrf),
        email: String::new(),
        sent: false,
        error: None,
    })?
    .into_response())
}

#[derive(serde::Deserialize)]
struct ForgotForm {
    email: String,
}

/// Sends a reset link if the account exists. The answer is the same either way, so the form
/// cannot be used to find out who has an account.
async fn forgot(
    State(state): State<AppState>,
    current: CurrentAccount,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<Response, AppError> {
    let layout = Layout::new("Reset your password", &current, &csrf);
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(error) => {
            let page = ForgotPage {
                layout,
                email: form.email,
                sent: false,
                error: Some(error.0),
            };
            return crate::pages::render_status(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            );
        }
    };
    if let Some(user) = state.store().user_by_email(email.as_str()).await? {
        let token = new_token();
        let now = state.now();
        let link = format!("{}/password/reset?token={token}", state.config().base_url);
        let message = mail::password_reset(&user.email, &user.display_name, &link);
        let mut tx = state.store().begin().await?;
        Store::create_password_reset(
            &mut tx,
            &token_hash(&token),
            user.id,
            now,
            now + RESET_SECONDS,
        )
        .await?;
        Store::enqueue_message(&mut tx, &message, now).await?;
        Store::commit(tx).await?;
        state.wake_mail();
    }
    Ok(render(&ForgotPage {
        layout,
        email: email.to_string(),
        sent: true,
        error: None,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    layout: Layout,
    token: String,
    usable: bool,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn reset_form(
    State(state): State<AppState>,
    current: CurrentAccount,
    csrf: Csrf,
    Query(query): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let usable = state
        .store()
        .password_reset_usable(&token_hash(&query.token), state.now())
        .await?;
    Ok(render(&ResetPage {
        layout: Layout::new("Choose a new password", &current, &csrf),
        token: query.token,
        usable,
        error: None,
    })?
    .into_response())
}

#[derive(serde::Deserialize)]
struct ResetForm {
    token: String,
    password: String,
}

async fn reset(
    State(state): State<AppState>,
    current: CurrentAccount,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response, AppError> {
    let layout = Layout::new("Choose a new password", &current, &csrf);
    let password = match NewPassword::parse(&form.password) {
        Ok(password) => password,
        Err(error) => {
            let page = ResetPage {
                layout,
                token: form.token,
                usable: true,
                error: Some(error.0),
            };
            return crate::pages::render_status(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            );
        }
    };
    let hash = hash_password_off_thread(password.expose().to_owned()).await?;
    let mut tx = state.store().begin().await?;
    let Some(user_id) =
        Store::consume_password_reset(&mut tx, &token_hash(&form.token), state.now()).await?
    else {
        drop(tx);
        let page = ResetPage {
            layout,
            token: String::new(),
            usable: false,
            error: None,
        };
        return crate::pages::render_status(axum::http::StatusCode::GONE, &page);
    };
    Store::set_password(&mut tx, user_id, &hash).await?;
    // A reset ends every session: whoever knew the old password is signed out.
    Store::delete_sessions_of(&mut tx, user_id).await?;
    Store::commit(tx).await?;
    tracing::info!(user.id = user_id, "password reset");
    start_session(&state, user_id, "/account").await
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    layout: Layout,
    token: String,
    email: String,
    name: String,
    roles: String,
    usable: bool,
    errors: FieldErrors,
}

async fn invitation_form(
    State(state): State<AppState>,
    current: CurrentAccount,
    csrf: Csrf,
    Query(query): Query<TokenQuery>,
) -> Result<Response, AppError> {
    let invitation = state.store().invitation(&token_hash(&query.token)).await?;
    let now = state.now();
    let page = match invitation {
        Some(invitation) if invitation.used_at.is_none() && invitation.expires_at > now => {
            InvitationPage {
                layout: Layout::new("Join Cohort", &current, &csrf),
                token: query.token,
                roles: invitation
                    .roles()
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                email: invitation.email,
                name: invitation.display_name,
                usable: true,
                errors: FieldErrors::new(),
            }
        }
        _ => InvitationPage {
            layout: Layout::new("Join Cohort", &current, &csrf),
            token: String::new(),
            email: String::new(),
            name: String::new(),
            roles: String::new(),
            usable: false,
            errors: FieldErrors::new(),
        },
    };
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
struct InvitationForm {
    token: String,
    name: String,
    password: String,
}

async fn accept_invitation(
    State(state): State<AppState>,
    current: CurrentAccount,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<InvitationForm>,
) -> Result<Response, AppError> {
    let hash_of_token = token_hash(&form.token);
    let invitation = state
        .store()
        .invitation(&hash_of_token)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let name = errors.take("name", Text::required(&form.name, "your name", 120));
    let password = errors.take("password", NewPassword::parse(&form.password));
    let (Some(name), Some(password)) = (name, password) else {
        let page = InvitationPage {
            layout: Layout::new("Join Cohort", &current, &csrf),
            token: form.token,
            roles: invitation
                .roles()
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
            email: invitation.email,
            name: form.name,
            usable: true,
            errors,
        };
        return crate::pages::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let hash = hash_password_off_thread(password.expose().to_owned()).await?;
    let now = state.now();
    let mut tx = state.store().begin().await?;
    if !Store::consume_invitation(&mut tx, &hash_of_token, now).await? {
        return Err(AppError::Conflict(
            "This invitation has expired or was already used. Ask an administrator for a new one."
                .into(),
        ));
    }
    let user_id = match state.store().user_by_email(&invitation.email).await? {
        // An existing account (for example a former candidate) gains the staff roles and keeps
        // its history; the password chosen here replaces the old one.
        Some(user) => {
            Store::grant_roles(&mut tx, user.id, &invitation.roles()).await?;
            Store::set_password(&mut tx, user.id, &hash).await?;
            user.id
        }
        None => {
            Store::create_user(
                &mut tx,
                &invitation.email,
                name.as_str(),
                Some(&hash),
                &invitation.roles(),
                now,
            )
            .await?
        }
    };
    Store::commit(tx).await?;
    tracing::info!(user.id = user_id, "invitation accepted");
    start_session(&state, user_id, "/staff").await
}
