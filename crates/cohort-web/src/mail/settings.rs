//! How mail leaves and who sends it, parsed from the command line once at start. A leaf, so the
//! server's configuration can hold it without importing the delivery worker.

use lettre::message::Mailbox;

/// How mail leaves, parsed once when the server starts so a wrong flag is an error then, not a
/// log line at the first message.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The SMTP relay's host and port; none writes `.eml` files.
    pub(crate) relay: Option<(String, u16)>,
    /// The sender of every notification.
    pub from: Mailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum MailSettingsError {
    #[error("the SMTP URL must look like smtp://host:port, not {0}")]
    SmtpUrl(String),
    #[error("the SMTP port in {0} is not a number from 1 to 65535")]
    SmtpPort(String),
    #[error("the sender {0:?} is not a mail address (write it as \"Name <address@example.com>\" or address@example.com): {1}")]
    Sender(String, String),
}

impl MailSettings {
    /// `smtp_url` is `smtp://host[:port]` (port 25 by default); without it mail is written as
    /// files. `from` is a mailbox, with or without a display name.
    pub fn parse(smtp_url: Option<&str>, from: &str) -> Result<MailSettings, MailSettingsError> {
        let relay = match smtp_url {
            None => None,
            Some(url) => {
                let rest = url
                    .strip_prefix("smtp://")
                    .map(|rest| rest.trim_end_matches('/'))
                    .filter(|rest| !rest.is_empty())
                    .ok_or_else(|| MailSettingsError::SmtpUrl(url.to_owned()))?;
                let (host, port) = match rest.rsplit_once(':') {
                    Some((host, port)) => (
                        host,
                        port.parse::<u16>()
                            .ok()
                            .filter(|port| *port > 0)
                            .ok_or_else(|| MailSettingsError::SmtpPort(url.to_owned()))?,
                    ),
                    None => (rest, 25),
                };
                if host.is_empty() {
                    return Err(MailSettingsError::SmtpUrl(url.to_owned()));
                }
                Some((host.to_owned(), port))
            }
        };
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| MailSettingsError::Sender(from.to_owned(), e.to_string()))?;
        Ok(MailSettings { relay, from })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_settings_read_a_relay_with_or_without_a_port_and_a_named_sender() {
        let settings = MailSettings::parse(
            Some("smtp://mail.example.com:2525/"),
            "Cohort <a@example.com>",
        )
        .unwrap();
        assert_eq!(settings.relay, Some(("mail.example.com".to_owned(), 2525)));
        assert_eq!(settings.from.email.to_string(), "a@example.com");
        let settings =
            MailSettings::parse(Some("smtp://mail.example.com"), "a@example.com").unwrap();
        assert_eq!(settings.relay, Some(("mail.example.com".to_owned(), 25)));
        assert!(MailSettings::parse(None, "a@example.com")
            .unwrap()
            .relay
            .is_none());
    }

    #[test]
    fn wrong_mail_settings_are_refused_with_what_is_wrong() {
        for (url, expected) in [
            ("http://mail.example.com", "must look like smtp://host:port"),
            ("smtp://", "must look like smtp://host:port"),
            ("smtp://:25", "must look like smtp://host:port"),
            ("smtp://mail.example.com:smtp", "is not a number"),
            ("smtp://mail.example.com:0", "is not a number"),
            ("smtp://mail.example.com:70000", "is not a number"),
        ] {
            let error = MailSettings::parse(Some(url), "a@example.com").unwrap_err();
            assert!(error.to_string().contains(expected), "{url}: {error}");
        }
        let error = MailSettings::parse(None, "Cohort no-reply").unwrap_err();
        assert!(
            error.to_string().contains("is not a mail address"),
            "{error}"
        );
    }
}
