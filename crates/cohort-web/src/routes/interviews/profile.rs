//! An interviewer's own profile page: their time zone, working hours, caps, time off and
//! meeting link, which they edit; their tracks and training, which they see; and, for a bar
//! raiser, the trainees ready for their sign-off. The profile form is shared with the
//! recruiter's page of an interviewer ([`super::interviewers`]).

use crate::auth::{Csrf, CsrfForm, InterviewerOnly, Require};
use crate::error::AppError;
use crate::html::{render, render_status};
use crate::pages::Layout;
use crate::state::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use cohort_app::interviews::calendars::{self, CalendarUploadError, MAX_CALENDAR_BYTES};
use cohort_app::interviews::profiles;
use cohort_app::interviews::subscriptions::{self, SubscribeError};
use cohort_domain::interviews::profile::{Hours, Profile, ProfileForm, TrainingState, WEEKDAYS};
use cohort_domain::interviews::Competency;
use cohort_domain::FieldErrors;
use cohort_store::interviews::profiles::Interviewer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/interviewer/profile",
            get(own_profile_page).post(save_own_profile),
        )
        .route("/interviewer/trainees/{user_id}", get(trainee_page))
        .route(
            "/interviewer/trainees/{user_id}/competencies/{competency_id}/sign-off",
            post(sign_off),
        )
        .route(
            "/interviewer/calendar",
            post(upload_calendar).layer(DefaultBodyLimit::max(MAX_CALENDAR_BYTES + 64 * 1024)),
        )
        .route("/interviewer/calendar/delete", post(remove_calendar))
        .route("/interviewer/calendar/subscription", post(subscribe))
        .route(
            "/interviewer/calendar/subscription/delete",
            post(unsubscribe),
        )
}

/// Time zones offered first in the form (any IANA name is accepted).
pub const COMMON_ZONES: [&str; 8] = [
    "America/Los_Angeles",
    "America/New_York",
    "Europe/Dublin",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Asia/Tokyo",
    "UTC",
];

/// The profile form as posted.
#[derive(serde::Deserialize, Default, Clone)]
pub struct ProfileInput {
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub meeting_link: String,
    #[serde(default)]
    pub daily_cap: String,
    #[serde(default)]
    pub weekly_cap: String,
    /// Seven entries each, Monday first.
    #[serde(default)]
    pub start: Vec<String>,
    #[serde(default)]
    pub end: Vec<String>,
    #[serde(default)]
    pub time_off: String,
}

impl ProfileInput {
    pub fn domain_form(&self) -> ProfileForm {
        let at = |list: &[String], i: usize| list.get(i).cloned().unwrap_or_default();
        ProfileForm {
            time_zone: self.time_zone.clone(),
            meeting_link: self.meeting_link.clone(),
            daily_cap: self.daily_cap.clone(),
            weekly_cap: self.weekly_cap.clone(),
            hours: (0..7)
                .map(|i| (at(&self.start, i), at(&self.end, i)))
                .collect(),
            time_off: self.time_off.clone(),
        }
    }

    /// The form filled from a saved profile, or with a working week's defaults.
    pub fn of(profile: Option<&Profile>) -> ProfileInput {
        let Some(profile) = profile else {
            let weekday = |i: usize, time: &str| {
                if i < 5 {
                    time.to_owned()
                } else {
                    String::new()
                }
            };
            return ProfileInput {
                time_zone: "America/Los_Angeles".into(),
                meeting_link: String::new(),
                daily_cap: "2".into(),
                weekly_cap: "6".into(),
                start: (0..7).map(|i| weekday(i, "09:00")).collect(),
                end: (0..7).map(|i| weekday(i, "17:00")).collect(),
                time_off: String::new(),
            };
        };
        let time = |hours: &Option<Hours>, end: bool| {
            hours
                .map(|h| Hours::format(if end { h.end } else { h.start }))
                .unwrap_or_default()
        };
        ProfileInput {
            time_zone: profile.time_zone.name().to_owned(),
            meeting_link: profile.meeting_link.clone().unwrap_or_default(),
            daily_cap: profile.daily_cap.to_string(),
            weekly_cap: profile.weekly_cap.to_string(),
            start: profile.hours.iter().map(|h| time(h, false)).collect(),
            end: profile.hours.iter().map(|h| time(h, true)).collect(),
            time_off: profile
                .time_off
                .iter()
                .map(|p| {
                    if p.first == p.last {
                        p.first.to_string()
                    } else {
                        format!("{} to {}", p.first, p.last)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// (weekday name, start, end) for the form's rows.
    pub fn days(&self) -> Vec<(String, String, String)> {
        let at = |list: &[String], i: usize| list.get(i).cloned().unwrap_or_default();
        WEEKDAYS
            .iter()
            .enumerate()
            .map(|(i, day)| (day.to_string(), at(&self.start, i), at(&self.end, i)))
            .collect()
    }
}

/// How far ahead the profile pages list calendar busy blocks.
const SHOWN_DAYS: i64 = 14;

/// An interviewer's calendar as the profile pages show it.
pub struct CalendarView {
    /// `None` when no calendar was uploaded.
    pub file_name: Option<String>,
    pub uploaded: String,
    /// The busy blocks of the next two weeks, in the interviewer's zone.
    pub blocks: Vec<String>,
    /// The calendar's address, when it is read from one.
    pub subscription: Option<SubscriptionView>,
}

/// A calendar address and how its reading goes.
pub struct SubscriptionView {
    pub url: String,
    pub status: String,
    pub failed: bool,
}

async fn subscription_view(
    state: &AppState,
    user_id: i64,
    zone: chrono_tz::Tz,
    has_calendar: bool,
) -> Result<Option<SubscriptionView>, AppError> {
    let Some(record) = state.store().calendar_subscription(user_id).await? else {
        return Ok(None);
    };
    let when = |t: i64| crate::pages::time_in(t, zone);
    let every = subscriptions::REFRESH_HOURS;
    let (status, failed) = match (&record.error, record.tried_at, record.read_at) {
        (Some(error), Some(tried), read) => (
            format!(
                "Reading it at {} failed: {error} {}",
                when(tried),
                match read {
                    Some(read) => format!("The calendar read at {} is kept.", when(read)),
                    None if has_calendar => "Your calendar from before is kept.".to_owned(),
                    None => "Nothing has been read from it yet.".to_owned(),
                }
            ),
            true,
        ),
        (None, _, Some(read)) => (
            format!("Read at {}; read again every {every} hours.", when(read)),
            false,
        ),
        _ => (
            "Waiting for its first read, which takes a minute or so.".to_owned(),
            false,
        ),
    };
    Ok(Some(SubscriptionView {
        url: record.url,
        status,
        failed,
    }))
}

/// The calendar of `interviewer` for the pages.
pub async fn calendar_view(
    state: &AppState,
    interviewer: &Interviewer,
) -> Result<CalendarView, AppError> {
    let zone = interviewer
        .profile
        .as_ref()
        .map_or(chrono_tz::Tz::UTC, |p| p.time_zone);
    let Some(record) = state
        .store()
        .interviewer_calendar(interviewer.user_id)
        .await?
    else {
        return Ok(CalendarView {
            file_name: None,
            uploaded: String::new(),
            blocks: Vec::new(),
            subscription: subscription_view(state, interviewer.user_id, zone, false).await?,
        });
    };
    let from = state.clock().now_utc();
    let to = from + chrono::Duration::days(SHOWN_DAYS);
    let blocks = calendars::busy_between(state.app(), interviewer.user_id, from, to).await?;
    let local = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&zone);
    Ok(CalendarView {
        file_name: Some(record.file_name),
        uploaded: crate::pages::time_in(record.uploaded_at, zone),
        blocks: blocks
            .iter()
            .map(|b| {
                let (start, end) = (local(b.start), local(b.end));
                let end_format = if start.date_naive() == end.date_naive() {
                    "%H:%M"
                } else {
                    "%a %-d %b %H:%M"
                };
                format!(
                    "{}–{}{}",
                    start.format("%a %-d %b %H:%M"),
                    end.format(end_format),
                    b.summary
                        .as_deref()
                        .map(|s| format!(" · {s}"))
                        .unwrap_or_default()
                )
            })
            .collect(),
        subscription: subscription_view(state, interviewer.user_id, zone, true).await?,
    })
}

/// A competency of an interviewer's training, as pages show it.
pub struct TrainingRow {
    pub competency_id: i64,
    pub competency: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub shadows: u32,
    pub reverse_shadows: u32,
    pub ready: bool,
    /// What stands between the interviewer and a sign-off, in words; empty once ready or
    /// qualified.
    pub next_step: String,
}

/// What a trainee still needs before a bar raiser can sign them off.
fn next_step(
    training: &cohort_domain::interviews::profile::Training,
    rule: cohort_domain::interviews::profile::GraduationRule,
) -> String {
    use cohort_domain::interviews::profile::TrainingState;
    let plural = |n: u32, what: &str| format!("{n} more {what}{}", if n == 1 { "" } else { "s" });
    match training.state {
        TrainingState::Qualified => String::new(),
        _ if training.ready_for_sign_off(rule) => String::new(),
        TrainingState::ReverseShadowing => format!(
            "{} before a sign-off",
            plural(
                rule.reverse_shadows - training.reverse_shadows.min(rule.reverse_shadows),
                "reverse shadow"
            )
        ),
        TrainingState::Trainee | TrainingState::Shadowing => {
            let reverse = format!(
                "{} reverse shadow{}",
                rule.reverse_shadows,
                if rule.reverse_shadows == 1 { "" } else { "s" }
            );
            match rule.shadows - training.shadows.min(rule.shadows) {
                0 => format!("Reverse shadowing next: {reverse} before a sign-off"),
                left => format!(
                    "{}, then {reverse}, before a sign-off",
                    plural(left, "shadowed interview")
                ),
            }
        }
    }
}

/// The interviewer's training rows, in the competencies' order.
pub fn training_rows(
    interviewer: &Interviewer,
    competencies: &[Competency],
    rule: cohort_domain::interviews::profile::GraduationRule,
) -> Vec<TrainingRow> {
    competencies
        .iter()
        .filter_map(|c| {
            let training = interviewer.training.get(&c.id)?;
            Some(TrainingRow {
                competency_id: c.id,
                competency: c.name.clone(),
                state: training.state.label(),
                state_code: training.state.as_str(),
                shadows: training.shadows,
                reverse_shadows: training.reverse_shadows,
                ready: training.ready_for_sign_off(rule),
                next_step: next_step(training, rule),
            })
        })
        .collect()
}

/// A trainee a bar raiser may sign off now.
struct ReadyTrainee {
    user_id: i64,
    name: String,
    competency_id: i64,
    competency: String,
}

#[derive(Template)]
#[template(path = "interviews/own_profile.html")]
struct OwnProfilePage {
    layout: Layout,
    form: ProfileInput,
    errors: FieldErrors,
    has_profile: bool,
    bar_raiser: bool,
    tracks: Vec<String>,
    training: Vec<TrainingRow>,
    ready: Vec<ReadyTrainee>,
    zones: &'static [&'static str],
    calendar: CalendarView,
    calendar_error: Option<String>,
}

#[derive(serde::Deserialize)]
struct PageQuery {
    notice: Option<String>,
}

async fn own_page(
    state: &AppState,
    me: &Require<InterviewerOnly>,
    csrf: &Csrf,
    submitted: Option<(ProfileInput, FieldErrors)>,
    flash: Option<String>,
) -> Result<OwnProfilePage, AppError> {
    own_page_with(state, me, csrf, submitted, flash, None).await
}

async fn own_page_with(
    state: &AppState,
    me: &Require<InterviewerOnly>,
    csrf: &Csrf,
    submitted: Option<(ProfileInput, FieldErrors)>,
    flash: Option<String>,
    calendar_error: Option<String>,
) -> Result<OwnProfilePage, AppError> {
    let user_id = me.account.user.id;
    let interviewers = state.store().interviewers().await?;
    let myself = interviewers
        .iter()
        .find(|i| i.user_id == user_id)
        .ok_or(AppError::NotFound)?;
    let competencies: Vec<Competency> = state.store().competency_rules().await?;
    let rule = state.config().graduation;
    // A bar raiser sees who is waiting for a sign-off; nobody signs their own.
    let ready = if myself.bar_raiser {
        interviewers
            .iter()
            .filter(|i| i.user_id != user_id)
            .flat_map(|i| {
                training_rows(i, &competencies, rule)
                    .into_iter()
                    .filter(|row| row.ready)
                    .map(|row| ReadyTrainee {
                        user_id: i.user_id,
                        name: i.name.clone(),
                        competency_id: row.competency_id,
                        competency: row.competency,
                    })
            })
            .collect()
    } else {
        Vec::new()
    };
    let (form, errors) = match submitted {
        Some((form, errors)) => (form, errors),
        None => (
            ProfileInput::of(myself.profile.as_ref()),
            FieldErrors::new(),
        ),
    };
    Ok(OwnProfilePage {
        layout: Layout::for_account("My interviewer profile", Some(&me.account), csrf)
            .with_flash(flash),
        form,
        errors,
        has_profile: myself.profile.is_some(),
        bar_raiser: myself.bar_raiser,
        tracks: myself.tracks.clone(),
        training: training_rows(myself, &competencies, rule),
        ready,
        zones: &COMMON_ZONES,
        calendar: calendar_view(state, myself).await?,
        calendar_error,
    })
}

async fn own_profile_page(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    csrf: Csrf,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let flash = match query.notice.as_deref() {
        Some("saved") => Some("Profile saved.".to_owned()),
        Some("signed-off") => Some("Signed off: they now interview alone.".to_owned()),
        Some("calendar") => Some("Calendar uploaded.".to_owned()),
        Some("calendar-removed") => Some("Calendar removed.".to_owned()),
        Some("subscribed") => Some(
            "Calendar address saved. It is read in a minute or so, then every few hours.".to_owned(),
        ),
        Some("unsubscribed") => Some(
            "The calendar's address is no longer read; the calendar read last is kept until you remove it."
                .to_owned(),
        ),
        _ => None,
    };
    let page = own_page(&state, &me, &csrf, None, flash).await?;
    Ok(render(&page)?.into_response())
}

async fn save_own_profile(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    csrf: Csrf,
    CsrfForm(input): CsrfForm<ProfileInput>,
) -> Result<Response, AppError> {
    match input.domain_form().parse() {
        Ok(profile) => {
            profiles::save_profile(state.app(), me.account.user.id, &profile).await?;
            Ok(Redirect::to("/interviewer/profile?notice=saved").into_response())
        }
        Err(errors) => {
            let page = own_page(&state, &me, &csrf, Some((input, errors)), None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "interviews/trainee.html")]
struct TraineePage {
    layout: Layout,
    user_id: i64,
    name: String,
    training: Vec<TrainingRow>,
    cards: Vec<super::feedback::SubmittedCard>,
}

/// A trainee as a bar raiser sees them before signing them off: their training in each
/// competency and the practice feedback they wrote on the interviews they shadowed.
async fn trainee_page(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    csrf: Csrf,
    Path(user_id): Path<i64>,
) -> Result<Response, AppError> {
    let cards =
        cohort_app::interviews::feedback::practice_of_trainee(state.app(), &me.account, user_id)
            .await
            .map_err(|error| match error {
                cohort_app::interviews::feedback::FeedbackError::Store(e) => e.into(),
                _ => AppError::NotFound,
            })?;
    let trainee = state
        .store()
        .interviewer(user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let competencies: Vec<Competency> = state.store().competency_rules().await?;
    let names = state.store().competency_names().await?;
    let zone = state
        .store()
        .interviewer(me.account.user.id)
        .await?
        .and_then(|i| i.profile)
        .map_or(chrono_tz::Tz::UTC, |p| p.time_zone);
    let page = TraineePage {
        layout: Layout::for_account(
            format!("{}'s training", trainee.name),
            Some(&me.account),
            &csrf,
        ),
        user_id,
        training: training_rows(&trainee, &competencies, state.config().graduation),
        cards: cards
            .iter()
            .map(|card| {
                let what = format!(
                    "{} with {}",
                    super::feedback::interview_words(&card.interview_kind, card.interview_round),
                    card.author_name
                );
                // A shadow's practice card never links to the pad, which was not theirs.
                super::feedback::submitted_card(card, &names, zone, what, &Default::default())
            })
            .collect(),
        name: trainee.name,
    };
    Ok(render(&page)?.into_response())
}

async fn sign_off(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    Path((user_id, competency_id)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    profiles::sign_off(state.app(), me.account.user.id, user_id, competency_id).await?;
    Ok(Redirect::to("/interviewer/profile?notice=signed-off").into_response())
}

/// The states a recruiter may set, for the training form.
pub fn training_states() -> Vec<(&'static str, &'static str)> {
    TrainingState::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect()
}

async fn upload_calendar(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    csrf: Csrf,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(
                "The calendar is larger than 1 MB. Export only the coming months.".into(),
            )
        } else {
            AppError::BadRequest("The form could not be read. Try again.".into())
        }
    };
    let (mut token, mut bytes, mut file_name) = (String::new(), Vec::new(), String::new());
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or_default() {
            "csrf" => token = crate::auth::utf8_field(field).await?,
            "calendar" => {
                file_name = field.file_name().unwrap_or("calendar.ics").to_owned();
                bytes = field.bytes().await.map_err(unreadable)?.to_vec();
            }
            _ => {}
        }
    }
    csrf.verify(&token)?;
    match calendars::upload_calendar(state.app(), me.account.user.id, &file_name, &bytes).await {
        Ok(_) => Ok(Redirect::to("/interviewer/profile?notice=calendar#calendar").into_response()),
        Err(CalendarUploadError::Interviews(error)) => Err(error.into()),
        Err(CalendarUploadError::ReaderFailed(error)) => Err(AppError::internal(error)),
        Err(refused) => {
            let message = Some(refused.to_string());
            let page = own_page_with(&state, &me, &csrf, None, None, message).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn remove_calendar(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    CsrfForm(_): CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    calendars::remove_calendar(state.app(), me.account.user.id).await?;
    Ok(Redirect::to("/interviewer/profile?notice=calendar-removed#calendar").into_response())
}

#[derive(serde::Deserialize)]
struct SubscribeForm {
    #[serde(default)]
    address: String,
}

async fn subscribe(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    csrf: Csrf,
    CsrfForm(form): CsrfForm<SubscribeForm>,
) -> Result<Response, AppError> {
    match subscriptions::subscribe(state.app(), me.account.user.id, &form.address).await {
        Ok(()) => {
            Ok(Redirect::to("/interviewer/profile?notice=subscribed#calendar").into_response())
        }
        Err(SubscribeError::Interviews(error)) => Err(error.into()),
        Err(refused) => {
            let message = Some(refused.to_string());
            let page = own_page_with(&state, &me, &csrf, None, None, message).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn unsubscribe(
    State(state): State<AppState>,
    me: Require<InterviewerOnly>,
    CsrfForm(_): CsrfForm<serde_json::Value>,
) -> Result<Response, AppError> {
    subscriptions::unsubscribe(state.app(), me.account.user.id).await?;
    Ok(Redirect::to("/interviewer/profile?notice=unsubscribed#calendar").into_response())
}
