//! A season's offer settings, for administrators: the letter template (Markdown with fields,
//! previewed as a page and a PDF) and the approval chain.

use crate::auth::{AdminOnly, Csrf, CsrfForm, Require};
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
use cohort_app::offers::{self as offer_cases, OfferError};
use cohort_domain::offers::{ApprovalStep, Approver, StepApplies, LETTER_FIELDS};
use cohort_store::offers::Contact;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/seasons/{id}/offers/settings", get(settings_page))
        .route("/staff/seasons/{id}/offers/letter", post(save_letter))
        .route("/staff/seasons/{id}/offers/chain", post(save_chain))
}

#[derive(Template)]
#[template(path = "offers/settings.html")]
struct SettingsPage {
    layout: Layout,
    season_id: i64,
    season_name: String,
    template: String,
    fields: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    /// The chain as rows of (approver code, applies code), with three empty rows to add steps.
    chain: Vec<(String, String)>,
    people: Vec<Contact>,
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    account: &cohort_store::accounts::Account,
    csrf: &Csrf,
    season_id: i64,
    template: Option<String>,
    chain: Option<Vec<(String, String)>>,
    error: Option<String>,
    flash: Option<String>,
) -> Result<SettingsPage, AppError> {
    let season = state.store().season(season_id).await?;
    let template = match template {
        Some(template) => template,
        None => offer_cases::letter_template(state.app(), season_id).await?,
    };
    let mut chain = match chain {
        Some(chain) => chain,
        None => offer_cases::chain(state.app(), season_id)
            .await?
            .iter()
            .map(|s| (s.approver.code(), s.applies.code().to_owned()))
            .collect(),
    };
    while chain.len() < 4 {
        chain.push((String::new(), "always".to_owned()));
    }
    let mut people = state
        .store()
        .contacts_with_role("hiring_manager", None)
        .await?;
    for admin in state
        .store()
        .contacts_with_role("administrator", None)
        .await?
    {
        if !people.contains(&admin) {
            people.push(admin);
        }
    }
    Ok(SettingsPage {
        layout: Layout::for_account(
            format!("Offer settings · {}", season.name),
            Some(account),
            csrf,
        )
        .with_flash(flash),
        season_id,
        season_name: season.name,
        template,
        fields: LETTER_FIELDS.to_vec(),
        error,
        chain,
        people,
    })
}

async fn settings_page(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let flash = match query.notice.as_deref() {
        Some("letter") => Some("Letter template saved. Offers sent from now on use it.".to_owned()),
        Some("chain") => {
            Some("Approval chain saved. Offers submitted from now on follow it.".to_owned())
        }
        _ => None,
    };
    let page = page(
        &state,
        &admin.account,
        &csrf,
        season_id,
        None,
        None,
        None,
        flash,
    )
    .await?;
    render_status(StatusCode::OK, &page)
}

#[derive(serde::Deserialize)]
struct LetterForm {
    markdown: String,
}

async fn save_letter(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(form): CsrfForm<LetterForm>,
) -> Result<Response, AppError> {
    state.store().season(season_id).await?;
    match offer_cases::save_letter_template(state.app(), &admin.account, season_id, &form.markdown)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/staff/seasons/{season_id}/offers/settings?notice=letter"
        ))
        .into_response()),
        Err(OfferError::Template(error)) => {
            let page = page(
                &state,
                &admin.account,
                &csrf,
                season_id,
                Some(form.markdown),
                None,
                Some(error.to_string()),
                None,
            )
            .await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}

/// The chain's form: parallel lists of each row's approver and when it applies.
#[derive(serde::Deserialize)]
struct ChainForm {
    #[serde(default)]
    approver: Vec<String>,
    #[serde(default)]
    applies: Vec<String>,
}

async fn save_chain(
    State(state): State<AppState>,
    admin: Require<AdminOnly>,
    csrf: Csrf,
    Path(season_id): Path<i64>,
    CsrfForm(form): CsrfForm<ChainForm>,
) -> Result<Response, AppError> {
    state.store().season(season_id).await?;
    let rows: Vec<(String, String)> = form
        .approver
        .iter()
        .zip(form.applies.iter().chain(std::iter::repeat(&String::new())))
        .map(|(a, w)| (a.clone(), w.clone()))
        .collect();
    let mut steps = Vec::new();
    let mut problem = None;
    for (index, (approver, applies)) in rows.iter().enumerate() {
        if approver.is_empty() {
            continue;
        }
        match (Approver::parse(approver), StepApplies::parse(applies)) {
            (Some(approver), Some(applies)) => steps.push(ApprovalStep { approver, applies }),
            _ => {
                problem = Some(format!(
                    "Row {} names no approver or condition Cohort knows.",
                    index + 1
                ))
            }
        }
    }
    let outcome = match problem {
        Some(why) => Err(why),
        None => match offer_cases::save_chain(state.app(), &admin.account, season_id, &steps).await
        {
            Ok(()) => Ok(()),
            Err(OfferError::Invalid(errors)) => Err(errors
                .errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join(" ")),
            Err(other) => return Err(other.into()),
        },
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!(
            "/staff/seasons/{season_id}/offers/settings?notice=chain"
        ))
        .into_response()),
        Err(why) => {
            let page = page(
                &state,
                &admin.account,
                &csrf,
                season_id,
                None,
                Some(rows),
                Some(why),
                None,
            )
            .await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
