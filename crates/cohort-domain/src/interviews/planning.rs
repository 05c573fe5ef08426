//! A week of final loops as the loop engine's input (`cohort plan loops`; the format is in
//! `docs/planning.md`): each track's loop as requirements, the candidates' days in their own
//! time zones, and each interviewer's free time, worked out from their working hours, time off,
//! calendar and the interviews they already have.
//!
//! Pure: the caller gathers the profiles, calendars and interviews, and chooses the days.

use super::availability::InterviewerWeek;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeMap;

/// The requirement a bar raiser's seat names, which only bar raisers meet.
pub const BAR_RAISER: &str = "bar raiser";

/// One seat of a track's loop: its length and what its interviewer must be qualified in (the
/// technical area and principles by name, or [`BAR_RAISER`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopSeat {
    pub minutes: u32,
    pub requires: Vec<String>,
}

/// A track's final loop as the engine schedules it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackLoop {
    pub track: String,
    pub max_gap_minutes: u32,
    pub seats: Vec<LoopSeat>,
}

/// A candidate waiting for a loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekCandidate {
    pub id: String,
    pub track: String,
    pub zone: Tz,
    /// Interviewers who must not meet this candidate (their phone screens, recorded conflicts).
    pub exclude: Vec<String>,
}

/// An interviewer as the week sees them.
#[derive(Debug, Clone)]
pub struct WeekInterviewer {
    pub id: String,
    pub week: InterviewerWeek,
    pub tracks: Vec<String>,
    /// Competencies they are qualified in, by name.
    pub qualified: Vec<String>,
    /// Competencies they are training in (shadowing or reverse shadowing), by name.
    pub shadowing: Vec<String>,
    pub bar_raiser: bool,
}

/// The local hours of a candidate's day in which loops are held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CandidateHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for CandidateHours {
    /// 08:00 to 18:00: a loop of four or five interviews fits with room either side.
    fn default() -> Self {
        CandidateHours {
            start: NaiveTime::from_hms_opt(8, 0, 0).expect("a valid time"),
            end: NaiveTime::from_hms_opt(18, 0, 0).expect("a valid time"),
        }
    }
}

/// What the week asks of the engine, besides the people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekRules {
    /// The dates loops may be held on, in each candidate's zone.
    pub days: Vec<NaiveDate>,
    pub grid_minutes: u32,
    pub candidate_hours: CandidateHours,
    /// Kept free around an interviewer's other interviews.
    pub buffer: Duration,
}

/// The engine's instance, which serialises to the JSON `cohort plan loops` reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekInstance {
    pub grid_minutes: u32,
    pub days: Vec<String>,
    pub templates: BTreeMap<String, TemplateInput>,
    pub candidates: Vec<CandidateInput>,
    pub interviewers: Vec<InterviewerInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateInput {
    pub max_gap_minutes: u32,
    pub interviews: Vec<SeatInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeatInput {
    pub minutes: u32,
    pub requires: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateInput {
    pub id: String,
    pub track: String,
    pub time_zone: String,
    pub available: Vec<Span>,
    pub exclude_interviewers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterviewerInput {
    pub id: String,
    pub tracks: Vec<String>,
    pub qualified: Vec<String>,
    pub shadowing: Vec<String>,
    pub daily_cap: u32,
    pub weekly_cap: u32,
    pub time_zone: String,
    pub available: Vec<Span>,
}

/// The week as the engine's instance. Interviewers are free inside their working hours on days
/// they are not off, outside their calendar's busy blocks and away from their other interviews
/// by the buffer; candidates on the week's days between the candidate hours of their zone.
pub fn week_instance(
    rules: &WeekRules,
    loops: &[TrackLoop],
    candidates: &[WeekCandidate],
    interviewers: &[WeekInterviewer],
) -> WeekInstance {
    let templates = loops
        .iter()
        .map(|l| {
            let template = TemplateInput {
                max_gap_minutes: l.max_gap_minutes,
                interviews: l
                    .seats
                    .iter()
                    .map(|s| SeatInput {
                        minutes: s.minutes,
                        requires: s.requires.clone(),
                    })
                    .collect(),
            };
            (l.track.clone(), template)
        })
        .collect();
    WeekInstance {
        grid_minutes: rules.grid_minutes,
        days: rules.days.iter().map(|d| d.to_string()).collect(),
        templates,
        candidates: candidates
            .iter()
            .map(|c| CandidateInput {
                id: c.id.clone(),
                track: c.track.clone(),
                time_zone: c.zone.name().to_owned(),
                available: candidate_days(c.zone, &rules.days, rules.candidate_hours)
                    .into_iter()
                    .map(span)
                    .collect(),
                exclude_interviewers: c.exclude.clone(),
            })
            .collect(),
        interviewers: interviewers
            .iter()
            .map(|i| {
                let mut qualified = i.qualified.clone();
                if i.bar_raiser {
                    qualified.push(BAR_RAISER.to_owned());
                }
                let (open_dates, weekly_left) =
                    room_left(&i.week, &around(&rules.days), &rules.days);
                InterviewerInput {
                    id: i.id.clone(),
                    tracks: i.tracks.clone(),
                    qualified,
                    shadowing: i.shadowing.clone(),
                    daily_cap: i.week.daily_cap,
                    weekly_cap: weekly_left,
                    time_zone: i.week.zone.name().to_owned(),
                    available: i
                        .week
                        .free_spans(&open_dates, rules.buffer)
                        .into_iter()
                        .map(span)
                        .collect(),
                }
            })
            .collect(),
    }
}

/// The week's days with one more on each side: an interviewer in another zone works on dates
/// that are not the candidates' (Sydney's Tuesday morning is Monday in Los Angeles).
fn around(days: &[NaiveDate]) -> Vec<NaiveDate> {
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        return Vec::new();
    };
    let mut dates: Vec<NaiveDate> = first
        .pred_opt()
        .unwrap_or(*first)
        .iter_days()
        .take_while(|d| *d <= last.succ_opt().unwrap_or(*last))
        .collect();
    dates.dedup();
    dates
}

/// What the interviews an interviewer already has leave of their caps: the dates of `dates`
/// not yet at their daily cap, and their weekly cap less the interviews in the ISO weeks of the
/// week's `days` (the engine knows only the week it plans). A date already partly booked keeps the
/// whole daily cap, which the engine may then exceed by those interviews; the weekly cap holds.
fn room_left(
    week: &InterviewerWeek,
    dates: &[NaiveDate],
    days: &[NaiveDate],
) -> (Vec<NaiveDate>, u32) {
    use chrono::Datelike;
    let local = |t: &DateTime<Utc>| t.with_timezone(&week.zone).date_naive();
    let weeks: Vec<_> = days.iter().map(|d| d.iso_week()).collect();
    let booked_in_weeks = week
        .interviews
        .iter()
        .filter(|(start, _)| weeks.contains(&local(start).iso_week()))
        .count() as u32;
    let open = dates
        .iter()
        .copied()
        .filter(|date| {
            let that_day = week
                .interviews
                .iter()
                .filter(|(start, _)| local(start) == *date)
                .count() as u32;
            that_day < week.daily_cap
        })
        .collect();
    (open, week.weekly_cap.saturating_sub(booked_in_weeks))
}

/// A candidate's hours on each of `days` in `zone`, as instants.
fn candidate_days(
    zone: Tz,
    days: &[NaiveDate],
    hours: CandidateHours,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    days.iter()
        .filter_map(|day| {
            // A local time skipped when clocks go forward has no instant: the day is left out
            // rather than guessed (no zone moves its clocks between 08:00 and 18:00).
            let at = |time: NaiveTime| {
                zone.from_local_datetime(&day.and_time(time))
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            };
            Some((at(hours.start)?, at(hours.end)?))
        })
        .filter(|(start, end)| start < end)
        .collect()
}

fn span((start, end): (DateTime<Utc>, DateTime<Utc>)) -> Span {
    let text = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    Span {
        start: text(start),
        end: text(end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interviews::profile::{Hours, TimeOff};

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn week(zone: Tz) -> InterviewerWeek {
        let day = Some(Hours {
            start: 9 * 60,
            end: 17 * 60,
        });
        InterviewerWeek {
            id: 7,
            zone,
            hours: [day, day, day, day, day, None, None],
            time_off: Vec::new(),
            busy: Vec::new(),
            interviews: Vec::new(),
            daily_cap: 3,
            weekly_cap: 8,
        }
    }

    fn rules(days: &[&str]) -> WeekRules {
        WeekRules {
            days: days.iter().map(|d| date(d)).collect(),
            grid_minutes: 15,
            candidate_hours: CandidateHours::default(),
            buffer: Duration::minutes(15),
        }
    }

    fn spans(list: &[Span]) -> Vec<(&str, &str)> {
        list.iter()
            .map(|s| (s.start.as_str(), s.end.as_str()))
            .collect()
    }

    #[test]
    fn an_interviewers_free_time_leaves_out_their_meetings_interviews_with_a_buffer_and_days_off() {
        let mut week = week(chrono_tz::Europe::Dublin);
        // Tuesday 16 March 2027 (Dublin is on UTC until 28 March): a meeting 11:00-12:00 and
        // an interview 14:00-14:45; Wednesday off; the weekend is not a working day.
        week.busy = vec![(utc("2027-03-16T11:00:00Z"), utc("2027-03-16T12:00:00Z"))];
        week.interviews = vec![(utc("2027-03-16T14:00:00Z"), utc("2027-03-16T14:45:00Z"))];
        week.time_off = vec![TimeOff {
            first: date("2027-03-17"),
            last: date("2027-03-17"),
        }];
        let person = WeekInterviewer {
            id: "i7".into(),
            week,
            tracks: vec!["Software Development".into()],
            qualified: vec!["Coding".into(), "Dive Deep".into()],
            shadowing: vec!["System design".into()],
            bar_raiser: true,
        };
        let instance = week_instance(&rules(&["2027-03-16", "2027-03-17"]), &[], &[], &[person]);
        let interviewer = &instance.interviewers[0];
        assert_eq!(
            spans(&interviewer.available),
            [
                // Monday 15 (the day before the week, for other zones' candidates).
                ("2027-03-15T09:00:00Z", "2027-03-15T17:00:00Z"),
                ("2027-03-16T09:00:00Z", "2027-03-16T11:00:00Z"),
                ("2027-03-16T12:00:00Z", "2027-03-16T13:45:00Z"),
                ("2027-03-16T15:00:00Z", "2027-03-16T17:00:00Z"),
                // Wednesday off; Thursday 18 is the day after the week.
                ("2027-03-18T09:00:00Z", "2027-03-18T17:00:00Z"),
            ]
        );
        assert_eq!(
            interviewer.qualified,
            ["Coding", "Dive Deep", BAR_RAISER],
            "a bar raiser meets the bar raiser's seat"
        );
        assert_eq!(interviewer.shadowing, ["System design"]);
        assert_eq!(interviewer.time_zone, "Europe/Dublin");
    }

    #[test]
    fn a_candidates_days_are_their_local_hours_across_a_change_of_the_clocks() {
        let candidate = WeekCandidate {
            id: "a12".into(),
            track: "Software Development".into(),
            zone: chrono_tz::America::Los_Angeles,
            exclude: vec!["i3".into()],
        };
        // Los Angeles moves its clocks forward on Sunday 14 March 2027.
        let instance = week_instance(
            &rules(&["2027-03-12", "2027-03-15"]),
            &[],
            &[candidate],
            &[],
        );
        let candidate = &instance.candidates[0];
        assert_eq!(
            spans(&candidate.available),
            [
                ("2027-03-12T16:00:00Z", "2027-03-13T02:00:00Z"),
                ("2027-03-15T15:00:00Z", "2027-03-16T01:00:00Z"),
            ]
        );
        assert_eq!(candidate.exclude_interviewers, ["i3"]);
        assert_eq!(instance.days, ["2027-03-12", "2027-03-15"]);
    }

    #[test]
    fn a_tracks_loop_becomes_a_template_with_its_seats_in_order() {
        let loops = [TrackLoop {
            track: "Data Science".into(),
            max_gap_minutes: 15,
            seats: vec![
                LoopSeat {
                    minutes: 60,
                    requires: vec!["Analytics".into(), "Dive Deep".into()],
                },
                LoopSeat {
                    minutes: 45,
                    requires: vec![BAR_RAISER.into()],
                },
            ],
        }];
        let instance = week_instance(&rules(&["2027-03-16"]), &loops, &[], &[]);
        let template = &instance.templates["Data Science"];
        assert_eq!(template.max_gap_minutes, 15);
        assert_eq!(
            template
                .interviews
                .iter()
                .map(|s| (s.minutes, s.requires.join("+")))
                .collect::<Vec<_>>(),
            [
                (60, "Analytics+Dive Deep".to_owned()),
                (45, BAR_RAISER.to_owned())
            ]
        );
    }

    #[test]
    fn the_loop_engine_reads_the_week_and_schedules_a_loop_its_checker_accepts() {
        let loops = [TrackLoop {
            track: "Software Development".into(),
            max_gap_minutes: 15,
            seats: vec![
                LoopSeat {
                    minutes: 60,
                    requires: vec!["Coding".into(), "Ownership".into()],
                },
                LoopSeat {
                    minutes: 45,
                    requires: vec![BAR_RAISER.into()],
                },
            ],
        }];
        let person = |id: &str, zone, qualified: &[&str], bar_raiser| WeekInterviewer {
            id: id.into(),
            week: week(zone),
            tracks: vec!["Software Development".into()],
            qualified: qualified.iter().map(|q| q.to_string()).collect(),
            shadowing: Vec::new(),
            bar_raiser,
        };
        let interviewers = [
            person(
                "i1",
                chrono_tz::America::New_York,
                &["coding", "ownership"],
                false,
            ),
            person("i2", chrono_tz::America::Chicago, &[], true),
        ];
        let candidate = WeekCandidate {
            id: "a1".into(),
            track: "Software Development".into(),
            zone: chrono_tz::America::Los_Angeles,
            exclude: Vec::new(),
        };
        let instance = week_instance(&rules(&["2027-03-16"]), &loops, &[candidate], &interviewers);
        let text = serde_json::to_string(&instance).unwrap();
        let read = cohort_plan::loops::Instance::from_json(&text).expect("the engine reads it");
        let outcome = cohort_plan::loops::solve::solve(
            &read,
            cohort_plan::loops::solve::Options::default(),
            None,
            &mut |_| false,
        )
        .unwrap();
        assert_eq!(outcome.schedule.loops.len(), 1, "{text}");
        assert!(cohort_plan::loops::check::check(&read, &outcome.schedule).is_empty());
        // The loop is inside everyone's hours: from 08:00 in Los Angeles (15:00 UTC in March
        // after the change) and before 17:00 in New York (21:00 UTC).
        let first = &outcome.schedule.loops[0].interviews[0];
        assert!(first.start.as_str() >= "2027-03-16T15:00:00Z", "{text}");
    }

    #[test]
    fn interviews_already_booked_count_against_the_caps() {
        let mut week = week(chrono_tz::Europe::Dublin);
        week.daily_cap = 2;
        week.weekly_cap = 5;
        // Two on Tuesday 16 March (the daily cap) and one on Thursday.
        week.interviews = vec![
            (utc("2027-03-16T09:00:00Z"), utc("2027-03-16T09:45:00Z")),
            (utc("2027-03-16T15:00:00Z"), utc("2027-03-16T15:45:00Z")),
            (utc("2027-03-18T09:00:00Z"), utc("2027-03-18T09:45:00Z")),
        ];
        let person = WeekInterviewer {
            id: "i1".into(),
            week,
            tracks: Vec::new(),
            qualified: Vec::new(),
            shadowing: Vec::new(),
            bar_raiser: false,
        };
        let instance = week_instance(&rules(&["2027-03-16", "2027-03-17"]), &[], &[], &[person]);
        let interviewer = &instance.interviewers[0];
        assert_eq!(
            interviewer.weekly_cap, 2,
            "five less the three booked that week"
        );
        assert!(
            interviewer
                .available
                .iter()
                .all(|s| !s.start.starts_with("2027-03-16")),
            "Tuesday is full: {:?}",
            interviewer.available
        );
        assert!(interviewer
            .available
            .iter()
            .any(|s| s.start.starts_with("2027-03-17")));
    }
}
