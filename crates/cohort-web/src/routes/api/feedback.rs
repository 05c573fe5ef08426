//! Interview feedback and debrief decisions for integrations (`read` scope). A token acts for no
//! person, so it reads what the pipeline's roles read under the blind rule: submitted, counted
//! scorecards (never a draft, never a shadow's practice feedback), and the debrief's decisions.

use super::{ApiPath, ErrorBody};
use crate::auth::ApiClient;
use crate::error::{ApiError, AppError};
use crate::pages::iso;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use cohort_app::interviews::feedback::{self, FeedbackError};
use cohort_domain::interviews::debrief::Decision;
use cohort_domain::interviews::feedback::Rating;
use serde::Serialize;
use utoipa::ToSchema;

/// A recommendation, as the API names it.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RecommendationName {
    StrongNoHire,
    NoHire,
    Hire,
    StrongHire,
}

/// A principle's example (situation, task, action, result) and its rating from 1 to 4.
#[derive(Serialize, ToSchema)]
pub struct EvidenceDto {
    pub principle: String,
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
    #[schema(minimum = 1, maximum = 4)]
    pub rating: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AmendmentDto {
    pub at: String,
    pub text: String,
}

/// An interviewer's submitted scorecard for one interview.
#[derive(Serialize, ToSchema)]
pub struct ScorecardDto {
    pub id: i64,
    pub interview_id: i64,
    /// `phone_screen` or `final_loop`.
    pub interview_kind: String,
    /// The interview's place among the candidate's phone screens, or in the loop.
    pub interview_round: i64,
    pub interviewer: String,
    pub submitted_at: String,
    #[schema(value_type = RecommendationName)]
    pub recommendation: Option<String>,
    pub summary: String,
    pub principles: Vec<EvidenceDto>,
    pub technical_area: Option<String>,
    pub technical_notes: String,
    #[schema(minimum = 1, maximum = 4)]
    pub technical_rating: Option<i64>,
    /// Added after submission, oldest first; the scorecard itself never changes.
    pub amendments: Vec<AmendmentDto>,
}

#[derive(Serialize, ToSchema)]
pub struct ScorecardList {
    pub application_id: i64,
    pub scorecards: Vec<ScorecardDto>,
}

/// A debrief's decision.
#[derive(Serialize, ToSchema)]
pub struct DecisionDto {
    /// The debrief's round: 1, plus one after each `more_information` decision (the follow-up
    /// interview's feedback opens the next round).
    pub round: i64,
    /// `hire`, `no_hire` or `more_information`.
    pub decision: String,
    /// The rejection's reason code, for a no hire.
    pub reason_code: Option<String>,
    pub note: String,
    pub decided_by: String,
    pub decided_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionList {
    pub application_id: i64,
    /// Oldest first; a "more information" decision may be followed by another.
    pub decisions: Vec<DecisionDto>,
}

/// An application's submitted interview feedback, under the blind rule for a token.
#[utoipa::path(get, path = "/api/v1/applications/{id}/scorecards", params(("id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64)), responses((status = 200, body = ScorecardList), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope"), (status = 404, body = ErrorBody, description = "No such resource")))]
pub(super) async fn list_scorecards(
    State(state): State<AppState>,
    client: ApiClient,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ScorecardList>, ApiError> {
    client.require("read")?;
    // An unknown application is not found, rather than an empty list.
    state.store().application(id).await?;
    let feedback = feedback::feedback_for_integration(state.app(), id)
        .await
        .map_err(|error| match error {
            FeedbackError::Store(error) => ApiError(error.into()),
            _ => ApiError(AppError::NotFound),
        })?;
    let name = |id: i64| feedback.names.get(&id).cloned().unwrap_or_default();
    let scorecards = feedback
        .readable
        .iter()
        .map(|card| ScorecardDto {
            id: card.id,
            interview_id: card.interview_id,
            interview_kind: card.interview_kind.clone(),
            interview_round: card.interview_round,
            interviewer: card.author_name.clone(),
            submitted_at: iso(card.submitted_at.unwrap_or(card.updated_at)),
            recommendation: card.answers.recommendation.map(|r| r.as_str().to_owned()),
            summary: card.answers.summary.clone(),
            principles: card
                .answers
                .principles
                .iter()
                .map(|p| EvidenceDto {
                    principle: name(p.competency_id),
                    situation: p.star.situation.clone(),
                    task: p.star.task.clone(),
                    action: p.star.action.clone(),
                    result: p.star.result.clone(),
                    rating: p.rating.map(Rating::value),
                })
                .collect(),
            technical_area: card.area_id.map(name),
            technical_notes: card.answers.technical_notes.clone(),
            technical_rating: card.answers.technical_rating.map(Rating::value),
            amendments: card
                .amendments
                .iter()
                .map(|(at, text)| AmendmentDto {
                    at: iso(*at),
                    text: text.clone(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(ScorecardList {
        application_id: id,
        scorecards,
    }))
}

/// An application's debrief decisions.
#[utoipa::path(get, path = "/api/v1/applications/{id}/decisions", params(("id" = i64, Path, minimum = 1, maximum = 9007199254740991_i64)), responses((status = 200, body = DecisionList), (status = 400, body = ErrorBody, description = "A path, query or body that does not parse"), (status = 401, body = ErrorBody, description = "No valid token", headers(("WWW-Authenticate" = String, description = "Bearer"))), (status = 403, body = ErrorBody, description = "The token lacks the scope"), (status = 404, body = ErrorBody, description = "No such resource")))]
pub(super) async fn list_decisions(
    State(state): State<AppState>,
    client: ApiClient,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DecisionList>, ApiError> {
    client.require("read")?;
    state.store().application(id).await?;
    let decisions = state
        .store()
        .debrief(id)
        .await?
        .map(|record| record.decisions)
        .unwrap_or_default()
        .into_iter()
        .map(|d| DecisionDto {
            round: d.round,
            decision: d.decision.as_str().to_owned(),
            reason_code: match d.decision {
                Decision::NoHire(reason) => Some(reason.as_str().to_owned()),
                _ => None,
            },
            note: d.note,
            decided_by: d.decider_name,
            decided_at: iso(d.decided_at),
        })
        .collect();
    Ok(Json(DecisionList {
        application_id: id,
        decisions,
    }))
}
