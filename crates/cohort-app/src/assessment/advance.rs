//! The advance rule: each finished, fully judged session is decided once. A passing candidate of
//! an assessment that advances automatically moves to Phone screen; anyone else waits for a
//! recruiter. Nothing is ever rejected here, and plagiarism flags play no part.
//!
//! This is a sweep, not a queued job: a session becomes decidable when its last result is
//! recorded, by whichever judge worker records it, and a query finds those sessions more simply
//! than judge workers could agree on which of them saw the last result.

use super::scoring;
use crate::App;
use cohort_domain::assessment::Advance;
use cohort_domain::stage::{check_transition, Actor};
use cohort_domain::Stage;
use cohort_store::{Store, StoreError};
use std::collections::HashMap;

/// Sessions decided per pass at most.
const DECIDE_BATCH: i64 = 50;

/// Decides every session that is ready; returns how many were decided.
pub async fn decide_finished_sessions(app: &App) -> Result<usize, StoreError> {
    let mut decided = 0;
    let mut problems = HashMap::new();
    for invitation in app.store().undecided_sessions(DECIDE_BATCH).await? {
        if let std::collections::hash_map::Entry::Vacant(entry) =
            problems.entry(invitation.assessment_id)
        {
            let list = app
                .store()
                .assessment_problems(invitation.assessment_id)
                .await?;
            entry.insert(list);
        }
        let session =
            scoring::score_of(app, &invitation, &problems[&invitation.assessment_id]).await?;
        // Still judging: decided when every submission has its result.
        let Some(passed) = session.score.passed(true, invitation.passing_percent) else {
            continue;
        };
        let advance = passed
            && invitation.advance == Advance::Automatic
            && check_transition(
                Stage::Assessment,
                Stage::PhoneScreen,
                Actor::AssessmentRule,
                None,
            )
            .is_ok();
        let application = app.store().application(invitation.application_id).await?;
        let reason = format!(
            "Passed the online assessment: {:.1} of {} points (passing: {} %)",
            session.score.total, session.score.possible, invitation.passing_percent
        );
        let message =
            crate::interviews::phone_screens::booking_invitation(app, &application).await?;
        let outcome = advance.then_some((reason.as_str(), &message));
        let mut tx = app.store().begin().await?;
        if Store::decide_session(
            &mut tx,
            &invitation,
            session.score.percent(),
            outcome,
            app.now(),
        )
        .await?
        {
            decided += 1;
        }
        Store::commit(tx).await?;
        if advance {
            app.forget_stage_counts();
            app.wake_mail();
            tracing::info!(
                application.id = application.id,
                "passed the assessment; moved to phone screen"
            );
        }
    }
    Ok(decided)
}
