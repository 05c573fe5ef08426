//! A forgotten password: the form that mails a reset link, and the page that sets a new one.

use super::{account_mail_allowed, start_session, TokenQuery, RESET_SECONDS};
use crate::auth::{
    hash_password_off_thread, new_token, token_hash, ClientAddress, Csrf, CsrfForm, CurrentAccount,
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
use cohort_app::accounts::mail;
use cohort_app::mail::Message;
use cohort_domain::input::{Email, NewPassword};
use cohort_store::Store;

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
