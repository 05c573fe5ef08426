//! Applications: storing one (with its search indexing), and moving one through the pipeline,
//! for the recruiter's page, the bulk move, the API, the candidate's withdrawal and the
//! assessment's advance rule alike.

pub mod mail;
pub mod resume;
pub mod submit;

use crate::jobs::{self, Done, Job, JobError};
use crate::mail::Message;
use crate::App;
use cohort_domain::stage::{check_transition, Actor, TransitionError};
use cohort_domain::{RejectionReason, Stage};
use cohort_store::accounts::Account;
use cohort_store::applications::{ApplicationRecord, NewApplication};
use cohort_store::{Store, StoreError, Tx};
use serde::{Deserialize, Serialize};

/// Why an application did not move.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// The actor's roles may not make this move.
    #[error("{0}")]
    Forbidden(TransitionError),
    /// The move is not possible from where the application is (or it moved meanwhile).
    #[error("{0}")]
    NotAllowed(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for MoveError {
    fn from(error: StoreError) -> MoveError {
        match error {
            StoreError::Stale => MoveError::NotAllowed(error.to_string()),
            other => MoveError::Store(other),
        }
    }
}

/// Stores an application in the caller's transaction with the job that indexes it for search.
pub async fn create(
    store: &Store,
    tx: &mut Tx,
    new: &NewApplication<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    let id = store.create_application(tx, new, now).await?;
    jobs::enqueue(tx, &IndexApplication { application_id: id }, now).await?;
    Ok(id)
}

/// Moves an application for a member of staff, telling the candidate when the stage they see
/// changes. Moving to Assessment invites the candidate to their track's assessment, if it has
/// one; the invitation is then the message they get.
pub async fn move_application(
    app: &App,
    actor: &Account,
    record: &ApplicationRecord,
    to: Stage,
    reason_code: Option<RejectionReason>,
    reason: &str,
) -> Result<(), MoveError> {
    let prepared = prepare_move(app, actor, record, to, reason_code).await?;
    let mut tx = app.store().begin().await?;
    apply_move(app, &mut tx, actor, record, prepared, reason).await?;
    Store::commit(tx).await?;
    moved(app, actor, record, to);
    Ok(())
}

/// A staff move checked, with what it sends and calls off read before its transaction (which on
/// SQLite holds the one write connection).
pub struct PreparedMove {
    from: Stage,
    to: Stage,
    reason_code: Option<RejectionReason>,
    message: Option<cohort_store::outbox::NewMessage>,
    closing: Option<crate::interviews::phone_screens::Closing>,
}

/// Checks a staff move and reads what it needs; [`apply_move`] then makes it in the caller's
/// transaction, so that a use case can record its own effect (a debrief's decision) with it.
pub async fn prepare_move(
    app: &App,
    actor: &Account,
    record: &ApplicationRecord,
    to: Stage,
    reason_code: Option<RejectionReason>,
) -> Result<PreparedMove, MoveError> {
    let from = record.stage();
    check_transition(from, to, Actor::Staff(&actor.roles), reason_code).map_err(|e| match e {
        TransitionError::Forbidden { .. } => MoveError::Forbidden(e),
        other => MoveError::NotAllowed(other.to_string()),
    })?;
    let link = app.config().link("/me");
    let message = match to {
        Stage::Rejected => mail::Rejected {
            name: &record.candidate_name,
            season: &record.season_name,
            status_link: &link,
        }
        .to(&record.candidate_email),
        _ => mail::StageChanged {
            name: &record.candidate_name,
            season: &record.season_name,
            stage: to,
            status_link: &link,
        }
        .to(&record.candidate_email),
    };
    // The candidate hears only about changes they can see: debrief looks like the final loop.
    let mut message = (from.candidate_label() != to.candidate_label()).then_some(message);
    if to == Stage::PhoneScreen && from != Stage::PhoneScreen {
        message = Some(crate::interviews::phone_screens::booking_invitation(app, record).await?);
    }
    // A rejected application's interviews still ahead are called off, in the same transaction.
    let closing = if to == Stage::Rejected {
        let reason = "Your application has closed, so this interview will not take place.";
        Some(crate::interviews::phone_screens::closing(app, record.id, reason).await?)
    } else {
        None
    };
    Ok(PreparedMove {
        from,
        to,
        reason_code,
        message,
        closing,
    })
}

/// Makes a prepared move in `tx`: the stage, its audit row, the candidate's message and the
/// interviews a rejection calls off. Call [`moved`] after the commit.
pub async fn apply_move(
    app: &App,
    tx: &mut Tx,
    actor: &Account,
    record: &ApplicationRecord,
    prepared: PreparedMove,
    reason: &str,
) -> Result<(), MoveError> {
    let PreparedMove {
        from,
        to,
        reason_code,
        mut message,
        closing,
    } = prepared;
    if let Some(closing) = &closing {
        crate::interviews::phone_screens::cancel_closed(tx, record.id, closing, app.now()).await?;
    }
    if to == Stage::Assessment {
        if let Some(invitation) = crate::assessment::invite(app, tx, record).await? {
            message = Some(invitation);
        }
    }
    // An application leaving Offer another way than the candidate's answer takes its open
    // offer with it, so that it can no longer be accepted.
    if from == Stage::Offer && matches!(to, Stage::Rejected | Stage::Withdrawn) {
        Store::close_offer_of(
            tx,
            record.id,
            actor.user.id,
            &format!("The application was moved to {}.", to.staff_label()),
            app.now(),
        )
        .await?;
    }
    Store::move_application(
        tx,
        record.id,
        from,
        to,
        actor.user.id,
        reason_code.map(|r| r.as_str()),
        reason,
        message.as_ref(),
        app.now(),
    )
    .await?;
    Ok(())
}

/// After a staff move has committed: the board's counts are stale, mail and jobs are waiting.
pub fn moved(app: &App, actor: &Account, record: &ApplicationRecord, to: Stage) {
    app.forget_stage_counts();
    app.wake_mail();
    app.wake_jobs();
    tracing::info!(application.id = record.id, from = %record.stage(), to = %to, actor.id = actor.user.id, "application moved");
}

/// The candidate withdraws their own application.
pub async fn withdraw(app: &App, record: &ApplicationRecord) -> Result<(), MoveError> {
    let from = record.stage();
    check_transition(from, Stage::Withdrawn, Actor::Owner, None)
        .map_err(|e| MoveError::NotAllowed(e.to_string()))?;
    let reason = "You withdrew your application, so this interview is off.";
    let closing = crate::interviews::phone_screens::closing(app, record.id, reason).await?;
    let mut tx = app.store().begin().await?;
    crate::interviews::phone_screens::cancel_closed(&mut tx, record.id, &closing, app.now())
        .await?;
    if from == Stage::Offer {
        Store::close_offer_of(
            &mut tx,
            record.id,
            record.candidate_id,
            "The candidate withdrew their application.",
            app.now(),
        )
        .await?;
    }
    Store::move_application(
        &mut tx,
        record.id,
        from,
        Stage::Withdrawn,
        record.candidate_id,
        None,
        "Withdrawn by the candidate",
        None,
        app.now(),
    )
    .await?;
    Store::commit(tx).await?;
    app.forget_stage_counts();
    app.wake_mail();
    tracing::info!(application.id = record.id, "application withdrawn");
    Ok(())
}

/// Writes an application's name, school and résumé text into the search index (replacing what
/// was there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexApplication {
    pub application_id: i64,
}

impl Job for IndexApplication {
    const KIND: &'static str = "index_application";
    /// One transaction for a batch is what makes indexing cheap: SQLite's FTS5 writes one index
    /// segment per transaction, and PostgreSQL syncs the log once. Under load the batches grow,
    /// which keeps indexing ahead of submissions.
    const BATCH: i64 = 200;
    type Context = App;

    fn key(&self) -> String {
        format!("index_application:{}", self.application_id)
    }

    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        let mut tx = app.store().begin().await?;
        app.store()
            .index_application(&mut tx, self.application_id)
            .await?;
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        Ok(())
    }

    async fn run_batch(batch: &[(Self, Done)], app: &App) -> Vec<Result<(), JobError>> {
        let outcome: Result<(), StoreError> = async {
            let mut tx = app.store().begin().await?;
            for (job, done) in batch {
                app.store()
                    .index_application(&mut tx, job.application_id)
                    .await?;
                done.complete(&mut tx).await?;
            }
            Store::commit(tx).await
        }
        .await;
        match outcome {
            Ok(()) => batch.iter().map(|_| Ok(())).collect(),
            Err(error) => batch
                .iter()
                .map(|_| Err(JobError::Failed(error.to_string())))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_job_round_trips_through_its_json_payload_and_keys_on_its_application() {
        let job = IndexApplication { application_id: 42 };
        let json = serde_json::to_string(&job).unwrap();
        assert_eq!(json, r#"{"application_id":42}"#);
        assert_eq!(
            serde_json::from_str::<IndexApplication>(&json).unwrap(),
            job
        );
        assert_eq!(job.key(), "index_application:42");
    }
}
