//! Phone screens that candidates book themselves: the times offered, booking, moving and
//! cancelling by the candidate, and an interviewer's release.
//!
//! A booking is decided inside one transaction that holds the application and the chosen
//! interviewer ([`Store::lock_application`], [`Store::lock_interviewer`]) and reads that
//! interviewer's interviews again: of two candidates taking the last interviewer at a time,
//! the second sees the first's booking and is told the time was just taken.

use super::at;
use super::invites::{self, Party};
pub use super::links::manage_path;
use super::mail::{self as texts, span_in, BookingChange};
use super::reminders;
use crate::mail::Message;
use crate::App;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use cohort_domain::interviews::availability::{open_times, InterviewerWeek};
use cohort_domain::interviews::booking::{assign, next_round, round_bounds, BookedRound};
use cohort_domain::interviews::itip::Method;
use cohort_domain::interviews::CompetencyKind;
use cohort_domain::Stage;
use cohort_store::applications::ApplicationRecord;
use cohort_store::interviews::bookings::{InterviewRecord, NewInterview, Occupied};
use cohort_store::outbox::NewMessage;
use cohort_store::{Store, StoreError, Tx};
use std::collections::{BTreeMap, HashSet};

/// The kind of interview stored for a phone screen.
pub const PHONE_SCREEN: &str = "phone_screen";
/// The length of a phone screen when the track has no loop template yet.
pub const DEFAULT_MINUTES: i64 = 45;

/// Why a booking, move, cancellation or release did not happen. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    #[error("This application is not waiting for a phone interview.")]
    NotBooking,
    #[error("Every phone interview of this application is already booked.")]
    AllBooked,
    #[error("That time is not one of the times offered. Pick one of the times shown.")]
    NotOffered,
    #[error("That time was just taken. Here are the times still open.")]
    Taken,
    #[error("This interview starts in less than {0} hours, so it can no longer be changed here. Reply to your confirmation mail and the recruiting team will help.")]
    TooLate(i64),
    #[error("This interview has already taken place or been cancelled.")]
    NotBooked,
    #[error("This interview changed meanwhile. Here it is as it stands now.")]
    Changed,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for BookingError {
    fn from(error: StoreError) -> BookingError {
        match error {
            StoreError::Stale => BookingError::Changed,
            StoreError::NotFound => BookingError::NotFound,
            other => BookingError::Store(other),
        }
    }
}

/// A track's phone-screen format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenFormat {
    pub track: String,
    pub minutes: i64,
    pub screens: i64,
}

/// What the booking page shows a candidate for one application.
#[derive(Debug, Clone)]
pub struct BookingState {
    pub format: ScreenFormat,
    /// Booked phone screens, in order.
    pub booked: Vec<InterviewRecord>,
    /// The round to book next, if any is left.
    pub next_round: Option<u32>,
    /// The times offered for it.
    pub times: Vec<DateTime<Utc>>,
}

/// The format of the phone screens of an application's first choice.
pub async fn format_of(app: &App, application_id: i64) -> Result<ScreenFormat, BookingError> {
    let setup = app.store().phone_screen_setup(application_id).await?;
    Ok(ScreenFormat {
        track: setup.track_name,
        minutes: setup.minutes.unwrap_or(DEFAULT_MINUTES),
        screens: setup.screens.unwrap_or(1).clamp(1, 2),
    })
}

fn booked_rounds(booked: &[InterviewRecord]) -> Vec<BookedRound> {
    booked
        .iter()
        .filter(|i| i.is_booked())
        .map(|i| BookedRound {
            round: i.round as u32,
            start: at(i.starts_at),
            end: at(i.ends_at),
        })
        .collect()
}

/// The candidate's booking page for `application` (which the caller checked is theirs).
pub async fn booking_state(
    app: &App,
    application: &ApplicationRecord,
) -> Result<BookingState, BookingError> {
    let format = format_of(app, application.id).await?;
    let booked = booked_screens(app, application.id).await?;
    let next = if application.stage() == Stage::PhoneScreen {
        next_round(&booked_rounds(&booked), format.screens as u32)
    } else {
        None
    };
    let times = match next {
        Some((round, _)) => {
            offered_times(app, application.id, &format, &booked, round, None).await?
        }
        None => Vec::new(),
    };
    Ok(BookingState {
        format,
        booked,
        next_round: next.map(|(round, _)| round),
        times,
    })
}

/// The application's booked phone screens, in order.
async fn booked_screens(
    app: &App,
    application_id: i64,
) -> Result<Vec<InterviewRecord>, StoreError> {
    Ok(app
        .store()
        .interviews_of_application(application_id)
        .await?
        .into_iter()
        .filter(|i| i.kind == PHONE_SCREEN && i.is_booked())
        .collect())
}

/// The times offered for `round`, or for moving `moving` (whose own slot counts as free).
pub async fn offered_times(
    app: &App,
    application_id: i64,
    format: &ScreenFormat,
    booked: &[InterviewRecord],
    round: u32,
    moving: Option<&InterviewRecord>,
) -> Result<Vec<DateTime<Utc>>, BookingError> {
    let window = app.config().booking.window(app.clock().now_utc());
    offered_times_in(app, application_id, format, booked, round, moving, window).await
}

/// [`offered_times`] inside `from..to` only: a booking checks its one time this way rather than
/// work out two weeks of times again.
async fn offered_times_in(
    app: &App,
    application_id: i64,
    format: &ScreenFormat,
    booked: &[InterviewRecord],
    round: u32,
    moving: Option<&InterviewRecord>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<DateTime<Utc>>, BookingError> {
    let weeks = interviewer_weeks(app, &format.track, from, to, moving).await?;
    let excluded = excluded_interviewers(app, application_id, moving).await?;
    Ok(offered_in(
        app,
        format,
        &weeks,
        &excluded,
        booked,
        round,
        (from, to),
    ))
}

/// The starts in `from..to` at which someone of `weeks` not `excluded` is free, between the
/// application's other rounds.
fn offered_in(
    app: &App,
    format: &ScreenFormat,
    weeks: &[InterviewerWeek],
    excluded: &[i64],
    booked: &[InterviewRecord],
    round: u32,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Vec<DateTime<Utc>> {
    let rules = app.config().booking.slot_rules(format.minutes as u32);
    let now = app.clock().now_utc();
    let (after, before) = round_bounds(&booked_rounds(booked), round);
    open_times(weeks, from, to, now, &rules)
        .into_iter()
        .filter(|t| t.free.iter().any(|id| !excluded.contains(id)))
        .map(|t| t.start)
        .filter(|start| after.is_none_or(|after| *start >= after))
        .filter(|start| before.is_none_or(|before| *start + rules.length <= before))
        .collect()
}

/// Interviewers who already interviewed this candidate (never twice); the interviewer of the
/// interview being moved may keep it.
async fn excluded_interviewers(
    app: &App,
    application_id: i64,
    moving: Option<&InterviewRecord>,
) -> Result<Vec<i64>, StoreError> {
    let mut excluded = app.store().past_interviewers_of(application_id).await?;
    if let Some(moving) = moving {
        excluded.retain(|id| Some(*id) != moving.interviewer_id);
    }
    Ok(excluded)
}

/// The weeks of every interviewer who may take a phone screen of `track`: a profile, the track,
/// and qualified in at least one technical area. `moving`'s own slot is left out of its
/// interviewer's interviews.
async fn interviewer_weeks(
    app: &App,
    track: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    moving: Option<&InterviewRecord>,
) -> Result<Vec<InterviewerWeek>, StoreError> {
    let directory = app.store().interviewer_directory().await?;
    let technical: HashSet<i64> = directory
        .competencies
        .iter()
        .filter(|c| c.kind == CompetencyKind::Technical)
        .map(|c| c.id)
        .collect();
    // A week either side, so that the daily and weekly caps count every interview of the
    // interviewer's local days and ISO weeks that the window touches.
    let margin = Duration::days(8);
    let (booked, busy) = app
        .store()
        .occupied_between((from - margin).timestamp(), (to + margin).timestamp())
        .await?;
    let skip = moving.map(|m| (m.interviewer_id, m.starts_at, m.ends_at));
    let mut weeks = Vec::new();
    for person in directory.interviewers.iter() {
        let Some(profile) = &person.profile else {
            continue;
        };
        let qualified = technical.iter().any(|c| person.qualified_in(*c));
        if !qualified || !person.tracks.iter().any(|t| t == track) {
            continue;
        }
        let spans = |rows: &[Occupied], skip: Option<(Option<i64>, i64, i64)>| {
            rows.iter()
                .filter(|o| o.user_id == person.user_id)
                .filter(|o| skip != Some((Some(o.user_id), o.starts_at, o.ends_at)))
                .map(|o| (at(o.starts_at), at(o.ends_at)))
                .collect()
        };
        weeks.push(InterviewerWeek {
            id: person.user_id,
            zone: profile.time_zone,
            hours: profile.hours,
            time_off: profile.time_off.clone(),
            busy: spans(&busy, None),
            interviews: spans(&booked, skip),
            daily_cap: profile.daily_cap,
            weekly_cap: profile.weekly_cap,
        });
    }
    Ok(weeks)
}

/// Reads `application` for its candidate: theirs, and waiting for a phone interview.
async fn own_application(
    app: &App,
    candidate_id: i64,
    application_id: i64,
) -> Result<ApplicationRecord, BookingError> {
    let record = match app.store().application(application_id).await {
        Ok(record) if record.candidate_id == candidate_id => record,
        Ok(_) | Err(StoreError::NotFound) => return Err(BookingError::NotFound),
        Err(other) => return Err(other.into()),
    };
    if record.stage() != Stage::PhoneScreen {
        return Err(BookingError::NotBooking);
    }
    Ok(record)
}

/// Books the next phone screen of `application_id` at `start` for its candidate, who sees times
/// in `zone`.
pub async fn book(
    app: &App,
    candidate_id: i64,
    application_id: i64,
    start: DateTime<Utc>,
    zone: Tz,
) -> Result<InterviewRecord, BookingError> {
    own_application(app, candidate_id, application_id).await?;
    let format = format_of(app, application_id).await?;
    let booked = booked_screens(app, application_id).await?;
    let (round, _) = next_round(&booked_rounds(&booked), format.screens as u32)
        .ok_or(BookingError::AllBooked)?;
    let length = Duration::minutes(format.minutes);
    let seat = Seat {
        application_id,
        minutes: format.minutes,
        new_booking: true,
    };
    // The interviewers around this one time serve both the check and the claim.
    let weeks = interviewer_weeks(app, &format.track, start, start + length, None).await?;
    let excluded = excluded_interviewers(app, application_id, None).await?;
    let at_start = (start, start + length);
    let times = offered_in(app, &format, &weeks, &excluded, &booked, round, at_start);
    check_offerable(app, start, &times)?;
    let (mut tx, interviewer, zone_of_interviewer) =
        claim(app, seat, weeks, start, &excluded, None).await?;
    let new = NewInterview {
        application_id,
        kind: PHONE_SCREEN,
        round: i64::from(round),
        interviewer_id: interviewer,
        starts_at: start.timestamp(),
        ends_at: (start + length).timestamp(),
        candidate_time_zone: zone.name(),
    };
    let interview_id = match Store::insert_interview(&mut tx, &new, app.now()).await {
        Err(StoreError::Conflict { .. }) => return Err(BookingError::AllBooked),
        other => other?,
    };
    let claimed = Claimed {
        tx,
        interview_id,
        zone: zone_of_interviewer,
    };
    let interview = announce(app, claimed, None, BookingChange::Booked).await?;
    tracing::info!(
        interview.id = interview.id,
        application.id = application_id,
        "phone screen booked"
    );
    Ok(interview)
}

/// Refuses a start that the page would not offer now (off the grid, too soon, too far, or with
/// nobody free): the candidate's page was old, or the request was made up.
fn check_offerable(
    app: &App,
    start: DateTime<Utc>,
    offered: &[DateTime<Utc>],
) -> Result<(), BookingError> {
    if !app
        .config()
        .booking
        .is_offerable(start, app.clock().now_utc())
    {
        return Err(BookingError::NotOffered);
    }
    if !offered.contains(&start) {
        // On the grid and in the window, but nobody is free: most likely just taken.
        return Err(BookingError::Taken);
    }
    Ok(())
}

/// What [`claim`] books: the application's, for how long, and whether it is a new booking
/// (which must find the application still waiting for a phone screen).
#[derive(Debug, Clone, Copy)]
struct Seat {
    application_id: i64,
    minutes: i64,
    new_booking: bool,
}

/// A booking decided in its transaction, waiting for its mail.
struct Claimed {
    tx: Tx,
    interview_id: i64,
    /// The zone of the interviewer who has it now.
    zone: Tz,
}

/// Finds a free interviewer for `start` and returns a transaction that holds them, after
/// checking their interviews again inside it: tries the best free interviewer, and when another
/// request took them meanwhile, or holds them at this moment, the next; one held elsewhere is
/// waited for only when nobody else is free. The caller writes the booking in the transaction.
/// [`BookingError::Taken`] when nobody is left.
async fn claim(
    app: &App,
    seat: Seat,
    mut weeks: Vec<InterviewerWeek>,
    start: DateTime<Utc>,
    excluded: &[i64],
    moving: Option<&InterviewRecord>,
) -> Result<(Tx, i64, Tz), BookingError> {
    let rules = app.config().booking.slot_rules(seat.minutes as u32);
    let last = last_assigned(app).await?;
    let mut excluded = excluded.to_vec();
    // Interviewers another booking holds at this moment: tried again, waiting, only when nobody
    // else is free.
    let mut held_elsewhere: Vec<i64> = Vec::new();
    // The interviewer of a moved interview keeps it when they are free at the new time.
    let preferred = moving.and_then(|m| m.interviewer_id);
    loop {
        let passed_over = [excluded.as_slice(), held_elsewhere.as_slice()].concat();
        let pick = preferred
            .filter(|p| !passed_over.contains(p))
            .filter(|p| weeks.iter().any(|w| w.id == *p && w.is_free(start, &rules)))
            .or_else(|| assign(&weeks, start, &rules, &passed_over, &last));
        let (interviewer, wait) = match pick {
            Some(interviewer) => (interviewer, false),
            None if !held_elsewhere.is_empty() => (held_elsewhere.remove(0), true),
            None => return Err(BookingError::Taken),
        };
        let mut tx = app.store().begin().await?;
        // The application is held too, and a new booking checks again inside the transaction
        // that it still waits for a phone screen: a rejection or withdrawal that committed
        // first wins, and one that comes after finds this booking to call off.
        let stage = Store::lock_application(&mut tx, seat.application_id).await?;
        if seat.new_booking && stage != Stage::PhoneScreen.as_str() {
            return Err(BookingError::NotBooking);
        }
        if wait {
            Store::lock_interviewer(&mut tx, interviewer).await?;
        } else if !Store::try_lock_interviewer(&mut tx, interviewer).await? {
            held_elsewhere.push(interviewer);
            continue;
        }
        let week = weeks
            .iter_mut()
            .find(|w| w.id == interviewer)
            .expect("the pick is one of the weeks");
        let margin = Duration::days(8);
        let fresh = Store::booked_for_interviewer(
            &mut tx,
            interviewer,
            (start - margin).timestamp(),
            (start + margin).timestamp(),
            moving.map_or(0, |m| m.id),
        )
        .await?;
        week.interviews = fresh.iter().map(|(s, e)| (at(*s), at(*e))).collect();
        if !week.is_free(start, &rules) {
            // Taken by a request that committed first: try the next interviewer.
            excluded.push(interviewer);
            continue;
        }
        return Ok((tx, interviewer, week.zone));
    }
}

async fn last_assigned(app: &App) -> Result<BTreeMap<i64, DateTime<Utc>>, StoreError> {
    Ok(app
        .store()
        .last_assigned()
        .await?
        .into_iter()
        .map(|(id, seconds)| (id, at(seconds)))
        .collect())
}

/// Queues the mail of a booking change and its reminders in the booking's transaction, and
/// commits: a booking exists if and only if its mail does. `before` is the interview as it was
/// (for a move), whose interviewer is told when they lose it.
async fn announce(
    app: &App,
    claimed: Claimed,
    before: Option<&(InterviewRecord, Tz)>,
    change: BookingChange,
) -> Result<InterviewRecord, BookingError> {
    let Claimed {
        mut tx,
        interview_id,
        zone,
    } = claimed;
    // Only the transaction's own connection is used from here: on PostgreSQL, waiting for a
    // second connection while holding a locked one could starve the pool under a burst.
    let interview = Store::interview_in(&mut tx, interview_id)
        .await?
        .ok_or(BookingError::NotFound)?;
    let mut messages = vec![candidate_confirmation(app, &interview, change)];
    let same_interviewer =
        before.is_some_and(|(b, _)| b.interviewer_id == interview.interviewer_id);
    messages.extend(interviewer_notice(app, &interview, same_interviewer, zone));
    if let Some((before, before_zone)) = before.filter(|_| !same_interviewer) {
        let mut gone = before.clone();
        gone.sequence = interview.sequence;
        let reason = "The interview was given to another interviewer.";
        messages.extend(interviewer_cancellation(app, &gone, reason, *before_zone));
    }
    Store::enqueue_messages(&mut tx, &messages, app.now()).await?;
    reminders::schedule(&mut tx, &interview, app.now()).await?;
    let due_after = super::feedback::due_after(app);
    super::feedback_reminders::schedule(&mut tx, &interview, due_after, app.now()).await?;
    Store::commit(tx).await?;
    app.wake_mail();
    Ok(interview)
}

/// What an interview is called in mail: a phone screen's cancellation (when its application
/// closes) reads as a phone interview, a loop's as a final loop interview.
fn kind_words(interview: &InterviewRecord) -> &'static str {
    if interview.kind == PHONE_SCREEN {
        "phone interview"
    } else {
        "final loop interview"
    }
}

fn candidate_zone(interview: &InterviewRecord) -> Tz {
    interview.candidate_time_zone.parse().unwrap_or(Tz::UTC)
}

fn candidate_confirmation(
    app: &App,
    interview: &InterviewRecord,
    change: BookingChange,
) -> NewMessage {
    let zone = candidate_zone(interview);
    let (start, end) = (at(interview.starts_at), at(interview.ends_at));
    let until = start - app.config().booking.cutoff;
    texts::PhoneScreenConfirmed {
        name: &interview.candidate_name,
        season: &interview.season_name,
        change,
        when: &span_in(zone, start, end),
        meeting_link: interview.meeting_link.as_deref(),
        manage_link: &app.config().link(&manage_path(interview.application_id)),
        change_until: &until
            .with_timezone(&zone)
            .format("%A %-d %B %Y, %H:%M")
            .to_string(),
        calendar: invites::calendar(app, interview, Method::Request, Party::Candidate),
    }
    .to(&interview.candidate_email)
}

/// An interviewer's zone, read before a transaction begins.
pub(crate) async fn zone_of(app: &App, interviewer_id: Option<i64>) -> Result<Tz, StoreError> {
    let Some(id) = interviewer_id else {
        return Ok(Tz::UTC);
    };
    Ok(app
        .store()
        .interviewer(id)
        .await?
        .and_then(|i| i.profile)
        .map_or(Tz::UTC, |p| p.time_zone))
}

fn interviewer_notice(
    app: &App,
    interview: &InterviewRecord,
    moved: bool,
    zone: Tz,
) -> Option<NewMessage> {
    let name = interview.interviewer_name.as_deref()?;
    let email = interview.interviewer_email.as_deref()?;
    Some(
        texts::InterviewAssigned {
            name,
            candidate: &interview.candidate_name,
            track: interview.track_name.as_deref().unwrap_or("Internship"),
            moved,
            when: &span_in(zone, at(interview.starts_at), at(interview.ends_at)),
            schedule_link: &app.config().link(super::links::SCHEDULE_PATH),
            calendar: invites::calendar(app, interview, Method::Request, Party::Interviewer),
        }
        .to(email),
    )
}

fn interviewer_cancellation(
    app: &App,
    interview: &InterviewRecord,
    reason: &str,
    zone: Tz,
) -> Option<NewMessage> {
    let name = interview.interviewer_name.as_deref()?;
    let email = interview.interviewer_email.as_deref()?;
    let what = format!(
        "{} with {}",
        kind_words(interview),
        interview.candidate_name
    );
    Some(
        texts::InterviewCancelled {
            name,
            what: &what,
            when: &span_in(zone, at(interview.starts_at), at(interview.ends_at)),
            reason,
            rebook_link: None,
            calendar: invites::calendar(app, interview, Method::Cancel, Party::Interviewer),
        }
        .to(email),
    )
}

fn candidate_cancellation(
    app: &App,
    interview: &InterviewRecord,
    reason: &str,
    rebook: bool,
) -> NewMessage {
    let zone = candidate_zone(interview);
    let link = app.config().link(&manage_path(interview.application_id));
    texts::InterviewCancelled {
        name: &interview.candidate_name,
        what: kind_words(interview),
        when: &span_in(zone, at(interview.starts_at), at(interview.ends_at)),
        reason,
        rebook_link: rebook.then_some(link.as_str()),
        calendar: invites::calendar(app, interview, Method::Cancel, Party::Candidate),
    }
    .to(&interview.candidate_email)
}

/// A candidate's booked interview of theirs, still far enough ahead to change.
async fn changeable(
    app: &App,
    candidate_id: i64,
    interview_id: i64,
) -> Result<(ApplicationRecord, InterviewRecord), BookingError> {
    let interview = app
        .store()
        .interview(interview_id)
        .await?
        .filter(|i| i.candidate_id == candidate_id && i.kind == PHONE_SCREEN)
        .ok_or(BookingError::NotFound)?;
    let record = own_application(app, candidate_id, interview.application_id).await?;
    if !interview.is_booked() || interview.starts_at <= app.now() {
        return Err(BookingError::NotBooked);
    }
    let policy = app.config().booking;
    if !policy.may_change(at(interview.starts_at), app.clock().now_utc()) {
        return Err(BookingError::TooLate(policy.cutoff.num_hours()));
    }
    Ok((record, interview))
}

/// The times a candidate may move `interview_id` to.
pub async fn move_times(
    app: &App,
    candidate_id: i64,
    interview_id: i64,
) -> Result<(InterviewRecord, Vec<DateTime<Utc>>), BookingError> {
    let (record, interview) = changeable(app, candidate_id, interview_id).await?;
    let format = format_of(app, record.id).await?;
    let booked = booked_screens(app, record.id).await?;
    let times = offered_times(
        app,
        record.id,
        &format,
        &booked,
        interview.round as u32,
        Some(&interview),
    )
    .await?
    .into_iter()
    // Its own time is free for it, but moving there changes nothing.
    .filter(|t| t.timestamp() != interview.starts_at)
    .collect();
    Ok((interview, times))
}

/// Moves a candidate's phone screen to `start`, keeping its interviewer when they are free then.
/// `sequence` is the version the candidate's page showed.
pub async fn reschedule(
    app: &App,
    candidate_id: i64,
    interview_id: i64,
    sequence: i64,
    start: DateTime<Utc>,
    zone: Tz,
) -> Result<InterviewRecord, BookingError> {
    let (record, interview) = changeable(app, candidate_id, interview_id).await?;
    if interview.sequence != sequence {
        return Err(BookingError::Changed);
    }
    let format = format_of(app, record.id).await?;
    let length = Duration::minutes(format.minutes);
    let booked = booked_screens(app, record.id).await?;
    let moving = Some(&interview);
    let weeks = interviewer_weeks(app, &format.track, start, start + length, moving).await?;
    let excluded = excluded_interviewers(app, record.id, moving).await?;
    let round = interview.round as u32;
    let at_start = (start, start + length);
    let seat = Seat {
        application_id: record.id,
        minutes: format.minutes,
        new_booking: false,
    };
    // The interview's own time is not a move (the page does not offer it).
    if start.timestamp() == interview.starts_at {
        return Err(BookingError::NotOffered);
    }
    let times = offered_in(app, &format, &weeks, &excluded, &booked, round, at_start);
    check_offerable(app, start, &times)?;
    let before = (
        interview.clone(),
        zone_of(app, interview.interviewer_id).await?,
    );
    let (mut tx, interviewer, zone_of_interviewer) =
        claim(app, seat, weeks, start, &excluded, Some(&interview)).await?;
    Store::move_interview(
        &mut tx,
        interview_id,
        sequence,
        interviewer,
        start.timestamp(),
        (start + length).timestamp(),
        zone.name(),
        app.now(),
    )
    .await?;
    let claimed = Claimed {
        tx,
        interview_id,
        zone: zone_of_interviewer,
    };
    let moved = announce(app, claimed, Some(&before), BookingChange::Moved).await?;
    tracing::info!(
        interview.id = interview_id,
        "phone screen moved by the candidate"
    );
    Ok(moved)
}

/// Cancels a candidate's phone screen; they may book again.
pub async fn cancel(
    app: &App,
    candidate_id: i64,
    interview_id: i64,
    sequence: i64,
) -> Result<(), BookingError> {
    let (_, interview) = changeable(app, candidate_id, interview_id).await?;
    if interview.sequence != sequence {
        return Err(BookingError::Changed);
    }
    let zone = zone_of(app, interview.interviewer_id).await?;
    let reasons = (
        "As you asked, your interview is off.",
        "The candidate cancelled.",
    );
    let messages = cancellations(app, &interview, reasons, true, zone);
    call_off(app, &interview, &messages, None).await?;
    tracing::info!(
        interview.id = interview_id,
        "phone screen cancelled by the candidate"
    );
    Ok(())
}

/// The cancellations of `interview` to its candidate and its interviewer, with the sequence the
/// cancellation gives it: `(to the candidate, to the interviewer)` say why; `rebook` invites the
/// candidate to pick a new time.
pub(crate) fn cancellations(
    app: &App,
    interview: &InterviewRecord,
    (to_candidate, to_interviewer): (&str, &str),
    rebook: bool,
    zone: Tz,
) -> Vec<NewMessage> {
    let mut cancelled = interview.clone();
    cancelled.sequence += 1;
    let mut messages = vec![candidate_cancellation(
        app,
        &cancelled,
        to_candidate,
        rebook,
    )];
    messages.extend(interviewer_cancellation(
        app,
        &cancelled,
        to_interviewer,
        zone,
    ));
    messages
}

/// Cancels `interview` as it was read, with its mail, in one transaction that holds the
/// application; `released_by` keeps the time busy for the interviewer who gave it up.
async fn call_off(
    app: &App,
    interview: &InterviewRecord,
    messages: &[NewMessage],
    released_by: Option<i64>,
) -> Result<(), BookingError> {
    let mut tx = app.store().begin().await?;
    Store::lock_application(&mut tx, interview.application_id).await?;
    Store::cancel_interview(&mut tx, interview.id, interview.sequence, app.now()).await?;
    if let Some(interviewer_id) = released_by {
        let given_up = (interview.starts_at, interview.ends_at);
        Store::record_release(&mut tx, interview.id, interviewer_id, given_up, app.now()).await?;
    }
    for message in messages {
        Store::enqueue_message(&mut tx, message, app.now()).await?;
    }
    Store::commit(tx).await?;
    app.wake_mail();
    Ok(())
}

/// What became of a released interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Released {
    /// Another interviewer took it at the same time.
    Reassigned { to: String },
    /// Nobody else was free; the candidate was asked to pick a new time.
    BackToCandidate,
}

/// An interviewer who cannot make an interview gives it up: another free interviewer takes it at
/// the same time, or, when nobody is free, it is cancelled and the candidate picks again.
pub async fn release(
    app: &App,
    interviewer_id: i64,
    interview_id: i64,
) -> Result<Released, BookingError> {
    let interview = app
        .store()
        .interview(interview_id)
        .await?
        .filter(|i| i.interviewer_id == Some(interviewer_id) && i.kind == PHONE_SCREEN)
        .ok_or(BookingError::NotFound)?;
    if !interview.is_booked() || interview.starts_at <= app.now() {
        return Err(BookingError::NotBooked);
    }
    let format = format_of(app, interview.application_id).await?;
    let mut excluded = app
        .store()
        .past_interviewers_of(interview.application_id)
        .await?;
    // Never back to anyone who gave it up before, who said they cannot make this time.
    excluded.extend(app.store().released_by(interview_id).await?);
    excluded.push(interviewer_id);
    let (start, sequence) = (at(interview.starts_at), interview.sequence);
    let before = (
        interview.clone(),
        zone_of(app, interview.interviewer_id).await?,
    );
    // The interview keeps its own length, whatever the track's format says now.
    let seat = Seat {
        application_id: interview.application_id,
        minutes: (interview.ends_at - interview.starts_at) / 60,
        new_booking: false,
    };
    let length = Duration::minutes(seat.minutes);
    let weeks =
        interviewer_weeks(app, &format.track, start, start + length, Some(&interview)).await?;
    let (mut tx, other, zone_of_other) =
        match claim(app, seat, weeks, start, &excluded, Some(&interview)).await {
            Ok(claimed) => claimed,
            Err(BookingError::Taken) => {
                send_back(app, &before).await?;
                return Ok(Released::BackToCandidate);
            }
            Err(error) => return Err(error),
        };
    let given_up = (interview.starts_at, interview.ends_at);
    Store::record_release(&mut tx, interview_id, interviewer_id, given_up, app.now()).await?;
    Store::move_interview(
        &mut tx,
        interview_id,
        sequence,
        other,
        interview.starts_at,
        interview.ends_at,
        &interview.candidate_time_zone,
        app.now(),
    )
    .await?;
    let claimed = Claimed {
        tx,
        interview_id,
        zone: zone_of_other,
    };
    let moved = announce(app, claimed, Some(&before), BookingChange::NewInterviewer).await?;
    tracing::info!(
        interview.id = interview_id,
        "interview released and reassigned"
    );
    Ok(Released::Reassigned {
        to: moved.interviewer_name.unwrap_or_default(),
    })
}

/// Cancels a released interview nobody else can take, and asks the candidate to pick again.
async fn send_back(
    app: &App,
    (interview, zone): &(InterviewRecord, Tz),
) -> Result<(), BookingError> {
    let reasons = (
        "Your interviewer can no longer make it, and nobody else is free at that time.",
        "You released it.",
    );
    let messages = cancellations(app, interview, reasons, true, *zone);
    call_off(app, interview, &messages, interview.interviewer_id).await?;
    tracing::info!(
        interview.id = interview.id,
        "interview released; the candidate picks again"
    );
    Ok(())
}

/// The phone screens still ahead of an application that is closing (rejected or withdrawn), with
/// the cancellations to mail: read before the move's transaction (on SQLite it holds the one
/// write connection), and cancelled inside it by [`cancel_closed`].
pub struct Closing {
    interviews: Vec<InterviewRecord>,
    messages: Vec<NewMessage>,
}

/// What closing `application_id` cancels; `reason` is what the candidate's cancellation says.
/// The candidate is not asked to book again.
pub async fn closing(app: &App, application_id: i64, reason: &str) -> Result<Closing, StoreError> {
    let now = app.now();
    let interviews: Vec<InterviewRecord> = app
        .store()
        .interviews_of_application(application_id)
        .await?
        .into_iter()
        .filter(|i| i.is_booked() && i.starts_at > now)
        .collect();
    let mut messages = Vec::new();
    // A follow-up interview reached the candidate as its own invitation, like a phone screen,
    // so it is called off on its own; the loop a plan published is called off as one.
    let (loop_interviews, screens): (Vec<_>, Vec<_>) = interviews
        .iter()
        .partition(|i| i.kind == super::kinds::FINAL_LOOP && i.plan_id.is_some());
    for interview in screens {
        let zone = zone_of(app, interview.interviewer_id).await?;
        let reasons = (reason, "The candidate's application has closed.");
        messages.extend(cancellations(app, interview, reasons, false, zone));
    }
    // A final loop reached the candidate as one invitation; it is called off as one.
    let loop_interviews: Vec<InterviewRecord> = loop_interviews.into_iter().cloned().collect();
    messages.extend(super::plans::closing_messages(app, &loop_interviews, reason).await?);
    Ok(Closing {
        interviews,
        messages,
    })
}

/// Cancels what [`closing`] found, with its mail, in the move's transaction, which holds the
/// application so that no booking slips in meanwhile. An interview booked or changed since
/// [`closing`] read them is [`StoreError::Stale`], which fails the move: nothing is left half
/// done, and trying again calls it off too.
pub async fn cancel_closed(
    tx: &mut Tx,
    application_id: i64,
    closing: &Closing,
    now: i64,
) -> Result<(), StoreError> {
    Store::lock_application(tx, application_id).await?;
    let ahead = Store::booked_interviews_ahead_in(tx, application_id, now).await?;
    let mut read: Vec<i64> = closing.interviews.iter().map(|i| i.id).collect();
    read.sort_unstable();
    if ahead != read {
        return Err(StoreError::Stale);
    }
    for interview in &closing.interviews {
        Store::cancel_interview(tx, interview.id, interview.sequence, now).await?;
    }
    for message in &closing.messages {
        Store::enqueue_message(tx, message, now).await?;
    }
    Ok(())
}

/// What a phone screen of `application_id` assesses, for its interviewer: the technical areas
/// of the final loop of the application's track (its loop template), in the loop's order. Empty
/// when the track has no template or its loop names no area.
pub async fn focus_of(app: &App, application_id: i64) -> Result<Vec<String>, StoreError> {
    let Some(template) = super::template_of_application(app, application_id).await? else {
        return Ok(Vec::new());
    };
    let competencies = app.store().competencies().await?;
    let mut areas: Vec<String> = Vec::new();
    for area in template.template.interviews.iter().filter_map(|i| i.area) {
        if let Some(competency) = competencies.iter().find(|c| c.id == area) {
            if !areas.contains(&competency.name) {
                areas.push(competency.name.clone());
            }
        }
    }
    Ok(areas)
}

/// The mail that asks a candidate who moved to Phone screen to book, in the move's transaction.
pub async fn booking_invitation(
    app: &App,
    record: &ApplicationRecord,
) -> Result<NewMessage, StoreError> {
    let minutes = match app.store().phone_screen_setup(record.id).await {
        Ok(setup) => setup.minutes.unwrap_or(DEFAULT_MINUTES),
        Err(StoreError::NotFound) => DEFAULT_MINUTES,
        Err(other) => return Err(other),
    };
    Ok(texts::BookPhoneScreen {
        name: &record.candidate_name,
        season: &record.season_name,
        minutes,
        link: &app.config().link(&manage_path(record.id)),
    }
    .to(&record.candidate_email))
}
