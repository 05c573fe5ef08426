//! Stable matching with capacities (the hospitals/residents problem), interns proposing.
//!
//! Each intern ranks the mentors it may be matched with; each mentor ranks the interns it may
//! take. Rankings come from the input's `rankings` or, where a person has none, from the pair
//! scores (highest first, ties by input order). A pair is acceptable when both sides rank each
//! other. The result has no blocking pair: no intern and mentor who would both rather be
//! together than keep what they have (the mentor because of a free seat or a lower-ranked
//! intern). Of all stable matchings it is the best for every intern at once.

use super::Instance;

/// Both sides' preference lists, by index.
pub struct Preferences {
    /// Each intern's acceptable mentors, best first.
    intern_lists: Vec<Vec<u32>>,
    /// Each mentor's ranks: `(intern, rank)` sorted by intern; absent means unacceptable.
    mentor_ranks: Vec<Vec<(u32, u32)>>,
    capacity: Vec<u32>,
}

impl Preferences {
    pub fn from_instance(instance: &Instance) -> Preferences {
        let mentors = instance.mentors.len();
        let has_pair = |i: usize, m: u32| {
            instance.pairs[i]
                .binary_search_by_key(&m, |pair| pair.mentor)
                .is_ok()
        };
        let intern_lists = (0..instance.interns.len())
            .map(|i| match &instance.intern_rankings[i] {
                Some(ranked) => ranked.iter().copied().filter(|&m| has_pair(i, m)).collect(),
                None => {
                    let mut pairs = instance.pairs[i].clone();
                    pairs.sort_by_key(|pair| (std::cmp::Reverse(pair.score), pair.mentor));
                    pairs.into_iter().map(|pair| pair.mentor).collect()
                }
            })
            .collect();
        // The interns each mentor could be matched with, and their scores.
        let mut candidates: Vec<Vec<(u32, i64)>> = vec![Vec::new(); mentors];
        for (i, pairs) in instance.pairs.iter().enumerate() {
            for pair in pairs {
                candidates[pair.mentor as usize].push((i as u32, pair.score));
            }
        }
        let mentor_ranks = (0..mentors)
            .map(|m| {
                let order: Vec<u32> = match &instance.mentor_rankings[m] {
                    Some(ranked) => ranked
                        .iter()
                        .copied()
                        .filter(|&i| has_pair(i as usize, m as u32))
                        .collect(),
                    None => {
                        let mut list = candidates[m].clone();
                        list.sort_by_key(|&(i, score)| (std::cmp::Reverse(score), i));
                        list.into_iter().map(|(i, _)| i).collect()
                    }
                };
                let mut ranks: Vec<(u32, u32)> = order
                    .into_iter()
                    .enumerate()
                    .map(|(rank, i)| (i, rank as u32))
                    .collect();
                ranks.sort_unstable();
                ranks
            })
            .collect();
        Preferences {
            intern_lists,
            mentor_ranks,
            capacity: instance.capacity.clone(),
        }
    }

    /// Where `mentor` ranks `intern` (0 is best), or `None` if it would not take them.
    fn rank(&self, mentor: u32, intern: u32) -> Option<u32> {
        let ranks = &self.mentor_ranks[mentor as usize];
        ranks
            .binary_search_by_key(&intern, |&(i, _)| i)
            .ok()
            .map(|at| ranks[at].1)
    }
}

pub struct StableResult {
    pub assignment: Vec<Option<u32>>,
    pub proposals: u64,
}

/// Interns propose in turn down their lists; a mentor keeps the best proposals up to capacity.
pub fn solve(preferences: &Preferences) -> StableResult {
    let interns = preferences.intern_lists.len();
    let mut next = vec![0_usize; interns];
    let mut assignment = vec![None; interns];
    // Each mentor's interns, as (rank, intern).
    let mut held: Vec<Vec<(u32, u32)>> = vec![Vec::new(); preferences.capacity.len()];
    let mut free: Vec<u32> = (0..interns as u32).rev().collect();
    let mut proposals = 0;
    while let Some(intern) = free.pop() {
        let list = &preferences.intern_lists[intern as usize];
        while next[intern as usize] < list.len() {
            let mentor = list[next[intern as usize]];
            next[intern as usize] += 1;
            proposals += 1;
            let Some(rank) = preferences.rank(mentor, intern) else {
                continue;
            };
            let seats = &mut held[mentor as usize];
            if (seats.len() as u32) < preferences.capacity[mentor as usize] {
                seats.push((rank, intern));
                assignment[intern as usize] = Some(mentor);
                break;
            }
            let (worst_at, &(worst_rank, worst_intern)) = seats
                .iter()
                .enumerate()
                .max_by_key(|(_, held)| held.0)
                .expect("a full mentor holds someone");
            if rank < worst_rank {
                seats[worst_at] = (rank, intern);
                assignment[intern as usize] = Some(mentor);
                assignment[worst_intern as usize] = None;
                free.push(worst_intern);
                break;
            }
        }
    }
    StableResult {
        assignment,
        proposals,
    }
}

/// A pair that would both rather be together (or an assigned pair the mentor does not accept),
/// if there is one. Checked independently of [`solve`], straight from the definition.
pub fn blocking_pair(
    preferences: &Preferences,
    assignment: &[Option<u32>],
) -> Option<(usize, usize)> {
    let mentors = preferences.capacity.len();
    let mut worst_held: Vec<Option<u32>> = vec![None; mentors];
    let mut load = vec![0_u32; mentors];
    for (intern, mentor) in assignment.iter().enumerate() {
        if let Some(m) = mentor {
            // A pair that is not acceptable to the mentor makes the matching invalid outright.
            let Some(rank) = preferences.rank(*m, intern as u32) else {
                return Some((intern, *m as usize));
            };
            load[*m as usize] += 1;
            let worst = &mut worst_held[*m as usize];
            *worst = Some(worst.map_or(rank, |w| w.max(rank)));
        }
    }
    for (intern, list) in preferences.intern_lists.iter().enumerate() {
        for &mentor in list {
            if assignment[intern] == Some(mentor) {
                break;
            }
            let Some(rank) = preferences.rank(mentor, intern as u32) else {
                continue;
            };
            let m = mentor as usize;
            let has_room = load[m] < preferences.capacity[m];
            if has_room || worst_held[m].is_some_and(|worst| rank < worst) {
                return Some((intern, m));
            }
        }
    }
    None
}
