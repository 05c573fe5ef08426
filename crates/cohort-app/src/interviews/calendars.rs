//! Interviewers' calendars: an uploaded `.ics` file, checked when it arrives, whose busy
//! blocks the booking page and the planner avoid.

use super::InterviewsError;
use crate::App;
use chrono::{DateTime, Duration, Utc};
use cohort_domain::calendar::{busy_blocks, BusyBlock, CalendarError};
use cohort_store::{Store, StoreError};

/// The largest calendar file taken: a year of a busy person's meetings is a few hundred KB.
pub const MAX_CALENDAR_BYTES: usize = 1024 * 1024;

/// How far ahead a calendar is checked when it is uploaded: the planner looks at the next weeks,
/// and a rule that breaks only in years is caught when those weeks come.
const CHECKED_DAYS: i64 = 120;

/// Why a calendar was refused. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum CalendarUploadError {
    #[error("The calendar file is empty. Export your calendar as an .ics file and upload that.")]
    Empty,
    #[error("The calendar is larger than 1 MB. Export only the coming months.")]
    TooLarge,
    #[error("The file is not text (an .ics calendar is).")]
    NotText,
    #[error("This calendar could not be read: {0}")]
    Invalid(CalendarError),
    /// The thread that read it failed (the reader has no known panic; this is a fault).
    #[error("the calendar reader failed: {0}")]
    ReaderFailed(tokio::task::JoinError),
    #[error(transparent)]
    Interviews(#[from] InterviewsError),
}

impl From<StoreError> for CalendarUploadError {
    fn from(error: StoreError) -> CalendarUploadError {
        CalendarUploadError::Interviews(error.into())
    }
}

/// Checks and keeps an interviewer's calendar; returns its busy blocks over the coming weeks,
/// which are kept too: the booking page reads them instead of the file.
pub async fn upload_calendar(
    app: &App,
    user_id: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<Vec<BusyBlock>, CalendarUploadError> {
    if bytes.is_empty() {
        return Err(CalendarUploadError::Empty);
    }
    if bytes.len() > MAX_CALENDAR_BYTES {
        return Err(CalendarUploadError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| CalendarUploadError::NotText)?;
    let interviewer = app
        .store()
        .interviewer(user_id)
        .await?
        .ok_or(InterviewsError::NotAnInterviewer)?;
    let profile = interviewer.profile.ok_or(InterviewsError::NoProfile)?;
    let from = app.clock().now_utc();
    let to = from + Duration::days(CHECKED_DAYS);
    let owned = text.to_owned();
    // Expanding recurring events is CPU work: keep it off the async threads.
    let blocks =
        tokio::task::spawn_blocking(move || busy_blocks(&owned, from, to, profile.time_zone))
            .await
            .map_err(CalendarUploadError::ReaderFailed)?
            .map_err(CalendarUploadError::Invalid)?;
    let name: String = file_name
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(100)
        .collect();
    let spans: Vec<(i64, i64)> = blocks
        .iter()
        .map(|b| (b.start.timestamp(), b.end.timestamp()))
        .collect();
    let mut tx = app.store().begin().await?;
    match Store::save_interviewer_calendar(&mut tx, user_id, name.trim(), text, app.now()).await {
        Err(StoreError::NotFound) => return Err(InterviewsError::NoProfile.into()),
        other => other?,
    }
    Store::replace_busy_blocks(&mut tx, user_id, &spans).await?;
    Store::commit(tx).await?;
    tracing::info!(
        user.id = user_id,
        blocks = blocks.len(),
        "calendar uploaded"
    );
    Ok(blocks)
}

/// Forgets an interviewer's calendar.
pub async fn remove_calendar(app: &App, user_id: i64) -> Result<(), InterviewsError> {
    let mut tx = app.store().begin().await?;
    Store::remove_interviewer_calendar(&mut tx, user_id).await?;
    Store::replace_busy_blocks(&mut tx, user_id, &[]).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// An interviewer's busy blocks in `[from, to)` from their calendar, if they uploaded one.
/// A stored calendar was valid when it arrived; one that fails over a later window (a rule
/// that breaks only then) counts as no blocks, and the reason is logged.
pub async fn busy_between(
    app: &App,
    user_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<BusyBlock>, InterviewsError> {
    let Some(calendar) = app.store().interviewer_calendar(user_id).await? else {
        return Ok(Vec::new());
    };
    let zone = app
        .store()
        .interviewer(user_id)
        .await?
        .and_then(|i| i.profile)
        .map_or(chrono_tz::Tz::UTC, |p| p.time_zone);
    let blocks = tokio::task::spawn_blocking(move || busy_blocks(&calendar.ics, from, to, zone))
        .await
        .unwrap_or_else(|e| {
            Err(CalendarError {
                line: None,
                reason: e.to_string(),
            })
        });
    Ok(blocks.unwrap_or_else(|error| {
        tracing::warn!(user.id = user_id, %error, "a stored calendar could not be read");
        Vec::new()
    }))
}
