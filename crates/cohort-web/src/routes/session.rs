//! The candidate's side of the online assessment: the invitation page, starting the timed
//! session, the session page with the editor, autosave, running the samples and submitting.
//!
//! The server's clock is the only clock: the session ends at its `ends_at` whatever the browser
//! shows. Only one browser tab holds a session at a time (opening the page takes it over), so two
//! tabs never overwrite each other's code.

use crate::auth::{new_token, CandidateOnly, Csrf, CsrfForm, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::{when_utc, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cohort_domain::assessment::ASSESSMENT_LANGUAGES;
use cohort_store::assessment_sessions::{
    AssessmentInvitation, DraftRecord, IntegrityKind, SessionRefusal, SessionState,
    SessionSubmission,
};
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
        .route("/assessments/{id}/draft", post(save_draft))
        .route("/assessments/{id}/events", post(record_event))
        .route("/assessments/{id}/submissions", post(submit))
        .route("/assessments/{id}/finish", post(finish))
        .route(
            "/assessments/{id}/submissions/{submission}",
            get(submission_status),
        )
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
#[template(path = "assessment_start.html")]
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
#[template(path = "assessment_session.html")]
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
#[template(path = "assessment_continue.html")]
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

#[derive(serde::Deserialize)]
struct CodeForm {
    problem: i64,
    language: String,
    code: String,
    tab: String,
    #[serde(default)]
    scope: String,
}

/// Checks a form's problem, language and code against the session; the problem's id on success.
fn check_code(
    invitation: &AssessmentInvitation,
    problems: &[AssessmentProblemRecord],
    form: &CodeForm,
) -> Result<DraftRecord, String> {
    let problem = problems
        .iter()
        .find(|p| p.position == form.problem)
        .ok_or("That problem is not part of this assessment.")?;
    if !invitation.language_ids().contains(&form.language) {
        return Err(format!(
            "{} is not offered in this assessment; choose one of the listed languages.",
            form.language
        ));
    }
    if form.code.len() > MAX_CODE_BYTES {
        return Err(format!(
            "The code is longer than {} KB; no solution here needs that much.",
            MAX_CODE_BYTES / 1024
        ));
    }
    if form.code.contains('\0') {
        return Err("The code contains binary data; paste source code only.".into());
    }
    Ok(DraftRecord {
        problem_id: problem.problem_id,
        language: form.language.clone(),
        code: form.code.clone(),
        saved_at: 0,
    })
}

fn refusal_error(refusal: SessionRefusal) -> AppError {
    match refusal {
        SessionRefusal::OtherTab => AppError::Conflict(
            "This assessment is open in another tab or window; continue there, or reload this page to continue here.".into(),
        ),
        SessionRefusal::NotRunning => AppError::Conflict(
            "Your time is up: the code you last saved has been submitted.".into(),
        ),
    }
}

#[derive(serde::Deserialize)]
struct EventForm {
    kind: String,
    #[serde(default)]
    size: i64,
    problem: Option<i64>,
    tab: String,
}

/// An integrity signal from the session page: a paste with its size, or the candidate leaving
/// or coming back to the page. Recorded for recruiters to see, never acted on.
async fn record_event(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<EventForm>,
) -> Result<Response, AppError> {
    let (invitation, problems) = own_session(&state, &candidate, id).await?;
    let kind = IntegrityKind::parse(&form.kind)
        .filter(|_| (0..=10_000_000).contains(&form.size))
        .ok_or_else(|| AppError::BadRequest("Unknown event.".into()))?;
    if invitation.state(state.now()) != SessionState::Running {
        return Err(refusal_error(SessionRefusal::NotRunning));
    }
    if invitation.active_tab.as_deref() != Some(form.tab.as_str()) {
        return Err(refusal_error(SessionRefusal::OtherTab));
    }
    crate::rate::check(
        &state,
        &format!("events:{id}"),
        crate::rate::INTEGRITY_EVENTS,
        "Too many events from this session.",
    )
    .await?;
    let problem_id = form
        .problem
        .and_then(|position| problems.iter().find(|p| p.position == position))
        .map(|p| p.problem_id);
    state
        .store()
        .record_integrity_event(id, problem_id, kind, form.size, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Autosave: answers 204 when saved, otherwise an error with the reason as text.
async fn save_draft(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    let (invitation, problems) = own_session(&state, &candidate, id).await?;
    let draft = check_code(&invitation, &problems, &form).map_err(AppError::BadRequest)?;
    state
        .store()
        .save_draft(id, &form.tab, &draft, state.now())
        .await?
        .map_err(refusal_error)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn submit(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    let (invitation, problems) = own_session(&state, &candidate, id).await?;
    let scope = Scope::parse(&form.scope)
        .ok_or_else(|| AppError::BadRequest("Choose Run samples or Submit.".into()))?;
    let draft = match check_code(&invitation, &problems, &form) {
        Ok(draft) => draft,
        Err(message) => {
            let position = Some(form.problem);
            let page = session_page_for(
                &state,
                &candidate,
                &csrf,
                invitation,
                problems,
                position,
                Some(message),
                form.tab.clone(),
            )
            .await?;
            let mut response = crate::html::render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?;
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                header::HeaderValue::from_static(EDITOR_POLICY),
            );
            return Ok(response);
        }
    };
    // Each judging takes a judge's time: per problem, a candidate runs the samples at most every
    // few seconds and submits at most every few more.
    let (interval, what) = match scope {
        Scope::Samples => (SAMPLES_INTERVAL_SECONDS, "ran the samples"),
        Scope::Full => (SUBMIT_INTERVAL_SECONDS, "submitted"),
    };
    // Counted in one atomic step, so a burst of parallel requests gets one judging, not one each.
    let now = state.now();
    let key = format!("judging:{id}:{}:{}", draft.problem_id, scope.as_str());
    if state.store().count_in_window(&key, now, interval).await? > 1 {
        let last = state
            .store()
            .last_submission_at(id, draft.problem_id, scope)
            .await?;
        let wait = last.map_or(interval, |last| last + interval - now).max(1);
        return Err(AppError::TooManyRequests(format!(
            "You {what} a moment ago; try again in {wait} seconds."
        )));
    }
    let submission = cohort_app::assessment::submit_in_session(
        state.app(),
        id,
        &form.tab,
        &draft,
        scope,
        candidate.account.user.id,
    )
    .await?;
    let submission = match submission {
        Ok(submission) => submission,
        Err(refusal) => {
            // Nothing was judged, so the attempt does not count against the interval.
            state.store().uncount(&key).await?;
            return Err(refusal_error(refusal));
        }
    };
    tracing::info!(
        invitation.id = id,
        submission.id = submission,
        scope = scope.as_str(),
        "assessment code submitted"
    );
    let notice = if scope == Scope::Samples {
        "samples"
    } else {
        "submitted"
    };
    Ok(Redirect::to(&format!(
        "/assessments/{id}?problem={}&tab={}&notice={notice}#results",
        form.problem,
        urlencoding::encode(&form.tab)
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "assessment_finish.html")]
struct FinishPage {
    layout: Layout,
    invitation_id: i64,
    tab: String,
    minutes_left: i64,
    /// The problems with code saved for them, which finishing submits.
    saved: Vec<String>,
    /// The problems with nothing saved.
    empty: Vec<String>,
}

#[derive(serde::Deserialize)]
struct FinishForm {
    tab: String,
    /// The code in the editor when the button was pressed (saved first), when the form has it.
    #[serde(default)]
    problem: Option<i64>,
    #[serde(default)]
    language: String,
    #[serde(default)]
    code: String,
    /// `yes` once the candidate confirmed; otherwise a page asks.
    #[serde(default)]
    confirm: String,
}

/// Ends the session before its time is up, at the candidate's request: the code in the editor
/// is saved, a page asks for confirmation (the page script asks in a dialog instead), and then
/// the session is closed as time running out would close it.
async fn finish(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<FinishForm>,
) -> Result<Response, AppError> {
    let (invitation, problems) = own_session(&state, &candidate, id).await?;
    if invitation.state(state.now()) != SessionState::Running {
        return Ok(Redirect::to(&format!("/assessments/{id}")).into_response());
    }
    // Like every other write of the session, only from the tab that holds it.
    if invitation.active_tab.as_deref() != Some(form.tab.as_str()) {
        return Err(refusal_error(SessionRefusal::OtherTab));
    }
    if let Some(position) = form.problem {
        let code_form = CodeForm {
            problem: position,
            language: form.language.clone(),
            code: form.code.clone(),
            tab: form.tab.clone(),
            scope: String::new(),
        };
        let draft = check_code(&invitation, &problems, &code_form).map_err(AppError::BadRequest)?;
        state
            .store()
            .save_draft(id, &form.tab, &draft, state.now())
            .await?
            .map_err(refusal_error)?;
    }
    if form.confirm != "yes" {
        let drafts = state.store().drafts(id).await?;
        let (saved, empty): (Vec<_>, Vec<_>) = problems
            .iter()
            .partition(|p| drafts.iter().any(|d| d.problem_id == p.problem_id));
        let page = FinishPage {
            layout: Layout::for_account("Finish the assessment?", Some(&candidate.account), &csrf),
            invitation_id: id,
            tab: form.tab,
            minutes_left: (invitation.ends_at.unwrap_or_default() - state.now()).max(0) / 60,
            saved: saved.iter().map(|p| p.name.clone()).collect(),
            empty: empty.iter().map(|p| p.name.clone()).collect(),
        };
        return Ok(render(&page)?.into_response());
    }
    if cohort_app::assessment::finish_now(state.app(), id).await? {
        tracing::info!(
            invitation.id = id,
            "assessment finished early by the candidate"
        );
    }
    Ok(Redirect::to(&format!("/assessments/{id}")).into_response())
}

/// A submission's state as JSON, for the page's script to show results as they arrive.
async fn submission_status(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    Path((id, submission_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let invitation = own_invitation(&state, &candidate, id).await?;
    let submission = state
        .store()
        .session_submissions(invitation.id)
        .await?
        .into_iter()
        .find(|s| s.id == submission_id)
        .ok_or(AppError::NotFound)?;
    let row = summarise(&submission);
    Ok(Json(serde_json::json!({
        "pending": row.pending,
        "summary": row.summary,
        "compile_output": row.compile_output,
        "tests": row.tests.iter().map(|(name, verdict, time, output)| serde_json::json!({"name": name, "verdict": verdict, "time": time, "output": output})).collect::<Vec<_>>(),
    }))
    .into_response())
}
