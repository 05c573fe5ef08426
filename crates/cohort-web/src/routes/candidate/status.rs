//! The candidate's status page ("My applications"), withdrawing an application, and downloading
//! one's own résumé.

use crate::auth::{CandidateOnly, Csrf, Require, SignedIn};
use crate::error::AppError;
use crate::html::render;
use crate::pages::{day, Layout};
use crate::state::AppState;
use crate::upload::ResumeKind;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::interviews::case_studies::{self, CaseError};
use cohort_app::interviews::mail::span_in;
use cohort_app::interviews::phone_screens;
use cohort_domain::interviews::case_study::{
    CasePhase, DeliverableError, DeliverableKind, MAX_DELIVERABLE_BYTES,
};
use cohort_domain::interviews::pad::GRACE_AFTER_END_SECONDS;
use cohort_domain::stage::{check_transition, Actor};
use cohort_domain::Stage;
use cohort_store::applications::{ApplicationRecord, ChoiceRecord, TransitionRecord};
use cohort_store::blob::BlobId;
use cohort_store::seasons::OpeningFilter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(status_page))
        .route("/me/applications/{id}/withdraw", post(withdraw))
        .route("/me/applications/{id}/resume", get(own_resume))
        .route("/case-deliverables/{id}", get(deliverable_download))
}

/// The candidate's upload of a case's deliverable: the body is read only after an upload
/// permit, and refused past the limit while it streams in.
pub fn upload_router(state: AppState) -> Router<AppState> {
    Router::new().route(
        "/me/applications/{id}/case-studies/{case}/deliverable",
        post(upload_deliverable)
            .layer(DefaultBodyLimit::max(MAX_DELIVERABLE_BYTES + 64 * 1024))
            .route_layer(axum::middleware::from_fn_with_state(
                state,
                crate::upload::one_upload_at_a_time,
            )),
    )
}

/// The upload form as it arrived: its token and the file, kept only up to the limit.
#[derive(Default)]
struct DeliverableUpload {
    csrf: String,
    bytes: Vec<u8>,
    filename: String,
    /// The file's size when it was over the limit (its bytes were not kept).
    oversize: Option<usize>,
}

async fn read_upload(mut multipart: Multipart) -> Result<DeliverableUpload, AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!(
                "The file is larger than {} MB, the limit. Compress its images or export it as PDF, then go back and upload it again.",
                MAX_DELIVERABLE_BYTES / (1024 * 1024)
            ))
        } else {
            AppError::BadRequest("The form could not be read. Try again.".into())
        }
    };
    let mut upload = DeliverableUpload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "file" => {
                upload.filename = field.file_name().unwrap_or("deliverable").to_owned();
                let mut size = 0;
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    size += chunk.len();
                    if size > MAX_DELIVERABLE_BYTES {
                        upload.bytes = Vec::new();
                    } else {
                        upload.bytes.extend_from_slice(&chunk);
                    }
                }
                if size > MAX_DELIVERABLE_BYTES {
                    upload.oversize = Some(size);
                }
            }
            "csrf" => upload.csrf = crate::auth::utf8_field(field).await?,
            _ => while field.chunk().await.map_err(unreadable)?.is_some() {},
        }
    }
    Ok(upload)
}

async fn upload_deliverable(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    csrf: Csrf,
    Path((id, case_id)): Path<(i64, i64)>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let upload = read_upload(multipart).await?;
    csrf.verify(&upload.csrf)?;
    own_application(&state, &candidate, id).await?;
    let result = match upload.oversize {
        Some(size) => Err(CaseError::Upload(DeliverableError::TooLarge {
            size_mb: size as f64 / (1024.0 * 1024.0),
        })),
        None => {
            case_studies::upload(state.app(), id, case_id, upload.bytes, &upload.filename).await
        }
    };
    let status = match result {
        Ok(_) => return Ok(Redirect::to("/me?notice=deliverable").into_response()),
        Err(CaseError::NotFound) => return Err(AppError::NotFound),
        Err(CaseError::Store(error)) => return Err(error.into()),
        Err(CaseError::Blob(error)) => return Err(AppError::internal(error)),
        Err(error @ (CaseError::Closed | CaseError::NoDeliverable)) => {
            (axum::http::StatusCode::CONFLICT, error.to_string())
        }
        Err(error) => (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            error.to_string(),
        ),
    };
    let page = status_of(
        &state,
        &candidate.account,
        &csrf,
        None,
        Some((case_id, status.1)),
    )
    .await?;
    crate::html::render_status(status.0, &page)
}

/// A `Content-Disposition` that keeps a name in any script: an ASCII fallback, and the name
/// itself encoded as RFC 6266 says.
pub(crate) fn attachment(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// A case's deliverable, for its candidate, the pipeline's roles and the candidate's panel.
async fn deliverable_download(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let deliverable = case_studies::deliverable_for(state.app(), &me.account, id)
        .await
        .map_err(|error| match error {
            CaseError::Store(error) => error.into(),
            _ => AppError::NotFound,
        })?;
    let blob = BlobId::parse(&deliverable.blob).ok_or(AppError::NotFound)?;
    let bytes = state.blobs().get(&blob).map_err(AppError::internal)?;
    let kind = DeliverableKind::parse(&deliverable.kind).unwrap_or(DeliverableKind::Pdf);
    Ok((
        [
            (header::CONTENT_TYPE, kind.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                attachment(&deliverable.filename),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// One application as its candidate sees it: no internal notes, no reasons, no staff names.
struct CandidateApplication {
    record: ApplicationRecord,
    stage: Stage,
    choices: Vec<ChoiceRecord>,
    history: Vec<(String, String)>,
    can_withdraw: bool,
    /// (invitation id, what it says now, the link's words).
    assessments: Vec<(i64, String, &'static str)>,
    /// Booked phone interviews not yet over (with the grace period in which their coding pad
    /// still takes edits), in the zone the candidate booked them in, with each interview's id.
    phone_screens: Vec<(String, i64)>,
    /// Where the candidate books, moves or cancels phone interviews, when there is something to
    /// do there.
    phone_screen_link: Option<String>,
    /// Whether a phone interview is still to be booked.
    phone_screen_to_book: bool,
    /// The published final loop, one line per interview in the candidate's zone; empty until a
    /// coordinator publishes it (a draft plan is never shown).
    final_loop: Vec<LoopLine>,
    /// The cases of the final loop whose prompts have been sent.
    cases: Vec<CaseLine>,
    /// The offer sent to the candidate: its id, whether it waits for their answer, and what
    /// to say about it.
    offer: Option<(i64, bool, String)>,
}

/// A case study as its candidate sees it.
struct CaseLine {
    id: i64,
    title: String,
    prompt: String,
    /// When its interview is, in the candidate's zone.
    interview: String,
    wants_deliverable: bool,
    /// Uploads are still taken.
    open: bool,
    /// The latest upload: (download path, file name, when).
    latest: Option<(String, String, String)>,
    /// Why the last upload was refused.
    error: Option<String>,
}

/// One interview of a candidate's final loop.
struct LoopLine {
    when: String,
    with: String,
    link: Option<String>,
    /// The interview's coding pad, when its seat is held in one and it is not over.
    pad: Option<i64>,
}

/// The candidate's published final loop, if any, with each interview's time and meeting link.
async fn final_loop_of(
    state: &AppState,
    record: &ApplicationRecord,
) -> Result<Vec<LoopLine>, AppError> {
    let at = |s| chrono::DateTime::from_timestamp(s, 0).unwrap_or_default();
    let now = state.now();
    let interviews = cohort_app::interviews::plans::loop_of(state.app(), record.id).await?;
    let pads = cohort_app::interviews::pads::with_pads(state.app(), &interviews).await?;
    let mut lines = Vec::new();
    for i in interviews {
        let zone = i.candidate_time_zone.parse().unwrap_or(chrono_tz::Tz::UTC);
        let open = i.ends_at + GRACE_AFTER_END_SECONDS > now && pads.contains(&i.id);
        lines.push(LoopLine {
            when: format!(
                "Interview {}: {}",
                i.round,
                span_in(zone, at(i.starts_at), at(i.ends_at))
            ),
            with: i.interviewer_name.clone().unwrap_or_default(),
            link: i.meeting_link.clone(),
            pad: open.then_some(i.id),
        });
    }
    Ok(lines)
}

#[derive(Template)]
#[template(path = "candidate/status.html")]
struct StatusPage {
    layout: Layout,
    applications: Vec<CandidateApplication>,
    open_seasons: Vec<(i64, String)>,
    max_deliverable_mb: usize,
}

/// The cases of `record`'s loop whose prompts have been sent, with `refused` (a case id and
/// why its upload was refused) beside its form.
async fn cases_of(
    state: &AppState,
    record: &ApplicationRecord,
    refused: Option<&(i64, String)>,
) -> Result<Vec<CaseLine>, AppError> {
    let at = |s| chrono::DateTime::from_timestamp(s, 0).unwrap_or_default();
    Ok(case_studies::cases_of_application(state.app(), record.id)
        .await?
        .into_iter()
        .filter(|c| c.phase != CasePhase::NotYet)
        .map(|c| {
            let zone = c
                .interview
                .candidate_time_zone
                .parse()
                .unwrap_or(chrono_tz::Tz::UTC);
            CaseLine {
                id: c.case.id,
                title: c.case.title.clone(),
                prompt: c.case.prompt.clone(),
                interview: span_in(zone, at(c.interview.starts_at), at(c.interview.ends_at)),
                wants_deliverable: c.case.wants_deliverable(),
                open: c.phase == CasePhase::Open,
                latest: c.latest.as_ref().map(|d| {
                    (
                        format!("/case-deliverables/{}", d.id),
                        d.filename.clone(),
                        crate::pages::time_in(d.uploaded_at, zone),
                    )
                }),
                error: refused
                    .filter(|(id, _)| *id == c.case.id)
                    .map(|(_, why)| why.clone()),
            }
        })
        .collect())
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

fn candidate_history(history: &[TransitionRecord]) -> Vec<(String, String)> {
    history
        .iter()
        .filter_map(|row| {
            Stage::parse(&row.to_stage)
                .map(|stage| (day(row.at), stage.candidate_label().to_owned()))
        })
        // The candidate's words merge some stages (final loop and debrief), so skip repeats.
        .fold(Vec::new(), |mut rows: Vec<(String, String)>, row| {
            if rows.last().map(|last| &last.1) != Some(&row.1) {
                rows.push(row);
            }
            rows
        })
}

/// The application's booked phone interviews still ahead (as sentences in the candidate's zone),
/// and whether one is still to be booked.
async fn phone_screens_of(
    state: &AppState,
    record: &ApplicationRecord,
) -> Result<(Vec<(String, i64)>, bool), AppError> {
    let now = state.now();
    let booked: Vec<_> = state
        .store()
        .interviews_of_application(record.id)
        .await?
        .into_iter()
        .filter(|i| i.kind == phone_screens::PHONE_SCREEN && i.is_booked())
        .collect();
    let to_book = record.stage() == Stage::PhoneScreen
        && (booked.len() as i64)
            < phone_screens::format_of(state.app(), record.id)
                .await
                .map(|f| f.screens)
                .unwrap_or(1);
    let ahead = booked
        .iter()
        .filter(|i| i.ends_at + GRACE_AFTER_END_SECONDS > now)
        .map(|i| {
            let zone = i.candidate_time_zone.parse().unwrap_or(chrono_tz::Tz::UTC);
            let at = |s| chrono::DateTime::from_timestamp(s, 0).unwrap_or_default();
            let with = i
                .interviewer_name
                .as_deref()
                .map(|n| format!(" with {n}"))
                .unwrap_or_default();
            let sentence = format!(
                "Phone interview{with}: {}",
                span_in(zone, at(i.starts_at), at(i.ends_at))
            );
            (sentence, i.id)
        })
        .collect();
    Ok((ahead, to_book))
}

async fn status_page(
    State(state): State<AppState>,
    candidate: Require<SignedIn>,
    csrf: Csrf,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    // "My applications" is a candidate's home; anyone else who opens it is sent to theirs.
    if !candidate.account.has(cohort_domain::Role::Candidate) {
        return Ok(Redirect::to(crate::auth::home_of(&candidate.account)).into_response());
    }
    let page = status_of(
        &state,
        &candidate.account,
        &csrf,
        query.notice.as_deref(),
        None,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// The status page of `account`, with the flash `notice` names and `refused` (a case id and why
/// its upload was refused).
async fn status_of(
    state: &AppState,
    account: &cohort_store::accounts::Account,
    csrf: &Csrf,
    notice: Option<&str>,
    refused: Option<(i64, String)>,
) -> Result<StatusPage, AppError> {
    let records = state.store().applications_of(account.user.id).await?;
    let mut applications = Vec::new();
    for record in records {
        let stage = record.stage();
        let history = candidate_history(&state.store().history(record.id).await?);
        let now = state.now();
        let assessments = state
            .store()
            .assessment_invitations_of(record.id)
            .await?
            .into_iter()
            .map(|invitation| {
                use cohort_store::assessment_sessions::SessionState;
                let (said, action) = match invitation.state(now) {
                    SessionState::NotStarted => (
                        format!(
                            "Online coding assessment ({} minutes): start it before {}.",
                            invitation.duration_minutes,
                            crate::pages::when_utc(invitation.start_by)
                        ),
                        "Open the assessment",
                    ),
                    SessionState::Running => (
                        format!(
                            "Online coding assessment in progress, until {}.",
                            crate::pages::when_utc(invitation.ends_at.unwrap_or_default())
                        ),
                        "Continue the assessment",
                    ),
                    SessionState::Finished => (
                        "Online coding assessment completed.".to_owned(),
                        "See what you submitted",
                    ),
                    SessionState::Expired => (
                        "The deadline to start the online coding assessment has passed.".to_owned(),
                        "Details",
                    ),
                };
                (invitation.id, said, action)
            })
            .collect();
        let (phone_screens, phone_screen_to_book) = phone_screens_of(state, &record).await?;
        let phone_screen_link = (phone_screen_to_book || !phone_screens.is_empty())
            .then(|| phone_screens::manage_path(record.id));
        let final_loop = final_loop_of(state, &record).await?;
        let cases = cases_of(state, &record, refused.as_ref()).await?;
        let offer = state
            .store()
            .offer_of_application(record.id)
            .await?
            .filter(|offer| offer.sent_at.is_some())
            .map(|offer| {
                use cohort_domain::offers::OfferState;
                let waiting = offer.state == OfferState::Sent && offer.expires_at > now;
                let said = match offer.state {
                    OfferState::Sent if waiting => format!(
                        "Your offer letter is ready. Please answer by {}.",
                        cohort_app::offers::letter::deadline_text(
                            &offer.deadline,
                            &offer.time_zone
                        )
                    ),
                    OfferState::Accepted => "You accepted your offer.".to_owned(),
                    OfferState::Declined => "You declined your offer.".to_owned(),
                    OfferState::Rescinded => "Your offer was withdrawn.".to_owned(),
                    _ => "The deadline to answer your offer has passed.".to_owned(),
                };
                (offer.id, waiting, said)
            });
        applications.push(CandidateApplication {
            offer,
            cases,
            final_loop,
            phone_screens,
            phone_screen_link,
            phone_screen_to_book,
            assessments,
            choices: state.store().choices(record.id).await?,
            can_withdraw: check_transition(stage, Stage::Withdrawn, Actor::Owner, None).is_ok(),
            stage,
            history,
            record,
        });
    }
    let now = state.now();
    let mut open_seasons: Vec<(i64, String)> = Vec::new();
    for opening in state
        .store()
        .openings(&OpeningFilter {
            not_closed_at: Some(now),
            ..Default::default()
        })
        .await?
    {
        let applied = applications
            .iter()
            .any(|a| a.record.season_id == opening.season_id);
        if opening.opens_at <= now
            && !applied
            && !open_seasons.iter().any(|(id, _)| *id == opening.season_id)
        {
            open_seasons.push((opening.season_id, opening.season_name));
        }
    }
    let flash = match notice {
        Some("submitted") => {
            Some("Application submitted. We have emailed you a confirmation.".to_owned())
        }
        Some("withdrawn") => Some("Your application was withdrawn.".to_owned()),
        Some("already") => {
            Some("You already applied this season; here is your application.".to_owned())
        }
        Some("confirmed") => Some("Your email address is confirmed.".to_owned()),
        Some("confirmation-sent") => Some(format!(
            "We sent a new link to {}. Links sent before it no longer work.",
            account.user.email
        )),
        Some("deliverable") => Some(
            "Your file is uploaded. You can replace it until the interview starts; the interviewer reads the latest.".to_owned(),
        ),
        Some("confirm-first") => Some(
            "Confirm your email address before you apply: open the link we emailed you.".to_owned(),
        ),
        _ => None,
    };
    let layout = Layout::for_account("My applications", Some(account), csrf).with_flash(flash);
    Ok(StatusPage {
        layout,
        applications,
        open_seasons,
        max_deliverable_mb: MAX_DELIVERABLE_BYTES / (1024 * 1024),
    })
}

/// Loads an application and checks it belongs to the signed-in candidate. Another candidate's
/// application answers "not found", so ids cannot be probed.
async fn own_application(
    state: &AppState,
    candidate: &Require<CandidateOnly>,
    id: i64,
) -> Result<ApplicationRecord, AppError> {
    let record = state.store().application(id).await?;
    if record.candidate_id != candidate.account.user.id {
        return Err(AppError::NotFound);
    }
    Ok(record)
}

async fn withdraw(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    Path(id): Path<i64>,
    crate::auth::CsrfForm(_): crate::auth::CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    let record = own_application(&state, &candidate, id).await?;
    cohort_app::applications::withdraw(state.app(), &record).await?;
    Ok(Redirect::to("/me?notice=withdrawn").into_response())
}

/// Sends a stored résumé as a download, with the type Cohort detected.
pub fn resume_download(state: &AppState, record: &ApplicationRecord) -> Result<Response, AppError> {
    let id = BlobId::parse(&record.resume_blob).ok_or(AppError::NotFound)?;
    let bytes = state.blobs().get(&id).map_err(AppError::internal)?;
    let kind = ResumeKind::parse(&record.resume_kind).unwrap_or(ResumeKind::Text);
    Ok((
        [
            (header::CONTENT_TYPE, kind.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    record.resume_filename.replace('"', "")
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

async fn own_resume(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let record = own_application(&state, &candidate, id).await?;
    resume_download(&state, &record)
}
