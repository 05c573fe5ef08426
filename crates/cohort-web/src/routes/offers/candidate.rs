//! The candidate's offer: the letter as a page and a PDF, and the answer. Only the candidate it
//! was sent to sees it; to anyone else (staff included, who have their own page) it does not
//! exist.

use super::staff::pdf_response;
use crate::auth::{CandidateOnly, ClientAddress, Csrf, CsrfForm, Require};
use crate::error::AppError;
use crate::html::render_status;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::offers::{self as offer_cases, letter, Answer, OfferError};
use cohort_domain::offers::{DeclineReason, OfferState};
use cohort_store::accounts::Account;
use cohort_store::offers::OfferRecord;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/offers/{id}", get(offer_page))
        .route("/offers/{id}/letter.pdf", get(letter_pdf))
        .route("/offers/{id}/accept", post(accept))
        .route("/offers/{id}/decline", post(decline))
}

#[derive(Template)]
#[template(path = "offers/candidate.html")]
struct CandidateOfferPage {
    layout: Layout,
    offer: OfferRecord,
    letter_html: String,
    letter_hash: String,
    deadline: String,
    open: bool,
    reasons: Vec<DeclineReason>,
    error: Option<String>,
    typed_name: String,
    answered: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    offer_id: i64,
    flash: Option<String>,
    error: Option<String>,
    typed_name: String,
) -> Result<CandidateOfferPage, AppError> {
    let offer = offer_cases::candidate_offer(state.app(), account, offer_id).await?;
    let text = offer.letter.clone().unwrap_or_default();
    let open = offer.state == OfferState::Sent && offer.expires_at > state.now();
    let answered = match offer.state {
        OfferState::Accepted => Some(format!(
            "You accepted this offer on {}, signing as {}.",
            crate::pages::when_utc(offer.answered_at.unwrap_or_default()),
            offer.signature.clone().unwrap_or_default()
        )),
        OfferState::Declined => Some("You declined this offer.".to_owned()),
        OfferState::Expired => Some(
            "The deadline to answer this offer has passed. If you still want it, ask your recruiter for more time."
                .to_owned(),
        ),
        OfferState::Rescinded => Some("This offer was withdrawn.".to_owned()),
        _ if !open => Some("The deadline to answer this offer has passed.".to_owned()),
        _ => None,
    };
    Ok(CandidateOfferPage {
        layout: Layout::for_account("Your offer", Some(account), csrf).with_flash(flash),
        deadline: letter::deadline_text(&offer.deadline, &offer.time_zone),
        letter_html: crate::pages::clean_html(&letter::to_html(&text)),
        letter_hash: offer.letter_sha256.clone().unwrap_or_default(),
        open,
        reasons: DeclineReason::ALL.to_vec(),
        error,
        typed_name,
        answered,
        offer,
    })
}

async fn offer_page(
    State(state): State<AppState>,
    me: Require<CandidateOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let flash = match query.notice.as_deref() {
        Some("accepted") => Some("Welcome aboard! Your acceptance is recorded.".to_owned()),
        Some("declined") => {
            Some("Your answer is recorded. Thank you for letting us know.".to_owned())
        }
        _ => None,
    };
    let page = page(&state, &me.account, &csrf, id, flash, None, String::new()).await?;
    render_status(StatusCode::OK, &page)
}

async fn letter_pdf(
    State(state): State<AppState>,
    me: Require<CandidateOnly>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let offer = offer_cases::candidate_offer(state.app(), &me.account, id).await?;
    let text = offer.letter.clone().unwrap_or_default();
    pdf_response(
        text,
        format!("Offer to {}", offer.candidate_name),
        format!("offer-{id}.pdf"),
    )
    .await
}

/// Shows the page again with why the answer was refused; nothing changed.
async fn refused(
    state: &AppState,
    account: &Account,
    csrf: &Csrf,
    offer_id: i64,
    error: OfferError,
    typed_name: String,
) -> Result<Response, AppError> {
    let status = match &error {
        OfferError::Answer(cohort_domain::offers::AnswerError::NameMismatch(_))
        | OfferError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        OfferError::Answer(_) | OfferError::NotNow(_) | OfferError::Stale => StatusCode::CONFLICT,
        _ => return Err(error.into()),
    };
    let message = match &error {
        OfferError::Invalid(errors) => errors
            .errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    };
    let page = page(
        state,
        account,
        csrf,
        offer_id,
        None,
        Some(message),
        typed_name,
    )
    .await?;
    render_status(status, &page)
}

#[derive(serde::Deserialize)]
struct AcceptForm {
    signature: String,
    letter: String,
}

async fn accept(
    State(state): State<AppState>,
    me: Require<CandidateOnly>,
    csrf: Csrf,
    ClientAddress(address): ClientAddress,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> Result<Response, AppError> {
    let address = address.to_string();
    let answer = Answer::Accept {
        signature: &form.signature,
        address: &address,
    };
    match offer_cases::answer(state.app(), &me.account, id, &form.letter, answer).await {
        Ok(_) => Ok(Redirect::to(&format!("/offers/{id}?notice=accepted")).into_response()),
        Err(error) => refused(&state, &me.account, &csrf, id, error, form.signature).await,
    }
}

#[derive(serde::Deserialize)]
struct DeclineForm {
    letter: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

async fn decline(
    State(state): State<AppState>,
    me: Require<CandidateOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<DeclineForm>,
) -> Result<Response, AppError> {
    let reason = match form.reason.as_str() {
        "" => None,
        code => Some(DeclineReason::parse(code).ok_or_else(|| {
            AppError::BadRequest("Choose a reason from the list, or none.".into())
        })?),
    };
    let answer = Answer::Decline {
        reason,
        note: &form.note,
    };
    match offer_cases::answer(state.app(), &me.account, id, &form.letter, answer).await {
        Ok(_) => Ok(Redirect::to(&format!("/offers/{id}?notice=declined")).into_response()),
        Err(error) => refused(&state, &me.account, &csrf, id, error, String::new()).await,
    }
}
