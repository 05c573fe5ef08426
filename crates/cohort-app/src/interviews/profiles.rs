//! Interviewers' profiles and training: an interviewer keeps their own hours, time zone, caps,
//! time off and meeting link; a recruiter also sets their tracks, whether they are a bar
//! raiser, and where they stand in each competency; a bar raiser signs a trainee off.

use super::InterviewsError;
use crate::App;
use cohort_domain::interviews::profile::{Profile, SignOffError, Training, TrainingState};
use cohort_store::{Store, StoreError};

/// Why a training change was refused.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    #[error(transparent)]
    SignOff(#[from] SignOffError),
    #[error("This person has no training in that competency.")]
    NotTraining,
    #[error(transparent)]
    Interviews(#[from] InterviewsError),
}

impl From<StoreError> for TrainingError {
    fn from(error: StoreError) -> TrainingError {
        TrainingError::Interviews(error.into())
    }
}

/// Fails with [`InterviewsError::NotAnInterviewer`] unless `user_id` is an active interviewer.
async fn require_interviewer(app: &App, user_id: i64) -> Result<(), InterviewsError> {
    match app.store().interviewer(user_id).await? {
        Some(_) => Ok(()),
        None => Err(InterviewsError::NotAnInterviewer),
    }
}

/// Saves what the profile form sets for an interviewer.
pub async fn save_profile(
    app: &App,
    user_id: i64,
    profile: &Profile,
) -> Result<(), InterviewsError> {
    require_interviewer(app, user_id).await?;
    let mut tx = app.store().begin().await?;
    Store::save_interviewer_profile(&mut tx, user_id, profile, app.now()).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Sets an interviewer's tracks and whether they are a bar raiser. Their profile must exist:
/// a person with no hours cannot be scheduled on any track.
pub async fn set_staffing(
    app: &App,
    user_id: i64,
    bar_raiser: bool,
    tracks: &[String],
) -> Result<(), InterviewsError> {
    require_interviewer(app, user_id).await?;
    let mut tx = app.store().begin().await?;
    match Store::set_interviewer_staffing(&mut tx, user_id, bar_raiser, tracks).await {
        Err(StoreError::NotFound) => return Err(InterviewsError::NoProfile),
        other => other?,
    }
    Store::commit(tx).await?;
    Ok(())
}

/// Sets where an interviewer stands in a competency (a recruiter starting someone's training,
/// or recording an experienced interviewer as qualified), keeping the counts so far; `None`
/// removes the competency from their profile.
pub async fn set_training_state(
    app: &App,
    user_id: i64,
    competency_id: i64,
    state: Option<TrainingState>,
) -> Result<(), InterviewsError> {
    require_interviewer(app, user_id).await?;
    if !app
        .store()
        .competencies()
        .await?
        .iter()
        .any(|c| c.id == competency_id)
    {
        return Err(InterviewsError::Store(StoreError::NotFound));
    }
    let mut tx = app.store().begin().await?;
    let current = Store::training_in(&mut tx, user_id, competency_id).await?;
    let training = state.map(|state| Training {
        state,
        ..current.unwrap_or(Training {
            state,
            shadows: 0,
            reverse_shadows: 0,
        })
    });
    Store::set_training(&mut tx, user_id, competency_id, training, None).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// A bar raiser signs an interviewer off as qualified in a competency, once the graduation
/// rule's interviews are done.
pub async fn sign_off(
    app: &App,
    signer: i64,
    user_id: i64,
    competency_id: i64,
) -> Result<(), TrainingError> {
    let signer_is_bar_raiser = app
        .store()
        .interviewer(signer)
        .await?
        .is_some_and(|i| i.bar_raiser);
    let mut tx = app.store().begin().await?;
    let mut training = Store::training_in(&mut tx, user_id, competency_id)
        .await?
        .ok_or(TrainingError::NotTraining)?;
    training.sign_off(
        app.config().graduation,
        signer_is_bar_raiser,
        signer == user_id,
    )?;
    let signed = Some((signer, app.now()));
    Store::set_training(&mut tx, user_id, competency_id, Some(training), signed).await?;
    Store::commit(tx).await?;
    tracing::info!(user.id = user_id, by = signer, "interviewer signed off");
    Ok(())
}
