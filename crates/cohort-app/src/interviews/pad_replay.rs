//! The replay of a closed pad: its stored updates in the order the server applied them, with
//! who typed each, and its runs, for its interviewer and for whoever may read the interviewer's
//! feedback on it. A module of its own because it reads both [`super::pads`] and
//! [`super::pad_runs`], and `pads` must not import `pad_runs`, which imports it.

use super::pads::{with_pad, PadError};
use crate::App;
use cohort_domain::interviews::pad::{PadRole, PadWindow};
use cohort_store::interviews::bookings::InterviewRecord;

/// One stored update of a pad, as the replay plays it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayStep {
    pub at_ms: i64,
    /// Who typed it.
    pub by: PadRole,
    /// The Yjs update (v1 encoding).
    pub data: Vec<u8>,
}

/// A finished pad as staff replay it: every update in the order the server applied it, and the
/// runs.
#[derive(Debug, Clone)]
pub struct PadReplay {
    pub interview: InterviewRecord,
    pub steps: Vec<ReplayStep>,
    pub runs: Vec<super::pad_runs::RunView>,
}

/// The replay of interview `interview_id`'s pad for `account`: its interviewer's, and that of
/// anyone who may read the interviewer's feedback on it under the blind rule (so not before that
/// feedback is submitted, and never the candidate's). Only once the pad has closed.
pub async fn replay(
    app: &App,
    account: &cohort_store::accounts::Account,
    interview_id: i64,
) -> Result<PadReplay, PadError> {
    let interview = with_pad(app, interview_id).await?;
    let Some(interviewer_id) = interview.interviewer_id else {
        return Err(PadError::NotFound);
    };
    if account.user.id != interviewer_id {
        let (viewer, _) =
            super::feedback::viewer_of(app, account, interview.application_id).await?;
        let card = app
            .store()
            .scorecard_of(interview_id, interviewer_id)
            .await?
            .ok_or(PadError::NotFound)?;
        let facts = cohort_domain::interviews::feedback::CardFacts {
            author_id: card.author_id,
            submitted: card.is_submitted(),
            authorship: card.authorship,
            interviewer_id: card.interviewer_id,
        };
        if !cohort_domain::interviews::feedback::may_read(&viewer, &facts) {
            return Err(PadError::NotFound);
        }
    }
    let window = PadWindow::of_interview(interview.starts_at, interview.ends_at);
    if interview.is_booked() && app.now() < window.closes_at {
        return Err(PadError::ReplayNotYet);
    }
    let steps = app
        .store()
        .pad_updates_after(interview_id, 0)
        .await?
        .into_iter()
        .map(|update| ReplayStep {
            at_ms: update.created_at_ms,
            // Whoever is not the candidate typed as an interviewer, including one the interview
            // was later passed from.
            by: if update.author_id == interview.candidate_id {
                PadRole::Candidate
            } else {
                PadRole::Interviewer
            },
            data: update.data,
        })
        .collect();
    let runs = app
        .store()
        .pad_runs(interview_id, i64::from(u16::MAX))
        .await?
        .into_iter()
        .rev()
        .map(super::pad_runs::RunView::from)
        .collect();
    Ok(PadReplay {
        interview,
        steps,
        runs,
    })
}
