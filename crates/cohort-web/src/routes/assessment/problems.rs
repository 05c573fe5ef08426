//! The online assessment's problem bank: the list with an upload form, and one page per problem
//! with its statement, samples, starter code and what the judge said of the package.

use crate::auth::{Csrf, CsrfForm, Recruiting, Require};
use crate::error::AppError;
use crate::html::{render, render_status};
use crate::pages::{day, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::assessment::plagiarism::{self, KnownSolution};
use cohort_app::problems::bank::{add_package, BankError, Origin, MAX_PACKAGE_BYTES};
use cohort_store::accounts::Account;
use cohort_store::plagiarism::KnownSolutionRecord;
use cohort_store::problems::{ProblemRecord, ProblemStatus, SampleRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/staff/problems",
            get(bank_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_PACKAGE_BYTES + 64 * 1024)),
        )
        .route("/staff/problems/{id}", get(problem_page))
        .route(
            "/staff/problems/{id}/known-solutions",
            post(add_known_solution),
        )
}

#[derive(serde::Deserialize)]
struct KnownSolutionForm {
    language: String,
    name: String,
    code: String,
}

/// Adds code to the problem's corpus of known solutions (for example one found online), which
/// candidates' submissions are compared with from now on.
async fn add_known_solution(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<KnownSolutionForm>,
) -> Result<Response, AppError> {
    state.store().problem(id).await?;
    if state
        .config()
        .judge_languages
        .by_id(&form.language)
        .is_err()
    {
        return Err(AppError::BadRequest(format!(
            "{} is not a language of the judge.",
            form.language
        )));
    }
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::BadRequest(
            "Give the solution a name (at most 120 characters), for example where it was found."
                .into(),
        ));
    }
    if form.code.trim().is_empty()
        || form.code.len() > crate::routes::candidate::session::MAX_CODE_BYTES
        || form.code.contains('\0')
    {
        return Err(AppError::BadRequest(
            "Paste the solution's source code (at most 64 KB of text).".into(),
        ));
    }
    let known = KnownSolution {
        problem_id: id,
        language: &form.language,
        name,
        code: &form.code,
        added_by: Some(staff.account.user.id),
    };
    plagiarism::add_known_solution(state.app(), &known).await?;
    Ok(Redirect::to(&format!(
        "/staff/problems/{id}?notice=known#known-solutions"
    ))
    .into_response())
}

/// A problem in the list, with its status in words.
struct ProblemRow {
    record: ProblemRecord,
    status: &'static str,
    status_class: &'static str,
}

fn status_words(status: ProblemStatus) -> (&'static str, &'static str) {
    match status {
        ProblemStatus::Pending => ("Waiting for the judge", "pending"),
        ProblemStatus::Verified => ("Verified", "ok"),
        ProblemStatus::Refused => ("Refused", "refused"),
    }
}

#[derive(Template)]
#[template(path = "assessment/problems.html")]
struct BankPage {
    layout: Layout,
    problems: Vec<ProblemRow>,
    upload_error: Option<String>,
}

#[derive(serde::Deserialize)]
struct BankQuery {
    notice: Option<String>,
}

async fn bank_page_for(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    upload_error: Option<String>,
    flash: Option<String>,
) -> Result<BankPage, AppError> {
    let problems = state
        .store()
        .problems()
        .await?
        .into_iter()
        .map(|record| {
            let (status, status_class) = status_words(record.status());
            ProblemRow {
                record,
                status,
                status_class,
            }
        })
        .collect();
    Ok(BankPage {
        layout: Layout::for_account("Problem bank", Some(account), csrf).with_flash(flash),
        problems,
        upload_error,
    })
}

async fn bank_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Query(query): Query<BankQuery>,
) -> Result<Response, AppError> {
    let flash = query
        .notice
        .filter(|n| n == "uploaded")
        .map(|_| "Package added. The judge is verifying it.".to_owned());
    Ok(render(&bank_page_for(&state, &staff.account, &csrf, None, flash).await?)?.into_response())
}

async fn upload(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::BadRequest(format!(
                "The package is larger than {} MB.",
                MAX_PACKAGE_BYTES / (1024 * 1024)
            ))
        } else {
            AppError::BadRequest("The form could not be read. Try again.".into())
        }
    };
    let (mut token, mut package, mut file_name) = (String::new(), Vec::new(), String::new());
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "csrf" => token = crate::auth::utf8_field(field).await?,
            "package" => {
                file_name = field.file_name().unwrap_or("package.zip").to_owned();
                package = field.bytes().await.map_err(unreadable)?.to_vec();
            }
            _ => {}
        }
    }
    csrf.verify(&token)?;
    let refuse = |message: String| async {
        let page = bank_page_for(&state, &staff.account, &csrf, Some(message), None).await?;
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    if package.is_empty() {
        return refuse("Choose a problem package (a .zip file) to upload.".into()).await;
    }
    let origin = Origin {
        name: &file_name,
        built_in: false,
        uploaded_by: Some(staff.account.user.id),
    };
    match add_package(
        state.store(),
        state.blobs(),
        &state.config().judge_languages,
        &package,
        origin,
        state.now(),
    )
    .await
    {
        Ok(added) => {
            state.wake_jobs();
            tracing::info!(problem.id = added.problem_id, "problem package uploaded");
            Ok(Redirect::to(&format!(
                "/staff/problems/{}?notice=uploaded",
                added.problem_id
            ))
            .into_response())
        }
        Err(BankError::Refused(message)) => refuse(message).await,
        Err(BankError::Duplicate(id)) => {
            refuse(format!(
                "This package is already in the bank as problem {id}."
            ))
            .await
        }
        Err(BankError::Store(error)) => Err(error.into()),
        Err(BankError::Io(error)) => Err(AppError::internal(error)),
    }
}

#[derive(Template)]
#[template(path = "assessment/problem.html")]
struct ProblemPage {
    layout: Layout,
    problem: ProblemRecord,
    status: &'static str,
    status_class: &'static str,
    added: String,
    statement_html: String,
    samples: Vec<SampleRecord>,
    starters: Vec<(String, String)>,
    known_solutions: Vec<KnownSolutionRecord>,
    languages: Vec<String>,
}

async fn problem_page(
    State(state): State<AppState>,
    staff: Require<Recruiting>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(query): Query<BankQuery>,
) -> Result<Response, AppError> {
    let problem = state.store().problem(id).await?;
    let (status, status_class) = status_words(problem.status());
    let flash = match query.notice.as_deref() {
        Some("uploaded") => {
            Some("Package added. The judge is verifying it; reload to see the result.".to_owned())
        }
        Some("known") => {
            Some("Known solution added: new submissions are compared with it.".to_owned())
        }
        _ => None,
    };
    let page = ProblemPage {
        layout: Layout::for_account(problem.name.clone(), Some(&staff.account), &csrf)
            .with_flash(flash),
        status,
        status_class,
        added: day(problem.created_at),
        statement_html: crate::pages::statement(&problem.statement),
        samples: state.store().problem_samples(id).await?,
        starters: state.store().problem_starters(id).await?,
        known_solutions: state.store().known_solutions(id).await?,
        languages: state
            .config()
            .judge_languages
            .all()
            .iter()
            .map(|l| l.id.clone())
            .collect(),
        problem,
    };
    Ok(render(&page)?.into_response())
}
