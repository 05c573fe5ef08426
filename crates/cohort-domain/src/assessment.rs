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

    pub fn parse(code: &str) -> Option<Counts> {
        [Counts::Best, Counts::Last]
            .into_iter()
            .find(|c| c.as_str() == code)
    }
}

/// Decodes a stored code; an unknown one is an error, never silently the default.
impl TryFrom<String> for Counts {
    type Error = String;

    fn try_from(code: String) -> Result<Counts, String> {
        Counts::parse(&code).ok_or_else(|| format!("unknown counts code {code:?}"))
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

    pub fn parse(code: &str) -> Option<Advance> {
        [Advance::Automatic, Advance::Recruiter]
            .into_iter()
            .find(|a| a.as_str() == code)
    }
}

/// Decodes a stored code; an unknown one is an error, never silently the default.
impl TryFrom<String> for Advance {
    type Error = String;

    fn try_from(code: String) -> Result<Advance, String> {
        Advance::parse(&code).ok_or_else(|| format!("unknown advance code {code:?}"))
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
        let counts = match Counts::parse(&self.counts) {
            Some(counts) => Some(counts),
            None => {
                errors.add(
                    "counts",
                    "Choose whether the best or the last submission counts.",
                );
                None
            }
        };
        let advance = match Advance::parse(&self.advance) {
            Some(advance) => Some(advance),
            None => {
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

/// A problem of an assessment, as scoring sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoredProblem {
    pub problem_id: i64,
    pub points: i64,
    /// Rejected attempts earn their share of the judge's score.
    pub partial: bool,
}

/// A submission of a session, as scoring sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionAttempt {
    pub problem_id: i64,
    /// A full submission (sample runs never score).
    pub full: bool,
    /// When it was made, in Unix seconds.
    pub at: i64,
    /// None while it waits for the judge.
    pub judged: Option<JudgedAttempt>,
}

/// One problem's part of a session's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProblemScore {
    pub earned: f64,
    /// Judged full submissions.
    pub attempts: usize,
    /// A full submission was accepted.
    pub solved: bool,
}

/// A session's score: per problem in the assessment's order, and in total.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionScore {
    pub problems: Vec<ProblemScore>,
    pub total: f64,
    pub possible: i64,
    /// Some submission still waits for the judge.
    pub pending: bool,
}

impl SessionScore {
    /// The percentage of the possible points earned (0 when nothing can be earned).
    pub fn percent(&self) -> f64 {
        if self.possible > 0 {
            100.0 * self.total / self.possible as f64
        } else {
            0.0
        }
    }

    /// Whether a finished session passed: None while it is not over or still being judged.
    pub fn passed(&self, finished: bool, passing_percent: i64) -> Option<bool> {
        (finished && !self.pending).then(|| passes(self.total, self.possible, passing_percent))
    }
}

/// Scores a session: the one function the results page, the statistics and the advance rule
/// all use.
pub fn score_session(
    problems: &[ScoredProblem],
    attempts: &[SessionAttempt],
    counts: Counts,
) -> SessionScore {
    let mut total = 0.0;
    let scored = problems
        .iter()
        .map(|problem| {
            let judged: Vec<JudgedAttempt> = attempts
                .iter()
                .filter(|a| a.full && a.problem_id == problem.problem_id)
                .filter_map(|a| a.judged)
                .collect();
            let earned = problem_points(problem.points, problem.partial, &judged, counts);
            total += earned;
            ProblemScore {
                earned,
                attempts: judged.len(),
                solved: judged.iter().any(|a| a.accepted),
            }
        })
        .collect();
    SessionScore {
        problems: scored,
        total,
        possible: problems.iter().map(|p| p.points).sum(),
        pending: attempts.iter().any(|a| a.judged.is_none()),
    }
}

/// Whole minutes a finished session used: up to the candidate's own last submission (not one
/// made for them when time ran out), never more than the time allowed.
pub fn minutes_used(started_at: i64, ends_at: i64, attempts: &[SessionAttempt]) -> i64 {
    let last = attempts
        .iter()
        .map(|a| a.at)
        .filter(|at| *at < ends_at)
        .max()
        .unwrap_or(started_at);
    (last.min(ends_at) - started_at).max(0) / 60
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

    fn full(problem_id: i64, id: i64, accepted: bool, score: f64) -> SessionAttempt {
        SessionAttempt {
            problem_id,
            full: true,
            at: 1000 + id * 60,
            judged: Some(attempt(id, accepted, score)),
        }
    }

    #[test]
    fn a_session_scores_each_problem_in_order_and_leaves_sample_runs_out() {
        let problems = [
            ScoredProblem {
                problem_id: 7,
                points: 40,
                partial: false,
            },
            ScoredProblem {
                problem_id: 9,
                points: 60,
                partial: true,
            },
        ];
        let mut sample = full(9, 1, true, 100.0);
        sample.full = false;
        let attempts = [sample, full(9, 2, false, 50.0), full(7, 3, true, 100.0)];
        let score = score_session(&problems, &attempts, Counts::Best);
        assert_eq!(
            score.problems[0],
            ProblemScore {
                earned: 40.0,
                attempts: 1,
                solved: true
            }
        );
        assert_eq!(
            score.problems[1],
            ProblemScore {
                earned: 30.0,
                attempts: 1,
                solved: false
            }
        );
        assert_eq!(
            (score.total, score.possible, score.pending),
            (70.0, 100, false)
        );
        assert_eq!(score.percent(), 70.0);
        assert_eq!(score.passed(true, 70), Some(true));
        assert_eq!(score.passed(true, 71), Some(false));
        assert_eq!(score.passed(false, 0), None, "not over yet");
    }

    #[test]
    fn a_session_waiting_for_the_judge_has_no_verdict_yet() {
        let problems = [ScoredProblem {
            problem_id: 7,
            points: 40,
            partial: false,
        }];
        let mut waiting = full(7, 2, false, 0.0);
        waiting.judged = None;
        let score = score_session(&problems, &[full(7, 1, true, 100.0), waiting], Counts::Last);
        assert!(score.pending);
        assert_eq!(score.passed(true, 50), None);
        assert_eq!(
            score.total, 40.0,
            "the judged attempt still counts meanwhile"
        );
    }

    #[test]
    fn minutes_used_end_at_the_last_own_submission_and_never_pass_the_time_allowed() {
        let attempts = [full(7, 1, false, 0.0), full(7, 10, false, 0.0)];
        assert_eq!(minutes_used(1000, 1000 + 3600, &attempts), 10);
        // A submission made for the candidate when time ran out does not count.
        assert_eq!(minutes_used(1000, 1000 + 600, &attempts), 1);
        assert_eq!(minutes_used(1000, 2000, &[]), 0);
    }

    #[test]
    fn stored_codes_decode_into_their_enums_and_unknown_ones_are_errors() {
        assert_eq!(Counts::try_from("last".to_owned()), Ok(Counts::Last));
        assert_eq!(
            Advance::try_from("automatic".to_owned()),
            Ok(Advance::Automatic)
        );
        assert!(Counts::try_from("worst".to_owned()).is_err());
        assert!(Advance::try_from(String::new()).is_err());
    }

    #[test]
    fn passing_is_at_or_above_the_percentage() {
        assert!(passes(60.0, 100, 60));
        assert!(!passes(59.9, 100, 60));
        assert!(!passes(0.0, 0, 0), "nothing to score is not a pass");
    }
}
