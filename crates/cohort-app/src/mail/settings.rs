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
    #[error("the SMTP URL must not hold a user name or password (Cohort sends without signing in to the relay)")]
    SmtpCredentials,
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
            Some(text) => Some(relay(text)?),
        };
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| MailSettingsError::Sender(from.to_owned(), e.to_string()))?;
        Ok(MailSettings { relay, from })
    }
}

/// The relay's host (an IPv6 address without its brackets) and port, from `smtp://host[:port]`.
fn relay(text: &str) -> Result<(String, u16), MailSettingsError> {
    // Never repeat a URL that may hold a password in a message.
    let shown = if text.contains('@') {
        "the one given".to_owned()
    } else {
        text.to_owned()
    };
    let url = url::Url::parse(text).map_err(|error| match error {
        url::ParseError::InvalidPort => MailSettingsError::SmtpPort(shown.clone()),
        _ => MailSettingsError::SmtpUrl(shown.clone()),
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(MailSettingsError::SmtpCredentials);
    }
    let host = match url.host() {
        Some(url::Host::Domain(name)) if !name.is_empty() => name.to_owned(),
        Some(url::Host::Ipv4(address)) => address.to_string(),
        Some(url::Host::Ipv6(address)) => address.to_string(),
        _ => return Err(MailSettingsError::SmtpUrl(shown)),
    };
    if url.scheme() != "smtp"
        || !matches!(url.path(), "" | "/")
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(MailSettingsError::SmtpUrl(shown));
    }
    match url.port() {
        Some(0) => Err(MailSettingsError::SmtpPort(shown)),
        port => Ok((host, port.unwrap_or(25))),
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
        let settings = MailSettings::parse(Some("smtp://[::1]:2525"), "a@example.com").unwrap();
        assert_eq!(settings.relay, Some(("::1".to_owned(), 2525)));
        let settings = MailSettings::parse(Some("smtp://[::1]"), "a@example.com").unwrap();
        assert_eq!(settings.relay, Some(("::1".to_owned(), 25)));
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
        let error =
            MailSettings::parse(Some("smtp://user:secret@mail.example.com"), "a@example.com")
                .unwrap_err();
        assert!(
            error.to_string().contains("user name or password"),
            "{error}"
        );
        assert!(!error.to_string().contains("secret"), "{error}");
        for url in [
            "smtp://mail.example.com/relay",
            "smtp://mail.example.com?tls=1",
        ] {
            assert!(
                MailSettings::parse(Some(url), "a@example.com").is_err(),
                "{url}"
            );
        }
        let error = MailSettings::parse(None, "Cohort no-reply").unwrap_err();
        assert!(
            error.to_string().contains("is not a mail address"),
            "{error}"
        );
    }
}
