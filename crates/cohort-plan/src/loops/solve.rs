//! The loop scheduler: a greedy construction, repair passes that free room for candidates left
//! out, and an upper bound on the weighted number of candidates any schedule can place.
//!
//! Construction takes candidates by priority, then most constrained first (fewest eligible
//! interviewers for their scarcest interview), and gives each the earliest loop that fits: days in
//! order, starts on the grid in order, the template's interviews in a few orders, the waits the
//! template allows, and for each interview a free, qualified interviewer, least loaded first, with
//! backtracking when a later interview finds nobody. Repair then takes each candidate left out
//! and tries to place it after removing one loop in its way, putting the removed candidate back
//! elsewhere; a repair is kept only when the weighted count rises. Nothing reads the clock: the
//! caller's `stop` says when to give up improving.
//!
//! Days are the candidate's dates, in the candidate's time zone, and daily caps count by each
//! interviewer's own dates (see the parent module); each candidate's days are worked out once, as
//! spans of minutes, and a loop's interviews all start inside one of them.
//!
//! The bound ([`bound`]) is the smallest of several arguments, each an upper bound on its own:
//! the candidates who can be placed at all in an empty week; and, per requirement (such as "bar
//! raiser") and for all interviews together, a fractional knapsack over the most interviews the
//! qualified interviewers can give in the week, counted once from their calendars and caps alone
//! and once by a max-flow relaxation that matches interviews to interviewers free at the
//! candidates' times (`relax.rs`).

use super::{
    ceil_to_grid, day_span, instant_text, local_date, Instance, Interval, Interview, Loop,
    Schedule, Unscheduled,
};
use chrono::NaiveDate;
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// Settings that make a run what it is.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Seeds the extra template orders tried; the same seed gives the same schedule.
    pub seed: u64,
    /// Template orders tried per start at most (the template's own order first).
    pub orders: usize,
    /// Random neighbourhoods the improvement may try at most. The caller's `stop` (a clock)
    /// ends a run wherever the machine got to; this budget ends it at the same point on any
    /// machine, so that the same seed gives the same schedule.
    pub neighbourhoods: Option<u64>,
    /// Random searches run side by side, each on its own thread (one per core is the useful
    /// most); with one, the search runs on the caller's thread.
    pub searches: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            seed: 1,
            orders: 24,
            neighbourhoods: None,
            searches: 2,
        }
    }
}

/// An upper bound on the weighted number of candidates scheduled, and the argument giving it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bound {
    pub value: i64,
    pub argument: String,
}

/// The scheduler's result.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub schedule: Schedule,
    /// Weighted number of candidates scheduled (the first objective).
    pub value: i64,
    pub bound: Bound,
    /// Loop placements examined.
    pub iterations: u64,
    /// Random neighbourhoods tried in the improvement.
    pub neighbourhoods: u64,
}

impl Outcome {
    /// Proven optimal on the first objective: nothing can schedule more.
    pub fn optimal(&self) -> bool {
        self.value >= self.bound.value
    }
}

/// How far a run has got, as [`solve`] tells its caller between steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Weighted number of candidates scheduled so far.
    pub scheduled: i64,
    /// The upper bound, known from the end of construction on.
    pub bound: i64,
}

/// A schedule given with `--keep` does not fit the instance.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the kept schedule breaks the rules: {0}")]
pub struct KeepError(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placed {
    slot: usize,
    span: Interval,
    interviewer: usize,
}

/// Every interviewer's seats so far.
#[derive(Clone)]
struct Calendar {
    seats: Vec<Vec<Interval>>,
    /// Seats per date in the interviewer's own time zone, which their daily cap counts by:
    /// (day number, seats) pairs, a handful per interviewer, so a scan beats hashing.
    per_day: Vec<Vec<(i64, u32)>>,
    dates: Vec<LocalDates>,
}

/// Where each of an interviewer's local dates begins, around the instance's days, so that the
/// date of a seat is a binary search rather than a time-zone conversion (the search asks this
/// for every interviewer it considers at every timing).
#[derive(Clone)]
struct LocalDates {
    zone: Tz,
    /// The UTC minute at which each local date begins, in order; empty in UTC.
    midnights: Vec<i64>,
    /// The day number of the date `midnights[0]` begins.
    first: i64,
}

impl LocalDates {
    fn new(zone: Tz, days: &[NaiveDate]) -> LocalDates {
        if zone == Tz::UTC || days.is_empty() {
            return LocalDates {
                zone,
                midnights: Vec::new(),
                first: 0,
            };
        }
        // Two dates either side of the instance's days cover every seat's date whatever the
        // offset; a seat outside them is still answered, by the slow path.
        let low = days.iter().min().copied().unwrap_or_default() - chrono::Days::new(2);
        let high = days.iter().max().copied().unwrap_or_default() + chrono::Days::new(3);
        let midnights = low
            .iter_days()
            .take_while(|date| *date <= high)
            .map(|date| day_span(zone, date).start)
            .collect();
        LocalDates {
            zone,
            midnights,
            first: day_number(low),
        }
    }

    /// The day number of the interviewer's date at minute `start`.
    fn of(&self, start: i64) -> i64 {
        if self.zone == Tz::UTC {
            return start.div_euclid(24 * 60) + UNIX_EPOCH_DAY;
        }
        match (self.midnights.first(), self.midnights.last()) {
            (Some(&first), Some(&last)) if start >= first && start < last => {
                self.first + self.midnights.partition_point(|&m| m <= start) as i64 - 1
            }
            _ => day_number(local_date(start, self.zone)),
        }
    }
}

/// The day number (days since the first of January of year 1) of 1970-01-01.
const UNIX_EPOCH_DAY: i64 = 719_162;

fn day_number(date: NaiveDate) -> i64 {
    i64::from(chrono::Datelike::num_days_from_ce(&date)) - 1
}

impl Calendar {
    fn new(instance: &Instance) -> Calendar {
        let interviewers = instance.interviewers.len();
        Calendar {
            seats: vec![Vec::new(); interviewers],
            per_day: vec![Vec::new(); interviewers],
            dates: instance
                .interviewers
                .iter()
                .map(|i| LocalDates::new(i.time_zone, &instance.days))
                .collect(),
        }
    }

    /// The day number of the interviewer's date of a seat starting at `start`.
    fn date_of(&self, who: usize, start: i64) -> i64 {
        self.dates[who].of(start)
    }

    fn seats_on(&self, who: usize, date: i64) -> u32 {
        self.per_day[who]
            .iter()
            .find(|(d, _)| *d == date)
            .map_or(0, |(_, count)| *count)
    }

    /// Whether the interviewer has room under `cap` on some date of theirs on which a seat
    /// starting within `starts` could fall.
    fn room_within(&self, who: usize, cap: u32, starts: Interval) -> bool {
        if starts.end <= starts.start {
            return false;
        }
        let last = self.date_of(who, starts.end - 1);
        let first = self.date_of(who, starts.start);
        (first..=last).any(|date| self.seats_on(who, date) < cap)
    }

    fn can_take(&self, instance: &Instance, who: usize, span: Interval) -> bool {
        let person = &instance.interviewers[who];
        if person
            .weekly_cap
            .is_some_and(|cap| self.seats[who].len() as u32 >= cap)
        {
            return false;
        }
        if person
            .daily_cap
            .is_some_and(|cap| self.seats_on(who, self.date_of(who, span.start)) >= cap)
        {
            return false;
        }
        person.available_for(span) && !self.seats[who].iter().any(|seat| seat.overlaps(span))
    }

    fn take(&mut self, loop_: &[Placed]) {
        for placed in loop_ {
            self.seats[placed.interviewer].push(placed.span);
            let date = self.date_of(placed.interviewer, placed.span.start);
            let days = &mut self.per_day[placed.interviewer];
            match days.iter_mut().find(|(d, _)| *d == date) {
                Some((_, count)) => *count += 1,
                None => days.push((date, 1)),
            }
        }
    }

    fn release(&mut self, loop_: &[Placed]) {
        for placed in loop_ {
            let seats = &mut self.seats[placed.interviewer];
            if let Some(at) = seats.iter().position(|s| *s == placed.span) {
                seats.swap_remove(at);
                let date = self.date_of(placed.interviewer, placed.span.start);
                if let Some((_, count)) = self.per_day[placed.interviewer]
                    .iter_mut()
                    .find(|(d, _)| *d == date)
                {
                    *count -= 1;
                }
            }
        }
    }
}

/// For each template and slot, the interviewers who serve the track and are qualified for it.
fn qualified_by_slot(instance: &Instance) -> Vec<Vec<Vec<usize>>> {
    instance
        .templates
        .iter()
        .enumerate()
        .map(|(t, template)| {
            template
                .interviews
                .iter()
                .map(|slot| {
                    (0..instance.interviewers.len())
                        .filter(|&who| {
                            let interviewer = &instance.interviewers[who];
                            interviewer.serves(t) && interviewer.qualified_for(slot)
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Every order of `count` interviews (the template's own first), when there are at most
/// `limit` of them.
fn every_order(count: usize, limit: usize) -> Option<Vec<Vec<usize>>> {
    let total: usize = (1..=count).try_fold(1_usize, |product, k| product.checked_mul(k))?;
    if total > limit {
        return None;
    }
    // Lexicographic successors from the identity, which is the template's own order.
    let mut order: Vec<usize> = (0..count).collect();
    let mut out = vec![order.clone()];
    loop {
        let Some(pivot) = (1..count).rev().find(|&k| order[k - 1] < order[k]) else {
            return Some(out);
        };
        let swap = (pivot..count)
            .rev()
            .find(|&k| order[k] > order[pivot - 1])
            .expect("the pivot has a larger element after it");
        order.swap(pivot - 1, swap);
        order[pivot..].reverse();
        out.push(order.clone());
    }
}

/// A few orders of a template's `count` interviews: its own order, rotations, reversed
/// rotations, then seeded shuffles, up to `limit`; and when every order fits within `limit`,
/// then also every order the shuffles missed.
fn orders(count: usize, limit: usize, seed: u64) -> Vec<Vec<usize>> {
    let limit = limit.max(1);
    let mut out: Vec<Vec<usize>> = Vec::new();
    let push = |order: Vec<usize>, out: &mut Vec<Vec<usize>>| {
        if out.len() < limit && !out.contains(&order) {
            out.push(order);
        }
    };
    for shift in 0..count {
        push((0..count).map(|i| (i + shift) % count).collect(), &mut out);
    }
    for shift in 0..count {
        push(
            (0..count).rev().map(|i| (i + shift) % count).collect(),
            &mut out,
        );
    }
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for _ in 0..limit * 4 {
        let mut order: Vec<usize> = (0..count).collect();
        for k in (1..count).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(k, (state % (k as u64 + 1)) as usize);
        }
        push(order, &mut out);
    }
    for order in every_order(count, limit).unwrap_or_default() {
        push(order, &mut out);
    }
    out
}

struct Planner<'a> {
    instance: &'a Instance,
    eligible: Vec<Vec<Vec<usize>>>,
    /// For each candidate, the minutes of each of the instance's days in their time zone: a
    /// loop on that day starts all its interviews inside.
    day_spans: Vec<Vec<Interval>>,
    orders: Vec<Vec<Vec<usize>>>,
    /// For each interviewer, how many kinds of interview (template slots) they could take.
    versatility: Vec<usize>,
    iterations: u64,
    /// Search nodes the current exact re-solve may still visit.
    nodes_left: u64,
    /// Whether the last [`Planner::loops`] looked at every timing (so finding nothing proves
    /// there is nothing) rather than stopping at its budget or trying only some orders.
    last_search_complete: bool,
    /// Per template: whether `orders` holds every order of its interviews.
    every_order_tried: Vec<bool>,
    /// Timings all searches together may still look at (unlimited outside a neighbourhood's
    /// re-solve, which shares [`TIMINGS_PER_NEIGHBOURHOOD`] among its searches).
    shared_timings: u64,
    /// Staffings of one timing [`Planner::loops`] takes at most (unlimited but in the random
    /// neighbourhoods, which take turns through [`STAFFINGS_PER_TIMING`]).
    staffings_per_timing: usize,
    /// [`Planner::staff`]'s per-interview lists of who is free, kept to save allocating them.
    staffing_buffer: Vec<Vec<usize>>,
    /// The sort keys behind one of those lists.
    sort_keys: Vec<u64>,
    /// When set, [`Planner::timings`] collects each complete timing here instead of staffing
    /// it: re-staffing ([`Week::restaff`]) staffs them itself.
    collected: Option<Vec<Timing>>,
    /// Per candidate, the timings of their loop whoever is free, kept once worked out (they
    /// depend on the instance alone), up to [`TIMINGS_KEPT`] timings in all.
    timings_by_candidate: HashMap<usize, Vec<Timing>>,
    /// How many timings `timings_by_candidate` holds.
    timings_kept: usize,
}

/// A loop's times before anyone staffs it: which of the template's orders, and each
/// interview's span in that order.
struct Timing {
    order: usize,
    spans: Vec<Interval>,
}

impl<'a> Planner<'a> {
    fn new(instance: &'a Instance, options: Options) -> Planner<'a> {
        Planner {
            instance,
            // Worked out per template once, then per candidate only the exclusions removed:
            // re-slotting one candidate builds this for every candidate.
            eligible: {
                let by_slot = qualified_by_slot(instance);
                instance
                    .candidates
                    .iter()
                    .map(|person| {
                        by_slot[person.template]
                            .iter()
                            .map(|list| {
                                list.iter()
                                    .copied()
                                    .filter(|who| !person.excluded.contains(who))
                                    .collect()
                            })
                            .collect()
                    })
                    .collect()
            },
            day_spans: instance
                .candidates
                .iter()
                .map(|person| {
                    instance
                        .days
                        .iter()
                        .map(|&day| day_span(person.time_zone, day))
                        .collect()
                })
                .collect(),
            orders: instance
                .templates
                .iter()
                .map(|t| orders(t.interviews.len(), options.orders, options.seed))
                .collect(),
            versatility: (0..instance.interviewers.len())
                .map(|who| {
                    let person = &instance.interviewers[who];
                    instance
                        .templates
                        .iter()
                        .enumerate()
                        .filter(|(t, _)| person.serves(*t))
                        .flat_map(|(_, template)| template.interviews.iter())
                        .filter(|slot| person.qualified_for(slot))
                        .count()
                })
                .collect(),
            iterations: 0,
            nodes_left: 0,
            last_search_complete: true,
            every_order_tried: instance
                .templates
                .iter()
                .map(|t| every_order(t.interviews.len(), options.orders.max(1)).is_some())
                .collect(),
            shared_timings: u64::MAX,
            staffings_per_timing: usize::MAX,
            staffing_buffer: Vec::new(),
            sort_keys: Vec::new(),
            collected: None,
            timings_by_candidate: HashMap::new(),
            timings_kept: 0,
        }
    }

    /// What decides `candidate`'s searches besides the calendar: their template, their day
    /// spans and available times, and who is eligible for each interview. Two candidates with
    /// one signature get the same answer from the same calendar.
    fn signature(&self, candidate: usize) -> Vec<i64> {
        let person = &self.instance.candidates[candidate];
        let mut key = vec![person.template as i64, person.available.len() as i64];
        key.extend(person.available.iter().flat_map(|w| [w.start, w.end]));
        key.extend(
            self.day_spans[candidate]
                .iter()
                .flat_map(|d| [d.start, d.end]),
        );
        for eligible in &self.eligible[candidate] {
            key.push(-(eligible.len() as i64) - 1);
            key.extend(eligible.iter().map(|&who| who as i64));
        }
        key
    }

    /// The earliest loop for `candidate` that fits `calendar`, if any.
    fn earliest(&mut self, calendar: &Calendar, candidate: usize) -> Option<Vec<Placed>> {
        self.loops(calendar, candidate, 1).pop()
    }

    /// Up to `limit` loops for `candidate` that fit `calendar`, earliest first. Looks at no more
    /// than [`TIMINGS_PER_SEARCH`] timings (start, order and waits), so that a candidate who
    /// fits nowhere costs a bounded search.
    fn loops(&mut self, calendar: &Calendar, candidate: usize, limit: usize) -> Vec<Vec<Placed>> {
        let instance = self.instance;
        let person = &instance.candidates[candidate];
        let template = &instance.templates[person.template];
        let shortest: i64 = template.interviews.iter().map(|s| s.minutes).sum();
        let mut found: Vec<Vec<Placed>> = Vec::new();
        // Once the scarce interviewers' weeks are full, most candidates fail here, at once.
        if !self.has_capacity(calendar, candidate) {
            self.last_search_complete = true;
            return found;
        }
        let mut timings_left = TIMINGS_PER_SEARCH.min(self.shared_timings);
        let budget = timings_left;
        for d in 0..instance.days.len() {
            // Copied out of the planner, which the search below borrows mutably.
            let day = self.day_spans[candidate][d];
            for window in &person.available {
                if !self.window_viable(calendar, candidate, day, *window) {
                    continue;
                }
                let mut start = ceil_to_grid(window.start.max(day.start), instance.grid);
                while start < day.end && start + shortest <= window.end {
                    for index in 0..self.orders[person.template].len() {
                        let mut spans = Vec::with_capacity(template.interviews.len());
                        self.timings(
                            calendar,
                            candidate,
                            (*window, day.end),
                            index,
                            (start, start),
                            &mut spans,
                            &mut found,
                            limit,
                            &mut timings_left,
                        );
                        if found.len() >= limit || timings_left == 0 {
                            self.last_search_complete = found.len() >= limit;
                            self.shared_timings -= budget - timings_left;
                            return found;
                        }
                    }
                    start += instance.grid;
                }
            }
        }
        // Finding nothing proves there is nothing only if every order was tried.
        self.last_search_complete = self.every_order_tried[person.template];
        self.shared_timings -= budget - timings_left;
        found
    }

    /// A quick necessary condition for a loop in `window` on `day` (the candidate's day, as
    /// minutes): every interview has an eligible interviewer with room under the weekly cap, and
    /// under the daily cap on a date of theirs that the loop's starts can fall on, whose
    /// availability overlaps the window by the interview's length. Saves enumerating the
    /// window's starts when not.
    fn window_viable(
        &self,
        calendar: &Calendar,
        candidate: usize,
        day: Interval,
        window: Interval,
    ) -> bool {
        let instance = self.instance;
        let starts = Interval {
            start: window.start.max(day.start),
            end: window.end.min(day.end),
        };
        let template = &instance.templates[instance.candidates[candidate].template];
        template
            .interviews
            .iter()
            .enumerate()
            .all(|(slot, interview)| {
                self.eligible[candidate][slot].iter().any(|&who| {
                    let person = &instance.interviewers[who];
                    person
                        .weekly_cap
                        .is_none_or(|cap| (calendar.seats[who].len() as u32) < cap)
                        && person
                            .daily_cap
                            .is_none_or(|cap| calendar.room_within(who, cap, starts))
                        && person.available.iter().any(|a| {
                            a.end.min(window.end) - a.start.max(window.start) >= interview.minutes
                        })
                })
            })
    }

    /// Whether every interview of the candidate's template still has an eligible interviewer
    /// with room under their weekly cap and under their daily cap on a date of theirs that an
    /// interview in one of the candidate's windows, on one of the candidate's days, can start on.
    fn has_capacity(&self, calendar: &Calendar, candidate: usize) -> bool {
        let instance = self.instance;
        let person = &instance.candidates[candidate];
        self.eligible[candidate].iter().all(|interviewers| {
            interviewers.iter().any(|&who| {
                let interviewer = &instance.interviewers[who];
                let week_room = interviewer
                    .weekly_cap
                    .is_none_or(|cap| (calendar.seats[who].len() as u32) < cap);
                week_room
                    && interviewer.daily_cap.is_none_or(|cap| {
                        person.available.iter().any(|window| {
                            self.day_spans[candidate].iter().any(|day| {
                                let starts = Interval {
                                    start: window.start.max(day.start),
                                    end: window.end.min(day.end),
                                };
                                calendar.room_within(who, cap, starts)
                            })
                        })
                    })
            })
        })
    }

    /// Chooses each interview's start in turn (the next one within `starts`, inclusive), then
    /// hands each complete timing to [`Planner::staff`].
    #[allow(clippy::too_many_arguments)]
    fn timings(
        &mut self,
        calendar: &Calendar,
        candidate: usize,
        (window, day_end): (Interval, i64),
        order_index: usize,
        starts: (i64, i64),
        spans: &mut Vec<Interval>,
        found: &mut Vec<Vec<Placed>>,
        limit: usize,
        timings_left: &mut u64,
    ) {
        let instance = self.instance;
        let template_index = instance.candidates[candidate].template;
        let template = &instance.templates[template_index];
        let order = &self.orders[template_index][order_index];
        if spans.len() == order.len() {
            *timings_left = timings_left.saturating_sub(1);
            self.iterations += 1;
            if let Some(collected) = &mut self.collected {
                collected.push(Timing {
                    order: order_index,
                    spans: spans.clone(),
                });
                return;
            }
            self.staff(calendar, candidate, order_index, spans, found, limit);
            return;
        }
        let minutes = template.interviews[order[spans.len()]].minutes;
        let mut begin = starts.0;
        while begin <= starts.1 && found.len() < limit && *timings_left > 0 {
            let span = Interval {
                start: begin,
                end: begin + minutes,
            };
            // Every interview of a loop starts on the loop's day and inside the window.
            if span.end > window.end || span.start >= day_end {
                return;
            }
            spans.push(span);
            let next = (
                ceil_to_grid(span.end, instance.grid),
                span.end + template.max_gap,
            );
            self.timings(
                calendar,
                candidate,
                (window, day_end),
                order_index,
                next,
                spans,
                found,
                limit,
                timings_left,
            );
            spans.pop();
            begin += instance.grid;
        }
    }

    /// Finds interviewers for a timing: for each interview in turn a free, eligible one, never
    /// one who would leave a later interview without anybody (checked by bipartite matching), so
    /// the search never dead-ends. Adds up to `limit` staffed loops to `found`.
    fn staff(
        &mut self,
        calendar: &Calendar,
        candidate: usize,
        order_index: usize,
        spans: &[Interval],
        found: &mut Vec<Vec<Placed>>,
        limit: usize,
    ) {
        let instance = self.instance;
        let order = &self.orders[instance.candidates[candidate].template][order_index];
        // Who could take each interview at its time. The least versatile first keeps the scarce
        // interviewers (the one coding interviewer who is also a bar raiser) for where only they
        // will do; then the least loaded, which spreads the week's load (the third objective).
        // The lists live in a buffer kept between calls: this runs for every timing searched.
        let mut options = std::mem::take(&mut self.staffing_buffer);
        let mut keys = std::mem::take(&mut self.sort_keys);
        options.resize_with(order.len(), Vec::new);
        for (position, &slot) in order.iter().enumerate() {
            // One integer per person, so that the sort compares integers only.
            keys.clear();
            keys.extend(
                self.eligible[candidate][slot]
                    .iter()
                    .copied()
                    .filter(|&who| calendar.can_take(instance, who, spans[position]))
                    .map(|who| {
                        ((self.versatility[who] as u64) << 40)
                            | ((calendar.seats[who].len() as u64) << 24)
                            | who as u64
                    }),
            );
            if keys.is_empty() {
                self.staffing_buffer = options;
                self.sort_keys = keys;
                return;
            }
            keys.sort_unstable();
            let choices = &mut options[position];
            choices.clear();
            choices.extend(keys.iter().map(|key| (key & ((1 << 24) - 1)) as usize));
        }
        let mut chosen: Vec<usize> = Vec::with_capacity(order.len());
        let per_timing = self.staffings_per_timing;
        let mut this_timing = 0;
        assign(&options, &mut chosen, &mut |chosen: &[usize]| {
            let placed: Vec<Placed> = chosen
                .iter()
                .enumerate()
                .map(|(position, &who)| Placed {
                    slot: order[position],
                    span: spans[position],
                    interviewer: who,
                })
                .collect();
            // No two calls can find the same loop: a loop's interviews follow one another, so
            // its times give its order, and each (start, order, waits) is searched once.
            found.push(placed);
            this_timing += 1;
            found.len() >= limit || this_timing >= per_timing
        });
        self.staffing_buffer = options;
        self.sort_keys = keys;
    }

    /// The timings of a loop for `candidate`, earliest first, whoever is free: every
    /// interview's start on the grid, inside the candidate's window and day, with the waits the
    /// template allows; no more than [`TIMINGS_PER_SEARCH`]. Taken from those kept when they
    /// are; [`Planner::keep_timings`] gives them back.
    fn timings_whoever_is_free(&mut self, candidate: usize) -> Vec<Timing> {
        if let Some(kept) = self.timings_by_candidate.remove(&candidate) {
            self.timings_kept -= kept.len();
            return kept;
        }
        let instance = self.instance;
        let person = &instance.candidates[candidate];
        let template = &instance.templates[person.template];
        let shortest: i64 = template.interviews.iter().map(|s| s.minutes).sum();
        // Collecting never staffs, so the calendar is never read.
        let calendar = Calendar::new(instance);
        self.collected = Some(Vec::new());
        let mut timings_left = TIMINGS_PER_SEARCH;
        let mut unused = Vec::new();
        'days: for d in 0..instance.days.len() {
            let day = self.day_spans[candidate][d];
            for window in &person.available {
                let mut start = ceil_to_grid(window.start.max(day.start), instance.grid);
                while start < day.end && start + shortest <= window.end {
                    for index in 0..self.orders[person.template].len() {
                        let mut spans = Vec::with_capacity(template.interviews.len());
                        self.timings(
                            &calendar,
                            candidate,
                            (*window, day.end),
                            index,
                            (start, start),
                            &mut spans,
                            &mut unused,
                            1,
                            &mut timings_left,
                        );
                        if timings_left == 0 {
                            break 'days;
                        }
                    }
                    start += instance.grid;
                }
            }
        }
        self.collected.take().unwrap_or_default()
    }

    /// Keeps `candidate`'s timings for the next re-staffing, unless that would pass
    /// [`TIMINGS_KEPT`]: on a week of thousands left out, every candidate's timings together
    /// would take gigabytes.
    fn keep_timings(&mut self, candidate: usize, timings: Vec<Timing>) {
        if self.timings_by_candidate.contains_key(&candidate) {
            return;
        }
        if self.timings_kept + timings.len() <= TIMINGS_KEPT {
            self.timings_kept += timings.len();
            self.timings_by_candidate.insert(candidate, timings);
        }
    }

    /// The best placement of `group` (each candidate's loop or none) given everyone else in
    /// `calendar`: a branch-and-bound over up to `per_candidate` loops each, which prunes any
    /// branch that cannot beat `floor`. Returns the loops and their weighted count (`floor`
    /// and no loops when nothing beat it).
    fn best_placement(
        &mut self,
        calendar: &mut Calendar,
        group: &[usize],
        per_candidate: usize,
        floor: i64,
    ) -> (Vec<Option<Vec<Placed>>>, i64) {
        let mut best = (vec![None; group.len()], floor);
        let mut current = vec![None; group.len()];
        self.branch(
            calendar,
            group,
            per_candidate,
            0,
            0,
            &mut current,
            &mut best,
        );
        best
    }

    #[allow(clippy::too_many_arguments)]
    fn branch(
        &mut self,
        calendar: &mut Calendar,
        group: &[usize],
        per_candidate: usize,
        position: usize,
        value: i64,
        current: &mut Vec<Option<Vec<Placed>>>,
        best: &mut (Vec<Option<Vec<Placed>>>, i64),
    ) {
        if self.nodes_left == 0 {
            return;
        }
        self.nodes_left -= 1;
        let rest: i64 = group[position..]
            .iter()
            .map(|&c| self.instance.candidates[c].priority)
            .sum();
        if value + rest <= best.1 {
            return;
        }
        if position == group.len() {
            *best = (current.clone(), value);
            return;
        }
        let candidate = group[position];
        for option in self.loops(calendar, candidate, per_candidate) {
            calendar.take(&option);
            current[position] = Some(option.clone());
            let priority = self.instance.candidates[candidate].priority;
            self.branch(
                calendar,
                group,
                per_candidate,
                position + 1,
                value + priority,
                current,
                best,
            );
            current[position] = None;
            calendar.release(&option);
        }
        self.branch(
            calendar,
            group,
            per_candidate,
            position + 1,
            value,
            current,
            best,
        );
    }
}

/// Staffings of one timing a search for several loops takes at most, by turns: the random
/// neighbourhoods cycle through these. Every staffing of the first timings suits a week whose
/// scarce interviewers decide (bar raisers); a few, or one, of each timing gives options that
/// reach across the candidate's day, where a rearrangement finds room, instead of all sitting
/// at their first free time.
const STAFFINGS_PER_TIMING: [usize; 3] = [usize::MAX, 4, 1];

/// Timings (start, order of interviews, waits) one search for a candidate's loops looks at most.
const TIMINGS_PER_SEARCH: u64 = 20_000;

/// Enumerates distinct-interviewer assignments, `options[position]` listing who may take each
/// position in preference order, calling `found` with each until it returns true. Before taking
/// someone it checks that the later positions can still all be staffed, so every branch it enters
/// ends in an assignment.
fn assign(
    options: &[Vec<usize>],
    chosen: &mut Vec<usize>,
    found: &mut dyn FnMut(&[usize]) -> bool,
) -> bool {
    let position = chosen.len();
    if position == options.len() {
        return found(chosen);
    }
    for &who in &options[position] {
        if chosen.contains(&who) {
            continue;
        }
        chosen.push(who);
        if matchable(&options[position + 1..], chosen) && assign(options, chosen, found) {
            return true;
        }
        chosen.pop();
    }
    false
}

/// Whether every position in `options` can get a different person, none of them in `taken`
/// (augmenting paths; a loop has five interviews at most, so this is tiny).
fn matchable(options: &[Vec<usize>], taken: &[usize]) -> bool {
    fn augment(
        position: usize,
        options: &[Vec<usize>],
        taken: &[usize],
        holder: &mut Vec<(usize, usize)>,
        visited: &mut Vec<usize>,
    ) -> bool {
        for &who in &options[position] {
            if taken.contains(&who) || visited.contains(&who) {
                continue;
            }
            visited.push(who);
            let held = holder.iter().position(|&(person, _)| person == who);
            let free = match held {
                None => true,
                Some(at) => augment(holder[at].1, options, taken, holder, visited),
            };
            if free {
                match holder.iter_mut().find(|(person, _)| *person == who) {
                    Some(entry) => entry.1 = position,
                    None => holder.push((who, position)),
                }
                return true;
            }
        }
        false
    }
    // (person, position) pairs: five at most, so a scan beats hashing.
    let mut holder = Vec::with_capacity(options.len());
    let mut visited = Vec::new();
    (0..options.len()).all(|position| {
        visited.clear();
        augment(position, options, taken, &mut holder, &mut visited)
    })
}

/// Candidates re-solved together in one neighbourhood.
const NEIGHBOURHOOD: usize = 6;
/// Random neighbourhoods in a row without a change for the better after which the search
/// perturbs the week, and how many loops a perturbation frees.
const PERTURB_AFTER: usize = 40;
const PERTURBED: usize = 8;
/// Random neighbourhoods in a row without improvement after which the search grows its
/// neighbourhoods (or, grown [`GROWTHS`] times, ends before the time limit; small weeks get
/// there in a few seconds).
const STALE_LIMIT: usize = 1_000;
/// How many times the neighbourhoods grow, by two candidates each and with twice the budgets.
/// Some weeks are stuck for six: reaching the next loop means rearranging a whole day's
/// interviews at once (the seeded weeks of `cohort-bench --suite loop-seeds` showed it).
const GROWTHS: u32 = 3;
/// Loops considered per neighbourhood, shared among its candidates.
const LOOPS_PER_NEIGHBOURHOOD: usize = 2_000;
/// Timings all the searches of one neighbourhood's re-solve look at, together, at most.
const TIMINGS_PER_NEIGHBOURHOOD: u64 = 50_000;
/// Branch-and-bound nodes per neighbourhood at most.
const NODES_PER_NEIGHBOURHOOD: u64 = 5_000;
/// The longest chain of moves re-staffing makes to free an interviewer for one interview.
const RESTAFF_DEPTH: u32 = 3;
/// Attempts to free an interviewer (each a step of a chain) re-staffing makes per timing at
/// most: a timing that needs more is rarely the one that fits, and there are thousands.
const MOVES_PER_TIMING: u64 = 30;
/// Timings (about a hundred bytes each) a search keeps for re-staffing, at most.
const TIMINGS_KEPT: usize = 500_000;
/// Candidates left out who try re-staffing before each perturbation.
const RESTAFFED_BEFORE_PERTURBING: usize = 8;
/// Candidates left out who try re-staffing at the start of a search and at each better week, at
/// most: every one on the seeded small weeks (88 x 73 x 3 tight leaves out more than 32, and
/// reached one loop fewer with 32), a sample on a week of thousands left out (where each costs
/// milliseconds, and the neighbourhoods must still get their turn).
const RESTAFFED_PER_PASS: usize = 64;

/// Schedules `instance`. `keep`: a schedule whose loops stay exactly as they are and whose
/// unscheduled candidates stay unscheduled, so that only the candidates it does not mention are
/// placed (re-slotting after a cancellation); `stop` is asked between steps whether to stop
/// improving, and told the weighted number scheduled so far and the bound (for progress reports).
pub fn solve(
    instance: &Instance,
    options: Options,
    keep: Option<&Schedule>,
    stop: &mut dyn FnMut(Progress) -> bool,
) -> Result<Outcome, KeepError> {
    let mut planner = Planner::new(instance, options);
    let mut calendar = Calendar::new(instance);
    let mut loops: Vec<Option<Vec<Placed>>> = vec![None; instance.candidates.len()];
    let mut fixed = vec![false; instance.candidates.len()];
    // Re-slotting: candidates the kept schedule already gave up on keep their reasons and are
    // not tried again; only candidates it does not mention at all are placed.
    let mut given_up: Vec<Option<String>> = vec![None; instance.candidates.len()];
    // Per candidate, the shadow (if any) of each interview of their loop, in the loop's order.
    let mut shadows: Vec<Vec<Option<usize>>> = vec![Vec::new(); instance.candidates.len()];

    if let Some(kept) = keep {
        let violations = super::check::check(instance, kept);
        if let Some(first) = violations.first() {
            return Err(KeepError(format!("{}: {}", first.path, first.message)));
        }
        for entry in &kept.loops {
            let candidate = instance.candidate_index[entry.candidate.trim()];
            let template = &instance.templates[instance.candidates[candidate].template];
            let mut unused = vec![true; template.interviews.len()];
            let mut placed = Vec::new();
            let mut kept_shadows = Vec::new();
            for interview in &entry.interviews {
                let start = super::minutes_of(&interview.start).map_err(KeepError)?;
                let end = super::minutes_of(&interview.end).map_err(KeepError)?;
                let wanted = super::keys(&interview.requires);
                let slot = (0..template.interviews.len())
                    .find(|&t| {
                        unused[t]
                            && template.interviews[t].keys.len() == wanted.len()
                            && template.interviews[t]
                                .keys
                                .iter()
                                .all(|k| wanted.contains(k))
                            && template.interviews[t].minutes == end - start
                    })
                    .ok_or_else(|| {
                        KeepError(format!("{}: no matching interview", entry.candidate))
                    })?;
                unused[slot] = false;
                placed.push(Placed {
                    slot,
                    span: Interval { start, end },
                    interviewer: instance.interviewer_index[interview.interviewer.trim()],
                });
                // The checker has passed the schedule, so a named shadow exists.
                let shadow = interview
                    .shadow
                    .as_deref()
                    .map(|id| instance.interviewer_index[id.trim()]);
                if let Some(who) = shadow {
                    calendar.take(&[Placed {
                        slot,
                        span: Interval { start, end },
                        interviewer: who,
                    }]);
                }
                kept_shadows.push(shadow);
            }
            calendar.take(&placed);
            loops[candidate] = Some(placed);
            shadows[candidate] = kept_shadows;
            fixed[candidate] = true;
        }
        for entry in &kept.unscheduled {
            if let Some(&candidate) = instance.candidate_index.get(entry.candidate.trim()) {
                if !fixed[candidate] {
                    given_up[candidate] = Some(entry.reason.clone());
                    fixed[candidate] = true;
                }
            }
        }
    }

    // Priority first, then the scarcest interview's fewest eligible interviewers.
    let mut queue: Vec<usize> = (0..instance.candidates.len())
        .filter(|&c| !fixed[c])
        .collect();
    queue.sort_by_key(|&c| {
        let scarcest = planner.eligible[c].iter().map(Vec::len).min().unwrap_or(0);
        (
            std::cmp::Reverse(instance.candidates[c].priority),
            scarcest,
            c,
        )
    });
    // Construction only ever adds seats to the calendar, so once the search finds no loop for a
    // candidate, a candidate alike (same template, times and eligible interviewers) would search
    // the same ground with less room: they are not searched again here. A complete search proves
    // they have none. One cut off by its budget proves nothing (with less room, the same budget
    // reaches further, so a look-alike could still be placed): skipping them is a heuristic, and
    // the improvement below still tries each of them. On a week where hundreds of candidates
    // share their times and most cannot be placed, it saves most of the construction's work.
    let mut hopeless: std::collections::HashSet<Vec<i64>> = std::collections::HashSet::new();
    for &candidate in &queue {
        let alike = planner.signature(candidate);
        if hopeless.contains(&alike) {
            continue;
        }
        match planner.earliest(&calendar, candidate) {
            Some(placed) => {
                calendar.take(&placed);
                loops[candidate] = Some(placed);
            }
            None => {
                hopeless.insert(alike);
            }
        }
    }

    // The bound costs a search per candidate; re-slotting one candidate must not pay for it.
    let bound = if keep.is_none() {
        let constructed: i64 = (0..loops.len())
            .filter(|&c| loops[c].is_some())
            .map(|c| instance.candidates[c].priority)
            .sum();
        bound(instance, options, constructed)
    } else {
        Bound {
            value: instance.candidates.iter().map(|c| c.priority).sum(),
            argument: "every candidate (no bound is computed when re-slotting)".to_owned(),
        }
    };
    let value_of = |loops: &[Option<Vec<Placed>>]| weight_of(instance, loops);

    // Improvement by large-neighbourhood search. First a deterministic pass: for each candidate
    // left out, free the loops that use interviewers it could use (nearest in time first, a few
    // at most), re-solve that group exactly against the rest of the week, and keep the result
    // if more (weighted) candidates fit; repeated while it helps. Then, until the bound or the
    // time limit, seeded random neighbourhoods (a random few among the nearest blockers) that
    // also accept an equal count: such a sideways move
    // changes who is left out, which lets the next neighbourhood fit someone new. When even
    // those stop changing anything (PERTURB_AFTER in a row), a perturbation frees a few loops
    // at random and refills the week, keeping the best week aside. After STALE_LIMIT
    // neighbourhoods in a row bring no better week, it goes back to the best week and grows the
    // neighbourhoods and their budgets (GROWTHS times); stuck at the largest, it ends.
    let mut tried: u64 = 0;
    if keep.is_none() {
        let mut week = Week {
            loops: &mut loops,
            calendar: &mut calendar,
            fixed: &fixed,
        };
        let mut improved = true;
        while improved
            && value_of(week.loops) < bound.value
            && !stop(Progress {
                scheduled: value_of(week.loops),
                bound: bound.value,
            })
        {
            improved = false;
            for &out in &queue {
                if week.loops[out].is_some() {
                    continue;
                }
                if stop(Progress {
                    scheduled: value_of(week.loops),
                    bound: bound.value,
                }) {
                    break;
                }
                let mut group = vec![out];
                group.extend(
                    week.blockers(&planner, out)
                        .into_iter()
                        .take(NEIGHBOURHOOD - 1),
                );
                improved |= week.resolve(&mut planner, &group, false, 1);
            }
        }
        // The random search, on `options.searches` threads side by side, each from this week
        // with its own seed and variant; the best week wins (the first search on a tie).
        // Not started at all when the week is already at its bound or the caller says stop
        // (a first schedule wanted at once), so that no thread is spawned for nothing.
        let reached = value_of(week.loops);
        if reached < bound.value
            && !stop(Progress {
                scheduled: reached,
                bound: bound.value,
            })
        {
            let start = (week.loops.clone(), week.calendar.clone());
            let outcome = search_side_by_side(
                instance,
                options,
                &start,
                &fixed,
                &queue,
                bound.value,
                reached,
                stop,
            );
            tried = outcome.neighbourhoods;
            planner.iterations += outcome.iterations;
            if outcome.value > reached {
                week.replace(outcome.loops);
            }
        }
        // Earliness, the second objective: each loop in turn moves to the earliest place the
        // rest of the week leaves it, when that is earlier than where it is. One search per
        // loop, like construction, so it runs even when the time limit ended the search.
        let mut order: Vec<usize> = (0..instance.candidates.len())
            .filter(|&c| week.loops[c].is_some() && !fixed[c])
            .collect();
        order.sort_by_key(|&c| (week.start_of(c), c));
        for candidate in order {
            week.move_earlier(&mut planner, candidate);
        }
    }

    let value = value_of(&loops);
    // Reasons for those left out are read off the calendar without shadow seats: a shadow
    // could have stepped aside, so it is never why a candidate has no loop.
    let without_shadows = calendar.clone();
    fill_shadows(instance, &loops, &fixed, &mut shadows, &mut calendar);
    let schedule = schedule_of(
        instance,
        &loops,
        &shadows,
        &given_up,
        &mut planner,
        &without_shadows,
    );
    Ok(Outcome {
        schedule,
        value,
        bound,
        iterations: planner.iterations,
        neighbourhoods: tried,
    })
}

/// The weighted number of candidates `loops` schedules: the first objective.
fn weight_of(instance: &Instance, loops: &[Option<Vec<Placed>>]) -> i64 {
    loops
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_some())
        .map(|(c, _)| instance.candidates[c].priority)
        .sum()
}

/// The best week a random search reached, and what it cost.
struct Searched {
    loops: Vec<Option<Vec<Placed>>>,
    value: i64,
    neighbourhoods: u64,
    iterations: u64,
}

/// Runs `options.searches` random searches from `start` (its loops and calendar), each on its
/// own thread with its own seed and variant, and returns the best week (the lowest-numbered
/// search's on a tie). Different seeds and variants win on different weeks, and a machine's
/// cores are otherwise idle while a plan is made, so side by side they reach more in the same
/// time than one search could. The caller's `stop` is not shared with the threads: this thread
/// asks it while they search and tells them when to end.
///
/// A search ends when one with a lower number has reached `bound`, since it can no longer win;
/// under a clock (no `options.neighbourhoods` budget) every search ends as soon as any reaches
/// it. So with a budget the result depends on the instance and the seed alone.
#[allow(clippy::too_many_arguments)]
fn search_side_by_side(
    instance: &Instance,
    options: Options,
    start: &(Vec<Option<Vec<Placed>>>, Calendar),
    fixed: &[bool],
    queue: &[usize],
    bound: i64,
    reached: i64,
    stop: &mut dyn FnMut(Progress) -> bool,
) -> Searched {
    use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
    if options.searches <= 1 {
        let mut halt = |best: i64| {
            stop(Progress {
                scheduled: best,
                bound,
            })
        };
        let (loops, calendar) = start.clone();
        return search(
            instance, options, 0, loops, calendar, fixed, queue, bound, &mut halt,
        );
    }
    let halted = AtomicBool::new(false);
    let best = AtomicI64::new(reached);
    // The lowest-numbered search that has reached the bound, if any.
    let first_at_bound = AtomicUsize::new(usize::MAX);
    let under_a_clock = options.neighbourhoods.is_none();
    std::thread::scope(|scope| {
        let searches: Vec<_> = (0..options.searches)
            .map(|index| {
                let (halted, best, first_at_bound) = (&halted, &best, &first_at_bound);
                scope.spawn(move || {
                    let mut halt = |value: i64| {
                        best.fetch_max(value, Ordering::Relaxed);
                        if value >= bound {
                            first_at_bound.fetch_min(index, Ordering::Relaxed);
                        }
                        let at_bound = first_at_bound.load(Ordering::Relaxed);
                        halted.load(Ordering::Relaxed)
                            || at_bound < index
                            || (under_a_clock && at_bound != usize::MAX)
                    };
                    let (loops, calendar) = start.clone();
                    search(
                        instance, options, index, loops, calendar, fixed, queue, bound, &mut halt,
                    )
                })
            })
            .collect();
        while !searches.iter().all(|search| search.is_finished()) {
            if !halted.load(Ordering::Relaxed)
                && stop(Progress {
                    scheduled: best.load(Ordering::Relaxed),
                    bound,
                })
            {
                halted.store(true, Ordering::Relaxed);
            }
            std::thread::park_timeout(std::time::Duration::from_millis(2));
        }
        let mut winner: Option<Searched> = None;
        let (mut neighbourhoods, mut iterations) = (0, 0);
        for handle in searches {
            let found = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            neighbourhoods += found.neighbourhoods;
            iterations += found.iterations;
            if winner.as_ref().is_none_or(|w| found.value > w.value) {
                winner = Some(found);
            }
        }
        let winner = winner.expect("at least two searches ran");
        Searched {
            neighbourhoods,
            iterations,
            ..winner
        }
    })
}

/// One random search (seeded random neighbourhoods, sideways moves, perturbations and growing
/// neighbourhoods; see [`solve`]) from `loops` and `calendar`, until the bound, its budget, the
/// end of its growths, or `halt`, which is told the best value so far before each step.
/// Search 0 is the engine's first variant with `options.seed`; the others have seeds of their
/// own, and the odd-numbered ones also put a second candidate left out into each grown
/// neighbourhood (which wins other weeks than the first variant does).
#[allow(clippy::too_many_arguments)]
fn search(
    instance: &Instance,
    options: Options,
    index: usize,
    mut loops: Vec<Option<Vec<Placed>>>,
    mut calendar: Calendar,
    fixed: &[bool],
    queue: &[usize],
    bound: i64,
    halt: &mut dyn FnMut(i64) -> bool,
) -> Searched {
    let mut planner = Planner::new(instance, options);
    let value_of = |loops: &[Option<Vec<Placed>>]| weight_of(instance, loops);
    let mut week = Week {
        loops: &mut loops,
        calendar: &mut calendar,
        fixed,
    };
    let seed = options
        .seed
        .wrapping_add((index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let second_left_out = index % 2 == 1;
    let mut random = StdRng::seed_from_u64(seed);
    let mut tried: u64 = 0;
    let mut stale: usize = 0;
    let mut best_loops: Option<Vec<Option<Vec<Placed>>>> = None;
    let mut since_best: usize = 0;
    let mut growth: u32 = 0;
    // The best week found, kept while perturbations wander below it. It starts as the week
    // the deterministic pass left, after everyone left out has tried re-staffing (each search
    // from its own point in the candidates' timings).
    let mut best_value = week.restaff_while_it_fits(&mut planner, queue, &mut random, bound, halt);
    while best_value < bound
        && options.neighbourhoods.is_none_or(|most| tried < most)
        && !halt(best_value)
    {
        if since_best >= STALE_LIMIT {
            if growth == GROWTHS {
                break;
            }
            // Stuck at this size: go on from the best week with bigger neighbourhoods.
            growth += 1;
            since_best = 0;
            stale = 0;
            if let Some(best) = best_loops.take() {
                if value_of(week.loops) < best_value {
                    week.replace(best);
                }
            }
        }
        let size = NEIGHBOURHOOD + 2 * growth as usize;
        tried += 1;
        since_best += 1;
        let mut restaffed = false;
        if stale >= PERTURB_AFTER {
            // Stuck: sideways moves no longer reach anything new. First a few of those left
            // out try re-staffing, which keeps the week; failing that, free a few loops at
            // random and refill the week greedily, whatever that costs, then improve again
            // from there (iterated local search); the best week is kept aside.
            let mut few = week.left_out(queue);
            few.shuffle(&mut random);
            few.truncate(RESTAFFED_BEFORE_PERTURBING);
            restaffed = week.restaff(&mut planner, &few, random.gen(), &mut || halt(best_value));
            if !restaffed {
                if value_of(week.loops) >= best_value && best_loops.is_none() {
                    best_loops = Some(week.loops.clone());
                }
                week.perturb(&mut planner, queue, &mut random);
            }
            stale = 0;
        }
        if !restaffed {
            let left_out = week.left_out(queue);
            let Some(&out) = left_out.choose(&mut random) else {
                break;
            };
            let mut nearest = week.blockers(&planner, out);
            nearest.truncate(3 * size);
            let mut group = vec![out];
            if second_left_out && growth > 0 && left_out.len() > 1 {
                // Two left out and their blockers: room for one may come from the other's.
                let other = loop {
                    let pick = left_out[random.gen_range(0..left_out.len())];
                    if pick != out {
                        break pick;
                    }
                };
                group.push(other);
            }
            let wanted = size - group.len();
            let (chosen, _) = nearest.partial_shuffle(&mut random, wanted);
            group.extend_from_slice(chosen);
            planner.staffings_per_timing =
                STAFFINGS_PER_TIMING[tried as usize % STAFFINGS_PER_TIMING.len()];
            let improved = week.resolve(&mut planner, &group, true, 1 << growth);
            planner.staffings_per_timing = usize::MAX;
            if improved {
                stale = 0;
            } else {
                stale += 1;
            }
        }
        if value_of(week.loops) > best_value {
            // A better week than any before: everyone left out tries re-staffing, for as
            // long as one gets a loop.
            best_value = week.restaff_while_it_fits(&mut planner, queue, &mut random, bound, halt);
            best_loops = None;
            since_best = 0;
        }
    }
    if let Some(best) = best_loops {
        if value_of(week.loops) < best_value {
            week.replace(best);
        }
    }
    let value = value_of(week.loops);
    Searched {
        loops,
        value,
        neighbourhoods: tried,
        iterations: planner.iterations,
    }
}

/// Fills shadow seats, the fourth objective, once every loop is final, so that no shadow can
/// cost a candidate a loop. Greedy: interviews with the fewest possible shadows first, each given
/// the least-loaded interviewer who shadows one of its requirements, has no other seat in that
/// loop, is not excluded by the candidate and is free under every calendar rule (a shadow seat
/// counts towards the caps). No shadow lifts anyone's seats above the busiest interviewer's
/// count before shadows were added, so the third objective (fairness) is untouched. Kept loops
/// (`fixed`) keep the shadows they came with and get no new ones.
fn fill_shadows(
    instance: &Instance,
    loops: &[Option<Vec<Placed>>],
    fixed: &[bool],
    shadows: &mut [Vec<Option<usize>>],
    calendar: &mut Calendar,
) {
    // Per template and slot, who may shadow it.
    let shadowers: Vec<Vec<Vec<usize>>> = instance
        .templates
        .iter()
        .map(|template| {
            template
                .interviews
                .iter()
                .map(|slot| {
                    (0..instance.interviewers.len())
                        .filter(|&who| instance.interviewers[who].can_shadow(slot))
                        .collect()
                })
                .collect()
        })
        .collect();
    let busiest = calendar.seats.iter().map(Vec::len).max().unwrap_or(0);
    let mut seats: Vec<(usize, usize, usize)> = Vec::new();
    for (candidate, placed) in loops.iter().enumerate() {
        let Some(placed) = placed else { continue };
        if fixed[candidate] {
            continue;
        }
        shadows[candidate] = vec![None; placed.len()];
        let template = instance.candidates[candidate].template;
        for (index, interview) in placed.iter().enumerate() {
            let options = shadowers[template][interview.slot].len();
            if options > 0 {
                seats.push((options, candidate, index));
            }
        }
    }
    seats.sort_by_key(|&(options, candidate, index)| {
        let start = loops[candidate].as_ref().map_or(0, |l| l[index].span.start);
        (options, start, candidate, index)
    });
    for (_, candidate, index) in seats {
        let Some(placed) = &loops[candidate] else {
            continue;
        };
        let interview = placed[index];
        let person = &instance.candidates[candidate];
        let template = person.template;
        let chosen = shadowers[template][interview.slot]
            .iter()
            .copied()
            .filter(|&who| {
                !person.excluded.contains(&who)
                    && !placed.iter().any(|p| p.interviewer == who)
                    && !shadows[candidate].contains(&Some(who))
                    && calendar.seats[who].len() < busiest
                    && calendar.can_take(instance, who, interview.span)
            })
            .min_by_key(|&who| (calendar.seats[who].len(), who));
        if let Some(who) = chosen {
            calendar.take(&[Placed {
                interviewer: who,
                ..interview
            }]);
            shadows[candidate][index] = Some(who);
        }
    }
}

/// The week being improved: every candidate's loop, the calendar they fill, and which loops
/// were kept from a given schedule (and so never move).
struct Week<'w> {
    loops: &'w mut Vec<Option<Vec<Placed>>>,
    calendar: &'w mut Calendar,
    fixed: &'w [bool],
}

impl Week<'_> {
    fn start_of(&self, candidate: usize) -> i64 {
        self.loops[candidate]
            .as_ref()
            .and_then(|l| l.iter().map(|p| p.span.start).min())
            .unwrap_or(i64::MAX)
    }

    /// The candidates whose loops use an interviewer `out` could use, nearest in time to
    /// `out`'s availability first.
    fn blockers(&self, planner: &Planner, out: usize) -> Vec<usize> {
        let instance = planner.instance;
        let needed: Vec<usize> = planner.eligible[out].iter().flatten().copied().collect();
        let windows = &instance.candidates[out].available;
        let mut blockers: Vec<(i64, usize)> = (0..instance.candidates.len())
            .filter_map(|c| {
                let placed = self.loops[c].as_ref()?;
                if self.fixed[c] || !placed.iter().any(|p| needed.contains(&p.interviewer)) {
                    return None;
                }
                let distance = placed
                    .iter()
                    .map(|p| {
                        windows
                            .iter()
                            .map(|w| (w.start - p.span.end).max(p.span.start - w.end).max(0))
                            .min()
                            .unwrap_or(i64::MAX)
                    })
                    .min()
                    .unwrap_or(i64::MAX);
                Some((distance, c))
            })
            .collect();
        blockers.sort();
        blockers.into_iter().map(|(_, c)| c).collect()
    }

    /// Frees `group`'s loops and re-solves them together against the rest of the week (branch
    /// and bound, budgeted, the budgets times `scale`). Keeps the new placement if it schedules
    /// more weighted candidates, or as many when `sideways`; otherwise puts the old loops back.
    /// True if it scheduled more.
    fn resolve(
        &mut self,
        planner: &mut Planner,
        group: &[usize],
        sideways: bool,
        scale: u64,
    ) -> bool {
        let instance = planner.instance;
        let before: i64 = group
            .iter()
            .filter(|&&c| self.loops[c].is_some())
            .map(|&c| instance.candidates[c].priority)
            .sum();
        let freed: Vec<Option<Vec<Placed>>> = group.iter().map(|&c| self.loops[c].take()).collect();
        for placed in freed.iter().flatten() {
            self.calendar.release(placed);
        }
        planner.nodes_left = NODES_PER_NEIGHBOURHOOD * scale;
        planner.shared_timings = TIMINGS_PER_NEIGHBOURHOOD * scale;
        let per_candidate = (LOOPS_PER_NEIGHBOURHOOD * scale as usize / group.len()).max(4);
        // Only a placement worth keeping is searched for: more than before, or as many when
        // sideways moves are accepted, so every branch that cannot reach that is pruned.
        let floor = if sideways { before - 1 } else { before };
        let (placement, after) = planner.best_placement(self.calendar, group, per_candidate, floor);
        planner.shared_timings = u64::MAX;
        let better = after > before;
        let chosen = if better || (sideways && after == before) {
            placement
        } else {
            freed
        };
        for (&c, placed) in group.iter().zip(chosen) {
            if let Some(placed) = &placed {
                self.calendar.take(placed);
            }
            self.loops[c] = placed;
        }
        better
    }

    /// Frees some loops and refills the week: every candidate without a loop, in random order,
    /// gets the earliest loop that fits, if any. By turns at random, the loops freed are a few
    /// anywhere ([`PERTURBED`]) or every loop starting on one (UTC) date: when a day's daily caps
    /// are full, the week that places one more can differ from this one in that whole day.
    fn perturb(&mut self, planner: &mut Planner, queue: &[usize], random: &mut StdRng) {
        let placed: Vec<usize> = queue
            .iter()
            .copied()
            .filter(|&c| self.loops[c].is_some() && !self.fixed[c])
            .collect();
        let start_day = |c: usize, loops: &[Option<Vec<Placed>>]| {
            loops[c]
                .as_ref()
                .and_then(|l| l.iter().map(|p| p.span.start).min())
                .map(|start| start.div_euclid(24 * 60))
        };
        let freed: Vec<usize> = if random.gen_bool(0.5) {
            placed.choose_multiple(random, PERTURBED).copied().collect()
        } else {
            let day = placed
                .choose(random)
                .and_then(|&c| start_day(c, self.loops));
            placed
                .iter()
                .copied()
                .filter(|&c| start_day(c, self.loops) == day)
                .collect()
        };
        for candidate in freed {
            if let Some(freed) = self.loops[candidate].take() {
                self.calendar.release(&freed);
            }
        }
        let mut waiting: Vec<usize> = queue
            .iter()
            .copied()
            .filter(|&c| self.loops[c].is_none())
            .collect();
        waiting.shuffle(random);
        // As in construction, the calendar only gains seats here, so a look-alike of a
        // candidate just found no room for is not searched again: on a week where hundreds
        // cannot be placed, that keeps a perturbation to a few searches.
        let mut hopeless: std::collections::HashSet<Vec<i64>> = std::collections::HashSet::new();
        for candidate in waiting {
            let alike = planner.signature(candidate);
            if hopeless.contains(&alike) {
                continue;
            }
            match planner.earliest(self.calendar, candidate) {
                Some(found) => {
                    self.calendar.take(&found);
                    self.loops[candidate] = Some(found);
                }
                None => {
                    hopeless.insert(alike);
                }
            }
        }
    }

    /// The candidates of `queue` without a loop.
    fn left_out(&self, queue: &[usize]) -> Vec<usize> {
        queue
            .iter()
            .copied()
            .filter(|&c| self.loops[c].is_none())
            .collect()
    }

    /// Re-staffing for those of `queue` left out ([`RESTAFFED_PER_PASS`] of them at random
    /// when there are more), again after each who gets a loop, until none does or the week
    /// reaches `bound`. `halt` is told the count so far. Returns the week's weighted count.
    fn restaff_while_it_fits(
        &mut self,
        planner: &mut Planner,
        queue: &[usize],
        random: &mut StdRng,
        bound: i64,
        halt: &mut dyn FnMut(i64) -> bool,
    ) -> i64 {
        let mut left_out = self.left_out(queue);
        if left_out.len() > RESTAFFED_PER_PASS {
            left_out.shuffle(random);
            left_out.truncate(RESTAFFED_PER_PASS);
        }
        let rotation = random.gen();
        let mut value = weight_of(planner.instance, self.loops);
        while value < bound && self.restaff(planner, &left_out, rotation, &mut || halt(value)) {
            value = weight_of(planner.instance, self.loops);
        }
        value
    }

    /// Re-staffing: tries to give one of `candidates` a loop by moving interviews of other loops
    /// to other interviewers at the same times, so that every other loop keeps its times. The
    /// random neighbourhoods re-solve whole loops, but only a few near the candidate, and
    /// search each one's loops earliest first within a budget; a chain of moves reaches
    /// loops no neighbourhood holds (one whose interviewer is not even eligible for the
    /// candidate), and the candidate's every timing in the week. Chains grow one move at a
    /// time up to [`RESTAFF_DEPTH`] (most fits need one or two), the shortest for every
    /// candidate before a longer one for any. `halt` is asked every so often whether to give
    /// up. True if a candidate got a loop; the week stays valid either way.
    fn restaff(
        &mut self,
        planner: &mut Planner,
        candidates: &[usize],
        rotation: usize,
        halt: &mut dyn FnMut() -> bool,
    ) -> bool {
        for depth in 1..=RESTAFF_DEPTH {
            for &out in candidates {
                if halt() {
                    return false;
                }
                if self.loops[out].is_some() {
                    continue;
                }
                let timings = planner.timings_whoever_is_free(out);
                let fitted = self.fit_by_restaffing(planner, out, &timings, rotation, depth, halt);
                planner.keep_timings(out, timings);
                if fitted {
                    return true;
                }
            }
        }
        false
    }

    /// Tries each of `timings` in turn for `out`, staffing each interview with an eligible
    /// interviewer who is free or can be freed by a chain of up to `depth` moves
    /// ([`Week::make_room`], at most [`MOVES_PER_TIMING`] tried per timing). True if `out` got
    /// a loop.
    fn fit_by_restaffing(
        &mut self,
        planner: &Planner,
        out: usize,
        timings: &[Timing],
        rotation: usize,
        depth: u32,
        halt: &mut dyn FnMut() -> bool,
    ) -> bool {
        let instance = planner.instance;
        let template = instance.candidates[out].template;
        let turn = if timings.is_empty() {
            0
        } else {
            rotation % timings.len()
        };
        let rotated = timings[turn..].iter().chain(&timings[..turn]);
        for (index, Timing { order, spans }) in rotated.enumerate() {
            if index % 64 == 63 && halt() {
                return false;
            }
            let mut budget = MOVES_PER_TIMING;
            let order = &planner.orders[template][*order];
            // Seats with the fewest interviewers free for them by their hours first.
            let mut positions: Vec<(usize, usize)> = (0..order.len())
                .map(|p| {
                    let count = planner.eligible[out][order[p]]
                        .iter()
                        .filter(|&&who| instance.interviewers[who].available_for(spans[p]))
                        .count();
                    (count, p)
                })
                .collect();
            if positions.iter().any(|&(count, _)| count == 0) {
                continue;
            }
            positions.sort();
            let mut placed: Vec<Placed> = Vec::with_capacity(order.len());
            for &(_, p) in &positions {
                let span = spans[p];
                let slot = order[p];
                let mut options: Vec<usize> = planner.eligible[out][slot]
                    .iter()
                    .copied()
                    .filter(|&who| {
                        instance.interviewers[who].available_for(span)
                            && !placed.iter().any(|q| q.interviewer == who)
                    })
                    .collect();
                options.sort_by_key(|&who| (self.calendar.seats[who].len(), who));
                let direct = options
                    .iter()
                    .copied()
                    .find(|&who| self.calendar.can_take(instance, who, span));
                let chosen = direct.or_else(|| {
                    options.iter().copied().find(|&who| {
                        let mut visiting = Vec::new();
                        self.make_room(planner, who, span, depth, &mut visiting, &mut budget)
                    })
                });
                match chosen {
                    Some(who) => {
                        let seat = Placed {
                            slot,
                            span,
                            interviewer: who,
                        };
                        self.calendar.take(&[seat]);
                        placed.push(seat);
                    }
                    None => break,
                }
            }
            if placed.len() == order.len() {
                placed.sort_by_key(|p| p.span.start);
                self.loops[out] = Some(placed);
                return true;
            }
            self.calendar.release(&placed);
        }
        false
    }

    /// Moves interviews away from `who` (to others free at their times, chains of up to `depth`
    /// moves) until `who` can take `span`. Every move keeps the week valid, so a failed attempt
    /// leaves a valid week behind. True if `who` can take `span` now.
    fn make_room(
        &mut self,
        planner: &Planner,
        who: usize,
        span: Interval,
        depth: u32,
        visiting: &mut Vec<usize>,
        budget: &mut u64,
    ) -> bool {
        let instance = planner.instance;
        if self.calendar.can_take(instance, who, span) {
            return true;
        }
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if depth == 0 || !instance.interviewers[who].available_for(span) {
            return false;
        }
        visiting.push(who);
        let seats_of =
            |loops: &[Option<Vec<Placed>>], fixed: &[bool], keep: &dyn Fn(&Placed) -> bool| {
                let mut seats = Vec::new();
                for (c, placed) in loops.iter().enumerate() {
                    let Some(placed) = placed else { continue };
                    if fixed[c] {
                        continue;
                    }
                    for (i, p) in placed.iter().enumerate() {
                        if p.interviewer == who && keep(p) {
                            seats.push((c, i));
                        }
                    }
                }
                seats
            };
        // Every seat overlapping the span must go.
        for (c, i) in seats_of(self.loops, self.fixed, &|p: &Placed| p.span.overlaps(span)) {
            if !self.reassign(planner, c, i, depth - 1, visiting, budget) {
                visiting.pop();
                return false;
            }
        }
        let person = &instance.interviewers[who];
        let date = self.calendar.date_of(who, span.start);
        if person
            .daily_cap
            .is_some_and(|cap| self.calendar.seats_on(who, date) >= cap)
        {
            let calendar = &*self.calendar;
            let same_day = seats_of(self.loops, self.fixed, &|p: &Placed| {
                calendar.date_of(who, p.span.start) == date
            });
            if !same_day
                .into_iter()
                .any(|(c, i)| self.reassign(planner, c, i, depth - 1, visiting, budget))
            {
                visiting.pop();
                return false;
            }
        }
        if person
            .weekly_cap
            .is_some_and(|cap| self.calendar.seats[who].len() as u32 >= cap)
        {
            let any = seats_of(self.loops, self.fixed, &|_: &Placed| true);
            if !any
                .into_iter()
                .any(|(c, i)| self.reassign(planner, c, i, depth - 1, visiting, budget))
            {
                visiting.pop();
                return false;
            }
        }
        visiting.pop();
        self.calendar.can_take(instance, who, span)
    }

    /// Gives interview `i` of `c`'s loop to another interviewer free at its time (making room
    /// with chains of up to `depth` further moves). True if it moved.
    fn reassign(
        &mut self,
        planner: &Planner,
        c: usize,
        i: usize,
        depth: u32,
        visiting: &mut Vec<usize>,
        budget: &mut u64,
    ) -> bool {
        let instance = planner.instance;
        let Some(seat) = self.loops[c].as_ref().map(|l| l[i]) else {
            return false;
        };
        let in_loop: Vec<usize> = self.loops[c]
            .iter()
            .flatten()
            .map(|p| p.interviewer)
            .collect();
        let mut options: Vec<usize> = planner.eligible[c][seat.slot]
            .iter()
            .copied()
            .filter(|&who| {
                !in_loop.contains(&who)
                    && !visiting.contains(&who)
                    && instance.interviewers[who].available_for(seat.span)
            })
            .collect();
        options.sort_by_key(|&who| (self.calendar.seats[who].len(), who));
        let to = options
            .iter()
            .copied()
            .find(|&who| self.calendar.can_take(instance, who, seat.span))
            .or_else(|| {
                if depth == 0 {
                    return None;
                }
                options
                    .iter()
                    .copied()
                    .find(|&who| self.make_room(planner, who, seat.span, depth, visiting, budget))
            });
        let Some(to) = to else { return false };
        // Making room elsewhere never moves this seat (its interviewer is being visited).
        self.calendar.release(&[seat]);
        let moved = Placed {
            interviewer: to,
            ..seat
        };
        self.calendar.take(&[moved]);
        if let Some(l) = self.loops[c].as_mut() {
            l[i] = moved;
        }
        true
    }

    /// Puts `loops` in place of the week's loops.
    fn replace(&mut self, loops: Vec<Option<Vec<Placed>>>) {
        for placed in self.loops.iter().flatten() {
            self.calendar.release(placed);
        }
        for placed in loops.iter().flatten() {
            self.calendar.take(placed);
        }
        *self.loops = loops;
    }

    /// Moves `candidate`'s loop to the earliest loop the rest of the week allows, if earlier.
    fn move_earlier(&mut self, planner: &mut Planner, candidate: usize) {
        let Some(current) = self.loops[candidate].take() else {
            return;
        };
        self.calendar.release(&current);
        let was = current
            .iter()
            .map(|p| p.span.start)
            .min()
            .unwrap_or(i64::MAX);
        let earlier = planner
            .earliest(self.calendar, candidate)
            .filter(|l| l.iter().map(|p| p.span.start).min().unwrap_or(i64::MAX) < was);
        let placed = earlier.unwrap_or(current);
        self.calendar.take(&placed);
        self.loops[candidate] = Some(placed);
    }
}

fn schedule_of(
    instance: &Instance,
    loops: &[Option<Vec<Placed>>],
    shadows: &[Vec<Option<usize>>],
    given_up: &[Option<String>],
    planner: &mut Planner,
    calendar: &Calendar,
) -> Schedule {
    let mut schedule = Schedule::default();
    let mut reasons: HashMap<Vec<i64>, String> = HashMap::new();
    let mut order: Vec<usize> = (0..loops.len()).collect();
    order.sort_by_key(|&c| {
        (
            loops[c]
                .as_ref()
                .map(|l| l.iter().map(|p| p.span.start).min().unwrap_or(0)),
            c,
        )
    });
    for candidate in order {
        let person = &instance.candidates[candidate];
        let template = &instance.templates[person.template];
        match &loops[candidate] {
            Some(placed) => {
                let mut interviews: Vec<(&Placed, Option<usize>)> = placed
                    .iter()
                    .zip(
                        shadows[candidate]
                            .iter()
                            .copied()
                            .chain(std::iter::repeat(None)),
                    )
                    .collect();
                interviews.sort_by_key(|(p, _)| p.span.start);
                schedule.loops.push(Loop {
                    candidate: person.id.clone(),
                    day: local_date(interviews[0].0.span.start, person.time_zone).to_string(),
                    interviews: interviews
                        .into_iter()
                        .map(|(p, shadow)| Interview {
                            interviewer: instance.interviewers[p.interviewer].id.clone(),
                            requires: template.interviews[p.slot].requires.clone(),
                            start: instant_text(p.span.start),
                            end: instant_text(p.span.end),
                            shadow: shadow.map(|who| instance.interviewers[who].id.clone()),
                        })
                        .collect(),
                });
            }
            None => schedule.unscheduled.push(Unscheduled {
                candidate: person.id.clone(),
                reason: match &given_up[candidate] {
                    Some(reason) => reason.clone(),
                    // Candidates alike have the same reason in the one final calendar.
                    None => reasons
                        .entry(planner.signature(candidate))
                        .or_insert_with(|| reason(instance, candidate, planner, calendar))
                        .clone(),
                },
            }),
        }
    }
    schedule
}

/// Why a candidate has no loop, in words a coordinator can act on.
fn reason(
    instance: &Instance,
    candidate: usize,
    planner: &mut Planner,
    calendar: &Calendar,
) -> String {
    let person = &instance.candidates[candidate];
    let template = &instance.templates[person.template];
    let needed: i64 = template.interviews.iter().map(|s| s.minutes).sum();
    let long_enough = planner.day_spans[candidate].iter().any(|day| {
        person
            .available
            .iter()
            .any(|w| w.end.min(day.end + 24 * 60) - w.start.max(day.start) >= needed)
    });
    if !long_enough {
        return format!("not available for {needed} minutes in a row on any of the week's days");
    }
    for (slot, interviewers) in template.interviews.iter().zip(&planner.eligible[candidate]) {
        if interviewers.is_empty() {
            return format!(
                "no interviewer of the {} track is qualified for {}",
                template.track,
                slot.requires.join(" and ")
            );
        }
    }
    // Which interview has the fewest interviewers who could still give it, at some time on the
    // candidate's days, in the final calendar?
    let mut scarcest: Option<(usize, usize)> = None;
    for (index, interviewers) in planner.eligible[candidate].iter().enumerate() {
        let minutes = template.interviews[index].minutes;
        let free = interviewers
            .iter()
            .filter(|&&who| {
                person.available.iter().any(|window| {
                    let mut start = ceil_to_grid(window.start, instance.grid);
                    while start + minutes <= window.end {
                        let span = Interval {
                            start,
                            end: start + minutes,
                        };
                        if calendar.can_take(instance, who, span) {
                            return true;
                        }
                        start += instance.grid;
                    }
                    false
                })
            })
            .count();
        if scarcest.is_none_or(|(_, least)| free < least) {
            scarcest = Some((index, free));
        }
    }
    let (index, free) = scarcest.unwrap_or((0, 0));
    let what = template.interviews[index].requires.join(" and ");
    if free == 0 {
        return format!("no {what} interviewer free on the candidate's days");
    }
    if !could_fit(instance, planner, candidate) {
        return "no loop fits even in an empty week: the interviewers it needs are never free at the same times as the candidate".to_owned();
    }
    format!(
        "only {free} qualified {what} {} free on the candidate's days, never when the rest of the loop can be",
        if free == 1 { "interviewer" } else { "interviewers" }
    )
}

/// Orders of a template's interviews the bound's search of an empty week tries: every order of
/// templates of up to five interviews (120), so that finding no loop proves there is none.
const ORDERS_FOR_THE_BOUND: usize = 120;

/// The smallest of several upper bounds on the weighted number of candidates scheduled. Once
/// one argument is down to `reached` (what a schedule in hand already places), no argument can
/// say more, and the costlier max-flow relaxation is not computed.
fn bound(instance: &Instance, options: Options, reached: i64) -> Bound {
    // A candidate counts unless a complete search of an empty week (every order of the
    // interviews, every start and wait) found no loop, or a quick necessary condition fails
    // (each interview needs a qualified interviewer available long enough inside one of the
    // candidate's windows on one day).
    let mut planner = Planner::new(
        instance,
        Options {
            orders: options.orders.max(ORDERS_FOR_THE_BOUND),
            ..options
        },
    );
    let planner = &mut planner;
    let empty = Calendar::new(instance);
    // Candidates alike get the same answer from the empty week: each kind is searched once.
    let mut answered: HashMap<Vec<i64>, bool> = HashMap::new();
    let placeable: Vec<usize> = (0..instance.candidates.len())
        .filter(|&c| {
            if !could_fit(instance, planner, c) {
                return false;
            }
            let alike = planner.signature(c);
            if let Some(&answer) = answered.get(&alike) {
                return answer;
            }
            let answer = planner.earliest(&empty, c).is_some() || !planner.last_search_complete;
            answered.insert(alike, answer);
            answer
        })
        .collect();
    let alone: i64 = placeable
        .iter()
        .map(|&c| instance.candidates[c].priority)
        .sum();
    let mut best = Bound {
        value: alone,
        argument: "candidates who can have a loop at all, in an empty week".to_owned(),
    };

    // Requirement keys used by the templates, and "any interview".
    let mut keys: Vec<Option<String>> = vec![None];
    for template in &instance.templates {
        for slot in &template.interviews {
            for key in &slot.keys {
                if !keys.contains(&Some(key.clone())) {
                    keys.push(Some(key.clone()));
                }
            }
        }
    }
    // The capacity arguments for every kind first: they are cheap, and once one reaches what
    // the schedule in hand places, the relaxation is not needed.
    let mut relaxed: Option<Bound> = None;
    let starts = instance.interview_starts();
    for relaxation in [false, true] {
        for key in &keys {
            let needs = |slot: &super::Slot| key.as_ref().is_none_or(|k| slot.keys.contains(k));
            // Per candidate: how many interviews of this kind a loop needs.
            let items: Vec<(i64, i64)> = placeable
                .iter()
                .map(|&c| {
                    let template = &instance.templates[instance.candidates[c].template];
                    let weight = template.interviews.iter().filter(|s| needs(s)).count() as i64;
                    (instance.candidates[c].priority, weight)
                })
                .collect();
            if !relaxation {
                // The most interviews of this kind each interviewer can give in the week.
                let Some(shortest) = instance.shortest_interview(&needs) else {
                    continue;
                };
                let mut capacity: i64 = 0;
                for person in &instance.interviewers {
                    let qualified = key.as_ref().is_none_or(|k| person.qualified.contains(k));
                    if !qualified || person.tracks.is_empty() {
                        continue;
                    }
                    let week = person.most_interviews_at(instance.grid, &starts, shortest);
                    capacity += person
                        .weekly_cap
                        .map_or(week, |cap| week.min(i64::from(cap)));
                }
                let value = knapsack_bound(&items, capacity);
                if value < best.value {
                    best = Bound {
                                value,
                                argument: match &key {
                                    None => format!("interview capacity: the interviewers can give at most {capacity} interviews in the week"),
                                    Some(k) => format!("{k} capacity: the qualified interviewers can give at most {capacity} {k} interviews in the week"),
                                },
                            };
                }
                continue;
            }
            // The same knapsack against the max-flow relaxation, which also matches
            // each interview to an interviewer free at the candidate's times.
            if best.value <= reached || relaxed.as_ref().is_some_and(|r| r.value <= reached) {
                break;
            }
            if let Some((flow, time_blocks)) =
                super::relax::most_interviews(instance, &planner.eligible, &placeable, &needs)
            {
                let value = knapsack_bound(&items, flow);
                if relaxed.as_ref().is_none_or(|r: &Bound| value < r.value) {
                    let kind = key.as_ref().map_or(String::new(), |k| format!("{k} "));
                    let grain = if time_blocks {
                        "no interviewer starting two within one interview's length"
                    } else {
                        "each interviewer's day holding what fits in it"
                    };
                    relaxed = Some(Bound {
                            value,
                            argument: format!(
                                "max-flow relaxation: at most {flow} {kind}interviews can each be matched to a qualified interviewer free at the candidate's times ({grain}, daily and weekly caps kept)"
                            ),
                        });
                }
            }
        }
    }
    // The relaxation is named only where it says more than the simpler arguments.
    match relaxed {
        Some(relaxed) if relaxed.value < best.value => relaxed,
        _ => best,
    }
}

/// A necessary condition for `candidate` to have a loop in an empty week: some day and window
/// long enough for the template, in which every interview has an eligible interviewer available
/// for its length.
fn could_fit(instance: &Instance, planner: &Planner, candidate: usize) -> bool {
    let person = &instance.candidates[candidate];
    let template = &instance.templates[person.template];
    let total: i64 = template.interviews.iter().map(|s| s.minutes).sum();
    planner.day_spans[candidate].iter().any(|day| {
        person.available.iter().any(|window| {
            let span = Interval {
                start: window.start.max(day.start),
                end: window.end.min(day.end + total),
            };
            span.end - span.start >= total
                && template
                    .interviews
                    .iter()
                    .enumerate()
                    .all(|(slot, interview)| {
                        planner.eligible[candidate][slot].iter().any(|&who| {
                            instance.interviewers[who].available.iter().any(|a| {
                                a.end.min(span.end) - a.start.max(span.start) >= interview.minutes
                            })
                        })
                    })
        })
    })
}

/// The fractional-knapsack upper bound: items `(value, weight)`, capacity `capacity`.
fn knapsack_bound(items: &[(i64, i64)], capacity: i64) -> i64 {
    let mut total: i64 = items.iter().filter(|i| i.1 == 0).map(|i| i.0).sum();
    let mut heavy: Vec<(i64, i64)> = items.iter().copied().filter(|i| i.1 > 0).collect();
    // Best value per unit of capacity first.
    heavy.sort_by(|a, b| (b.0 * a.1).cmp(&(a.0 * b.1)));
    let mut left = capacity;
    for (value, weight) in heavy {
        if weight <= left {
            total += value;
            left -= weight;
        } else {
            // The fractional part, rounded down: values are whole numbers.
            total += value * left / weight;
            break;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_for_several_loops_held_to_one_staffing_per_timing_spreads_them_over_the_day() {
        // Two interviews, four interviewers free all day: the first timing alone has twelve
        // staffings, so six loops taken without a cap all start at nine.
        let everyone = |id: &str| {
            format!(
                r#"{{ "id": "{id}", "tracks": ["sde"], "qualified": ["coding"], "daily_cap": 4,
                     "weekly_cap": 8,
                     "available": [ {{ "start": "2027-02-01T09:00:00Z", "end": "2027-02-01T17:00:00Z" }} ] }}"#
            )
        };
        let interviewers: Vec<String> = ["i1", "i2", "i3", "i4"].map(everyone).to_vec();
        let week = format!(
            r#"{{ "days": ["2027-02-01"],
                 "templates": {{ "sde": {{ "max_gap_minutes": 0, "interviews": [
                     {{ "minutes": 60, "requires": ["coding"] }},
                     {{ "minutes": 60, "requires": ["coding"] }} ] }} }},
                 "candidates": [ {{ "id": "c1", "track": "sde", "priority": 1,
                     "available": [ {{ "start": "2027-02-01T09:00:00Z", "end": "2027-02-01T17:00:00Z" }} ] }} ],
                 "interviewers": [{}] }}"#,
            interviewers.join(",")
        );
        let instance = Instance::from_json(&week).unwrap();
        let calendar = Calendar::new(&instance);
        let mut planner = Planner::new(&instance, Options::default());
        let starts = |loops: Vec<Vec<Placed>>| -> std::collections::BTreeSet<i64> {
            loops
                .iter()
                .map(|l| l.iter().map(|p| p.span.start).min().unwrap())
                .collect()
        };
        let every_staffing = planner.loops(&calendar, 0, 6);
        assert_eq!(every_staffing.len(), 6);
        assert_eq!(starts(every_staffing).len(), 1, "all at the first timing");
        planner.staffings_per_timing = 1;
        let spread = planner.loops(&calendar, 0, 6);
        assert_eq!(spread.len(), 6);
        assert!(
            starts(spread).len() >= 3,
            "one staffing per (start, order): six loops reach at least three starts"
        );
    }

    /// A one-day week of one-interview loops (60 minutes of coding) for re-staffing: each
    /// interviewer is `(id, daily cap)`, free 09:00-17:00; each candidate is `(id, from, to,
    /// interviewers excluded)`, free on the day between the two hours.
    fn week_of_single_interviews(
        interviewers: &[(&str, u32)],
        candidates: &[(&str, u32, u32, &[&str])],
    ) -> Instance {
        let interviewers: Vec<String> = interviewers
            .iter()
            .map(|(id, cap)| {
                format!(
                    r#"{{ "id": "{id}", "tracks": ["sde"], "qualified": ["coding"],
                         "daily_cap": {cap}, "weekly_cap": 8, "available": [
                         {{ "start": "2027-02-01T09:00:00Z", "end": "2027-02-01T17:00:00Z" }} ] }}"#
                )
            })
            .collect();
        let candidates: Vec<String> = candidates
            .iter()
            .map(|(id, from, to, excluded)| {
                format!(
                    r#"{{ "id": "{id}", "track": "sde", "priority": 1,
                         "exclude_interviewers": {excluded:?}, "available": [
                         {{ "start": "2027-02-01T{from:02}:00:00Z", "end": "2027-02-01T{to:02}:00:00Z" }} ] }}"#
                )
            })
            .collect();
        Instance::from_json(&format!(
            r#"{{ "days": ["2027-02-01"],
                 "templates": {{ "sde": {{ "max_gap_minutes": 0, "interviews": [
                     {{ "minutes": 60, "requires": ["coding"] }} ] }} }},
                 "candidates": [{}], "interviewers": [{}] }}"#,
            candidates.join(","),
            interviewers.join(",")
        ))
        .unwrap()
    }

    /// A week for re-staffing to work on: `seats` gives loops of one interview as (candidate,
    /// interviewer, hour), everyone else left out.
    struct Trial {
        loops: Vec<Option<Vec<Placed>>>,
        calendar: Calendar,
        fixed: Vec<bool>,
    }

    impl Trial {
        fn new(instance: &Instance, seats: &[(usize, usize, i64)]) -> Trial {
            let mut trial = Trial {
                loops: vec![None; instance.candidates.len()],
                calendar: Calendar::new(instance),
                fixed: vec![false; instance.candidates.len()],
            };
            let midnight = super::super::minutes_of("2027-02-01T00:00:00Z").unwrap();
            for &(candidate, interviewer, hour) in seats {
                let start = midnight + hour * 60;
                let placed = vec![Placed {
                    slot: 0,
                    span: Interval {
                        start,
                        end: start + 60,
                    },
                    interviewer,
                }];
                trial.calendar.take(&placed);
                trial.loops[candidate] = Some(placed);
            }
            trial
        }

        fn week(&mut self) -> Week<'_> {
            Week {
                loops: &mut self.loops,
                calendar: &mut self.calendar,
                fixed: &self.fixed,
            }
        }

        /// Who interviews `candidate`, if anyone.
        fn interviewer(&self, candidate: usize) -> Option<usize> {
            self.loops[candidate].as_ref().map(|l| l[0].interviewer)
        }

        /// How many rules the week breaks, by the checker.
        fn violations(&self, instance: &Instance) -> usize {
            let mut planner = Planner::new(instance, Options::default());
            let schedule = schedule_of(
                instance,
                &self.loops,
                &vec![Vec::new(); self.loops.len()],
                &vec![None; self.loops.len()],
                &mut planner,
                &self.calendar,
            );
            super::super::check::check(instance, &schedule).len()
        }
    }

    #[test]
    fn re_staffing_moves_a_loops_interview_to_a_free_interviewer_to_fit_someone_left_out() {
        // b can only be seen by x, at nine; a holds x at nine but could as well have y.
        let instance = week_of_single_interviews(
            &[("x", 4), ("y", 4)],
            &[("a", 9, 10, &[]), ("b", 9, 10, &["y"])],
        );
        let mut trial = Trial::new(&instance, &[(0, 0, 9)]);
        let mut planner = Planner::new(&instance, Options::default());
        assert!(trial.week().restaff(&mut planner, &[1], 0, &mut || false));
        assert_eq!(trial.interviewer(0), Some(1), "a moved to y");
        assert_eq!(trial.interviewer(1), Some(0), "b has x");
        assert_eq!(trial.violations(&instance), 0);
    }

    #[test]
    fn re_staffing_frees_a_full_daily_cap_and_follows_a_chain_of_two_moves_but_no_longer() {
        // x may give one interview a day and gives it to a at nine; c (only x, at two) needs
        // that seat. a could have y, but y is at nine with d, who could have z: two moves.
        let instance = week_of_single_interviews(
            &[("x", 1), ("y", 4), ("z", 4)],
            &[
                ("a", 9, 10, &["z"]),
                ("c", 14, 15, &["y", "z"]),
                ("d", 9, 10, &["x"]),
            ],
        );
        let mut trial = Trial::new(&instance, &[(0, 0, 9), (2, 1, 9)]);
        let mut planner = Planner::new(&instance, Options::default());
        let timings = planner.timings_whoever_is_free(1);
        let mut week = trial.week();
        assert!(
            !week.fit_by_restaffing(&planner, 1, &timings, 0, 1, &mut || false),
            "one move is not enough: y is busy at nine"
        );
        assert!(week.loops[1].is_none());
        assert!(week.fit_by_restaffing(&planner, 1, &timings, 0, 2, &mut || false));
        assert_eq!(
            (
                trial.interviewer(0),
                trial.interviewer(1),
                trial.interviewer(2)
            ),
            (Some(1), Some(0), Some(2)),
            "a to y, c to x, d to z"
        );
        assert_eq!(trial.violations(&instance), 0);
    }

    #[test]
    fn re_staffing_that_cannot_fit_anyone_says_so_and_leaves_a_valid_week() {
        // Nobody but x may see b, and x's one seat of the day is held by a, who has nobody else.
        let instance = week_of_single_interviews(
            &[("x", 1), ("y", 4)],
            &[("a", 9, 10, &["y"]), ("b", 11, 12, &["y"])],
        );
        let mut trial = Trial::new(&instance, &[(0, 0, 9)]);
        let mut planner = Planner::new(&instance, Options::default());
        assert!(!trial.week().restaff(&mut planner, &[1], 0, &mut || false));
        assert_eq!(trial.interviewer(1), None);
        assert_eq!(trial.interviewer(0), Some(0));
        assert_eq!(trial.violations(&instance), 0);
    }

    #[test]
    fn an_interviewers_date_from_the_fast_lookup_is_the_time_zone_conversions_date() {
        // Weeks across the 2027 clock changes in Los Angeles and Dublin, and zones half an
        // hour off (Kolkata) and ahead of UTC (Sydney), every quarter hour for nine days.
        let weeks = [
            ("America/Los_Angeles", "2027-03-12"),
            ("Europe/Dublin", "2027-10-29"),
        ];
        let zones = ["Asia/Kolkata", "Australia/Sydney", "UTC"];
        for (zone, first) in weeks
            .iter()
            .copied()
            .chain(zones.iter().map(|zone| (*zone, "2027-03-12")))
        {
            let zone: Tz = zone.parse().unwrap();
            let first: NaiveDate = first.parse().unwrap();
            let days: Vec<NaiveDate> = first.iter_days().take(5).collect();
            let dates = LocalDates::new(zone, &days);
            let start = super::super::minutes_of(&format!("{first}T00:00:00Z")).unwrap() - 2 * 1440;
            for minute in (start..start + 9 * 1440).step_by(15) {
                assert_eq!(
                    dates.of(minute),
                    day_number(local_date(minute, zone)),
                    "{zone} at minute {minute}"
                );
            }
        }
    }
}
