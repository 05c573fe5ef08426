//! Notifications: each message's text, kept by the capability that sends it, and their delivery.
//!
//! A message is rendered when its cause happens and stored in the outbox in the same transaction,
//! so a notification exists if and only if its cause was committed. Every message is a struct with
//! named fields implementing [`Message`]; `to(recipient)` turns it into the outbox row.

//!
//! The messages live with their capability (`accounts::mail`, `applications::mail`,
//! `assessment::mail`, `assessment::judge_mail`); this module holds what they share and the
//! delivery of the outbox.

mod delivery;
pub mod settings;

pub use cohort_store::outbox::Message;
pub use delivery::{deliver_due, run_delivery_worker};
pub use settings::{MailSettings, MailSettingsError};

/// The signature of mail to candidates.
pub(crate) const RECRUITING_TEAM: &str = "The university recruiting team";

/// A moment for people, in UTC: "15 January 2027, 17:00 UTC".
pub fn when_utc(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|time| time.format("%-d %B %Y, %H:%M UTC").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::Message;

    /// Checks what every message must be: a one-line subject, a greeting by name, and no
    /// placeholder or debugging text left in it.
    pub fn assert_well_formed(message: &impl Message, name: &str) {
        let subject = message.subject();
        let body = message.body();
        assert!(!subject.is_empty() && !subject.contains('\n'), "{subject}");
        assert!(body.starts_with(&format!("Hello {name},\n\n")), "{body}");
        assert!(body.ends_with('\n'), "{body}");
        for leftover in ["{", "}", "Some(", "None", "\"", "\\n"] {
            assert!(!body.contains(leftover), "{leftover} in {body}");
            assert!(!subject.contains(leftover), "{leftover} in {subject}");
        }
    }
}
