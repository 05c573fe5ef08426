//! Reminders of an interview by mail, a day and an hour before, to the candidate and the
//! interviewer. Each is a job due at its time and tied to the interview's sequence: a reminder
//! of an interview that moved or was cancelled since finds a newer sequence and sends nothing.
//!
//! A final loop's interviews each remind their interviewer (and shadow); the candidate is
//! reminded once, of the whole loop, by its first interview's reminders, which read the loop as
//! it stands when they are due.

use super::links::{manage_path, SCHEDULE_PATH};
use super::mail::{span_in, InterviewReminder};
use crate::jobs::{self, Done, Job, JobError};
use crate::mail::Message;
use crate::App;
use chrono::DateTime;
use chrono_tz::Tz;
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::outbox::NewMessage;
use cohort_store::{Store, StoreError, Tx};
use serde::{Deserialize, Serialize};

/// How long before an interview its reminders go out.
pub const REMIND_HOURS_BEFORE: [i64; 2] = [24, 1];

/// Queues the reminders of `interview` that are still ahead, in the caller's transaction.
pub async fn schedule(
    tx: &mut Tx,
    interview: &InterviewRecord,
    now: i64,
) -> Result<(), StoreError> {
    let ahead: Vec<(RemindInterview, i64)> = REMIND_HOURS_BEFORE
        .into_iter()
        .map(|hours_before| {
            let job = RemindInterview {
                interview_id: interview.id,
                sequence: interview.sequence,
                hours_before,
            };
            (job, interview.starts_at - hours_before * 3600)
        })
        .filter(|(_, due)| *due > now)
        .collect();
    if ahead.is_empty() {
        return Ok(());
    }
    jobs::enqueue_all_at(tx, &ahead, now).await
}

/// One reminder of one version of an interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindInterview {
    pub interview_id: i64,
    pub sequence: i64,
    pub hours_before: i64,
}

impl Job for RemindInterview {
    const KIND: &'static str = "remind_interview";
    type Context = App;

    fn key(&self) -> String {
        format!(
            "remind_interview:{}:{}:{}",
            self.interview_id, self.sequence, self.hours_before
        )
    }

    /// The messages are queued in the transaction that completes the job.
    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        // Read before the transaction: on SQLite it holds the one write connection.
        let interview = app.store().interview(self.interview_id).await?;
        let current = interview
            .filter(|i| i.is_booked() && i.sequence == self.sequence && i.starts_at > app.now());
        let Some(interview) = current else {
            return Ok(());
        };
        let messages = self.messages(app, &interview).await?;
        let mut tx = app.store().begin().await?;
        for message in &messages {
            Store::enqueue_message(&mut tx, message, app.now()).await?;
        }
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        app.wake_mail();
        Ok(())
    }
}

impl RemindInterview {
    async fn messages(
        &self,
        app: &App,
        interview: &InterviewRecord,
    ) -> Result<Vec<NewMessage>, StoreError> {
        let in_words = if self.hours_before >= 24 {
            "tomorrow"
        } else {
            "in an hour"
        };
        if interview.kind == super::kinds::FINAL_LOOP {
            return self.loop_messages(app, interview, in_words).await;
        }
        let start = DateTime::from_timestamp(interview.starts_at, 0).unwrap_or_default();
        let end = DateTime::from_timestamp(interview.ends_at, 0).unwrap_or_default();
        let candidate_zone: Tz = interview.candidate_time_zone.parse().unwrap_or(Tz::UTC);
        let manage = app.config().link(&manage_path(interview.application_id));
        let mut messages = vec![InterviewReminder {
            name: &interview.candidate_name,
            what: "phone interview",
            in_words,
            when: &span_in(candidate_zone, start, end),
            meeting_link: interview.meeting_link.as_deref(),
            details_link: &manage,
        }
        .to(&interview.candidate_email)];
        let what = format!("phone interview with {}", interview.candidate_name);
        messages.extend(
            staff_reminder(app, interview.interviewer_id, interview, &what, in_words).await?,
        );
        Ok(messages)
    }

    /// A final loop interview's reminders: its interviewer and shadow, and, for the loop's first
    /// interview, the candidate, of the whole loop.
    async fn loop_messages(
        &self,
        app: &App,
        interview: &InterviewRecord,
        in_words: &str,
    ) -> Result<Vec<NewMessage>, StoreError> {
        let instant = |seconds: i64| DateTime::from_timestamp(seconds, 0).unwrap_or_default();
        let start = instant(interview.starts_at);
        let mut messages = Vec::new();
        let the_loop: Vec<InterviewRecord> = app
            .store()
            .interviews_of_application(interview.application_id)
            .await?
            .into_iter()
            .filter(|i| i.kind == super::kinds::FINAL_LOOP && i.is_booked())
            .collect();
        if the_loop
            .first()
            .is_some_and(|first| first.id == interview.id)
        {
            let last_end = the_loop.iter().map(|i| i.ends_at).max().unwrap_or_default();
            let candidate_zone: Tz = interview.candidate_time_zone.parse().unwrap_or(Tz::UTC);
            let what = format!("{} final interviews", the_loop.len());
            messages.push(
                InterviewReminder {
                    name: &interview.candidate_name,
                    what: &what,
                    in_words,
                    when: &span_in(candidate_zone, start, instant(last_end)),
                    // Each interview has its own meeting link; the status page lists them.
                    meeting_link: None,
                    details_link: &app.config().link("/me"),
                }
                .to(&interview.candidate_email),
            );
        }
        let seats = [
            (interview.interviewer_id, "final-loop interview"),
            (interview.shadow_id, "final-loop interview (as a shadow)"),
        ];
        for (person, role) in seats {
            let what = format!("{role} with {}", interview.candidate_name);
            messages.extend(staff_reminder(app, person, interview, &what, in_words).await?);
        }
        Ok(messages)
    }
}

/// The reminder of `interview` to a member of staff sitting in it (`person`), in their own time
/// zone, with the link to their schedule; none when there is nobody or they are no longer an
/// active interviewer.
async fn staff_reminder(
    app: &App,
    person: Option<i64>,
    interview: &InterviewRecord,
    what: &str,
    in_words: &str,
) -> Result<Option<NewMessage>, StoreError> {
    let Some(person) = person else {
        return Ok(None);
    };
    let Some(staff) = app.store().interviewer(person).await? else {
        return Ok(None);
    };
    let zone = staff.profile.map_or(Tz::UTC, |p| p.time_zone);
    let instant = |seconds: i64| DateTime::from_timestamp(seconds, 0).unwrap_or_default();
    Ok(Some(
        InterviewReminder {
            name: &staff.name,
            what,
            in_words,
            when: &span_in(
                zone,
                instant(interview.starts_at),
                instant(interview.ends_at),
            ),
            meeting_link: interview.meeting_link.as_deref(),
            details_link: &app.config().link(SCHEDULE_PATH),
        }
        .to(&staff.email),
    ))
}
