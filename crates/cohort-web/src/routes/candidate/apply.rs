//! The application form, and storing an application with its résumé (for the form and the API).

use crate::auth::{CandidateOnly, Csrf, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use crate::upload::{clean_filename, read_resume};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use chrono_tz::Tz;
use cohort_app::applications::mail;
use cohort_app::mail::Message;
use cohort_domain::application::{ApplicationForm, ApplicationInput, MAX_CHOICES};
use cohort_domain::FieldErrors;
use cohort_store::applications::NewApplication;
use cohort_store::seasons::{OpeningFilter, OpeningRecord};
use cohort_store::{Store, StoreError};

/// The largest application form read. A résumé past its 5 MB limit is read and dropped up to
/// here, so that the candidate gets the form back with the reason (a server that stops reading
/// mid-upload makes most browsers show a reset connection instead); a body past this is refused
/// while it streams in.
const UPLOAD_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new().route(
        "/apply",
        post(apply)
            .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
            .route_layer(axum::middleware::from_fn_with_state(
                state,
                crate::upload::one_upload_at_a_time,
            ))
            .get(apply_form),
    )
}

#[derive(serde::Deserialize)]
struct ApplyQuery {
    season: i64,
    opening: Option<i64>,
}

/// A choice in the form's drop-downs.
struct OpeningOption {
    id: i64,
    label: String,
}

#[derive(Template)]
#[template(path = "candidate/apply.html")]
struct ApplyPage {
    layout: Layout,
    season_id: i64,
    season_name: String,
    options: Vec<OpeningOption>,
    /// The chosen opening per rank (0 when none), as many as [`MAX_CHOICES`].
    chosen: Vec<i64>,
    input: ApplicationInput,
    errors: FieldErrors,
}

impl ApplyPage {
    fn rank_label(&self, index: &usize) -> String {
        const ORDINALS: [&str; 5] = ["First", "Second", "Third", "Fourth", "Fifth"];
        match (index, ORDINALS.get(*index)) {
            (0, _) => "First choice".into(),
            (_, Some(ordinal)) => format!("{ordinal} choice (optional)"),
            (n, None) => format!("Choice {} (optional)", n + 1),
        }
    }
}

async fn open_openings(state: &AppState, season_id: i64) -> Result<Vec<OpeningRecord>, AppError> {
    let now = state.now();
    Ok(state
        .store()
        .openings(&OpeningFilter {
            season_id: Some(season_id),
            not_closed_at: Some(now),
            ..Default::default()
        })
        .await?
        .into_iter()
        .filter(|o| o.opens_at <= now)
        .collect())
}

async fn apply_page(
    state: &AppState,
    candidate: &Require<CandidateOnly>,
    csrf: &Csrf,
    season_id: i64,
    input: ApplicationInput,
    errors: FieldErrors,
) -> Result<ApplyPage, AppError> {
    let season = state.store().season(season_id).await?;
    let options = open_openings(state, season_id)
        .await?
        .iter()
        .map(|o| OpeningOption {
            id: o.id,
            label: format!("{} · {}, {}", o.title, o.city, o.country),
        })
        .collect();
    let mut chosen = input.choices.clone();
    chosen.resize(MAX_CHOICES, 0);
    Ok(ApplyPage {
        layout: Layout::for_account(
            format!("Apply to {}", season.name),
            Some(&candidate.account),
            csrf,
        ),
        season_id,
        season_name: season.name,
        options,
        chosen,
        input,
        errors,
    })
}

async fn apply_form(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    csrf: Csrf,
    Query(query): Query<ApplyQuery>,
) -> Result<Response, AppError> {
    if !candidate.account.email_confirmed() {
        return Ok(Redirect::to("/me?notice=confirm-first").into_response());
    }
    if state
        .store()
        .application_in_season(candidate.account.user.id, query.season)
        .await?
        .is_some()
    {
        return Ok(Redirect::to("/me?notice=already").into_response());
    }
    let input = ApplicationInput {
        choices: query.opening.into_iter().collect(),
        ..Default::default()
    };
    let page = apply_page(
        &state,
        &candidate,
        &csrf,
        query.season,
        input,
        FieldErrors::new(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// The multipart form as it arrived.
#[derive(Default)]
struct Submission {
    csrf: String,
    season_id: Option<i64>,
    input: ApplicationInput,
    resume: Vec<u8>,
    resume_filename: String,
    /// The résumé's size when it was over the limit (its bytes were not kept).
    resume_oversize: Option<usize>,
}

async fn read_submission(mut multipart: Multipart) -> Result<Submission, AppError> {
    let too_large = || {
        AppError::TooLarge(format!(
            "The résumé is larger than {} MB. Choose a smaller file (a PDF of a page or two is plenty).",
            cohort_domain::application::MAX_RESUME_BYTES / (1024 * 1024)
        ))
    };
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::BadRequest("The form could not be read. Try again.".into())
        }
    };
    let mut submission = Submission::default();
    let mut choices: Vec<(usize, i64)> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "resume" {
            submission.resume_filename = field.file_name().unwrap_or("resume").to_owned();
            // Read chunk by chunk into one buffer, which stops growing at the limit: an oversize
            // résumé costs at most the limit in memory. The rest of it is read and dropped, so
            // the form can be shown again with the reason (the body limit, a little above the
            // résumé's, stops anything larger while it streams in).
            let mut resume = Vec::new();
            let mut size = 0;
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                size += chunk.len();
                if size > cohort_domain::application::MAX_RESUME_BYTES {
                    resume = Vec::new();
                } else {
                    resume.extend_from_slice(&chunk);
                }
            }
            if size > cohort_domain::application::MAX_RESUME_BYTES {
                submission.resume_oversize = Some(size);
            }
            submission.resume = resume;
            continue;
        }
        let value = crate::auth::utf8_field(field).await?;
        match name.as_str() {
            "csrf" => submission.csrf = value,
            "season" => submission.season_id = value.trim().parse().ok(),
            "school" => submission.input.school = value,
            "degree" => submission.input.degree = value,
            "graduation" => submission.input.graduation = value,
            "languages" => submission.input.languages = value,
            "links" => submission.input.links = value,
            "cover_letter" => submission.input.cover_letter = value,
            other => {
                if let Some(rank) = other
                    .strip_prefix("choice_")
                    .and_then(|r| r.parse::<usize>().ok())
                {
                    if let Ok(id) = value.trim().parse::<i64>() {
                        if id > 0 {
                            choices.push((rank, id));
                        }
                    }
                }
            }
        }
    }
    choices.sort();
    submission.input.choices = choices.into_iter().map(|(_, id)| id).collect();
    Ok(submission)
}

async fn apply(
    State(state): State<AppState>,
    candidate: Require<CandidateOnly>,
    csrf: Csrf,
    multipart: Multipart,
) -> Result<Response, AppError> {
    // Checked before the body is read, so an unconfirmed account holds no upload permit for
    // long; the unread body means the connection cannot carry another request.
    if !candidate.account.email_confirmed() {
        let mut refused = AppError::ForbiddenBecause(
            "Confirm your email address before you apply: open the link we emailed you.".into(),
        )
        .into_response();
        refused.headers_mut().insert(
            header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
        return Ok(refused);
    }
    let submission = read_submission(multipart).await?;
    csrf.verify(&submission.csrf)?;
    let season_id = submission.season_id.ok_or_else(|| {
        AppError::BadRequest("The form does not say which season it is for.".into())
    })?;
    if let Some(size) = submission.resume_oversize {
        let mut errors = FieldErrors::new();
        errors.add(
            "resume",
            crate::upload::UploadError::TooLarge {
                size_mb: size as f64 / (1024.0 * 1024.0),
            }
            .to_string(),
        );
        let page = apply_page(
            &state,
            &candidate,
            &csrf,
            season_id,
            submission.input,
            errors,
        )
        .await?;
        return crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let user = &candidate.account.user;
    let applicant = Applicant {
        id: Some(user.id),
        name: &user.display_name,
        email: &user.email,
    };
    match submit_application(
        &state,
        &applicant,
        season_id,
        &submission.input,
        submission.resume,
        &submission.resume_filename,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/me?notice=submitted").into_response()),
        Err(SubmitError::Invalid(errors)) => {
            let page = apply_page(
                &state,
                &candidate,
                &csrf,
                season_id,
                submission.input,
                errors,
            )
            .await?;
            crate::html::render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(SubmitError::Refused(error)) => Err(error),
    }
}

/// Who is applying.
pub struct Applicant<'a> {
    /// The candidate's account; `None` for someone new (through the API), whose account is
    /// created in the application's own transaction, so a refused application leaves none.
    pub id: Option<i64>,
    pub name: &'a str,
    pub email: &'a str,
}

/// Why an application was not stored.
pub enum SubmitError {
    /// Fields to correct; the form is shown again.
    Invalid(FieldErrors),
    /// Refused as a whole (a second application, an unknown season) or failed.
    Refused(AppError),
}

impl<E: Into<AppError>> From<E> for SubmitError {
    fn from(error: E) -> SubmitError {
        SubmitError::Refused(error.into())
    }
}

/// Validates and stores an application with its résumé, and queues the confirmation, for the
/// web form and the API alike. Nothing is written unless everything is valid.
pub async fn submit_application(
    state: &AppState,
    applicant: &Applicant<'_>,
    season_id: i64,
    input: &ApplicationInput,
    resume_bytes: Vec<u8>,
    resume_filename: &str,
) -> Result<i64, SubmitError> {
    let season = state.store().season(season_id).await?;
    let already = || {
        AppError::Conflict(format!("You already applied to {}; one application per season. Your first application is unchanged.", season.name))
    };
    if let Some(candidate_id) = applicant.id {
        if state
            .store()
            .application_in_season(candidate_id, season_id)
            .await?
            .is_some()
        {
            return Err(already().into());
        }
    }
    let mut errors = FieldErrors::new();
    let form = match ApplicationForm::parse(input) {
        Ok(form) => Some(form),
        Err(found) => {
            errors = found;
            None
        }
    };
    let openings = state
        .store()
        .openings(&OpeningFilter {
            season_id: Some(season_id),
            ..Default::default()
        })
        .await?;
    let now = state.clock().now_utc();
    let mut chosen_titles = Vec::new();
    for id in &input.choices {
        match openings.iter().find(|o| o.id == *id) {
            None => errors.add(
                "choices",
                "One of the chosen openings is not part of this season.",
            ),
            Some(opening) => {
                let zone: Tz = opening.time_zone.parse().unwrap_or(Tz::UTC);
                let window = crate::routes::openings::window_of(opening).ok_or_else(|| {
                    AppError::internal(anyhow::anyhow!(
                        "opening {} has an invalid window",
                        opening.id
                    ))
                })?;
                if let Err(closed) = window.check_open(now, zone) {
                    errors.add("choices", format!("{}: {}", opening.title, closed.0));
                }
                chosen_titles.push(format!(
                    "{} ({}, {})",
                    opening.title, opening.city, opening.country
                ));
            }
        }
    }
    let (resume, resume_bytes) =
        tokio::task::spawn_blocking(move || (read_resume(&resume_bytes), resume_bytes))
            .await
            .map_err(AppError::internal)?;
    let resume = resume
        .map_err(|error| errors.add("resume", error.to_string()))
        .ok();
    let (Some(form), Some(resume), true) = (form, resume, errors.is_empty()) else {
        return Err(SubmitError::Invalid(errors));
    };

    // The blob is written first: a committed application always finds its résumé. A blob whose
    // transaction then fails is unreferenced, never half-written.
    let (blob, resume_bytes) = state
        .put_blob(resume_bytes)
        .await
        .map_err(AppError::internal)?;
    let graduation = form.graduation.to_string();
    let links = form.links.joined();
    let filename = clean_filename(resume_filename, resume.kind);
    let mut tx = state.store().begin().await?;
    let candidate_id = match applicant.id {
        Some(id) => id,
        // The API's caller vouches for the application, not for the address: the account
        // stays unconfirmed until its owner sets a password from a link sent to it.
        None => match Store::create_unconfirmed_candidate(
            &mut tx,
            applicant.email,
            applicant.name,
            None,
            state.now(),
        )
        .await
        {
            Ok(id) => id,
            // Created by a request running at the same moment: try again to apply as it.
            Err(StoreError::Conflict { .. }) => {
                return Err(AppError::Conflict(
                    "An account with this email was created at the same moment; send the application again.".into(),
                )
                .into())
            }
            Err(other) => return Err(other.into()),
        },
    };
    let new = NewApplication {
        season_id,
        candidate_id,
        candidate_name: applicant.name,
        choices: &form.choices,
        school: form.school.as_str(),
        degree: form.degree.as_str(),
        graduation: &graduation,
        graduation_year: form.graduation.year() as i64,
        languages: form.languages.as_slice(),
        links: &links,
        cover_letter: form.cover_letter.as_str(),
        resume_blob: blob.as_str(),
        resume_filename: &filename,
        resume_kind: resume.kind.as_str(),
        resume_bytes: resume_bytes.len() as i64,
        resume_text: &resume.text,
    };
    let status_link = format!("{}/me", state.config().base_url);
    let message = mail::ApplicationReceived {
        name: applicant.name,
        season: &season.name,
        choices: &chosen_titles,
        status_link: &status_link,
    }
    .to(applicant.email);
    let id = match cohort_app::applications::create(state.store(), &mut tx, &new, state.now()).await
    {
        Ok(id) => id,
        Err(StoreError::Conflict { .. }) => return Err(already().into()),
        Err(other) => return Err(other.into()),
    };
    Store::enqueue_message(&mut tx, &message, state.now()).await?;
    Store::commit(tx).await?;
    state.forget_stage_counts();
    state.wake_mail();
    state.wake_jobs();
    tracing::info!(
        application.id = id,
        season.id = season_id,
        "application submitted"
    );
    Ok(id)
}
