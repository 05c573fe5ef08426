//! A week of final loops planned on the engine (`cohort_plan::loops`): a coordinator picks the
//! days, the plan's instance is built from the database ([`super::planning::season_week`]), and
//! the [`PlanWeek`] job runs the engine with a time limit, recording its progress. The result is
//! a draft the coordinator edits (every edit is checked by the engine's independent checker
//! before it is saved) and publishes: publishing writes the loops into `interviews` and mails
//! the invitations. Until then, no candidate or interviewer can see the plan.
//!
//! After publishing, [`reslot`] gives one candidate a new loop around everybody else's (the
//! engine's `keep`), and only the people whose interviews changed hear of it.

use super::at;
use super::invites::{self, Party};
use super::links::SCHEDULE_PATH;
use super::mail::{self as texts, span_in};
use super::planning::{interviewer_key, season_week};
use super::InterviewsError;
use crate::jobs::{self, Done, Job, JobError};
use crate::mail::Message;
use crate::App;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use cohort_domain::interviews::itip::Method;
use cohort_domain::Stage;
use cohort_plan::loops::check::{check, Rule};
use cohort_plan::loops::solve::{solve, Options, Progress};
use cohort_plan::loops::{instant_text, minutes_of, Instance, Schedule, Unscheduled};
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::interviews::plans::{NewLoopInterview, NewPlan, PlanRecord, PlanState};
use cohort_store::outbox::NewMessage;
use cohort_store::{Store, StoreError, Tx};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub use super::kinds::FINAL_LOOP;
/// How long the engine runs when the coordinator does not say.
pub const DEFAULT_SECONDS: i64 = 10;
/// The longest run a coordinator may ask for.
pub const MAX_SECONDS: i64 = 120;
/// The most days one plan covers.
pub const MAX_DAYS: usize = 7;
/// How long a re-slot may search for one candidate's new loop.
const RESLOT_SECONDS: u64 = 3;

/// Why a plan was not made, changed or published.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("Pick at least one day.")]
    NoDays,
    #[error("A plan covers at most {MAX_DAYS} days.")]
    TooManyDays,
    #[error("{0} has passed: plan days from today on.")]
    PastDay(NaiveDate),
    #[error("The time limit is from 1 to {MAX_SECONDS} seconds.")]
    Seconds,
    #[error("Nobody in this season is in Final loop without a loop.")]
    NobodyToPlan,
    #[error("This plan is {0}, so it cannot be changed that way.")]
    WrongState(&'static str),
    #[error("The plan changed since this page was loaded; nothing was saved. Look at it again.")]
    Stale,
    /// An edit the engine's checker refused.
    #[error("Not saved: {rule}. {message}.")]
    Breaks { rule: &'static str, message: String },
    /// A draft the checker refuses now, at publishing, because the week changed since it was
    /// planned.
    #[error("Not published: since the plan was made, {rule}. {message}. Move or remove that loop, then publish.")]
    Outdated { rule: &'static str, message: String },
    #[error("{0}")]
    Refused(String),
    #[error("The engine could not read this week: {0}")]
    Engine(String),
    #[error("That candidate or interview is not in this plan.")]
    NotInPlan,
    #[error(transparent)]
    Interviews(InterviewsError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for PlanError {
    fn from(error: StoreError) -> PlanError {
        match error {
            StoreError::Stale => PlanError::Stale,
            other => PlanError::Store(other),
        }
    }
}

impl From<InterviewsError> for PlanError {
    fn from(error: InterviewsError) -> PlanError {
        match error {
            InterviewsError::Store(store) => store.into(),
            other => PlanError::Interviews(other),
        }
    }
}

/// The rule an edit breaks, as a coordinator reads it.
pub fn rule_label(rule: Rule) -> &'static str {
    match rule {
        Rule::Unknown => "it names someone the week does not have",
        Rule::ScheduledTwice => "the candidate would have two loops",
        Rule::Template => "the loop would no longer match the track's template",
        Rule::Day => "the loop must be on one of the plan's days, all on one day",
        Rule::Chain => "the interviews must follow one another within the template's longest gap",
        Rule::CandidateAvailability => "the candidate is not available then",
        Rule::Grid => "interviews start on the quarter hour",
        Rule::Interviewer => "that interviewer may not take this interview",
        Rule::Shadow => "that shadow may not sit in on this interview",
        Rule::DoubleBooked => "the interviewer would be in two places at once",
        Rule::InterviewerAvailability => "the interviewer is not available then",
        Rule::DailyCap => "the interviewer would pass their daily cap",
        Rule::WeeklyCap => "the interviewer would pass their weekly cap",
    }
}

/// The application of an instance's candidate id (`a12`), or of an interviewer's (`i7`) user.
fn id_of(key: &str) -> Option<i64> {
    key.get(1..)?.parse().ok()
}

/// An engine instant (minutes since the epoch, as text) in Unix seconds.
fn seconds_of(text: &str) -> i64 {
    minutes_of(text).unwrap_or(0) * 60
}

/// The earliest start a plan may give an interview: the booking cut-off from now, on the grid.
fn earliest_start(app: &App) -> i64 {
    let earliest = app.now() + app.config().booking.cutoff.num_seconds();
    (earliest + 899) / 900 * 15
}

/// Cuts a candidate's available spans in the instance's JSON to `earliest` (minutes) on.
fn not_before(candidate: &mut serde_json::Value, earliest: i64) {
    let Some(spans) = candidate["available"].as_array_mut() else {
        return;
    };
    let minutes = |value: &serde_json::Value| value.as_str().and_then(|t| minutes_of(t).ok());
    spans.retain(|span| minutes(&span["end"]).is_some_and(|end| end > earliest));
    for span in spans.iter_mut() {
        if minutes(&span["start"]).is_none_or(|start| start < earliest) {
            span["start"] = serde_json::Value::from(instant_text(earliest));
        }
    }
}

/// Starts planning `days` of `season_id` for `user_id`: builds the instance, records the plan
/// and queues its run, which is allowed `seconds`. Returns the plan's id.
pub async fn start_plan(
    app: &App,
    season_id: i64,
    user_id: i64,
    days: &[NaiveDate],
    seconds: i64,
) -> Result<i64, PlanError> {
    let mut days = days.to_vec();
    days.sort();
    days.dedup();
    if days.is_empty() {
        return Err(PlanError::NoDays);
    }
    if days.len() > MAX_DAYS {
        return Err(PlanError::TooManyDays);
    }
    let today = app.clock().now_utc().date_naive();
    if let Some(past) = days.iter().find(|d| **d < today) {
        return Err(PlanError::PastDay(*past));
    }
    if !(1..=MAX_SECONDS).contains(&seconds) {
        return Err(PlanError::Seconds);
    }
    let week = season_week(app, season_id, &days).await?;
    if week.instance.candidates.is_empty() && week.left_out.is_empty() {
        return Err(PlanError::NobodyToPlan);
    }
    // Nobody's loop may start sooner than the booking cut-off, so that every loop found can be
    // published: on today's date, or tomorrow's, the hours already too near are left out.
    let mut raw = serde_json::to_value(&week.instance)
        .map_err(|error| PlanError::Engine(error.to_string()))?;
    let earliest = earliest_start(app);
    if let Some(candidates) = raw["candidates"].as_array_mut() {
        for candidate in candidates {
            not_before(candidate, earliest);
        }
    }
    let instance = raw.to_string();
    // The engine reads the instance again in the job; one it would refuse is refused here, where
    // the coordinator sees why.
    Instance::from_json(&instance).map_err(|error| PlanError::Engine(error.to_string()))?;
    let left_out: Vec<Unscheduled> = week
        .left_out
        .into_iter()
        .map(|(candidate, reason)| Unscheduled { candidate, reason })
        .collect();
    let left_out =
        serde_json::to_string(&left_out).map_err(|error| PlanError::Engine(error.to_string()))?;
    let days_text = days
        .iter()
        .map(NaiveDate::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut tx = app.store().begin().await?;
    let plan_id = Store::insert_plan(
        &mut tx,
        &NewPlan {
            season_id,
            days: &days_text,
            seconds,
            candidates: week.instance.candidates.len() as i64,
            instance: &instance,
            left_out: &left_out,
            created_by: user_id,
        },
        app.now(),
    )
    .await?;
    jobs::enqueue(&mut tx, &PlanWeek { plan_id }, app.now()).await?;
    Store::commit(tx).await?;
    app.wake_jobs();
    tracing::info!(
        plan.id = plan_id,
        season.id = season_id,
        "week of loops queued"
    );
    Ok(plan_id)
}

/// Runs the engine on a plan within its time limit, recording progress as it improves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanWeek {
    pub plan_id: i64,
}

impl Job for PlanWeek {
    const KIND: &'static str = "plan_week";
    const BATCH: i64 = 1;
    type Context = App;

    fn key(&self) -> String {
        format!("plan_week:{}", self.plan_id)
    }

    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        let plan = app.store().plan(self.plan_id).await?;
        if plan.state() != PlanState::Solving {
            return Ok(());
        }
        let instance = match Instance::from_json(&plan.instance) {
            Ok(instance) => instance,
            Err(error) => return fail(app, done, plan.id, &error.to_string()).await,
        };
        let progress = Arc::new(AtomicI64::new(0));
        // Unknown (-1) until construction has computed it.
        let bound_so_far = Arc::new(AtomicI64::new(-1));
        let bound_seen = bound_so_far.clone();
        let limit = std::time::Duration::from_secs(plan.seconds.max(1) as u64);
        let seen = progress.clone();
        // The engine is CPU-bound: it runs on a blocking thread while this task records its
        // progress for the page.
        let mut run = tokio::task::spawn_blocking(move || {
            let began = std::time::Instant::now();
            let mut stop = |progress: Progress| {
                seen.store(progress.scheduled, Ordering::Relaxed);
                bound_seen.store(progress.bound, Ordering::Relaxed);
                began.elapsed() >= limit
            };
            solve(&instance, Options::default(), None, &mut stop)
        });
        let mut recorded = (-1, -1);
        let outcome = loop {
            tokio::select! {
                finished = &mut run => break finished,
                () = tokio::time::sleep(std::time::Duration::from_millis(400)) => {
                    let now = (progress.load(Ordering::Relaxed), bound_so_far.load(Ordering::Relaxed));
                    if now != recorded {
                        let bound = Some(now.1).filter(|b| *b >= 0);
                        app.store().set_plan_progress(plan.id, now.0, bound, app.now()).await?;
                        recorded = now;
                    }
                }
            }
        };
        // An engine that panicked or refused the instance would do so again: the plan fails
        // now, with the reason on its page, instead of showing progress until the retries end.
        let outcome = match outcome {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(error)) => return fail(app, done, plan.id, &error.to_string()).await,
            Err(error) => {
                let why = format!("the engine stopped: {error}");
                return fail(app, done, plan.id, &why).await;
            }
        };
        let schedule = serde_json::to_string(&outcome.schedule)
            .map_err(|error| JobError::Failed(error.to_string()))?;
        let mut tx = app.store().begin().await?;
        Store::finish_plan(
            &mut tx,
            plan.id,
            (
                outcome.schedule.loops.len() as i64,
                outcome.bound.value,
                &outcome.bound.argument,
            ),
            &schedule,
            app.now(),
        )
        .await?;
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        tracing::info!(
            plan.id = plan.id,
            scheduled = outcome.schedule.loops.len(),
            bound = outcome.bound.value,
            "week of loops planned"
        );
        Ok(())
    }
}

/// Records why the engine could not plan `plan_id`, completing the job with it.
async fn fail(app: &App, done: &Done, plan_id: i64, why: &str) -> Result<(), JobError> {
    let mut tx = app.store().begin().await?;
    Store::fail_plan(&mut tx, plan_id, why, app.now()).await?;
    done.complete(&mut tx).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// A plan as its pages show it: every candidate with their loop or the reason they have none,
/// and the names behind the engine's ids.
#[derive(Debug, Clone)]
pub struct PlanDetails {
    pub plan: PlanRecord,
    pub days: Vec<NaiveDate>,
    pub candidates: Vec<PlannedCandidate>,
    /// Every interviewer of the week: (instance id, name).
    pub interviewers: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct PlannedCandidate {
    pub key: String,
    pub application_id: i64,
    pub name: String,
    pub track: String,
    pub zone: Tz,
    pub interviews: Vec<PlannedInterview>,
    /// Why the candidate has no loop, when they have none.
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PlannedInterview {
    pub interviewer: String,
    pub interviewer_name: String,
    pub shadow_name: Option<String>,
    pub requires: Vec<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The schedule a plan holds: none while it is solving or after it failed.
fn schedule_of(plan: &PlanRecord) -> Result<Option<Schedule>, PlanError> {
    plan.schedule
        .as_deref()
        .map(|text| Schedule::from_json(text).map_err(|e| PlanError::Engine(e.to_string())))
        .transpose()
}

fn instance_of(plan: &PlanRecord) -> Result<Instance, PlanError> {
    Instance::from_json(&plan.instance).map_err(|e| PlanError::Engine(e.to_string()))
}

/// A plan with everything its pages show. [`StoreError::NotFound`] for an unknown plan.
pub async fn plan_details(app: &App, plan_id: i64) -> Result<PlanDetails, PlanError> {
    let plan = app.store().plan(plan_id).await?;
    let instance = instance_of(&plan)?;
    let schedule = schedule_of(&plan)?.unwrap_or_default();
    let left_out: Vec<Unscheduled> = serde_json::from_str(&plan.left_out).unwrap_or_default();
    let candidate_names: HashMap<i64, String> = app
        .store()
        .candidate_names(plan.season_id)
        .await?
        .into_iter()
        .collect();
    let interviewer_names: HashMap<String, String> = app
        .store()
        .interviewer_names()
        .await?
        .into_iter()
        .map(|(id, name)| (interviewer_key(id), name))
        .collect();
    let name_of = |key: &str| {
        interviewer_names
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    };
    let mut candidates = Vec::new();
    let planned = instance.candidates.iter().map(|c| {
        (
            c.id.clone(),
            instance.templates[c.template].track.clone(),
            c.time_zone,
        )
    });
    let unplanned = left_out
        .iter()
        .map(|u| (u.candidate.clone(), String::new(), Tz::UTC));
    for (key, track, zone) in planned.chain(unplanned) {
        let application_id = id_of(&key).unwrap_or(0);
        let interviews = schedule
            .loops
            .iter()
            .find(|l| l.candidate == key)
            .map(|l| {
                l.interviews
                    .iter()
                    .map(|i| PlannedInterview {
                        interviewer: i.interviewer.clone(),
                        interviewer_name: name_of(&i.interviewer),
                        shadow_name: i.shadow.as_deref().map(name_of),
                        requires: i.requires.clone(),
                        start: at(seconds_of(&i.start)),
                        end: at(seconds_of(&i.end)),
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let reason = schedule
            .unscheduled
            .iter()
            .chain(&left_out)
            .find(|u| u.candidate == key)
            .map(|u| u.reason.clone())
            .or_else(|| {
                (interviews.is_empty() && plan.state() != PlanState::Solving)
                    .then(|| "the engine found no loop for them".to_owned())
            });
        candidates.push(PlannedCandidate {
            name: candidate_names
                .get(&application_id)
                .cloned()
                .unwrap_or_else(|| key.clone()),
            key,
            application_id,
            track,
            zone,
            interviews,
            reason,
        });
    }
    candidates.sort_by(|a, b| {
        (a.interviews.is_empty(), &a.name).cmp(&(b.interviews.is_empty(), &b.name))
    });
    let interviewers = instance
        .interviewers
        .iter()
        .map(|i| (i.id.clone(), name_of(&i.id)))
        .collect();
    let days = plan
        .days
        .split(',')
        .filter_map(|d| d.parse().ok())
        .collect();
    Ok(PlanDetails {
        plan,
        days,
        candidates,
        interviewers,
    })
}

/// A coordinator's change to a draft.
#[derive(Debug, Clone)]
pub enum PlanEdit {
    /// Gives interview `seat` (from 0, in the loop's order) of `candidate`'s loop to
    /// `interviewer`, starting at `start` in the candidate's time zone.
    Move {
        candidate: String,
        seat: usize,
        interviewer: String,
        start: NaiveDateTime,
    },
    /// Moves the candidate's whole loop, keeping its interviewers and the gaps between its
    /// interviews, so that its first interview starts at `start` in the candidate's time zone.
    MoveLoop {
        candidate: String,
        start: NaiveDateTime,
    },
    /// Takes the candidate's loop out of the plan.
    Remove { candidate: String },
}

/// `local` in `zone` as an instant; refused when the clocks skip it.
fn instant_in(zone: Tz, local: NaiveDateTime) -> Result<DateTime<Utc>, PlanError> {
    zone.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            PlanError::Refused(format!(
                "{local} does not exist in {} (the clocks change then).",
                zone.name()
            ))
        })
}

/// A checker's sentence as a coordinator reads it: capitalised, with the schedule's paths
/// (`interviews[0]`) written as the page numbers interviews (interview 1).
fn readable(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(at) = rest.find("interviews[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "interviews[".len()..];
        match after.split_once(']') {
            Some((number, tail)) if number.parse::<usize>().is_ok() => {
                let n = number.parse::<usize>().unwrap_or(0) + 1;
                out.push_str(&format!("interview {n}"));
                rest = tail;
            }
            _ => {
                out.push_str("interviews[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let mut chars = out.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => out,
    }
}

/// Applies `edit` to the draft `plan_id` as the page at `revision` showed it, if the engine's
/// checker passes the result; otherwise nothing changes and the first broken rule is returned.
pub async fn edit_plan(
    app: &App,
    plan_id: i64,
    revision: i64,
    edit: PlanEdit,
) -> Result<(), PlanError> {
    let mut tx = app.store().begin().await?;
    let plan = Store::lock_plan(&mut tx, plan_id).await?;
    if plan.state() != PlanState::Draft {
        return Err(PlanError::WrongState(plan.state().word()));
    }
    if plan.revision != revision {
        return Err(PlanError::Stale);
    }
    let instance = instance_of(&plan)?;
    let mut schedule = schedule_of(&plan)?.unwrap_or_default();
    match edit {
        PlanEdit::Move {
            candidate,
            seat,
            interviewer,
            start,
        } => {
            let zone = instance
                .candidate_index
                .get(&candidate)
                .map(|&c| instance.candidates[c].time_zone)
                .ok_or(PlanError::NotInPlan)?;
            let start = instant_in(zone, start)?;
            let entry = schedule
                .loops
                .iter_mut()
                .find(|l| l.candidate == candidate)
                .ok_or(PlanError::NotInPlan)?;
            let interview = entry.interviews.get_mut(seat).ok_or_else(|| {
                PlanError::Refused(format!("The loop has no interview {}.", seat + 1))
            })?;
            let length = seconds_of(&interview.end) - seconds_of(&interview.start);
            interview.interviewer = interviewer;
            interview.start = instant_text(start.timestamp() / 60);
            interview.end = instant_text((start.timestamp() + length) / 60);
            // The loop's day is the date its first interview starts on, for the candidate.
            if let Some(first) = entry.interviews.iter().map(|i| seconds_of(&i.start)).min() {
                entry.day = at(first).with_timezone(&zone).date_naive().to_string();
            }
        }
        PlanEdit::MoveLoop { candidate, start } => {
            let zone = zone_of_candidate(&instance, &candidate);
            let start = instant_in(zone, start)?.timestamp();
            let entry = schedule
                .loops
                .iter_mut()
                .find(|l| l.candidate == candidate)
                .ok_or(PlanError::NotInPlan)?;
            let first = entry
                .interviews
                .iter()
                .map(|i| seconds_of(&i.start))
                .min()
                .ok_or(PlanError::NotInPlan)?;
            let shift = start - first;
            for interview in &mut entry.interviews {
                interview.start = instant_text((seconds_of(&interview.start) + shift) / 60);
                interview.end = instant_text((seconds_of(&interview.end) + shift) / 60);
            }
            entry.day = at(start).with_timezone(&zone).date_naive().to_string();
        }
        PlanEdit::Remove { candidate } => {
            let before = schedule.loops.len();
            schedule.loops.retain(|l| l.candidate != candidate);
            if schedule.loops.len() == before {
                return Err(PlanError::NotInPlan);
            }
            schedule.unscheduled.push(Unscheduled {
                candidate,
                reason: "the coordinator removed their loop from this plan".to_owned(),
            });
        }
    }
    if let Some(broken) = check(&instance, &schedule).into_iter().next() {
        return Err(PlanError::Breaks {
            rule: rule_label(broken.rule),
            message: readable(&broken.message),
        });
    }
    save_schedule(app, &mut tx, (plan_id, revision), &schedule).await?;
    Store::commit(tx).await?;
    Ok(())
}

/// Saves `schedule` as the plan's, in `tx`, if the plan is still at `revision`.
async fn save_schedule(
    app: &App,
    tx: &mut Tx,
    (plan_id, revision): (i64, i64),
    schedule: &Schedule,
) -> Result<(), PlanError> {
    let text = serde_json::to_string(schedule).map_err(|e| PlanError::Engine(e.to_string()))?;
    let scheduled = schedule.loops.len() as i64;
    Store::save_plan_schedule(tx, plan_id, revision, (&text, scheduled), app.now()).await?;
    Ok(())
}

/// Publishes the draft `plan_id` as the page at `revision` showed it: writes every loop into
/// `interviews` and mails the invitations, all in one transaction. Returns how many loops.
pub async fn publish(app: &App, plan_id: i64, revision: i64) -> Result<usize, PlanError> {
    if let Err(refused) = recheck(app, &app.store().plan(plan_id).await?).await {
        // The week is read in several statements: one that straddles another press's
        // publishing sees this plan's own loops as bookings. Having seen them, it reads the
        // plan as published, and says so rather than report a clash with itself.
        let plan = app.store().plan(plan_id).await?;
        if plan.state() != PlanState::Draft {
            return Err(PlanError::WrongState(plan.state().word()));
        }
        return Err(refused);
    }
    let mut tx = app.store().begin().await?;
    let plan = Store::lock_plan(&mut tx, plan_id).await?;
    if plan.state() != PlanState::Draft {
        return Err(PlanError::WrongState(plan.state().word()));
    }
    Store::mark_plan_published(&mut tx, plan_id, revision, app.now()).await?;
    let instance = instance_of(&plan)?;
    let schedule = schedule_of(&plan)?.unwrap_or_default();
    lock_people(&mut tx, &schedule.loops.iter().collect::<Vec<_>>()).await?;
    let mut messages = Vec::new();
    for entry in &schedule.loops {
        let zone = zone_of_candidate(&instance, &entry.candidate);
        let written = write_loop(app, &mut tx, plan_id, entry, zone, &[]).await?;
        messages.extend(loop_messages(app, &mut tx, &instance, &written, false).await?);
    }
    Store::enqueue_messages(&mut tx, &messages, app.now()).await?;
    Store::commit(tx).await?;
    app.wake_mail();
    tracing::info!(
        plan.id = plan_id,
        loops = schedule.loops.len(),
        "week of loops published"
    );
    Ok(schedule.loops.len())
}

/// Checks a draft again, before it is published, against its week as it stands now: what
/// changed since the engine planned it (interviews booked since, a lowered cap, new time off
/// or a busy time) is refused with the checker's rule, as an edit would be, rather than
/// published. Loops of candidates no longer waiting for one are left to [`write_loop`], which
/// says why; clashes booked in the moment between this check and the publishing transaction
/// are caught there too.
async fn recheck(app: &App, plan: &PlanRecord) -> Result<(), PlanError> {
    if plan.state() != PlanState::Draft {
        return Ok(());
    }
    let Some(mut schedule) = schedule_of(plan)? else {
        return Ok(());
    };
    let days: Vec<NaiveDate> = plan
        .days
        .split(',')
        .filter_map(|day| day.parse().ok())
        .collect();
    let week = season_week(app, plan.season_id, &days).await?;
    let text = serde_json::to_string(&week.instance)
        .map_err(|error| PlanError::Engine(error.to_string()))?;
    let now = Instance::from_json(&text).map_err(|error| PlanError::Engine(error.to_string()))?;
    schedule
        .loops
        .retain(|entry| now.candidate_index.contains_key(&entry.candidate));
    if let Some(broken) = check(&now, &schedule).into_iter().next() {
        return Err(PlanError::Outdated {
            rule: rule_label(broken.rule),
            message: readable(&broken.message),
        });
    }
    Ok(())
}

fn zone_of_candidate(instance: &Instance, key: &str) -> Tz {
    instance
        .candidate_index
        .get(key)
        .map_or(Tz::UTC, |&c| instance.candidates[c].time_zone)
}

fn zone_of_interviewer(instance: &Instance, key: &str) -> Tz {
    instance
        .interviewer_index
        .get(key)
        .map_or(Tz::UTC, |&i| instance.interviewers[i].time_zone)
}

/// What writing one loop did: the interviews booked now, the ones kept as they were, and the
/// ones called off.
struct WrittenLoop {
    application_id: i64,
    added: Vec<InterviewRecord>,
    kept: Vec<InterviewRecord>,
    cancelled: Vec<InterviewRecord>,
}

/// One interview of a loop as written: (interviewer, start, end, shadow), in seconds.
type Seat = (i64, i64, i64, Option<i64>);

/// Writes `entry` for its candidate, keeping those of `current` (their booked loop interviews)
/// that stay exactly as they are (same interviewer, times and shadow) and cancelling the rest;
/// kept interviews take their new place in the loop's order without a new invitation. Locks the
/// application before it reads its stage, so that a rejection at the same moment cannot leave a
/// loop behind. Refuses a loop whose candidate left Final loop, an interview that starts sooner
/// than the booking cut-off from now, and an interviewer or shadow booked at its time since the
/// plan was made.
async fn write_loop(
    app: &App,
    tx: &mut Tx,
    plan_id: i64,
    entry: &cohort_plan::loops::Loop,
    zone: Tz,
    current: &[InterviewRecord],
) -> Result<WrittenLoop, PlanError> {
    let application_id = id_of(&entry.candidate).ok_or(PlanError::NotInPlan)?;
    let stage = Store::lock_application(tx, application_id).await?;
    // Only the transaction's own connection is used in here: waiting for a second one while
    // holding these locks could starve the pool when many publish at once.
    let candidate = Store::candidate_name_in(tx, application_id).await?;
    if stage != Stage::FinalLoop.as_str() {
        return Err(PlanError::Refused(format!(
            "{candidate} is no longer in Final loop: remove their loop from the plan, then publish."
        )));
    }
    let wanted: Vec<Seat> = entry
        .interviews
        .iter()
        .map(|i| {
            (
                id_of(&i.interviewer).unwrap_or(0),
                seconds_of(&i.start),
                seconds_of(&i.end),
                i.shadow.as_deref().and_then(id_of),
            )
        })
        .collect();
    let same = |record: &InterviewRecord, w: &Seat| {
        record.interviewer_id == Some(w.0)
            && record.starts_at == w.1
            && record.ends_at == w.2
            && record.shadow_id == w.3
    };
    let mut written = WrittenLoop {
        application_id,
        added: Vec::new(),
        kept: Vec::new(),
        cancelled: Vec::new(),
    };
    for record in current {
        if wanted.iter().any(|w| same(record, w)) {
            written.kept.push(record.clone());
        } else {
            Store::cancel_interview(tx, record.id, record.sequence, app.now()).await?;
            let mut gone = record.clone();
            gone.sequence += 1;
            written.cancelled.push(gone);
        }
    }
    // Kept interviews move to their place in the new order (rounds are the order of the loop);
    // out of the way first, since two booked interviews of one loop never share a round.
    for record in &written.kept {
        Store::renumber_interview(tx, record.id, -record.id).await?;
    }
    let earliest = app.now() + app.config().booking.cutoff.num_seconds();
    for (index, w) in wanted.iter().enumerate() {
        let round = index as i64 + 1;
        if let Some(kept) = written.kept.iter_mut().find(|record| same(record, w)) {
            Store::renumber_interview(tx, kept.id, round).await?;
            kept.round = round;
            continue;
        }
        let (interviewer, starts_at, ends_at, shadow) = *w;
        if starts_at < earliest {
            return Err(PlanError::Refused(format!(
                "{candidate}'s loop has an interview at {} UTC, sooner than the booking cut-off allows: move or remove that loop, then publish.",
                at(starts_at).format("%a %-d %b %H:%M")
            )));
        }
        for person in std::iter::once(interviewer).chain(shadow) {
            let clash = Store::booked_for_interviewer(tx, person, starts_at, ends_at, 0).await?;
            if !clash.is_empty() {
                let name = Store::user_name_in(tx, person).await?;
                return Err(PlanError::Refused(format!(
                    "{name} has been booked for another interview at {} UTC since the plan was made: move {candidate}'s interview, then publish.",
                    at(starts_at).format("%a %-d %b %H:%M")
                )));
            }
        }
        let id = Store::insert_loop_interview(
            tx,
            &NewLoopInterview {
                plan_id: Some(plan_id),
                application_id,
                round,
                interviewer_id: interviewer,
                shadow_id: shadow,
                starts_at,
                ends_at,
                candidate_time_zone: zone.name(),
                focus: &entry.interviews[index].requires.join(", "),
            },
            app.now(),
        )
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => PlanError::Refused(format!(
                "{candidate} already has a final loop booked (by another plan): remove their loop from this one, then publish."
            )),
            other => other.into(),
        })?;
        let record = Store::interview_in(tx, id)
            .await?
            .ok_or(PlanError::NotInPlan)?;
        super::shadows::count_when_over(tx, &record, app.now()).await?;
        super::reminders::schedule(tx, &record, app.now()).await?;
        let due_after = super::feedback::due_after(app);
        super::feedback_reminders::schedule(tx, &record, due_after, app.now()).await?;
        written.added.push(record);
    }
    Ok(written)
}

/// Locks every application and every interviewer and shadow that `loops` name, each kind in
/// order of id, so that two publications or re-slots that share people wait for one another
/// instead of deadlocking.
async fn lock_people(tx: &mut Tx, loops: &[&cohort_plan::loops::Loop]) -> Result<(), PlanError> {
    let mut applications: Vec<i64> = loops.iter().filter_map(|l| id_of(&l.candidate)).collect();
    applications.sort_unstable();
    applications.dedup();
    for application_id in applications {
        Store::lock_application(tx, application_id).await?;
    }
    let mut people: Vec<i64> = loops
        .iter()
        .flat_map(|l| l.interviews.iter())
        .flat_map(|i| std::iter::once(&i.interviewer).chain(&i.shadow))
        .filter_map(|key| id_of(key))
        .collect();
    people.sort_unstable();
    people.dedup();
    for person in people {
        Store::lock_interviewer(tx, person).await?;
    }
    Ok(())
}

/// The mail a written loop sends: an invitation to each interviewer and shadow of an interview
/// booked now, a cancellation to each of one called off, and the candidate's invitation to the
/// whole loop (or its cancellation) when anything changed. Nobody else hears of it.
async fn loop_messages(
    app: &App,
    tx: &mut Tx,
    instance: &Instance,
    written: &WrittenLoop,
    changed: bool,
) -> Result<Vec<NewMessage>, PlanError> {
    let mut messages = Vec::new();
    if written.added.is_empty() && written.cancelled.is_empty() {
        return Ok(messages);
    }
    let schedule_link = app.config().link(SCHEDULE_PATH);
    for interview in &written.cancelled {
        let zone_of = |id: i64| zone_of_interviewer(instance, &interviewer_key(id));
        let reason = "The candidate's final loop was re-planned.";
        messages.extend(seat_cancellations(app, interview, zone_of, reason));
    }
    for interview in &written.added {
        let calendar = invites::calendar(app, interview, Method::Request, Party::Interviewer);
        let track = interview.track_name.as_deref().unwrap_or("Internship");
        let seats = [
            (
                interview.interviewer_id,
                &interview.interviewer_name,
                &interview.interviewer_email,
                false,
            ),
            (
                interview.shadow_id,
                &interview.shadow_name,
                &interview.shadow_email,
                true,
            ),
        ];
        for (id, name, email, shadow) in seats {
            if let (Some(id), Some(name), Some(email)) = (id, name, email) {
                let zone = zone_of_interviewer(instance, &interviewer_key(id));
                messages.push(
                    texts::LoopInterviewAssigned {
                        name,
                        candidate: &interview.candidate_name,
                        track,
                        round: interview.round,
                        shadow,
                        when: &span_in(zone, at(interview.starts_at), at(interview.ends_at)),
                        schedule_link: &schedule_link,
                        calendar: calendar.clone(),
                    }
                    .to(email),
                );
            }
        }
    }
    let mut now_booked: Vec<InterviewRecord> =
        written.kept.iter().chain(&written.added).cloned().collect();
    now_booked.sort_by_key(|i| i.round);
    let version = Store::loop_version_in(tx, written.application_id).await?;
    let status_link = app.config().link("/me");
    match now_booked.first() {
        Some(first) => {
            let zone: Tz = first.candidate_time_zone.parse().unwrap_or(Tz::UTC);
            let lines: Vec<String> = now_booked
                .iter()
                .map(|i| {
                    format!(
                        "Interview {}: {}",
                        i.round,
                        span_in(zone, at(i.starts_at), at(i.ends_at))
                    )
                })
                .collect();
            messages.push(
                texts::LoopScheduled {
                    name: &first.candidate_name,
                    season: &first.season_name,
                    changed,
                    interviews: &lines,
                    status_link: &status_link,
                    calendar: invites::loop_calendar(app, &now_booked, version, Method::Request),
                }
                .to(&first.candidate_email),
            );
        }
        None => {
            let reason = "We could not keep your final interviews at this time, and will be in touch with a new time.";
            messages.extend(loop_cancellation(app, &written.cancelled, version, reason));
        }
    }
    Ok(messages)
}

/// The mail that calls off a candidate's booked final loop when their application closes:
/// each interviewer's and shadow's cancellation, and the candidate's cancellation of the whole
/// loop (the one invitation they had), with the version the loop has once every interview of
/// it is cancelled. Read before the closing transaction, like the phone screens' mail.
pub async fn closing_messages(
    app: &App,
    interviews: &[InterviewRecord],
    reason: &str,
) -> Result<Vec<NewMessage>, StoreError> {
    let Some(first) = interviews.first() else {
        return Ok(Vec::new());
    };
    let version = app.store().loop_version(first.application_id).await? + interviews.len() as i64;
    // Zones are read first: the messages are made by plain functions.
    let mut zones: HashMap<i64, Tz> = HashMap::new();
    for interview in interviews {
        for id in interview
            .interviewer_id
            .into_iter()
            .chain(interview.shadow_id)
        {
            let zone = app
                .store()
                .interviewer(id)
                .await?
                .and_then(|i| i.profile)
                .map_or(Tz::UTC, |p| p.time_zone);
            zones.insert(id, zone);
        }
    }
    let zone_of = |id: i64| zones.get(&id).copied().unwrap_or(Tz::UTC);
    let mut messages = Vec::new();
    for interview in interviews {
        let mut gone = interview.clone();
        gone.sequence += 1;
        let reason = "The candidate's application has closed.";
        messages.extend(seat_cancellations(app, &gone, zone_of, reason));
    }
    messages.extend(loop_cancellation(app, interviews, version, reason));
    Ok(messages)
}

/// The cancellation of one loop interview (`interview` as it is once cancelled) to its
/// interviewer and its shadow, each in their own zone.
fn seat_cancellations(
    app: &App,
    interview: &InterviewRecord,
    zone_of: impl Fn(i64) -> Tz,
    reason: &str,
) -> Vec<NewMessage> {
    let what = format!("final loop interview with {}", interview.candidate_name);
    let calendar = invites::calendar(app, interview, Method::Cancel, Party::Interviewer);
    let readers = [
        (
            interview.interviewer_id,
            &interview.interviewer_name,
            &interview.interviewer_email,
        ),
        (
            interview.shadow_id,
            &interview.shadow_name,
            &interview.shadow_email,
        ),
    ];
    let mut messages = Vec::new();
    for (id, name, email) in readers {
        if let (Some(id), Some(name), Some(email)) = (id, name, email) {
            let zone = zone_of(id);
            messages.push(
                texts::InterviewCancelled {
                    name,
                    what: &what,
                    when: &span_in(zone, at(interview.starts_at), at(interview.ends_at)),
                    reason,
                    rebook_link: None,
                    calendar: calendar.clone(),
                }
                .to(email),
            );
        }
    }
    messages
}

/// The candidate's cancellation of their whole loop (`interviews`, any order), with the
/// loop's `version` once cancelled. None for no interviews.
fn loop_cancellation(
    app: &App,
    interviews: &[InterviewRecord],
    version: i64,
    reason: &str,
) -> Option<NewMessage> {
    let mut gone = interviews.to_vec();
    gone.sort_by_key(|i| i.starts_at);
    let first = gone.first()?;
    let zone: Tz = first.candidate_time_zone.parse().unwrap_or(Tz::UTC);
    let end = gone
        .iter()
        .map(|i| i.ends_at)
        .max()
        .unwrap_or(first.ends_at);
    Some(
        texts::InterviewCancelled {
            name: &first.candidate_name,
            what: "final loop",
            when: &span_in(zone, at(first.starts_at), at(end)),
            reason,
            rebook_link: None,
            calendar: invites::loop_calendar(app, &gone, version, Method::Cancel),
        }
        .to(&first.candidate_email),
    )
}

/// What a re-slot did for the candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reslotted {
    /// A new loop; `changed` interviews of it differ from before.
    Loop { changed: usize },
    /// No loop fits around everybody else's; the candidate's loop is called off.
    NoLoop { reason: String },
}

/// Gives `candidate` of the published `plan_id` a new loop without moving anyone else's, never
/// with `without` (an interviewer who cannot make it). Only interviews that change are called
/// off and booked again, and only their people (and the candidate) are mailed.
pub async fn reslot(
    app: &App,
    plan_id: i64,
    revision: i64,
    candidate: &str,
    without: Option<&str>,
) -> Result<Reslotted, PlanError> {
    let plan = app.store().plan(plan_id).await?;
    if plan.state() != PlanState::Published {
        return Err(PlanError::WrongState(plan.state().word()));
    }
    if plan.revision != revision {
        return Err(PlanError::Stale);
    }
    // The interviewer who cannot make it is excluded for this candidate from now on, in the
    // plan's own instance, so that a later re-slot does not give them back.
    let mut raw: serde_json::Value =
        serde_json::from_str(&plan.instance).map_err(|e| PlanError::Engine(e.to_string()))?;
    let entry = raw["candidates"]
        .as_array_mut()
        .and_then(|all| all.iter_mut().find(|c| c["id"] == candidate))
        .ok_or(PlanError::NotInPlan)?;
    if let Some(without) = without {
        if let Some(list) = entry["exclude_interviewers"].as_array_mut() {
            if !list.iter().any(|v| v == without) {
                list.push(serde_json::Value::from(without));
            }
        }
    }
    // The new loop starts no sooner than the booking cut-off from now: the week's earlier days
    // may have passed since the plan was made.
    not_before(entry, earliest_start(app));
    let instance_text = raw.to_string();
    let instance =
        Instance::from_json(&instance_text).map_err(|e| PlanError::Engine(e.to_string()))?;
    let mut keep = schedule_of(&plan)?.unwrap_or_default();
    keep.loops.retain(|l| l.candidate != candidate);
    keep.unscheduled.retain(|u| u.candidate != candidate);
    let searched = instance.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let began = std::time::Instant::now();
        let limit = std::time::Duration::from_secs(RESLOT_SECONDS);
        solve(&searched, Options::default(), Some(&keep), &mut |_| {
            began.elapsed() >= limit
        })
    })
    .await
    .map_err(|e| PlanError::Engine(e.to_string()))?
    .map_err(|e| PlanError::Engine(e.to_string()))?;
    let schedule = outcome.schedule;

    let mut tx = app.store().begin().await?;
    let locked = Store::lock_plan(&mut tx, plan_id).await?;
    if locked.revision != revision {
        return Err(PlanError::Stale);
    }
    let application_id = id_of(candidate).ok_or(PlanError::NotInPlan)?;
    Store::lock_application(&mut tx, application_id).await?;
    // A loop with a follow-up interview has been debriefed: a new loop would ignore the
    // follow-up's time and the debrief's rounds.
    if !Store::follow_ups_in(&mut tx, application_id)
        .await?
        .is_empty()
    {
        let name = Store::candidate_name_in(&mut tx, application_id).await?;
        return Err(PlanError::Refused(format!(
            "{name}'s loop has been debriefed and has a follow-up interview, so it is not re-slotted: the debrief page books any further interview."
        )));
    }
    let current = Store::loop_interviews_in(&mut tx, application_id).await?;
    let zone = zone_of_candidate(&instance, candidate);
    let result = match schedule.loops.iter().find(|l| l.candidate == candidate) {
        Some(entry) => {
            lock_people(&mut tx, &[entry]).await?;
            let written = write_loop(app, &mut tx, plan_id, entry, zone, &current).await?;
            let changed = written.added.len();
            let messages = loop_messages(app, &mut tx, &instance, &written, true).await?;
            for message in &messages {
                Store::enqueue_message(&mut tx, message, app.now()).await?;
            }
            Reslotted::Loop { changed }
        }
        None => {
            let reason = schedule
                .unscheduled
                .iter()
                .find(|u| u.candidate == candidate)
                .map_or_else(
                    || "no loop fits around the others".to_owned(),
                    |u| u.reason.clone(),
                );
            let mut cancelled = Vec::new();
            for record in &current {
                Store::cancel_interview(&mut tx, record.id, record.sequence, app.now()).await?;
                let mut gone = record.clone();
                gone.sequence += 1;
                cancelled.push(gone);
            }
            let written = WrittenLoop {
                application_id,
                added: Vec::new(),
                kept: Vec::new(),
                cancelled,
            };
            let messages = loop_messages(app, &mut tx, &instance, &written, true).await?;
            for message in &messages {
                Store::enqueue_message(&mut tx, message, app.now()).await?;
            }
            Reslotted::NoLoop { reason }
        }
    };
    save_schedule(app, &mut tx, (plan_id, revision), &schedule).await?;
    Store::save_plan_instance(&mut tx, plan_id, &instance_text).await?;
    Store::commit(tx).await?;
    app.wake_mail();
    Ok(result)
}

/// A candidate's booked final loop, for their status page: empty before it is published.
pub async fn loop_of(app: &App, application_id: i64) -> Result<Vec<InterviewRecord>, StoreError> {
    Ok(app
        .store()
        .interviews_of_application(application_id)
        .await?
        .into_iter()
        .filter(|i| i.kind == FINAL_LOOP && i.is_booked())
        .collect())
}
