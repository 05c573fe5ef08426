//! Administration: staff accounts, invitations and API tokens.

use crate::auth::{new_token, token_hash, AdminOnly, Csrf, CsrfForm, Require, API_SCOPES};
use crate::error::AppError;
use crate::html::render;
use crate::pages::{day, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::accounts::invitations::{self, NewInvitation};
use cohort_app::accounts::staff;
use cohort_domain::input::{Email, Text};
use cohort_domain::{FieldErrors, Role};
use cohort_store::accounts::{Account, ApiTokenRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_page))
        .route("/admin/invitations", post(invite))
        .route("/admin/api-tokens", post(create_token))
        .route("/admin/api-tokens/{id}/revoke", post(revoke_token))
        .route("/admin/users/{id}/roles", post(change_roles))
        .route("/admin/users/{id}/deactivate", post(deactivate))
        .route("/admin/users/{id}/reactivate", post(reactivate))
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    /// The administrator looking at the page (who cannot deactivate themselves).
    layout_user_id: i64,
    staff: Vec<Account>,
    tokens: Vec<ApiTokenRecord>,
    roles: Vec<Role>,
    scopes: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
    new_token: Option<String>,
    /// (kind, waiting, running, scheduled, age of the oldest waiting job).
    queue: Vec<(String, i64, i64, i64, String)>,
    workers: Vec<cohort_store::jobs::WorkerRecord>,
}

impl AdminPage {
    fn day(&self, at: &i64) -> String {
        day(*at)
    }

    fn when(&self, at: &i64) -> String {
        crate::pages::when_utc(*at)
    }
}

#[derive(serde::Deserialize, Default)]
struct AdminQuery {
    notice: Option<String>,
}

async fn admin_page_for(
    state: &AppState,
    admin: &Account,
    csrf: &Csrf,
    errors: FieldErrors,
    new_token: Option<String>,
    flash: Option<String>,
) -> Result<AdminPage, AppError> {
    Ok(AdminPage {
        layout: Layout::for_account("Administration", Some(admin), csrf).with_flash(flash),
        layout_user_id: admin.user.id,
        staff: state.store().staff_accounts().await?,
        tokens: state.store().api_tokens().await?,
        roles: Role::STAFF.to_vec(),
        scopes: API_SCOPES.to_vec(),
        errors,
        new_token,
        queue: state
            .store()
            .queue_stats(state.now())
            .await?
            .into_iter()
            .map(|stat| {
                let age = stat.oldest_due_at.map_or(String::from("—"), |due| {
                    format!("{} s", (state.now() - due).max(0))
                });
                (stat.kind, stat.waiting, stat.running, stat.scheduled, age)
            })
            .collect(),
        workers: state
            .store()
            .active_workers(state.now(), super::metrics::WORKER_SILENCE_SECONDS)
            .await?,
    })
}

async fn admin_page(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    csrf: Csrf,
    Query(query): Query<AdminQuery>,
) -> Result<Response, AppError> {
    let flash = match query.notice.as_deref() {
        Some("invited") => Some("Invitation sent.".to_owned()),
        Some("revoked") => Some("Token revoked; it no longer works.".to_owned()),
        Some("roles") => Some("Roles changed; they apply from the person's next page.".to_owned()),
        Some("deactivated") => Some(
            "Account deactivated: it cannot sign in, and its sessions and API tokens have ended."
                .to_owned(),
        ),
        Some("reactivated") => Some("Account reactivated: it can sign in again.".to_owned()),
        _ => None,
    };
    Ok(render(
        &admin_page_for(
            &state,
            &admin.account,
            &csrf,
            FieldErrors::new(),
            None,
            flash,
        )
        .await?,
    )?
    .into_response())
}

#[derive(serde::Deserialize)]
struct InviteForm {
    email: String,
    name: String,
    #[serde(default)]
    roles: Vec<String>,
}

async fn invite(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let email = errors.take("email", Email::parse(&form.email));
    let name = errors.take("name", Text::required(&form.name, "the person's name", 120));
    let roles: Vec<Role> = form
        .roles
        .iter()
        .filter_map(|r| Role::parse(r))
        .filter(|r| Role::STAFF.contains(r))
        .collect();
    if roles.is_empty() || roles.len() != form.roles.len() {
        errors.add("roles", "Choose at least one staff role.");
    }
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        let page = admin_page_for(&state, &admin.account, &csrf, errors, None, None).await?;
        return crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let invitation = NewInvitation {
        email: email.as_str(),
        name: name.as_str(),
        roles: &roles,
        invited_by: admin.account.user.id,
    };
    invitations::invite(state.app(), &invitation).await?;
    Ok(Redirect::to("/admin?notice=invited").into_response())
}

#[derive(serde::Deserialize)]
struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

/// Replaces a person's staff roles.
async fn change_roles(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RolesForm>,
) -> Result<Response, AppError> {
    let roles: Vec<Role> = form
        .roles
        .iter()
        .filter_map(|r| Role::parse(r))
        .filter(|r| Role::STAFF.contains(r))
        .collect();
    if roles.len() != form.roles.len() {
        return Err(AppError::BadRequest("Unknown role.".into()));
    }
    if state.store().account(id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    staff::change_staff_roles(state.app(), id, &roles).await?;
    tracing::info!(user.id = id, by = admin.account.user.id, "roles changed");
    Ok(Redirect::to("/admin?notice=roles").into_response())
}

async fn deactivate(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    if id == admin.account.user.id {
        return Err(AppError::Conflict(
            "You cannot deactivate your own account.".into(),
        ));
    }
    if state.store().account(id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    staff::deactivate(state.app(), id).await?;
    tracing::info!(
        user.id = id,
        by = admin.account.user.id,
        "account deactivated"
    );
    Ok(Redirect::to("/admin?notice=deactivated").into_response())
}

async fn reactivate(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    if state.store().account(id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    staff::reactivate(state.app(), id).await?;
    tracing::info!(
        user.id = id,
        by = admin.account.user.id,
        "account reactivated"
    );
    Ok(Redirect::to("/admin?notice=reactivated").into_response())
}

#[derive(serde::Deserialize)]
struct TokenForm {
    name: String,
    #[serde(default)]
    scopes: Vec<String>,
}

async fn create_token(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::new();
    let name = errors.take(
        "token_name",
        Text::required(&form.name, "a name for the token", 80),
    );
    let scopes: Vec<&str> = API_SCOPES
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| form.scopes.iter().any(|chosen| chosen == s))
        .collect();
    if scopes.is_empty() || scopes.len() != form.scopes.len() {
        errors.add("scopes", "Choose at least one scope.");
    }
    let (Some(name), true) = (name, errors.is_empty()) else {
        let page = admin_page_for(&state, &admin.account, &csrf, errors, None, None).await?;
        return crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let token = format!("cohort_{}", new_token());
    state
        .store()
        .create_api_token(
            &token_hash(&token),
            name.as_str(),
            &scopes,
            admin.account.user.id,
            state.now(),
        )
        .await?;
    // The token is shown once, on this page, and never stored in clear.
    let page = admin_page_for(
        &state,
        &admin.account,
        &csrf,
        FieldErrors::new(),
        Some(token),
        Some("Token created. Copy it now: it will not be shown again.".into()),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    _admin: Require<AdminOnly>,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    state.store().revoke_api_token(id, state.now()).await?;
    Ok(Redirect::to("/admin?notice=revoked").into_response())
}
