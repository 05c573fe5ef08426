//! An interviewer's own interviews ("My interviews"): those ahead and those done, in their time
//! zone, with the candidate's résumé; releasing one they cannot make; and their private calendar
//! feed, which they can reset.

use crate::auth::{Csrf, CsrfForm, InterviewerOnly, Require};
use crate::error::AppError;
use crate::html::render;
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::DateTime;
use chrono_tz::Tz;
use cohort_app::interviews::feeds;
use cohort_app::interviews::mail::span_in;
use cohort_app::interviews::phone_screens::{self, BookingError, Released};
use cohort_app::interviews::InterviewsError;
use cohort_store::interviews::bookings::InterviewRecord;
use std::collections::hash_map::{Entry, HashMap};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/interviewer/interviews", get(my_interviews))
        .route("/interviewer/interviews/{id}/release", post(release))
        .route("/interviewer/interviews/{id}/resume", get(resume))
        .route("/interviewer/calendar-feed", post(reset_feed))
        .route("/calendar/interviewers/{file}", get(feed))
}

/// The path of the feed that `secret` opens.
pub fn feed_path(secret: &str) -> String {
    format!("/calendar/interviewers/{secret}.ics")
}

/// One interview as its interviewer sees it.
struct InterviewRow {
    id: i64,
    when: String,
    candidate: String,
    what: String,
    /// The technical areas the interview assesses, when the track's loop names them.
    focus: Option<String>,
    meeting_link: Option<String>,
    /// Ahead, so it may still be released.
    upcoming: bool,
    /// A phone screen, which its interviewer releases here; a final loop's interview is
    /// re-slotted by the coordinator instead.
    releasable: bool,
    /// A seat as a trainee shadow: no résumé (it goes to the interviewer), nothing to release.
    shadowing: bool,
    /// A phone interview of the interviewer's own, which has a live coding pad.
    has_pad: bool,
    /// Where the interviewer's feedback stands: "Write feedback", "Continue your draft",
    /// "Feedback submitted" (practice feedback for a shadow).
    feedback: &'static str,
    /// Past due and not submitted.
    feedback_overdue: bool,
}

#[derive(Template)]
#[template(path = "interviews/my_interviews.html")]
struct MyInterviewsPage {
    layout: Layout,
    zone: String,
    has_profile: bool,
    upcoming: Vec<InterviewRow>,
    past: Vec<InterviewRow>,
    /// The feed's full link, once the interviewer has made one.
    feed_link: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

fn notice_text(notice: Option<&str>) -> Option<String> {
    match notice? {
        "reassigned" => Some(
            "Released. Another interviewer takes it at the same time; you, they and the candidate have been emailed.".into(),
        ),
        "returned" => Some(
            "Released. Nobody else was free then, so the candidate has been asked to pick a new time.".into(),
        ),
        "feed" => Some(
            "Your calendar link is ready. Any earlier link no longer works.".into(),
        ),
        _ => None,
    }
}

/// What the interviewer has done about an interview's feedback.
#[derive(Clone, Copy)]
struct FeedbackState {
    /// `None` before a draft, else whether it is submitted.
    submitted: Option<bool>,
    due_after: i64,
}

fn row(
    interview: &InterviewRecord,
    me: i64,
    zone: Tz,
    now: i64,
    focus: &[String],
    feedback: FeedbackState,
    has_pad: bool,
) -> InterviewRow {
    let at = |s| DateTime::from_timestamp(s, 0).unwrap_or_default();
    let track = interview.track_name.as_deref().unwrap_or("Internship");
    let shadowing = interview.shadow_id == Some(me) && interview.interviewer_id != Some(me);
    InterviewRow {
        id: interview.id,
        when: span_in(zone, at(interview.starts_at), at(interview.ends_at)),
        candidate: interview.candidate_name.clone(),
        what: if interview.kind == phone_screens::PHONE_SCREEN {
            format!("Phone interview {} · {track}", interview.round)
        } else if shadowing {
            format!(
                "Final loop, interview {} · {track} · you shadow {}",
                interview.round,
                interview
                    .interviewer_name
                    .as_deref()
                    .unwrap_or("the interviewer")
            )
        } else {
            format!("Final loop, interview {} · {track}", interview.round)
        },
        releasable: interview.kind == phone_screens::PHONE_SCREEN,
        has_pad: has_pad && !shadowing,
        focus: (!focus.is_empty()).then(|| focus.join(", ")),
        meeting_link: interview.meeting_link.clone(),
        upcoming: interview.starts_at > now,
        shadowing,
        feedback: match feedback.submitted {
            Some(true) => "Feedback submitted",
            Some(false) => "Continue your draft",
            None if shadowing => "Write practice feedback",
            None => "Write feedback",
        },
        feedback_overdue: !shadowing
            && feedback.submitted != Some(true)
            && now
                > cohort_domain::interviews::feedback::due_at(
                    interview.ends_at,
                    feedback.due_after,
                ),
    }
}

async fn my_interviews(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    csrf: Csrf,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let user_id = me.account.user.id;
    let profile = state
        .store()
        .interviewer(user_id)
        .await?
        .and_then(|i| i.profile);
    let zone = profile.as_ref().map_or(Tz::UTC, |p| p.time_zone);
    let now = state.now();
    let interviews = state.store().interviews_of_interviewer(user_id).await?;
    let cards: HashMap<i64, bool> = state
        .store()
        .scorecard_states_of_author(user_id)
        .await?
        .into_iter()
        .collect();
    let due_after = cohort_app::interviews::feedback::due_after(state.app());
    let feedback_of = |id: i64| FeedbackState {
        submitted: cards.get(&id).copied(),
        due_after,
    };
    // One application's focus is read once, however many of its interviews are listed.
    let mut focus: HashMap<i64, Vec<String>> = HashMap::new();
    let mut rows = Vec::with_capacity(interviews.len());
    let pads = cohort_app::interviews::pads::with_pads(state.app(), &interviews).await?;
    for interview in &interviews {
        let has_pad = pads.contains(&interview.id);
        // A loop interview assesses its own seat; a phone screen the areas of the whole loop.
        if let Some(seat) = interview.focus.as_deref().filter(|f| !f.is_empty()) {
            rows.push(row(
                interview,
                user_id,
                zone,
                now,
                &[seat.to_owned()],
                feedback_of(interview.id),
                has_pad,
            ));
            continue;
        }
        if let Entry::Vacant(slot) = focus.entry(interview.application_id) {
            slot.insert(phone_screens::focus_of(state.app(), interview.application_id).await?);
        }
        rows.push(row(
            interview,
            user_id,
            zone,
            now,
            &focus[&interview.application_id],
            feedback_of(interview.id),
            has_pad,
        ));
    }
    let (upcoming, mut past): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.upcoming);
    past.reverse();
    let feed_link = state
        .store()
        .feed_secret(user_id)
        .await?
        .map(|secret| state.config().link(&feed_path(&secret)));
    let page = MyInterviewsPage {
        layout: Layout::for_account("My interviews", Some(&me.account), &csrf)
            .with_flash(notice_text(query.notice.as_deref())),
        zone: zone.name().to_owned(),
        has_profile: profile.is_some(),
        upcoming,
        past,
        feed_link,
    };
    Ok(render(&page)?.into_response())
}

#[derive(serde::Deserialize)]
struct EmptyForm {}

async fn release(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    let notice = match phone_screens::release(state.app(), me.account.user.id, id).await {
        Ok(Released::Reassigned { .. }) => "reassigned",
        Ok(Released::BackToCandidate) => "returned",
        Err(BookingError::NotFound) => return Err(AppError::NotFound),
        Err(BookingError::Store(error)) => return Err(error.into()),
        Err(other) => return Err(AppError::Conflict(other.to_string())),
    };
    Ok(Redirect::to(&format!("/interviewer/interviews?notice={notice}")).into_response())
}

/// The résumé of the candidate of one of the interviewer's own booked interviews.
async fn resume(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let interview = state
        .store()
        .interview(id)
        .await?
        .filter(|i| i.interviewer_id == Some(me.account.user.id) && i.is_booked())
        .ok_or(AppError::NotFound)?;
    let record = state.store().application(interview.application_id).await?;
    crate::routes::candidate::status::resume_download(&state, &record)
}

async fn reset_feed(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    match feeds::reset_feed(state.app(), me.account.user.id).await {
        Ok(_) => Ok(Redirect::to("/interviewer/interviews?notice=feed#calendar-feed").into_response()),
        Err(InterviewsError::NoProfile) => Err(AppError::Conflict(
            "Fill in your interviewer profile first: the calendar link lists the interviews booked from it.".into(),
        )),
        Err(other) => Err(AppError::internal(other)),
    }
}

/// The feed itself: anyone with the link may read it, as calendar programs fetch it without
/// signing in; an unknown or reset link is simply not found.
async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let secret = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let calendar = feeds::feed_of(state.app(), secret)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"interviews.ics\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        calendar,
    )
        .into_response())
}
