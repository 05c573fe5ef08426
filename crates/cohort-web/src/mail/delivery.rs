//! Delivery of the outbox: over SMTP when `--smtp-url` is set, otherwise as an `.eml` file per
//! message under `<data dir>/mail`, which any mail client opens.

use crate::state::AppState;
use cohort_store::outbox::OutboxRecord;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// How mail leaves, parsed once when the server starts so a wrong flag is an error then, not a
/// log line at the first message.
#[derive(Debug, Clone)]
pub struct MailSettings {
    relay: Option<(String, u16)>,
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

/// Where the worker sends mail.
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    fn from_config(state: &AppState) -> anyhow::Result<Transport> {
        match &state.config().mail.relay {
            Some((host, port)) => Ok(Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    .port(*port)
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            )),
            None => {
                let folder = state.config().mail_dir();
                std::fs::create_dir_all(&folder)?;
                Ok(Transport::Files(AsyncFileTransport::<Tokio1Executor>::new(
                    folder,
                )))
            }
        }
    }

    async fn send(&self, from: &Mailbox, record: &OutboxRecord) -> anyhow::Result<()> {
        let email = lettre::Message::builder()
            .from(from.clone())
            .to(record.recipient.parse::<Mailbox>()?)
            .subject(&record.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(record.body.clone())?;
        match self {
            Transport::Smtp(transport) => {
                transport.send(email).await?;
            }
            Transport::Files(transport) => {
                transport.send(email).await?;
            }
        }
        Ok(())
    }
}

/// Delivers every message that is due, once. Returns how many were delivered. Tests call this to
/// run pending jobs on demand.
pub async fn deliver_due(state: &AppState) -> anyhow::Result<usize> {
    let transport = Transport::from_config(state)?;
    deliver_batch(state, &transport).await
}

async fn deliver_batch(state: &AppState, transport: &Transport) -> anyhow::Result<usize> {
    let mut delivered = 0;
    loop {
        let claimed = state.store().claim_messages(state.now(), 120, 20).await?;
        if claimed.is_empty() {
            return Ok(delivered);
        }
        let mut sent = Vec::with_capacity(claimed.len());
        for record in claimed {
            match transport.send(&state.config().mail.from, &record).await {
                Ok(()) => {
                    tracing::info!(outbox.id = record.id, template = %record.template, "mail delivered");
                    sent.push(record.id);
                }
                Err(error) => {
                    tracing::warn!(outbox.id = record.id, attempts = record.attempts + 1, error = %error, "mail delivery failed; will retry");
                    state
                        .store()
                        .mark_failed(record.id, record.attempts, &error.to_string(), state.now())
                        .await?;
                }
            }
        }
        state.store().mark_all_delivered(&sent, state.now()).await?;
        delivered += sent.len();
    }
}

/// Runs until `stop` turns true, delivering mail as it is queued (woken at once by this process's
/// own requests, and every few seconds for messages queued by other nodes or due for a retry).
pub async fn run_delivery_worker(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let transport = match Transport::from_config(&state) {
        Ok(transport) => transport,
        Err(error) => {
            tracing::error!(error = %error, "mail delivery is not configured correctly; no mail will be sent");
            return;
        }
    };
    loop {
        if let Err(error) = deliver_batch(&state, &transport).await {
            tracing::error!(error = format!("{error:#}"), "mail delivery pass failed");
        }
        tokio::select! {
            _ = stop.changed() => break,
            _ = state.mail_waker().notified() => {
                // A burst of requests wakes this worker once each; see [`crate::jobs::GATHER`].
                tokio::time::sleep(crate::jobs::GATHER).await;
            }
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
        if *stop.borrow() {
            break;
        }
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
