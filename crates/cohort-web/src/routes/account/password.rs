//! A forgotten password: the form that mails a reset link, and the page that sets a new one.

use super::{account_mail_allowed, start_session, TokenQuery};
use crate::auth::{
    hash_password_off_thread, token_hash, ClientAddress, Csrf, CsrfForm, CurrentAccount,
};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cohort_app::accounts::{passwords, AccountError};
use cohort_domain::input::{Email, NewPassword};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/password/forgot", get(forgot_form).post(forgot))
        .route("/password/reset", get(reset_form).post(reset))
}

#[derive(Template)]
#[template(path = "account/forgot.html")]
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
    let mail_allowed = account_mail_allowed(&state, email.as_str(), address).await?;
    let user = state.store().user_by_email(email.as_str()).await?;
    // Past the limit nothing is sent, and the answer stays the same.
    if let Some(user) = user.filter(|_| mail_allowed) {
        passwords::send_password_reset(state.app(), &user).await?;
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
#[template(path = "account/reset.html")]
struct ResetPage {
    layout: Layout,
    token: String,
    usable: bool,
    error: Option<String>,
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
    let user_id = match passwords::reset_password(state.app(), &form.token, &hash).await {
        Ok(user_id) => user_id,
        Err(AccountError::LinkUsedUp) => {
            let page = ResetPage {
                layout,
                token: String::new(),
                usable: false,
                error: None,
            };
            return crate::html::render_status(axum::http::StatusCode::GONE, &page);
        }
        Err(other) => return Err(other.into()),
    };
    start_session(&state, user_id, "/account").await
}
