//! Signing up as a candidate, and confirming the address with the link mailed for it.

use super::tokens::{new_token, token_hash};
use super::{mail, AccountError, CONFIRMATION_SECONDS};
use crate::mail::Message;
use crate::App;
use cohort_store::{Store, StoreError};

/// A sign-up whose fields have been checked and whose password has been hashed.
pub struct NewCandidate<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    /// Where the confirmed person continues, kept in the confirmation link.
    pub next: Option<&'a str>,
}

/// What signing up did. The page says the same either way, so that it does not tell who has
/// an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUp {
    Created {
        user_id: i64,
    },
    /// The address had an account already; its owner was mailed how to sign in (if
    /// `mail_allowed`).
    AlreadyHadAccount,
}

/// Creates an unconfirmed candidate account with its confirmation link, mailed in the same
/// transaction. When the address has an account already, its owner is told instead, unless
/// `mail_allowed` is false (the address was sent too many messages lately).
pub async fn sign_up(
    app: &App,
    new: &NewCandidate<'_>,
    mail_allowed: bool,
) -> Result<SignUp, StoreError> {
    let now = app.now();
    let mut tx = app.store().begin().await?;
    let created = Store::create_unconfirmed_candidate(
        &mut tx,
        new.email,
        new.name,
        Some(new.password_hash),
        now,
    )
    .await;
    match created {
        Ok(user_id) => {
            let (token, message) = confirmation_message(app, new.email, new.name, new.next);
            let expires = now + CONFIRMATION_SECONDS;
            Store::create_email_confirmation(&mut tx, &token_hash(&token), user_id, now, expires)
                .await?;
            Store::enqueue_message(&mut tx, &message, now).await?;
            Store::commit(tx).await?;
            app.wake_mail();
            tracing::info!(user.id = user_id, "candidate signed up");
            Ok(SignUp::Created { user_id })
        }
        Err(StoreError::Conflict { .. }) => {
            // The failed insert may have ended the transaction (PostgreSQL aborts it).
            drop(tx);
            let existing = app.store().user_by_email(new.email).await?;
            if let Some(existing) = existing.filter(|_| mail_allowed) {
                let message = mail::SignupExistingAccount {
                    name: &existing.display_name,
                    sign_in_link: &app.config().link("/login"),
                    reset_link: &app.config().link("/password/forgot"),
                }
                .to(&existing.email);
                let mut tx = app.store().begin().await?;
                Store::enqueue_message(&mut tx, &message, now).await?;
                Store::commit(tx).await?;
                app.wake_mail();
            }
            Ok(SignUp::AlreadyHadAccount)
        }
        Err(other) => Err(other),
    }
}

/// Mails a new confirmation link to an account that has not confirmed its address yet.
pub async fn send_confirmation(
    app: &App,
    user_id: i64,
    email: &str,
    name: &str,
) -> Result<(), StoreError> {
    let now = app.now();
    let (token, message) = confirmation_message(app, email, name, None);
    let mut tx = app.store().begin().await?;
    let expires = now + CONFIRMATION_SECONDS;
    Store::create_email_confirmation(&mut tx, &token_hash(&token), user_id, now, expires).await?;
    Store::enqueue_message(&mut tx, &message, now).await?;
    Store::commit(tx).await?;
    app.wake_mail();
    Ok(())
}

/// Uses up a confirmation link and confirms its account's address; returns the account.
pub async fn confirm_email(app: &App, token: &str) -> Result<i64, AccountError> {
    let mut tx = app.store().begin().await?;
    let Some(user_id) =
        Store::consume_email_confirmation(&mut tx, &token_hash(token), app.now()).await?
    else {
        return Err(AccountError::LinkUsedUp);
    };
    Store::commit(tx).await?;
    tracing::info!(user.id = user_id, "email address confirmed");
    Ok(user_id)
}

/// A new confirmation link for `email` (its token, and the message carrying it). `next` is
/// where the confirmed person continues, kept in the link.
fn confirmation_message(
    app: &App,
    email: &str,
    name: &str,
    next: Option<&str>,
) -> (String, cohort_store::outbox::NewMessage) {
    let token = new_token();
    let mut link = app
        .config()
        .link(&format!("/account/confirm?token={token}"));
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
