//! The rules of a phone screen a candidate books: which round they may book next, how long
//! before the start they may still move or cancel it, and which free interviewer takes a time.
//!
//! Pure: the caller reads the interviewers' weeks and the candidate's interviews, and passes `now`.

use super::availability::{choose_interviewer, InterviewerWeek, SlotRules};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// How the booking page offers times, set by the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingPolicy {
    /// How many days ahead the page offers times.
    pub horizon_days: u32,
    /// A booking can be moved or cancelled by the candidate until this long before its start.
    pub cutoff: Duration,
    /// Start times are multiples of this after the hour.
    pub step: Duration,
    /// Kept free before and after each of an interviewer's interviews.
    pub buffer: Duration,
    /// The earliest time offered is this long after now.
    pub notice: Duration,
}

impl Default for BookingPolicy {
    fn default() -> Self {
        BookingPolicy {
            horizon_days: 14,
            cutoff: Duration::hours(24),
            step: Duration::minutes(15),
            buffer: Duration::minutes(15),
            notice: Duration::hours(24),
        }
    }
}

impl BookingPolicy {
    /// The slot rules for an interview of `minutes`.
    pub fn slot_rules(&self, minutes: u32) -> SlotRules {
        SlotRules {
            length: Duration::minutes(i64::from(minutes)),
            step: self.step,
            buffer: self.buffer,
            notice: self.notice,
        }
    }

    /// The window the page offers times in.
    pub fn window(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        (now, now + Duration::days(i64::from(self.horizon_days)))
    }

    /// Whether the candidate may still move or cancel an interview starting at `start`.
    pub fn may_change(&self, start: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now + self.cutoff <= start
    }

    /// Whether `start` is a time the page could have offered: on the step grid, inside the
    /// window, after the notice.
    pub fn is_offerable(&self, start: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let step = self.step.num_seconds().max(60);
        let (_, last) = self.window(now);
        start.timestamp().rem_euclid(step) == 0 && now + self.notice <= start && start < last
    }
}

/// A candidate's phone screens as the booking rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookedRound {
    pub round: u32,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Which round a candidate books next, and the earliest it may start; `None` when every round
/// the track has is booked. A second screen comes after the first has ended.
pub fn next_round(booked: &[BookedRound], screens: u32) -> Option<(u32, Option<DateTime<Utc>>)> {
    let round = (1..=screens).find(|r| !booked.iter().any(|b| b.round == *r))?;
    Some((round, round_bounds(booked, round).0))
}

/// When a round may lie: after every earlier round has ended (the earliest start) and before
/// any later round starts (the latest end).
pub fn round_bounds(
    booked: &[BookedRound],
    round: u32,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let after = booked
        .iter()
        .filter(|b| b.round < round)
        .map(|b| b.end)
        .max();
    let before = booked
        .iter()
        .filter(|b| b.round > round)
        .map(|b| b.start)
        .min();
    (after, before)
}

/// Who takes a booking at `start`: of the interviewers free then (and not `excluded`, for example
/// because they already interviewed this candidate), the one with the least load that week,
/// round robin on ties. `None` when nobody is free.
pub fn assign(
    interviewers: &[InterviewerWeek],
    start: DateTime<Utc>,
    rules: &SlotRules,
    excluded: &[i64],
    last_assigned: &BTreeMap<i64, DateTime<Utc>>,
) -> Option<i64> {
    let free: Vec<&InterviewerWeek> = interviewers
        .iter()
        .filter(|i| !excluded.contains(&i.id) && i.is_free(start, rules))
        .collect();
    choose_interviewer(&free, start, last_assigned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interviews::profile::Hours;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn week(id: i64) -> InterviewerWeek {
        let day = Some(Hours {
            start: 9 * 60,
            end: 17 * 60,
        });
        InterviewerWeek {
            id,
            zone: chrono_tz::Europe::Dublin,
            hours: [day, day, day, day, day, None, None],
            time_off: Vec::new(),
            busy: Vec::new(),
            interviews: Vec::new(),
            daily_cap: 2,
            weekly_cap: 5,
        }
    }

    #[test]
    fn the_second_screen_is_offered_only_after_the_first_ends() {
        let first = BookedRound {
            round: 1,
            start: utc("2027-01-11T10:00:00Z"),
            end: utc("2027-01-11T10:45:00Z"),
        };
        assert_eq!(next_round(&[], 2), Some((1, None)));
        assert_eq!(next_round(&[first], 2), Some((2, Some(first.end))));
        assert_eq!(next_round(&[first], 1), None);
        let second = BookedRound {
            round: 2,
            start: utc("2027-01-14T10:00:00Z"),
            end: utc("2027-01-14T10:45:00Z"),
        };
        // Moving the first screen keeps it before the second.
        assert_eq!(
            round_bounds(&[first, second], 1),
            (None, Some(second.start))
        );
    }

    #[test]
    fn a_booking_can_be_changed_until_the_cutoff_and_not_after() {
        let policy = BookingPolicy::default();
        let start = utc("2027-01-12T10:00:00Z");
        assert!(policy.may_change(start, utc("2027-01-11T10:00:00Z")));
        assert!(!policy.may_change(start, utc("2027-01-11T10:00:01Z")));
    }

    #[test]
    fn only_times_on_the_grid_inside_the_window_are_offerable() {
        let policy = BookingPolicy::default();
        let now = utc("2027-01-04T08:03:00Z");
        assert!(policy.is_offerable(utc("2027-01-06T09:15:00Z"), now));
        assert!(!policy.is_offerable(utc("2027-01-06T09:10:00Z"), now));
        // Inside the notice period.
        assert!(!policy.is_offerable(utc("2027-01-04T09:00:00Z"), now));
        // Past the horizon.
        assert!(!policy.is_offerable(utc("2027-01-19T09:00:00Z"), now));
    }

    #[test]
    fn the_least_loaded_free_interviewer_takes_the_booking_and_an_excluded_one_never_does() {
        let rules = BookingPolicy::default().slot_rules(45);
        let start = utc("2027-01-13T11:00:00Z");
        let mut busy = week(1);
        busy.interviews = vec![(utc("2027-01-11T10:00:00Z"), utc("2027-01-11T10:45:00Z"))];
        let idle = week(2);
        let weeks = [busy, idle];
        assert_eq!(
            assign(&weeks, start, &rules, &[], &BTreeMap::new()),
            Some(2)
        );
        assert_eq!(
            assign(&weeks, start, &rules, &[2], &BTreeMap::new()),
            Some(1)
        );
        assert_eq!(
            assign(&weeks, start, &rules, &[1, 2], &BTreeMap::new()),
            None
        );
    }
}
