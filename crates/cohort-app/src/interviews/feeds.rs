//! An interviewer's private calendar feed: a secret link that calendar programs subscribe to,
//! listing the interviews they have, which the interviewer can reset when it leaks.
//!
//! The secret is kept as it is, not hashed, so that the interviewer's page can show the link
//! again whenever they need to add it to another calendar; it opens a list of interview times and
//! candidate names, never an account, and a reset ends it.

use super::{invites, InterviewsError};
use crate::accounts::tokens::new_token;
use crate::App;
use cohort_store::{Store, StoreError};

/// How far back a feed still lists interviews, so a calendar keeps recent history.
pub const FEED_DAYS_BACK: i64 = 30;

/// Gives the interviewer a new feed secret and returns it; any earlier link stops working.
pub async fn reset_feed(app: &App, user_id: i64) -> Result<String, InterviewsError> {
    let secret = new_token();
    let mut tx = app.store().begin().await?;
    match Store::set_feed_secret(&mut tx, user_id, &secret).await {
        Err(StoreError::NotFound) => return Err(InterviewsError::NoProfile),
        other => other?,
    }
    Store::commit(tx).await?;
    tracing::info!(user.id = user_id, "interviewer feed link reset");
    Ok(secret)
}

/// The feed that `secret` opens, as iCalendar text; `None` when no active interviewer has it.
pub async fn feed_of(app: &App, secret: &str) -> Result<Option<String>, StoreError> {
    let Some(user_id) = app.store().interviewer_of_feed(secret).await? else {
        return Ok(None);
    };
    let since = app.now() - FEED_DAYS_BACK * 24 * 3600;
    let interviews: Vec<_> = app
        .store()
        .interviews_of_interviewer(user_id)
        .await?
        .into_iter()
        .filter(|i| i.ends_at >= since)
        .collect();
    Ok(Some(invites::feed(app, "Cohort interviews", &interviews)))
}
