//! What the session page sends while the candidate works: autosave, integrity events, sample
//! runs and submissions (with their results as they arrive), and finishing early.

use super::{
    own_invitation, own_session, session_page_for, summarise, EDITOR_POLICY, MAX_CODE_BYTES,
    SAMPLES_INTERVAL_SECONDS, SUBMIT_INTERVAL_SECONDS,
};
use crate::auth::{CandidateOnly, Csrf, CsrfForm, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cohort_store::assessment_sessions::{
    AssessmentInvitation, DraftRecord, IntegrityKind, SessionRefusal, SessionState,
};
use cohort_store::problems::AssessmentProblemRecord;
use cohort_store::submissions::Scope;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assessments/{id}/draft", post(save_draft))
        .route("/assessments/{id}/events", post(record_event))
        .route("/assessments/{id}/submissions", post(submit))
        .route("/assessments/{id}/finish", post(finish))
        .route(
            "/assessments/{id}/submissions/{submission}",
            get(submission_status),
        )
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
#[template(path = "candidate/assessment_finish.html")]
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
