//! Checks a schedule against every rule of an instance, independently of any solver.
//!
//! Each broken rule is reported once per place it is broken, with the path of the offending
//! entry in the schedule (`loops[2].interviews[1].interviewer`) and a sentence a coordinator can
//! act on. An empty list means the schedule keeps every rule.
//!
//! Dates are re-derived here from each instant and the person's time zone: a loop's day from the
//! candidate's, an interviewer's daily count from the interviewer's.

use super::{instant_text, local_date, minutes_of, Candidate, Instance, Interval, Loop, Schedule};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::HashMap;

/// Which rule a violation breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The schedule names a candidate or interviewer the instance does not have, or cannot be read.
    Unknown,
    /// A candidate has more than one loop.
    ScheduledTwice,
    /// The loop's interviews do not match the track's template, one for one.
    Template,
    /// The loop is not on one of the instance's days, or not all on its own day (dates in the
    /// candidate's time zone).
    Day,
    /// Interviews of a loop overlap, or the wait between two exceeds the template's gap.
    Chain,
    /// The loop is not inside one of the candidate's available intervals.
    CandidateAvailability,
    /// An interview does not start on the grid.
    Grid,
    /// The interviewer does not serve the track, is not qualified, is excluded by the
    /// candidate, or has two interviews in one loop.
    Interviewer,
    /// A shadow who does not shadow what the interview requires, is excluded by the candidate,
    /// or already has a seat in the loop.
    Shadow,
    /// An interviewer has two interviews (or shadow seats) at the same time.
    DoubleBooked,
    /// An interviewer works outside their available intervals.
    InterviewerAvailability,
    /// An interviewer has more interviews on one date, in their time zone, than their daily cap.
    DailyCap,
    /// An interviewer has more interviews in the whole schedule than their weekly cap.
    WeeklyCap,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: Rule,
    pub path: String,
    pub message: String,
}

/// One seat an interviewer fills: an interview or a shadow seat.
struct Seat {
    span: Interval,
    path: String,
}

/// Every violation of `schedule` against `instance`, in schedule order.
pub fn check(instance: &Instance, schedule: &Schedule) -> Vec<Violation> {
    let mut checker = Checker {
        instance,
        violations: Vec::new(),
        seats: (0..instance.interviewers.len())
            .map(|_| Vec::new())
            .collect(),
        seen_candidates: HashMap::new(),
    };
    for (loop_index, entry) in schedule.loops.iter().enumerate() {
        checker.check_loop(loop_index, entry);
    }
    checker.check_calendars();
    checker.violations
}

/// The checks' state: what was found, and every interviewer's seats for the calendar checks.
struct Checker<'a> {
    instance: &'a Instance,
    violations: Vec<Violation>,
    seats: Vec<Vec<Seat>>,
    /// Each candidate's first loop.
    seen_candidates: HashMap<usize, usize>,
}

impl Checker<'_> {
    fn report(&mut self, rule: Rule, path: String, message: String) {
        self.violations.push(Violation {
            rule,
            path,
            message,
        });
    }

    fn check_loop(&mut self, loop_index: usize, entry: &Loop) {
        let path = format!("loops[{loop_index}]");
        let Some(&candidate_at) = self.instance.candidate_index.get(entry.candidate.trim()) else {
            self.report(
                Rule::Unknown,
                format!("{path}.candidate"),
                format!("no candidate has the id \"{}\"", entry.candidate),
            );
            return;
        };
        if let Some(first) = self.seen_candidates.insert(candidate_at, loop_index) {
            self.report(
                Rule::ScheduledTwice,
                format!("{path}.candidate"),
                format!("{} already has a loop (loops[{first}])", entry.candidate),
            );
        }
        let Some(spans) = self.spans(&path, entry) else {
            return;
        };
        let candidate = &self.instance.candidates[candidate_at];
        self.check_template(&path, entry, &spans, candidate);
        self.check_day(&path, entry, &spans, candidate.time_zone);
        self.check_chain(&path, &spans, candidate);
        self.check_seats(&path, entry, &spans, candidate);
    }

    /// The interviews' times; an unreadable one is reported and the loop skipped.
    fn spans(&mut self, path: &str, entry: &Loop) -> Option<Vec<Interval>> {
        let mut spans = Vec::with_capacity(entry.interviews.len());
        for (index, interview) in entry.interviews.iter().enumerate() {
            let at = format!("{path}.interviews[{index}]");
            match (minutes_of(&interview.start), minutes_of(&interview.end)) {
                (Ok(start), Ok(end)) if end > start => spans.push(Interval { start, end }),
                (Ok(_), Ok(_)) => self.report(
                    Rule::Unknown,
                    at,
                    "the interview ends before it starts".to_owned(),
                ),
                (Err(message), _) => self.report(Rule::Unknown, format!("{at}.start"), message),
                (_, Err(message)) => self.report(Rule::Unknown, format!("{at}.end"), message),
            }
        }
        (spans.len() == entry.interviews.len()).then_some(spans)
    }

    /// The template, one for one: each interview matches an unused template interview with the
    /// same requirements and length.
    fn check_template(
        &mut self,
        path: &str,
        entry: &Loop,
        spans: &[Interval],
        candidate: &Candidate,
    ) {
        let template = &self.instance.templates[candidate.template];
        let mut unused: Vec<bool> = vec![true; template.interviews.len()];
        for (index, interview) in entry.interviews.iter().enumerate() {
            let wanted = super::keys(&interview.requires);
            let length = spans[index].end - spans[index].start;
            let found = template
                .interviews
                .iter()
                .enumerate()
                .position(|(t, slot)| {
                    unused[t] && same_set(&slot.keys, &wanted) && slot.minutes == length
                });
            match found {
                Some(t) => unused[t] = false,
                None => self.report(
                    Rule::Template,
                    format!("{path}.interviews[{index}]"),
                    format!(
                        "the {} template has no unused {length}-minute interview requiring {:?}",
                        template.track, interview.requires
                    ),
                ),
            }
        }
        let missing = unused.iter().filter(|u| **u).count();
        if missing > 0 && entry.interviews.len() < template.interviews.len() {
            self.report(
                Rule::Template,
                format!("{path}.interviews"),
                format!(
                    "the {} template has {} interviews; this loop has {}",
                    template.track,
                    template.interviews.len(),
                    entry.interviews.len()
                ),
            );
        }
    }

    /// The loop is on one of the instance's days, all of it: every interview starts on the
    /// loop's day in the candidate's time zone. Messages name the zone unless it is UTC.
    fn check_day(&mut self, path: &str, entry: &Loop, spans: &[Interval], zone: Tz) {
        let Ok(day) = NaiveDate::parse_from_str(&entry.day, "%Y-%m-%d") else {
            self.report(
                Rule::Day,
                format!("{path}.day"),
                format!("\"{}\" is not a date like 2027-02-01", entry.day),
            );
            return;
        };
        if !self.instance.days.contains(&day) {
            let message = if zone == Tz::UTC {
                format!("{day} is not one of the instance's days")
            } else {
                format!("{day} is not one of the instance's days (dates in the candidate's time zone, {zone})")
            };
            self.report(Rule::Day, format!("{path}.day"), message);
        }
        for (index, span) in spans.iter().enumerate() {
            let date = local_date(span.start, zone);
            if date != day {
                let message = if zone == Tz::UTC {
                    format!("{} is not on {day}", instant_text(span.start))
                } else {
                    format!(
                        "{} is on {date} in {zone}, the candidate's time zone, not on {day}",
                        instant_text(span.start)
                    )
                };
                self.report(
                    Rule::Day,
                    format!("{path}.interviews[{index}].start"),
                    message,
                );
            }
        }
    }

    /// The chain, in time order, inside the candidate's availability.
    fn check_chain(&mut self, path: &str, spans: &[Interval], candidate: &Candidate) {
        let template = &self.instance.templates[candidate.template];
        let mut order: Vec<usize> = (0..spans.len()).collect();
        order.sort_by_key(|&i| spans[i].start);
        for pair in order.windows(2) {
            let (before, after) = (spans[pair[0]], spans[pair[1]]);
            let at = format!("{path}.interviews[{}]", pair[1]);
            if after.start < before.end {
                self.report(
                    Rule::Chain,
                    at,
                    format!(
                        "starts at {} while interviews[{}] runs until {}",
                        instant_text(after.start),
                        pair[0],
                        instant_text(before.end)
                    ),
                );
            } else if after.start - before.end > template.max_gap {
                self.report(
                Rule::Chain,
                at,
                format!(
                    "the candidate waits {} minutes after interviews[{}]; the {} template allows {}",
                    after.start - before.end,
                    pair[0],
                    template.track,
                    template.max_gap
                ),
            );
            }
        }
        if let (Some(&first), Some(&last)) = (order.first(), order.last()) {
            let whole = Interval {
                start: spans[first].start,
                end: spans[last].end,
            };
            if !candidate.available.iter().any(|a| a.contains(whole)) {
                self.report(
                    Rule::CandidateAvailability,
                    path.to_owned(),
                    format!(
                        "{} is not available for the whole loop, {} to {}",
                        candidate.id,
                        instant_text(whole.start),
                        instant_text(whole.end)
                    ),
                );
            }
        }
    }

    /// Each interview's grid, interviewer and shadow; their seats are kept for the calendars.
    fn check_seats(&mut self, path: &str, entry: &Loop, spans: &[Interval], candidate: &Candidate) {
        let instance = self.instance;
        let template = &instance.templates[candidate.template];
        let mut in_loop: Vec<usize> = Vec::new();
        for (index, interview) in entry.interviews.iter().enumerate() {
            let at = format!("{path}.interviews[{index}]");
            let span = spans[index];
            if span.start.rem_euclid(self.instance.grid) != 0 {
                self.report(
                    Rule::Grid,
                    format!("{at}.start"),
                    format!(
                        "{} is not on the {}-minute grid",
                        instant_text(span.start),
                        self.instance.grid
                    ),
                );
            }
            let slot = super::Slot {
                minutes: span.end - span.start,
                requires: interview.requires.clone(),
                keys: super::keys(&interview.requires),
            };
            match self
                .instance
                .interviewer_index
                .get(interview.interviewer.trim())
            {
                None => self.report(
                    Rule::Unknown,
                    format!("{at}.interviewer"),
                    format!("no interviewer has the id \"{}\"", interview.interviewer),
                ),
                Some(&who) => {
                    let person = &self.instance.interviewers[who];
                    let field = format!("{at}.interviewer");
                    if !person.serves(candidate.template) {
                        self.report(
                            Rule::Interviewer,
                            field.clone(),
                            format!("{} does not serve the {} track", person.id, template.track),
                        );
                    }
                    if !person.qualified_for(&slot) {
                        self.report(
                            Rule::Interviewer,
                            field.clone(),
                            format!(
                                "{} is not qualified for {:?}",
                                person.id, interview.requires
                            ),
                        );
                    }
                    if candidate.excluded.contains(&who) {
                        self.report(
                            Rule::Interviewer,
                            field.clone(),
                            format!("{} is excluded by {}", person.id, candidate.id),
                        );
                    }
                    if in_loop.contains(&who) {
                        self.report(
                            Rule::Interviewer,
                            field.clone(),
                            format!("{} already has an interview in this loop", person.id),
                        );
                    }
                    in_loop.push(who);
                    self.seats[who].push(Seat { span, path: field });
                }
            }
            if let Some(shadow) = interview.shadow.as_deref() {
                let field = format!("{at}.shadow");
                match self.instance.interviewer_index.get(shadow.trim()) {
                    None => self.report(
                        Rule::Unknown,
                        field,
                        format!("no interviewer has the id \"{shadow}\""),
                    ),
                    Some(&who) => {
                        let person = &self.instance.interviewers[who];
                        if !person.can_shadow(&slot) {
                            self.report(
                                Rule::Shadow,
                                field.clone(),
                                format!(
                                    "{} does not shadow any of {:?}",
                                    person.id, interview.requires
                                ),
                            );
                        }
                        if candidate.excluded.contains(&who) {
                            self.report(
                                Rule::Shadow,
                                field.clone(),
                                format!("{} is excluded by {}", person.id, candidate.id),
                            );
                        }
                        if in_loop.contains(&who) {
                            self.report(
                                Rule::Shadow,
                                field.clone(),
                                format!("{} already has a seat in this loop", person.id),
                            );
                        }
                        in_loop.push(who);
                        self.seats[who].push(Seat { span, path: field });
                    }
                }
            }
        }
    }

    /// Every interviewer's calendar over the whole schedule.
    fn check_calendars(&mut self) {
        let mut seats = std::mem::take(&mut self.seats);
        for (who, list) in seats.iter_mut().enumerate() {
            let person = &self.instance.interviewers[who];
            list.sort_by_key(|seat| (seat.span.start, seat.span.end));
            for pair in list.windows(2) {
                if pair[1].span.start < pair[0].span.end {
                    self.report(
                        Rule::DoubleBooked,
                        pair[1].path.clone(),
                        format!(
                            "{} is also at {} from {} to {}",
                            person.id,
                            pair[0].path,
                            instant_text(pair[0].span.start),
                            instant_text(pair[0].span.end)
                        ),
                    );
                }
            }
            for seat in list.iter() {
                if !person.available_for(seat.span) {
                    self.report(
                        Rule::InterviewerAvailability,
                        seat.path.clone(),
                        format!(
                            "{} is not available from {} to {}",
                            person.id,
                            instant_text(seat.span.start),
                            instant_text(seat.span.end)
                        ),
                    );
                }
            }
            if let Some(cap) = person.daily_cap {
                // Counted by the date on which each seat starts in the interviewer's zone.
                let zone = person.time_zone;
                let mut per_day: HashMap<NaiveDate, u32> = HashMap::new();
                for seat in list.iter() {
                    let day = local_date(seat.span.start, zone);
                    let count = per_day.entry(day).or_default();
                    *count += 1;
                    if *count == cap + 1 {
                        let message = if zone == Tz::UTC {
                            format!("{} would have more than {cap} on {day}", person.id)
                        } else {
                            format!(
                                "{} would have more than {cap} on {day} in {zone}",
                                person.id
                            )
                        };
                        self.report(Rule::DailyCap, seat.path.clone(), message);
                    }
                }
            }
            if let Some(cap) = person.weekly_cap {
                if list.len() as u32 > cap {
                    self.report(
                        Rule::WeeklyCap,
                        list[cap as usize].path.clone(),
                        format!(
                            "{} has {} interviews; the weekly cap is {cap}",
                            person.id,
                            list.len()
                        ),
                    );
                }
            }
        }
    }
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}
