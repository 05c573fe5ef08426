//! Submitting an application with its résumé, for the candidate's form and the API alike.

use super::resume::{clean_filename, read_resume, Resume};
use super::{create, mail};
use crate::mail::Message;
use crate::App;
use chrono_tz::Tz;
use cohort_domain::application::{ApplicationForm, ApplicationInput};
use cohort_domain::FieldErrors;
use cohort_store::applications::NewApplication;
use cohort_store::seasons::{OpeningFilter, OpeningRecord, SeasonRecord};
use cohort_store::{Store, StoreError};

/// Who is applying.
pub struct Applicant<'a> {
    /// The candidate's account; `None` for someone new (through the API), whose account is
    /// created in the application's own transaction, so a refused application leaves none.
    pub id: Option<i64>,
    pub name: &'a str,
    pub email: &'a str,
}

/// The résumé as uploaded.
pub struct ResumeUpload<'a> {
    pub bytes: Vec<u8>,
    /// The file name the browser or the API caller gave; only echoed back, cleaned.
    pub filename: &'a str,
}

/// Why an application was not stored. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// Fields to correct; the form is shown again.
    #[error("some fields need correcting")]
    Invalid(FieldErrors),
    #[error("You already applied to {season}; one application per season. Your first application is unchanged.")]
    AlreadyApplied { season: String },
    /// The account of a new applicant was created by a request running at the same moment.
    #[error(
        "An account with this email was created at the same moment; send the application again."
    )]
    AccountRaced,
    /// An opening's stored window cannot be read: a fault of the data, not of the applicant.
    #[error("opening {0} has an invalid window")]
    BrokenOpening(i64),
    /// The résumé reader's thread failed (it catches the PDF parser's panics itself).
    #[error("the résumé reader failed: {0}")]
    ReaderFailed(tokio::task::JoinError),
    #[error("the résumé could not be stored: {0}")]
    Blob(std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates and stores an application with its résumé, and queues the confirmation mail and
/// the search indexing in the same transaction; returns the application's id. Nothing is
/// written unless everything is valid.
pub async fn submit(
    app: &App,
    applicant: &Applicant<'_>,
    season_id: i64,
    input: &ApplicationInput,
    upload: ResumeUpload<'_>,
) -> Result<i64, SubmitError> {
    let season = app.store().season(season_id).await?;
    let already = || SubmitError::AlreadyApplied {
        season: season.name.clone(),
    };
    if let Some(candidate_id) = applicant.id {
        let existing = app
            .store()
            .application_in_season(candidate_id, season_id)
            .await?;
        if existing.is_some() {
            return Err(already());
        }
    }
    let mut errors = FieldErrors::new();
    let form = ApplicationForm::parse(input)
        .map_err(|found| errors = found)
        .ok();
    let chosen_titles = check_choices(app, season_id, &input.choices, &mut errors).await?;
    let bytes = upload.bytes;
    let (resume, bytes) = tokio::task::spawn_blocking(move || (read_resume(&bytes), bytes))
        .await
        .map_err(SubmitError::ReaderFailed)?;
    let resume = resume
        .map_err(|error| errors.add("resume", error.to_string()))
        .ok();
    let (Some(form), Some(resume), true) = (form, resume, errors.is_empty()) else {
        return Err(SubmitError::Invalid(errors));
    };
    let stored = store_resume(app, bytes, resume, upload.filename).await?;
    let id = store_application(app, applicant, &season, &form, &stored, &chosen_titles).await?;
    app.forget_stage_counts();
    app.wake_mail();
    app.wake_jobs();
    tracing::info!(
        application.id = id,
        season.id = season_id,
        "application submitted"
    );
    Ok(id)
}

/// Checks that each chosen opening belongs to the season and takes applications now,
/// recording what is wrong in `errors`; returns the chosen openings as the confirmation mail
/// names them.
pub async fn check_choices(
    app: &App,
    season_id: i64,
    choices: &[i64],
    errors: &mut FieldErrors,
) -> Result<Vec<String>, SubmitError> {
    let openings = app
        .store()
        .openings(&OpeningFilter {
            season_id: Some(season_id),
            ..Default::default()
        })
        .await?;
    let now = app.clock().now_utc();
    let mut chosen_titles = Vec::new();
    for id in choices {
        let Some(opening) = openings.iter().find(|o| o.id == *id) else {
            errors.add(
                "choices",
                "One of the chosen openings is not part of this season.",
            );
            continue;
        };
        let zone: Tz = opening.time_zone.parse().unwrap_or(Tz::UTC);
        let window = opening
            .window()
            .ok_or(SubmitError::BrokenOpening(opening.id))?;
        if let Err(closed) = window.check_open(now, zone) {
            errors.add("choices", format!("{}: {}", opening.title, closed.0));
        }
        chosen_titles.push(title_of(opening));
    }
    Ok(chosen_titles)
}

fn title_of(opening: &OpeningRecord) -> String {
    format!("{} ({}, {})", opening.title, opening.city, opening.country)
}

/// A résumé written to the blob store, with what the application row records of it.
pub struct StoredResume {
    blob: String,
    filename: String,
    size: i64,
    resume: Resume,
}

/// Writes the résumé before the application: a committed application always finds its
/// résumé. A blob whose transaction then fails is unreferenced, never half-written.
async fn store_resume(
    app: &App,
    bytes: Vec<u8>,
    resume: Resume,
    filename: &str,
) -> Result<StoredResume, SubmitError> {
    let (blob, bytes) = app.put_blob(bytes).await.map_err(SubmitError::Blob)?;
    Ok(StoredResume {
        blob: blob.as_str().to_owned(),
        filename: clean_filename(filename, resume.kind),
        size: bytes.len() as i64,
        resume,
    })
}

/// Stores the application (and a new applicant's account) with its confirmation mail and its
/// indexing job in one transaction.
async fn store_application(
    app: &App,
    applicant: &Applicant<'_>,
    season: &SeasonRecord,
    form: &ApplicationForm,
    stored: &StoredResume,
    chosen_titles: &[String],
) -> Result<i64, SubmitError> {
    let now = app.now();
    let mut tx = app.store().begin().await?;
    let candidate_id = match applicant.id {
        Some(id) => id,
        // The API's caller vouches for the application, not for the address: the account
        // stays unconfirmed until its owner sets a password from a link sent to it.
        None => match Store::create_unconfirmed_candidate(
            &mut tx,
            applicant.email,
            applicant.name,
            None,
            now,
        )
        .await
        {
            Ok(id) => id,
            // Created by a request running at the same moment: try again to apply as it.
            Err(StoreError::Conflict { .. }) => return Err(SubmitError::AccountRaced),
            Err(other) => return Err(other.into()),
        },
    };
    let graduation = form.graduation.to_string();
    let links = form.links.joined();
    let new = NewApplication {
        season_id: season.id,
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
        resume_blob: &stored.blob,
        resume_filename: &stored.filename,
        resume_kind: stored.resume.kind.as_str(),
        resume_bytes: stored.size,
        resume_text: &stored.resume.text,
    };
    let message = mail::ApplicationReceived {
        name: applicant.name,
        season: &season.name,
        choices: chosen_titles,
        status_link: &app.config().link("/me"),
    }
    .to(applicant.email);
    let id = match create(app.store(), &mut tx, &new, now).await {
        Ok(id) => id,
        // The unique index on (season, candidate): an application sent at the same moment.
        Err(StoreError::Conflict { .. }) => {
            return Err(SubmitError::AlreadyApplied {
                season: season.name.clone(),
            })
        }
        Err(other) => return Err(other.into()),
    };
    Store::enqueue_message(&mut tx, &message, now).await?;
    Store::commit(tx).await?;
    Ok(id)
}
