//! One submission of a candidate's assessment as recruiters see it: its code with its per-test
//! results (hidden tests included: staff may see them, candidates never), two similar pieces of
//! code side by side, and the replay of the saved changes with the integrity signals.

use super::results::describe_other;
use crate::auth::{Csrf, Pipeline, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::{when_utc, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cohort_store::submissions::Scope;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/submissions/{id}", get(submission_page))
        .route("/staff/plagiarism/{id}", get(flag_page))
        .route("/staff/invitations/{id}/replay", get(replay_page))
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
#[template(path = "assessment/submission.html")]
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
            crate::routes::candidate::session::EDITOR_POLICY,
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
#[template(path = "assessment/plagiarism.html")]
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
#[template(path = "assessment/replay.html")]
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
            crate::routes::candidate::session::EDITOR_POLICY,
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
