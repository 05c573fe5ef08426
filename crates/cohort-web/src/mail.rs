//! Notification templates and the worker that delivers the outbox.
//!
//! A message is rendered when its cause happens and stored in the outbox in the same transaction,
//! so a notification exists if and only if its cause was committed. The worker delivers over SMTP
//! when `--smtp-url` is set, otherwise it writes each message as an `.eml` file under
//! `<data dir>/mail`, which any mail client opens.

use crate::state::AppState;
use cohort_store::outbox::{NewMessage, OutboxRecord};
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

fn message(template: &str, recipient: &str, subject: String, body: String) -> NewMessage {
    NewMessage {
        template: template.to_owned(),
        recipient: recipient.to_owned(),
        subject,
        body,
    }
}

pub fn application_received(
    recipient: &str,
    name: &str,
    season: &str,
    choices: &[String],
    status_link: &str,
) -> NewMessage {
    let list: String = choices
        .iter()
        .enumerate()
        .map(|(i, c)| format!("  {}. {c}\n", i + 1))
        .collect();
    message(
        "application_received",
        recipient,
        format!("We received your application for {season}"),
        format!(
            "Hello {name},\n\nThank you for applying to the {season} internship program. You applied to, in order of preference:\n\n{list}\nYou can follow your application at {status_link}\n\nThe university recruiting team\n"
        ),
    )
}

pub fn stage_changed(
    recipient: &str,
    name: &str,
    season: &str,
    stage_label: &str,
    explanation: &str,
    status_link: &str,
) -> NewMessage {
    message(
        "stage_changed",
        recipient,
        format!("Your {season} application: {stage_label}"),
        format!("Hello {name},\n\nYour application has moved to a new step: {stage_label}.\n\n{explanation}\n\nDetails: {status_link}\n\nThe university recruiting team\n"),
    )
}

/// The invitation to the online assessment; `start_by` is already written for people (UTC).
pub fn assessment_invitation(
    recipient: &str,
    name: &str,
    season: &str,
    duration_minutes: i64,
    start_by: &str,
    link: &str,
) -> NewMessage {
    message(
        "assessment_invitation",
        recipient,
        format!("Your {season} application: online coding assessment"),
        format!("Hello {name},\n\nThank you for applying. The next step is an online coding assessment: a few programming problems to solve in your browser, in {duration_minutes} minutes once you start.\n\nStart it when you are ready, before {start_by}. The timer starts only when you press Start; if you close the browser, you can come back and continue where you were until your time is up.\n\nOpen the assessment: {link}\n\nThe university recruiting team\n"),
    )
}

/// The reminder a day before the deadline to start the assessment.
pub fn assessment_reminder(
    recipient: &str,
    name: &str,
    season: &str,
    start_by: &str,
    link: &str,
) -> NewMessage {
    message(
        "assessment_reminder",
        recipient,
        format!("Reminder: your {season} coding assessment"),
        format!("Hello {name},\n\nA reminder that your online coding assessment is waiting for you. Start it before {start_by}; once started, the timer runs until your time is up.\n\nOpen the assessment: {link}\n\nIf you need more time, reply to this message.\n\nThe university recruiting team\n"),
    )
}

pub fn rejected(recipient: &str, name: &str, season: &str, status_link: &str) -> NewMessage {
    message(
        "rejected",
        recipient,
        format!("Your {season} application"),
        format!(
            "Hello {name},\n\nThank you for your interest in our {season} internship program and for the time you gave us. After careful review we will not move forward with your application this season.\n\nWe encourage you to apply again in a future season.\n\nYour application: {status_link}\n\nThe university recruiting team\n"
        ),
    )
}

pub fn invitation(recipient: &str, name: &str, roles: &str, link: &str, days: i64) -> NewMessage {
    message(
        "invitation",
        recipient,
        "You are invited to Cohort".to_owned(),
        format!("Hello {name},\n\nYou have been invited to Cohort as {roles}. Choose your password here (the link works for {days} days):\n\n{link}\n\nIf you did not expect this, ignore this message.\n"),
    )
}

pub fn password_reset(recipient: &str, name: &str, link: &str) -> NewMessage {
    message(
        "password_reset",
        recipient,
        "Reset your Cohort password".to_owned(),
        format!("Hello {name},\n\nSomeone asked to reset the password of your Cohort account. Choose a new password here (the link works for one hour, once):\n\n{link}\n\nIf it was not you, ignore this message: your password stays as it is.\n"),
    )
}

pub fn confirm_email(recipient: &str, name: &str, link: &str, hours: i64) -> NewMessage {
    message(
        "confirm_email",
        recipient,
        "Confirm your email address for Cohort".to_owned(),
        format!("Hello {name},\n\nSomeone created a Cohort account with this address. If it was you, confirm the address here (the link works for {hours} hours, once; you will be asked for the account's password):\n\n{link}\n\nUntil the address is confirmed the account cannot apply.\n\nIf it was not you, ignore this message: without this link nobody can use your address to apply or to join as staff.\n"),
    )
}

pub fn signup_existing_account(
    recipient: &str,
    name: &str,
    sign_in_link: &str,
    reset_link: &str,
) -> NewMessage {
    message(
        "signup_existing_account",
        recipient,
        "You already have a Cohort account".to_owned(),
        format!("Hello {name},\n\nSomeone tried to create a Cohort account with this address, which already has one. If it was you, sign in instead:\n\n{sign_in_link}\n\nForgot the password? Choose a new one here:\n\n{reset_link}\n\nIf it was not you, ignore this message: nothing has changed.\n"),
    )
}

/// Where the worker sends mail.
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    fn from_config(state: &AppState) -> anyhow::Result<Transport> {
        match &state.config().smtp_url {
            Some(url) => {
                let rest = url.strip_prefix("smtp://").ok_or_else(|| {
                    anyhow::anyhow!("the SMTP URL must look like smtp://host:port")
                })?;
                let (host, port) = rest
                    .trim_end_matches('/')
                    .rsplit_once(':')
                    .unwrap_or((rest, "25"));
                let port: u16 = port
                    .parse()
                    .map_err(|_| anyhow::anyhow!("the SMTP port in {url} is not a number"))?;
                Ok(Transport::Smtp(
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                        .port(port)
                        .timeout(Some(Duration::from_secs(20)))
                        .build(),
                ))
            }
            None => {
                let folder = state.config().mail_dir();
                std::fs::create_dir_all(&folder)?;
                Ok(Transport::Files(AsyncFileTransport::<Tokio1Executor>::new(
                    folder,
                )))
            }
        }
    }

    async fn send(&self, from: &str, record: &OutboxRecord) -> anyhow::Result<()> {
        let email = Message::builder()
            .from(from.parse::<Mailbox>()?)
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
            match transport.send(&state.config().mail_from, &record).await {
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
