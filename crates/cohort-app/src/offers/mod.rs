//! Offers, from a hire decision to the candidate's answer.
//!
//! A recruiter drafts an offer for an application at the Offer stage (one by one or in bulk from
//! the season's hire decisions); submitting it checks its terms against the pay band of its
//! opening's track and location and against the opening's headcount, and the season's approval
//! chain decides who must approve (by default the track's hiring manager always, then a
//! recruiting lead for exceptions). Once approved, the recruiter sends it: the letter is fixed
//! (its Markdown and SHA-256), the candidate is mailed a link, and an [`ExpireOffer`] job waits
//! for the end of the deadline's day in the candidate's zone. The candidate accepts (typing their
//! name, against the letter they read) or declines; the application moves to Hired (with the
//! Intern role) or Rejected in the same transaction. A recruiter may extend a sent or expired
//! offer, or rescind one not yet answered. Every step is in the offer's append-only history.

pub mod letter;
pub mod mail;

use crate::jobs::{self, Done, Job, JobError};
use crate::mail::Message;
use crate::App;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use cohort_domain::money::Currency;
use cohort_domain::offers::{
    self, check_answer, check_signature, exceptions, steps_for, AnswerError, ApprovalStep,
    Approver, Band, DeclineReason, Exception, Housing, OfferForm, OfferState, OfferTerms,
    StepApplies, TemplateError, DEFAULT_CHAIN, DEFAULT_LETTER,
};
use cohort_domain::stage::{check_transition, Actor};
use cohort_domain::{FieldErrors, RejectionReason, Role, Stage};
use cohort_store::accounts::Account;
use cohort_store::offers::{Contact, OfferRecord, OfferTermsRow};
use cohort_store::{Store, StoreError, Tx};
use serde::{Deserialize, Serialize};

/// Why an offer's use case was refused; the messages are shown to the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum OfferError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("Some fields need attention.")]
    Invalid(FieldErrors),
    #[error("{0}")]
    NotNow(String),
    #[error("{0}")]
    Answer(#[from] AnswerError),
    #[error("{0}")]
    Template(#[from] TemplateError),
    #[error("The offer changed while you were looking at it. Reload the page and try again.")]
    Stale,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for OfferError {
    fn from(error: StoreError) -> OfferError {
        match error {
            StoreError::NotFound => OfferError::NotFound,
            StoreError::Stale => OfferError::Stale,
            other => OfferError::Store(other),
        }
    }
}

/// Who drafts, sends, extends and rescinds offers.
pub fn may_manage(account: &Account) -> bool {
    account.has(Role::Administrator) || account.has(Role::Recruiter)
}

/// Who reads offers: the people who work the pipeline (interviewers see none).
pub fn may_read(account: &Account) -> bool {
    account.roles.iter().any(|role| role.sees_pipeline())
}

/// A season's approval chain: as saved, or the default.
pub async fn chain(app: &App, season_id: i64) -> Result<Vec<ApprovalStep>, StoreError> {
    Ok(match app.store().offer_chain(season_id).await? {
        None => DEFAULT_CHAIN.to_vec(),
        Some(rows) => rows
            .iter()
            .filter_map(|(approver, applies)| {
                Some(ApprovalStep {
                    approver: Approver::parse(approver)?,
                    applies: StepApplies::parse(applies)?,
                })
            })
            .collect(),
    })
}

/// A chain as the offer keeps it: one "approver applies" line a step.
fn chain_text(chain: &[ApprovalStep]) -> String {
    chain
        .iter()
        .map(|s| format!("{} {}", s.approver.code(), s.applies.code()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The chain an offer follows: the one it was submitted under, or the season's for a draft.
pub async fn chain_of(app: &App, offer: &OfferRecord) -> Result<Vec<ApprovalStep>, StoreError> {
    if offer.state == OfferState::Draft || offer.approval_chain.is_empty() {
        return chain(app, offer.season_id).await;
    }
    Ok(offer
        .approval_chain
        .lines()
        .filter_map(|line| {
            let (approver, applies) = line.split_once(' ')?;
            Some(ApprovalStep {
                approver: Approver::parse(approver)?,
                applies: StepApplies::parse(applies)?,
            })
        })
        .collect())
}

/// The application must still be at Offer for its offer to go out or be answered: a
/// withdrawal or a rejection closes it.
async fn still_at_offer(app: &App, offer: &OfferRecord) -> Result<(), OfferError> {
    let stage = app.store().application(offer.application_id).await?.stage();
    if stage == Stage::Offer || (stage == Stage::Hired && offer.state == OfferState::Accepted) {
        Ok(())
    } else {
        Err(OfferError::NotNow(format!(
            "The application is {} now, so this offer is closed.",
            stage.staff_label().to_lowercase()
        )))
    }
}

/// The band of an offer's opening, as the domain reads it.
pub async fn band_of(
    app: &App,
    track_id: i64,
    location_id: i64,
) -> Result<Option<Band>, StoreError> {
    Ok(app
        .store()
        .pay_band(track_id, location_id)
        .await?
        .map(|band| Band {
            currency: Currency::stored(&band.currency),
            monthly_min: band.monthly_pay_minor,
            monthly_max: band.monthly_pay_max_minor,
            housing_max: band.housing_stipend_minor,
            relocation_max: band.relocation_minor,
            sign_on_max: band.sign_on_max_minor,
        }))
}

/// Today in `zone`, by the app's clock.
fn today_in(app: &App, zone: Tz) -> NaiveDate {
    app.now_utc().with_timezone(&zone).date_naive()
}

/// The form a new offer starts from: the application's first choice, the season's program
/// dates, the bottom of the band with its housing and relocation, and two weeks to decide in the
/// opening's time zone.
pub async fn suggested_form(app: &App, application_id: i64) -> Result<OfferForm, OfferError> {
    let record = app.store().application(application_id).await?;
    let season = app.store().season(record.season_id).await?;
    let choices = app.store().choices(application_id).await?;
    let Some(first) = choices.first() else {
        return Ok(OfferForm::default());
    };
    let opening = app.store().opening(first.opening_id).await?;
    let zone: Tz = opening.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let band = band_of(app, opening.track_id, opening.location_id).await?;
    Ok(form_from_band(
        first.opening_id,
        &season.program_start,
        &season.program_end,
        zone,
        band.as_ref(),
        today_in(app, zone),
    ))
}

fn form_from_band(
    opening_id: i64,
    start: &str,
    end: &str,
    zone: Tz,
    band: Option<&Band>,
    today: NaiveDate,
) -> OfferForm {
    let start_date = NaiveDate::parse_from_str(start, "%Y-%m-%d").ok();
    let deadline = match start_date {
        Some(start) => (today + Duration::days(14)).min(start - Duration::days(1)),
        None => today + Duration::days(14),
    }
    .max(today);
    let currency = band.map_or(Currency::stored("USD"), |b| b.currency.clone());
    OfferForm {
        opening: opening_id.to_string(),
        start: start.to_owned(),
        end: end.to_owned(),
        currency: currency.as_str().to_owned(),
        monthly_pay: band.map_or(String::new(), |b| currency.plain(b.monthly_min)),
        housing: "stipend".to_owned(),
        housing_stipend: band.map_or("0".into(), |b| currency.plain(b.housing_max)),
        relocation: band.map_or("0".into(), |b| currency.plain(b.relocation_max)),
        sign_on: "0".to_owned(),
        deadline: deadline.format("%Y-%m-%d").to_string(),
        time_zone: zone.name().to_owned(),
        reason: String::new(),
    }
}

/// The form of an existing offer, for editing.
pub fn form_of(offer: &OfferRecord) -> OfferForm {
    let currency = offer.currency();
    OfferForm {
        opening: offer.opening_id.to_string(),
        start: offer.start_date.clone(),
        end: offer.end_date.clone(),
        currency: offer.currency.clone(),
        monthly_pay: currency.plain(offer.monthly_pay_minor),
        housing: offer.housing.clone(),
        housing_stipend: currency.plain(offer.housing_stipend_minor),
        relocation: currency.plain(offer.relocation_minor),
        sign_on: currency.plain(offer.sign_on_minor),
        deadline: offer.deadline.clone(),
        time_zone: offer.time_zone.clone(),
        reason: offer.reason.clone(),
    }
}

/// Parses `form` for an application: the opening must be one of its choices, the deadline not
/// past in the candidate's zone.
async fn parse_terms(
    app: &App,
    application_id: i64,
    form: &OfferForm,
) -> Result<(OfferTerms, String), OfferError> {
    let choices = app.store().choices(application_id).await?;
    let openings: Vec<i64> = choices.iter().map(|c| c.opening_id).collect();
    let zone = cohort_domain::season::parse_time_zone(&form.time_zone).unwrap_or(chrono_tz::UTC);
    let terms = form
        .parse(&openings, today_in(app, zone))
        .map_err(OfferError::Invalid)?;
    let title = choices
        .iter()
        .find(|c| c.opening_id == terms.opening_id)
        .map(|c| format!("{} in {}", c.title, c.city))
        .unwrap_or_default();
    Ok((terms, title))
}

struct TermsText {
    start: String,
    end: String,
    deadline: String,
}

fn terms_text(terms: &OfferTerms) -> TermsText {
    TermsText {
        start: terms.start.format("%Y-%m-%d").to_string(),
        end: terms.end.format("%Y-%m-%d").to_string(),
        deadline: terms.deadline.format("%Y-%m-%d").to_string(),
    }
}

fn terms_row<'a>(terms: &'a OfferTerms, text: &'a TermsText) -> OfferTermsRow<'a> {
    OfferTermsRow {
        opening_id: terms.opening_id,
        start_date: &text.start,
        end_date: &text.end,
        currency: terms.currency.as_str(),
        monthly_pay_minor: terms.monthly_pay,
        housing: terms.housing.code(),
        housing_stipend_minor: terms.housing.stipend_minor(),
        relocation_minor: terms.relocation,
        sign_on_minor: terms.sign_on,
        deadline: &text.deadline,
        time_zone: terms.time_zone.name(),
        expires_at: terms.expires_at().timestamp(),
        reason: &terms.reason,
    }
}

/// The terms as a line of the history: "8,500 USD a month, stipend 2,000 USD, …".
fn describe_terms(terms: &OfferTerms, opening: &str) -> String {
    let c = &terms.currency;
    let housing = match terms.housing {
        Housing::Corporate => "corporate housing".to_owned(),
        Housing::Stipend(amount) => format!("housing stipend {}", c.format(amount)),
    };
    format!(
        "{opening}; {} to {}; {} a month; {housing}; relocation {}; sign-on bonus {}; decide by {} ({})",
        terms.start,
        terms.end,
        c.format(terms.monthly_pay),
        c.format(terms.relocation),
        c.format(terms.sign_on),
        terms.deadline,
        terms.time_zone.name()
    )
}

/// What changed between an offer as stored and new terms, field by field, for the history.
fn changes(before: &OfferRecord, after: &OfferTerms, opening: &str) -> String {
    let old = before.currency();
    let new = &after.currency;
    let mut found = Vec::new();
    let mut note = |label: &str, was: String, now: String| {
        let shown = |text: String| {
            if text.is_empty() {
                "(none)".to_owned()
            } else {
                text
            }
        };
        if was != now {
            found.push(format!("{label}: {} → {}", shown(was), shown(now)));
        }
    };
    if before.opening_id != after.opening_id {
        note(
            "opening",
            format!("{} in {}", before.opening_title, before.city),
            opening.to_owned(),
        );
    }
    note("start", before.start_date.clone(), after.start.to_string());
    note("end", before.end_date.clone(), after.end.to_string());
    note(
        "monthly pay",
        old.format(before.monthly_pay_minor),
        new.format(after.monthly_pay),
    );
    let housing_of = |h: Housing, c: &Currency| match h {
        Housing::Corporate => "corporate".to_owned(),
        Housing::Stipend(v) => format!("stipend {}", c.format(v)),
    };
    note(
        "housing",
        housing_of(before.housing(), &old),
        housing_of(after.housing, new),
    );
    note(
        "relocation",
        old.format(before.relocation_minor),
        new.format(after.relocation),
    );
    note(
        "sign-on bonus",
        old.format(before.sign_on_minor),
        new.format(after.sign_on),
    );
    note(
        "deadline",
        before.deadline.clone(),
        after.deadline.to_string(),
    );
    note(
        "time zone",
        before.time_zone.clone(),
        after.time_zone.name().to_owned(),
    );
    note("reason", before.reason.clone(), after.reason.clone());
    if found.is_empty() {
        "no change".to_owned()
    } else {
        found.join("; ")
    }
}

/// Drafts an offer for an application whose hire decision moved it to Offer.
pub async fn draft(
    app: &App,
    actor: &Account,
    application_id: i64,
    form: &OfferForm,
) -> Result<i64, OfferError> {
    if !may_manage(actor) {
        return Err(OfferError::Forbidden("Only recruiters draft offers."));
    }
    let record = app.store().application(application_id).await?;
    if record.stage() != Stage::Offer {
        return Err(OfferError::NotNow(
            "An offer is drafted once a hire decision has moved the application to Offer.".into(),
        ));
    }
    let (terms, opening) = parse_terms(app, application_id, form).await?;
    let text = terms_text(&terms);
    let mut tx = app.store().begin().await?;
    let id = Store::create_offer(
        &mut tx,
        application_id,
        record.season_id,
        &terms_row(&terms, &text),
        actor.user.id,
        app.now(),
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict { .. } => {
            OfferError::NotNow("This application has an offer already.".into())
        }
        other => other.into(),
    })?;
    Store::add_offer_event(
        &mut tx,
        id,
        Some(actor.user.id),
        "drafted",
        &describe_terms(&terms, &opening),
        app.now(),
    )
    .await?;
    Store::commit(tx).await?;
    tracing::info!(
        offer.id = id,
        application.id = application_id,
        "offer drafted"
    );
    Ok(id)
}

/// Drafts an offer from the band's defaults for every application of the season at the Offer
/// stage without one; returns how many were drafted and the candidates skipped because their
/// opening has no pay band.
pub async fn draft_all(
    app: &App,
    actor: &Account,
    season_id: i64,
) -> Result<(usize, Vec<String>), OfferError> {
    if !may_manage(actor) {
        return Err(OfferError::Forbidden("Only recruiters draft offers."));
    }
    let season = app.store().season(season_id).await?;
    let waiting = app.store().awaiting_offers(season_id).await?;
    let mut skipped = Vec::new();
    let mut drafts = Vec::new();
    for row in waiting {
        let (Some(code), Some(monthly), Some(housing), Some(relocation)) = (
            row.currency.as_deref(),
            row.monthly_pay_minor,
            row.housing_stipend_minor,
            row.relocation_minor,
        ) else {
            skipped.push(row.candidate_name);
            continue;
        };
        let zone: Tz = row.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let band = Band {
            currency: Currency::stored(code),
            monthly_min: monthly,
            monthly_max: monthly,
            housing_max: housing,
            relocation_max: relocation,
            sign_on_max: 0,
        };
        let form = form_from_band(
            row.opening_id,
            &season.program_start,
            &season.program_end,
            zone,
            Some(&band),
            today_in(app, zone),
        );
        match form.parse(&[row.opening_id], today_in(app, zone)) {
            Ok(terms) => drafts.push((row.application_id, terms)),
            Err(_) => skipped.push(row.candidate_name),
        }
    }
    // Batches of 200 keep each write transaction (SQLite's one writer) short.
    for batch in drafts.chunks(200) {
        let mut tx = app.store().begin().await?;
        for (application_id, terms) in batch {
            let text = terms_text(terms);
            let id = Store::create_offer(
                &mut tx,
                *application_id,
                season_id,
                &terms_row(terms, &text),
                actor.user.id,
                app.now(),
            )
            .await?;
            Store::add_offer_event(
                &mut tx,
                id,
                Some(actor.user.id),
                "drafted",
                &format!(
                    "in bulk from the band: {}",
                    describe_terms(terms, "the first choice")
                ),
                app.now(),
            )
            .await?;
        }
        Store::commit(tx).await?;
    }
    tracing::info!(
        season.id = season_id,
        drafted = drafts.len(),
        skipped = skipped.len(),
        "offers drafted in bulk"
    );
    Ok((drafts.len(), skipped))
}

/// Replaces the terms of an offer not yet sent: it becomes a draft again and earlier approvals
/// no longer count.
pub async fn revise(
    app: &App,
    actor: &Account,
    offer_id: i64,
    version: i64,
    form: &OfferForm,
) -> Result<(), OfferError> {
    if !may_manage(actor) {
        return Err(OfferError::Forbidden("Only recruiters change offers."));
    }
    let offer = app.store().offer(offer_id).await?;
    if !offer.state.is_editable() {
        return Err(OfferError::NotNow(format!(
            "An offer that is {} cannot change; extend or rescind it instead.",
            offer.state.label().to_lowercase()
        )));
    }
    let (terms, opening) = parse_terms(app, offer.application_id, form).await?;
    let text = terms_text(&terms);
    let mut tx = app.store().begin().await?;
    Store::revise_offer(
        &mut tx,
        offer_id,
        version,
        &terms_row(&terms, &text),
        app.now(),
    )
    .await?;
    Store::add_offer_event(
        &mut tx,
        offer_id,
        Some(actor.user.id),
        "revised",
        &changes(&offer, &terms, &opening),
        app.now(),
    )
    .await?;
    Store::commit(tx).await?;
    Ok(())
}

/// The exceptions an offer has now: its terms against its band, and the offers holding its
/// opening's headcount with it.
async fn current_exceptions(
    app: &App,
    tx: &mut Tx,
    offer: &OfferRecord,
) -> Result<Vec<Exception>, OfferError> {
    let terms = stored_terms(offer)?;
    let band = band_of(app, offer.track_id, offer.location_id).await?;
    let holding = Store::offers_holding_headcount(tx, offer.opening_id, offer.id).await? + 1;
    Ok(exceptions(&terms, band.as_ref(), holding, offer.headcount))
}

/// An offer's stored terms as the domain's.
pub fn stored_terms(offer: &OfferRecord) -> Result<OfferTerms, OfferError> {
    let date = |text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| OfferError::NotNow(format!("The stored date {text:?} does not read.")))
    };
    Ok(OfferTerms {
        opening_id: offer.opening_id,
        start: date(&offer.start_date)?,
        end: date(&offer.end_date)?,
        currency: offer.currency(),
        monthly_pay: offer.monthly_pay_minor,
        housing: offer.housing(),
        relocation: offer.relocation_minor,
        sign_on: offer.sign_on_minor,
        deadline: date(&offer.deadline)?,
        time_zone: offer.time_zone.parse().unwrap_or(chrono_tz::UTC),
        reason: offer.reason.clone(),
    })
}

/// Who may decide the step `step` of an offer of `track_id`.
async fn approvers_of(
    app: &App,
    step: ApprovalStep,
    track_id: i64,
) -> Result<Vec<Contact>, StoreError> {
    match step.approver {
        Approver::HiringManager => {
            let manager = app.store().track_manager_id(track_id).await?;
            let named = match manager {
                Some(id) => {
                    app.store()
                        .contacts_with_role("hiring_manager", Some(id))
                        .await?
                }
                None => Vec::new(),
            };
            // A track without its own hiring manager leaves the step to any hiring manager.
            if named.is_empty() {
                app.store().contacts_with_role("hiring_manager", None).await
            } else {
                Ok(named)
            }
        }
        Approver::RecruitingLead => app.store().contacts_with_role("administrator", None).await,
        Approver::Person(id) => Ok(app.store().contact(id).await?.into_iter().collect()),
    }
}

/// The step an offer awaiting approval waits on, if any: the first of the steps its exceptions
/// call for that the current version has no decision on.
pub async fn pending_step(
    app: &App,
    offer: &OfferRecord,
) -> Result<Option<(usize, ApprovalStep)>, StoreError> {
    if offer.state != OfferState::AwaitingApproval {
        return Ok(None);
    }
    let chain = chain_of(app, offer).await?;
    let decided: Vec<i64> = app
        .store()
        .offer_approvals(offer.id)
        .await?
        .into_iter()
        .filter(|a| a.version == offer.version)
        .map(|a| a.step)
        .collect();
    Ok(steps_for(&chain, !offer.exception_lines().is_empty())
        .into_iter()
        .find(|position| !decided.contains(&(*position as i64)))
        .map(|position| (position, chain[position])))
}

/// Whether `account` may decide the step an offer waits on.
pub async fn may_decide(
    app: &App,
    account: &Account,
    offer: &OfferRecord,
) -> Result<bool, StoreError> {
    let Some((_, step)) = pending_step(app, offer).await? else {
        return Ok(false);
    };
    Ok(approvers_of(app, step, offer.track_id)
        .await?
        .iter()
        .any(|c| c.id == account.user.id))
}

async fn tell_approvers(
    app: &App,
    tx: &mut Tx,
    offer: &OfferRecord,
    step: ApprovalStep,
    exceptions: &[&str],
) -> Result<(), StoreError> {
    let link = app.config().link(&format!("/staff/offers/{}", offer.id));
    for approver in approvers_of(app, step, offer.track_id).await? {
        let message = mail::ApprovalNeeded {
            approver: &approver.name,
            candidate: &offer.candidate_name,
            role: &offer.opening_title,
            exceptions,
            link: &link,
        }
        .to(&approver.email);
        Store::enqueue_message(tx, &message, app.now()).await?;
    }
    Ok(())
}

/// Submits a draft for approval. An offer with exceptions needs a reason; one that its chain
/// asks nobody to approve is approved at once.
pub async fn submit(
    app: &App,
    actor: &Account,
    offer_id: i64,
    version: i64,
) -> Result<OfferState, OfferError> {
    if !may_manage(actor) {
        return Err(OfferError::Forbidden("Only recruiters submit offers."));
    }
    let before = app.store().offer(offer_id).await?;
    still_at_offer(app, &before).await?;
    let chain = chain(app, before.season_id).await?;
    let mut tx = app.store().begin().await?;
    // The opening first: two offers submitted for its last place at once are counted in turn.
    Store::lock_opening(&mut tx, before.opening_id).await?;
    Store::lock_offer(&mut tx, offer_id).await?;
    let offer = Store::offer_in(&mut tx, offer_id).await?;
    if offer.version != version || offer.state != OfferState::Draft {
        return Err(OfferError::Stale);
    }
    let found = current_exceptions(app, &mut tx, &offer).await?;
    let currency = offer.currency();
    let sentences: Vec<String> = found.iter().map(|e| e.describe(&currency)).collect();
    if !found.is_empty() && offer.reason.trim().is_empty() {
        let mut errors = FieldErrors::new();
        errors.add(
            "reason",
            format!(
                "{} Give the approvers a reason for the exception.",
                sentences.join(" ")
            ),
        );
        return Err(OfferError::Invalid(errors));
    }
    let steps = steps_for(&chain, !found.is_empty());
    let to = if steps.is_empty() {
        OfferState::Approved
    } else {
        OfferState::AwaitingApproval
    };
    let joined = sentences.join("\n");
    let followed = chain_text(&chain);
    Store::set_offer_state(
        &mut tx,
        offer_id,
        version,
        OfferState::Draft,
        to,
        Some((&joined, &followed)),
        app.now(),
    )
    .await?;
    let detail = if sentences.is_empty() {
        "within the band and the headcount".to_owned()
    } else {
        sentences.join(" ")
    };
    Store::add_offer_event(
        &mut tx,
        offer_id,
        Some(actor.user.id),
        "submitted",
        &detail,
        app.now(),
    )
    .await?;
    if let Some(first) = steps.first() {
        let lines: Vec<&str> = sentences.iter().map(String::as_str).collect();
        tell_approvers(app, &mut tx, &offer, chain[*first], &lines).await?;
    }
    Store::commit(tx).await?;
    app.wake_mail();
    Ok(to)
}

/// An approver decides the step the offer waits on: approving moves it to the next step (or
/// approves it), refusing returns it to the recruiter as a draft of the next version.
pub async fn decide(
    app: &App,
    actor: &Account,
    offer_id: i64,
    version: i64,
    approve: bool,
    note: &str,
) -> Result<OfferState, OfferError> {
    let offer = app.store().offer(offer_id).await?;
    if offer.version != version || offer.state != OfferState::AwaitingApproval {
        return Err(OfferError::Stale);
    }
    let Some((position, _)) = pending_step(app, &offer).await? else {
        return Err(OfferError::Stale);
    };
    if !may_decide(app, actor, &offer).await? {
        return Err(OfferError::Forbidden(
            "This offer is waiting for another approver.",
        ));
    }
    let note = note.trim();
    if !approve && note.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add(
            "note",
            "Say what should change before the offer comes back.",
        );
        return Err(OfferError::Invalid(errors));
    }
    if note.chars().count() > offers::MAX_NOTE {
        let mut errors = FieldErrors::new();
        errors.add("note", "Keep the note under 2,000 characters.");
        return Err(OfferError::Invalid(errors));
    }
    let chain = chain_of(app, &offer).await?;
    let steps = steps_for(&chain, !offer.exception_lines().is_empty());
    let next = steps.iter().copied().find(|p| *p > position);
    let recruiter = app.store().contact(offer.created_by).await?;
    let mut tx = app.store().begin().await?;
    Store::lock_offer(&mut tx, offer_id).await?;
    // Read again under the lock: a revision or a rescission may have come in since.
    let current = Store::offer_in(&mut tx, offer_id).await?;
    if current.version != version || current.state != OfferState::AwaitingApproval {
        return Err(OfferError::Stale);
    }
    Store::record_offer_approval(
        &mut tx,
        offer_id,
        version,
        position as i64,
        actor.user.id,
        approve,
        note,
        app.now(),
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict { .. } => OfferError::Stale,
        other => other.into(),
    })?;
    let to = if !approve {
        Store::return_offer(&mut tx, offer_id, version, app.now()).await?;
        OfferState::Draft
    } else if next.is_none() {
        Store::set_offer_state(
            &mut tx,
            offer_id,
            version,
            OfferState::AwaitingApproval,
            OfferState::Approved,
            None,
            app.now(),
        )
        .await?;
        OfferState::Approved
    } else {
        OfferState::AwaitingApproval
    };
    let kind = if approve { "approved" } else { "returned" };
    let detail = format!(
        "step {} ({}){}{}",
        position + 1,
        approver_label(chain[position].approver),
        if note.is_empty() { "" } else { ": " },
        note
    );
    Store::add_offer_event(
        &mut tx,
        offer_id,
        Some(actor.user.id),
        kind,
        &detail,
        app.now(),
    )
    .await?;
    if let (true, Some(next)) = (approve, next) {
        let lines = offer.exception_lines();
        tell_approvers(app, &mut tx, &offer, chain[next], &lines).await?;
    }
    let news = match to {
        OfferState::Approved => Some("approved and ready to send".to_owned()),
        OfferState::Draft => Some(format!("returned by {}: {note}", actor.user.display_name)),
        _ => None,
    };
    if let (Some(news), Some(recruiter)) = (news, &recruiter) {
        tell_recruiter(app, &mut tx, &offer, recruiter, &news).await?;
    }
    Store::commit(tx).await?;
    app.wake_mail();
    Ok(to)
}

/// How a step's approver is named on pages.
pub fn approver_label(approver: Approver) -> String {
    match approver {
        Approver::HiringManager => "the track's hiring manager".to_owned(),
        Approver::RecruitingLead => "a recruiting lead (an administrator)".to_owned(),
        Approver::Person(id) => format!("account {id}"),
    }
}

async fn tell_recruiter(
    app: &App,
    tx: &mut Tx,
    offer: &OfferRecord,
    recruiter: &Contact,
    news: &str,
) -> Result<(), StoreError> {
    let link = app.config().link(&format!("/staff/offers/{}", offer.id));
    let message = mail::OfferNews {
        recruiter: &recruiter.name,
        candidate: &offer.candidate_name,
        news,
        link: &link,
    }
    .to(&recruiter.email);
    Store::enqueue_message(tx, &message, app.now()).await?;
    Ok(())
}

/// The season's letter template: as an administrator saved it, or the default.
pub async fn letter_template(app: &App, season_id: i64) -> Result<String, StoreError> {
    Ok(app
        .store()
        .offer_letter_template(season_id)
        .await?
        .unwrap_or_else(|| DEFAULT_LETTER.to_owned()))
}

/// The letter an offer would have now, signed by `recruiter`.
pub async fn compose_letter(
    app: &App,
    offer: &OfferRecord,
    recruiter: &str,
) -> Result<String, OfferError> {
    let template = letter_template(app, offer.season_id).await?;
    Ok(letter::compose(&template, offer, recruiter)?)
}

/// Sends an approved offer: fixes its letter, mails the candidate and queues its expiry.
pub async fn send(
    app: &App,
    actor: &Account,
    offer_id: i64,
    version: i64,
) -> Result<(), OfferError> {
    if !may_manage(actor) {
        return Err(OfferError::Forbidden("Only recruiters send offers."));
    }
    let offer = app.store().offer(offer_id).await?;
    if offer.version != version || offer.state != OfferState::Approved {
        return Err(OfferError::Stale);
    }
    still_at_offer(app, &offer).await?;
    let expires_at = offer.expires_at;
    if expires_at <= app.now() {
        return Err(OfferError::NotNow(
            "The offer's deadline has passed: change it before sending.".into(),
        ));
    }
    let text = compose_letter(app, &offer, &actor.user.display_name).await?;
    let digest = letter::hash(&text);
    let link = app.config().link(&format!("/offers/{offer_id}"));
    let deadline = letter::deadline_text(&offer.deadline, &offer.time_zone);
    let message = mail::OfferSent {
        name: &offer.candidate_name,
        season: &offer.season_name,
        role: &offer.opening_title,
        deadline: &deadline,
        link: &link,
    }
    .to(&offer.candidate_email);
    let mut tx = app.store().begin().await?;
    Store::send_offer(
        &mut tx,
        offer_id,
        version,
        &text,
        &digest,
        actor.user.id,
        app.now(),
    )
    .await?;
    letter_out(
        app,
        &mut tx,
        (offer_id, actor.user.id),
        expires_at,
        &message,
        (
            "sent",
            &format!("letter SHA-256 {digest}; decide by {deadline}"),
        ),
    )
    .await?;
    Store::commit(tx).await?;
    app.wake_mail();
    tracing::info!(offer.id = offer_id, "offer sent");
    Ok(())
}

/// What sending and extending both write beside the offer: the candidate's mail, the expiry job
/// for the deadline, and the history's line (`kind`, `detail`).
async fn letter_out(
    app: &App,
    tx: &mut Tx,
    (offer_id, actor_id): (i64, i64),
    expires_at: i64,
    message: &cohort_store::outbox::NewMessage,
    (kind, detail): (&str, &str),
) -> Result<(), StoreError> {
    Store::enqueue_message(tx, message, app.now()).await?;
    jobs::enqueue_at(
        tx,
        &ExpireOffer {
            offer_id,
            expires_at,
        },
        app.now(),
        expires_at,
    )
    .await?;
    Store::add_offer_event(tx, offer_id, Some(actor_id), kind, detail, app.now()).await
}

/// Gives a sent or expired offer a new deadline: the letter is composed again with it.
pub async fn extend(
    app: &App,
    actor: &Account,
    offer_id: i64,
    deadline: &str,
) -> Result<(), OfferError> {
    if !may_manage(actor) {
        return Err(OfferError::Forbidden("Only recruiters extend offers."));
    }
    let mut offer = app.store().offer(offer_id).await?;
    if !offer.state.may_extend() {
        return Err(OfferError::NotNow(format!(
            "An offer that is {} cannot be extended.",
            offer.state.label().to_lowercase()
        )));
    }
    still_at_offer(app, &offer).await?;
    let terms = stored_terms(&offer)?;
    let mut errors = FieldErrors::new();
    let day = match NaiveDate::parse_from_str(deadline.trim(), "%Y-%m-%d") {
        Ok(day) if day < today_in(app, terms.time_zone) => {
            errors.add("deadline", "The new deadline has already passed.");
            None
        }
        Ok(day) if day >= terms.start => {
            errors.add("deadline", "The deadline must come before the start date.");
            None
        }
        Ok(day) if day <= terms.deadline && offer.state == OfferState::Sent => {
            errors.add("deadline", "An extension moves the deadline later.");
            None
        }
        Ok(day) => Some(day),
        Err(_) => {
            errors.add("deadline", "Enter the new deadline as a date.");
            None
        }
    };
    let Some(day) = day else {
        return Err(OfferError::Invalid(errors));
    };
    let expires_at = offers::end_of_day(day, terms.time_zone).timestamp();
    offer.deadline = day.format("%Y-%m-%d").to_string();
    let recruiter = match offer.sent_by {
        Some(id) => app.store().contact(id).await?.map(|c| c.name),
        None => None,
    }
    .unwrap_or_else(|| actor.user.display_name.clone());
    let text = compose_letter(app, &offer, &recruiter).await?;
    let digest = letter::hash(&text);
    let link = app.config().link(&format!("/offers/{offer_id}"));
    let deadline_text = letter::deadline_text(&offer.deadline, &offer.time_zone);
    let message = mail::OfferExtended {
        name: &offer.candidate_name,
        deadline: &deadline_text,
        link: &link,
    }
    .to(&offer.candidate_email);
    let mut tx = app.store().begin().await?;
    Store::extend_offer(
        &mut tx,
        offer_id,
        &offer.deadline,
        expires_at,
        &text,
        &digest,
        app.now(),
    )
    .await?;
    letter_out(
        app,
        &mut tx,
        (offer_id, actor.user.id),
        expires_at,
        &message,
        (
            "extended",
            &format!("decide by {deadline_text}; letter SHA-256 {digest}"),
        ),
    )
    .await?;
    Store::commit(tx).await?;
    app.wake_mail();
    app.wake_jobs();
    Ok(())
}

/// Rescinds an offer not yet answered, with a reason, and closes the application as rejected.
pub async fn rescind(
    app: &App,
    actor: &Account,
    offer_id: i64,
    reason: &str,
) -> Result<(), OfferError> {
    if !may_manage(actor) {
        return Err(OfferError::Forbidden("Only recruiters rescind offers."));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > offers::MAX_NOTE {
        let mut errors = FieldErrors::new();
        errors.add(
            "reason",
            "Give the reason for rescinding (it stays in the offer's history).",
        );
        return Err(OfferError::Invalid(errors));
    }
    let offer = app.store().offer(offer_id).await?;
    if !offer.state.may_rescind() {
        return Err(OfferError::NotNow(format!(
            "An offer that is {} cannot be rescinded.",
            offer.state.label().to_lowercase()
        )));
    }
    let record = app.store().application(offer.application_id).await?;
    let moves = record.stage() == Stage::Offer;
    if moves {
        check_transition(
            Stage::Offer,
            Stage::Rejected,
            Actor::Staff(&actor.roles),
            Some(RejectionReason::OfferRescinded),
        )
        .map_err(|_| OfferError::Forbidden("Your role may not close this application."))?;
    }
    // The candidate hears of it only if they had the offer.
    let message = offer.sent_at.map(|_| {
        mail::OfferRescinded {
            name: &offer.candidate_name,
            season: &offer.season_name,
        }
        .to(&offer.candidate_email)
    });
    let mut tx = app.store().begin().await?;
    Store::rescind_offer(&mut tx, offer_id, reason, app.now()).await?;
    if moves {
        Store::move_application(
            &mut tx,
            offer.application_id,
            Stage::Offer,
            Stage::Rejected,
            actor.user.id,
            Some(RejectionReason::OfferRescinded.as_str()),
            reason,
            message.as_ref(),
            app.now(),
        )
        .await?;
    } else if let Some(message) = &message {
        Store::enqueue_message(&mut tx, message, app.now()).await?;
    }
    Store::add_offer_event(
        &mut tx,
        offer_id,
        Some(actor.user.id),
        "rescinded",
        reason,
        app.now(),
    )
    .await?;
    Store::commit(tx).await?;
    app.forget_stage_counts();
    app.wake_mail();
    Ok(())
}

/// An offer the candidate may read: their own, once sent.
pub async fn candidate_offer(
    app: &App,
    account: &Account,
    offer_id: i64,
) -> Result<OfferRecord, OfferError> {
    let offer = app.store().offer(offer_id).await?;
    if offer.candidate_id != account.user.id || offer.sent_at.is_none() {
        return Err(OfferError::NotFound);
    }
    Ok(offer)
}

/// The candidate's answer.
pub enum Answer<'a> {
    Accept {
        /// The full name they typed.
        signature: &'a str,
        /// The address the answer came from.
        address: &'a str,
    },
    Decline {
        reason: Option<DeclineReason>,
        note: &'a str,
    },
}

/// The candidate accepts or declines the letter whose hash they were shown. Accepting moves the
/// application to Hired and gives the person the Intern role; declining moves it to Rejected as
/// declined. Two answers at once record one: the write names the state it expects.
pub async fn answer(
    app: &App,
    account: &Account,
    offer_id: i64,
    seen_hash: &str,
    answer: Answer<'_>,
) -> Result<OfferState, OfferError> {
    let offer = candidate_offer(app, account, offer_id).await?;
    let letter_hash = offer.letter_sha256.clone().unwrap_or_default();
    let now = app.now_utc();
    let expires = chrono::DateTime::from_timestamp(offer.expires_at, 0).unwrap_or(now);
    check_answer(offer.state, expires, now, &letter_hash, seen_hash)?;
    let link = app.config().link(&format!("/offers/{offer_id}"));
    // Read before the transaction: on SQLite it holds the one write connection.
    let record = app.store().application(offer.application_id).await?;
    if record.stage() != Stage::Offer {
        return Err(OfferError::NotNow(
            "Your application has closed, so this offer can no longer be answered.".into(),
        ));
    }
    let recruiter = app
        .store()
        .contact(offer.sent_by.unwrap_or(offer.created_by))
        .await?;
    let onboarding = match answer {
        Answer::Accept { .. } => Some(crate::onboarding::prepare(app, &offer).await?),
        Answer::Decline { .. } => None,
    };
    let mut tx = app.store().begin().await?;
    let (to_state, to_stage, kind, detail, news) = match &answer {
        Answer::Accept { signature, address } => {
            let signature = check_signature(signature, &offer.candidate_name)?;
            Store::accept_offer(
                &mut tx,
                offer_id,
                &letter_hash,
                &signature,
                address,
                app.now(),
            )
            .await
            .map_err(stale_answer)?;
            Store::grant_roles(&mut tx, account.user.id, &[Role::Intern]).await?;
            if let Some(plan) = &onboarding {
                crate::onboarding::start(app, &mut tx, plan).await?;
            }
            (
                OfferState::Accepted,
                Stage::Hired,
                "accepted",
                format!("signed \"{signature}\" from {address}; letter SHA-256 {letter_hash}"),
                "accepted".to_owned(),
            )
        }
        Answer::Decline { reason, note } => {
            let note = note.trim();
            if note.chars().count() > offers::MAX_NOTE {
                let mut errors = FieldErrors::new();
                errors.add("note", "Keep the note under 2,000 characters.");
                return Err(OfferError::Invalid(errors));
            }
            Store::decline_offer(
                &mut tx,
                offer_id,
                &letter_hash,
                reason.map(|r| r.as_str()),
                note,
                app.now(),
            )
            .await
            .map_err(stale_answer)?;
            let why = reason.map_or("no reason given", |r| r.label());
            (
                OfferState::Declined,
                Stage::Rejected,
                "declined",
                format!("{why}{}{note}", if note.is_empty() { "" } else { ": " }),
                format!("declined ({why})"),
            )
        }
    };
    let from = record.stage();
    {
        let code = (to_stage == Stage::Rejected).then_some(RejectionReason::OfferDeclined);
        check_transition(from, to_stage, Actor::OfferAnswer, code)
            .map_err(|e| OfferError::NotNow(e.to_string()))?;
        let message = mail::AnswerRecorded {
            name: &offer.candidate_name,
            accepted: to_state == OfferState::Accepted,
            link: &link,
        }
        .to(&offer.candidate_email);
        Store::move_application(
            &mut tx,
            offer.application_id,
            from,
            to_stage,
            account.user.id,
            code.map(|c| c.as_str()),
            &format!("The candidate {kind} the offer"),
            Some(&message),
            app.now(),
        )
        .await?;
    }
    Store::add_offer_event(
        &mut tx,
        offer_id,
        Some(account.user.id),
        kind,
        &detail,
        app.now(),
    )
    .await?;
    if let Some(recruiter) = &recruiter {
        tell_recruiter(app, &mut tx, &offer, recruiter, &news).await?;
    }
    Store::commit(tx).await?;
    app.forget_stage_counts();
    app.wake_mail();
    tracing::info!(
        offer.id = offer_id,
        state = to_state.as_str(),
        "offer answered"
    );
    Ok(to_state)
}

/// An answer's write found the offer changed (the other tab answered first, say).
fn stale_answer(error: StoreError) -> OfferError {
    match error {
        StoreError::Stale => OfferError::NotNow(
            "This offer was answered, changed or expired a moment ago. Reload the page to see it."
                .into(),
        ),
        other => other.into(),
    }
}

/// Saves a season's approval chain (administrators).
pub async fn save_chain(
    app: &App,
    actor: &Account,
    season_id: i64,
    steps: &[ApprovalStep],
) -> Result<(), OfferError> {
    if !actor.has(Role::Administrator) {
        return Err(OfferError::Forbidden(
            "Only administrators set the approval chain.",
        ));
    }
    offers::check_chain(steps).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.add("chain", e.0);
        OfferError::Invalid(errors)
    })?;
    let rows: Vec<(String, String)> = steps
        .iter()
        .map(|s| (s.approver.code(), s.applies.code().to_owned()))
        .collect();
    let mut tx = app.store().begin().await?;
    Store::save_offer_chain(&mut tx, season_id, &rows).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Saves a season's letter template (administrators), refusing one that names an unknown field.
pub async fn save_letter_template(
    app: &App,
    actor: &Account,
    season_id: i64,
    markdown: &str,
) -> Result<(), OfferError> {
    if !actor.has(Role::Administrator) {
        return Err(OfferError::Forbidden(
            "Only administrators edit the offer letter.",
        ));
    }
    let markdown = markdown.replace("\r\n", "\n");
    offers::check_letter_template(&markdown)?;
    let mut tx = app.store().begin().await?;
    Store::save_offer_letter_template(&mut tx, season_id, &markdown, actor.user.id, app.now())
        .await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Expires a sent offer at the end of its deadline, telling the candidate and the recruiter. The
/// job names the deadline it was queued for, so an offer extended meanwhile stays open (its new
/// deadline has its own job) and one answered meanwhile is left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpireOffer {
    pub offer_id: i64,
    pub expires_at: i64,
}

impl Job for ExpireOffer {
    const KIND: &'static str = "expire_offer";
    type Context = App;

    fn key(&self) -> String {
        format!("expire_offer:{}:{}", self.offer_id, self.expires_at)
    }

    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        let offer = match app.store().offer(self.offer_id).await {
            Ok(offer) => Some(offer),
            Err(StoreError::NotFound) => None,
            Err(other) => return Err(other.into()),
        };
        if let Some(offer) = &offer {
            if offer.state == OfferState::Sent
                && offer.expires_at == self.expires_at
                && app.now() < self.expires_at
            {
                // Claimed early (a clock behind another node's): try again when it is due.
                return Err(JobError::Failed(
                    "the offer's deadline has not passed yet".into(),
                ));
            }
        }
        let recruiter = match &offer {
            Some(offer) => {
                app.store()
                    .contact(offer.sent_by.unwrap_or(offer.created_by))
                    .await?
            }
            None => None,
        };
        let mut tx = app.store().begin().await?;
        let mut told = false;
        if let Some(offer) = offer {
            if Store::expire_offer(&mut tx, offer.id, self.expires_at, app.now()).await? {
                let link = app.config().link(&format!("/offers/{}", offer.id));
                let message = mail::OfferExpired {
                    name: &offer.candidate_name,
                    link: &link,
                }
                .to(&offer.candidate_email);
                Store::enqueue_message(&mut tx, &message, app.now()).await?;
                if let Some(recruiter) = &recruiter {
                    tell_recruiter(
                        app,
                        &mut tx,
                        &offer,
                        recruiter,
                        "expired unanswered; you can extend it",
                    )
                    .await?;
                }
                Store::add_offer_event(
                    &mut tx,
                    offer.id,
                    None,
                    "expired",
                    &format!(
                        "the deadline, {}, passed unanswered",
                        letter::deadline_text(&offer.deadline, &offer.time_zone)
                    ),
                    app.now(),
                )
                .await?;
                told = true;
            }
        }
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        if told {
            app.wake_mail();
        }
        Ok(())
    }
}
