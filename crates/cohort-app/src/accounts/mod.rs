//! Accounts: signing up and confirming an address, resetting a password, inviting staff and
//! accepting an invitation, administering staff accounts, and the mail all of these send.
//!
//! The web checks the form, the CSRF token, the throttles and who is asking; these functions
//! make the change, with the mail it sends, in one transaction.

pub mod invitations;
pub mod mail;
pub mod passwords;
pub mod signup;
pub mod staff;
pub mod tokens;

use cohort_store::StoreError;

/// How long a password-reset link works.
pub const RESET_SECONDS: i64 = 3600;
/// How long an invitation link works.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 3600;
/// How long an address-confirmation link works.
pub const CONFIRMATION_SECONDS: i64 = 48 * 3600;

/// Why an account change was not made.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The link expired, or was used already (perhaps by a request a moment ago).
    #[error("This link has expired or has been used already.")]
    LinkUsedUp,
    /// Someone made an account with the address since the form was shown.
    #[error("An account with this address exists already.")]
    AddressTaken,
    /// The change would leave no active administrator, and nobody could undo it.
    #[error("This is the only active administrator; make someone else an administrator first.")]
    LastAdministrator,
    #[error(transparent)]
    Store(#[from] StoreError),
}
