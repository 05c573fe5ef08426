//! Signing up, and confirming an email address with the link mailed for it.

use super::{account_mail_allowed, check_password, replace_session, NextQuery};
use crate::auth::{
    hash_password_off_thread, home_of, safe_next, token_hash, ClientAddress, Csrf, CsrfForm,
    CurrentAccount, Require, SignedIn,
};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::accounts::signup::{self, NewCandidate};
use cohort_app::accounts::AccountError;
use cohort_domain::input::{Email, NewPassword, Text};
use cohort_domain::FieldErrors;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup_form).post(signup))
        .route("/account/confirm", get(confirm_form).post(confirm))
        .route("/account/confirm/resend", post(resend_confirmation))
}

#[derive(Template)]
#[template(path = "account/signup.html")]
struct SignupPage {
    layout: Layout,
    name: String,
    email: String,
    next: String,
    errors: FieldErrors,
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
    let mail_allowed = account_mail_allowed(&state, email.as_str(), address).await?;
    let new = NewCandidate {
        email: email.as_str(),
        name: name.as_str(),
        password_hash: &hash,
        next: next.as_deref(),
    };
    signup::sign_up(state.app(), &new, mail_allowed).await?;
    Ok(render(&SignupSentPage {
        layout: Layout::new("Check your email", &current, &csrf),
        email: email.to_string(),
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "account/signup_sent.html")]
struct SignupSentPage {
    layout: Layout,
    email: String,
}

#[derive(Template)]
#[template(path = "account/confirm_email.html")]
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
    let user_id = match signup::confirm_email(state.app(), &form.token).await {
        Ok(user_id) => user_id,
        Err(AccountError::LinkUsedUp) => {
            page.usable = false;
            return crate::html::render_status(axum::http::StatusCode::GONE, &page);
        }
        Err(other) => return Err(other.into()),
    };
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
    if !account_mail_allowed(&state, &account.user.email, address).await? {
        return Err(AppError::TooManyRequests(
            "We have sent several links in the last minutes. Wait 15 minutes, and look in your spam folder meanwhile.".into(),
        ));
    }
    signup::send_confirmation(
        state.app(),
        account.user.id,
        &account.user.email,
        &account.user.display_name,
    )
    .await?;
    Ok(Redirect::to("/me?notice=confirmation-sent").into_response())
}
