//! Delivery of the outbox: over SMTP when `--smtp-url` is set, otherwise as an `.eml` file per
//! message under `<data dir>/mail`, which any mail client opens.

use crate::state::{AppState, GATHER};
use cohort_store::outbox::OutboxRecord;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

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
                // A burst of requests wakes this worker once each; see [`GATHER`].
                tokio::time::sleep(GATHER).await;
            }
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
        if *stop.borrow() {
            break;
        }
    }
}
