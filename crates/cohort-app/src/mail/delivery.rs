//! Delivery of the outbox: over SMTP when `--smtp-url` is set, otherwise as an `.eml` file per
//! message under `<data dir>/mail`, which any mail client opens.

use crate::jobs::{repeat_until_stopped, Pace, Shutdown};
use crate::App;
use cohort_store::outbox::OutboxRecord;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

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

    async fn try_send(
        &self,
        from: &Mailbox,
        record: &OutboxRecord,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
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
