//! The demo's offers, one or more in every state: a draft, one awaiting the recruiting lead
//! (out of band), one approved and not sent, two sent (one due in two days), one declined, one
//! expired, one rescinded, and accepted offers whose interns start next Monday. Everything goes
//! through the same use cases as the pages, as the recruiter, the hiring manager, the
//! administrator and each candidate.

use cohort_app::offers::{self, Answer, OfferError};
use cohort_app::App;
use cohort_domain::offers::{DeclineReason, OfferForm};
use cohort_domain::Stage;
use cohort_store::accounts::Account;
use cohort_store::{Store, StoreError};

/// What the demo's offers hold, for the summary the demo prints.
#[derive(Debug, Default)]
pub struct DemoOffers {
    pub offers: usize,
    /// A candidate whose offer waits for an answer (sign in as them to accept it).
    pub candidate_to_answer: Option<String>,
    /// The first day of the interns who accepted.
    pub interns_start: Option<String>,
    /// An intern halfway through their onboarding checklist.
    pub intern_to_see: Option<String>,
}

const DAY: i64 = 86_400;

/// How many applications at Offer the demo's states take, and how many accepted offers it adds.
const AT_OFFER: usize = 8;
const ACCEPTED: usize = 3;

/// Adds the demo's offers to a season that has none.
pub async fn ensure_demo_offers(app: &App, season_id: i64) -> Result<DemoOffers, OfferError> {
    if !app.store().offers(season_id, None).await?.is_empty() {
        return Ok(DemoOffers::default());
    }
    let account = |email: &'static str| async move {
        let user = app.store().user_by_email(email).await?;
        match user {
            Some(user) => Ok::<_, StoreError>(app.store().account(user.id).await?),
            None => Ok(None),
        }
    };
    let (Some(recruiter), Some(manager)) = (
        account(crate::DEMO_ACCOUNTS[1].0).await?,
        account(crate::DEMO_ACCOUNTS[2].0).await?,
    ) else {
        return Ok(DemoOffers::default());
    };
    let mut at_offer = applications_at(app, season_id, AT_OFFER + ACCEPTED, &recruiter).await?;
    let hired: Vec<i64> = at_offer.drain(..ACCEPTED.min(at_offer.len())).collect();
    let mut summary = DemoOffers::default();
    let today = app.now_utc().date_naive();
    // Next Monday: the accepted interns' first day.
    let monday = today
        + chrono::Duration::days(
            7 - i64::from(chrono::Datelike::weekday(&today).num_days_from_monday()),
        );
    // First-week orientation for next Monday's interns, planned before they accept so that
    // accepting sends each of them the invitations.
    add_orientation(app, season_id, &recruiter, monday).await?;
    for (index, &application_id) in hired.iter().enumerate() {
        let mut form = offers::suggested_form(app, application_id).await?;
        form.start = monday.format("%Y-%m-%d").to_string();
        form.end = (monday + chrono::Duration::weeks(12) - chrono::Duration::days(1))
            .format("%Y-%m-%d")
            .to_string();
        form.deadline = (today + chrono::Duration::days(2))
            .format("%Y-%m-%d")
            .to_string();
        let id = through_approval(app, &recruiter, &manager, application_id, &form).await?;
        offers::send(app, &recruiter, id, version(app, id).await?).await?;
        let offer = app.store().offer(id).await?;
        let candidate = candidate(app, offer.candidate_id).await?;
        offers::answer(
            app,
            &candidate,
            id,
            offer.letter_sha256.as_deref().unwrap_or_default(),
            Answer::Accept {
                signature: &offer.candidate_name,
                address: "192.0.2.10",
            },
        )
        .await?;
        summary.interns_start = Some(form.start.clone());
        summary.offers += 1;
        progress(app, &candidate, &recruiter, id, index).await?;
        if index == 1 {
            summary.intern_to_see = Some(candidate.user.email.clone());
        }
    }
    let mut pool = at_offer.into_iter();
    let mut next = || pool.next();
    // A draft.
    if let Some(application_id) = next() {
        let form = offers::suggested_form(app, application_id).await?;
        offers::draft(app, &recruiter, application_id, &form).await?;
        summary.offers += 1;
    }
    // Out of band: the hiring manager approved, the recruiting lead has not yet.
    if let Some(application_id) = next() {
        let mut form = offers::suggested_form(app, application_id).await?;
        form.sign_on = "5000".into();
        form.reason = "Competing offer with a sign-on bonus; strong bar-raiser feedback.".into();
        let id = offers::draft(app, &recruiter, application_id, &form).await?;
        offers::submit(app, &recruiter, id, 1).await?;
        offers::decide(app, &manager, id, 1, true, "Worth it.").await?;
        summary.offers += 1;
    }
    // Approved, not sent.
    if let Some(application_id) = next() {
        let form = offers::suggested_form(app, application_id).await?;
        through_approval(app, &recruiter, &manager, application_id, &form).await?;
        summary.offers += 1;
    }
    // Two sent, one due in two days.
    for due in [2, 10] {
        if let Some(application_id) = next() {
            let mut form = offers::suggested_form(app, application_id).await?;
            form.deadline = (today + chrono::Duration::days(due))
                .format("%Y-%m-%d")
                .to_string();
            let id = through_approval(app, &recruiter, &manager, application_id, &form).await?;
            offers::send(app, &recruiter, id, version(app, id).await?).await?;
            if due == 10 {
                summary.candidate_to_answer = Some(app.store().offer(id).await?.candidate_email);
            }
            summary.offers += 1;
        }
    }
    // Declined.
    if let Some(application_id) = next() {
        let form = offers::suggested_form(app, application_id).await?;
        let id = through_approval(app, &recruiter, &manager, application_id, &form).await?;
        offers::send(app, &recruiter, id, version(app, id).await?).await?;
        let offer = app.store().offer(id).await?;
        let candidate = candidate(app, offer.candidate_id).await?;
        offers::answer(
            app,
            &candidate,
            id,
            offer.letter_sha256.as_deref().unwrap_or_default(),
            Answer::Decline {
                reason: Some(DeclineReason::Location),
                note: "I would rather stay on the east coast.",
            },
        )
        .await?;
        summary.offers += 1;
    }
    // Expired: sent five days ago with three days to decide; the expiry job ran since.
    if let Some(application_id) = next() {
        app.clock().advance(-5 * DAY);
        let outcome = async {
            let mut form = offers::suggested_form(app, application_id).await?;
            let sent_on = app.now_utc().date_naive();
            form.deadline = (sent_on + chrono::Duration::days(2))
                .format("%Y-%m-%d")
                .to_string();
            let id = through_approval(app, &recruiter, &manager, application_id, &form).await?;
            offers::send(app, &recruiter, id, version(app, id).await?).await?;
            Ok::<_, OfferError>(id)
        }
        .await;
        app.clock().advance(5 * DAY);
        outcome?;
        // Only the expiry: the other queued work is the server's to run.
        cohort_app::jobs::Runner::new(
            std::sync::Arc::new(app.clone()),
            cohort_app::jobs::Registry::default().with::<offers::ExpireOffer>(),
        )
        .run_due()
        .await?;
        summary.offers += 1;
    }
    // Rescinded.
    if let Some(application_id) = next() {
        let form = offers::suggested_form(app, application_id).await?;
        let id = through_approval(app, &recruiter, &manager, application_id, &form).await?;
        offers::send(app, &recruiter, id, version(app, id).await?).await?;
        offers::rescind(
            app,
            &recruiter,
            id,
            "The team's headcount was withdrawn by finance.",
        )
        .await?;
        summary.offers += 1;
    }
    Ok(summary)
}

/// Two orientation sessions on `monday`, in Seattle's time.
async fn add_orientation(
    app: &App,
    season_id: i64,
    recruiter: &Account,
    monday: chrono::NaiveDate,
) -> Result<(), OfferError> {
    let day = monday.format("%Y-%m-%d").to_string();
    for (title, time, minutes, description) in [
        (
            "Welcome and Leadership Principles",
            "09:00",
            "120",
            "The company, its Leadership Principles and how the twelve weeks run.",
        ),
        (
            "Security and your accounts",
            "13:00",
            "90",
            "Security training, badges, laptops and access to the tools.",
        ),
    ] {
        let form = cohort_app::onboarding::SessionForm {
            title: title.to_owned(),
            description: description.to_owned(),
            start_date: day.clone(),
            starts: format!("{day}T{time}"),
            minutes: minutes.to_owned(),
            time_zone: "America/Los_Angeles".to_owned(),
            location: "Day 1 North, Seattle, and online".to_owned(),
        };
        cohort_app::onboarding::add_session(app, recruiter, season_id, &form)
            .await
            .map_err(|e| OfferError::NotNow(e.to_string()))?;
    }
    Ok(())
}

/// Mixed progress: the first intern has done most of their tasks, the second some, the third
/// none; recruiting has done some of its own.
async fn progress(
    app: &App,
    intern: &Account,
    recruiter: &Account,
    offer_id: i64,
    index: usize,
) -> Result<(), OfferError> {
    use cohort_app::onboarding::{complete, Handed};
    use cohort_domain::onboarding::{TaskKind, TaskOwner};
    let how_many = [6, 3, 0][index.min(2)];
    let tasks = app.store().onboarding_tasks(offer_id).await?;
    let mut done = 0;
    for task in tasks {
        if done >= how_many {
            break;
        }
        let who = if task.owner == TaskOwner::Intern {
            intern
        } else {
            recruiter
        };
        let handed = match task.kind {
            TaskKind::Form if task.title.contains("housing") => {
                Handed::Answer("Corporate housing, please; I arrive the Saturday before.")
            }
            TaskKind::Form if task.title.contains("address") => {
                Handed::Answer("221 Pine Street, Apartment 4, Seattle, WA 98101")
            }
            TaskKind::Form => Handed::Answer("Done and checked."),
            TaskKind::Upload => Handed::Upload {
                bytes: crate::pdf::one_page(&[
                    "Form W-4".to_owned(),
                    intern.user.display_name.clone(),
                ]),
                filename: "w4.pdf",
            },
            TaskKind::Training | TaskKind::Link => Handed::Nothing,
        };
        if complete(app, who, task.id, handed).await.is_ok() {
            done += 1;
        }
    }
    Ok(())
}

/// Drafts, submits and has the hiring manager approve an in-band offer; returns its id.
async fn through_approval(
    app: &App,
    recruiter: &Account,
    manager: &Account,
    application_id: i64,
    form: &OfferForm,
) -> Result<i64, OfferError> {
    let id = offers::draft(app, recruiter, application_id, form).await?;
    let state = offers::submit(app, recruiter, id, 1).await?;
    if state == cohort_domain::offers::OfferState::AwaitingApproval {
        offers::decide(app, manager, id, 1, true, "").await?;
    }
    Ok(id)
}

async fn version(app: &App, id: i64) -> Result<i64, StoreError> {
    Ok(app.store().offer(id).await?.version)
}

async fn candidate(app: &App, candidate_id: i64) -> Result<Account, OfferError> {
    app.store()
        .account(candidate_id)
        .await?
        .ok_or(OfferError::NotFound)
}

/// `count` applications of the season at Offer with a pay band for their first choice; when
/// there are too few, applications still at Applied are walked there by the recruiter.
async fn applications_at(
    app: &App,
    season_id: i64,
    count: usize,
    recruiter: &Account,
) -> Result<Vec<i64>, StoreError> {
    let mut found = app
        .store()
        .applications_without_offer(season_id, Stage::Offer)
        .await?;
    found.truncate(count);
    if found.len() < count {
        let path = [
            Stage::Applied,
            Stage::Screening,
            Stage::PhoneScreen,
            Stage::FinalLoop,
            Stage::Debrief,
            Stage::Offer,
        ];
        // The newest applications at Applied: the demo's candidate and the earliest stay put.
        let mut spare = app
            .store()
            .applications_without_offer(season_id, Stage::Applied)
            .await?;
        spare.reverse();
        let mut tx = app.store().begin().await?;
        for application_id in spare.into_iter().take(count - found.len()) {
            for window in path.windows(2) {
                Store::move_application(
                    &mut tx,
                    application_id,
                    window[0],
                    window[1],
                    recruiter.user.id,
                    None,
                    "",
                    None,
                    app.now(),
                )
                .await?;
            }
            found.push(application_id);
        }
        Store::commit(tx).await?;
    }
    Ok(found)
}
