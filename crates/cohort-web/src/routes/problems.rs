//! The online assessment's problem bank: the list with an upload form, and one page per problem
//! with its statement, samples, starter code and what the judge said of the package.

use crate::auth::{Csrf, Recruiting, Require};
use crate::bank::{add_package, BankError, Origin, MAX_PACKAGE_BYTES};
use crate::error::AppError;
use crate::pages::{day, markdown, render, render_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use cohort_store::accounts::Account;
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
#[template(path = "problems.html")]
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
            "csrf" => token = field.text().await.map_err(unreadable)?,
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
#[template(path = "problem.html")]
struct ProblemPage {
    layout: Layout,
    problem: ProblemRecord,
    status: &'static str,
    status_class: &'static str,
    added: String,
    statement_html: String,
    samples: Vec<SampleRecord>,
    starters: Vec<(String, String)>,
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
    let flash = query
        .notice
        .filter(|n| n == "uploaded")
        .map(|_| "Package added. The judge is verifying it; reload to see the result.".to_owned());
    let page = ProblemPage {
        layout: Layout::for_account(problem.name.clone(), Some(&staff.account), &csrf)
            .with_flash(flash),
        status,
        status_class,
        added: day(problem.created_at),
        statement_html: markdown(&problem.statement),
        samples: state.store().problem_samples(id).await?,
        starters: state.store().problem_starters(id).await?,
        problem,
    };
    Ok(render(&page)?.into_response())
}
