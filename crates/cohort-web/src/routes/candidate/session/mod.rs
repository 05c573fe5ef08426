//! The candidate's side of the online assessment: the invitation page, starting the timed
//! session, the session page with the editor, autosave, running the samples and submitting.
//!
//! The server's clock is the only clock: the session ends at its `ends_at` whatever the browser
//! shows. Only one browser tab holds a session at a time (opening the page takes it over), so two
//! tabs never overwrite each other's code.
//!
//! This module has the pages (the invitation, the session page with the editor) and starting
//! or continuing the session; [`work`] has what the session page sends: autosave, integrity
//! events, sample runs and submissions, and finishing early.

pub mod work;

use crate::auth::{new_token, CandidateOnly, Csrf, CsrfForm, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::{when_utc, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_domain::assessment::ASSESSMENT_LANGUAGES;
use cohort_store::assessment_sessions::{AssessmentInvitation, SessionState, SessionSubmission};
use cohort_store::problems::{AssessmentProblemRecord, SampleRecord};
use cohort_store::submissions::Scope;

/// Code longer than this is refused: no solution to an assessment problem needs more.
pub const MAX_CODE_BYTES: usize = 64 * 1024;
/// A candidate may run the samples at most once in this many seconds.
pub const SAMPLES_INTERVAL_SECONDS: i64 = 5;
/// A candidate may submit at most once in this many seconds.
pub const SUBMIT_INTERVAL_SECONDS: i64 = 10;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assessments/{id}", get(session_page))
        .route("/assessments/{id}/start", post(start))
        .route("/assessments/{id}/continue", post(continue_here))
        .merge(work::router())
}

/// The candidate's own invitation, or Not Found (never "forbidden", which would confirm that
/// another candidate's invitation exists).
async fn own_invitation(
    state: &AppState,
    candidate: &Require<CandidateOnly>,
    id: i64,
) -> Result<AssessmentInvitation, AppError> {
    let invitation = state.store().assessment_invitation(id).await?;
    if invitation.candidate_id != candidate.account.user.id {
        return Err(AppError::NotFound);
    }
    let stage = state
        .store()
        .application(invitation.application_id)
        .await?
        .stage();
    if stage.is_terminal() {
        return Err(AppError::Conflict(format!(
            "This application is {}; its assessment is closed.",
            stage.candidate_label().to_lowercase()
        )));
    }
    Ok(invitation)
}

/// The candidate's own invitation with its assessment's problems, in order.
async fn own_session(
    state: &AppState,
    candidate: &Require<CandidateOnly>,
    id: i64,
) -> Result<(AssessmentInvitation, Vec<AssessmentProblemRecord>), AppError> {
    let invitation = own_invitation(state, candidate, id).await?;
    let problems = state
        .store()
        .assessment_problems(invitation.assessment_id)
        .await?;
    Ok((invitation, problems))
}

fn language_name(id: &str) -> &str {
    ASSESSMENT_LANGUAGES
        .iter()
        .find(|(language, _)| *language == id)
        .map_or(id, |(_, name)| name)
}

struct LanguageOption {
    id: String,
    name: String,
    selected: bool,
}

struct SubmissionRow {
    id: i64,
    kind: &'static str,
    language: String,
    when: String,
    pending: bool,
    summary: String,
    /// For sample runs: (test, verdict, time, what the program printed) per sample.
    tests: Vec<(String, String, String, String)>,
    compile_output: String,
}

fn summarise(submission: &SessionSubmission) -> SubmissionRow {
    let samples = submission.scope == Scope::Samples;
    let report: serde_json::Value = submission
        .report
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .unwrap_or_default();
    // The compiler's messages are about the candidate's own code: always shown.
    let compile_output = report["compile_output"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let summary = match (
        &submission.verdict,
        submission.tests_passed,
        submission.tests_total,
    ) {
        (None, _, _) => "Judging…".to_owned(),
        (Some(verdict), Some(passed), Some(total)) => {
            let words = verdict_words(verdict);
            let what = if samples { "samples" } else { "tests" };
            format!("{words}: {passed} of {total} {what} passed")
        }
        (Some(verdict), _, _) => verdict_words(verdict).to_owned(),
    };
    // Per-test detail only for samples: hidden tests stay hidden.
    let tests = if samples {
        report["tests"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap_or_default().to_owned(),
                    verdict_words(t["verdict"].as_str().unwrap_or_default()).to_owned(),
                    format!("{:.0} ms", t["wall_ms"].as_f64().unwrap_or(0.0)),
                    t["output"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    SubmissionRow {
        id: submission.id,
        kind: if samples { "Sample run" } else { "Submission" },
        language: language_name(&submission.language).to_owned(),
        when: when_utc(submission.created_at),
        pending: submission.verdict.is_none(),
        summary,
        tests,
        compile_output,
    }
}

/// The judge's verdict codes (and serde names) in a candidate's words.
fn verdict_words(verdict: &str) -> &'static str {
    match verdict {
        "AC" | "Accepted" => "Accepted",
        "WA" | "WrongAnswer" => "Wrong answer",
        "TLE" | "TimeLimitExceeded" => "Time limit exceeded",
        "MLE" | "MemoryLimitExceeded" => "Memory limit exceeded",
        "RE" | "RuntimeError" => "Runtime error",
        "OLE" | "OutputLimitExceeded" => "Output limit exceeded",
        "CE" | "CompileError" => "Compile error",
        _ => "Not judged: a problem on our side, which does not count against you",
    }
}

#[derive(Template)]
#[template(path = "candidate/assessment_start.html")]
struct StartPage {
    layout: Layout,
    invitation: AssessmentInvitation,
    expired: bool,
    finished: bool,
    start_by: String,
    problems: Vec<AssessmentProblemRecord>,
    languages: Vec<String>,
}

#[derive(Template)]
#[template(path = "candidate/assessment_session.html")]
struct SessionPage {
    layout: Layout,
    invitation: AssessmentInvitation,
    problems: Vec<AssessmentProblemRecord>,
    current: AssessmentProblemRecord,
    statement_html: String,
    samples: Vec<SampleRecord>,
    languages: Vec<LanguageOption>,
    code: String,
    tab: String,
    remaining_seconds: i64,
    ends_at: String,
    submissions: Vec<SubmissionRow>,
    error: Option<String>,
    /// Each allowed language's starter code for this problem, as JSON, so that changing the
    /// language can offer the new language's starter.
    starters_json: String,
}

#[derive(serde::Deserialize, Default)]
struct PageQuery {
    problem: Option<i64>,
    notice: Option<String>,
    /// The tab this page was opened for (see `continue_here`); a page without the session's
    /// current tab offers to continue here instead of taking the session over.
    tab: Option<String>,
}

#[derive(Template)]
#[template(path = "candidate/assessment_continue.html")]
struct ContinuePage {
    layout: Layout,
    invitation: AssessmentInvitation,
    problem: i64,
    minutes_left: i64,
}

async fn session_page(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let (invitation, problems) = own_session(&state, &candidate, id).await?;
    let now = state.now();
    let session_state = invitation.state(now);
    if session_state != SessionState::Running {
        let page = StartPage {
            layout: Layout::for_account("Online assessment", Some(&candidate.account), &csrf),
            expired: session_state == SessionState::Expired,
            finished: session_state == SessionState::Finished,
            start_by: when_utc(invitation.start_by),
            languages: invitation
                .language_ids()
                .iter()
                .map(|l| language_name(l).to_owned())
                .collect(),
            invitation,
            problems,
        };
        return Ok(render(&page)?.into_response());
    }
    // Opening the page changes nothing: only the form below (a POST with the CSRF token) moves
    // the session to this tab, so a link from elsewhere cannot take it from the candidate's tab.
    let this_tab = query
        .tab
        .filter(|tab| invitation.active_tab.as_deref() == Some(tab.as_str()));
    let Some(tab) = this_tab else {
        let page = ContinuePage {
            layout: Layout::for_account("Online assessment", Some(&candidate.account), &csrf),
            problem: query.problem.unwrap_or(1),
            minutes_left: (invitation.ends_at.unwrap_or_default() - now).max(0) / 60,
            invitation,
        };
        return Ok(render(&page)?.into_response());
    };
    let flash = match query.notice.as_deref() {
        Some("samples") => Some("Running your code on the samples…".to_owned()),
        Some("submitted") => Some("Submitted. Your code is being judged on every test.".to_owned()),
        _ => None,
    };
    let page = session_page_for(
        &state,
        &candidate,
        &csrf,
        invitation,
        problems,
        query.problem,
        None,
        tab,
    )
    .await?
    .with_flash(flash);
    Ok((
        [(header::CONTENT_SECURITY_POLICY, EDITOR_POLICY)],
        render(&page)?,
    )
        .into_response())
}

/// The session page's policy: the site-wide one, plus the inline styles the code editor adds
/// as it lays itself out (scripts stay limited to the site's own files).
pub(crate) const EDITOR_POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'";

impl SessionPage {
    fn with_flash(mut self, flash: Option<String>) -> SessionPage {
        self.layout = self.layout.with_flash(flash);
        self
    }
}

/// The session page for one problem, for the tab that holds the session.
#[allow(clippy::too_many_arguments)]
async fn session_page_for(
    state: &AppState,
    candidate: &Require<CandidateOnly>,
    csrf: &Csrf,
    invitation: AssessmentInvitation,
    problems: Vec<AssessmentProblemRecord>,
    position: Option<i64>,
    error: Option<String>,
    tab: String,
) -> Result<SessionPage, AppError> {
    let current = problems
        .iter()
        .find(|p| Some(p.position) == position)
        .or_else(|| problems.first())
        .cloned()
        .ok_or(AppError::NotFound)?;
    let problem = state.store().problem(current.problem_id).await?;
    let drafts = state.store().drafts(invitation.id).await?;
    let draft = drafts.iter().find(|d| d.problem_id == current.problem_id);
    let allowed = invitation.language_ids();
    let starters = state.store().problem_starters(current.problem_id).await?;
    let language = draft
        .map(|d| d.language.clone())
        .or_else(|| {
            allowed
                .iter()
                .find(|l| starters.iter().any(|(s, _)| s == *l))
                .cloned()
        })
        .or_else(|| allowed.first().cloned())
        .unwrap_or_default();
    let code = draft.map(|d| d.code.clone()).unwrap_or_else(|| {
        starters
            .iter()
            .find(|(l, _)| *l == language)
            .map(|(_, code)| code.clone())
            .unwrap_or_default()
    });
    let submissions = state
        .store()
        .session_submissions(invitation.id)
        .await?
        .iter()
        .filter(|s| s.problem_id == current.problem_id)
        .map(summarise)
        .collect();
    let ends_at = invitation.ends_at.unwrap_or_default();
    Ok(SessionPage {
        layout: Layout::for_account(
            format!("Assessment: {}", problem.name),
            Some(&candidate.account),
            csrf,
        ),
        statement_html: crate::pages::statement(&problem.statement),
        samples: state.store().problem_samples(current.problem_id).await?,
        languages: allowed
            .iter()
            .map(|id| LanguageOption {
                id: id.clone(),
                name: language_name(id).to_owned(),
                selected: *id == language,
            })
            .collect(),
        code,
        tab,
        remaining_seconds: (ends_at - state.now()).max(0),
        ends_at: when_utc(ends_at),
        submissions,
        error,
        starters_json: serde_json::to_string(
            &starters
                .iter()
                .filter(|(language, _)| allowed.contains(language))
                .cloned()
                .collect::<std::collections::BTreeMap<String, String>>(),
        )
        .map_err(AppError::internal)?,
        current,
        problems,
        invitation,
    })
}

#[derive(serde::Deserialize)]
struct StartForm {}

async fn start(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<StartForm>,
) -> Result<Response, AppError> {
    let invitation = own_invitation(&state, &candidate, id).await?;
    match invitation.state(state.now()) {
        SessionState::NotStarted => {
            cohort_app::assessment::start_session(state.app(), &invitation).await?;
            tracing::info!(invitation.id = id, "assessment started");
            claim_and_open(&state, id, 1).await
        }
        // Starting twice (a double click, a second tab) just continues the session, here.
        SessionState::Running => claim_and_open(&state, id, 1).await,
        SessionState::Expired => Err(AppError::Conflict(
            "The deadline to start this assessment has passed. Contact the recruiting team if you need more time.".into(),
        )),
        SessionState::Finished => Err(AppError::Conflict(
            "This assessment is over; it cannot be started again.".into(),
        )),
    }
}

/// Makes a new tab the session's and opens the problem in it.
async fn claim_and_open(state: &AppState, id: i64, problem: i64) -> Result<Response, AppError> {
    let tab = new_token();
    state.store().claim_session_tab(id, &tab).await?;
    Ok(Redirect::to(&format!("/assessments/{id}?problem={problem}&tab={tab}")).into_response())
}

#[derive(serde::Deserialize)]
struct ContinueForm {
    #[serde(default = "first_problem")]
    problem: i64,
}

fn first_problem() -> i64 {
    1
}

/// "Continue in this tab": the session moves here and the tab that had it stops saving.
async fn continue_here(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ContinueForm>,
) -> Result<Response, AppError> {
    let invitation = own_invitation(&state, &candidate, id).await?;
    if invitation.state(state.now()) != SessionState::Running {
        return Ok(Redirect::to(&format!("/assessments/{id}")).into_response());
    }
    tracing::info!(invitation.id = id, "assessment continued in another tab");
    claim_and_open(&state, id, form.problem).await
}
