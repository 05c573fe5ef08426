//! Signing up, signing in and out, password resets, invitations, and the account page.

use crate::auth::{
    self, cookie, hash_password_off_thread, home_of, new_token, safe_next, token_hash,
    verify_password_off_thread, ClientAddress, Csrf, CsrfForm, CurrentAccount, Require, SignedIn,
    SESSION_COOKIE, SESSION_SECONDS,
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
use cohort_app::accounts::mail;
use cohort_app::mail::Message;
use cohort_domain::input::{Email, NewPassword, Text};
use cohort_domain::FieldErrors;
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
/// How long an address-confirmation link works.
pub const CONFIRMATION_SECONDS: i64 = 48 * 3600;
/// Messages one address may be sent by sign-ups and "send the link again" in
/// [`THROTTLE_WINDOW_SECONDS`]: enough for a lost message, too few to flood a mailbox.
pub const MAX_ACCOUNT_MAILS: i64 = 5;

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
        .route("/account/confirm", get(confirm_form).post(confirm))
        .route("/account/confirm/resend", post(resend_confirmation))
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
    ClientAddress(address): ClientAddress,
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
        crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        return show_again(errors);
    };
    // The password is hashed whether or not the address has an account, and the answer is the
    // same page either way, so neither its wording nor its timing tells who has an account.
    let hash = hash_password_off_thread(password.expose().to_owned()).await?;
    let now = state.now();
    let mail_allowed = account_mail_allowed(&state, email.as_str(), address).await?;
    let mut tx = state.store().begin().await?;
    let created = Store::create_unconfirmed_candidate(
        &mut tx,
        email.as_str(),
        name.as_str(),
        Some(&hash),
        now,
    )
    .await;
    match created {
        Ok(user_id) => {
            let (token, message) =
                confirmation_message(&state, email.as_str(), name.as_str(), next.as_deref());
            Store::create_email_confirmation(
                &mut tx,
                &token_hash(&token),
                user_id,
                now,
                now + CONFIRMATION_SECONDS,
            )
            .await?;
            Store::enqueue_message(&mut tx, &message, now).await?;
            Store::commit(tx).await?;
            state.wake_mail();
            tracing::info!(user.id = user_id, "candidate signed up");
        }
        Err(cohort_store::StoreError::Conflict { .. }) => {
            // The failed insert may have ended the transaction (PostgreSQL aborts it).
            drop(tx);
            let existing = state.store().user_by_email(email.as_str()).await?;
            if let Some(existing) = existing.filter(|_| mail_allowed) {
                let base = &state.config().base_url;
                let message = mail::SignupExistingAccount {
                    name: &existing.display_name,
                    sign_in_link: &format!("{base}/login"),
                    reset_link: &format!("{base}/password/forgot"),
                }
                .to(&existing.email);
                let mut tx = state.store().begin().await?;
                Store::enqueue_message(&mut tx, &message, now).await?;
                Store::commit(tx).await?;
                state.wake_mail();
            }
        }
        Err(other) => return Err(other.into()),
    }
    Ok(render(&SignupSentPage {
        layout: Layout::new("Check your email", &current, &csrf),
        email: email.to_string(),
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "signup_sent.html")]
struct SignupSentPage {
    layout: Layout,
    email: String,
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

/// A new confirmation link for `email` (its token, and the message carrying it). `next` is
/// where the confirmed person continues, kept in the link.
fn confirmation_message(
    state: &AppState,
    email: &str,
    name: &str,
    next: Option<&str>,
) -> (String, cohort_store::outbox::NewMessage) {
    let token = new_token();
    let mut link = format!("{}/account/confirm?token={token}", state.config().base_url);
    if let Some(next) = next {
        link.push_str("&next=");
        link.push_str(&urlencoding::encode(next));
    }
    let message = mail::ConfirmEmail {
        name,
        link: &link,
        valid_hours: CONFIRMATION_SECONDS / 3600,
    }
    .to(email);
    (token, message)
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
    ClientAddress(address): ClientAddress,
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
            return crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let now = state.now();
    let mail_allowed = account_mail_allowed(&state, email.as_str(), address).await?;
    let user = state.store().user_by_email(email.as_str()).await?;
    // Past the limit nothing is sent, and the answer stays the same.
    if let Some(user) = user.filter(|_| mail_allowed) {
        let token = new_token();
        let link = format!("{}/password/reset?token={token}", state.config().base_url);
        let message = mail::PasswordReset {
            name: &user.display_name,
            link: &link,
        }
        .to(&user.email);
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
            return crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
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
        return crate::html::render_status(axum::http::StatusCode::GONE, &page);
    };
    Store::set_password(&mut tx, user_id, &hash).await?;
    // The link came by mail, so whoever used it reads the address's mail: it is confirmed.
    Store::confirm_email(&mut tx, user_id, state.now()).await?;
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
    /// What accepting takes in this browser.
    way: Acceptance,
    errors: FieldErrors,
}

/// How an invitation is accepted, which depends on whether its address has an account and who
/// is signed in here.
#[derive(Debug, Clone, PartialEq)]
enum Acceptance {
    /// No account has the address: choose a name and password.
    NewAccount,
    /// The address has an account and it is signed in here: one button adds the roles.
    SignedInAsIt,
    /// The address has an account that is not signed in here: sign in as it first (whoever
    /// holds only the invitation must not take over an account someone else may have made).
    SignInFirst { sign_in: String },
    /// Another account is signed in here.
    OtherAccount { signed_in_as: String },
}

fn invitation_roles(invitation: &cohort_store::accounts::InvitationRecord) -> String {
    invitation
        .roles()
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn acceptance(
    state: &AppState,
    current: &CurrentAccount,
    email: &str,
    token: &str,
) -> Result<Acceptance, AppError> {
    let existing = state.store().user_by_email(email).await?;
    Ok(match (existing, &current.0) {
        (Some(owner), Some(account)) if owner.id == account.user.id => Acceptance::SignedInAsIt,
        (_, Some(account)) => Acceptance::OtherAccount {
            signed_in_as: account.user.email.clone(),
        },
        (Some(_), None) => Acceptance::SignInFirst {
            sign_in: format!(
                "/login?next={}",
                urlencoding::encode(&format!("/invitations/accept?token={token}"))
            ),
        },
        (None, None) => Acceptance::NewAccount,
    })
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
                way: acceptance(&state, &current, &invitation.email, &query.token).await?,
                token: query.token,
                roles: invitation_roles(&invitation),
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
            way: Acceptance::NewAccount,
            errors: FieldErrors::new(),
        },
    };
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
struct InvitationForm {
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

async fn accept_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
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
    let now = state.now();
    let used_up = || {
        AppError::Conflict(
            "This invitation has expired or was already used. Ask an administrator for a new one."
                .into(),
        )
    };
    if invitation.used_at.is_some() || invitation.expires_at <= now {
        return Err(used_up());
    }
    match acceptance(&state, &current, &invitation.email, &form.token).await? {
        Acceptance::SignedInAsIt => {
            let account = current.0.as_ref().ok_or(AppError::Forbidden)?;
            let user_id = account.user.id;
            let mut tx = state.store().begin().await?;
            if !Store::consume_invitation(&mut tx, &hash_of_token, now).await? {
                return Err(used_up());
            }
            Store::grant_roles(&mut tx, user_id, &invitation.roles()).await?;
            // The invitation came to the address, so the address is proved too.
            Store::confirm_email(&mut tx, user_id, now).await?;
            // Every other session of the account ends: only the person who proved both the
            // password and the mailbox gets the new roles.
            Store::delete_sessions_of(&mut tx, user_id).await?;
            Store::commit(tx).await?;
            tracing::info!(user.id = user_id, "invitation accepted by an existing account");
            // A fresh session replaces this one, so no earlier cookie carries the new roles.
            start_session(&state, user_id, "/staff").await
        }
        Acceptance::OtherAccount { signed_in_as } => Err(AppError::ForbiddenBecause(format!(
            "You are signed in as {signed_in_as}, but this invitation is for {}. Sign out, then open the invitation link again.",
            invitation.email
        ))),
        Acceptance::SignInFirst { sign_in } => Ok(Redirect::to(&sign_in).into_response()),
        Acceptance::NewAccount => {
            let mut errors = FieldErrors::new();
            let name = errors.take("name", Text::required(&form.name, "your name", 120));
            let password = errors.take("password", NewPassword::parse(&form.password));
            let (Some(name), Some(password)) = (name, password) else {
                let page = InvitationPage {
                    layout: Layout::new("Join Cohort", &current, &csrf),
                    token: form.token,
                    roles: invitation_roles(&invitation),
                    email: invitation.email,
                    name: form.name,
                    usable: true,
                    way: Acceptance::NewAccount,
                    errors,
                };
                return crate::html::render_status(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    &page,
                );
            };
            let hash = hash_password_off_thread(password.expose().to_owned()).await?;
            let mut tx = state.store().begin().await?;
            if !Store::consume_invitation(&mut tx, &hash_of_token, now).await? {
                return Err(used_up());
            }
            let created = Store::create_user(
                &mut tx,
                &invitation.email,
                name.as_str(),
                Some(&hash),
                &invitation.roles(),
                now,
            )
            .await;
            let user_id = match created {
                Ok(id) => id,
                // Someone made an account with the address since the form was shown: the
                // invitation stays unused, and the page now asks to sign in as that account.
                Err(cohort_store::StoreError::Conflict { .. }) => {
                    drop(tx);
                    return Ok(Redirect::to(&format!(
                        "/invitations/accept?token={}",
                        urlencoding::encode(&form.token)
                    ))
                    .into_response());
                }
                Err(other) => return Err(other.into()),
            };
            Store::commit(tx).await?;
            tracing::info!(user.id = user_id, "invitation accepted");
            replace_session(&state, &headers, user_id, "/staff").await
        }
    }
}

#[derive(Template)]
#[template(path = "confirm_email.html")]
struct ConfirmPage {
    layout: Layout,
    token: String,
    next: String,
    /// The address the link confirms; empty when the link cannot be used.
    email: String,
    usable: bool,
    /// Whether the account is signed in here (else its password is asked for).
    signed_in_as_it: bool,
    /// Another account signed in here.
    other_account: Option<String>,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
struct ConfirmQuery {
    #[serde(default)]
    token: String,
    next: Option<String>,
}

/// The confirmation page for `token`, as `current` sees it.
async fn confirm_page(
    state: &AppState,
    current: &CurrentAccount,
    csrf: &Csrf,
    token: String,
    next: Option<&str>,
) -> Result<ConfirmPage, AppError> {
    let owner = match state
        .store()
        .email_confirmation_user(&token_hash(&token), state.now())
        .await?
    {
        Some(user_id) => state.store().account(user_id).await?,
        None => None,
    };
    let signed_in = current.0.as_ref().map(|a| a.user.id);
    Ok(ConfirmPage {
        layout: Layout::new("Confirm your email address", current, csrf),
        next: safe_next(next).unwrap_or_default(),
        usable: owner.is_some(),
        signed_in_as_it: owner.is_some() && signed_in == owner.as_ref().map(|o| o.user.id),
        other_account: current
            .0
            .as_ref()
            .filter(|a| owner.as_ref().is_some_and(|o| o.user.id != a.user.id))
            .map(|a| a.user.email.clone()),
        email: owner.map(|o| o.user.email).unwrap_or_default(),
        token,
        error: None,
    })
}

/// Opening the link shows a button (a mail scanner that follows links confirms nothing).
async fn confirm_form(
    State(state): State<AppState>,
    current: CurrentAccount,
    csrf: Csrf,
    Query(query): Query<ConfirmQuery>,
) -> Result<Response, AppError> {
    let page = confirm_page(&state, &current, &csrf, query.token, query.next.as_deref()).await?;
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
struct ConfirmForm {
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Confirms an address. It takes both the link (the mailbox) and the account's password or
/// session: a stranger who made an account with someone else's address has the password but
/// not the mail, and the owner who gets the mail does not know the stranger's password.
async fn confirm(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    current: CurrentAccount,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> Result<Response, AppError> {
    let mut page = confirm_page(
        &state,
        &current,
        &csrf,
        form.token.clone(),
        Some(&form.next),
    )
    .await?;
    if !page.usable {
        return crate::html::render_status(axum::http::StatusCode::GONE, &page);
    }
    if let Some(other) = &page.other_account {
        return Err(AppError::ForbiddenBecause(format!(
            "You are signed in as {other}, but this link confirms another address. Sign out, then open the link again."
        )));
    }
    if !page.signed_in_as_it
        && check_password(&state, address, &page.email, form.password.clone())
            .await?
            .is_none()
    {
        page.error = Some("The password is not right.".into());
        return crate::html::render_status(axum::http::StatusCode::UNAUTHORIZED, &page);
    }
    let deactivated = state
        .store()
        .user_by_email(&page.email)
        .await?
        .is_some_and(|user| user.deactivated_at.is_some());
    if deactivated {
        return Err(AppError::ForbiddenBecause(
            "This account is deactivated. Ask an administrator to reactivate it.".into(),
        ));
    }
    let mut tx = state.store().begin().await?;
    let Some(user_id) =
        Store::consume_email_confirmation(&mut tx, &token_hash(&form.token), state.now()).await?
    else {
        drop(tx);
        page.usable = false;
        return crate::html::render_status(axum::http::StatusCode::GONE, &page);
    };
    Store::commit(tx).await?;
    tracing::info!(user.id = user_id, "email address confirmed");
    let target = safe_next(Some(&form.next)).unwrap_or_else(|| "/me?notice=confirmed".to_owned());
    if page.signed_in_as_it {
        Ok(Redirect::to(&target).into_response())
    } else {
        replace_session(&state, &headers, user_id, &target).await
    }
}

/// Sends a new confirmation link to the signed-in account's address.
async fn resend_confirmation(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    user: Require<SignedIn>,
    CsrfForm(_): CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    let account = &user.account;
    if account.email_confirmed() {
        return Ok(Redirect::to(home_of(account)).into_response());
    }
    let now = state.now();
    if !account_mail_allowed(&state, &account.user.email, address).await? {
        return Err(AppError::TooManyRequests(
            "We have sent several links in the last minutes. Wait 15 minutes, and look in your spam folder meanwhile.".into(),
        ));
    }
    let (token, message) = confirmation_message(
        &state,
        &account.user.email,
        &account.user.display_name,
        None,
    );
    let mut tx = state.store().begin().await?;
    Store::create_email_confirmation(
        &mut tx,
        &token_hash(&token),
        account.user.id,
        now,
        now + CONFIRMATION_SECONDS,
    )
    .await?;
    Store::enqueue_message(&mut tx, &message, now).await?;
    Store::commit(tx).await?;
    state.wake_mail();
    Ok(Redirect::to("/me?notice=confirmation-sent").into_response())
}
