//! Delivery of the outbox: over SMTP when `--smtp-url` is set, otherwise as an `.eml` file per
//! message under `<data dir>/mail`, which any mail client opens. A message that carries a
//! calendar invitation goes as `multipart/mixed`: its text, then the invitation as `invite.ics`.

use crate::jobs::{repeat_until_stopped, Pace, Shutdown};
use crate::App;
use cohort_store::outbox::OutboxRecord;
use lettre::message::header::{ContentType, ContentTypeErr};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

/// Why one message could not be sent; its text is recorded on the message for the retry.
type SendError = Box<dyn std::error::Error + Send + Sync>;

/// Delivery could not go on: the outbox or the mail folder failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error(transparent)]
    Store(#[from] cohort_store::StoreError),
    #[error("preparing the mail folder: {0}")]
    Folder(#[from] std::io::Error),
}

/// Where the worker sends mail.
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    fn from_config(app: &App) -> Result<Transport, DeliveryError> {
        match &app.config().mail.relay {
            Some((host, port)) => Ok(Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    .port(*port)
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            )),
            None => {
                let folder = app.config().mail_dir();
                std::fs::create_dir_all(&folder)?;
                Ok(Transport::Files(AsyncFileTransport::<Tokio1Executor>::new(
                    folder,
                )))
            }
        }
    }

    /// Sends one message; the error is recorded on the message for the retry.
    async fn send(&self, from: &Mailbox, record: &OutboxRecord) -> Result<(), String> {
        self.try_send(from, record).await.map_err(|e| e.to_string())
    }

    async fn try_send(&self, from: &Mailbox, record: &OutboxRecord) -> Result<(), SendError> {
        let email = compose(from, record)?;
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

/// The outbox message as mail: its text alone, or its text and its calendar invitation.
fn compose(from: &Mailbox, record: &OutboxRecord) -> Result<lettre::Message, SendError> {
    let builder = lettre::Message::builder()
        .from(from.clone())
        .to(record.recipient.parse::<Mailbox>()?)
        .subject(&record.subject);
    let email = match &record.calendar {
        None => builder
            .header(ContentType::TEXT_PLAIN)
            .body(record.body.clone())?,
        Some(calendar) => builder.multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(record.body.clone()))
                .singlepart(invitation_part(calendar)?),
        )?,
    };
    Ok(email)
}

/// The invitation as the attachment `invite.ics`. Its content type repeats the calendar's
/// METHOD, as RFC 6047 (iMIP) requires: that is what makes a mail program offer to add the event
/// or to remove it, rather than show a file.
fn invitation_part(calendar: &str) -> Result<SinglePart, ContentTypeErr> {
    let content_type = match calendar_method(calendar) {
        Some(method) => format!("text/calendar; charset=utf-8; method={method}"),
        None => "text/calendar; charset=utf-8".to_owned(),
    };
    Ok(Attachment::new("invite.ics".to_owned())
        .body(calendar.to_owned(), ContentType::parse(&content_type)?))
}

/// The METHOD of an iCalendar text (`REQUEST`, `CANCEL`, ...), if it has one that is a plain
/// token and so can stand in a content type as it is.
fn calendar_method(calendar: &str) -> Option<&str> {
    calendar
        .lines()
        .find_map(|line| line.trim_end_matches('\r').strip_prefix("METHOD:"))
        .filter(|method| {
            !method.is_empty()
                && method
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Delivers every message that is due, once. Returns how many were delivered. Tests call this to
/// run pending jobs on demand.
pub async fn deliver_due(app: &App) -> Result<usize, DeliveryError> {
    let transport = Transport::from_config(app)?;
    deliver_batch(app, &transport).await
}

async fn deliver_batch(app: &App, transport: &Transport) -> Result<usize, DeliveryError> {
    let mut delivered = 0;
    loop {
        let claimed = app.store().claim_messages(app.now(), 120, 20).await?;
        if claimed.is_empty() {
            return Ok(delivered);
        }
        let mut sent = Vec::with_capacity(claimed.len());
        for record in claimed {
            match transport.send(&app.config().mail.from, &record).await {
                Ok(()) => {
                    tracing::info!(outbox.id = record.id, template = %record.template, "mail delivered");
                    sent.push(record.id);
                }
                Err(error) => {
                    tracing::warn!(outbox.id = record.id, attempts = record.attempts + 1, error = %error, "mail delivery failed; will retry");
                    app.store()
                        .mark_failed(record.id, record.attempts, &error, app.now())
                        .await?;
                }
            }
        }
        app.store().mark_all_delivered(&sent, app.now()).await?;
        delivered += sent.len();
    }
}

/// Delivers mail as it is queued until `shutdown`: woken at once by this process's own requests,
/// and every few seconds for messages queued by other nodes or due for a retry.
pub async fn run_delivery_worker(app: App, shutdown: Shutdown) {
    let transport = match Transport::from_config(&app) {
        Ok(transport) => transport,
        Err(error) => {
            tracing::error!(error = %error, "mail delivery is not configured correctly; no mail will be sent");
            return;
        }
    };
    let pace = Pace {
        poll: Duration::from_secs(5),
        gather: crate::jobs::GATHER,
    };
    repeat_until_stopped("mail", shutdown, Some(app.mail_waker()), pace, || async {
        deliver_batch(&app, &transport).await.map(|_| false)
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(calendar: Option<&str>) -> OutboxRecord {
        OutboxRecord {
            id: 7,
            template: "interview_booked".into(),
            recipient: "Ada Lovelace <ada@example.com>".into(),
            subject: "Your phone screen".into(),
            body: "Your phone screen is on 4 March at 17:00 UTC.".into(),
            calendar: calendar.map(str::to_owned),
            attempts: 0,
        }
    }

    fn formatted(record: &OutboxRecord) -> String {
        let from: Mailbox = "Cohort <no-reply@cohort.test>".parse().unwrap();
        String::from_utf8(compose(&from, record).unwrap().formatted()).unwrap()
    }

    const CANCELLATION: &str =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cohort//Interviews//EN\r\n\
        METHOD:CANCEL\r\nBEGIN:VEVENT\r\nUID:interview-42@cohort.example\r\nSEQUENCE:4\r\n\
        STATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn a_message_without_an_invitation_is_one_plain_text_part() {
        let mail = formatted(&record(None));
        assert!(mail.contains("Content-Type: text/plain; charset=utf-8\r\n"));
        assert!(!mail.contains("multipart"));
        assert!(mail.contains("Your phone screen is on 4 March at 17:00 UTC."));
    }

    #[test]
    fn a_message_with_an_invitation_is_mixed_text_and_an_ics_attachment_with_its_method() {
        let mail = formatted(&record(Some(CANCELLATION)));
        assert!(mail.contains("Content-Type: multipart/mixed;"));
        let text = mail
            .find("Content-Type: text/plain; charset=utf-8")
            .unwrap();
        let calendar = mail
            .find("Content-Type: text/calendar; charset=utf-8; method=CANCEL")
            .unwrap();
        assert!(text < calendar, "the text comes first");
        assert!(mail.contains("Content-Disposition: attachment; filename=\"invite.ics\""));
        assert!(mail.contains("UID:interview-42@cohort.example\r\n"));
    }

    #[test]
    fn the_method_is_read_from_the_calendar_and_only_a_plain_token_is_used() {
        assert_eq!(calendar_method(CANCELLATION), Some("CANCEL"));
        assert_eq!(
            calendar_method("BEGIN:VCALENDAR\nMETHOD:REQUEST\nEND:VCALENDAR\n"),
            Some("REQUEST")
        );
        assert_eq!(
            calendar_method("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
            None
        );
        assert_eq!(calendar_method("METHOD:REQUEST; x=\"y\"\r\n"), None);
        let mail = formatted(&record(Some("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")));
        assert!(mail.contains("Content-Type: text/calendar; charset=utf-8\r\n"));
    }
}
