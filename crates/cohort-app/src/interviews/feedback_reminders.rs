//! Reminders to write feedback: one to the interviewer before it is due, and one when it is
//! overdue. Each is a job due at its time, queued when the interview is booked, and tied to the
//! interview's sequence: a reminder of an interview that moved, changed hands or was cancelled
//! since finds a newer sequence and sends nothing (the new version has its own). Feedback
//! submitted by then sends nothing either.

use super::links::SCHEDULE_PATH;
use crate::jobs::{self, Done, Job, JobError};
use crate::mail::{Message, RECRUITING_TEAM};
use crate::App;
use chrono::DateTime;
use chrono_tz::Tz;
use cohort_domain::interviews::feedback::due_at;
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::{Store, StoreError, Tx};
use serde::{Deserialize, Serialize};

/// Which of the two reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nudge {
    /// A quarter of the allowed time before it is due (six hours with the default 24).
    BeforeDue,
    /// When it is due and not in.
    Overdue,
}

/// When each reminder of an interview ending at `ends_at` goes out.
pub fn nudge_times(ends_at: i64, due_after: i64) -> [(Nudge, i64); 2] {
    let due = due_at(ends_at, due_after);
    [
        (Nudge::BeforeDue, due - due_after / 4),
        (Nudge::Overdue, due),
    ]
}

/// Queues the feedback reminders of `interview`, in the caller's transaction.
pub async fn schedule(
    tx: &mut Tx,
    interview: &InterviewRecord,
    due_after: i64,
    now: i64,
) -> Result<(), StoreError> {
    let ahead: Vec<(RemindFeedback, i64)> = nudge_times(interview.ends_at, due_after)
        .into_iter()
        .filter(|(_, at)| *at > now)
        .map(|(nudge, at)| {
            let job = RemindFeedback {
                interview_id: interview.id,
                sequence: interview.sequence,
                nudge,
            };
            (job, at)
        })
        .collect();
    if ahead.is_empty() {
        return Ok(());
    }
    jobs::enqueue_all_at(tx, &ahead, now).await
}

/// One feedback reminder of one version of an interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindFeedback {
    pub interview_id: i64,
    pub sequence: i64,
    pub nudge: Nudge,
}

impl Job for RemindFeedback {
    const KIND: &'static str = "remind_feedback";
    type Context = App;

    fn key(&self) -> String {
        let nudge = match self.nudge {
            Nudge::BeforeDue => "before",
            Nudge::Overdue => "overdue",
        };
        format!(
            "remind_feedback:{}:{}:{nudge}",
            self.interview_id, self.sequence
        )
    }

    /// The message is queued in the transaction that completes the job.
    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        // Read before the transaction: on SQLite it holds the one write connection.
        let interview = app
            .store()
            .interview(self.interview_id)
            .await?
            .filter(|i| i.is_booked() && i.sequence == self.sequence);
        let message = match &interview {
            Some(interview) => self.message(app, interview).await?,
            None => None,
        };
        let mut tx = app.store().begin().await?;
        if let Some(message) = &message {
            Store::enqueue_message(&mut tx, message, app.now()).await?;
        }
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        if message.is_some() {
            app.wake_mail();
        }
        Ok(())
    }
}

impl RemindFeedback {
    /// The reminder to the interview's interviewer, unless their feedback is in.
    async fn message(
        &self,
        app: &App,
        interview: &InterviewRecord,
    ) -> Result<Option<cohort_store::outbox::NewMessage>, StoreError> {
        let Some(person) = interview.interviewer_id else {
            return Ok(None);
        };
        let submitted = app
            .store()
            .scorecard_of(interview.id, person)
            .await?
            .is_some_and(|card| card.is_submitted());
        if submitted {
            return Ok(None);
        }
        let Some(staff) = app.store().interviewer(person).await? else {
            return Ok(None);
        };
        let zone = staff.profile.map_or(Tz::UTC, |p| p.time_zone);
        let due = due_at(interview.ends_at, super::feedback::due_after(app));
        let due = DateTime::from_timestamp(due, 0)
            .unwrap_or_default()
            .with_timezone(&zone)
            .format("%a %-d %b, %H:%M %Z")
            .to_string();
        let link = app
            .config()
            .link(&format!("{SCHEDULE_PATH}/{}/feedback", interview.id));
        Ok(Some(
            FeedbackReminder {
                name: &staff.name,
                candidate: &interview.candidate_name,
                due: &due,
                overdue: self.nudge == Nudge::Overdue,
                link: &link,
            }
            .to(&staff.email),
        ))
    }
}

/// A reminder to write an interview's feedback. It names the candidate (the interviewer met
/// them) but carries nothing of anyone's feedback.
pub struct FeedbackReminder<'a> {
    pub name: &'a str,
    pub candidate: &'a str,
    /// When it is due, in the interviewer's zone.
    pub due: &'a str,
    pub overdue: bool,
    pub link: &'a str,
}

impl Message for FeedbackReminder<'_> {
    const TEMPLATE: &'static str = "feedback_reminder";

    fn subject(&self) -> String {
        if self.overdue {
            format!("Overdue: your feedback on {}", self.candidate)
        } else {
            format!("Reminder: your feedback on {} is due soon", self.candidate)
        }
    }

    fn body(&self) -> String {
        let FeedbackReminder {
            name,
            candidate,
            due,
            overdue,
            link,
        } = self;
        let state = if *overdue {
            format!("was due {due} and is not in yet")
        } else {
            format!("is due {due}")
        };
        format!("Hello {name},\n\nYour feedback on your interview with {candidate} {state}. The debrief waits for it, and you read the rest of the panel's feedback once yours is submitted.\n\nWrite it here: {link}\n\n{RECRUITING_TEAM}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reminders_go_a_quarter_of_the_time_before_the_due_time_and_at_it() {
        let ends = 1_000_000;
        assert_eq!(
            nudge_times(ends, 24 * 3600),
            [
                (Nudge::BeforeDue, ends + 18 * 3600),
                (Nudge::Overdue, ends + 24 * 3600)
            ]
        );
    }
}
