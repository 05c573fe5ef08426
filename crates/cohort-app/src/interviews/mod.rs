//! Interviews: the company's competencies, and each track's loop template (its phone screens
//! and the final loop's interviews, each with its technical area and principles).
//!
//! [`profiles`] holds the interviewers' profiles and training. [`suggested`] holds a template for each of the five tracks the program has, which a
//! coordinator starts from and the demo saves.

pub mod calendars;
pub mod case_studies;
pub mod debriefs;
pub mod feedback;
pub mod feedback_reminders;
pub mod feeds;
pub mod follow_ups;
pub mod invites;
pub mod kinds;
pub mod kits;
pub mod links;
pub mod mail;
pub mod pad_replay;
pub mod pad_runs;
pub mod pads;
pub mod phone_screens;
pub mod planning;
pub mod plans;
pub mod profiles;
pub mod reminders;
pub mod shadows;
pub mod subscriptions;
pub mod suggested;

use crate::App;
use chrono::{DateTime, Utc};
use cohort_domain::interviews::{
    CompetencyKind, LoopTemplate, LEADERSHIP_PRINCIPLES, TECHNICAL_AREAS,
};
use cohort_store::{Store, StoreError};

/// A time stored as Unix seconds, as a UTC date and time.
pub(crate) fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// The principles the coverage view insists on when the demo seeds the list: those every
/// interviewer at the model company is told to listen for.
pub const KEY_PRINCIPLES: [&str; 4] = [
    "Customer Obsession",
    "Ownership",
    "Dive Deep",
    "Deliver Results",
];

/// Why a change to the interviews' settings was not made.
#[derive(Debug, thiserror::Error)]
pub enum InterviewsError {
    #[error("The list has a competency with this name already.")]
    NameTaken,
    #[error(
        "{name} is in use ({uses} in loop templates and interviewer training); take it out of them first."
    )]
    InUse { name: String, uses: i64 },
    /// The track is not the season's.
    #[error("That track is not part of this season.")]
    WrongSeason,
    #[error("That account is not an active interviewer.")]
    NotAnInterviewer,
    #[error("The interviewer has no profile yet: fill in their hours and time zone first.")]
    NoProfile,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for InterviewsError {
    fn from(error: StoreError) -> InterviewsError {
        match error {
            StoreError::Conflict { .. } => InterviewsError::NameTaken,
            other => InterviewsError::Store(other),
        }
    }
}

/// Adds a competency at the end of its kind's list; returns its id.
pub async fn add_competency(
    app: &App,
    name: &str,
    kind: CompetencyKind,
    key: bool,
) -> Result<i64, InterviewsError> {
    let mut tx = app.store().begin().await?;
    let id = Store::create_competency(&mut tx, name, kind, key, app.now()).await?;
    Store::commit(tx).await?;
    Ok(id)
}

/// Renames a competency and sets whether it is a key principle.
pub async fn update_competency(
    app: &App,
    id: i64,
    name: &str,
    key: bool,
) -> Result<(), InterviewsError> {
    let mut tx = app.store().begin().await?;
    Store::update_competency(&mut tx, id, name, key).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Removes a competency no loop template uses.
pub async fn remove_competency(app: &App, id: i64) -> Result<(), InterviewsError> {
    let mut tx = app.store().begin().await?;
    let uses = Store::competency_uses(&mut tx, id).await?;
    if uses > 0 {
        let name = app
            .store()
            .competencies()
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .map_or_else(|| "This competency".to_owned(), |c| c.name);
        return Err(InterviewsError::InUse { name, uses });
    }
    Store::delete_competency(&mut tx, id).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Seeds the technical areas and the sixteen Leadership Principles, when the list is empty;
/// returns whether it did.
pub async fn seed_competencies(app: &App) -> Result<bool, InterviewsError> {
    if !app.store().competencies().await?.is_empty() {
        return Ok(false);
    }
    let mut tx = app.store().begin().await?;
    let now = app.now();
    for area in TECHNICAL_AREAS {
        Store::create_competency(&mut tx, area, CompetencyKind::Technical, false, now).await?;
    }
    for principle in LEADERSHIP_PRINCIPLES {
        let key = KEY_PRINCIPLES.contains(&principle);
        Store::create_competency(&mut tx, principle, CompetencyKind::Principle, key, now).await?;
    }
    Store::commit(tx).await?;
    Ok(true)
}

/// The saved loop template of an application's first-choice track; `None` when the application
/// has no choice or its track no template.
pub async fn template_of_application(
    app: &App,
    application_id: i64,
) -> Result<Option<cohort_store::interviews::SavedLoopTemplate>, StoreError> {
    let setup = match app.store().phone_screen_setup(application_id).await {
        Ok(setup) => setup,
        Err(StoreError::NotFound) => return Ok(None),
        Err(other) => return Err(other),
    };
    let Some(track) = app
        .store()
        .tracks(setup.season_id)
        .await?
        .into_iter()
        .find(|t| t.name == setup.track_name)
    else {
        return Ok(None);
    };
    Ok(app
        .store()
        .loop_templates(setup.season_id)
        .await?
        .into_iter()
        .find(|t| t.track_id == track.id))
}

/// Creates or replaces the loop template of a season's track; returns its id.
pub async fn save_loop_template(
    app: &App,
    season_id: i64,
    track_id: i64,
    template: &LoopTemplate,
) -> Result<i64, InterviewsError> {
    if app.store().track(track_id).await?.season_id != season_id {
        return Err(InterviewsError::WrongSeason);
    }
    let mut tx = app.store().begin().await?;
    let id = Store::save_loop_template(&mut tx, season_id, track_id, template, app.now()).await?;
    Store::commit(tx).await?;
    tracing::info!(track.id = track_id, "loop template saved");
    Ok(id)
}
