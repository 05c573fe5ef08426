//! A forgotten password: the mailed reset link, and setting a new password with it.

use super::tokens::{new_token, token_hash};
use super::{mail, AccountError, RESET_SECONDS};
use crate::mail::Message;
use crate::App;
use cohort_store::accounts::UserRecord;
use cohort_store::{Store, StoreError};

/// Mails `user` a link that sets a new password, in the transaction that stores the link.
pub async fn send_password_reset(app: &App, user: &UserRecord) -> Result<(), StoreError> {
    let now = app.now();
    let token = new_token();
    let link = app.config().link(&format!("/password/reset?token={token}"));
    let message = mail::PasswordReset {
        name: &user.display_name,
        link: &link,
    }
    .to(&user.email);
    let mut tx = app.store().begin().await?;
    let expires = now + RESET_SECONDS;
    Store::create_password_reset(&mut tx, &token_hash(&token), user.id, now, expires).await?;
    Store::enqueue_message(&mut tx, &message, now).await?;
    Store::commit(tx).await?;
    app.wake_mail();
    Ok(())
}

/// Uses up a reset link and sets its account's password to `password_hash`; returns the
/// account. The link came by mail, so the address is confirmed too, and every session of the
/// account ends: whoever knew the old password is signed out.
pub async fn reset_password(
    app: &App,
    token: &str,
    password_hash: &str,
) -> Result<i64, AccountError> {
    let now = app.now();
    let mut tx = app.store().begin().await?;
    let Some(user_id) = Store::consume_password_reset(&mut tx, &token_hash(token), now).await?
    else {
        return Err(AccountError::LinkUsedUp);
    };
    Store::set_password(&mut tx, user_id, password_hash).await?;
    Store::confirm_email(&mut tx, user_id, now).await?;
    Store::delete_sessions_of(&mut tx, user_id).await?;
    Store::commit(tx).await?;
    tracing::info!(user.id = user_id, "password reset");
    Ok(user_id)
}
