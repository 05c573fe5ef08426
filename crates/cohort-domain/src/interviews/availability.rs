//! When a phone screen can start: the times at which at least one qualified interviewer is free
//! for the whole interview inside their working hours, off their time off and calendar, with a
//! buffer around their other interviews and within their daily and weekly caps; and which of the
//! free interviewers takes a booking.
//!
//! Pure: the caller gathers each interviewer's week (from the profile, the calendar and the
//! interviews already booked) and passes `now`.

use super::profile::{Hours, TimeOff};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// What the availability of one interviewer depends on.
#[derive(Debug, Clone)]
pub struct InterviewerWeek {
    pub id: i64,
    pub zone: Tz,
    /// Monday first, in minutes after local midnight.
    pub hours: [Option<Hours>; 7],
    pub time_off: Vec<TimeOff>,
    /// Calendar busy blocks, sorted by start.
    pub busy: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Interviews already booked (phone screens and loops), sorted by start.
    pub interviews: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pub daily_cap: u32,
    pub weekly_cap: u32,
}

/// How the booking page asks.
#[derive(Debug, Clone, Copy)]
pub struct SlotRules {
    pub length: Duration,
    /// Start times are multiples of this after the hour.
    pub step: Duration,
    /// Kept free before and after each of an interviewer's interviews.
    pub buffer: Duration,
    /// The earliest start is this long after now, so an interviewer is not surprised.
    pub notice: Duration,
}

/// A start time and the interviewers free for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenTime {
    pub start: DateTime<Utc>,
    /// Interviewer ids, ascending.
    pub free: Vec<i64>,
}

impl InterviewerWeek {
    /// The local date and weekday of an instant for this interviewer.
    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    fn on_time_off(&self, date: NaiveDate) -> bool {
        self.time_off
            .iter()
            .any(|p| p.first <= date && date <= p.last)
    }

    /// Whether `[start, end)` lies inside the working hours of the local day it starts on.
    fn within_hours(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        let date = self.local_date(start);
        self.working_window(date)
            .is_some_and(|(open, close)| open <= start && end <= close)
    }

    /// The working hours of a local date as instants, if the interviewer works that day.
    fn working_window(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let weekday = date.weekday().num_days_from_monday() as usize;
        let hours = self.hours[weekday]?;
        let at = |minute: u32| {
            let time = date.and_hms_opt(0, 0, 0).expect("midnight exists")
                + Duration::minutes(i64::from(minute));
            // The earliest instant for a local time repeated when clocks go back; a time
            // skipped when they go forward has none, and that day's hours start later.
            self.zone
                .from_local_datetime(&time)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        };
        Some((at(hours.start)?, at(hours.end)?))
    }

    /// The free time on the local `dates`: each working window of a day that is not off, less
    /// the calendar's busy blocks and the interviews widened by `buffer`; sorted.
    pub fn free_spans(
        &self,
        dates: &[NaiveDate],
        buffer: Duration,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut taken: Vec<(DateTime<Utc>, DateTime<Utc>)> = self
            .busy
            .iter()
            .copied()
            .chain(
                self.interviews
                    .iter()
                    .map(|(s, e)| (*s - buffer, *e + buffer)),
            )
            .collect();
        taken.sort();
        let mut free = Vec::new();
        for date in dates {
            if self.on_time_off(*date) {
                continue;
            }
            let Some((open, close)) = self.working_window(*date) else {
                continue;
            };
            let mut from = open;
            for (start, end) in &taken {
                if *end <= from || *start >= close {
                    continue;
                }
                if *start > from {
                    free.push((from, *start));
                }
                from = from.max(*end);
                if from >= close {
                    break;
                }
            }
            if from < close {
                free.push((from, close));
            }
        }
        free
    }

    fn overlaps(
        list: &[(DateTime<Utc>, DateTime<Utc>)],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> bool {
        // Lists are short (a week's meetings); a scan is simpler than a search and as fast.
        list.iter().any(|(s, e)| *s < end && start < *e)
    }

    /// Whether the interviewer may take an interview `[start, start + rules.length)`.
    pub fn is_free(&self, start: DateTime<Utc>, rules: &SlotRules) -> bool {
        let end = start + rules.length;
        let date = self.local_date(start);
        if self.on_time_off(date) || !self.within_hours(start, end) {
            return false;
        }
        if Self::overlaps(&self.busy, start, end) {
            return false;
        }
        if Self::overlaps(&self.interviews, start - rules.buffer, end + rules.buffer) {
            return false;
        }
        let week = date.iso_week();
        let (mut that_day, mut that_week) = (0, 0);
        for (booked, _) in &self.interviews {
            let booked_date = self.local_date(*booked);
            if booked_date == date {
                that_day += 1;
            }
            if booked_date.iso_week() == week {
                that_week += 1;
            }
        }
        that_day < self.daily_cap && that_week < self.weekly_cap
    }
}

/// The first start on the step grid at or after `at`.
fn ceil_to_step(at: DateTime<Utc>, step: Duration) -> DateTime<Utc> {
    let step = step.num_seconds().max(60);
    let seconds = at.timestamp();
    let rounded = seconds + (step - seconds.rem_euclid(step)) % step;
    DateTime::from_timestamp(rounded, 0).unwrap_or(at)
}

/// One interviewer prepared for a run over a window: the working windows of their local days
/// as instants (time off left out), and their interviews counted per local day and ISO week.
/// [`open_times`] asks about every step of two weeks for hundreds of interviewers; converting
/// local times once per day instead of once per question is what keeps the page fast.
struct Prepared<'a> {
    week: &'a InterviewerWeek,
    /// Sorted; each with its local date.
    windows: Vec<(DateTime<Utc>, DateTime<Utc>, NaiveDate)>,
    /// The first window that may still hold a later start.
    next_window: usize,
    per_day: BTreeMap<NaiveDate, u32>,
    per_week: BTreeMap<chrono::IsoWeek, u32>,
}

impl<'a> Prepared<'a> {
    fn new(week: &'a InterviewerWeek, from: DateTime<Utc>, to: DateTime<Utc>) -> Prepared<'a> {
        let first = week.local_date(from).pred_opt().unwrap_or(NaiveDate::MIN);
        let last = week.local_date(to).succ_opt().unwrap_or(NaiveDate::MAX);
        let windows = first
            .iter_days()
            .take_while(|date| *date <= last)
            .filter(|date| !week.on_time_off(*date))
            .filter_map(|date| week.working_window(date).map(|(o, c)| (o, c, date)))
            .collect();
        let mut per_day = BTreeMap::new();
        let mut per_week = BTreeMap::new();
        for (booked, _) in &week.interviews {
            let date = week.local_date(*booked);
            *per_day.entry(date).or_insert(0) += 1;
            *per_week.entry(date.iso_week()).or_insert(0) += 1;
        }
        Prepared {
            week,
            windows,
            next_window: 0,
            per_day,
            per_week,
        }
    }

    /// The same answer as [`InterviewerWeek::is_free`], for starts asked in increasing order.
    fn is_free(&mut self, start: DateTime<Utc>, rules: &SlotRules) -> bool {
        let end = start + rules.length;
        // A window that ends before this slot ends cannot hold this or any later slot.
        while self
            .windows
            .get(self.next_window)
            .is_some_and(|(_, close, _)| *close < end)
        {
            self.next_window += 1;
        }
        let Some(&(open, close, date)) = self.windows.get(self.next_window) else {
            return false;
        };
        if start < open || close < end {
            return false;
        }
        let week = self.week;
        if InterviewerWeek::overlaps(&week.busy, start, end)
            || InterviewerWeek::overlaps(&week.interviews, start - rules.buffer, end + rules.buffer)
        {
            return false;
        }
        let that_day = self.per_day.get(&date).copied().unwrap_or(0);
        let that_week = self.per_week.get(&date.iso_week()).copied().unwrap_or(0);
        that_day < week.daily_cap && that_week < week.weekly_cap
    }
}

/// Every start in `[from, to)` on the step grid at which at least one interviewer is free.
pub fn open_times(
    interviewers: &[InterviewerWeek],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
    rules: &SlotRules,
) -> Vec<OpenTime> {
    let mut times = Vec::new();
    let mut prepared: Vec<Prepared> = interviewers
        .iter()
        .map(|i| Prepared::new(i, from, to))
        .collect();
    let mut start = ceil_to_step(from.max(now + rules.notice), rules.step);
    while start + rules.length <= to {
        let mut free: Vec<i64> = prepared
            .iter_mut()
            .filter_map(|p| p.is_free(start, rules).then_some(p.week.id))
            .collect();
        if !free.is_empty() {
            free.sort_unstable();
            times.push(OpenTime { start, free });
        }
        start += rules.step;
    }
    times
}

/// Which of the free interviewers takes a booking: the one with the fewest interviews in the
/// week of the start (in their zone), and on a tie the one whose last assignment is oldest
/// (round robin), then the lowest id.
pub fn choose_interviewer(
    free: &[&InterviewerWeek],
    start: DateTime<Utc>,
    last_assigned: &BTreeMap<i64, DateTime<Utc>>,
) -> Option<i64> {
    free.iter()
        .min_by_key(|i| {
            let week = i.local_date(start).iso_week();
            let load = i
                .interviews
                .iter()
                .filter(|(s, _)| i.local_date(*s).iso_week() == week)
                .count();
            let last = last_assigned
                .get(&i.id)
                .map_or(i64::MIN, DateTime::timestamp);
            (load, last, i.id)
        })
        .map(|i| i.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn nine_to_five(id: i64, zone: Tz) -> InterviewerWeek {
        let day = Some(Hours {
            start: 9 * 60,
            end: 17 * 60,
        });
        InterviewerWeek {
            id,
            zone,
            hours: [day, day, day, day, day, None, None],
            time_off: Vec::new(),
            busy: Vec::new(),
            interviews: Vec::new(),
            daily_cap: 3,
            weekly_cap: 8,
        }
    }

    fn rules() -> SlotRules {
        SlotRules {
            length: Duration::minutes(45),
            step: Duration::minutes(15),
            buffer: Duration::minutes(15),
            notice: Duration::hours(12),
        }
    }

    #[test]
    fn times_fall_inside_working_hours_in_the_interviewers_zone() {
        // Monday 5 July 2027; Seattle is UTC-7 in summer.
        let seattle = nine_to_five(1, chrono_tz::America::Los_Angeles);
        let times = open_times(
            &[seattle],
            utc("2027-07-05T00:00:00Z"),
            utc("2027-07-06T00:00:00Z"),
            utc("2027-07-01T00:00:00Z"),
            &rules(),
        );
        assert_eq!(times.first().unwrap().start, utc("2027-07-05T16:00:00Z"));
        // The last start leaves 45 minutes before 17:00 local (00:00 UTC).
        assert_eq!(times.last().unwrap().start, utc("2027-07-05T23:15:00Z"));
        assert_eq!(times.len(), 30);
    }

    #[test]
    fn india_and_sydney_have_their_own_days_and_half_hour_offsets() {
        let kolkata = nine_to_five(1, chrono_tz::Asia::Kolkata);
        let sydney = nine_to_five(2, chrono_tz::Australia::Sydney);
        let times = open_times(
            &[kolkata, sydney],
            utc("2027-07-04T12:00:00Z"),
            utc("2027-07-05T12:00:00Z"),
            utc("2027-07-01T00:00:00Z"),
            &rules(),
        );
        // Sydney's Monday starts at 23:00 UTC on Sunday; Kolkata's at 03:30 UTC on Monday.
        assert_eq!(times.first().unwrap().start, utc("2027-07-04T23:00:00Z"));
        assert_eq!(times.first().unwrap().free, vec![2]);
        let kolkata_first = times.iter().find(|t| t.free.contains(&1)).unwrap();
        assert_eq!(kolkata_first.start, utc("2027-07-05T03:30:00Z"));
        // Both are free while their days overlap (03:30 to 07:00 UTC).
        assert!(times
            .iter()
            .any(|t| t.free == vec![1, 2] && t.start == utc("2027-07-05T04:00:00Z")));
    }

    #[test]
    fn working_hours_follow_daylight_saving_in_dublin_and_los_angeles() {
        // Los Angeles moves to summer time on Sunday 14 March 2027, Dublin on 28 March.
        let la = nine_to_five(1, chrono_tz::America::Los_Angeles);
        let before = open_times(
            std::slice::from_ref(&la),
            utc("2027-03-12T12:00:00Z"),
            utc("2027-03-13T00:00:00Z"),
            utc("2027-03-01T00:00:00Z"),
            &rules(),
        );
        let after = open_times(
            &[la],
            utc("2027-03-15T12:00:00Z"),
            utc("2027-03-16T00:00:00Z"),
            utc("2027-03-01T00:00:00Z"),
            &rules(),
        );
        assert_eq!(before[0].start, utc("2027-03-12T17:00:00Z"));
        assert_eq!(after[0].start, utc("2027-03-15T16:00:00Z"));
        let dublin = nine_to_five(2, chrono_tz::Europe::Dublin);
        let friday = open_times(
            std::slice::from_ref(&dublin),
            utc("2027-03-26T00:00:00Z"),
            utc("2027-03-27T00:00:00Z"),
            utc("2027-03-01T00:00:00Z"),
            &rules(),
        );
        let monday = open_times(
            &[dublin],
            utc("2027-03-29T00:00:00Z"),
            utc("2027-03-30T00:00:00Z"),
            utc("2027-03-01T00:00:00Z"),
            &rules(),
        );
        assert_eq!(friday[0].start, utc("2027-03-26T09:00:00Z"));
        assert_eq!(monday[0].start, utc("2027-03-29T08:00:00Z"));
    }

    #[test]
    fn busy_blocks_time_off_buffers_notice_and_caps_close_times() {
        let mut person = nine_to_five(1, chrono_tz::UTC);
        let rules = rules();
        let monday = |time: &str| utc(&format!("2027-07-05T{time}:00Z"));
        assert!(person.is_free(monday("09:00"), &rules));
        person.busy.push((monday("10:00"), monday("11:00")));
        assert!(
            !person.is_free(monday("09:30"), &rules),
            "ends inside a meeting"
        );
        assert!(person.is_free(monday("09:15"), &rules), "ends as it starts");
        person.interviews.push((monday("13:00"), monday("13:45")));
        assert!(!person.is_free(monday("12:15"), &rules), "no buffer before");
        assert!(
            person.is_free(monday("12:00"), &rules),
            "a buffer's gap before"
        );
        assert!(!person.is_free(monday("13:45"), &rules), "no buffer after");
        assert!(person.is_free(monday("14:00"), &rules));
        person.interviews.push((monday("15:00"), monday("15:45")));
        // An early call outside the hours still counts towards the day's cap.
        person.interviews.push((monday("07:00"), monday("07:45")));
        assert!(
            !person.is_free(monday("16:00"), &rules),
            "three that day already"
        );
        person.time_off.push(TimeOff {
            first: NaiveDate::from_ymd_opt(2027, 7, 6).unwrap(),
            last: NaiveDate::from_ymd_opt(2027, 7, 6).unwrap(),
        });
        assert!(!person.is_free(utc("2027-07-06T10:00:00Z"), &rules));
        let times = open_times(
            &[nine_to_five(2, chrono_tz::UTC)],
            monday("00:00"),
            monday("23:59"),
            monday("08:00"),
            &rules,
        );
        // Asked at 08:00 with twelve hours' notice: nothing is left on Monday.
        assert!(times.is_empty(), "{times:?}");
    }

    #[test]
    fn the_weekly_cap_counts_the_interviewers_own_week() {
        let mut person = nine_to_five(1, chrono_tz::UTC);
        person.weekly_cap = 2;
        person
            .interviews
            .push((utc("2027-07-05T09:00:00Z"), utc("2027-07-05T09:45:00Z")));
        person
            .interviews
            .push((utc("2027-07-06T09:00:00Z"), utc("2027-07-06T09:45:00Z")));
        assert!(!person.is_free(utc("2027-07-07T09:00:00Z"), &rules()));
        assert!(
            person.is_free(utc("2027-07-12T09:00:00Z"), &rules()),
            "a new week"
        );
    }

    #[test]
    fn open_times_agree_with_asking_each_interviewer_about_each_start() {
        // A small generator, so the test needs no crate for randomness.
        let mut seed = 0x2027_u64;
        let mut below = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let zones = [
            chrono_tz::America::Los_Angeles,
            chrono_tz::Europe::Dublin,
            chrono_tz::Asia::Kolkata,
            chrono_tz::Australia::Sydney,
        ];
        let from = utc("2027-03-10T00:00:00Z");
        let to = from + Duration::days(21);
        let mut people = Vec::new();
        for id in 0..12 {
            let mut person = nine_to_five(id, zones[id as usize % zones.len()]);
            person.daily_cap = 1 + below(3) as u32;
            person.weekly_cap = person.daily_cap + below(4) as u32;
            for _ in 0..10 {
                let at = from + Duration::minutes(15 * below(21 * 96) as i64);
                person.busy.push((at, at + Duration::minutes(30)));
                let booked = from + Duration::minutes(15 * below(21 * 96) as i64);
                person
                    .interviews
                    .push((booked, booked + Duration::minutes(45)));
            }
            person.busy.sort();
            person.interviews.sort();
            let off = NaiveDate::from_ymd_opt(2027, 3, 15 + below(10) as u32).unwrap();
            person.time_off.push(TimeOff {
                first: off,
                last: off,
            });
            people.push(person);
        }
        let rules = rules();
        let fast = open_times(&people, from, to, from, &rules);
        let mut slow = Vec::new();
        let mut start = ceil_to_step(from + rules.notice, rules.step);
        while start + rules.length <= to {
            let free: Vec<i64> = people
                .iter()
                .filter(|p| p.is_free(start, &rules))
                .map(|p| p.id)
                .collect();
            if !free.is_empty() {
                slow.push(OpenTime { start, free });
            }
            start += rules.step;
        }
        assert!(
            slow.len() > 100,
            "the instance has open times: {}",
            slow.len()
        );
        assert_eq!(fast, slow);
    }

    #[test]
    fn the_least_loaded_interviewer_takes_a_booking_and_ties_go_round() {
        let start = utc("2027-07-07T10:00:00Z");
        let mut busy = nine_to_five(1, chrono_tz::UTC);
        busy.interviews
            .push((utc("2027-07-05T09:00:00Z"), utc("2027-07-05T09:45:00Z")));
        let idle_a = nine_to_five(2, chrono_tz::UTC);
        let idle_b = nine_to_five(3, chrono_tz::UTC);
        let mut last = BTreeMap::new();
        assert_eq!(
            choose_interviewer(&[&busy, &idle_a, &idle_b], start, &last),
            Some(2)
        );
        last.insert(2, utc("2027-07-01T00:00:00Z"));
        assert_eq!(
            choose_interviewer(&[&busy, &idle_a, &idle_b], start, &last),
            Some(3),
            "the one never chosen goes first"
        );
        assert_eq!(choose_interviewer(&[], start, &last), None);
    }
}
