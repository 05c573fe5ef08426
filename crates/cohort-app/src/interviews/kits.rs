//! Interview kits and the question bank behind them. A kit is worked out from the interview's
//! seat (the principles and technical area its scorecard asks about), the bank and the season's
//! usage, whenever it is opened; the bank is edited by recruiters and bar raisers.

use super::feedback::{self, FeedbackError};
use crate::App;
use cohort_domain::interviews::feedback::Rating;
use cohort_domain::interviews::kit::{self, BankQuestion, QuestionInput};
use cohort_domain::interviews::planning::BAR_RAISER;
use cohort_domain::FieldErrors;
use cohort_store::accounts::Account;
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::interviews::questions::QuestionRecord;
use cohort_store::{Store, StoreError};

/// Why a change to the bank was refused.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    #[error("Only recruiters and bar raisers edit the question bank.")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("Some fields need attention.")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One principle or the technical area in a kit, with its suggested questions.
#[derive(Debug, Clone)]
pub struct KitPart {
    pub competency_id: i64,
    pub name: String,
    pub questions: Vec<QuestionRecord>,
}

/// An interview's kit.
#[derive(Debug, Clone)]
pub struct Kit {
    pub interview: InterviewRecord,
    pub track: String,
    pub purpose: &'static str,
    /// For a follow-up interview, what the debrief wants to learn from it.
    pub brief: Option<String>,
    /// For a case-study interview, the case and the candidate's latest deliverable.
    pub case: Option<super::case_studies::CandidateCase>,
    pub area: Option<KitPart>,
    pub principles: Vec<KitPart>,
    /// (what, minutes), adding up to the interview's length.
    pub plan: Vec<(String, u32)>,
    /// Each rating level with what it means for a principle and for the technical area.
    pub levels: Vec<(Rating, &'static str, &'static str)>,
    /// Whether the interview is held in the live coding pad.
    pub coding_pad: bool,
}

/// The season an application belongs to.
async fn season_of(app: &App, application_id: i64) -> Result<i64, StoreError> {
    Ok(app.store().application(application_id).await?.season_id)
}

/// The kit of `interview_id` for its interviewer or shadow; anyone else does not find it.
pub async fn kit_for(app: &App, user_id: i64, interview_id: i64) -> Result<Kit, FeedbackError> {
    let form = feedback::scorecard_form(app, user_id, interview_id).await?;
    let interview = form.interview;
    let track = interview.track_name.clone().unwrap_or_default();
    let season = season_of(app, interview.application_id).await?;
    let bank = app.store().questions(season).await?;
    let facts: Vec<BankQuestion> = bank.iter().map(QuestionRecord::bank_question).collect();
    let part = |id: i64| KitPart {
        competency_id: id,
        name: form.names.get(&id).cloned().unwrap_or_default(),
        questions: kit::suggest(&facts, id, &track)
            .into_iter()
            .filter_map(|q| bank.iter().find(|b| b.id == q).cloned())
            .collect(),
    };
    let area = form.shape.area.map(part);
    let principles: Vec<KitPart> = form.shape.principles.iter().map(|&id| part(id)).collect();
    let names: Vec<String> = principles.iter().map(|p| p.name.clone()).collect();
    let minutes = ((interview.ends_at - interview.starts_at) / 60).max(0) as u32;
    let brief = app
        .store()
        .follow_up(interview.id)
        .await?
        .map(|follow_up| follow_up.brief);
    let case = super::case_studies::case_of_interview(app, &interview).await?;
    let coding_pad = super::pads::has_pad(app, &interview).await?;
    Ok(Kit {
        coding_pad,
        brief,
        case,
        purpose: kit::purpose(
            area.as_ref().map(|a| a.name.as_str()),
            interview.focus.as_deref() == Some(BAR_RAISER),
        ),
        plan: kit::time_plan(minutes, &names, area.as_ref().map(|a| a.name.as_str())),
        levels: Rating::ALL
            .into_iter()
            .map(|r| (r, r.principle_meaning(), r.technical_meaning()))
            .collect(),
        area,
        principles,
        track,
        interview,
    })
}

/// Whether `account` edits the bank: recruiters, administrators and bar raisers.
pub async fn may_edit_bank(app: &App, account: &Account) -> Result<bool, StoreError> {
    feedback::keeps_kit_content(app, account).await
}

/// Checks a question's competency against the company's list.
async fn checked(app: &App, question: &QuestionInput) -> Result<(), BankError> {
    let known = app
        .store()
        .competencies()
        .await?
        .iter()
        .any(|c| c.id == question.competency_id);
    if known {
        Ok(())
    } else {
        let mut errors = FieldErrors::new();
        errors.add(
            "competency",
            "Choose a principle or technical area from the list.",
        );
        Err(BankError::Invalid(errors))
    }
}

pub async fn add_question(
    app: &App,
    account: &Account,
    question: &QuestionInput,
) -> Result<i64, BankError> {
    if !may_edit_bank(app, account).await? {
        return Err(BankError::Forbidden);
    }
    checked(app, question).await?;
    let mut tx = app.store().begin().await?;
    // The same question sent twice (a double click, a second tab) is in the bank once.
    if let Some(id) =
        Store::question_asking_in(&mut tx, question.competency_id, &question.prompt).await?
    {
        return Ok(id);
    }
    let id = Store::create_question(&mut tx, question, account.user.id, app.now()).await?;
    Store::commit(tx).await?;
    Ok(id)
}

pub async fn update_question(
    app: &App,
    account: &Account,
    id: i64,
    question: &QuestionInput,
) -> Result<(), BankError> {
    if !may_edit_bank(app, account).await? {
        return Err(BankError::Forbidden);
    }
    checked(app, question).await?;
    let mut tx = app.store().begin().await?;
    Store::update_question(&mut tx, id, question, app.now())
        .await
        .map_err(|error| match error {
            StoreError::NotFound => BankError::NotFound,
            other => other.into(),
        })?;
    Store::commit(tx).await?;
    Ok(())
}

/// Retires a question, or brings it back: a retired question is no longer suggested, and the
/// scorecards that asked it keep naming it.
pub async fn set_retired(
    app: &App,
    account: &Account,
    id: i64,
    retired: bool,
) -> Result<(), BankError> {
    if !may_edit_bank(app, account).await? {
        return Err(BankError::Forbidden);
    }
    let mut tx = app.store().begin().await?;
    Store::set_question_retired(&mut tx, id, retired, app.now())
        .await
        .map_err(|error| match error {
            StoreError::NotFound => BankError::NotFound,
            other => other.into(),
        })?;
    Store::commit(tx).await?;
    Ok(())
}
