//! Accounts: the mail they send (invitations, password resets, address confirmation).

pub mod mail;
