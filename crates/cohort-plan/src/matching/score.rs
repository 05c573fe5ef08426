//! The explainable scoring model used when the input gives no `scores`.
//!
//! A pair's score is a sum of parts a coordinator can check by reading two profiles:
//!
//! | part | points (default weight) |
//! |---|---|
//! | same team | `same_team` (40) |
//! | each skill both list | `shared_skill` (15) each |
//! | each intern goal the mentor lists as a skill | `goal` (20) each |
//! | time-zone distance | minus `time_zone_hour` (3) per hour apart |
//!
//! Skills and goals compare case-insensitively. Time zones are compared by their UTC offsets on
//! the instance's `reference_date` (default 2027-06-01, inside a summer program, so daylight
//! saving time is as the program will see it), going the short way round the clock: Auckland and
//! Honolulu are 2 hours apart, not 22. A pair where either side has no time zone gets no
//! distance penalty. Weights may be set in the input (`"weights": {"same_team": 50}`); each
//! must lie between 0 and 1,000.

use super::Profile;
use crate::InputError;
use chrono::{NaiveDate, Offset, TimeZone};
use serde::{Deserialize, Serialize};

/// The date whose offsets the time-zone distance uses when the input names none.
pub const DEFAULT_REFERENCE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2027, 6, 1) {
    Some(date) => date,
    None => panic!("a valid constant date"),
};

/// Points per part of the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub same_team: i64,
    pub shared_skill: i64,
    pub goal: i64,
    pub time_zone_hour: i64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            same_team: 40,
            shared_skill: 15,
            goal: 20,
            time_zone_hour: 3,
        }
    }
}

impl Weights {
    pub(crate) fn check(&self) -> Result<(), InputError> {
        for (name, value) in [
            ("same_team", self.same_team),
            ("shared_skill", self.shared_skill),
            ("goal", self.goal),
            ("time_zone_hour", self.time_zone_hour),
        ] {
            if !(0..=1000).contains(&value) {
                return Err(InputError::new(
                    format!("weights.{name}"),
                    format!("must be between 0 and 1000, not {value}"),
                ));
            }
        }
        Ok(())
    }
}

/// The model, with each person's UTC offset worked out once.
pub struct Model<'a> {
    weights: &'a Weights,
    mentors: &'a [Profile],
    intern_offsets: Vec<Option<i32>>,
    mentor_offsets: Vec<Option<i32>>,
}

impl<'a> Model<'a> {
    pub fn new(
        weights: &'a Weights,
        date: NaiveDate,
        interns: &'a [Profile],
        mentors: &'a [Profile],
    ) -> Model<'a> {
        let noon = date.and_hms_opt(12, 0, 0).expect("noon exists");
        let offset = |profile: &Profile| {
            profile
                .time_zone
                .map(|zone| zone.offset_from_utc_datetime(&noon).fix().local_minus_utc() / 60)
        };
        Model {
            weights,
            mentors,
            intern_offsets: interns.iter().map(offset).collect(),
            mentor_offsets: mentors.iter().map(offset).collect(),
        }
    }

    /// Minutes between two offsets, the short way round the clock.
    fn minutes_apart(&self, intern: usize, mentor: usize) -> Option<i64> {
        let (a, b) = (self.intern_offsets[intern]?, self.mentor_offsets[mentor]?);
        let apart = i64::from((a - b).abs()) % (24 * 60);
        Some(apart.min(24 * 60 - apart))
    }

    pub fn score(&self, intern: &Profile, intern_index: usize, mentor_index: usize) -> i64 {
        let mentor = &self.mentors[mentor_index];
        let mut score = 0;
        if intern.team.is_some() && intern.team == mentor.team {
            score += self.weights.same_team;
        }
        let shared = intern
            .skills
            .iter()
            .filter(|s| mentor.skills.contains(s))
            .count() as i64;
        score += shared * self.weights.shared_skill;
        let goals = intern
            .goals
            .iter()
            .filter(|g| mentor.skills.contains(g))
            .count() as i64;
        score += goals * self.weights.goal;
        if let Some(minutes) = self.minutes_apart(intern_index, mentor_index) {
            score -= minutes * self.weights.time_zone_hour / 60;
        }
        // Hundreds of shared skills could otherwise push a score past what the solver's exact
        // integer arithmetic is sized for.
        score.clamp(-super::MAX_ABS_SCORE, super::MAX_ABS_SCORE)
    }

    /// The parts of [`Model::score`] that contributed, in words.
    pub fn reasons(
        &self,
        intern: &Profile,
        intern_index: usize,
        mentor_index: usize,
    ) -> Vec<String> {
        let mentor = &self.mentors[mentor_index];
        let mut reasons = Vec::new();
        if intern.team.is_some() && intern.team == mentor.team {
            reasons.push("same team".to_owned());
        }
        for skill in intern.skills.iter().filter(|s| mentor.skills.contains(s)) {
            reasons.push(format!("shares {skill}"));
        }
        for goal in intern.goals.iter().filter(|g| mentor.skills.contains(g)) {
            reasons.push(format!("can guide the goal {goal}"));
        }
        match self.minutes_apart(intern_index, mentor_index) {
            Some(0) => reasons.push("same time zone offset".to_owned()),
            Some(minutes) => reasons.push(format!("{} apart", hours_text(minutes))),
            None => {}
        }
        reasons
    }
}

fn hours_text(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (1, 0) => "1 hour".to_owned(),
        (hours, 0) => format!("{hours} hours"),
        (hours, rest) => format!("{hours} h {rest} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(team: &str, skills: &[&str], goals: &[&str], zone: &str) -> Profile {
        Profile {
            id: "x".to_owned(),
            team: Some(team.to_owned()),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            goals: goals.iter().map(|s| s.to_string()).collect(),
            time_zone: Some(zone.parse().unwrap()),
        }
    }

    #[test]
    fn each_part_of_the_score_has_a_reason_and_its_points() {
        let intern = profile(
            "Lambda",
            &["rust", "go"],
            &["distributed systems"],
            "America/Los_Angeles",
        );
        let mentor = profile(
            "Lambda",
            &["rust", "distributed systems"],
            &[],
            "America/New_York",
        );
        let weights = Weights::default();
        let interns = [intern.clone()];
        let mentors = [mentor];
        let model = Model::new(&weights, DEFAULT_REFERENCE_DATE, &interns, &mentors);
        // 40 (team) + 15 (rust) + 20 (goal) - 3 * 3 (hours apart).
        assert_eq!(model.score(&intern, 0, 0), 66);
        assert_eq!(
            model.reasons(&intern, 0, 0),
            vec![
                "same team",
                "shares rust",
                "can guide the goal distributed systems",
                "3 hours apart"
            ]
        );
    }

    #[test]
    fn time_zones_are_compared_the_short_way_round_the_clock() {
        let weights = Weights::default();
        let interns = [profile("a", &[], &[], "Pacific/Auckland")];
        let mentors = [profile("b", &[], &[], "Pacific/Honolulu")];
        let model = Model::new(&weights, DEFAULT_REFERENCE_DATE, &interns, &mentors);
        // In June, Auckland is UTC+12 and Honolulu UTC-10: 22 hours one way, 2 the other.
        assert_eq!(model.minutes_apart(0, 0), Some(120));
    }

    #[test]
    fn daylight_saving_follows_the_reference_date() {
        let weights = Weights::default();
        let interns = [profile("a", &[], &[], "Europe/London")];
        let mentors = [profile("b", &[], &[], "UTC")];
        let summer = Model::new(&weights, DEFAULT_REFERENCE_DATE, &interns, &mentors);
        let winter = Model::new(
            &weights,
            NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
            &interns,
            &mentors,
        );
        assert_eq!(summer.minutes_apart(0, 0), Some(60));
        assert_eq!(winter.minutes_apart(0, 0), Some(0));
    }
}
