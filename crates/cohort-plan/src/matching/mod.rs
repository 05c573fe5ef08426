//! Mentor and buddy matching.
//!
//! An instance lists interns and mentors (or, for buddies, recent hires under `mentors` or
//! `buddies`). Either `scores` are given, sparse (a pair without a score cannot be matched), or
//! every pair is scored by the explainable model in [`score`]. `forbidden` pairs are never
//! matched.
//!
//! - [`solve_optimal`]: as many interns matched as possible, then the highest total score, with
//!   a dual certificate that proves it ([`assign`]).
//! - [`solve_stable`]: a stable matching in which no intern and mentor would both rather have
//!   each other than what they got ([`stable`]).

pub mod assign;
pub mod score;
pub mod stable;

use crate::{parse_json, InputError};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

pub use score::Weights;

/// Scores given in the input must lie within this many points of zero, so that the solver's
/// integer arithmetic cannot overflow however large the instance.
pub const MAX_ABS_SCORE: i64 = 1_000_000;
/// Interns per instance at most (the same bound keeps the arithmetic exact).
pub const MAX_INTERNS: usize = 200_000;

#[derive(Deserialize)]
struct RawInstance {
    #[serde(default)]
    interns: Vec<RawPerson>,
    #[serde(default, alias = "buddies")]
    mentors: Vec<RawPerson>,
    #[serde(default)]
    scores: Option<Vec<RawScore>>,
    #[serde(default)]
    forbidden: Vec<(String, String)>,
    #[serde(default)]
    weights: Option<Weights>,
    #[serde(default)]
    reference_date: Option<String>,
    #[serde(default)]
    rankings: RawRankings,
}

#[derive(Deserialize)]
struct RawPerson {
    id: String,
    #[serde(default)]
    team: Option<String>,
    #[serde(default)]
    skills: Vec<String>,
    #[serde(default)]
    goals: Vec<String>,
    #[serde(default)]
    time_zone: Option<String>,
    #[serde(default)]
    capacity: Option<i64>,
}

#[derive(Deserialize)]
struct RawScore {
    intern: String,
    mentor: String,
    score: i64,
}

#[derive(Deserialize, Default)]
struct RawRankings {
    #[serde(default)]
    interns: HashMap<String, Vec<String>>,
    #[serde(default)]
    mentors: HashMap<String, Vec<String>>,
}

/// One person's profile, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub id: String,
    pub team: Option<String>,
    /// Lower-cased for comparison, in input order, without repeats.
    pub skills: Vec<String>,
    pub goals: Vec<String>,
    pub time_zone: Option<chrono_tz::Tz>,
}

/// A pair that may be matched, with its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub mentor: u32,
    pub score: i64,
}

/// A validated matching instance.
#[derive(Debug, Clone)]
pub struct Instance {
    pub interns: Vec<Profile>,
    pub mentors: Vec<Profile>,
    /// How many interns each mentor takes at most (at least 1).
    pub capacity: Vec<u32>,
    /// For each intern, the mentors it may be matched with and the pair's score, in mentor
    /// order. Forbidden pairs are absent.
    pub pairs: Vec<Vec<Pair>>,
    /// Whether the scores came from the input (true) or from the scoring model (false).
    pub scores_given: bool,
    /// How many pairs the input forbade, per intern (for explaining who stayed unmatched).
    pub forbidden_per_intern: Vec<u32>,
    pub weights: Weights,
    /// The date whose UTC offsets the time-zone distance uses.
    pub reference_date: chrono::NaiveDate,
    /// Explicit preference lists for the stable mode, by index; `None` means "by score".
    pub intern_rankings: Vec<Option<Vec<u32>>>,
    pub mentor_rankings: Vec<Option<Vec<u32>>>,
}

impl Instance {
    /// Parses and validates a JSON instance.
    pub fn from_json(text: &str) -> Result<Instance, InputError> {
        let raw: RawInstance = parse_json(text)?;
        Instance::from_raw(raw)
    }

    fn from_raw(raw: RawInstance) -> Result<Instance, InputError> {
        if raw.interns.len() > MAX_INTERNS {
            return Err(InputError::new(
                "interns",
                format!("at most {MAX_INTERNS} interns per instance"),
            ));
        }
        let weights = raw.weights.unwrap_or_default();
        weights.check()?;
        let reference_date = reference_date_of(raw.reference_date.as_deref())?;
        let interns = profiles(&raw.interns, "interns")?;
        let mentors = profiles(&raw.mentors, "mentors")?;
        let capacity = capacities(&raw.mentors)?;
        let intern_index = index_of(&interns);
        let mentor_index = index_of(&mentors);
        let Forbidden {
            pairs: forbidden,
            per_intern: forbidden_per_intern,
        } = forbidden_pairs(&raw.forbidden, &intern_index, &mentor_index, interns.len())?;

        let scores_given = raw.scores.is_some();
        let pairs = match raw.scores {
            Some(scores) => given_pairs(
                &scores,
                &intern_index,
                &mentor_index,
                &forbidden,
                interns.len(),
            )?,
            None => modelled_pairs(&weights, reference_date, &interns, &mentors, &forbidden),
        };

        let intern_rankings = rankings(
            &raw.rankings.interns,
            &intern_index,
            &mentor_index,
            interns.len(),
            "rankings.interns",
            "mentor",
        )?;
        let mentor_rankings = rankings(
            &raw.rankings.mentors,
            &mentor_index,
            &intern_index,
            mentors.len(),
            "rankings.mentors",
            "intern",
        )?;

        Ok(Instance {
            interns,
            mentors,
            capacity,
            pairs,
            scores_given,
            forbidden_per_intern,
            weights,
            reference_date,
            intern_rankings,
            mentor_rankings,
        })
    }

    /// Why a pair scores what it does, in words a coordinator can check.
    pub fn reasons(&self, intern: usize, mentor: usize) -> Vec<String> {
        if self.scores_given {
            return vec!["score given in the input".to_owned()];
        }
        score::Model::new(
            &self.weights,
            self.reference_date,
            &self.interns,
            &self.mentors,
        )
        .reasons(&self.interns[intern], intern, mentor)
    }
}

fn profiles(raw: &[RawPerson], field: &str) -> Result<Vec<Profile>, InputError> {
    let mut seen = HashMap::with_capacity(raw.len());
    let mut profiles = Vec::with_capacity(raw.len());
    for (index, person) in raw.iter().enumerate() {
        let id = person.id.trim();
        if id.is_empty() {
            return Err(InputError::new(
                format!("{field}[{index}].id"),
                "must not be empty",
            ));
        }
        if let Some(first) = seen.insert(id.to_owned(), index) {
            return Err(InputError::new(
                format!("{field}[{index}].id"),
                format!("\"{id}\" is already the id of {field}[{first}]"),
            ));
        }
        let time_zone = match person.time_zone.as_deref() {
            None | Some("") => None,
            Some(name) => Some(name.parse::<chrono_tz::Tz>().map_err(|_| {
                InputError::new(
                    format!("{field}[{index}].time_zone"),
                    format!("\"{name}\" is not an IANA time zone such as Europe/Dublin"),
                )
            })?),
        };
        profiles.push(Profile {
            id: id.to_owned(),
            team: person
                .team
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            skills: lowered(&person.skills),
            goals: lowered(&person.goals),
            time_zone,
        });
    }
    Ok(profiles)
}

/// The date whose UTC offsets the time-zone distance uses: the input's `reference_date`, or
/// the scoring model's default when the input gives none.
fn reference_date_of(text: Option<&str>) -> Result<chrono::NaiveDate, InputError> {
    match text {
        None => Ok(score::DEFAULT_REFERENCE_DATE),
        Some(text) => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            InputError::new(
                "reference_date",
                format!("\"{text}\" is not a date like 2027-06-01"),
            )
        }),
    }
}

/// How many interns each mentor takes, one when the input does not say.
fn capacities(mentors: &[RawPerson]) -> Result<Vec<u32>, InputError> {
    let mut capacity = Vec::with_capacity(mentors.len());
    for (index, mentor) in mentors.iter().enumerate() {
        let value = mentor.capacity.unwrap_or(1);
        if !(1..=1000).contains(&value) {
            return Err(InputError::new(
                format!("mentors[{index}].capacity"),
                format!("must be between 1 and 1000, not {value}"),
            ));
        }
        capacity.push(value as u32);
    }
    Ok(capacity)
}

/// The pairs the input forbids.
struct Forbidden {
    /// (intern, mentor) by index.
    pairs: HashSet<(u32, u32)>,
    /// How many distinct pairs each intern is forbidden (a pair listed twice counts once).
    per_intern: Vec<u32>,
}

/// The forbidden pairs, by index.
fn forbidden_pairs(
    raw: &[(String, String)],
    intern_index: &HashMap<&str, u32>,
    mentor_index: &HashMap<&str, u32>,
    intern_count: usize,
) -> Result<Forbidden, InputError> {
    let mut forbidden = HashSet::new();
    let mut forbidden_per_intern = vec![0_u32; intern_count];
    for (index, (intern, mentor)) in raw.iter().enumerate() {
        let i = *intern_index.get(intern.as_str()).ok_or_else(|| {
            InputError::new(
                format!("forbidden[{index}][0]"),
                format!("no intern has the id \"{intern}\""),
            )
        })?;
        let m = *mentor_index.get(mentor.as_str()).ok_or_else(|| {
            InputError::new(
                format!("forbidden[{index}][1]"),
                format!("no mentor has the id \"{mentor}\""),
            )
        })?;
        if forbidden.insert((i, m)) {
            forbidden_per_intern[i as usize] += 1;
        }
    }
    Ok(Forbidden {
        pairs: forbidden,
        per_intern: forbidden_per_intern,
    })
}

/// Each intern's pairs from the scores the input gives, in mentor order. Only scored pairs
/// can be matched, so an intern without scores has no pairs.
fn given_pairs(
    scores: &[RawScore],
    intern_index: &HashMap<&str, u32>,
    mentor_index: &HashMap<&str, u32>,
    forbidden: &HashSet<(u32, u32)>,
    intern_count: usize,
) -> Result<Vec<Vec<Pair>>, InputError> {
    let mut pairs: Vec<Vec<Pair>> = vec![Vec::new(); intern_count];
    let mut seen = HashSet::with_capacity(scores.len());
    for (index, entry) in scores.iter().enumerate() {
        let i = *intern_index.get(entry.intern.as_str()).ok_or_else(|| {
            InputError::new(
                format!("scores[{index}].intern"),
                format!("no intern has the id \"{}\"", entry.intern),
            )
        })?;
        let m = *mentor_index.get(entry.mentor.as_str()).ok_or_else(|| {
            InputError::new(
                format!("scores[{index}].mentor"),
                format!("no mentor has the id \"{}\"", entry.mentor),
            )
        })?;
        if entry.score.abs() > MAX_ABS_SCORE {
            return Err(InputError::new(
                format!("scores[{index}].score"),
                format!("must lie between -{MAX_ABS_SCORE} and {MAX_ABS_SCORE}"),
            ));
        }
        if !seen.insert((i, m)) {
            return Err(InputError::new(
                format!("scores[{index}]"),
                format!(
                    "the pair (\"{}\", \"{}\") is scored twice",
                    entry.intern, entry.mentor
                ),
            ));
        }
        if !forbidden.contains(&(i, m)) {
            pairs[i as usize].push(Pair {
                mentor: m,
                score: entry.score,
            });
        }
    }
    for list in &mut pairs {
        list.sort_unstable_by_key(|pair| pair.mentor);
    }
    Ok(pairs)
}

/// Every allowed pair, scored by the model, in mentor order.
fn modelled_pairs(
    weights: &Weights,
    reference_date: chrono::NaiveDate,
    interns: &[Profile],
    mentors: &[Profile],
    forbidden: &HashSet<(u32, u32)>,
) -> Vec<Vec<Pair>> {
    let mut pairs: Vec<Vec<Pair>> = vec![Vec::new(); interns.len()];
    let model = score::Model::new(weights, reference_date, interns, mentors);
    for (i, intern) in interns.iter().enumerate() {
        let list = &mut pairs[i];
        list.reserve(mentors.len());
        for m in 0..mentors.len() {
            if !forbidden.contains(&(i as u32, m as u32)) {
                list.push(Pair {
                    mentor: m as u32,
                    score: model.score(intern, i, m),
                });
            }
        }
    }
    pairs
}

fn lowered(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let value = value.trim().to_lowercase();
        if !value.is_empty() && !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

fn index_of(profiles: &[Profile]) -> HashMap<&str, u32> {
    profiles
        .iter()
        .enumerate()
        .map(|(index, profile)| (profile.id.as_str(), index as u32))
        .collect()
}

fn rankings(
    raw: &HashMap<String, Vec<String>>,
    own: &HashMap<&str, u32>,
    other: &HashMap<&str, u32>,
    count: usize,
    field: &str,
    other_kind: &str,
) -> Result<Vec<Option<Vec<u32>>>, InputError> {
    let mut out = vec![None; count];
    // Sorted so that the first error reported does not depend on hash order.
    let mut entries: Vec<_> = raw.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (id, list) in entries {
        let Some(&index) = own.get(id.as_str()) else {
            return Err(InputError::new(
                format!("{field}.{id}"),
                format!("\"{id}\" is not listed"),
            ));
        };
        let mut ranked = Vec::with_capacity(list.len());
        for (position, name) in list.iter().enumerate() {
            let Some(&target) = other.get(name.as_str()) else {
                return Err(InputError::new(
                    format!("{field}.{id}[{position}]"),
                    format!("no {other_kind} has the id \"{name}\""),
                ));
            };
            if ranked.contains(&target) {
                return Err(InputError::new(
                    format!("{field}.{id}[{position}]"),
                    format!("\"{name}\" is ranked twice"),
                ));
            }
            ranked.push(target);
        }
        out[index as usize] = Some(ranked);
    }
    Ok(out)
}

/// One matched pair in the output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    pub intern: String,
    pub mentor: String,
    pub score: i64,
    pub reasons: Vec<String>,
}

/// An intern left unmatched, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmatched {
    pub intern: String,
    pub reason: String,
}

/// The proof of optimality, in the objective's own terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bound {
    /// No matching matches more interns than this.
    pub matched: usize,
    /// No matching of that many interns scores more than this.
    pub total_score: i64,
    /// Which argument gives the bound.
    pub argument: String,
}

/// What the command prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub matches: Vec<Match>,
    pub unmatched: Vec<Unmatched>,
    pub total_score: i64,
    /// True when the bound equals the matching: nothing better exists.
    pub optimal: bool,
    /// Present in the optimal mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
    /// Present in the stable mode: whether the matching was checked to have no blocking pair.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stable: Option<bool>,
    pub stats: Stats,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub interns: usize,
    pub mentors: usize,
    pub pairs: usize,
    /// Shortest-path searches (optimal mode) or proposals (stable mode).
    pub iterations: u64,
}

/// Matches as many interns as possible, then maximises the total score; proves it.
pub fn solve_optimal(instance: &Instance) -> Outcome {
    let problem = assign::Problem::from_instance(instance);
    let solution = assign::solve(&problem);
    let certificate = solution.certificate(&problem);
    let matched = solution.assignment.iter().flatten().count();
    let total: i64 = solution.total_score;
    let (bound, optimal) = match certificate {
        Ok(proof) => (
            Bound {
                matched: proof.max_matched,
                total_score: proof.max_score,
                argument: "linear-programming dual: a price per intern and per mentor, every \
                           pair's constraint and every price's sign checked after solving"
                    .to_owned(),
            },
            proof.max_matched == matched && proof.max_score == total,
        ),
        // A certificate that fails its own check means a solver bug; say so rather than claim.
        Err(problem) => (
            Bound {
                matched,
                total_score: total,
                argument: format!("none: the dual certificate failed its check ({problem})"),
            },
            false,
        ),
    };
    Outcome {
        matches: matches_of(instance, &solution.assignment),
        unmatched: unmatched_of(instance, &solution.assignment, Mode::Optimal),
        total_score: total,
        optimal,
        bound: Some(bound),
        stable: None,
        stats: Stats {
            interns: instance.interns.len(),
            mentors: instance.mentors.len(),
            pairs: instance.pairs.iter().map(Vec::len).sum(),
            iterations: solution.searches,
        },
    }
}

/// An intern-optimal stable matching under the rankings (explicit, or by score).
pub fn solve_stable(instance: &Instance) -> Outcome {
    let preferences = stable::Preferences::from_instance(instance);
    let result = stable::solve(&preferences);
    let is_stable = stable::blocking_pair(&preferences, &result.assignment).is_none();
    let total = result
        .assignment
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.map(|m| score_of(instance, i, m as usize)))
        .sum();
    Outcome {
        matches: matches_of(instance, &result.assignment),
        unmatched: unmatched_of(instance, &result.assignment, Mode::Stable),
        total_score: total,
        optimal: false,
        bound: None,
        stable: Some(is_stable),
        stats: Stats {
            interns: instance.interns.len(),
            mentors: instance.mentors.len(),
            pairs: instance.pairs.iter().map(Vec::len).sum(),
            iterations: result.proposals,
        },
    }
}

/// The score of a pair that may be matched (0 if the pair has none, which callers avoid).
pub fn score_of(instance: &Instance, intern: usize, mentor: usize) -> i64 {
    instance.pairs[intern]
        .binary_search_by_key(&(mentor as u32), |pair| pair.mentor)
        .map(|at| instance.pairs[intern][at].score)
        .unwrap_or(0)
}

fn matches_of(instance: &Instance, assignment: &[Option<u32>]) -> Vec<Match> {
    assignment
        .iter()
        .enumerate()
        .filter_map(|(i, mentor)| {
            mentor.map(|m| Match {
                intern: instance.interns[i].id.clone(),
                mentor: instance.mentors[m as usize].id.clone(),
                score: score_of(instance, i, m as usize),
                reasons: instance.reasons(i, m as usize),
            })
        })
        .collect()
}

#[derive(Clone, Copy)]
enum Mode {
    Optimal,
    Stable,
}

fn unmatched_of(instance: &Instance, assignment: &[Option<u32>], mode: Mode) -> Vec<Unmatched> {
    assignment
        .iter()
        .enumerate()
        .filter(|(_, mentor)| mentor.is_none())
        .map(|(i, _)| Unmatched {
            intern: instance.interns[i].id.clone(),
            reason: unmatched_reason(instance, i, mode),
        })
        .collect()
}

fn unmatched_reason(instance: &Instance, intern: usize, mode: Mode) -> String {
    let eligible = &instance.pairs[intern];
    let forbidden = instance.forbidden_per_intern[intern];
    if eligible.is_empty() {
        return match (
            instance.mentors.is_empty(),
            instance.scores_given,
            forbidden,
        ) {
            (true, _, _) => "there are no mentors".to_owned(),
            (false, true, 0) => "no mentor was scored for this intern".to_owned(),
            (false, true, _) => "every scored mentor is forbidden".to_owned(),
            (false, false, _) => "every mentor is forbidden".to_owned(),
        };
    }
    let seats: u64 = eligible
        .iter()
        .map(|pair| u64::from(instance.capacity[pair.mentor as usize]))
        .sum();
    let mentors = eligible.len();
    let noun = if instance.scores_given {
        "scored"
    } else {
        "eligible"
    };
    let why = match mode {
        Mode::Optimal => "matching this intern would leave another intern unmatched",
        Mode::Stable => "each of them prefers the interns they have",
    };
    format!(
        "every {noun} mentor is full ({mentors} {}, {seats} {} in all); {why}{}",
        if mentors == 1 { "mentor" } else { "mentors" },
        if seats == 1 { "seat" } else { "seats" },
        if forbidden > 0 {
            format!("; {forbidden} forbidden")
        } else {
            String::new()
        }
    )
}
