//! Calendars read from their address: an interviewer gives the secret `.ics` link of their
//! Google, Outlook or Apple calendar, and a job reads it now and every few hours, keeping its
//! busy blocks as an upload would. A read that fails keeps the calendar read before and says why
//! on the profile page.
//!
//! Reading over the network is the web crate's (this crate names no HTTP client): it hands the
//! app a [`CalendarFetcher`] at start-up, which refuses local and private addresses, redirects
//! to them, slow servers and calendars over the size limit.

use super::calendars::{upload_calendar, CalendarUploadError, MAX_CALENDAR_BYTES};
use super::InterviewsError;
use crate::jobs::{self, Done, Job, JobError};
use crate::App;
use cohort_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;

/// How often a subscribed calendar is read again.
pub const REFRESH_HOURS: i64 = 6;

/// The longest calendar address taken.
const MAX_URL_CHARS: usize = 2000;

/// Why a calendar could not be read from its address, in words for its owner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error(
        "{0} is a local or private network address, which Cohort does not read calendars from."
    )]
    PrivateAddress(String),
    #[error("The address's host {0} could not be found.")]
    UnknownHost(String),
    #[error("The calendar server did not answer within {0} seconds.")]
    TimedOut(u64),
    #[error("The calendar server answered {0} instead of the calendar.")]
    Status(u16),
    #[error("The calendar server sent more than {0} redirects.")]
    TooManyRedirects(usize),
    #[error("The calendar is larger than 1 MB.")]
    TooLarge,
    #[error("The calendar could not be read: {0}")]
    Other(String),
}

/// Reads a calendar from its address. Implemented by the web crate with an HTTP client.
pub trait CalendarFetcher: Send + Sync + 'static {
    /// The calendar's bytes, at most [`MAX_CALENDAR_BYTES`].
    fn fetch<'a>(
        &'a self,
        url: &'a url::Url,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<u8>, FetchError>> + Send + 'a>>;
}

/// Why a subscription was not saved. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error("Give the calendar's address, starting with https://.")]
    NotAnAddress,
    #[error("The address is longer than {MAX_URL_CHARS} characters.")]
    TooLong,
    #[error(transparent)]
    Interviews(#[from] InterviewsError),
}

impl From<StoreError> for SubscribeError {
    fn from(error: StoreError) -> SubscribeError {
        SubscribeError::Interviews(error.into())
    }
}

/// The address as it will be read: http or https, with a host and no user name or password.
pub fn parse_address(text: &str) -> Result<url::Url, SubscribeError> {
    let text = text.trim();
    if text.chars().count() > MAX_URL_CHARS {
        return Err(SubscribeError::TooLong);
    }
    // Calendar programs show their links as webcal://, which is https.
    let text = match text.strip_prefix("webcal://") {
        Some(rest) => format!("https://{rest}"),
        None => text.to_owned(),
    };
    let url = url::Url::parse(&text).map_err(|_| SubscribeError::NotAnAddress)?;
    let usable = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none();
    if !usable {
        return Err(SubscribeError::NotAnAddress);
    }
    Ok(url)
}

/// Subscribes an interviewer to the calendar at `address` and queues its first read.
pub async fn subscribe(app: &App, user_id: i64, address: &str) -> Result<(), SubscribeError> {
    let url = parse_address(address)?;
    let mut tx = app.store().begin().await?;
    match Store::set_calendar_subscription(&mut tx, user_id, url.as_str(), app.now()).await {
        Err(StoreError::NotFound) => return Err(InterviewsError::NoProfile.into()),
        other => other?,
    }
    jobs::enqueue(&mut tx, &RefreshCalendar { user_id }, app.now()).await?;
    Store::commit(tx).await?;
    app.wake_jobs();
    tracing::info!(user.id = user_id, "calendar subscription saved");
    Ok(())
}

/// Stops reading an interviewer's calendar address; the calendar read last is kept until they
/// remove it.
pub async fn unsubscribe(app: &App, user_id: i64) -> Result<(), InterviewsError> {
    let mut tx = app.store().begin().await?;
    Store::remove_calendar_subscription(&mut tx, user_id).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Reads an interviewer's subscribed calendar, then queues the next read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshCalendar {
    pub user_id: i64,
}

impl Job for RefreshCalendar {
    const KIND: &'static str = "refresh_calendar";
    type Context = App;

    /// One pending read per interviewer: subscribing again moves it to now.
    fn key(&self) -> String {
        format!("refresh_calendar:{}", self.user_id)
    }

    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        let Some(subscription) = app.store().calendar_subscription(self.user_id).await? else {
            // Unsubscribed since: nothing to read, and no next read.
            let mut tx = app.store().begin().await?;
            done.complete(&mut tx).await?;
            Store::commit(tx).await?;
            return Ok(());
        };
        let outcome = read(app, self.user_id, &subscription.url).await;
        let error = outcome.err();
        if let Some(error) = &error {
            tracing::warn!(user.id = self.user_id, %error, "a subscribed calendar could not be read");
        }
        let now = app.now();
        let mut tx = app.store().begin().await?;
        let still_current = Store::record_subscription_try(
            &mut tx,
            self.user_id,
            &subscription.url,
            error.as_deref(),
            now,
        )
        .await?;
        done.complete(&mut tx).await?;
        // An address changed while this one was read is read at once, not in six hours: the
        // calendar just kept was the old address's.
        let next = if still_current {
            now + REFRESH_HOURS * 3600
        } else {
            now
        };
        jobs::enqueue_at(&mut tx, self, now, next).await?;
        Store::commit(tx).await?;
        Ok(())
    }
}

/// Fetches and keeps the calendar at `address`; the reason in words when it fails.
async fn read(app: &App, user_id: i64, address: &str) -> Result<(), String> {
    let fetcher = app
        .calendar_fetcher()
        .ok_or_else(|| "This server does not read calendars from their address.".to_owned())?;
    let url = parse_address(address).map_err(|e| e.to_string())?;
    let bytes = fetcher.fetch(&url).await.map_err(|e| e.to_string())?;
    if bytes.len() > MAX_CALENDAR_BYTES {
        return Err(FetchError::TooLarge.to_string());
    }
    let name = url.host_str().unwrap_or("calendar").to_owned();
    match upload_calendar(app, user_id, &name, &bytes).await {
        Ok(_) => Ok(()),
        Err(CalendarUploadError::Interviews(InterviewsError::Store(error))) => {
            Err(format!("the calendar could not be stored: {error}"))
        }
        Err(error) => Err(error.to_string()),
    }
}
