//! How often one person may repeat a write. Counts live in the database (one atomic upsert per
//! request), so every web node shares them and parallel requests cannot slip past a limit.

use crate::auth::CurrentAccount;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// At most `max` attempts in `window_seconds`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    pub window_seconds: i64,
}

/// Every write a signed-in person sends through the pages (forms, autosave, events), whatever
/// it is: far above what a person does (an assessment autosaves every five seconds), low
/// enough that a script cannot fill the database.
pub const ACCOUNT_WRITES: Limit = Limit {
    max: 600,
    window_seconds: 300,
};

/// Integrity events (pastes, leaving the tab) of one assessment session.
pub const INTEGRITY_EVENTS: Limit = Limit {
    max: 60,
    window_seconds: 60,
};

/// Counts one attempt against `key` and refuses it with 429 and `message` past `limit`.
pub async fn check(
    state: &AppState,
    key: &str,
    limit: Limit,
    message: &str,
) -> Result<(), AppError> {
    let count = state
        .store()
        .count_in_window(key, state.now(), limit.window_seconds)
        .await?;
    if count > limit.max {
        tracing::warn!(key, "rate limit reached");
        return Err(AppError::TooManyRequests(message.to_owned()));
    }
    Ok(())
}

/// Applies [`ACCOUNT_WRITES`] to every request of a signed-in session that is not a read.
pub async fn limit_account_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    // The account is cached in the request, so the handler does not look it up again.
    let account = match CurrentAccount::from_request_parts(&mut parts, &state).await {
        Ok(CurrentAccount(account)) => account,
        Err(error) => return error.into_response(),
    };
    if let Some(account) = account {
        let key = format!("writes:{}", account.user.id);
        if let Err(error) = check(
            &state,
            &key,
            ACCOUNT_WRITES,
            "You have sent very many changes in the last minutes. Wait a few minutes, then try again.",
        )
        .await
        {
            return error.into_response();
        }
    }
    next.run(Request::from_parts(parts, body)).await
}
