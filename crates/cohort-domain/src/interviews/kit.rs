//! Interview kits: what an interviewer reads before an interview. A kit says what the interview
//! is for (by its technical area, so kits differ by track: coding and system design for software
//! development, a customer-architecture scenario for solutions architecture, an analytics case
//! for data science, a product case for product management, a program-execution case for
//! technical program management), which principles it covers with questions suggested from the
//! bank (the season's least used first), what each rating level means, and a time plan.
//!
//! Pure: callers pass the template's seat, the bank and the season's usage counts.

use crate::input::Text;
use crate::FieldErrors;

/// The level a question is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Intern,
    NewGrad,
}

impl Level {
    pub const ALL: [Level; 2] = [Level::Intern, Level::NewGrad];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Intern => "intern",
            Level::NewGrad => "new_grad",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Intern => "Intern",
            Level::NewGrad => "New graduate",
        }
    }
}

impl TryFrom<String> for Level {
    type Error = String;

    fn try_from(text: String) -> Result<Level, String> {
        Level::parse(&text).ok_or_else(|| format!("unknown level {text:?}"))
    }
}

/// A question of the bank as typed: the competency is checked against the list by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionInput {
    pub competency_id: i64,
    /// `None` for every track.
    pub track: Option<String>,
    pub level: Level,
    pub prompt: String,
    pub guidance: String,
}

/// Reads the question form.
pub fn parse_question(
    competency: &str,
    track: &str,
    level: &str,
    prompt: &str,
    guidance: &str,
) -> Result<QuestionInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let competency_id = errors.take(
        "competency",
        competency
            .trim()
            .parse::<i64>()
            .map_err(|_| "Choose the principle or technical area the question assesses."),
    );
    let level = errors.take(
        "level",
        Level::parse(level.trim()).ok_or("Choose the level the question is for."),
    );
    let prompt = errors.take("prompt", Text::required(prompt, "the question", 1000));
    let guidance = errors.take(
        "guidance",
        Text::optional(guidance, "what a strong answer covers", 2000),
    );
    let track = errors.take("track", Text::optional(track, "the track", 120));
    match (competency_id, level, prompt, guidance, track) {
        (Some(competency_id), Some(level), Some(prompt), Some(guidance), Some(track))
            if errors.is_empty() =>
        {
            Ok(QuestionInput {
                competency_id,
                track: Some(track.into_string()).filter(|t| !t.is_empty()),
                level,
                prompt: prompt.into_string(),
                guidance: guidance.into_string(),
            })
        }
        _ => Err(errors),
    }
}

/// A question as the suggestion needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankQuestion {
    pub id: i64,
    pub competency_id: i64,
    pub track: Option<String>,
    pub retired: bool,
    /// Scorecards this season that say it was asked.
    pub uses: i64,
}

/// How many questions a kit suggests per principle or area.
pub const SUGGESTED_PER_COMPETENCY: usize = 3;

/// The questions a kit suggests for `competency` on `track`: not retired, for the track or for
/// every track, the season's least used first (so no question is worn out), at most
/// [`SUGGESTED_PER_COMPETENCY`].
pub fn suggest(bank: &[BankQuestion], competency: i64, track: &str) -> Vec<i64> {
    let mut fitting: Vec<&BankQuestion> = bank
        .iter()
        .filter(|q| {
            !q.retired
                && q.competency_id == competency
                && q.track
                    .as_deref()
                    .is_none_or(|t| t.eq_ignore_ascii_case(track))
        })
        .collect();
    fitting.sort_by_key(|q| (q.uses, q.id));
    fitting
        .into_iter()
        .take(SUGGESTED_PER_COMPETENCY)
        .map(|q| q.id)
        .collect()
}

/// What an interview assessing `area` is for, by the technical area's name; the bar raiser's
/// seat has its own.
pub fn purpose(area: Option<&str>, bar_raiser: bool) -> &'static str {
    if bar_raiser {
        return "Hold the hiring bar: probe the principles below more deeply than the other interviews do, test whether the candidate is better than half of the people already in the role, and lead the debrief.";
    }
    match area.map(str::to_ascii_lowercase).as_deref() {
        Some("coding") => "A coding interview: the candidate writes working code for a well-defined problem, tests it and explains its cost.",
        Some("data structures and algorithms") => "An algorithms interview: the candidate picks the data structures, reasons about complexity and improves a first solution.",
        Some("system design") => "A system design interview: the candidate designs a service end to end (APIs, data, scaling, failure) and defends trade-offs.",
        Some("customer scenario") => "A customer-architecture scenario: the candidate plays the architect for a customer's workload, asks for requirements and proposes an architecture with its trade-offs.",
        Some("analytics") => "An analytics case: the candidate frames a business question, chooses metrics and data, and reads a result critically.",
        Some("machine learning") | Some("data modelling") => "A modelling discussion: the candidate chooses features, a model and an evaluation, and explains how it fails.",
        Some("product sense") => "A product case: the candidate names the customer and their problem, picks the metric that shows success, and makes a trade-off.",
        Some("program execution") => "A program-execution case: the candidate plans a cross-team launch, finds the critical path and the risks, and says how they would keep it on track.",
        Some(_) => "A technical interview in the area below.",
        None => "A behavioural interview: the candidate tells stories from their own experience, one per principle below.",
    }
}

/// A kit's time plan: a few minutes to open, the time left shared between the principles and the
/// technical area (the area taking half when it has one), and five minutes for the candidate's
/// questions.
pub fn time_plan(minutes: u32, principles: &[String], area: Option<&str>) -> Vec<(String, u32)> {
    let open = 5.min(minutes / 6);
    let close = 5.min(minutes / 6);
    let middle = minutes.saturating_sub(open + close);
    let mut plan = vec![("Introductions and the format".to_owned(), open)];
    let (technical, behavioural) = match (area, principles.is_empty()) {
        (Some(_), false) => (middle / 2, middle - middle / 2),
        (Some(_), true) => (middle, 0),
        (None, _) => (0, middle),
    };
    if let Some(area) = area {
        plan.push((area.to_owned(), technical));
    }
    if !principles.is_empty() {
        let each = behavioural / principles.len() as u32;
        let mut left = behavioural;
        for (index, principle) in principles.iter().enumerate() {
            // The last principle takes what division left over, so the plan adds up.
            let share = if index + 1 == principles.len() {
                left
            } else {
                each
            };
            left -= share;
            plan.push((principle.clone(), share));
        }
    }
    plan.push(("The candidate's questions".to_owned(), close));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(
        id: i64,
        competency: i64,
        track: Option<&str>,
        retired: bool,
        uses: i64,
    ) -> BankQuestion {
        BankQuestion {
            id,
            competency_id: competency,
            track: track.map(str::to_owned),
            retired,
            uses,
        }
    }

    #[test]
    fn suggestions_fit_the_competency_and_track_skip_retired_ones_and_start_with_the_least_used() {
        let bank = [
            question(1, 7, None, false, 9),
            question(2, 7, Some("Data Science"), false, 0),
            question(3, 7, Some("software development"), false, 4),
            question(4, 7, None, true, 0),
            question(5, 8, None, false, 0),
            question(6, 7, None, false, 1),
            question(7, 7, None, false, 2),
        ];
        assert_eq!(suggest(&bank, 7, "Software Development"), vec![6, 7, 3]);
        assert_eq!(suggest(&bank, 7, "Data Science"), vec![2, 6, 7]);
        assert!(suggest(&bank, 9, "Data Science").is_empty());
    }

    #[test]
    fn a_time_plan_adds_up_to_the_interview() {
        let principles = vec!["Ownership".to_owned(), "Dive Deep".to_owned()];
        for (minutes, area) in [
            (60, Some("Coding")),
            (45, None),
            (45, Some("System design")),
        ] {
            let plan = time_plan(minutes, &principles, area);
            assert_eq!(
                plan.iter().map(|(_, m)| m).sum::<u32>(),
                minutes,
                "{plan:?}"
            );
            assert_eq!(
                plan.len(),
                2 + principles.len() + usize::from(area.is_some())
            );
        }
        let plan = time_plan(60, &principles, Some("Coding"));
        assert_eq!(plan[1], ("Coding".to_owned(), 25));
    }

    #[test]
    fn kits_differ_by_the_tracks_technical_areas() {
        assert!(purpose(Some("Customer scenario"), false).contains("customer-architecture"));
        assert!(purpose(Some("Product sense"), false).contains("product case"));
        assert!(purpose(Some("Program execution"), false).contains("program-execution"));
        assert!(purpose(Some("Analytics"), false).contains("analytics case"));
        assert!(purpose(Some("System design"), false).contains("system design"));
        assert!(purpose(None, true).contains("hiring bar"));
    }

    #[test]
    fn the_question_form_is_checked_field_by_field() {
        let q = parse_question("7", " ", "intern", "Tell me about a time…", "").unwrap();
        assert_eq!(
            (q.competency_id, q.track, q.level),
            (7, None, Level::Intern)
        );
        let errors = parse_question("x", "", "senior", " ", "").unwrap_err();
        for field in ["competency", "level", "prompt"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }
}
