//! An intern's checklist: on their own page (`/onboarding`) and as staff see it
//! (`/staff/onboarding/OFFER`). Each task is done with what its kind asks (an answer, a PDF, a
//! confirmation); a task's form posts as multipart so that an upload and an answer share one
//! handler.

use crate::auth::{Csrf, CsrfForm, Pipeline, Require, SignedIn};
use crate::error::AppError;
use crate::html::render_status;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::onboarding::{self as cases, Handed, OnboardingError, MAX_UPLOAD_BYTES};
use cohort_domain::onboarding::{status, Progress, TaskKind, TaskOwner, TaskStatus};
use cohort_store::accounts::Account;
use cohort_store::onboarding::{InternRecord, SessionRecord, TaskRecord};

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/onboarding", get(own_page))
        .route("/onboarding/sessions/{id}", get(session_calendar))
        .route("/onboarding/tasks/{id}/file", get(task_file))
        .route("/onboarding/tasks/{id}/reopen", post(reopen))
        .route("/staff/onboarding/{offer}", get(staff_page))
        .route(
            "/onboarding/tasks/{id}",
            post(complete)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024))
                .route_layer(axum::middleware::from_fn_with_state(
                    state,
                    crate::upload::one_upload_at_a_time,
                )),
        )
}

/// A task as the checklist shows it.
pub struct TaskLine {
    pub task: TaskRecord,
    pub status: TaskStatus,
    /// The viewer may do (or reopen) it.
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "onboarding/checklist.html")]
struct ChecklistPage {
    layout: Layout,
    intern: InternRecord,
    /// The intern looks at their own checklist (else staff do).
    own: bool,
    progress: Progress,
    tasks: Vec<TaskLine>,
    sessions: Vec<SessionRecord>,
    error: Option<(i64, String)>,
}

impl ChecklistPage {
    fn owner_label(&self, owner: &TaskOwner) -> &'static str {
        match (owner, self.own) {
            (TaskOwner::Intern, true) => "You",
            (other, _) => other.label(),
        }
    }

    fn session_time(&self, session: &SessionRecord) -> String {
        let zone: chrono_tz::Tz = self.intern.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let at = |s: i64| {
            chrono::DateTime::from_timestamp(s, 0)
                .unwrap_or_default()
                .with_timezone(&zone)
        };
        format!(
            "{} to {} ({})",
            at(session.starts_at).format("%a %-d %b %Y, %H:%M"),
            at(session.ends_at).format("%H:%M"),
            zone.name()
        )
    }

    fn error_for(&self, id: &i64) -> Option<String> {
        self.error
            .as_ref()
            .filter(|(task, _)| task == id)
            .map(|(_, why)| why.clone())
    }
}

async fn checklist(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    intern: InternRecord,
    flash: Option<String>,
    error: Option<(i64, String)>,
) -> Result<ChecklistPage, AppError> {
    let own = intern.user_id == account.user.id;
    let offer = state.store().offer(intern.offer_id).await?;
    let manager = state.store().track_manager_id(offer.track_id).await?;
    let zone: chrono_tz::Tz = intern.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let today = state.app().now_utc().with_timezone(&zone).date_naive();
    let tasks: Vec<TaskLine> = state
        .store()
        .onboarding_tasks(intern.offer_id)
        .await?
        .into_iter()
        .map(|task| {
            let due =
                chrono::NaiveDate::parse_from_str(&task.due_date, "%Y-%m-%d").unwrap_or(today);
            TaskLine {
                status: status(task.is_done(), due, today),
                mine: cases::may_do(account, &task, manager),
                task,
            }
        })
        .collect();
    let progress = Progress::of(
        tasks.iter().map(|line| {
            let due =
                chrono::NaiveDate::parse_from_str(&line.task.due_date, "%Y-%m-%d").unwrap_or(today);
            (line.task.is_done(), due)
        }),
        today,
    );
    let sessions = state
        .store()
        .orientation_sessions(intern.season_id, Some(&intern.start_date))
        .await?;
    let title = if own {
        "Your onboarding".to_owned()
    } else {
        format!("Onboarding · {}", intern.name)
    };
    Ok(ChecklistPage {
        layout: Layout::for_account(title, Some(account), csrf).with_flash(flash),
        own,
        progress,
        tasks,
        sessions,
        error,
        intern,
    })
}

/// The page of someone with no accepted offer: nothing to do yet.
#[derive(Template)]
#[template(path = "onboarding/none.html")]
struct NoChecklist {
    layout: Layout,
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

fn notice(query: &NoticeQuery) -> Option<String> {
    match query.notice.as_deref() {
        Some("done") => Some("Task done.".to_owned()),
        Some("reopened") => Some("Task opened again.".to_owned()),
        _ => None,
    }
}

async fn own_page(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    csrf: Csrf,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let Some(intern) = state.store().intern(me.account.user.id).await? else {
        let page = NoChecklist {
            layout: Layout::for_account("Your onboarding", Some(&me.account), &csrf),
        };
        return render_status(StatusCode::OK, &page);
    };
    let page = checklist(&state, &me.account, &csrf, intern, notice(&query), None).await?;
    render_status(StatusCode::OK, &page)
}

/// The accepted intern of offer `offer_id`.
async fn intern_of_offer(state: &AppState, offer_id: i64) -> Result<InternRecord, AppError> {
    let offer = state.store().offer(offer_id).await?;
    state
        .store()
        .intern(offer.candidate_id)
        .await?
        .filter(|i| i.offer_id == offer_id)
        .ok_or(AppError::NotFound)
}

async fn staff_page(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(offer_id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let intern = intern_of_offer(&state, offer_id).await?;
    let page = checklist(&state, &staff.account, &csrf, intern, notice(&query), None).await?;
    render_status(StatusCode::OK, &page)
}

/// Where the person goes back to after a task: their own page, or the intern's for staff.
fn back_to(account: &Account, task: &TaskRecord) -> String {
    if account.user.id == task.intern_id {
        "/onboarding".to_owned()
    } else {
        format!("/staff/onboarding/{}", task.offer_id)
    }
}

/// A task's form as it arrived: its token, an answer, a file (kept only up to the limit).
#[derive(Default)]
struct TaskUpload {
    csrf: String,
    answer: Option<String>,
    bytes: Option<Vec<u8>>,
    filename: String,
}

async fn read_task_form(mut multipart: Multipart) -> Result<TaskUpload, AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge("The document is larger than 10 MB, the limit.".into())
        } else {
            AppError::BadRequest("The form could not be read. Try again.".into())
        }
    };
    let mut upload = TaskUpload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "csrf" => upload.csrf = crate::auth::utf8_field(field).await?,
            "answer" => upload.answer = Some(crate::auth::utf8_field(field).await?),
            "file" => {
                upload.filename = field.file_name().unwrap_or("document.pdf").to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    bytes.extend_from_slice(&chunk);
                }
                if !bytes.is_empty() {
                    upload.bytes = Some(bytes);
                }
            }
            _ => while field.chunk().await.map_err(unreadable)?.is_some() {},
        }
    }
    Ok(upload)
}

async fn complete(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    csrf: Csrf,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let form = read_task_form(multipart).await?;
    csrf.verify(&form.csrf)?;
    let task = state.store().onboarding_task(id).await?;
    let handed = match (form.bytes, &form.answer) {
        (Some(bytes), _) => Handed::Upload {
            bytes,
            filename: &form.filename,
        },
        (None, Some(answer)) => Handed::Answer(answer),
        (None, None) => Handed::Nothing,
    };
    match cases::complete(state.app(), &me.account, id, handed).await {
        Ok(()) => Ok(
            Redirect::to(&format!("{}?notice=done", back_to(&me.account, &task))).into_response(),
        ),
        Err(OnboardingError::NotFound) => Err(AppError::NotFound),
        Err(OnboardingError::Forbidden(why)) => Err(AppError::ForbiddenBecause(why.to_owned())),
        Err(OnboardingError::Store(error)) => Err(error.into()),
        Err(OnboardingError::Blob(error)) => Err(AppError::internal(error)),
        Err(error) => {
            let (status, why) = match &error {
                OnboardingError::Invalid(errors) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    errors
                        .errors
                        .iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                other => (StatusCode::CONFLICT, other.to_string()),
            };
            let intern = intern_of_offer(&state, task.offer_id).await?;
            let page = checklist(&state, &me.account, &csrf, intern, None, Some((id, why))).await?;
            render_status(status, &page)
        }
    }
}

#[derive(serde::Deserialize)]
struct Empty {}

async fn reopen(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    Path(id): Path<i64>,
    CsrfForm(_form): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let task = state.store().onboarding_task(id).await?;
    match cases::reopen(state.app(), &me.account, id).await {
        Ok(()) | Err(OnboardingError::AlreadyDone) => Ok(Redirect::to(&format!(
            "{}?notice=reopened",
            back_to(&me.account, &task)
        ))
        .into_response()),
        Err(OnboardingError::NotFound) => Err(AppError::NotFound),
        Err(OnboardingError::Forbidden(why)) => Err(AppError::ForbiddenBecause(why.to_owned())),
        Err(other) => Err(AppError::internal(other)),
    }
}

/// An uploaded document, for the intern and the pipeline's roles.
async fn task_file(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let task = state.store().onboarding_task(id).await?;
    if !cases::may_read(&me.account, task.intern_id) {
        return Err(AppError::NotFound);
    }
    let (Some(blob), Some(filename)) = (&task.blob, &task.filename) else {
        return Err(AppError::NotFound);
    };
    let id = cohort_store::blob::BlobId::parse(blob).ok_or(AppError::NotFound)?;
    let bytes = state.app().blobs().get(&id).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                crate::routes::candidate::status::attachment(filename),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// An orientation session as an `.ics` file, for an intern it is for and the pipeline's roles.
async fn session_calendar(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let session = state.store().orientation_session(id).await?;
    let intern = state.store().intern(me.account.user.id).await?;
    let staff = me.account.roles.iter().any(|r| r.sees_pipeline());
    let invited = intern
        .as_ref()
        .is_some_and(|i| i.season_id == session.season_id && i.start_date == session.start_date);
    if !(staff || invited) {
        return Err(AppError::NotFound);
    }
    let ics = cohort_app::onboarding::session_ics(
        state.app(),
        &session,
        &me.account.user.display_name,
        &me.account.user.email,
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8; method=PUBLISH".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"orientation-{id}.ics\""),
            ),
        ],
        ics,
    )
        .into_response())
}
