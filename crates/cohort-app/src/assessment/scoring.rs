//! Scores sessions with the domain's one scoring function, fed by batched queries: a session
//! costs two queries, and a whole assessment three whatever its number of candidates.

use crate::App;
use cohort_domain::assessment::{score_session, ScoredProblem, SessionAttempt, SessionScore};
use cohort_store::assessment_sessions::{AssessmentInvitation, SessionSubmission};
use cohort_store::problems::AssessmentProblemRecord;
use cohort_store::StoreError;
use std::collections::HashMap;

/// The problems of an assessment as scoring sees them.
pub fn scored_problems(problems: &[AssessmentProblemRecord]) -> Vec<ScoredProblem> {
    problems
        .iter()
        .map(|p| ScoredProblem {
            problem_id: p.problem_id,
            points: p.points,
            partial: p.scoring == 1,
        })
        .collect()
}

/// A session with its submissions and score.
pub struct ScoredSession {
    pub invitation: AssessmentInvitation,
    pub submissions: Vec<SessionSubmission>,
    pub attempts: Vec<SessionAttempt>,
    pub score: SessionScore,
}

fn scored(
    invitation: AssessmentInvitation,
    submissions: Vec<SessionSubmission>,
    problems: &[ScoredProblem],
) -> ScoredSession {
    let attempts: Vec<SessionAttempt> = submissions.iter().map(|s| s.attempt()).collect();
    let score = score_session(problems, &attempts, invitation.counts);
    ScoredSession {
        invitation,
        submissions,
        attempts,
        score,
    }
}

/// One session, scored (two queries).
pub async fn score_of(
    app: &App,
    invitation: &AssessmentInvitation,
    problems: &[AssessmentProblemRecord],
) -> Result<ScoredSession, StoreError> {
    let submissions = app.store().session_submissions(invitation.id).await?;
    Ok(scored(
        invitation.clone(),
        submissions,
        &scored_problems(problems),
    ))
}

/// Every session of an assessment, scored, oldest invitation first, with its problems: three
/// queries, whatever the number of candidates.
pub async fn scores_of_assessment(
    app: &App,
    assessment_id: i64,
) -> Result<(Vec<AssessmentProblemRecord>, Vec<ScoredSession>), StoreError> {
    let problems = app.store().assessment_problems(assessment_id).await?;
    let invitations = app.store().invitations_to(assessment_id).await?;
    let mut by_session: HashMap<i64, Vec<SessionSubmission>> = HashMap::new();
    for row in app.store().submissions_of_assessment(assessment_id).await? {
        by_session
            .entry(row.invitation_id)
            .or_default()
            .push(row.submission);
    }
    let scoring = scored_problems(&problems);
    let sessions = invitations
        .into_iter()
        .map(|invitation| {
            let submissions = by_session.remove(&invitation.id).unwrap_or_default();
            scored(invitation, submissions, &scoring)
        })
        .collect();
    Ok((problems, sessions))
}
