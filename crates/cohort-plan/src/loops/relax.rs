//! The max-flow relaxation behind one of the loop scheduler's bounds.
//!
//! Every interview of a kind (all interviews, or those requiring one key such as "bar raiser")
//! is a unit of flow from the source to an interviewer who could give it, through the
//! interviewer's time block, day and week:
//!
//! ```text
//! source -1-> (candidate, interview) -> (interviewer, time block) -1-> (interviewer, day)
//!        -daily cap-> interviewer -weekly cap-> sink
//! ```
//!
//! An interviewer's days are the dates in their own time zone, by which their daily cap counts.
//! An interview connects to a block when some grid start inside the block keeps the interview
//! inside both the candidate's and the interviewer's availability. A block is `shortest` minutes
//! (the shortest interview of the kind) of one UTC day, counted from midnight UTC, and the block
//! in which the interviewer's own midnight falls is cut in two there, so that each block lies in
//! one of the interviewer's days. Two interviews starting in one block would overlap, so each
//! block holds at most one. Any schedule's interviews of the kind are a flow in this network, so
//! the maximum flow bounds how many such interviews any schedule gives. What the network leaves
//! out (a loop is all or nothing, on one day, back to back, with different interviewers) only
//! makes the bound looser, never wrong.
//!
//! On large weeks the block layer can need millions of arcs; past [`ARCS_FOR_TIME_BLOCKS`] the
//! network is built a day at a time instead, each interviewer's day holding at most as many
//! interviews as fit in their availability that day.

use super::{ceil_to_grid, day_span, local_date, local_day, Instance, Interval, Slot, DAY};
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::HashMap;

/// Arcs at most in the network with time blocks; larger weeks get the day-level network.
const ARCS_FOR_TIME_BLOCKS: usize = 1_500_000;

/// A capacity no cut in these networks reaches.
const UNLIMITED: i64 = i64::MAX / 4;

/// The most interviews of the kind `needs` selects that the week can hold, by maximum flow, and
/// whether the network resolved time blocks (`true`) or only days. `eligible[c][s]`: the
/// interviewers who may give candidate `c`'s interview `s`; only `candidates` are counted.
pub(super) fn most_interviews(
    instance: &Instance,
    eligible: &[Vec<Vec<usize>>],
    candidates: &[usize],
    needs: &dyn Fn(&Slot) -> bool,
) -> Option<(i64, bool)> {
    let shortest = instance.shortest_interview(needs)?;
    for time_blocks in [true, false] {
        let mut network = Network::default();
        if build(
            instance,
            eligible,
            candidates,
            needs,
            shortest,
            time_blocks,
            &mut network,
        ) {
            return Some((network.max_flow(), time_blocks));
        }
    }
    None
}

/// Builds the network into `network`; `false` when time blocks would take too many arcs.
fn build(
    instance: &Instance,
    eligible: &[Vec<Vec<usize>>],
    candidates: &[usize],
    needs: &dyn Fn(&Slot) -> bool,
    shortest: i64,
    time_blocks: bool,
    network: &mut Network,
) -> bool {
    let source = network.node();
    let sink = network.node();
    let mut people: HashMap<usize, usize> = HashMap::new();
    let mut days: HashMap<(usize, i64), usize> = HashMap::new();
    let mut blocks: HashMap<(usize, i64), usize> = HashMap::new();
    let mut spans: HashMap<(Tz, NaiveDate), Interval> = HashMap::new();
    let mut reached: Vec<usize> = Vec::new();
    for &candidate in candidates {
        let person = &instance.candidates[candidate];
        let template = &instance.templates[person.template];
        for (index, slot) in template.interviews.iter().enumerate() {
            if !needs(slot) {
                continue;
            }
            let interview = network.node();
            network.arc(source, interview, 1);
            for &who in &eligible[candidate][index] {
                let interviewer = &instance.interviewers[who];
                reached.clear();
                // The interviewer's day holding the last start looked at: starts come mostly in
                // order, so the zone's rules are looked up about once a day.
                let mut day = Interval { start: 0, end: 0 };
                for window in &person.available {
                    for free in &interviewer.available {
                        let first = ceil_to_grid(window.start.max(free.start), instance.grid);
                        let last = window.end.min(free.end) - slot.minutes;
                        let mut start = first;
                        while start <= last {
                            if !(day.start..day.end).contains(&start) {
                                day = day_of(&mut spans, start, interviewer.time_zone);
                            }
                            let next = if time_blocks {
                                // Blocks are counted from midnight UTC, as without time zones,
                                // and the one the interviewer's midnight falls in is cut there.
                                let utc_midnight = start.div_euclid(DAY) * DAY;
                                let block = (start - utc_midnight) / shortest;
                                let key = (utc_midnight + block * shortest).max(day.start);
                                let node = *blocks.entry((who, key)).or_insert_with(|| {
                                    let node = network.node();
                                    let on = day_node(network, &mut days, who, day.start);
                                    network.arc(node, on, 1);
                                    node
                                });
                                if !reached.contains(&node) {
                                    reached.push(node);
                                }
                                (utc_midnight + (block + 1) * shortest)
                                    .min(utc_midnight + DAY)
                                    .min(day.end)
                            } else {
                                let node = day_node(network, &mut days, who, day.start);
                                if !reached.contains(&node) {
                                    reached.push(node);
                                }
                                day.end
                            };
                            // At least one grid step, so that the walk ends whatever the zone.
                            start = ceil_to_grid(next, instance.grid).max(start + instance.grid);
                        }
                    }
                }
                for &node in &reached {
                    network.arc(interview, node, 1);
                }
            }
            if time_blocks && network.arcs() > ARCS_FOR_TIME_BLOCKS {
                return false;
            }
        }
    }
    // Days to interviewers (daily caps, and without time blocks what fits in the day), and
    // interviewers to the sink (weekly caps). A day is keyed by its first minute.
    let mut day_list: Vec<(&(usize, i64), &usize)> = days.iter().collect();
    day_list.sort();
    for (&(who, midnight), &node) in day_list {
        let interviewer = &instance.interviewers[who];
        let person_node = *people.entry(who).or_insert_with(|| network.node());
        let mut cap = interviewer.daily_cap.map_or(UNLIMITED, i64::from);
        if !time_blocks {
            let day = local_day(midnight, interviewer.time_zone).1;
            cap = cap.min(interviewer.most_interviews_starting_in(instance.grid, day, shortest));
        }
        network.arc(node, person_node, cap);
    }
    let mut person_list: Vec<(&usize, &usize)> = people.iter().collect();
    person_list.sort();
    for (&who, &node) in person_list {
        let cap = instance.interviewers[who]
            .weekly_cap
            .map_or(UNLIMITED, i64::from);
        network.arc(node, sink, cap);
    }
    network.source = source;
    network.sink = sink;
    true
}

/// The minutes of the day on which `start` falls in `zone`. Days outside UTC are kept in
/// `spans`: the interviews of many candidates look at the same few days of each zone.
fn day_of(spans: &mut HashMap<(Tz, NaiveDate), Interval>, start: i64, zone: Tz) -> Interval {
    if zone == Tz::UTC {
        return local_day(start, zone).1;
    }
    let date = local_date(start, zone);
    *spans
        .entry((zone, date))
        .or_insert_with(|| day_span(zone, date))
}

fn day_node(
    network: &mut Network,
    days: &mut HashMap<(usize, i64), usize>,
    who: usize,
    midnight: i64,
) -> usize {
    *days
        .entry((who, midnight))
        .or_insert_with(|| network.node())
}

/// A flow network in arc lists, solved by Dinic's algorithm (blocking flows on BFS levels).
#[derive(Default)]
struct Network {
    nodes: usize,
    /// Arcs as (from, to, capacity); each gets its reverse arc when the network is solved.
    list: Vec<(u32, u32, i64)>,
    source: usize,
    sink: usize,
}

impl Network {
    fn node(&mut self) -> usize {
        self.nodes += 1;
        self.nodes - 1
    }

    fn arc(&mut self, from: usize, to: usize, capacity: i64) {
        self.list.push((from as u32, to as u32, capacity));
    }

    fn arcs(&self) -> usize {
        self.list.len()
    }

    fn max_flow(&self) -> i64 {
        // Compressed adjacency: each node's arcs (forward and reverse) are contiguous.
        let mut first = vec![0_usize; self.nodes + 1];
        for &(from, to, _) in &self.list {
            first[from as usize + 1] += 1;
            first[to as usize + 1] += 1;
        }
        for node in 0..self.nodes {
            first[node + 1] += first[node];
        }
        let total = first[self.nodes];
        let mut head = vec![0_u32; total];
        let mut capacity = vec![0_i64; total];
        let mut twin = vec![0_u32; total];
        let mut fill = first.clone();
        for &(from, to, cap) in &self.list {
            let forward = fill[from as usize];
            fill[from as usize] += 1;
            let backward = fill[to as usize];
            fill[to as usize] += 1;
            head[forward] = to;
            capacity[forward] = cap;
            twin[forward] = backward as u32;
            head[backward] = from;
            twin[backward] = forward as u32;
        }

        let (source, sink) = (self.source, self.sink);
        let mut flow = 0;
        let mut level = vec![-1_i32; self.nodes];
        let mut next = vec![0_usize; self.nodes];
        let mut queue = Vec::with_capacity(self.nodes);
        loop {
            level.fill(-1);
            level[source] = 0;
            queue.clear();
            queue.push(source);
            let mut read = 0;
            while read < queue.len() {
                let node = queue[read];
                read += 1;
                for arc in first[node]..first[node + 1] {
                    let to = head[arc] as usize;
                    if capacity[arc] > 0 && level[to] < 0 {
                        level[to] = level[node] + 1;
                        queue.push(to);
                    }
                }
            }
            if level[sink] < 0 {
                return flow;
            }
            next.copy_from_slice(&first[..self.nodes]);
            // Blocking flow: walk forward along level arcs, push at the sink, retreat from
            // dead ends (and remove them from this phase).
            let mut path: Vec<usize> = Vec::new();
            let mut node = source;
            loop {
                if node == sink {
                    let pushed = path.iter().map(|&a| capacity[a]).min().unwrap_or(0);
                    for &arc in &path {
                        capacity[arc] -= pushed;
                        capacity[twin[arc] as usize] += pushed;
                    }
                    flow += pushed;
                    let saturated = path.iter().position(|&a| capacity[a] == 0).unwrap_or(0);
                    path.truncate(saturated);
                    node = path.last().map_or(source, |&a| head[a] as usize);
                    continue;
                }
                while next[node] < first[node + 1] {
                    let arc = next[node];
                    let to = head[arc] as usize;
                    if capacity[arc] > 0 && level[to] == level[node] + 1 {
                        break;
                    }
                    next[node] += 1;
                }
                if next[node] == first[node + 1] {
                    level[node] = -1;
                    match path.pop() {
                        None => break,
                        Some(arc) => {
                            node = head[twin[arc] as usize] as usize;
                            next[node] += 1;
                        }
                    }
                    continue;
                }
                let arc = next[node];
                path.push(arc);
                node = head[arc] as usize;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_flow_of_a_small_network_is_its_minimum_cut() {
        // Two paths share a middle arc of capacity 3: 0 -> 2 (4), 0 -> 3 (2), 2 -> 4 (3),
        // 3 -> 4 (5), 4 -> 1 (10), 2 -> 1 (1). The cut {0->3, 2->4, 2->1} carries 2 + 3 + 1 = 6.
        let mut network = Network::default();
        for _ in 0..5 {
            network.node();
        }
        network.source = 0;
        network.sink = 1;
        for (from, to, cap) in [
            (0, 2, 4),
            (0, 3, 2),
            (2, 4, 3),
            (3, 4, 5),
            (4, 1, 10),
            (2, 1, 1),
        ] {
            network.arc(from, to, cap);
        }
        assert_eq!(network.max_flow(), 6);
    }

    #[test]
    fn max_flow_needs_the_reverse_arcs() {
        // The first path found (0-2-3-1) must be undone in part to reach the maximum of 2.
        let mut network = Network::default();
        for _ in 0..4 {
            network.node();
        }
        network.source = 0;
        network.sink = 1;
        for (from, to) in [(0, 2), (2, 3), (3, 1), (0, 3), (2, 1)] {
            network.arc(from, to, 1);
        }
        assert_eq!(network.max_flow(), 2);
    }
}
