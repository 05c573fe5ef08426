//! The interviews suite (a first part): the booking page's open times for one track with 300
//! interviewers over the next 14 days, computed by `cohort_domain::interviews::availability`
//! from their working hours in five time zones, calendar busy blocks and booked interviews.
//! Target: under 50 ms at p95. The floor is the same computation for one interviewer, times 300
//! (what the page would cost if interviewers shared nothing).
//!
//! The instance comes from a fixed seed; times are wall-clock over 40 runs.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use cohort_domain::interviews::availability::{open_times, InterviewerWeek, SlotRules};
use cohort_domain::interviews::profile::Hours;

use crate::{measurement, percentile, Measurement, Numbers};

const INTERVIEWERS: usize = 300;
const DAYS: i64 = 14;
const RUNS: usize = 40;

const ZONES: [chrono_tz::Tz; 5] = [
    chrono_tz::America::Los_Angeles,
    chrono_tz::America::New_York,
    chrono_tz::Europe::Dublin,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Australia::Sydney,
];

/// A week like the demo's: 09:00-17:00 on weekdays, a daily stand-up, a few meetings and a few
/// booked interviews.
fn interviewer(id: i64, from: DateTime<Utc>, numbers: &mut Numbers) -> InterviewerWeek {
    let day = Some(Hours {
        start: 9 * 60,
        end: 17 * 60,
    });
    let mut busy = Vec::new();
    let mut interviews = Vec::new();
    for day_index in 0..DAYS {
        let midnight = from + Duration::days(day_index);
        let standup = midnight + Duration::minutes(numbers.below(24 * 60) as i64);
        busy.push((standup, standup + Duration::minutes(15)));
        if numbers.below(3) == 0 {
            let meeting = midnight + Duration::minutes(numbers.below(24 * 60) as i64);
            busy.push((meeting, meeting + Duration::minutes(60)));
        }
        if numbers.below(4) == 0 {
            let booked = midnight + Duration::minutes(15 * numbers.below(96) as i64);
            interviews.push((booked, booked + Duration::minutes(45)));
        }
    }
    busy.sort();
    interviews.sort();
    InterviewerWeek {
        id,
        zone: ZONES[id as usize % ZONES.len()],
        hours: [day, day, day, day, day, None, None],
        time_off: Vec::new(),
        busy,
        interviews,
        daily_cap: 3,
        weekly_cap: 8,
    }
}

/// Milliseconds of `runs` calls of `open_times` on `people`, one per run.
fn timings(people: &[InterviewerWeek], from: DateTime<Utc>, runs: usize) -> (Vec<f64>, usize) {
    let rules = SlotRules {
        length: Duration::minutes(45),
        step: Duration::minutes(15),
        buffer: Duration::minutes(15),
        notice: Duration::hours(12),
    };
    let to = from + Duration::days(DAYS);
    let mut times = Vec::with_capacity(runs);
    let mut open = 0;
    for _ in 0..runs {
        let started = Instant::now();
        open = open_times(people, from, to, from, &rules).len();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    (times, open)
}

pub fn bench() -> anyhow::Result<Vec<Measurement>> {
    let from = DateTime::parse_from_rfc3339("2027-03-08T00:00:00Z")?.with_timezone(&Utc);
    let mut numbers = Numbers(0x1d7e_2027);
    let people: Vec<InterviewerWeek> = (0..INTERVIEWERS as i64)
        .map(|id| interviewer(id, from, &mut numbers))
        .collect();
    let (all, open) = timings(&people, from, RUNS);
    let (one, _) = timings(&people[..1], from, RUNS);
    let floor = percentile(&one, 50.0) * INTERVIEWERS as f64;
    let p95 = percentile(&all, 95.0);
    eprintln!("   {open} open start times over {DAYS} days for {INTERVIEWERS} interviewers");
    Ok(vec![
        measurement(
            "-",
            &format!("booking page: open times of a track with {INTERVIEWERS} interviewers in 5 zones over {DAYS} days (45-minute screens on a 15-minute grid), p95 of {RUNS}"),
            p95,
            "ms",
            "< 50 ms",
            p95 < 50.0,
            Some((floor, "one interviewer's median x 300")),
        ),
        measurement(
            "-",
            "  the same, median",
            percentile(&all, 50.0),
            "ms",
            "(reported)",
            true,
            None,
        ),
    ])
}
