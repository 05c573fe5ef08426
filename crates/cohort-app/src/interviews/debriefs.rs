//! The debrief of a final loop: opening it when the loop's feedback is complete, written votes
//! hidden until all are in (or the bar raiser reveals them), discussion notes, and the decision
//! that moves the application (hire to Offer, no hire to Rejected, more information back to
//! Final loop) with the decision recorded in the same transaction.
//!
//! Who may do what, all checked here: the debrief is open while the application is in Debrief;
//! the page opens for the pipeline's roles and the loop's interviewers; the loop's interviewers
//! (once their own feedback is in) and its track's hiring manager vote (any hiring manager, when
//! the track has none set, without being awaited); only the loop's bar raiser reveals
//! early; the decision is the pipeline's deciding roles' (the stage table's), after the reveal,
//! and never hire over the bar raiser's no-hire vote when the season gives them a veto.

use super::feedback::{self, CandidateFeedback};
use super::kinds::FINAL_LOOP;
use crate::applications::{self, MoveError};
use crate::App;
use cohort_domain::input::Text;
use cohort_domain::interviews::debrief::{
    self, CastVote, Decision, DecisionError, MAX_DEBRIEF_TEXT,
};
use cohort_domain::interviews::planning::BAR_RAISER;
use cohort_domain::{Role, Stage};
use cohort_store::accounts::Account;
use cohort_store::applications::ApplicationRecord;
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::interviews::debriefs::{DebriefRecord, DebriefRound, Manager, VoteRecord};
use cohort_store::{Store, StoreError, Tx};

/// Why a debrief action was refused; the messages are shown to the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum DebriefError {
    /// No such application, or the person has no part in its debrief.
    #[error("not found")]
    NotFound,
    #[error("The debrief is not open: it opens when every interview of the loop has its feedback, or when a recruiter moves the candidate to Debrief.")]
    NotOpen,
    #[error("Only the loop's interviewers and its track's hiring manager vote.")]
    NotAVoter,
    #[error("Submit your own feedback on this candidate before you vote.")]
    FeedbackFirst,
    #[error("You have voted already. Once the votes are revealed you may change your vote.")]
    AlreadyVoted,
    #[error("Only the loop's bar raiser reveals the votes early.")]
    NotTheBarRaiser,
    #[error("The votes are revealed already.")]
    AlreadyRevealed,
    #[error("The debrief moved on while you were on the page (a decision was recorded): reload it and look again.")]
    MovedOn,
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Refused(#[from] DecisionError),
    #[error("{0}")]
    Move(#[from] MoveError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The loop's interviewers, who among them is the bar raiser, and the track's hiring manager.
#[derive(Debug, Clone)]
pub struct Panel {
    pub interviews: Vec<InterviewRecord>,
    pub interviewers: Vec<i64>,
    pub bar_raiser: Option<i64>,
    pub hiring_manager: Option<Manager>,
}

impl Panel {
    /// Everyone whose vote the reveal waits for: the interviewers and the hiring manager.
    pub fn voters(&self) -> Vec<i64> {
        let mut voters = self.interviewers.clone();
        if let Some(manager) = &self.hiring_manager {
            if !voters.contains(&manager.id) {
                voters.push(manager.id);
            }
        }
        voters
    }

    /// Whether `account` votes: an interviewer of the loop, or its hiring manager (any hiring
    /// manager when the track has none set).
    pub fn may_vote(&self, account: &Account) -> bool {
        let me = account.user.id;
        self.interviewers.contains(&me)
            || match &self.hiring_manager {
                Some(manager) => manager.id == me,
                None => account.has(Role::HiringManager),
            }
    }
}

async fn panel_of(app: &App, application_id: i64) -> Result<Panel, StoreError> {
    let interviews: Vec<InterviewRecord> = app
        .store()
        .interviews_of_application(application_id)
        .await?
        .into_iter()
        .filter(|i| i.kind == FINAL_LOOP && i.is_booked())
        .collect();
    let mut interviewers: Vec<i64> = interviews.iter().filter_map(|i| i.interviewer_id).collect();
    interviewers.sort_unstable();
    interviewers.dedup();
    let bar_raiser = interviews
        .iter()
        .find(|i| i.focus.as_deref() == Some(BAR_RAISER))
        .and_then(|i| i.interviewer_id);
    Ok(Panel {
        interviews,
        interviewers,
        bar_raiser,
        hiring_manager: app.store().hiring_manager_of(application_id).await?,
    })
}

/// A debrief as one person sees it.
#[derive(Debug, Clone)]
pub struct DebriefView {
    pub application: ApplicationRecord,
    pub panel: Panel,
    pub open: bool,
    pub revealed: bool,
    /// The votes of this round the viewer may read: all once revealed, else their own.
    pub votes: Vec<VoteRecord>,
    /// The votes of earlier rounds, each revealed before its round was decided.
    pub earlier_votes: Vec<VoteRecord>,
    /// The round the debrief is in: 1, plus one for each "more information" decision.
    pub round: i64,
    /// Who has voted before the reveal (names only, for everyone).
    pub voted: Vec<String>,
    /// Voters who have not voted yet: (name, address, what they are besides an interviewer:
    /// "bar raiser", "hiring manager" or nothing).
    pub waiting_for: Vec<(String, String, &'static str)>,
    pub record: Option<DebriefRecord>,
    pub feedback: CandidateFeedback,
    pub veto: bool,
    pub may_vote: bool,
    pub has_voted: bool,
    pub may_reveal: bool,
    pub may_decide: bool,
}

/// Whether `account` takes debrief decisions and books follow-up interviews.
pub(crate) fn is_decider(account: &Account) -> bool {
    account.has(Role::Administrator)
        || account.has(Role::Recruiter)
        || account.has(Role::HiringManager)
}

/// The latest vote of each voter in the debrief's current round, in the order they first voted.
fn latest_votes(record: Option<&DebriefRecord>) -> Vec<VoteRecord> {
    let mut latest: Vec<VoteRecord> = Vec::new();
    let round = record.map_or(1, |r| r.round);
    for vote in record
        .map_or(&[][..], |r| &r.votes[..])
        .iter()
        .filter(|v| v.round == round)
    {
        match latest.iter_mut().find(|v| v.voter_id == vote.voter_id) {
            Some(slot) => *slot = vote.clone(),
            None => latest.push(vote.clone()),
        }
    }
    latest
}

fn revealed(panel: &Panel, record: Option<&DebriefRecord>) -> bool {
    let voted: Vec<i64> = latest_votes(record).iter().map(|v| v.voter_id).collect();
    debrief::votes_revealed(
        &panel.voters(),
        &voted,
        record.is_some_and(|r| r.revealed_at.is_some()),
    )
}

/// The debrief of `application_id` as `account` sees it; not found for anyone but the
/// pipeline's roles and the loop's interviewers.
pub async fn view(
    app: &App,
    account: &Account,
    application_id: i64,
) -> Result<DebriefView, DebriefError> {
    let application = match app.store().application(application_id).await {
        Ok(record) => record,
        Err(StoreError::NotFound) => return Err(DebriefError::NotFound),
        Err(other) => return Err(other.into()),
    };
    let panel = panel_of(app, application_id).await?;
    let me = account.user.id;
    let on_panel = panel.interviewers.contains(&me);
    let pipeline = account.roles.iter().any(|r| r.sees_pipeline());
    if !pipeline && !on_panel {
        return Err(DebriefError::NotFound);
    }
    let feedback = feedback::candidate_feedback(app, account, application_id)
        .await
        .map_err(|e| match e {
            feedback::FeedbackError::Store(error) => DebriefError::Store(error),
            _ => DebriefError::NotFound,
        })?;
    let record = app.store().debrief(application_id).await?;
    let revealed = revealed(&panel, record.as_ref());
    let latest = latest_votes(record.as_ref());
    let voted_ids: Vec<i64> = latest.iter().map(|v| v.voter_id).collect();
    let waiting: Vec<i64> = panel
        .voters()
        .into_iter()
        .filter(|id| !voted_ids.contains(id))
        .collect();
    let open = application.stage() == Stage::Debrief;
    let has_voted = voted_ids.contains(&me);
    let may_vote = open && panel.may_vote(account) && (revealed || !has_voted);
    let veto = app.store().bar_raiser_veto(application.season_id).await?;
    let round = record.as_ref().map_or(1, |r| r.round);
    Ok(DebriefView {
        earlier_votes: record.as_ref().map_or_else(Vec::new, |r| {
            r.votes
                .iter()
                .filter(|v| v.round < round)
                .cloned()
                .collect()
        }),
        round,
        votes: if revealed {
            latest.clone()
        } else {
            latest
                .iter()
                .filter(|v| v.voter_id == me)
                .cloned()
                .collect()
        },
        voted: latest.iter().map(|v| v.voter_name.clone()).collect(),
        waiting_for: waiting
            .iter()
            .filter_map(|id| {
                let what = if panel.bar_raiser == Some(*id) {
                    "bar raiser"
                } else if panel.hiring_manager.as_ref().is_some_and(|m| m.id == *id) {
                    "hiring manager"
                } else {
                    ""
                };
                if let Some(interview) = panel
                    .interviews
                    .iter()
                    .find(|i| i.interviewer_id == Some(*id))
                {
                    return Some((
                        interview.interviewer_name.clone()?,
                        interview.interviewer_email.clone()?,
                        what,
                    ));
                }
                let manager = panel.hiring_manager.as_ref()?;
                Some((manager.name.clone(), manager.email.clone(), what))
            })
            .collect(),
        may_reveal: open && !revealed && panel.bar_raiser == Some(me),
        may_decide: open && revealed && is_decider(account),
        open,
        revealed,
        has_voted,
        may_vote,
        veto,
        record,
        feedback,
        application,
        panel,
    })
}

/// Begins the transaction of an action taken on `view`: locks the application, then checks it is
/// still in Debrief and the debrief still in the round the person saw, so that a vote, reveal,
/// note or decision never lands in a round that a decision opened in the meantime.
async fn begin_in_round(app: &App, view: &DebriefView) -> Result<(Tx, DebriefRound), DebriefError> {
    let mut tx = app.store().begin().await?;
    let stage = Store::lock_application(&mut tx, view.application.id).await?;
    if stage != Stage::Debrief.as_str() {
        return Err(DebriefError::NotOpen);
    }
    let at = Store::ensure_debrief(&mut tx, view.application.id, app.now()).await?;
    if at.round != view.round {
        return Err(DebriefError::MovedOn);
    }
    Ok((tx, at))
}

/// Records `account`'s vote on the debrief of `application_id`.
pub async fn vote(
    app: &App,
    account: &Account,
    application_id: i64,
    vote: &str,
    sentence: &str,
) -> Result<(), DebriefError> {
    let view = view(app, account, application_id).await?;
    if !view.open {
        return Err(DebriefError::NotOpen);
    }
    let me = account.user.id;
    let on_panel = view.panel.interviewers.contains(&me);
    if !view.panel.may_vote(account) {
        return Err(DebriefError::NotAVoter);
    }
    if on_panel && !view.feedback.viewer.cleared() {
        return Err(DebriefError::FeedbackFirst);
    }
    let CastVote { vote, sentence } =
        debrief::parse_vote(vote, sentence).map_err(DebriefError::Invalid)?;
    if view.has_voted && !view.revealed {
        return Err(DebriefError::AlreadyVoted);
    }
    let (mut tx, at) = begin_in_round(app, &view).await?;
    Store::cast_debrief_vote(&mut tx, at, me, vote, &sentence, view.revealed, app.now())
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => DebriefError::AlreadyVoted,
            other => other.into(),
        })?;
    Store::commit(tx).await?;
    tracing::info!(
        application.id = application_id,
        voter.id = me,
        after_reveal = view.revealed,
        "debrief vote cast"
    );
    Ok(())
}

/// The bar raiser reveals the votes before all are in.
pub async fn reveal(app: &App, account: &Account, application_id: i64) -> Result<(), DebriefError> {
    let view = view(app, account, application_id).await?;
    if !view.open {
        return Err(DebriefError::NotOpen);
    }
    if view.panel.bar_raiser != Some(account.user.id) {
        return Err(DebriefError::NotTheBarRaiser);
    }
    if view.revealed {
        return Err(DebriefError::AlreadyRevealed);
    }
    let (mut tx, at) = begin_in_round(app, &view).await?;
    Store::reveal_debrief_votes(&mut tx, at, account.user.id, app.now())
        .await
        .map_err(|error| match error {
            StoreError::Stale => DebriefError::AlreadyRevealed,
            other => other.into(),
        })?;
    Store::commit(tx).await?;
    Ok(())
}

/// Adds a discussion note: any participant or member of the pipeline, while the debrief is open.
/// The same note from the same person is kept once.
pub async fn add_note(
    app: &App,
    account: &Account,
    application_id: i64,
    body: &str,
) -> Result<(), DebriefError> {
    let view = view(app, account, application_id).await?;
    if !view.open {
        return Err(DebriefError::NotOpen);
    }
    if view.panel.interviewers.contains(&account.user.id) && !view.feedback.viewer.cleared() {
        return Err(DebriefError::FeedbackFirst);
    }
    let body = Text::required(body, "the note", MAX_DEBRIEF_TEXT)
        .map_err(|e| DebriefError::Invalid(e.to_string()))?;
    // A note sent twice (a double click, a second tab) is added once: the application is locked
    // so that two copies cannot both see the other missing.
    let (mut tx, at) = begin_in_round(app, &view).await?;
    if Store::has_debrief_note(&mut tx, at.id, account.user.id, body.as_str()).await? {
        return Ok(());
    }
    Store::add_debrief_note(&mut tx, at.id, account.user.id, body.as_str(), app.now()).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Decides the debrief and moves the application accordingly, with the decision and the move's
/// audit row in one transaction. The candidate hears only what the move's existing mail says
/// (an offer is coming, or the application has closed), never a reason, rating or name.
pub async fn decide(
    app: &App,
    account: &Account,
    application_id: i64,
    decision: &str,
    reason: &str,
    note: &str,
) -> Result<Decision, DebriefError> {
    let view = view(app, account, application_id).await?;
    if !view.open {
        return Err(DebriefError::NotOpen);
    }
    let decision = Decision::parse(decision, reason).map_err(DebriefError::Invalid)?;
    let note = Text::optional(note, "the note", MAX_DEBRIEF_TEXT)
        .map_err(|e| DebriefError::Invalid(e.to_string()))?;
    let bar_raiser_vote = view.panel.bar_raiser.and_then(|id| {
        latest_votes(view.record.as_ref())
            .into_iter()
            .find(|v| v.voter_id == id)
            .map(|v| v.vote)
    });
    debrief::check_decision(decision, view.revealed, view.veto, bar_raiser_vote)?;
    let (to, code) = match decision {
        Decision::Hire => (Stage::Offer, None),
        Decision::NoHire(reason) => (Stage::Rejected, Some(reason)),
        Decision::MoreInformation => (Stage::FinalLoop, None),
    };
    let prepared = applications::prepare_move(app, account, &view.application, to, code).await?;
    let audit = match note.as_str() {
        "" => format!("Debrief decision: {}", decision.label()),
        text => format!("Debrief decision: {}. {text}", decision.label()),
    };
    let (mut tx, at) = begin_in_round(app, &view).await?;
    Store::record_debrief_decision(
        &mut tx,
        at,
        decision,
        note.as_str(),
        account.user.id,
        app.now(),
    )
    .await?;
    applications::apply_move(app, &mut tx, account, &view.application, prepared, &audit).await?;
    Store::commit(tx).await?;
    applications::moved(app, account, &view.application, to);
    Ok(decision)
}

/// A season's debrief settings as the form sent them.
#[derive(Debug, Clone, Default)]
pub struct DebriefSettings {
    /// Whether the bar raiser's no-hire vote vetoes a hire.
    pub veto: bool,
    /// (track id, the hiring manager's account id as typed, empty for none).
    pub managers: Vec<(i64, String)>,
}

/// Saves a season's debrief settings: the veto, and each track's hiring manager (an account
/// with that role, or none). Nothing is saved when any of it is wrong.
pub async fn save_settings(
    app: &App,
    season_id: i64,
    settings: &DebriefSettings,
) -> Result<(), DebriefError> {
    let managers = app.store().managers().await?;
    let tracks = app.store().track_managers(season_id).await?;
    let mut chosen = Vec::new();
    for (track_id, typed) in &settings.managers {
        if !tracks.iter().any(|t| t.track_id == *track_id) {
            return Err(DebriefError::Invalid(
                "One of the tracks is not this season's: reload the page and try again.".into(),
            ));
        }
        let manager = match typed.trim() {
            "" => None,
            text => Some(
                text.parse::<i64>()
                    .ok()
                    .filter(|id| managers.iter().any(|m| m.id == *id))
                    .ok_or_else(|| {
                        DebriefError::Invalid(
                            "Choose each track's hiring manager from the list: someone with the hiring-manager role.".into(),
                        )
                    })?,
            ),
        };
        chosen.push((*track_id, manager));
    }
    let mut tx = app.store().begin().await?;
    Store::set_bar_raiser_veto(&mut tx, season_id, settings.veto).await?;
    for (track_id, manager) in chosen {
        Store::set_track_manager(&mut tx, season_id, track_id, manager).await?;
    }
    Store::commit(tx).await?;
    Ok(())
}
