//! Administering accounts: staff roles, deactivation, and ending every session of an account.
//!
//! The changes that can take the administrator role away lock the administrators first, so
//! that two administrators removing each other at once cannot leave nobody able to undo it.

use super::AccountError;
use crate::App;
use cohort_domain::Role;
use cohort_store::{Store, StoreError, Tx};

/// Replaces a person's staff roles (their candidate role, if any, stays).
pub async fn change_staff_roles(
    app: &App,
    user_id: i64,
    roles: &[Role],
) -> Result<(), AccountError> {
    let mut tx = app.store().begin().await?;
    Store::lock_administrators(&mut tx).await?;
    let current = Store::roles_in(&mut tx, user_id).await?;
    if current.contains(&Role::Administrator) && !roles.contains(&Role::Administrator) {
        keep_an_administrator(&mut tx, user_id).await?;
    }
    Store::set_staff_roles(&mut tx, user_id, roles).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Deactivates an account: it can no longer sign in, and its sessions and tokens stop working.
pub async fn deactivate(app: &App, user_id: i64) -> Result<(), AccountError> {
    let mut tx = app.store().begin().await?;
    Store::lock_administrators(&mut tx).await?;
    if Store::roles_in(&mut tx, user_id)
        .await?
        .contains(&Role::Administrator)
    {
        keep_an_administrator(&mut tx, user_id).await?;
    }
    Store::deactivate_user(&mut tx, user_id, app.now()).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Reactivates an account. An account that is already active stays so: the same answer,
/// nothing to do.
pub async fn reactivate(app: &App, user_id: i64) -> Result<(), StoreError> {
    let mut tx = app.store().begin().await?;
    Store::reactivate_user(&mut tx, user_id).await?;
    Store::commit(tx).await
}

/// Ends every session of an account; returns how many there were.
pub async fn sign_out_everywhere(app: &App, user_id: i64) -> Result<u64, StoreError> {
    let mut tx = app.store().begin().await?;
    let ended = Store::delete_sessions_of(&mut tx, user_id).await?;
    Store::commit(tx).await?;
    Ok(ended)
}

/// Refuses a change that would leave no active administrator (nobody could undo it).
async fn keep_an_administrator(tx: &mut Tx, user_id: i64) -> Result<(), AccountError> {
    if Store::other_active_administrators(tx, user_id).await? == 0 {
        return Err(AccountError::LastAdministrator);
    }
    Ok(())
}
