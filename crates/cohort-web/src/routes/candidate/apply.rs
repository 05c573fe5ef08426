//! The application form. Storing the application is `cohort_app::applications::submit`.

use crate::auth::{CandidateOnly, Csrf, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;
use cohort_app::applications::submit::{submit, Applicant, ResumeUpload, SubmitError};
use cohort_domain::application::{ApplicationInput, MAX_CHOICES};
use cohort_domain::FieldErrors;
use cohort_store::seasons::{OpeningFilter, OpeningRecord};

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
    if !candidate.account.email_confirmed() {
        // The upload is read and dropped before the answer: a server that closes a connection
        // with unread data makes the client's network stack discard the answer (a reset), and
        // the candidate would see a broken connection instead of the reason. The body limit
        // bounds what is read.
        let mut multipart = multipart;
        while let Ok(Some(mut field)) = multipart.next_field().await {
            while let Ok(Some(_)) = field.chunk().await {}
        }
        return Err(AppError::ForbiddenBecause(
            "Confirm your email address before you apply: open the link we emailed you.".into(),
        ));
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
    let upload = ResumeUpload {
        bytes: submission.resume,
        filename: &submission.resume_filename,
    };
    match submit(
        state.app(),
        &applicant,
        season_id,
        &submission.input,
        upload,
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
        Err(other) => Err(other.into()),
    }
}
