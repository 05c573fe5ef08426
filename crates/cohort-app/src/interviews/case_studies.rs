//! Case-study interviews: the cases recruiters and bar raisers write (a prompt per track and
//! technical area of a season), what a candidate with a published loop sees of them and
//! uploads, and the deliverable as the panel reads it.
//!
//! A case belongs to the loop interview of its track whose focus is its technical area (a bar
//! raiser's seat has its own focus, so it never carries the case). The candidate sees the prompt
//! from `days_ahead` days before that interview and may upload until it starts; the type of a
//! deliverable is read from its content, never from its name.

use super::kinds::FINAL_LOOP;
use crate::App;
use cohort_domain::interviews::case_study::{
    self, CasePhase, CaseStudyForm, DeliverableError, DeliverableKind,
};
use cohort_domain::FieldErrors;
use cohort_store::accounts::Account;
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::interviews::case_studies::{CaseStudyRecord, DeliverableRecord, NewDeliverable};
use cohort_store::{Store, StoreError};
use std::io::Read;

/// Why a case or a deliverable was refused; the messages are shown to the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("not found")]
    NotFound,
    #[error("Only recruiters and bar raisers write case studies.")]
    Forbidden,
    #[error("Some fields need attention.")]
    Invalid(FieldErrors),
    #[error("That track's interview in that area has a case already: edit it instead.")]
    Duplicate,
    #[error("This case asks for no upload.")]
    NoDeliverable,
    #[error("Uploads for this case closed when the interview started.")]
    Closed,
    #[error("{0}")]
    Upload(#[from] DeliverableError),
    #[error("the file could not be stored: {0}")]
    Blob(std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Saves a case of `season_id`: a new one, or `id` rewritten.
pub async fn save(
    app: &App,
    account: &Account,
    season_id: i64,
    id: Option<i64>,
    form: &CaseStudyForm,
) -> Result<i64, CaseError> {
    if !may_edit(app, account).await? {
        return Err(CaseError::Forbidden);
    }
    let tracks: Vec<i64> = app
        .store()
        .tracks(season_id)
        .await?
        .iter()
        .map(|t| t.id)
        .collect();
    let competencies = app.store().competency_rules().await?;
    let case = form
        .parse(&tracks, &competencies)
        .map_err(CaseError::Invalid)?;
    let mut tx = app.store().begin().await?;
    let saved = match id {
        None => {
            Store::create_case_study(&mut tx, season_id, &case, account.user.id, app.now()).await
        }
        Some(id) => Store::update_case_study(&mut tx, (season_id, id), &case, app.now())
            .await
            .map(|()| id),
    };
    let saved = saved.map_err(|error| match error {
        StoreError::Conflict { .. } => CaseError::Duplicate,
        StoreError::NotFound => CaseError::NotFound,
        other => other.into(),
    })?;
    Store::commit(tx).await?;
    Ok(saved)
}

/// A case as one candidate meets it: the interview it belongs to, where they are with it, and
/// what they uploaded last.
#[derive(Debug, Clone)]
pub struct CandidateCase {
    pub case: CaseStudyRecord,
    pub interview: InterviewRecord,
    pub phase: CasePhase,
    /// When the prompt shows.
    pub opens_at: i64,
    pub latest: Option<DeliverableRecord>,
}

/// Whether `case` is the one `interview` discusses.
fn belongs(case: &CaseStudyRecord, interview: &InterviewRecord, season_id: i64) -> bool {
    interview.kind == FINAL_LOOP
        && interview.is_booked()
        && case.season_id == season_id
        && interview.track_name.as_deref() == Some(case.track_name.as_str())
        && interview.focus.as_deref() == Some(case.area_name.as_str())
}

/// The cases of `application_id`'s published loop, in the loop's order.
pub async fn cases_of_application(
    app: &App,
    application_id: i64,
) -> Result<Vec<CandidateCase>, StoreError> {
    let application = app.store().application(application_id).await?;
    let cases = app.store().case_studies(application.season_id).await?;
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    let deliverables = app.store().deliverables_of(application_id).await?;
    let now = app.now();
    let mut found: Vec<CandidateCase> = Vec::new();
    for interview in super::plans::loop_of(app, application_id).await? {
        for case in cases
            .iter()
            .filter(|c| belongs(c, &interview, application.season_id))
        {
            // A loop with two interviews in the case's area discusses it at the first one still
            // ahead (else the last): the candidate sees it once, with one upload window.
            if let Some(earlier) = found.iter().position(|f| f.case.id == case.id) {
                if found[earlier].interview.starts_at > now {
                    continue;
                }
                found.remove(earlier);
            }
            let days = u32::try_from(case.days_ahead).unwrap_or(0);
            found.push(CandidateCase {
                phase: case_study::phase(interview.starts_at, days, now),
                opens_at: interview.starts_at - case.days_ahead * 86_400,
                latest: deliverables
                    .iter()
                    .rev()
                    .find(|d| d.case_study_id == case.id)
                    .cloned(),
                case: case.clone(),
                interview: interview.clone(),
            });
        }
    }
    Ok(found)
}

/// The case of one interview, with the candidate's latest deliverable, for its kit.
pub async fn case_of_interview(
    app: &App,
    interview: &InterviewRecord,
) -> Result<Option<CandidateCase>, StoreError> {
    Ok(cases_of_application(app, interview.application_id)
        .await?
        .into_iter()
        .find(|c| c.interview.id == interview.id))
}

/// Reads a deliverable's type from its content: a PDF, or an Office Open XML archive holding a
/// Word document or a presentation. CPU-bound on large files: call it off the async runtime.
pub fn read_deliverable(bytes: &[u8]) -> Result<DeliverableKind, DeliverableError> {
    case_study::check_size(bytes.len())?;
    if bytes.starts_with(b"%PDF-") {
        // A PDF ends with its trailer; one cut short (a broken upload) has none.
        let tail = &bytes[bytes.len().saturating_sub(2048)..];
        if tail.windows(5).any(|w| w == b"%%EOF") {
            return Ok(DeliverableKind::Pdf);
        }
        return Err(DeliverableError::Damaged);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(DeliverableError::LegacyOffice);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(DeliverableError::Unsupported);
    }
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| DeliverableError::Damaged)?;
    // The package's own list of parts says what it is; a zip without one is not Office.
    let mut types = String::new();
    archive
        .by_name("[Content_Types].xml")
        .map_err(|_| DeliverableError::Unsupported)?
        .take(1024 * 1024)
        .read_to_string(&mut types)
        .map_err(|_| DeliverableError::Damaged)?;
    // The main part's exact type: a macro-enabled file, a template or a slide show names a
    // different one, and would be served under the wrong type.
    let has = |name: &str| archive.index_for_name(name).is_some();
    let document =
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
    let deck = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml";
    if has("word/document.xml") && types.contains(document) {
        Ok(DeliverableKind::Docx)
    } else if has("ppt/presentation.xml") && types.contains(deck) {
        Ok(DeliverableKind::Pptx)
    } else {
        Err(DeliverableError::Unsupported)
    }
}

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uploaded {
    Stored(DeliverableKind),
    /// The same file as the latest upload (a second press): nothing new was stored.
    Unchanged,
}

/// Stores `bytes` as `application_id`'s deliverable for `case_id`; the caller has checked the
/// application is the candidate's own. Refused outside the upload window and for a case that
/// asks for none; the same file sent again is stored once.
pub async fn upload(
    app: &App,
    application_id: i64,
    case_id: i64,
    bytes: Vec<u8>,
    filename: &str,
) -> Result<Uploaded, CaseError> {
    let case = cases_of_application(app, application_id)
        .await?
        .into_iter()
        .find(|c| c.case.id == case_id && c.phase != CasePhase::NotYet)
        .ok_or(CaseError::NotFound)?;
    if !case.case.wants_deliverable() {
        return Err(CaseError::NoDeliverable);
    }
    if case.phase == CasePhase::Closed {
        return Err(CaseError::Closed);
    }
    let (kind, bytes) =
        tokio::task::spawn_blocking(move || read_deliverable(&bytes).map(|kind| (kind, bytes)))
            .await
            .map_err(|e| CaseError::Blob(std::io::Error::other(e)))??;
    let size = bytes.len() as i64;
    let (blob, _) = app.put_blob(bytes).await.map_err(CaseError::Blob)?;
    let mut tx = app.store().begin().await?;
    Store::lock_application(&mut tx, application_id).await?;
    let latest = Store::latest_deliverable_in(&mut tx, application_id, case_id).await?;
    if latest.is_some_and(|d| d.blob == blob.as_str()) {
        return Ok(Uploaded::Unchanged);
    }
    Store::insert_deliverable(
        &mut tx,
        &NewDeliverable {
            application_id,
            case_study_id: case_id,
            blob: blob.as_str(),
            filename: &case_study::clean_filename(filename, kind),
            kind: kind.as_str(),
            size,
        },
        app.now(),
    )
    .await?;
    Store::commit(tx).await?;
    tracing::info!(
        application.id = application_id,
        case.id = case_id,
        size,
        "case deliverable uploaded"
    );
    Ok(Uploaded::Stored(kind))
}

/// The deliverable `id` for `account`: its candidate, the pipeline's roles, and the
/// interviewers and shadows of the candidate's loop. Anyone else does not find it.
pub async fn deliverable_for(
    app: &App,
    account: &Account,
    id: i64,
) -> Result<DeliverableRecord, CaseError> {
    let deliverable = match app.store().deliverable(id).await {
        Ok(found) => found,
        Err(StoreError::NotFound) => return Err(CaseError::NotFound),
        Err(other) => return Err(other.into()),
    };
    let application = app.store().application(deliverable.application_id).await?;
    let me = account.user.id;
    let allowed = application.candidate_id == me
        || account.roles.iter().any(|r| r.sees_pipeline())
        || super::plans::loop_of(app, application.id)
            .await?
            .iter()
            .any(|i| i.interviewer_id == Some(me) || i.shadow_id == Some(me));
    if allowed {
        Ok(deliverable)
    } else {
        Err(CaseError::NotFound)
    }
}

/// Whether `account` writes cases: the people who keep the question bank.
pub async fn may_edit(app: &App, account: &Account) -> Result<bool, StoreError> {
    super::feedback::keeps_kit_content(app, account).await
}
