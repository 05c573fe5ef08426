//! Interview feedback: an interviewer's (or shadow's) scorecard for one interview, saved as they
//! type and locked when submitted, with dated amendments; a candidate's feedback as the viewer
//! may read it (the blind rule is the app's, `feedback::candidate_feedback`); and the
//! recruiters' list of feedback that is late.

use crate::auth::{Csrf, CsrfForm, InterviewerOnly, Recruiting, Require, StaffOnly};
use crate::error::AppError;
use crate::html::{render, render_status};
use crate::pages::{iso, time_in, when_utc, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono_tz::Tz;
use cohort_app::interviews::feedback::{self, FeedbackError, Saved, ScorecardForm};
use cohort_app::interviews::kinds::FINAL_LOOP;
use cohort_domain::interviews::feedback::{
    rating_field, star_field, Answers, Authorship, Rating, Recommendation, Shape,
};
use cohort_domain::FieldErrors;
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::interviews::scorecards::ScorecardRecord;
use std::collections::{BTreeMap, HashMap, HashSet};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/interviewer/interviews/{id}/feedback",
            get(scorecard_page).post(save),
        )
        .route(
            "/interviewer/interviews/{id}/feedback/amendments",
            post(amend),
        )
        .route("/feedback/applications/{id}", get(candidate_page))
        .route("/staff/feedback/overdue", get(overdue_page))
}

/// The header a page's script sends with a draft saved while the interviewer types: the answer
/// is then JSON instead of a page.
const AUTOSAVE_HEADER: &str = "x-cohort-autosave";

/// What an interview is, in words: "Final loop, interview 3" or "Phone interview 1".
pub(crate) fn interview_words(kind: &str, round: i64) -> String {
    if kind == FINAL_LOOP {
        format!("Final loop, interview {round}")
    } else {
        format!("Phone interview {round}")
    }
}

/// One level of the rating scale as a radio button beside its meaning.
struct RatingChoice {
    value: i64,
    label: &'static str,
    meaning: &'static str,
    checked: bool,
}

fn choices(current: Option<Rating>, technical: bool) -> Vec<RatingChoice> {
    Rating::ALL
        .into_iter()
        .map(|r| RatingChoice {
            value: r.value(),
            label: r.label(),
            meaning: if technical {
                r.technical_meaning()
            } else {
                r.principle_meaning()
            },
            checked: current == Some(r),
        })
        .collect()
}

/// One STAR part's text box.
struct StarBox {
    field: String,
    label: &'static str,
    hint: &'static str,
    value: String,
    error: Option<String>,
}

/// One principle's part of the form.
struct PrincipleBlock {
    name: String,
    rating_field: String,
    rating_error: Option<String>,
    boxes: Vec<StarBox>,
    choices: Vec<RatingChoice>,
}

struct RecommendationChoice {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "interviews/scorecard.html")]
struct ScorecardPage {
    layout: Layout,
    interview_id: i64,
    application_id: i64,
    candidate: String,
    what: String,
    when: String,
    practice: bool,
    due: String,
    overdue: bool,
    started: bool,
    /// Submitted: the page shows the scorecard and its amendments instead of the form.
    submitted: Option<SubmittedCard>,
    last_saved: Option<String>,
    errors: FieldErrors,
    principles: Vec<PrincipleBlock>,
    area: Option<String>,
    technical_notes: String,
    technical_choices: Vec<RatingChoice>,
    recommendations: Vec<RecommendationChoice>,
    summary: String,
    /// The kit's suggested questions: (id, question, asked).
    questions: Vec<(i64, String, bool)>,
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

fn notice_text(notice: Option<&str>) -> Option<String> {
    match notice? {
        "draft" => Some("Draft saved. Only you can read it.".into()),
        "submitted" => Some(
            "Feedback submitted and locked. You can now read the rest of the panel's submitted feedback.".into(),
        ),
        "amended" => Some("Amendment added beside your feedback.".into()),
        _ => None,
    }
}

const STAR_PARTS: [(&str, &str, &str); 4] = [
    (
        "situation",
        "Situation",
        "The context the candidate described.",
    ),
    ("task", "Task", "What they were responsible for."),
    (
        "action",
        "Action",
        "What they did themselves (not the team).",
    ),
    ("result", "Result", "The outcome, measured where possible."),
];

/// The form's values: what was just typed (after a refusal) or what is saved.
fn form_page(
    form: &ScorecardForm,
    answers: &Answers,
    errors: FieldErrors,
    zone: Tz,
    now: i64,
    layout: Layout,
    pads: &HashSet<i64>,
) -> ScorecardPage {
    let interview = &form.interview;
    let name = |id: i64| form.names.get(&id).cloned().unwrap_or_default();
    let principles = form
        .shape
        .principles
        .iter()
        .map(|&id| {
            let evidence = answers.principles.iter().find(|p| p.competency_id == id);
            let star = evidence.map(|e| e.star.clone()).unwrap_or_default();
            let value = |part: &str| match part {
                "situation" => star.situation.clone(),
                "task" => star.task.clone(),
                "action" => star.action.clone(),
                _ => star.result.clone(),
            };
            PrincipleBlock {
                name: name(id),
                rating_field: rating_field(id),
                rating_error: errors.get(&rating_field(id)).map(str::to_owned),
                boxes: STAR_PARTS
                    .iter()
                    .map(|(part, label, hint)| StarBox {
                        field: star_field(id, part),
                        label,
                        hint,
                        value: value(part),
                        error: errors.get(&star_field(id, part)).map(str::to_owned),
                    })
                    .collect(),
                choices: choices(evidence.and_then(|e| e.rating), false),
            }
        })
        .collect();
    ScorecardPage {
        interview_id: interview.id,
        application_id: interview.application_id,
        candidate: interview.candidate_name.clone(),
        what: interview_words(&interview.kind, interview.round),
        when: time_in(interview.starts_at, zone),
        practice: form.authorship == Authorship::Practice,
        due: time_in(form.due_at, zone),
        overdue: now > form.due_at,
        started: now >= interview.starts_at,
        submitted: form.card.as_ref().filter(|c| c.is_submitted()).map(|card| {
            submitted_card(
                card,
                &form.names,
                zone,
                interview_words(&interview.kind, interview.round),
                pads,
            )
        }),
        last_saved: form.card.as_ref().map(|c| time_in(c.updated_at, zone)),
        principles,
        area: form.shape.area.map(name),
        technical_notes: answers.technical_notes.clone(),
        technical_choices: choices(answers.technical_rating, true),
        recommendations: Recommendation::ALL
            .into_iter()
            .map(|r| RecommendationChoice {
                value: r.as_str(),
                label: r.label(),
                checked: answers.recommendation == Some(r),
            })
            .collect(),
        summary: answers.summary.clone(),
        questions: Vec::new(),
        errors,
        layout,
    }
}

/// The kit's suggested questions for the scorecard's checkboxes, ticked where `asked` says so.
async fn kit_questions(
    state: &AppState,
    user_id: i64,
    interview_id: i64,
    asked: &[i64],
) -> Result<Vec<(i64, String, bool)>, AppError> {
    let kit = cohort_app::interviews::kits::kit_for(state.app(), user_id, interview_id)
        .await
        .map_err(feedback_error)?;
    Ok(kit
        .area
        .iter()
        .chain(kit.principles.iter())
        .flat_map(|part| part.questions.iter())
        .map(|q| (q.id, q.prompt.clone(), asked.contains(&q.id)))
        .collect())
}

/// The viewer's zone: their interviewer profile's, else UTC.
pub(crate) async fn zone_of(state: &AppState, user_id: i64) -> Result<Tz, AppError> {
    Ok(state
        .store()
        .interviewer(user_id)
        .await?
        .and_then(|i| i.profile)
        .map_or(Tz::UTC, |p| p.time_zone))
}

fn feedback_error(error: FeedbackError) -> AppError {
    match error {
        FeedbackError::NotFound => AppError::NotFound,
        FeedbackError::Invalid(errors) => AppError::Invalid(errors),
        FeedbackError::Store(error) => error.into(),
        other => AppError::Conflict(other.to_string()),
    }
}

async fn scorecard_page(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let user_id = me.account.user.id;
    let form = feedback::scorecard_form(state.app(), user_id, id)
        .await
        .map_err(feedback_error)?;
    let zone = zone_of(&state, user_id).await?;
    let answers = form
        .card
        .as_ref()
        .map(|c| c.answers.clone())
        .unwrap_or_default();
    let layout = Layout::for_account(
        format!("Feedback on {}", form.interview.candidate_name),
        Some(&me.account),
        &csrf,
    )
    .with_flash(notice_text(query.notice.as_deref()));
    let asked = form.card.as_ref().map_or(&[][..], |c| &c.asked[..]);
    let questions = kit_questions(&state, user_id, id, asked).await?;
    let pads = state.store().interviews_with_pads(&[id]).await?;
    let mut page = form_page(
        &form,
        &answers,
        FieldErrors::new(),
        zone,
        state.now(),
        layout,
        &pads,
    );
    page.questions = questions;
    Ok(render(&page)?.into_response())
}

async fn save(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    csrf: Csrf,
    headers: HeaderMap,
    Path(id): Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let user_id = me.account.user.id;
    let autosave = headers.contains_key(AUTOSAVE_HEADER);
    // The questions asked are checkboxes sharing one name; every other field is single.
    let mut asked = Vec::new();
    let mut fields = BTreeMap::new();
    for (name, value) in pairs {
        if name == "asked" {
            asked.push(value.trim().parse::<i64>().map_err(|_| {
                AppError::BadRequest("Choose the questions you asked from the kit's list.".into())
            })?);
        } else {
            fields.insert(name, value);
        }
    }
    let submit = fields.get("intent").map(String::as_str) == Some("submit");
    match feedback::save(
        state.app(),
        user_id,
        id,
        &fields,
        &asked,
        submit && !autosave,
    )
    .await
    {
        Ok(Saved::Draft { at }) if autosave => Ok(Json(serde_json::json!({
            "saved_at": iso(at),
            "message": format!("Draft saved at {}", time_in(at, zone_of(&state, user_id).await?)),
        }))
        .into_response()),
        Ok(Saved::Draft { .. }) => Ok(Redirect::to(&format!(
            "/interviewer/interviews/{id}/feedback?notice=draft"
        ))
        .into_response()),
        Ok(Saved::Submitted) => Ok(Redirect::to(&format!(
            "/interviewer/interviews/{id}/feedback?notice=submitted"
        ))
        .into_response()),
        Err(FeedbackError::Invalid(errors)) if !autosave => {
            // The page again with what was typed, each problem beside its field; nothing saved.
            let form = feedback::scorecard_form(state.app(), user_id, id)
                .await
                .map_err(feedback_error)?;
            let answers = typed_answers(&form.shape, &fields);
            let zone = zone_of(&state, user_id).await?;
            let layout = Layout::for_account(
                format!("Feedback on {}", form.interview.candidate_name),
                Some(&me.account),
                &csrf,
            );
            let questions = kit_questions(&state, user_id, id, &asked).await?;
            let pads = state.store().interviews_with_pads(&[id]).await?;
            let mut page = form_page(&form, &answers, errors, zone, state.now(), layout, &pads);
            page.questions = questions;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)?.into_response())
        }
        Err(error) if autosave => {
            let error = feedback_error(error);
            Ok((
                error.status(),
                Json(serde_json::json!({ "error": error.code(), "message": error.to_string() })),
            )
                .into_response())
        }
        Err(error) => Err(feedback_error(error)),
    }
}

/// What was typed, for showing a refused form again: each field as sent, whether or not it
/// parses (a rating that is not 1 to 4 shows as unchosen).
fn typed_answers(shape: &Shape, fields: &BTreeMap<String, String>) -> Answers {
    let text = |field: &str| fields.get(field).cloned().unwrap_or_default();
    let rating = |field: &str| {
        fields
            .get(field)
            .and_then(|t| t.trim().parse().ok())
            .and_then(Rating::from_value)
    };
    Answers {
        principles: shape
            .principles
            .iter()
            .map(
                |&id| cohort_domain::interviews::feedback::PrincipleEvidence {
                    competency_id: id,
                    star: cohort_domain::interviews::feedback::Star {
                        situation: text(&star_field(id, "situation")),
                        task: text(&star_field(id, "task")),
                        action: text(&star_field(id, "action")),
                        result: text(&star_field(id, "result")),
                    },
                    rating: rating(&rating_field(id)),
                },
            )
            .collect(),
        technical_notes: text("technical_notes"),
        technical_rating: rating("technical_rating"),
        recommendation: fields
            .get("recommendation")
            .and_then(|r| Recommendation::parse(r.trim())),
        summary: text("summary"),
    }
}

#[derive(serde::Deserialize)]
struct AmendForm {
    #[serde(default)]
    amendment: String,
}

async fn amend(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AmendForm>,
) -> Result<Response, AppError> {
    feedback::amend(state.app(), me.account.user.id, id, &form.amendment)
        .await
        .map_err(feedback_error)?;
    Ok(Redirect::to(&format!(
        "/interviewer/interviews/{id}/feedback?notice=amended"
    ))
    .into_response())
}

/// A principle's evidence as read back.
pub(crate) struct EvidenceView {
    pub(crate) name: String,
    pub(crate) star: Vec<(&'static str, String)>,
    pub(crate) rating: String,
}

/// A scorecard as a reader sees it.
pub(crate) struct SubmittedCard {
    /// The scorecard's id, the anchor the debrief's grid links to.
    pub(crate) id: i64,
    pub(crate) author: String,
    pub(crate) what: String,
    pub(crate) practice: bool,
    /// "Submitted 3 Mar 2027, 10:00 GMT", or "Draft, last saved ..." for the author's own draft.
    pub(crate) status: String,
    pub(crate) draft: bool,
    pub(crate) recommendation: String,
    pub(crate) hire: bool,
    pub(crate) summary: String,
    pub(crate) evidence: Vec<EvidenceView>,
    pub(crate) area: Option<String>,
    pub(crate) technical_notes: String,
    pub(crate) technical_rating: String,
    pub(crate) amendments: Vec<(String, String)>,
    /// The interview whose live coding pad the card's readers may replay (a phone interview's
    /// counted feedback).
    pub(crate) pad: Option<i64>,
}

fn rating_words(rating: Option<Rating>) -> String {
    rating.map_or_else(
        || "Not rated".to_owned(),
        |r| format!("{} · {}", r.value(), r.label()),
    )
}

/// A submitted scorecard as a card; `pads` are the interviews with a coding pad to replay
/// (see [`cohort_store::Store::interviews_with_pads`]).
pub(crate) fn submitted_card(
    card: &ScorecardRecord,
    names: &HashMap<i64, String>,
    zone: Tz,
    what: String,
    pads: &HashSet<i64>,
) -> SubmittedCard {
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    SubmittedCard {
        pad: (pads.contains(&card.interview_id) && card.authorship != Authorship::Practice)
            .then_some(card.interview_id),
        id: card.id,
        author: card.author_name.clone(),
        what,
        practice: card.authorship == Authorship::Practice,
        status: match card.submitted_at {
            Some(at) => format!("Submitted {}", time_in(at, zone)),
            None => format!("Draft, last saved {}", time_in(card.updated_at, zone)),
        },
        draft: !card.is_submitted(),
        recommendation: card
            .answers
            .recommendation
            .map_or("No recommendation yet", Recommendation::label)
            .to_owned(),
        hire: card
            .answers
            .recommendation
            .is_some_and(Recommendation::is_hire),
        summary: card.answers.summary.clone(),
        evidence: card
            .answers
            .principles
            .iter()
            .map(|p| EvidenceView {
                name: name(p.competency_id),
                star: vec![
                    ("Situation", p.star.situation.clone()),
                    ("Task", p.star.task.clone()),
                    ("Action", p.star.action.clone()),
                    ("Result", p.star.result.clone()),
                ],
                rating: rating_words(p.rating),
            })
            .collect(),
        area: card.area_id.map(name),
        technical_notes: card.answers.technical_notes.clone(),
        technical_rating: rating_words(card.answers.technical_rating),
        amendments: card
            .amendments
            .iter()
            .map(|(at, body)| (time_in(*at, zone), body.clone()))
            .collect(),
    }
}

/// One of the viewer's own interviews of the candidate whose feedback is not in yet.
struct OwnPending {
    interview_id: i64,
    what: String,
}

#[derive(Template)]
#[template(path = "interviews/candidate_feedback.html")]
struct CandidatePage {
    layout: Layout,
    application_id: i64,
    candidate: String,
    sees_pipeline: bool,
    cards: Vec<SubmittedCard>,
    withheld: usize,
    pending: Vec<OwnPending>,
}

async fn candidate_page(
    State(state): State<AppState>,
    me: Require<StaffOnly>,
    csrf: Csrf,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let feedback = feedback::candidate_feedback(state.app(), &me.account, id)
        .await
        .map_err(feedback_error)?;
    let record = state.store().application(id).await?;
    let zone = zone_of(&state, me.account.user.id).await?;
    let card_interviews: Vec<i64> = feedback.readable.iter().map(|c| c.interview_id).collect();
    let pads = state.store().interviews_with_pads(&card_interviews).await?;
    let cards = feedback
        .readable
        .iter()
        .map(|card| {
            submitted_card(
                card,
                &feedback.names,
                zone,
                interview_words(&card.interview_kind, card.interview_round),
                &pads,
            )
        })
        .collect();
    let mut pending = Vec::new();
    if !feedback.viewer.cleared() {
        let submitted: Vec<i64> = feedback
            .readable
            .iter()
            .filter(|c| c.author_id == me.account.user.id && c.is_submitted())
            .map(|c| c.interview_id)
            .collect();
        let interviews: Vec<InterviewRecord> = state.store().interviews_of_application(id).await?;
        for interview in interviews.iter().filter(|i| {
            i.is_booked()
                && i.interviewer_id == Some(me.account.user.id)
                && !submitted.contains(&i.id)
        }) {
            pending.push(OwnPending {
                interview_id: interview.id,
                what: interview_words(&interview.kind, interview.round),
            });
        }
    }
    let page = CandidatePage {
        layout: Layout::for_account(
            format!("Feedback on {}", record.candidate_name),
            Some(&me.account),
            &csrf,
        ),
        application_id: id,
        candidate: record.candidate_name,
        sees_pipeline: feedback.viewer.sees_pipeline,
        cards,
        withheld: feedback.withheld,
        pending,
    };
    Ok(render(&page)?.into_response())
}

struct OverdueRow {
    application_id: i64,
    candidate: String,
    what: String,
    interviewer: String,
    email: String,
    ended: String,
    late_by: String,
    drafted: bool,
}

#[derive(Template)]
#[template(path = "interviews/overdue_feedback.html")]
struct OverduePage {
    layout: Layout,
    due_hours: u32,
    rows: Vec<OverdueRow>,
    limit: i64,
}

/// "3 h" or "2 d 5 h".
fn late_words(seconds: i64) -> String {
    let hours = seconds.max(0) / 3600;
    if hours < 24 {
        format!("{hours} h")
    } else {
        format!("{} d {} h", hours / 24, hours % 24)
    }
}

async fn overdue_page(
    State(state): State<AppState>,
    me: Require<Recruiting>,
    csrf: Csrf,
) -> Result<Response, AppError> {
    let due_after = feedback::due_after(state.app());
    let now = state.now();
    let rows = feedback::overdue(state.app())
        .await?
        .into_iter()
        .map(|row| OverdueRow {
            application_id: row.application_id,
            candidate: row.candidate_name,
            what: interview_words(&row.kind, row.round),
            interviewer: row.interviewer_name,
            email: row.interviewer_email,
            ended: when_utc(row.ends_at),
            late_by: late_words(now - row.ends_at - due_after),
            drafted: row.drafted != 0,
        })
        .collect();
    let page = OverduePage {
        layout: Layout::for_account("Overdue feedback", Some(&me.account), &csrf),
        due_hours: state.config().feedback_due_hours,
        rows,
        limit: cohort_store::interviews::scorecards::OVERDUE_LIMIT,
    };
    Ok(render(&page)?.into_response())
}
