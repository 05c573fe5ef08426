//! The online assessment's rules: what an assessment template may say.

use crate::validation::FieldErrors;

/// The languages a candidate may be offered, by the judge's language ids.
pub const ASSESSMENT_LANGUAGES: [(&str, &str); 4] = [
    ("cpp", "C++"),
    ("java", "Java"),
    ("python3", "Python 3"),
    ("c", "C"),
];

/// Which of a candidate's submissions to a problem counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    Best,
    Last,
}

impl Counts {
    pub fn as_str(self) -> &'static str {
        match self {
            Counts::Best => "best",
            Counts::Last => "last",
        }
    }
}

/// What happens when a candidate reaches the passing score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    /// The candidate moves to Phone screen at once.
    Automatic,
    /// A recruiter decides, with the score in front of them.
    Recruiter,
}

impl Advance {
    pub fn as_str(self) -> &'static str {
        match self {
            Advance::Automatic => "automatic",
            Advance::Recruiter => "recruiter",
        }
    }
}

/// The assessment form as submitted: every field a string, as it arrived.
#[derive(Debug, Clone, Default)]
pub struct AssessmentForm {
    pub duration_minutes: String,
    pub passing_percent: String,
    pub start_within_days: String,
    pub counts: String,
    pub advance: String,
    pub languages: Vec<String>,
    /// (problem id, points) as entered, in order; rows with no problem chosen are left out.
    pub problems: Vec<(String, String)>,
}

/// A valid assessment template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentSettings {
    pub duration_minutes: i64,
    pub passing_percent: i64,
    pub start_within_days: i64,
    pub counts: Counts,
    pub advance: Advance,
    pub languages: Vec<String>,
    /// (problem id, points).
    pub problems: Vec<(i64, i64)>,
}

fn number_in(text: &str, low: i64, high: i64, what: &str) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if (low..=high).contains(&n) => Ok(n),
        _ => Err(format!(
            "{what} must be a whole number from {low} to {high}."
        )),
    }
}

impl AssessmentForm {
    /// Checks every field; `usable_problem` says whether a problem id may be used (it exists and
    /// the judge verified it).
    pub fn parse(
        &self,
        usable_problem: impl Fn(i64) -> bool,
    ) -> Result<AssessmentSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let duration = errors.take(
            "duration",
            number_in(&self.duration_minutes, 10, 480, "The duration in minutes"),
        );
        let passing = errors.take(
            "passing",
            number_in(&self.passing_percent, 0, 100, "The passing score"),
        );
        let start_within = errors.take(
            "start_within",
            number_in(&self.start_within_days, 1, 60, "The days to start"),
        );
        let counts = match self.counts.as_str() {
            "best" => Some(Counts::Best),
            "last" => Some(Counts::Last),
            _ => {
                errors.add(
                    "counts",
                    "Choose whether the best or the last submission counts.",
                );
                None
            }
        };
        let advance = match self.advance.as_str() {
            "automatic" => Some(Advance::Automatic),
            "recruiter" => Some(Advance::Recruiter),
            _ => {
                errors.add("advance", "Choose what happens to a candidate who passes.");
                None
            }
        };
        let mut languages = Vec::new();
        for language in &self.languages {
            if !ASSESSMENT_LANGUAGES.iter().any(|(id, _)| id == language) {
                errors.add(
                    "languages",
                    format!("{language} is not a language the assessment offers."),
                );
            } else if !languages.contains(language) {
                languages.push(language.clone());
            }
        }
        if self.languages.is_empty() {
            errors.add("languages", "Offer at least one language.");
        }
        let mut problems = Vec::new();
        for (problem, points) in &self.problems {
            let Ok(id) = problem.trim().parse::<i64>() else {
                errors.add("problems", "Choose problems from the list.");
                continue;
            };
            if !usable_problem(id) {
                errors.add(
                    "problems",
                    "Only problems the judge has verified can be used.",
                );
                continue;
            }
            if problems.iter().any(|(seen, _)| *seen == id) {
                errors.add("problems", "Each problem can be used once.");
                continue;
            }
            match number_in(points, 1, 1000, "Points") {
                Ok(points) => problems.push((id, points)),
                Err(message) => errors.add("problems", message),
            }
        }
        if self.problems.is_empty() {
            errors.add("problems", "Choose at least one problem.");
        }
        match (duration, passing, start_within, counts, advance) {
            (Some(duration), Some(passing), Some(start_within), Some(counts), Some(advance))
                if errors.is_empty() =>
            {
                Ok(AssessmentSettings {
                    duration_minutes: duration,
                    passing_percent: passing,
                    start_within_days: start_within,
                    counts,
                    advance,
                    languages,
                    problems,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A judged full submission to one problem, as scoring sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JudgedAttempt {
    /// Later attempts have larger ids.
    pub id: i64,
    pub accepted: bool,
    /// The judge could not judge it (never counted against the candidate).
    pub judge_error: bool,
    pub score: f64,
    pub max_score: f64,
}

/// The points a candidate earns on one problem worth `points`: Accepted earns them all; on a
/// problem with partial scores, a rejected attempt earns its share of the judge's score; the best
/// or the last judged attempt counts, as the assessment says. Judge errors are left out.
pub fn problem_points(
    points: i64,
    scoring: bool,
    attempts: &[JudgedAttempt],
    counts: Counts,
) -> f64 {
    let earned = |attempt: &JudgedAttempt| {
        if attempt.accepted {
            points as f64
        } else if scoring && attempt.max_score > 0.0 {
            points as f64 * (attempt.score / attempt.max_score).clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let counted = attempts.iter().filter(|a| !a.judge_error);
    match counts {
        Counts::Best => counted.map(earned).fold(0.0, f64::max),
        Counts::Last => counted.max_by_key(|a| a.id).map_or(0.0, earned),
    }
}

/// Whether `earned` of `possible` points reaches the passing percentage.
pub fn passes(earned: f64, possible: i64, passing_percent: i64) -> bool {
    possible > 0 && earned * 100.0 >= (passing_percent * possible) as f64 - 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AssessmentForm {
        AssessmentForm {
            duration_minutes: "90".into(),
            passing_percent: "60".into(),
            start_within_days: "7".into(),
            counts: "best".into(),
            advance: "recruiter".into(),
            languages: vec!["cpp".into(), "java".into(), "python3".into()],
            problems: vec![("1".into(), "40".into()), ("2".into(), "60".into())],
        }
    }

    #[test]
    fn a_complete_form_gives_the_settings() {
        let settings = form().parse(|_| true).unwrap();
        assert_eq!(settings.duration_minutes, 90);
        assert_eq!(settings.problems, [(1, 40), (2, 60)]);
        assert_eq!(settings.counts, Counts::Best);
        assert_eq!(settings.advance, Advance::Recruiter);
    }

    #[test]
    fn each_bad_field_is_reported_against_that_field() {
        type Change = fn(&mut AssessmentForm);
        let cases: Vec<(Change, &str)> = vec![
            (|f| f.duration_minutes = "5".into(), "duration"),
            (|f| f.duration_minutes = "ninety".into(), "duration"),
            (|f| f.passing_percent = "101".into(), "passing"),
            (|f| f.start_within_days = "0".into(), "start_within"),
            (|f| f.counts = "average".into(), "counts"),
            (|f| f.advance = "reject".into(), "advance"),
            (|f| f.languages = vec![], "languages"),
            (|f| f.languages = vec!["rust".into()], "languages"),
            (|f| f.problems = vec![], "problems"),
            (|f| f.problems = vec![("1".into(), "0".into())], "problems"),
            (
                |f| f.problems = vec![("1".into(), "5".into()), ("1".into(), "5".into())],
                "problems",
            ),
        ];
        for (change, field) in cases {
            let mut bad = form();
            change(&mut bad);
            let errors = bad.parse(|_| true).unwrap_err();
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
            assert_eq!(
                errors.errors.len(),
                1,
                "{field}: only that field: {errors:?}"
            );
        }
    }

    #[test]
    fn a_problem_the_judge_has_not_verified_cannot_be_used() {
        let errors = form().parse(|id| id != 2).unwrap_err();
        assert!(errors.get("problems").unwrap().contains("verified"));
    }

    fn attempt(id: i64, accepted: bool, score: f64) -> JudgedAttempt {
        JudgedAttempt {
            id,
            accepted,
            judge_error: false,
            score,
            max_score: 100.0,
        }
    }

    #[test]
    fn the_best_attempt_counts_or_the_last_as_the_assessment_says() {
        let attempts = [attempt(1, false, 60.0), attempt(2, false, 20.0)];
        assert_eq!(problem_points(50, true, &attempts, Counts::Best), 30.0);
        assert_eq!(problem_points(50, true, &attempts, Counts::Last), 10.0);
        assert_eq!(problem_points(50, true, &[], Counts::Best), 0.0);
    }

    #[test]
    fn a_pass_fail_problem_gives_all_points_for_accepted_and_none_otherwise() {
        let attempts = [attempt(1, false, 90.0), attempt(2, true, 100.0)];
        assert_eq!(problem_points(40, false, &attempts[..1], Counts::Best), 0.0);
        assert_eq!(problem_points(40, false, &attempts, Counts::Best), 40.0);
    }

    #[test]
    fn a_judge_error_never_counts_against_the_candidate() {
        let mut broken = attempt(2, false, 0.0);
        broken.judge_error = true;
        let attempts = [attempt(1, true, 100.0), broken];
        assert_eq!(problem_points(50, false, &attempts, Counts::Last), 50.0);
    }

    #[test]
    fn passing_is_at_or_above_the_percentage() {
        assert!(passes(60.0, 100, 60));
        assert!(!passes(59.9, 100, 60));
        assert!(!passes(0.0, 0, 0), "nothing to score is not a pass");
    }
}
