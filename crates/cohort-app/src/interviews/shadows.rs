//! Shadow seats counted towards graduation: when a published loop interview with a shadow has
//! taken place, the [`CountShadowSeat`] job adds one to the shadow's count in the interview's
//! competency (a shadow interview while shadowing, a reverse shadow while reverse shadowing).
//! The count is what a bar raiser's sign-off checks against the graduation rule.

use crate::jobs::{self, Done, Job, JobError};
use crate::App;
use cohort_domain::interviews::profile::TrainingState;
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::{Store, StoreError, Tx};
use serde::{Deserialize, Serialize};

/// Queues the count of `interview`'s shadow seat for when it ends, in the caller's transaction.
pub async fn count_when_over(
    tx: &mut Tx,
    interview: &InterviewRecord,
    now: i64,
) -> Result<(), StoreError> {
    let Some(shadow_id) = interview.shadow_id else {
        return Ok(());
    };
    let job = CountShadowSeat {
        interview_id: interview.id,
        shadow_id,
    };
    jobs::enqueue_at(tx, &job, now, interview.ends_at.max(now)).await
}

/// One shadow seat of one interview, counted once after it took place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountShadowSeat {
    pub interview_id: i64,
    pub shadow_id: i64,
}

impl Job for CountShadowSeat {
    const KIND: &'static str = "count_shadow_seat";
    type Context = App;

    fn key(&self) -> String {
        format!("count_shadow_seat:{}:{}", self.interview_id, self.shadow_id)
    }

    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        let Some(interview) = app.store().interview(self.interview_id).await? else {
            return Ok(());
        };
        // A cancelled interview, or one whose shadow changed since, counts nothing.
        if !interview.is_booked()
            || interview.shadow_id != Some(self.shadow_id)
            || interview.ends_at > app.now()
        {
            return Ok(());
        }
        let Some(area) = interview.focus.as_deref() else {
            return Ok(());
        };
        let competency = app
            .store()
            .competencies()
            .await?
            .into_iter()
            .find(|c| c.name == area);
        let Some(competency) = competency else {
            return Ok(());
        };
        let mut tx = app.store().begin().await?;
        // The shadow's row is held so that two counts of one person add up.
        Store::lock_interviewer(&mut tx, self.shadow_id).await?;
        if let Some(mut training) =
            Store::training_in(&mut tx, self.shadow_id, competency.id).await?
        {
            match training.state {
                TrainingState::Shadowing => training.shadows += 1,
                TrainingState::ReverseShadowing => training.reverse_shadows += 1,
                _ => {}
            }
            Store::set_training(&mut tx, self.shadow_id, competency.id, Some(training), None)
                .await?;
        }
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        Ok(())
    }
}
