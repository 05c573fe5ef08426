//! What recruiters see of a candidate's online assessment: the score per problem and in total
//! against the passing score, every submission with its verdict, and each submission's code with
//! its per-test results (hidden tests included: staff may see them, candidates never).

use crate::auth::{Csrf, CsrfForm, Pipeline, Recruiting, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::{when_utc, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::assessment::scoring::{self, ScoredSession};
use cohort_domain::assessment::minutes_used;
use cohort_store::assessment_sessions::{
    AssessmentInvitation, IntegrityEvent, IntegrityKind, SessionState, SessionSubmission,
};
use cohort_store::problems::AssessmentProblemRecord;
use cohort_store::submissions::Scope;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/submissions/{id}", get(submission_page))
        .route("/staff/plagiarism/{id}", get(flag_page))
        .route("/staff/invitations/{id}/replay", get(replay_page))
        .route("/staff/invitations/{id}/extend", post(extend))
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
async fn describe_other(
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

/// A test's line on the submission page.
struct TestLine {
    name: String,
    verdict: String,
    time: String,
    memory: String,
    feedback: String,
}

#[derive(Template)]
#[template(path = "submission.html")]
struct SubmissionPage {
    layout: Layout,
    application_id: i64,
    candidate_name: String,
    problem_name: String,
    language: String,
    kind: &'static str,
    when: String,
    code: String,
    outcome: String,
    compile_output: String,
    tests: Vec<TestLine>,
}

async fn submission_page(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let submission = state.store().submission(id).await?;
    let invitation_id = state
        .store()
        .invitation_of_submission(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let invitation = state.store().assessment_invitation(invitation_id).await?;
    let application = state.store().application(invitation.application_id).await?;
    let problem = state.store().problem(submission.problem_id).await?;
    let result = state.store().submission_result(id).await?;
    let report: serde_json::Value = result
        .as_ref()
        .and_then(|r| serde_json::from_str(&r.report).ok())
        .unwrap_or_default();
    let tests = report["tests"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|t| TestLine {
            name: t["name"].as_str().unwrap_or_default().to_owned(),
            verdict: t["verdict"].as_str().unwrap_or_default().to_owned(),
            time: format!("{:.0} ms", t["wall_ms"].as_f64().unwrap_or(0.0)),
            memory: format!("{} KiB", t["memory_kib"].as_u64().unwrap_or(0)),
            feedback: t["feedback"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    let page = SubmissionPage {
        layout: Layout::for_account(
            format!("Submission {id} of {}", application.candidate_name),
            Some(&staff.account),
            &csrf,
        ),
        application_id: application.id,
        candidate_name: application.candidate_name,
        problem_name: problem.name,
        language: submission.language.clone(),
        kind: match submission.scope {
            Scope::Samples => "Sample run",
            Scope::Full => "Submission",
        },
        when: when_utc(submission.created_at),
        outcome: match &result {
            Some(r) => format!(
                "{}: {} of {} tests passed, judge score {:.1} of {:.1}",
                r.verdict, r.tests_passed, r.tests_total, r.score, r.max_score
            ),
            None => "Not judged yet.".to_owned(),
        },
        compile_output: report["compile_output"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        code: submission.code,
        tests,
    };
    // The read-only editor highlights the code; it needs the same inline styles as the session.
    Ok((
        [(
            header::CONTENT_SECURITY_POLICY,
            super::session::EDITOR_POLICY,
        )],
        render(&page)?,
    )
        .into_response())
}

/// Code split into runs, each either inside a matching region or not.
type Runs = Vec<(String, bool)>;

/// Splits `code` at the byte `regions` (sorted, not overlapping) into marked and unmarked runs.
fn runs(code: &str, mut regions: Vec<std::ops::Range<usize>>) -> Runs {
    regions.sort_by_key(|r| r.start);
    let boundary = |mut at: usize| {
        at = at.min(code.len());
        while !code.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let mut runs = Vec::new();
    let mut at = 0;
    for region in regions {
        let (start, end) = (boundary(region.start).max(at), boundary(region.end));
        if start >= end {
            continue;
        }
        if start > at {
            runs.push((code[at..start].to_owned(), false));
        }
        runs.push((code[start..end].to_owned(), true));
        at = end;
    }
    if at < code.len() {
        runs.push((code[at..].to_owned(), false));
    }
    runs
}

#[derive(Template)]
#[template(path = "plagiarism.html")]
struct FlagPage {
    layout: Layout,
    problem_name: String,
    similarity: String,
    left_title: String,
    right_title: String,
    left: Runs,
    right: Runs,
    left_application: Option<i64>,
}

/// Two pieces of code side by side with the regions they share marked.
async fn flag_page(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    use cohort_plagiarism::Language;
    let flag = state.store().flag(id).await?;
    let left = state.store().submission(flag.submission_id).await?;
    let (right_code, right_title) = match (flag.other_submission_id, flag.known_solution_id) {
        (Some(other), _) => (
            state.store().submission(other).await?.code,
            describe_other(&state, Some(other), None).await?,
        ),
        (None, Some(known)) => (
            state.store().known_solution(known).await?.code,
            describe_other(&state, None, Some(known)).await?,
        ),
        (None, None) => return Err(AppError::NotFound),
    };
    let family = Language::from_judge_id(&left.language).ok_or(AppError::NotFound)?;
    let comparison =
        cohort_app::assessment::plagiarism::detector_for(state.app(), flag.problem_id, family)
            .await?
            .compare(left.code.as_bytes(), right_code.as_bytes());
    let (left_regions, right_regions): (Vec<_>, Vec<_>) = comparison.regions.into_iter().unzip();
    let left_application = match state.store().invitation_of_submission(left.id).await? {
        Some(invitation) => Some(
            state
                .store()
                .assessment_invitation(invitation)
                .await?
                .application_id,
        ),
        None => None,
    };
    let page = FlagPage {
        layout: Layout::for_account("Similar code", Some(&staff.account), &csrf),
        problem_name: state.store().problem(flag.problem_id).await?.name,
        similarity: format!("{:.0} %", flag.similarity * 100.0),
        left_title: describe_other(&state, Some(left.id), None).await?,
        right_title,
        left: runs(&left.code, left_regions),
        right: runs(&right_code, right_regions),
        left_application,
    };
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
struct ReplayQuery {
    problem: Option<i64>,
    step: Option<usize>,
}

#[derive(Template)]
#[template(path = "replay.html")]
struct ReplayPage {
    layout: Layout,
    invitation_id: i64,
    application_id: i64,
    candidate_name: String,
    problems: Vec<(i64, String)>,
    position: i64,
    problem_name: String,
    step: usize,
    steps: usize,
    when: String,
    language: String,
    code: String,
    /// (when, what) of every integrity signal of the session.
    events: Vec<(String, String)>,
}

/// How a candidate's code for one problem grew, one saved change at a time, with the session's
/// integrity signals beside it.
async fn replay_page(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    axum::extract::Query(query): axum::extract::Query<ReplayQuery>,
) -> Result<Response, AppError> {
    let invitation = state.store().assessment_invitation(id).await?;
    let application = state.store().application(invitation.application_id).await?;
    let problems = state
        .store()
        .assessment_problems(invitation.assessment_id)
        .await?;
    let problem = problems
        .iter()
        .find(|p| Some(p.position) == query.problem)
        .or_else(|| problems.first())
        .ok_or(AppError::NotFound)?;
    let snapshots = state.store().code_snapshots(id, problem.problem_id).await?;
    let steps = snapshots.len();
    let step = query.step.unwrap_or(steps).clamp(1, steps.max(1));
    let shown = snapshots.get(step.saturating_sub(1));
    let name_of = |problem_id: Option<i64>| {
        problem_id
            .and_then(|id| problems.iter().find(|p| p.problem_id == id))
            .map_or(String::new(), |p| format!(" ({})", p.name))
    };
    let events = state
        .store()
        .integrity_events(id)
        .await?
        .iter()
        .map(|event| {
            let what = match event.kind.as_str() {
                "paste" => format!(
                    "pasted {} characters{}",
                    event.size,
                    name_of(event.problem_id)
                ),
                "left" => "left the page".to_owned(),
                _ => "came back to the page".to_owned(),
            };
            (when_utc(event.at), what)
        })
        .collect();
    let page = ReplayPage {
        layout: Layout::for_account(
            format!("Replay: {}", application.candidate_name),
            Some(&staff.account),
            &csrf,
        ),
        invitation_id: id,
        application_id: application.id,
        candidate_name: application.candidate_name,
        problems: problems
            .iter()
            .map(|p| (p.position, p.name.clone()))
            .collect(),
        position: problem.position,
        problem_name: problem.name.clone(),
        step,
        steps,
        when: shown.map_or(String::new(), |s| when_utc(s.at)),
        language: shown.map_or(String::new(), |s| s.language.clone()),
        code: shown.map_or(String::new(), |s| s.code.clone()),
        events,
    };
    Ok((
        [(
            header::CONTENT_SECURITY_POLICY,
            super::session::EDITOR_POLICY,
        )],
        render(&page)?,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn code_is_split_into_marked_and_unmarked_runs_at_character_boundaries() {
        let code = "ab€cd";
        assert_eq!(
            runs(code, vec![1..4, 5..6]),
            vec![
                ("a".to_owned(), false),
                ("b".to_owned(), true),
                ("€".to_owned(), false),
                ("c".to_owned(), true),
                ("d".to_owned(), false),
            ]
        );
        assert_eq!(runs(code, vec![]), vec![(code.to_owned(), false)]);
    }
}
