//! The transactional outbox: a notification is written in the same transaction as its cause and
//! delivered later by a worker, with retries. A message is claimed with a lease so that two
//! workers never send it at the same time; a worker that dies leaves the lease to expire.

use crate::{Backend, Result, Store, Tx};

/// A message to queue, made by [`Message::to`]; the outbox only stores and delivers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// Which template produced it, for example `stage_changed`.
    pub template: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// A calendar invitation (iTIP text) that delivery attaches as a `text/calendar` part.
    pub calendar: Option<String>,
}

/// A notification's text. Each message is a struct with named fields, kept with the capability
/// that sends it, so swapped arguments do not compile and every text has one home and a test.
pub trait Message {
    /// The name the outbox records the message under, for logs and tests.
    const TEMPLATE: &'static str;

    fn subject(&self) -> String;

    fn body(&self) -> String;

    /// The calendar invitation the message carries, if any: an interview booked, moved or
    /// cancelled, for the attendees' calendar programs.
    fn calendar(&self) -> Option<String> {
        None
    }

    /// The outbox row that sends this message to `recipient`.
    fn to(&self, recipient: &str) -> NewMessage {
        NewMessage {
            template: Self::TEMPLATE.to_owned(),
            recipient: recipient.to_owned(),
            subject: self.subject(),
            body: self.body(),
            calendar: self.calendar(),
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRecord {
    pub id: i64,
    pub template: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub calendar: Option<String>,
    pub attempts: i64,
}

/// Attempts after which a message is parked for an administrator instead of retried.
pub const MAX_ATTEMPTS: i64 = 12;

const CLAIM_SQLITE: &str = "UPDATE outbox SET locked_until = $1 WHERE id IN (\
     SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $2 AND locked_until <= $2 \
     ORDER BY id LIMIT $3) RETURNING id, template, recipient, subject, body, calendar, attempts";

// PostgreSQL lets several workers claim at once: SKIP LOCKED makes each take different rows.
const CLAIM_POSTGRES: &str = "UPDATE outbox SET locked_until = $1 WHERE id IN (\
     SELECT id FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= $2 AND locked_until <= $2 \
     ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id, template, recipient, subject, body, calendar, attempts";

impl Store {
    pub async fn enqueue_message(tx: &mut Tx, message: &NewMessage, now: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO outbox (template, recipient, subject, body, calendar, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(&message.template)
        .bind(&message.recipient)
        .bind(&message.subject)
        .bind(&message.body)
        .bind(&message.calendar)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
    }

    /// Queues every message of `messages` in one statement per thousand: a booking's or a
    /// publication's mail costs one round trip instead of one per message.
    pub async fn enqueue_messages(tx: &mut Tx, messages: &[NewMessage], now: i64) -> Result<()> {
        for chunk in messages.chunks(1000) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|row| {
                    let first = row * 6;
                    let parameter = |offset: usize| format!("${}", first + offset);
                    format!(
                        "({}, {}, {}, {}, {}, {now_at}, {now_at})",
                        parameter(1),
                        parameter(2),
                        parameter(3),
                        parameter(4),
                        parameter(5),
                        now_at = parameter(6)
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO outbox (template, recipient, subject, body, calendar, created_at, next_attempt_at) VALUES {}",
                rows.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for message in chunk {
                query = query
                    .bind(&message.template)
                    .bind(&message.recipient)
                    .bind(&message.subject)
                    .bind(&message.body)
                    .bind(&message.calendar)
                    .bind(now);
            }
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Claims up to `limit` due messages for `lease_seconds`.
    pub async fn claim_messages(
        &self,
        now: i64,
        lease_seconds: i64,
        limit: i64,
    ) -> Result<Vec<OutboxRecord>> {
        let sql = match self.backend {
            Backend::Sqlite => CLAIM_SQLITE,
            Backend::Postgres => CLAIM_POSTGRES,
        };
        let mut claimed: Vec<OutboxRecord> = sqlx::query_as(sql)
            .bind(now + lease_seconds)
            .bind(now)
            .bind(limit)
            .fetch_all(&self.writer)
            .await?;
        claimed.sort_by_key(|m| m.id);
        Ok(claimed)
    }

    /// Marks every message in `ids` delivered in one transaction: under a burst, one commit per
    /// batch instead of one per message keeps the outbox from competing with the requests that
    /// fill it. A crash before this commit re-sends the batch, which at-least-once delivery allows.
    pub async fn mark_all_delivered(&self, ids: &[i64], now: i64) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for id in ids {
            sqlx::query("UPDATE outbox SET delivered_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        Store::commit(tx).await
    }

    /// Records a failed attempt and schedules the next one with exponential back-off (30 s, 1 min,
    /// 2 min, … capped at 6 h). After [`MAX_ATTEMPTS`] the message is parked.
    pub async fn mark_failed(
        &self,
        id: i64,
        attempts_before: i64,
        error: &str,
        now: i64,
    ) -> Result<()> {
        let attempts = attempts_before + 1;
        let next = if attempts >= MAX_ATTEMPTS {
            i64::MAX / 2
        } else {
            now + (30_i64 << (attempts - 1).min(10)).min(6 * 3600)
        };
        sqlx::query("UPDATE outbox SET attempts = $1, last_error = $2, next_attempt_at = $3, locked_until = 0 WHERE id = $4")
            .bind(attempts)
            .bind(error)
            .bind(next)
            .bind(id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Messages not yet delivered (including parked ones).
    pub async fn undelivered_count(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")
                .fetch_one(&self.reader)
                .await?,
        )
    }

    /// Delivered and pending messages to one recipient, newest first (for tests and support).
    pub async fn messages_to(&self, recipient: &str) -> Result<Vec<OutboxRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, template, recipient, subject, body, calendar, attempts FROM outbox WHERE recipient = $1 ORDER BY id DESC",
        )
        .bind(recipient)
        .fetch_all(&self.reader)
        .await?)
    }
}
