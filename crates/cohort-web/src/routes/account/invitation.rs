//! Accepting an invitation from an administrator: a new account with the invited roles, or the
//! roles added to the account the address already has.

use super::{replace_session, start_session, TokenQuery};
use crate::auth::{hash_password_off_thread, token_hash, Csrf, CsrfForm, CurrentAccount};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use cohort_app::accounts::{invitations, AccountError};
use cohort_domain::input::{NewPassword, Text};
use cohort_domain::FieldErrors;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/invitations/accept",
        get(invitation_form).post(accept_invitation),
    )
}

#[derive(Template)]
#[template(path = "account/invitation.html")]
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
            invitations::accept_invitation_as(state.app(), &form.token, &invitation, user_id)
                .await
                .map_err(|error| match error {
                    AccountError::LinkUsedUp => used_up(),
                    other => other.into(),
                })?;
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
            let accepted = invitations::accept_invitation_with_new_account(
                state.app(),
                &form.token,
                &invitation,
                name.as_str(),
                &hash,
            )
            .await;
            let user_id = match accepted {
                Ok(user_id) => user_id,
                Err(AccountError::LinkUsedUp) => return Err(used_up()),
                // Someone made an account with the address since the form was shown: the
                // invitation stays unused, and the page now asks to sign in as that account.
                Err(AccountError::AddressTaken) => {
                    return Ok(Redirect::to(&format!(
                        "/invitations/accept?token={}",
                        urlencoding::encode(&form.token)
                    ))
                    .into_response());
                }
                Err(other) => return Err(other.into()),
            };
            replace_session(&state, &headers, user_id, "/staff").await
        }
    }
}
