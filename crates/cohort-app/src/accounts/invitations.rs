//! Inviting a person to join the staff, and accepting the invitation.

use super::tokens::{new_token, token_hash};
use super::{mail, AccountError, INVITATION_SECONDS};
use crate::mail::Message;
use crate::App;
use cohort_domain::Role;
use cohort_store::accounts::InvitationRecord;
use cohort_store::{Store, StoreError};

/// An invitation whose fields have been checked.
pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub name: &'a str,
    /// Staff roles only, at least one.
    pub roles: &'a [Role],
    pub invited_by: i64,
}

/// Stores an invitation and mails its link in the same transaction.
pub async fn invite(app: &App, new: &NewInvitation<'_>) -> Result<(), StoreError> {
    let token = new_token();
    let now = app.now();
    let link = app
        .config()
        .link(&format!("/invitations/accept?token={token}"));
    let role_names = new
        .roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ");
    let message = mail::Invitation {
        name: new.name,
        roles: &role_names,
        link: &link,
        valid_days: INVITATION_SECONDS / 86400,
    }
    .to(new.email);
    let mut tx = app.store().begin().await?;
    Store::create_invitation(
        &mut tx,
        &token_hash(&token),
        new.email,
        new.name,
        new.roles,
        new.invited_by,
        now,
        now + INVITATION_SECONDS,
    )
    .await?;
    Store::enqueue_message(&mut tx, &message, now).await?;
    Store::commit(tx).await?;
    app.wake_mail();
    tracing::info!(invited_by = new.invited_by, "invitation sent");
    Ok(())
}

/// Accepts an invitation for the existing account `user_id` (signed in as the invited
/// address): grants its roles and confirms the address, which the invitation reached. Every
/// session of the account ends, so that only the person who proved both the password and the
/// mailbox gets the new roles.
pub async fn accept_invitation_as(
    app: &App,
    token: &str,
    invitation: &InvitationRecord,
    user_id: i64,
) -> Result<(), AccountError> {
    let now = app.now();
    let mut tx = app.store().begin().await?;
    if !Store::consume_invitation(&mut tx, &token_hash(token), now).await? {
        return Err(AccountError::LinkUsedUp);
    }
    Store::grant_roles(&mut tx, user_id, &invitation.roles()).await?;
    Store::confirm_email(&mut tx, user_id, now).await?;
    Store::delete_sessions_of(&mut tx, user_id).await?;
    Store::commit(tx).await?;
    tracing::info!(
        user.id = user_id,
        "invitation accepted by an existing account"
    );
    Ok(())
}

/// Accepts an invitation with a new account for the invited address; returns the account.
/// When someone made an account with the address since the form was shown, the invitation
/// stays unused and the answer is [`AccountError::AddressTaken`].
pub async fn accept_invitation_with_new_account(
    app: &App,
    token: &str,
    invitation: &InvitationRecord,
    name: &str,
    password_hash: &str,
) -> Result<i64, AccountError> {
    let now = app.now();
    let mut tx = app.store().begin().await?;
    if !Store::consume_invitation(&mut tx, &token_hash(token), now).await? {
        return Err(AccountError::LinkUsedUp);
    }
    let created = Store::create_user(
        &mut tx,
        &invitation.email,
        name,
        Some(password_hash),
        &invitation.roles(),
        now,
    )
    .await;
    let user_id = match created {
        Ok(id) => id,
        Err(StoreError::Conflict { .. }) => return Err(AccountError::AddressTaken),
        Err(other) => return Err(other.into()),
    };
    Store::commit(tx).await?;
    tracing::info!(user.id = user_id, "invitation accepted");
    Ok(user_id)
}
