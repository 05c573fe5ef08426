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
//! The bound ([`bound`]) is the smallest of several arguments, each an upper bound on its own:
//! the candidates who can be placed at all in an empty week; and, per requirement (such as "bar
//! raiser") and for all interviews together, a fractional knapsack over the most interviews the
//! qualified interviewers can give in the week.

use super::{date_of, instant_text, Instance, Interval, Interview, Loop, Schedule, Unscheduled};
use std::collections::HashMap;

/// Settings that make a run what it is.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Seeds the extra template orders tried; the same seed gives the same schedule.
    pub seed: u64,
    /// Template orders tried per start at most (the template's own order first).
    pub orders: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            seed: 1,
            orders: 12,
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
}

impl Outcome {
    /// Proven optimal on the first objective: nothing can schedule more.
    pub fn optimal(&self) -> bool {
        self.value >= self.bound.value
    }
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
    per_day: Vec<HashMap<chrono::NaiveDate, u32>>,
}

impl Calendar {
    fn new(interviewers: usize) -> Calendar {
        Calendar {
            seats: vec![Vec::new(); interviewers],
            per_day: vec![HashMap::new(); interviewers],
        }
    }

    fn can_take(&self, instance: &Instance, who: usize, span: Interval) -> bool {
        let person = &instance.interviewers[who];
        if person
            .weekly_cap
            .is_some_and(|cap| self.seats[who].len() as u32 >= cap)
        {
            return false;
        }
        if person.daily_cap.is_some_and(|cap| {
            self.per_day[who]
                .get(&date_of(span.start))
                .copied()
                .unwrap_or(0)
                >= cap
        }) {
            return false;
        }
        person.available_for(span) && !self.seats[who].iter().any(|seat| seat.overlaps(span))
    }

    fn take(&mut self, loop_: &[Placed]) {
        for placed in loop_ {
            self.seats[placed.interviewer].push(placed.span);
            *self.per_day[placed.interviewer]
                .entry(date_of(placed.span.start))
                .or_default() += 1;
        }
    }

    fn release(&mut self, loop_: &[Placed]) {
        for placed in loop_ {
            let seats = &mut self.seats[placed.interviewer];
            if let Some(at) = seats.iter().position(|s| *s == placed.span) {
                seats.swap_remove(at);
                *self.per_day[placed.interviewer]
                    .entry(date_of(placed.span.start))
                    .or_default() -= 1;
            }
        }
    }
}

/// For each slot of a candidate's template, the interviewers who may take it.
fn eligible(instance: &Instance, candidate: usize) -> Vec<Vec<usize>> {
    let person = &instance.candidates[candidate];
    instance.templates[person.template]
        .interviews
        .iter()
        .map(|slot| {
            (0..instance.interviewers.len())
                .filter(|&who| {
                    let interviewer = &instance.interviewers[who];
                    interviewer.serves(person.template)
                        && interviewer.qualified_for(slot)
                        && !person.excluded.contains(&who)
                })
                .collect()
        })
        .collect()
}

/// A few orders of a template's `count` interviews: its own order, rotations, reversed
/// rotations, then seeded shuffles, up to `limit`.
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
    out
}

fn midnight_of(day: chrono::NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp()
        / 60
}

fn ceil_to_grid(minutes: i64, grid: i64) -> i64 {
    minutes + (grid - minutes.rem_euclid(grid)) % grid
}

struct Planner<'a> {
    instance: &'a Instance,
    eligible: Vec<Vec<Vec<usize>>>,
    orders: Vec<Vec<Vec<usize>>>,
    /// For each interviewer, how many kinds of interview (template slots) they could take.
    versatility: Vec<usize>,
    iterations: u64,
    /// Search nodes the current exact re-solve may still visit.
    nodes_left: u64,
}

impl<'a> Planner<'a> {
    fn new(instance: &'a Instance, options: Options) -> Planner<'a> {
        Planner {
            instance,
            eligible: (0..instance.candidates.len())
                .map(|c| eligible(instance, c))
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
        }
    }

    /// The earliest loop for `candidate` that fits `calendar`, if any.
    fn earliest(&mut self, calendar: &Calendar, candidate: usize) -> Option<Vec<Placed>> {
        self.loops(calendar, candidate, 1).pop()
    }

    /// Up to `limit` loops for `candidate` that fit `calendar`, earliest first.
    fn loops(&mut self, calendar: &Calendar, candidate: usize, limit: usize) -> Vec<Vec<Placed>> {
        let instance = self.instance;
        let person = &instance.candidates[candidate];
        let template = &instance.templates[person.template];
        let shortest: i64 = template.interviews.iter().map(|s| s.minutes).sum();
        let mut found: Vec<Vec<Placed>> = Vec::new();
        for &day in &instance.days {
            let midnight = midnight_of(day);
            for window in &person.available {
                let mut start = ceil_to_grid(window.start.max(midnight), instance.grid);
                while start < midnight + 24 * 60 && start + shortest <= window.end {
                    for index in 0..self.orders[person.template].len() {
                        self.iterations += 1;
                        let mut placed = Vec::with_capacity(template.interviews.len());
                        self.chain(
                            calendar,
                            candidate,
                            (*window, midnight + 24 * 60),
                            index,
                            (start, start),
                            &mut placed,
                            &mut found,
                            limit,
                        );
                        if found.len() >= limit {
                            return found;
                        }
                    }
                    start += instance.grid;
                }
            }
        }
        found
    }

    /// Places the rest of the loop, the next interview starting within `starts` (inclusive),
    /// adding each complete loop to `found` until it holds `limit`; backtracks over waits and
    /// interviewers.
    #[allow(clippy::too_many_arguments)]
    fn chain(
        &mut self,
        calendar: &Calendar,
        candidate: usize,
        (window, day_end): (Interval, i64),
        order_index: usize,
        starts: (i64, i64),
        placed: &mut Vec<Placed>,
        found: &mut Vec<Vec<Placed>>,
        limit: usize,
    ) {
        let instance = self.instance;
        let template_index = instance.candidates[candidate].template;
        let template = &instance.templates[template_index];
        let position = placed.len();
        let order = &self.orders[template_index][order_index];
        if position == order.len() {
            // The same loop reached through another order is not a new one.
            let mut key = placed.clone();
            key.sort_by_key(|p| p.slot);
            if !found.iter().any(|f| {
                let mut other = f.clone();
                other.sort_by_key(|p| p.slot);
                other == key
            }) {
                found.push(placed.clone());
            }
            return;
        }
        let slot = order[position];
        let minutes = template.interviews[slot].minutes;
        let mut begin = starts.0;
        while begin <= starts.1 && found.len() < limit {
            let span = Interval {
                start: begin,
                end: begin + minutes,
            };
            // Every interview of a loop starts on the loop's day and inside the window.
            if span.end > window.end || span.start >= day_end {
                return;
            }
            // The least versatile interviewer first keeps the scarce ones (the one coding
            // interviewer who is also a bar raiser) for where only they will do; then the least
            // loaded, which spreads the week's load (the third objective).
            let mut choices: Vec<usize> = self.eligible[candidate][slot]
                .iter()
                .copied()
                .filter(|who| {
                    !placed.iter().any(|p| p.interviewer == *who)
                        && calendar.can_take(instance, *who, span)
                })
                .collect();
            choices.sort_by_key(|&who| (self.versatility[who], calendar.seats[who].len(), who));
            for who in choices {
                placed.push(Placed {
                    slot,
                    span,
                    interviewer: who,
                });
                let next = (
                    ceil_to_grid(span.end, instance.grid),
                    span.end + template.max_gap,
                );
                self.chain(
                    calendar,
                    candidate,
                    (window, day_end),
                    order_index,
                    next,
                    placed,
                    found,
                    limit,
                );
                placed.pop();
                if found.len() >= limit {
                    return;
                }
            }
            begin += instance.grid;
        }
    }

    /// The best placement of `group` (each candidate's loop or none) given everyone else in
    /// `calendar`: a branch-and-bound over up to `per_candidate` loops each. Returns the loops
    /// and their weighted count.
    fn best_placement(
        &mut self,
        calendar: &mut Calendar,
        group: &[usize],
        per_candidate: usize,
    ) -> (Vec<Option<Vec<Placed>>>, i64) {
        let mut best = (vec![None; group.len()], -1);
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

/// Candidates re-solved together in one neighbourhood at most.
const NEIGHBOURHOOD: usize = 6;
/// Loops considered per neighbourhood, shared among its candidates.
const LOOPS_PER_NEIGHBOURHOOD: usize = 2_000;
/// Branch-and-bound nodes per neighbourhood at most.
const NODES_PER_NEIGHBOURHOOD: u64 = 20_000;

/// Schedules `instance`. `keep`: a schedule whose loops stay exactly as they are and whose
/// unscheduled candidates stay unscheduled, so that only the candidates it does not mention are
/// placed (re-slotting after a cancellation); `stop` is asked between steps whether to stop
/// improving.
pub fn solve(
    instance: &Instance,
    options: Options,
    keep: Option<&Schedule>,
    stop: &mut dyn FnMut() -> bool,
) -> Result<Outcome, KeepError> {
    let mut planner = Planner::new(instance, options);
    let mut calendar = Calendar::new(instance.interviewers.len());
    let mut loops: Vec<Option<Vec<Placed>>> = vec![None; instance.candidates.len()];
    let mut fixed = vec![false; instance.candidates.len()];
    // Re-slotting: candidates the kept schedule already gave up on keep their reasons and are
    // not tried again; only candidates it does not mention at all are placed.
    let mut given_up: Vec<Option<String>> = vec![None; instance.candidates.len()];

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
            }
            calendar.take(&placed);
            loops[candidate] = Some(placed);
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
    for &candidate in &queue {
        if let Some(placed) = planner.earliest(&calendar, candidate) {
            calendar.take(&placed);
            loops[candidate] = Some(placed);
        }
    }

    // The bound costs a search per candidate; re-slotting one candidate must not pay for it.
    let bound = if keep.is_none() {
        bound(instance, &mut planner)
    } else {
        Bound {
            value: instance.candidates.iter().map(|c| c.priority).sum(),
            argument: "every candidate (no bound is computed when re-slotting)".to_owned(),
        }
    };
    let value_of = |loops: &[Option<Vec<Placed>>]| -> i64 {
        loops
            .iter()
            .enumerate()
            .filter(|(_, l)| l.is_some())
            .map(|(c, _)| instance.candidates[c].priority)
            .sum()
    };

    // Improvement by large-neighbourhood search: for each candidate left out, free the loops
    // that use interviewers it could use (nearest in time first, a few at most), re-solve that
    // group exactly against the rest of the week, and keep the result if more (weighted)
    // candidates fit.
    if keep.is_none() {
        let mut improved = true;
        while improved && value_of(&loops) < bound.value && !stop() {
            improved = false;
            for &out in &queue {
                if loops[out].is_some() {
                    continue;
                }
                if stop() {
                    break;
                }
                let needed: Vec<usize> = planner.eligible[out].iter().flatten().copied().collect();
                let windows = &instance.candidates[out].available;
                let mut blockers: Vec<(i64, usize)> = (0..instance.candidates.len())
                    .filter_map(|c| {
                        let placed = loops[c].as_ref()?;
                        if fixed[c] || !placed.iter().any(|p| needed.contains(&p.interviewer)) {
                            return None;
                        }
                        // Distance in time from the candidate's windows, for nearest first.
                        let distance = placed
                            .iter()
                            .map(|p| {
                                windows
                                    .iter()
                                    .map(|w| {
                                        (w.start - p.span.end).max(p.span.start - w.end).max(0)
                                    })
                                    .min()
                                    .unwrap_or(i64::MAX)
                            })
                            .min()
                            .unwrap_or(i64::MAX);
                        Some((distance, c))
                    })
                    .collect();
                blockers.sort();
                let mut group = vec![out];
                group.extend(blockers.iter().take(NEIGHBOURHOOD - 1).map(|&(_, c)| c));
                let before: i64 = group
                    .iter()
                    .filter(|&&c| loops[c].is_some())
                    .map(|&c| instance.candidates[c].priority)
                    .sum();
                let freed: Vec<Option<Vec<Placed>>> =
                    group.iter().map(|&c| loops[c].take()).collect();
                for placed in freed.iter().flatten() {
                    calendar.release(placed);
                }
                planner.nodes_left = NODES_PER_NEIGHBOURHOOD;
                let per_candidate = (LOOPS_PER_NEIGHBOURHOOD / group.len()).max(4);
                let (placement, after) =
                    planner.best_placement(&mut calendar, &group, per_candidate);
                let chosen = if after > before { placement } else { freed };
                improved |= after > before;
                for (&c, placed) in group.iter().zip(chosen) {
                    if let Some(placed) = &placed {
                        calendar.take(placed);
                    }
                    loops[c] = placed;
                }
            }
        }
    }

    let value = value_of(&loops);
    let schedule = schedule_of(instance, &loops, &given_up, &mut planner, &calendar);
    Ok(Outcome {
        schedule,
        value,
        bound,
        iterations: planner.iterations,
    })
}

fn schedule_of(
    instance: &Instance,
    loops: &[Option<Vec<Placed>>],
    given_up: &[Option<String>],
    planner: &mut Planner,
    calendar: &Calendar,
) -> Schedule {
    let mut schedule = Schedule::default();
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
                let mut interviews: Vec<&Placed> = placed.iter().collect();
                interviews.sort_by_key(|p| p.span.start);
                schedule.loops.push(Loop {
                    candidate: person.id.clone(),
                    day: date_of(interviews[0].span.start).to_string(),
                    interviews: interviews
                        .into_iter()
                        .map(|p| Interview {
                            interviewer: instance.interviewers[p.interviewer].id.clone(),
                            requires: template.interviews[p.slot].requires.clone(),
                            start: instant_text(p.span.start),
                            end: instant_text(p.span.end),
                            shadow: None,
                        })
                        .collect(),
                });
            }
            None => schedule.unscheduled.push(Unscheduled {
                candidate: person.id.clone(),
                reason: match &given_up[candidate] {
                    Some(reason) => reason.clone(),
                    None => reason(instance, candidate, planner, calendar),
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
    let long_enough = instance.days.iter().any(|&day| {
        let midnight = midnight_of(day);
        person
            .available
            .iter()
            .any(|w| w.end.min(midnight + 48 * 60) - w.start.max(midnight) >= needed)
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
    let empty = Calendar::new(instance.interviewers.len());
    if planner.earliest(&empty, candidate).is_none() {
        return "no loop fits even in an empty week: the interviewers it needs are never free at the same times as the candidate".to_owned();
    }
    format!(
        "only {free} qualified {what} {} free on the candidate's days, never when the rest of the loop can be",
        if free == 1 { "interviewer" } else { "interviewers" }
    )
}

/// The smallest of several upper bounds on the weighted number of candidates scheduled.
fn bound(instance: &Instance, planner: &mut Planner) -> Bound {
    let empty = Calendar::new(instance.interviewers.len());
    let placeable: Vec<usize> = (0..instance.candidates.len())
        .filter(|&c| planner.earliest(&empty, c).is_some())
        .collect();
    let alone: i64 = placeable
        .iter()
        .map(|&c| instance.candidates[c].priority)
        .sum();
    let mut best = Bound {
        value: alone,
        argument: "candidates who fit at all in an empty week".to_owned(),
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
    for key in keys {
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
        // The most interviews of this kind each interviewer can give in the week.
        let shortest = instance
            .templates
            .iter()
            .flat_map(|t| t.interviews.iter())
            .filter(|s| needs(s))
            .map(|s| s.minutes)
            .min();
        let Some(shortest) = shortest else { continue };
        let mut capacity: i64 = 0;
        for person in &instance.interviewers {
            let qualified = key.as_ref().is_none_or(|k| person.qualified.contains(k));
            if !qualified || person.tracks.is_empty() {
                continue;
            }
            let mut week = 0_i64;
            for &day in &instance.days {
                let midnight = midnight_of(day);
                let fits: i64 = person
                    .available
                    .iter()
                    .map(|a| {
                        let start = ceil_to_grid(a.start.max(midnight), instance.grid);
                        let end = a.end.min(midnight + 24 * 60 + shortest);
                        let step = ceil_to_grid(shortest, instance.grid);
                        if end - start >= shortest {
                            (end - start - shortest) / step + 1
                        } else {
                            0
                        }
                    })
                    .sum();
                week += person
                    .daily_cap
                    .map_or(fits, |cap| fits.min(i64::from(cap)));
            }
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
    }
    best
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
