//! What recruiters see of a candidate's online assessment: the score per problem and in total
//! against the passing score, every submission with its verdict, the plagiarism flags and the
//! integrity signals; and giving a candidate who has not started more days. Each submission's
//! own page, similar code side by side and the replay are in [`super::submissions`].

use crate::auth::{CsrfForm, Recruiting, Require};
use crate::error::AppError;
use crate::pages::when_utc;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use cohort_app::assessment::scoring::{self, ScoredSession};
use cohort_domain::assessment::minutes_used;
use cohort_store::assessment_sessions::{
    AssessmentInvitation, IntegrityEvent, IntegrityKind, SessionState, SessionSubmission,
};
use cohort_store::problems::AssessmentProblemRecord;
use cohort_store::submissions::Scope;

pub fn router() -> Router<AppState> {
    Router::new().route("/staff/invitations/{id}/extend", post(extend))
}

#[derive(serde::Deserialize)]
struct ExtendForm {
    days: String,
}

/// Gives a candidate who has not started more days to start, and tells them.
async fn extend(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ExtendForm>,
) -> Result<Response, AppError> {
    let invitation = state.store().assessment_invitation(id).await?;
    let days: i64 = match form.days.trim().parse() {
        Ok(days) if (1..=30).contains(&days) => days,
        _ => {
            return Err(AppError::BadRequest(
                "Extend by a whole number of days from 1 to 30.".into(),
            ))
        }
    };
    let application = state.store().application(invitation.application_id).await?;
    cohort_app::assessment::extend(state.app(), &invitation, &application, days).await?;
    tracing::info!(
        invitation.id = id,
        days,
        actor.id = staff.account.user.id,
        "assessment invitation extended"
    );
    Ok(Redirect::to(&format!(
        "/staff/applications/{}?notice=extended",
        application.id
    ))
    .into_response())
}

/// One problem's line in the results table.
pub struct ProblemResult {
    pub name: String,
    pub points: i64,
    pub earned: String,
    pub attempts: usize,
}

/// One submission's line.
pub struct SubmissionLine {
    pub id: i64,
    pub problem: String,
    pub kind: &'static str,
    pub language: String,
    pub when: String,
    pub outcome: String,
}

/// A candidate's assessment as a recruiter sees it.
pub struct AssessmentResult {
    pub invitation_id: i64,
    /// Not started yet (or the deadline passed): a recruiter may give more days.
    pub extendable: bool,
    pub track_name: String,
    pub status: String,
    pub problems: Vec<ProblemResult>,
    pub earned: String,
    pub possible: i64,
    pub passing_percent: i64,
    /// "Passed", "Below the passing score", or empty while the session is not over.
    pub verdict: String,
    pub submissions: Vec<SubmissionLine>,
    /// Plagiarism flags on this session's submissions: evidence to look at, never a verdict.
    pub flags: Vec<FlagLine>,
    /// How many flags there are (the statistics count them without listing them).
    pub flag_count: usize,
    /// For the assessment's statistics: the points as a number, whether the session is over,
    /// whether it passed (once judged), which problems were solved, and the minutes used.
    pub total: f64,
    pub finished: bool,
    pub passed: Option<bool>,
    pub solved: Vec<bool>,
    pub minutes_used: Option<i64>,
    /// The integrity signals in one line: recorded, shown, never acted on.
    pub signals: String,
    /// (problem position, problem name, snapshots) for the replay links.
    pub replays: Vec<(i64, String, usize)>,
}

/// A plagiarism flag as the candidate's page lists it.
pub struct FlagLine {
    pub id: i64,
    pub problem: String,
    pub similarity: String,
    pub other: String,
}

/// Who or what the other side of a flag is, in words.
pub(super) async fn describe_other(
    state: &AppState,
    submission: Option<i64>,
    known_solution: Option<i64>,
) -> Result<String, AppError> {
    Ok(match (submission, known_solution) {
        (Some(other), _) => match state.store().submission_owner_name(other).await? {
            Some(name) => format!("{name}'s submission {other}"),
            None => format!("submission {other}"),
        },
        (None, Some(known)) => {
            let solution = state.store().known_solution(known).await?;
            format!("the known solution {}", solution.name)
        }
        (None, None) => "nothing".into(),
    })
}

/// The assessment results of an application, newest invitation first.
pub async fn results_of(
    state: &AppState,
    application_id: i64,
) -> Result<Vec<AssessmentResult>, AppError> {
    let mut results = Vec::new();
    for invitation in state
        .store()
        .assessment_invitations_of(application_id)
        .await?
    {
        results.push(result_of(state, &invitation).await?);
    }
    Ok(results)
}

/// One invitation's assessment as a recruiter sees it, with its flags, integrity signals and
/// replays.
pub async fn result_of(
    state: &AppState,
    invitation: &AssessmentInvitation,
) -> Result<AssessmentResult, AppError> {
    let problems = state
        .store()
        .assessment_problems(invitation.assessment_id)
        .await?;
    let session = scoring::score_of(state.app(), invitation, &problems).await?;
    let mut result = AssessmentResult::of(state.now(), &problems, &session);
    result.flags = flag_lines(state, &session, &problems).await?;
    result.flag_count = result.flags.len();
    result.signals = signals(&state.store().integrity_events(invitation.id).await?);
    for problem in &problems {
        let snapshots = state
            .store()
            .code_snapshots(invitation.id, problem.problem_id)
            .await?
            .len();
        if snapshots > 0 {
            result
                .replays
                .push((problem.position, problem.name.clone(), snapshots));
        }
    }
    Ok(result)
}

/// The plagiarism flags on a session's submissions; the other side of each is whichever
/// submission is not this candidate's.
async fn flag_lines(
    state: &AppState,
    session: &ScoredSession,
    problems: &[AssessmentProblemRecord],
) -> Result<Vec<FlagLine>, AppError> {
    let mut flags = Vec::new();
    for flag in state
        .store()
        .flags_of_session(session.invitation.id)
        .await?
    {
        let own = session
            .submissions
            .iter()
            .any(|s| s.id == flag.submission_id);
        let (other_submission, known) = if own {
            (flag.other_submission_id, flag.known_solution_id)
        } else {
            (Some(flag.submission_id), None)
        };
        flags.push(FlagLine {
            id: flag.id,
            problem: problem_name(problems, flag.problem_id),
            similarity: format!("{:.0} %", flag.similarity * 100.0),
            other: describe_other(state, other_submission, known).await?,
        });
    }
    Ok(flags)
}

/// The integrity signals in one line: recorded, shown, never acted on.
fn signals(events: &[IntegrityEvent]) -> String {
    if events.is_empty() {
        return "none recorded".to_owned();
    }
    let pastes: Vec<i64> = events
        .iter()
        .filter(|e| e.kind == IntegrityKind::Paste)
        .map(|e| e.size)
        .collect();
    let left = events
        .iter()
        .filter(|e| e.kind == IntegrityKind::Left)
        .count();
    format!(
        "{} paste{} (largest {} characters), left the page {} time{}",
        pastes.len(),
        if pastes.len() == 1 { "" } else { "s" },
        pastes.iter().max().copied().unwrap_or(0),
        left,
        if left == 1 { "" } else { "s" }
    )
}

fn problem_name(problems: &[AssessmentProblemRecord], id: i64) -> String {
    problems
        .iter()
        .find(|p| p.problem_id == id)
        .map(|p| p.name.clone())
        .unwrap_or_default()
}

impl AssessmentResult {
    /// The result as the scoring gives it, without flags, signals or replays (which
    /// [`result_of`] adds for one candidate, and the statistics leave out or count).
    pub fn of(
        now: i64,
        problems: &[AssessmentProblemRecord],
        session: &ScoredSession,
    ) -> AssessmentResult {
        let (invitation, score) = (&session.invitation, &session.score);
        let state_now = invitation.state(now);
        let finished = state_now == SessionState::Finished;
        let passed = score.passed(finished, invitation.passing_percent);
        AssessmentResult {
            invitation_id: invitation.id,
            extendable: matches!(state_now, SessionState::NotStarted | SessionState::Expired),
            track_name: invitation.track_name.clone(),
            status: status_line(invitation, state_now),
            problems: problems
                .iter()
                .zip(&score.problems)
                .map(|(problem, scored)| ProblemResult {
                    name: problem.name.clone(),
                    points: problem.points,
                    earned: format!("{:.1}", scored.earned),
                    attempts: scored.attempts,
                })
                .collect(),
            earned: format!("{:.1}", score.total),
            possible: score.possible,
            passing_percent: invitation.passing_percent,
            verdict: match passed {
                None => String::new(),
                Some(true) => "Passed".to_owned(),
                Some(false) => "Below the passing score".to_owned(),
            },
            submissions: session
                .submissions
                .iter()
                .map(|s| submission_line(problems, s))
                .collect(),
            flags: Vec::new(),
            flag_count: 0,
            total: score.total,
            finished,
            passed,
            solved: score.problems.iter().map(|p| p.solved).collect(),
            minutes_used: match (invitation.started_at, invitation.ends_at) {
                (Some(started), Some(ends)) if finished => {
                    Some(minutes_used(started, ends, &session.attempts))
                }
                _ => None,
            },
            signals: String::new(),
            replays: Vec::new(),
        }
    }
}

/// Where an invitation stands, in a sentence.
fn status_line(invitation: &AssessmentInvitation, state_now: SessionState) -> String {
    match state_now {
        SessionState::NotStarted => format!(
            "Invited {}; not started (start by {}).",
            when_utc(invitation.invited_at),
            when_utc(invitation.start_by)
        ),
        SessionState::Expired => format!(
            "Invited {}; the deadline to start passed on {} without a start.",
            when_utc(invitation.invited_at),
            when_utc(invitation.start_by)
        ),
        SessionState::Running => format!(
            "In progress since {}, until {}.",
            when_utc(invitation.started_at.unwrap_or_default()),
            when_utc(invitation.ends_at.unwrap_or_default())
        ),
        SessionState::Finished => format!(
            "Taken {} ({} minutes allowed).",
            when_utc(invitation.started_at.unwrap_or_default()),
            invitation.duration_minutes
        ),
    }
}

fn submission_line(problems: &[AssessmentProblemRecord], s: &SessionSubmission) -> SubmissionLine {
    SubmissionLine {
        id: s.id,
        problem: problem_name(problems, s.problem_id),
        kind: match s.scope {
            Scope::Samples => "sample run",
            Scope::Full => "submission",
        },
        language: s.language.clone(),
        when: when_utc(s.created_at),
        outcome: match (&s.verdict, s.tests_passed, s.tests_total) {
            (Some(verdict), Some(passed), Some(total)) => {
                format!("{verdict}, {passed}/{total} tests")
            }
            _ => "judging".to_owned(),
        },
    }
}
