//! Whole-week interview-loop scheduling: the instance, its validation, and the schedule format.
//!
//! The input model lives here; [`check`] checks a schedule against every rule and [`solve`]
//! makes one. Times are whole minutes since the Unix epoch, in UTC; the web layer turns working
//! hours and calendar busy blocks into `available` intervals before calling in.
//! Requirement names ("coding", "Dive Deep", "bar raiser") compare without regard to case.
//!
//! Dates are local. Each candidate and interviewer may name an IANA `time_zone` (UTC when they
//! do not). A loop's day is the date of its first interview in the candidate's time zone, and
//! every interview of the loop starts on that date there, so an afternoon loop in Seattle may run
//! past midnight UTC. The instance's `days` are such candidate-local dates. An interviewer's daily
//! cap counts interviews by the date on which they start in the interviewer's own time zone. The
//! local date of an instant always follows the zone's rules at that instant, so a week across a
//! daylight-saving change has one 23-hour (or 25-hour) day and every other day as usual.

pub mod check;
mod relax;
pub mod solve;

use crate::{parse_json, InputError};
use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Deserialize)]
struct RawInstance {
    #[serde(default)]
    grid_minutes: Option<i64>,
    #[serde(default)]
    days: Vec<String>,
    #[serde(default)]
    templates: BTreeMap<String, RawTemplate>,
    #[serde(default)]
    candidates: Vec<RawCandidate>,
    #[serde(default)]
    interviewers: Vec<RawInterviewer>,
}

#[derive(Deserialize)]
struct RawTemplate {
    #[serde(default)]
    max_gap_minutes: Option<i64>,
    #[serde(default)]
    interviews: Vec<RawInterview>,
}

#[derive(Deserialize)]
struct RawInterview {
    minutes: i64,
    #[serde(default)]
    requires: Vec<String>,
}

#[derive(Deserialize, Serialize, Clone)]
pub struct RawInterval {
    pub start: String,
    pub end: String,
}

#[derive(Deserialize)]
struct RawCandidate {
    id: String,
    track: String,
    #[serde(default)]
    priority: Option<i64>,
    #[serde(default)]
    available: Vec<RawInterval>,
    #[serde(default)]
    exclude_interviewers: Vec<String>,
    #[serde(default)]
    time_zone: Option<String>,
}

#[derive(Deserialize)]
struct RawInterviewer {
    id: String,
    #[serde(default)]
    tracks: Vec<String>,
    #[serde(default)]
    qualified: Vec<String>,
    #[serde(default)]
    daily_cap: Option<i64>,
    #[serde(default)]
    weekly_cap: Option<i64>,
    #[serde(default)]
    available: Vec<RawInterval>,
    #[serde(default)]
    shadowing: Vec<String>,
    #[serde(default)]
    time_zone: Option<String>,
}

/// A half-open span of time `[start, end)` in minutes since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub start: i64,
    pub end: i64,
}

impl Interval {
    pub fn contains(&self, other: Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn overlaps(&self, other: Interval) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// One interview of a template.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub minutes: i64,
    /// As written in the input.
    pub requires: Vec<String>,
    /// Lower-cased, for comparison.
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub track: String,
    pub max_gap: i64,
    pub interviews: Vec<Slot>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    pub template: usize,
    pub priority: i64,
    /// Sorted, non-overlapping as given.
    pub available: Vec<Interval>,
    pub excluded: Vec<usize>,
    /// The zone whose dates the loop's day and the instance's `days` are; UTC when none is given.
    pub time_zone: Tz,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Interviewer {
    pub id: String,
    /// Templates (tracks) this interviewer serves, by index.
    pub tracks: Vec<usize>,
    /// Lower-cased requirement names.
    pub qualified: Vec<String>,
    pub shadowing: Vec<String>,
    /// `None`: no cap.
    pub daily_cap: Option<u32>,
    pub weekly_cap: Option<u32>,
    pub available: Vec<Interval>,
    /// The zone whose dates the daily cap counts by; UTC when none is given.
    pub time_zone: Tz,
}

impl Interviewer {
    pub fn serves(&self, template: usize) -> bool {
        self.tracks.contains(&template)
    }

    pub fn qualified_for(&self, slot: &Slot) -> bool {
        slot.keys.iter().all(|key| self.qualified.contains(key))
    }

    pub fn can_shadow(&self, slot: &Slot) -> bool {
        slot.keys.iter().any(|key| self.shadowing.contains(key))
    }

    pub fn available_for(&self, span: Interval) -> bool {
        self.available.iter().any(|a| a.contains(span))
    }

    /// The most interviews of at least `shortest` minutes, starting on the `grid` within
    /// `starts` (such as one of this interviewer's days), this interviewer could give one after
    /// another in their availability (caps aside).
    pub(crate) fn most_interviews_starting_in(
        &self,
        grid: i64,
        starts: Interval,
        shortest: i64,
    ) -> i64 {
        let step = ceil_to_grid(shortest, grid);
        self.available
            .iter()
            .map(|a| {
                let start = ceil_to_grid(a.start.max(starts.start), grid);
                // The last start is still inside `starts`.
                let end = a.end.min(starts.end - 1 + shortest);
                if end - start >= shortest {
                    (end - start - shortest) / step + 1
                } else {
                    0
                }
            })
            .sum()
    }

    /// The most interviews of at least `shortest` minutes, starting on the `grid` within
    /// `starts` (sorted and disjoint), this interviewer could give in the week under their daily
    /// cap (the weekly cap aside). The cap applies to each date in the interviewer's own time
    /// zone, so each piece of `starts` is cut at the interviewer's midnights and what fits in the
    /// pieces of one date is capped together.
    pub(crate) fn most_interviews_at(&self, grid: i64, starts: &[Interval], shortest: i64) -> i64 {
        let mut per_date: BTreeMap<NaiveDate, i64> = BTreeMap::new();
        for piece in starts {
            let mut from = piece.start;
            while from < piece.end {
                let (date, day) = local_day(from, self.time_zone);
                // At least a minute at a time, so that the walk ends whatever the zone's rules.
                let to = day.end.min(piece.end).max(from + 1);
                let starts = Interval {
                    start: from,
                    end: to,
                };
                *per_date.entry(date).or_default() +=
                    self.most_interviews_starting_in(grid, starts, shortest);
                from = to;
            }
        }
        per_date
            .values()
            .map(|&fits| self.daily_cap.map_or(fits, |cap| fits.min(i64::from(cap))))
            .sum()
    }
}

impl Instance {
    /// The shortest interview, over every template, of those `kind` selects.
    pub(crate) fn shortest_interview(&self, kind: &dyn Fn(&Slot) -> bool) -> Option<i64> {
        self.templates
            .iter()
            .flat_map(|t| t.interviews.iter())
            .filter(|s| kind(s))
            .map(|s| s.minutes)
            .min()
    }

    /// The instants at which an interview may start, over every candidate: each of the
    /// instance's days in each candidate's time zone, as sorted, disjoint intervals.
    pub(crate) fn interview_starts(&self) -> Vec<Interval> {
        let mut zones: Vec<Tz> = Vec::new();
        for candidate in &self.candidates {
            if !zones.contains(&candidate.time_zone) {
                zones.push(candidate.time_zone);
            }
        }
        let mut spans: Vec<Interval> = zones
            .iter()
            .flat_map(|&zone| self.days.iter().map(move |&day| day_span(zone, day)))
            .collect();
        spans.sort();
        let mut merged: Vec<Interval> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        merged
    }
}

/// `minutes` rounded up to the next multiple of `grid`.
pub(crate) fn ceil_to_grid(minutes: i64, grid: i64) -> i64 {
    minutes + (grid - minutes.rem_euclid(grid)) % grid
}

/// A validated loop-scheduling instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub grid: i64,
    /// Sorted, without repeats.
    pub days: Vec<NaiveDate>,
    pub templates: Vec<Template>,
    pub candidates: Vec<Candidate>,
    pub interviewers: Vec<Interviewer>,
    pub candidate_index: HashMap<String, usize>,
    pub interviewer_index: HashMap<String, usize>,
}

/// Minutes in a day, which the grid must divide so that it is the same every day.
const DAY: i64 = 24 * 60;

impl Instance {
    pub fn from_json(text: &str) -> Result<Instance, InputError> {
        let raw: RawInstance = parse_json(text)?;
        Instance::from_raw(raw)
    }

    fn from_raw(raw: RawInstance) -> Result<Instance, InputError> {
        let grid = grid_of(raw.grid_minutes)?;
        let days = days_of(&raw.days)?;
        let (templates, template_index) = templates_of(&raw.templates)?;
        let (interviewers, interviewer_index) =
            interviewers_of(&raw.interviewers, &template_index)?;
        let (candidates, candidate_index) =
            candidates_of(&raw.candidates, &template_index, &interviewer_index)?;
        check_zones(&days, &candidates, &interviewers)?;
        Ok(Instance {
            grid,
            days,
            templates,
            candidates,
            interviewers,
            candidate_index,
            interviewer_index,
        })
    }
}

/// The scheduling grid in minutes, 15 when the input gives none.
fn grid_of(grid_minutes: Option<i64>) -> Result<i64, InputError> {
    let grid = grid_minutes.unwrap_or(15);
    if grid < 1 || DAY % grid != 0 {
        return Err(InputError::new(
            "grid_minutes",
            format!("must divide a day into whole steps (5, 10, 15, 30, 60, ...), not {grid}"),
        ));
    }
    Ok(grid)
}

/// The days loops may be held on, sorted; a day listed twice is refused.
fn days_of(texts: &[String]) -> Result<Vec<NaiveDate>, InputError> {
    let mut days = Vec::with_capacity(texts.len());
    for (index, text) in texts.iter().enumerate() {
        let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            InputError::new(
                format!("days[{index}]"),
                format!("\"{text}\" is not a date like 2027-02-01"),
            )
        })?;
        if days.contains(&day) {
            return Err(InputError::new(
                format!("days[{index}]"),
                format!("{day} is listed twice"),
            ));
        }
        days.push(day);
    }
    days.sort();
    Ok(days)
}

/// The loop templates in track order, with each track's index among them.
fn templates_of(
    raw: &BTreeMap<String, RawTemplate>,
) -> Result<(Vec<Template>, HashMap<String, usize>), InputError> {
    let mut templates = Vec::with_capacity(raw.len());
    let mut template_index = HashMap::new();
    for (track, template) in raw {
        let path = format!("templates.{track}");
        let max_gap = template.max_gap_minutes.unwrap_or(0);
        if !(0..=DAY).contains(&max_gap) {
            return Err(InputError::new(
                format!("{path}.max_gap_minutes"),
                format!("must be between 0 and {DAY}, not {max_gap}"),
            ));
        }
        if template.interviews.is_empty() {
            return Err(InputError::new(
                format!("{path}.interviews"),
                "a loop needs at least one interview",
            ));
        }
        let mut interviews = Vec::new();
        for (index, interview) in template.interviews.iter().enumerate() {
            if !(1..=DAY).contains(&interview.minutes) {
                return Err(InputError::new(
                    format!("{path}.interviews[{index}].minutes"),
                    format!("must be between 1 and {DAY}, not {}", interview.minutes),
                ));
            }
            interviews.push(Slot {
                minutes: interview.minutes,
                requires: interview.requires.clone(),
                keys: keys(&interview.requires),
            });
        }
        template_index.insert(track.clone(), templates.len());
        templates.push(Template {
            track: track.clone(),
            max_gap,
            interviews,
        });
    }
    Ok((templates, template_index))
}

/// The interviewers in input order, with each id's index among them.
fn interviewers_of(
    raw: &[RawInterviewer],
    template_index: &HashMap<String, usize>,
) -> Result<(Vec<Interviewer>, HashMap<String, usize>), InputError> {
    let mut interviewers = Vec::with_capacity(raw.len());
    let mut interviewer_index = HashMap::new();
    for (index, person) in raw.iter().enumerate() {
        let path = format!("interviewers[{index}]");
        let id = checked_id(&person.id, &format!("{path}.id"))?;
        if let Some(first) = interviewer_index.insert(id.clone(), index) {
            return Err(InputError::new(
                format!("{path}.id"),
                format!("\"{id}\" is already the id of interviewers[{first}]"),
            ));
        }
        let mut tracks = Vec::new();
        for (position, track) in person.tracks.iter().enumerate() {
            // A track without a template is harmless for an interviewer: nobody needs it.
            if let Some(&template) = template_index.get(track) {
                tracks.push(template);
            } else if track.trim().is_empty() {
                return Err(InputError::new(
                    format!("{path}.tracks[{position}]"),
                    "must not be empty",
                ));
            }
        }
        interviewers.push(Interviewer {
            id,
            tracks,
            qualified: keys(&person.qualified),
            shadowing: keys(&person.shadowing),
            daily_cap: cap(person.daily_cap, &format!("{path}.daily_cap"))?,
            weekly_cap: cap(person.weekly_cap, &format!("{path}.weekly_cap"))?,
            available: intervals(&person.available, &format!("{path}.available"))?,
            time_zone: time_zone_of(person.time_zone.as_deref(), &format!("{path}.time_zone"))?,
        });
    }
    Ok((interviewers, interviewer_index))
}

/// The candidates in input order, with each id's index among them. A candidate's track must
/// have a template, and the interviewers it excludes must exist.
fn candidates_of(
    raw: &[RawCandidate],
    template_index: &HashMap<String, usize>,
    interviewer_index: &HashMap<String, usize>,
) -> Result<(Vec<Candidate>, HashMap<String, usize>), InputError> {
    let mut candidates = Vec::with_capacity(raw.len());
    let mut candidate_index = HashMap::new();
    for (index, person) in raw.iter().enumerate() {
        let path = format!("candidates[{index}]");
        let id = checked_id(&person.id, &format!("{path}.id"))?;
        if let Some(first) = candidate_index.insert(id.clone(), index) {
            return Err(InputError::new(
                format!("{path}.id"),
                format!("\"{id}\" is already the id of candidates[{first}]"),
            ));
        }
        let template = *template_index.get(&person.track).ok_or_else(|| {
            InputError::new(
                format!("{path}.track"),
                format!("the track \"{}\" has no template", person.track),
            )
        })?;
        let priority = person.priority.unwrap_or(1);
        if !(1..=1000).contains(&priority) {
            return Err(InputError::new(
                format!("{path}.priority"),
                format!("must be between 1 and 1000, not {priority}"),
            ));
        }
        let mut excluded = Vec::new();
        for (position, name) in person.exclude_interviewers.iter().enumerate() {
            let at = *interviewer_index.get(name.trim()).ok_or_else(|| {
                InputError::new(
                    format!("{path}.exclude_interviewers[{position}]"),
                    format!("no interviewer has the id \"{name}\""),
                )
            })?;
            excluded.push(at);
        }
        candidates.push(Candidate {
            id,
            template,
            priority,
            available: intervals(&person.available, &format!("{path}.available"))?,
            excluded,
            time_zone: time_zone_of(person.time_zone.as_deref(), &format!("{path}.time_zone"))?,
        });
    }
    Ok((candidates, candidate_index))
}

fn keys(names: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let key = name.trim().to_lowercase();
        if !key.is_empty() && !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

fn checked_id(id: &str, path: &str) -> Result<String, InputError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(InputError::new(path, "must not be empty"));
    }
    Ok(id.to_owned())
}

fn cap(value: Option<i64>, path: &str) -> Result<Option<u32>, InputError> {
    match value {
        None => Ok(None),
        Some(v) if (0..=1000).contains(&v) => Ok(Some(v as u32)),
        Some(v) => Err(InputError::new(
            path,
            format!("must be between 0 and 1000, not {v}"),
        )),
    }
}

/// Refuses a time zone whose date runs backwards near the instance's days, naming the first
/// person in it. A date, to the scheduler and its bound, is one stretch of time; a clock set
/// back across midnight (00:01 back to 23:01, as in Newfoundland until 2010; no zone in the
/// time-zone database has done so since) would make one date two.
fn check_zones(
    days: &[NaiveDate],
    candidates: &[Candidate],
    interviewers: &[Interviewer],
) -> Result<(), InputError> {
    let people = (candidates.iter().map(|c| c.time_zone).enumerate())
        .map(|(index, zone)| (zone, "candidates", index))
        .chain(
            (interviewers.iter().map(|i| i.time_zone).enumerate())
                .map(|(index, zone)| (zone, "interviewers", index)),
        );
    let mut checked: Vec<Tz> = vec![Tz::UTC];
    for (zone, list, index) in people {
        if checked.contains(&zone) {
            continue;
        }
        checked.push(zone);
        if let Some(minute) = date_runs_backwards(zone, days) {
            return Err(InputError::new(
                format!("{list}[{index}].time_zone"),
                format!(
                    "{zone} turns its clocks back across midnight at {}, so one of its dates that week comes twice",
                    instant_text(minute)
                ),
            ));
        }
    }
    Ok(())
}

/// The first minute near `days` (sorted) whose date in `zone` is earlier than the minute's
/// before, if any.
fn date_runs_backwards(zone: Tz, days: &[NaiveDate]) -> Option<i64> {
    // A day's interviews start within a day of its UTC midnight in any zone, and the days of
    // the interviewers they fall on are worked out from within two days more either side.
    let mut ranges: Vec<Interval> = Vec::with_capacity(days.len());
    for &day in days {
        let midnight = utc_midnight(day);
        match ranges.last_mut() {
            Some(last) if midnight - 3 * DAY <= last.end => last.end = midnight + 4 * DAY,
            _ => ranges.push(Interval {
                start: midnight - 3 * DAY,
                end: midnight + 4 * DAY,
            }),
        }
    }
    for range in ranges {
        let mut before = local_date(range.start, zone);
        for minute in range.start + 1..range.end {
            let date = local_date(minute, zone);
            if date < before {
                return Some(minute);
            }
            before = date;
        }
    }
    None
}

/// An IANA time zone such as America/Los_Angeles; UTC when none (or an empty name) is given.
fn time_zone_of(name: Option<&str>, path: &str) -> Result<Tz, InputError> {
    match name.map(str::trim) {
        None | Some("") => Ok(Tz::UTC),
        Some(name) => name.parse::<Tz>().map_err(|_| {
            InputError::new(
                path,
                format!("\"{name}\" is not an IANA time zone such as America/Los_Angeles"),
            )
        }),
    }
}

/// Parses an RFC 3339 instant into whole minutes since the epoch.
pub fn minutes_of(text: &str) -> Result<i64, String> {
    let instant = DateTime::parse_from_rfc3339(text)
        .map_err(|_| format!("\"{text}\" is not an instant like 2027-02-01T14:00:00Z"))?;
    let seconds = instant.timestamp();
    if seconds % 60 != 0 {
        return Err(format!("\"{text}\" is not on a whole minute"));
    }
    Ok(seconds / 60)
}

/// Writes minutes since the epoch as an RFC 3339 instant in UTC.
pub fn instant_text(minutes: i64) -> String {
    DateTime::from_timestamp(minutes * 60, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| format!("{minutes} minutes"))
}

/// The UTC date on which a minute falls.
pub fn date_of(minutes: i64) -> NaiveDate {
    DateTime::from_timestamp(minutes.div_euclid(DAY) * DAY * 60, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// The date on which a minute falls in `zone`, by the zone's rules at that instant (so with
/// the right offset on either side of a daylight-saving change).
pub fn local_date(minutes: i64, zone: Tz) -> NaiveDate {
    if zone == Tz::UTC {
        return date_of(minutes);
    }
    DateTime::from_timestamp(minutes * 60, 0)
        .map(|t| t.with_timezone(&zone).date_naive())
        .unwrap_or_default()
}

/// The minutes that fall on `date` in `zone`: from its first minute to the next date's first.
/// A day is 24 hours in UTC, and 23 or 25 on the day a zone changes its clocks.
pub(crate) fn day_span(zone: Tz, date: NaiveDate) -> Interval {
    let start = first_minute_on(zone, date);
    let end = date
        .succ_opt()
        .map_or(start + DAY, |next| first_minute_on(zone, next));
    Interval { start, end }
}

/// The date on which a minute falls in `zone`, and all the minutes of that date there.
pub(crate) fn local_day(minutes: i64, zone: Tz) -> (NaiveDate, Interval) {
    let date = local_date(minutes, zone);
    (date, day_span(zone, date))
}

/// The minute at which `date` begins in UTC.
fn utc_midnight(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp()
        / 60
}

/// The first minute whose date in `zone` is `date` or later.
fn first_minute_on(zone: Tz, date: NaiveDate) -> i64 {
    let midnight = utc_midnight(date);
    if zone == Tz::UTC {
        return midnight;
    }
    // Every UTC offset is less than a day, so the date is still ahead a day before its UTC
    // midnight and has begun a day after it. Near the instance's days every zone's date runs
    // forward (`check_zones`), so bisection finds where it begins, whatever the offset that
    // day, and also when a clock change skips midnight itself.
    let (mut before, mut after) = (midnight - DAY, midnight + DAY);
    while after - before > 1 {
        let middle = before + (after - before) / 2;
        if local_date(middle, zone) >= date {
            after = middle;
        } else {
            before = middle;
        }
    }
    after
}

fn intervals(raw: &[RawInterval], path: &str) -> Result<Vec<Interval>, InputError> {
    let mut out = Vec::with_capacity(raw.len());
    for (index, interval) in raw.iter().enumerate() {
        let start = minutes_of(&interval.start)
            .map_err(|m| InputError::new(format!("{path}[{index}].start"), m))?;
        let end = minutes_of(&interval.end)
            .map_err(|m| InputError::new(format!("{path}[{index}].end"), m))?;
        if end <= start {
            return Err(InputError::new(
                format!("{path}[{index}]"),
                format!(
                    "ends ({}) before it starts ({})",
                    interval.end, interval.start
                ),
            ));
        }
        out.push(Interval { start, end });
    }
    out.sort();
    Ok(out)
}

/// A schedule, as the solver writes it and `cohort plan check` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Schedule {
    #[serde(default)]
    pub loops: Vec<Loop>,
    #[serde(default)]
    pub unscheduled: Vec<Unscheduled>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Loop {
    pub candidate: String,
    pub day: String,
    pub interviews: Vec<Interview>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interview {
    pub interviewer: String,
    #[serde(default)]
    pub requires: Vec<String>,
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub shadow: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unscheduled {
    pub candidate: String,
    pub reason: String,
}

impl Schedule {
    pub fn from_json(text: &str) -> Result<Schedule, InputError> {
        parse_json(text)
    }
}
