//! Offers as staff work them: a season's offers with each opening's headcount, drafting one (or
//! all) from hire decisions, an offer's page (terms against the band, the approval chain, the
//! letter, the history) with what the viewer may do there, and the approvals waiting for the
//! viewer. Recruiters and administrators manage offers; approvers decide their step; hiring
//! managers read. Interviewers see none of it.

use super::badge;
use crate::auth::{Csrf, CsrfForm, Pipeline, Require};
use crate::error::AppError;
use crate::html::render_status;
use crate::pages::{day, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::offers::{self as offer_cases, OfferError};
use cohort_domain::money::Currency;
use cohort_domain::offers::{exceptions, steps_for, Band, OfferForm, OfferState};
use cohort_domain::FieldErrors;
use cohort_store::accounts::Account;
use cohort_store::applications::ChoiceRecord;
use cohort_store::offers::{OfferEventRecord, OfferRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/offers", get(newest_season))
        .route("/staff/offers/approvals", get(approvals_page))
        .route("/staff/seasons/{id}/offers", get(list_page))
        .route("/staff/seasons/{id}/offers/draft-all", post(draft_all))
        .route(
            "/staff/applications/{id}/offer",
            get(new_offer_page).post(create_offer),
        )
        .route("/staff/offers/{id}", get(offer_page).post(revise))
        .route("/staff/offers/{id}/submit", post(submit))
        .route("/staff/offers/{id}/decide", post(decide))
        .route("/staff/offers/{id}/send", post(send))
        .route("/staff/offers/{id}/extend", post(extend))
        .route("/staff/offers/{id}/rescind", post(rescind))
        .route("/staff/offers/{id}/letter.pdf", get(letter_pdf))
}

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    state: Option<String>,
    notice: Option<String>,
}

/// One opening's headcount against its offers.
struct HeadcountRow {
    opening_id: i64,
    title: String,
    track: String,
    city: String,
    headcount: i64,
    drafts: i64,
    awaiting: i64,
    out: i64,
    accepted: i64,
    declined: i64,
    expired: i64,
}

impl HeadcountRow {
    /// Offers holding the headcount: awaiting approval, approved, sent or accepted.
    fn holding(&self) -> i64 {
        self.awaiting + self.out + self.accepted
    }

    /// The rows of `rows` grouped by `key`, summed, in the order keys first appear.
    fn totals(rows: &[HeadcountRow], key: impl Fn(&HeadcountRow) -> String) -> Vec<HeadcountRow> {
        let mut totals: Vec<HeadcountRow> = Vec::new();
        for row in rows {
            let name = key(row);
            let total = match totals.iter_mut().find(|t| t.title == name) {
                Some(total) => total,
                None => {
                    totals.push(HeadcountRow {
                        opening_id: 0,
                        title: name,
                        track: String::new(),
                        city: String::new(),
                        headcount: 0,
                        drafts: 0,
                        awaiting: 0,
                        out: 0,
                        accepted: 0,
                        declined: 0,
                        expired: 0,
                    });
                    totals.last_mut().expect("just pushed")
                }
            };
            total.headcount += row.headcount;
            total.drafts += row.drafts;
            total.awaiting += row.awaiting;
            total.out += row.out;
            total.accepted += row.accepted;
            total.declined += row.declined;
            total.expired += row.expired;
        }
        totals
    }
}

#[derive(Template)]
#[template(path = "offers/list.html")]
struct ListPage {
    layout: Layout,
    season_id: i64,
    season_name: String,
    seasons: Vec<(i64, String)>,
    offers: Vec<OfferRecord>,
    states: Vec<(OfferState, i64)>,
    filter: Option<OfferState>,
    headcount: Vec<HeadcountRow>,
    by_track: Vec<HeadcountRow>,
    by_location: Vec<HeadcountRow>,
    waiting: usize,
    may_manage: bool,
    is_admin: bool,
}

impl ListPage {
    fn badge(&self, state: &OfferState) -> &'static str {
        badge(*state)
    }

    fn is_filter(&self, state: &OfferState) -> bool {
        self.filter == Some(*state)
    }

    fn pay(&self, offer: &OfferRecord) -> String {
        offer.currency().format(offer.monthly_pay_minor)
    }
}

async fn newest_season(
    State(state): State<AppState>,
    _staff: Require<Pipeline>,
) -> Result<Response, AppError> {
    match state.store().seasons().await?.into_iter().next() {
        Some(season) => {
            Ok(Redirect::to(&format!("/staff/seasons/{}/offers", season.id)).into_response())
        }
        None => Ok(Redirect::to("/staff").into_response()),
    }
}

async fn list_page(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let season = state.store().season(season_id).await?;
    let filter = query.state.as_deref().and_then(OfferState::parse);
    let all = state.store().offers(season_id, None).await?;
    let states = OfferState::ALL
        .into_iter()
        .map(|s| (s, all.iter().filter(|o| o.state == s).count() as i64))
        .collect();
    let offers = match filter {
        Some(wanted) => all.into_iter().filter(|o| o.state == wanted).collect(),
        None => all,
    };
    let counts = state.store().offer_counts(season_id).await?;
    let openings = state
        .store()
        .openings(&cohort_store::seasons::OpeningFilter {
            season_id: Some(season_id),
            ..Default::default()
        })
        .await?;
    let headcount: Vec<HeadcountRow> = openings
        .into_iter()
        .map(|o| {
            let count = |s: OfferState| {
                counts
                    .iter()
                    .filter(|c| c.opening_id == o.id && c.state == s)
                    .map(|c| c.offers)
                    .sum::<i64>()
            };
            HeadcountRow {
                opening_id: o.id,
                title: o.title.clone(),
                track: o.track_name.clone(),
                city: o.city.clone(),
                headcount: o.headcount,
                drafts: count(OfferState::Draft),
                awaiting: count(OfferState::AwaitingApproval),
                out: count(OfferState::Approved) + count(OfferState::Sent),
                accepted: count(OfferState::Accepted),
                declined: count(OfferState::Declined),
                expired: count(OfferState::Expired),
            }
        })
        .collect();
    let waiting = state.store().awaiting_offers(season_id).await?.len();
    let flash = match query.notice.as_deref() {
        Some(notice) if notice.starts_with("drafted-") => Some(format!(
            "{} offers drafted from the pay bands. Review and submit each.",
            &notice[8..]
        )),
        _ => None,
    };
    let seasons = state
        .store()
        .seasons()
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let page = ListPage {
        layout: Layout::for_account(
            format!("Offers · {}", season.name),
            Some(&staff.account),
            &csrf,
        )
        .with_flash(flash),
        season_id,
        season_name: season.name,
        seasons,
        offers,
        states,
        filter,
        by_track: HeadcountRow::totals(&headcount, |r| r.track.clone()),
        by_location: HeadcountRow::totals(&headcount, |r| r.city.clone()),
        headcount,
        waiting,
        may_manage: offer_cases::may_manage(&staff.account),
        is_admin: staff.account.has(cohort_domain::Role::Administrator),
    };
    render_status(StatusCode::OK, &page)
}

async fn draft_all(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    Path(season_id): Path<i64>,
    CsrfForm(_form): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let (drafted, skipped) = offer_cases::draft_all(state.app(), &staff.account, season_id).await?;
    if !skipped.is_empty() {
        tracing::info!(skipped = skipped.len(), "offers not drafted: no pay band");
    }
    Ok(Redirect::to(&format!(
        "/staff/seasons/{season_id}/offers?notice=drafted-{drafted}"
    ))
    .into_response())
}

#[derive(serde::Deserialize, Default)]
struct Empty {}

/// A row of the band comparison: what the offer says and what the band allows.
struct BandRow {
    label: &'static str,
    offer: String,
    band: String,
    outside: bool,
}

/// One step of the approval chain as the offer stands.
struct StepRow {
    number: usize,
    who: String,
    when: &'static str,
    status: String,
    waiting: bool,
}

#[derive(Template)]
#[template(path = "offers/offer.html")]
struct OfferPage {
    layout: Layout,
    application_id: i64,
    candidate_name: String,
    season_name: String,
    offer: Option<OfferRecord>,
    choices: Vec<ChoiceRecord>,
    form: OfferForm,
    errors: FieldErrors,
    error: Option<String>,
    band_rows: Vec<BandRow>,
    band_note: Option<String>,
    /// The exceptions the terms have now (for a draft) or had when submitted.
    exceptions: Vec<String>,
    headcount: Option<(i64, i64)>,
    steps: Vec<StepRow>,
    letter_html: String,
    letter_hash: String,
    history: Vec<OfferEventRecord>,
    may_manage: bool,
    may_decide: bool,
    decline_label: Option<&'static str>,
    today: String,
    /// The last day a deadline may fall on: the day before the start.
    last_deadline: String,
}

impl OfferPage {
    fn badge(&self, state: &OfferState) -> &'static str {
        badge(*state)
    }

    fn when(&self, at: impl std::borrow::Borrow<i64>) -> String {
        crate::pages::when_utc(*at.borrow())
    }

    fn field_error(&self, field: &str) -> Option<String> {
        self.errors.get(field).map(str::to_owned)
    }

    fn is(&self, state: OfferState) -> bool {
        self.offer.as_ref().is_some_and(|o| o.state == state)
    }
}

struct Refusal {
    form: Option<OfferForm>,
    errors: FieldErrors,
    error: Option<String>,
}

impl Refusal {
    fn none() -> Refusal {
        Refusal {
            form: None,
            errors: FieldErrors::new(),
            error: None,
        }
    }
}

fn band_of_record(band: &cohort_store::seasons::PayBandRecord) -> Band {
    Band {
        currency: Currency::stored(&band.currency),
        monthly_min: band.monthly_pay_minor,
        monthly_max: band.monthly_pay_max_minor,
        housing_max: band.housing_stipend_minor,
        relocation_max: band.relocation_minor,
        sign_on_max: band.sign_on_max_minor,
    }
}

/// The band comparison of `terms` (as typed or stored) against `band`.
fn band_rows(
    currency: &Currency,
    monthly: i64,
    housing: Option<i64>,
    relocation: i64,
    sign_on: i64,
    band: &Band,
) -> Vec<BandRow> {
    let b = &band.currency;
    let range = if band.monthly_min == band.monthly_max {
        b.format(band.monthly_min)
    } else {
        format!(
            "{} to {}",
            b.format(band.monthly_min),
            b.format(band.monthly_max)
        )
    };
    let same = currency == b;
    let mut rows = vec![BandRow {
        label: "Monthly pay",
        offer: currency.format(monthly),
        band: range,
        outside: !same || monthly < band.monthly_min || monthly > band.monthly_max,
    }];
    rows.push(BandRow {
        label: "Housing",
        offer: match housing {
            Some(amount) => format!("stipend {}", currency.format(amount)),
            None => "corporate housing".to_owned(),
        },
        band: format!("stipend up to {}", b.format(band.housing_max)),
        outside: !same || housing.unwrap_or(0) > band.housing_max,
    });
    rows.push(BandRow {
        label: "Relocation",
        offer: currency.format(relocation),
        band: format!("up to {}", b.format(band.relocation_max)),
        outside: !same || relocation > band.relocation_max,
    });
    rows.push(BandRow {
        label: "Sign-on bonus",
        offer: currency.format(sign_on),
        band: format!("up to {}", b.format(band.sign_on_max)),
        outside: !same || sign_on > band.sign_on_max,
    });
    rows
}

async fn steps_of(state: &AppState, offer: &OfferRecord) -> Result<Vec<StepRow>, AppError> {
    let chain = offer_cases::chain_of(state.app(), offer).await?;
    let approvals = state.store().offer_approvals(offer.id).await?;
    let submitted = !matches!(offer.state, OfferState::Draft);
    let has_exception = !offer.exception_lines().is_empty();
    let needed = steps_for(&chain, has_exception);
    let pending = offer_cases::pending_step(state.app(), offer)
        .await?
        .map(|(p, _)| p);
    // A named approver is shown by name.
    let mut names = std::collections::HashMap::new();
    for step in &chain {
        if let cohort_domain::offers::Approver::Person(id) = step.approver {
            if let Some(contact) = state.store().contact(id).await? {
                names.insert(id, contact.name);
            }
        }
    }
    Ok(chain
        .iter()
        .enumerate()
        .map(|(position, step)| {
            let decision = approvals
                .iter()
                .find(|a| a.version == offer.version && a.step == position as i64);
            let status = match decision {
                Some(a) if a.approved != 0 => format!(
                    "Approved by {} on {}{}",
                    a.approver_name,
                    day(a.decided_at),
                    if a.note.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", a.note)
                    }
                ),
                Some(a) => format!(
                    "Returned by {} on {}: {}",
                    a.approver_name,
                    day(a.decided_at),
                    a.note
                ),
                None if !submitted => {
                    if step.applies == cohort_domain::offers::StepApplies::Always {
                        "Will be asked on submission".to_owned()
                    } else {
                        "Asked only for an exception".to_owned()
                    }
                }
                None if !needed.contains(&position) => "Not needed: no exception".to_owned(),
                None if pending == Some(position) => "Waiting for a decision".to_owned(),
                None if offer.state == OfferState::AwaitingApproval => {
                    "Waits for the step before".to_owned()
                }
                None => "Not asked".to_owned(),
            };
            StepRow {
                number: position + 1,
                who: match step.approver {
                    cohort_domain::offers::Approver::Person(id) if names.contains_key(&id) => {
                        names[&id].clone()
                    }
                    other => offer_cases::approver_label(other),
                },
                when: match step.applies {
                    cohort_domain::offers::StepApplies::Always => "every offer",
                    cohort_domain::offers::StepApplies::OnException => {
                        "out of band or beyond headcount"
                    }
                },
                status,
                waiting: pending == Some(position),
            }
        })
        .collect())
}

async fn offer_view(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    offer_id: i64,
    flash: Option<String>,
    refusal: Refusal,
) -> Result<OfferPage, AppError> {
    if !offer_cases::may_read(account) {
        return Err(AppError::Forbidden);
    }
    let offer = state.store().offer(offer_id).await?;
    let choices = state.store().choices(offer.application_id).await?;
    let band = state
        .store()
        .pay_band(offer.track_id, offer.location_id)
        .await?
        .map(|b| band_of_record(&b));
    let currency = offer.currency();
    let housing = match offer.housing() {
        cohort_domain::offers::Housing::Stipend(amount) => Some(amount),
        cohort_domain::offers::Housing::Corporate => None,
    };
    let (rows, band_note) = match &band {
        Some(band) => (
            band_rows(
                &currency,
                offer.monthly_pay_minor,
                housing,
                offer.relocation_minor,
                offer.sign_on_minor,
                band,
            ),
            (band.currency != currency).then(|| {
                format!(
                    "The band is in {}; the offer in {}: they cannot be compared.",
                    band.currency, currency
                )
            }),
        ),
        None => (
            Vec::new(),
            Some("This track has no pay band at this location.".to_owned()),
        ),
    };
    let holding_others = state
        .store()
        .offer_counts(offer.season_id)
        .await?
        .iter()
        .filter(|c| c.opening_id == offer.opening_id && c.state.holds_headcount())
        .map(|c| c.offers)
        .sum::<i64>()
        - i64::from(offer.state.holds_headcount());
    let found = if offer.state == OfferState::Draft {
        let terms = offer_cases::stored_terms(&offer)?;
        exceptions(&terms, band.as_ref(), holding_others + 1, offer.headcount)
            .iter()
            .map(|e| e.describe(&currency))
            .collect()
    } else {
        offer
            .exception_lines()
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    };
    let letter = match &offer.letter {
        Some(letter) => letter.clone(),
        // Whoever sends it signs it; until then the preview is signed by the drafter.
        None => offer_cases::compose_letter(state.app(), &offer, &offer.created_by_name)
            .await
            .unwrap_or_else(|e| format!("The letter template does not fill: {e}")),
    };
    let may_decide = offer_cases::may_decide(state.app(), account, &offer).await?;
    let steps = steps_of(state, &offer).await?;
    let history = state.store().offer_events(offer.id).await?;
    let decline_label = offer
        .decline_reason
        .as_deref()
        .and_then(cohort_domain::offers::DeclineReason::parse)
        .map(|r| r.label());
    let today = state
        .app()
        .now_utc()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    Ok(OfferPage {
        layout: Layout::for_account(
            format!("Offer to {}", offer.candidate_name),
            Some(account),
            csrf,
        )
        .with_flash(flash),
        application_id: offer.application_id,
        candidate_name: offer.candidate_name.clone(),
        season_name: offer.season_name.clone(),
        form: refusal.form.unwrap_or_else(|| offer_cases::form_of(&offer)),
        errors: refusal.errors,
        error: refusal.error,
        choices,
        band_rows: rows,
        band_note,
        exceptions: found,
        headcount: Some((
            holding_others + i64::from(offer.state.holds_headcount()),
            offer.headcount,
        )),
        steps,
        letter_hash: offer_cases::letter::hash(&letter),
        letter_html: crate::pages::clean_html(&offer_cases::letter::to_html(&letter)),
        history,
        may_manage: offer_cases::may_manage(account),
        may_decide,
        decline_label,
        today,
        last_deadline: chrono::NaiveDate::parse_from_str(&offer.start_date, "%Y-%m-%d")
            .map(|d| {
                (d - chrono::Duration::days(1))
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .unwrap_or_default(),
        offer: Some(offer),
    })
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

fn notice_text(notice: Option<&str>) -> Option<String> {
    Some(
        match notice? {
            "drafted" => "Offer drafted. Check it against the band, then submit it for approval.",
            "saved" => "Changes saved. The offer is a draft again: submit it for approval.",
            "awaiting_approval" => "Submitted: the approvers have been told.",
            "approved" => "Approved. Send it to the candidate when you are ready.",
            "decided" => "Your decision is recorded.",
            "returned" => "Returned to the recruiter with your note.",
            "sent" => "Sent: the candidate has an email with a link to the letter.",
            "extended" => "Deadline extended: the candidate has the new letter.",
            "rescinded" => "Offer rescinded and the application closed.",
            _ => return None,
        }
        .to_owned(),
    )
}

async fn offer_page(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let page = offer_view(
        &state,
        &staff.account,
        &csrf,
        id,
        notice_text(query.notice.as_deref()),
        Refusal::none(),
    )
    .await?;
    render_status(StatusCode::OK, &page)
}

/// Shows the offer page again after a refusal: field errors beside their fields, anything else
/// at the top; nothing changed.
async fn refused(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    offer_id: i64,
    form: Option<OfferForm>,
    error: OfferError,
) -> Result<Response, AppError> {
    let (status, refusal) = match error {
        OfferError::Invalid(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Refusal {
                form,
                error: Some(
                    errors
                        .errors
                        .iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                errors,
            },
        ),
        OfferError::NotNow(_)
        | OfferError::Stale
        | OfferError::Template(_)
        | OfferError::Answer(_) => (
            StatusCode::CONFLICT,
            Refusal {
                form,
                errors: FieldErrors::new(),
                error: Some(error.to_string()),
            },
        ),
        other => return Err(other.into()),
    };
    let page = offer_view(state, account, csrf, offer_id, None, refusal).await?;
    render_status(status, &page)
}

async fn new_offer_page(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(application_id): Path<i64>,
) -> Result<Response, AppError> {
    if let Some(offer) = state.store().offer_of_application(application_id).await? {
        return Ok(Redirect::to(&format!("/staff/offers/{}", offer.id)).into_response());
    }
    let form = offer_cases::suggested_form(state.app(), application_id).await?;
    new_offer(
        &state,
        &staff.account,
        &csrf,
        application_id,
        form,
        FieldErrors::new(),
        None,
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn new_offer(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    application_id: i64,
    form: OfferForm,
    errors: FieldErrors,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let record = state.store().application(application_id).await?;
    let choices = state.store().choices(application_id).await?;
    let opening_id = form.opening.parse::<i64>().ok();
    let band = match choices.iter().find(|c| Some(c.opening_id) == opening_id) {
        Some(choice) => {
            let opening = state.store().opening(choice.opening_id).await?;
            state
                .store()
                .pay_band(opening.track_id, opening.location_id)
                .await?
                .map(|b| band_of_record(&b))
        }
        None => None,
    };
    let band_rows = match (&band, Currency::parse(&form.currency)) {
        (Some(band), Ok(currency)) => {
            let amount = |text: &str| {
                currency
                    .parse_amount(if text.trim().is_empty() { "0" } else { text }, "x")
                    .unwrap_or(0)
            };
            band_rows(
                &currency,
                amount(&form.monthly_pay),
                (form.housing != "corporate").then(|| amount(&form.housing_stipend)),
                amount(&form.relocation),
                amount(&form.sign_on),
                band,
            )
        }
        _ => Vec::new(),
    };
    let page = OfferPage {
        layout: Layout::for_account(
            format!("Offer to {}", record.candidate_name),
            Some(account),
            csrf,
        ),
        application_id,
        candidate_name: record.candidate_name.clone(),
        season_name: record.season_name.clone(),
        offer: None,
        choices,
        form,
        errors,
        error,
        band_note: band
            .is_none()
            .then(|| "The chosen opening's track has no pay band at its location.".to_owned()),
        band_rows,
        exceptions: Vec::new(),
        headcount: None,
        steps: Vec::new(),
        letter_html: String::new(),
        letter_hash: String::new(),
        history: Vec::new(),
        may_manage: offer_cases::may_manage(account),
        may_decide: false,
        decline_label: None,
        today: state
            .app()
            .now_utc()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string(),
        last_deadline: String::new(),
    };
    render_status(status, &page)
}

async fn create_offer(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(application_id): Path<i64>,
    CsrfForm(form): CsrfForm<OfferForm>,
) -> Result<Response, AppError> {
    match offer_cases::draft(state.app(), &staff.account, application_id, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/staff/offers/{id}?notice=drafted")).into_response()),
        Err(OfferError::Invalid(errors)) => {
            new_offer(
                &state,
                &staff.account,
                &csrf,
                application_id,
                form,
                errors,
                Some("Nothing was saved: some fields need attention.".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(OfferError::NotNow(why)) => {
            new_offer(
                &state,
                &staff.account,
                &csrf,
                application_id,
                form,
                FieldErrors::new(),
                Some(why),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(serde::Deserialize)]
struct ReviseForm {
    /// A string: a flattened form hands every value over as text.
    version: String,
    #[serde(flatten)]
    offer: OfferForm,
}

async fn revise(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReviseForm>,
) -> Result<Response, AppError> {
    let version = form.version.parse().map_err(|_| {
        AppError::BadRequest("The form lost the offer's version; reload the page.".into())
    })?;
    match offer_cases::revise(state.app(), &staff.account, id, version, &form.offer).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/offers/{id}?notice=saved")).into_response()),
        Err(error) => refused(&state, &staff.account, &csrf, id, Some(form.offer), error).await,
    }
}

#[derive(serde::Deserialize)]
struct VersionForm {
    version: i64,
}

async fn submit(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<VersionForm>,
) -> Result<Response, AppError> {
    match offer_cases::submit(state.app(), &staff.account, id, form.version).await {
        Ok(to) => {
            Ok(Redirect::to(&format!("/staff/offers/{id}?notice={}", to.as_str())).into_response())
        }
        Err(error) => refused(&state, &staff.account, &csrf, id, None, error).await,
    }
}

#[derive(serde::Deserialize)]
struct DecideForm {
    version: i64,
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decide(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DecideForm>,
) -> Result<Response, AppError> {
    let approve = match form.decision.as_str() {
        "approve" => true,
        "return" => false,
        _ => {
            return Err(AppError::BadRequest(
                "Choose to approve the offer or return it.".into(),
            ))
        }
    };
    match offer_cases::decide(
        state.app(),
        &staff.account,
        id,
        form.version,
        approve,
        &form.note,
    )
    .await
    {
        Ok(_) => {
            let notice = if approve { "decided" } else { "returned" };
            Ok(Redirect::to(&format!("/staff/offers/{id}?notice={notice}")).into_response())
        }
        Err(error) => refused(&state, &staff.account, &csrf, id, None, error).await,
    }
}

async fn send(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<VersionForm>,
) -> Result<Response, AppError> {
    match offer_cases::send(state.app(), &staff.account, id, form.version).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/offers/{id}?notice=sent")).into_response()),
        Err(error) => refused(&state, &staff.account, &csrf, id, None, error).await,
    }
}

#[derive(serde::Deserialize)]
struct ExtendForm {
    deadline: String,
}

async fn extend(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ExtendForm>,
) -> Result<Response, AppError> {
    match offer_cases::extend(state.app(), &staff.account, id, &form.deadline).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/offers/{id}?notice=extended")).into_response()),
        Err(error) => refused(&state, &staff.account, &csrf, id, None, error).await,
    }
}

#[derive(serde::Deserialize)]
struct RescindForm {
    reason: String,
}

async fn rescind(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RescindForm>,
) -> Result<Response, AppError> {
    match offer_cases::rescind(state.app(), &staff.account, id, &form.reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/offers/{id}?notice=rescinded")).into_response()),
        Err(error) => refused(&state, &staff.account, &csrf, id, None, error).await,
    }
}

/// The letter as a PDF: the one sent, or a preview of what sending would fix.
async fn letter_pdf(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    if !offer_cases::may_read(&staff.account) {
        return Err(AppError::Forbidden);
    }
    let offer = state.store().offer(id).await?;
    let letter = match &offer.letter {
        Some(letter) => letter.clone(),
        None => {
            offer_cases::compose_letter(state.app(), &offer, &staff.account.user.display_name)
                .await?
        }
    };
    pdf_response(
        letter,
        format!("Offer to {}", offer.candidate_name),
        format!("offer-{id}.pdf"),
    )
    .await
}

/// Lays a letter out as a PDF off the async threads and sends it as an attachment.
pub async fn pdf_response(
    letter: String,
    title: String,
    filename: String,
) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(move || offer_cases::letter::pdf(&letter, &title))
        .await
        .map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "offers/approvals.html")]
struct ApprovalsPage {
    layout: Layout,
    waiting: Vec<(OfferRecord, String)>,
}

async fn approvals_page(
    State(state): State<AppState>,
    staff: Require<Pipeline>,
    csrf: Csrf,
) -> Result<Response, AppError> {
    let mut waiting = Vec::new();
    for season in state.store().seasons().await? {
        for offer in state
            .store()
            .offers(season.id, Some(OfferState::AwaitingApproval))
            .await?
        {
            if offer_cases::may_decide(state.app(), &staff.account, &offer).await? {
                let pay = offer.currency().format(offer.monthly_pay_minor);
                waiting.push((offer, pay));
            }
        }
    }
    let page = ApprovalsPage {
        layout: Layout::for_account("Offers to approve", Some(&staff.account), &csrf),
        waiting,
    };
    render_status(StatusCode::OK, &page)
}
