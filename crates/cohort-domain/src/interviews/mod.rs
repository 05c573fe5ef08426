//! Interviews: the competencies an interview assesses, a track's loop template, which of the
//! company's principles a template covers, and ([`profile`]) an interviewer's profile and
//! training.
//!
//! Competencies are data, per company: the technical areas of the tracks and the company's
//! principles. A loop template lists the final loop's interviews in order, each with its length,
//! a technical area and one or two principles, and says which seat (if any) is the bar raiser.

pub mod availability;
pub mod booking;
pub mod calibration;
pub mod case_study;
pub mod debrief;
pub mod feedback;
pub mod follow_up;
pub mod itip;
pub mod kit;
pub mod pad;
pub mod planning;
pub mod profile;

use crate::FieldErrors;

/// Amazon's sixteen Leadership Principles, which the demo seeds. A company edits its own list.
pub const LEADERSHIP_PRINCIPLES: [&str; 16] = [
    "Customer Obsession",
    "Ownership",
    "Invent and Simplify",
    "Are Right, A Lot",
    "Learn and Be Curious",
    "Hire and Develop the Best",
    "Insist on the Highest Standards",
    "Think Big",
    "Bias for Action",
    "Frugality",
    "Earn Trust",
    "Dive Deep",
    "Have Backbone; Disagree and Commit",
    "Deliver Results",
    "Strive to be Earth's Best Employer",
    "Success and Scale Bring Broad Responsibility",
];

/// The technical areas interviews of the five tracks assess, which the demo seeds.
pub const TECHNICAL_AREAS: [&str; 9] = [
    "Coding",
    "Data structures and algorithms",
    "System design",
    "Data modelling",
    "Customer scenario",
    "Product sense",
    "Program execution",
    "Analytics",
    "Machine learning",
];

/// The most interviews a final loop may have; the program's loops have four or five.
pub const MAX_LOOP_INTERVIEWS: usize = 6;

/// The longest an interview may last, in minutes.
pub const MAX_INTERVIEW_MINUTES: u32 = 120;

/// What a competency is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompetencyKind {
    /// A technical area (coding, system design, product sense, ...).
    Technical,
    /// One of the company's principles, assessed with behavioural questions.
    Principle,
}

impl CompetencyKind {
    pub const ALL: [CompetencyKind; 2] = [CompetencyKind::Technical, CompetencyKind::Principle];

    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CompetencyKind::Technical => "technical",
            CompetencyKind::Principle => "principle",
        }
    }

    pub fn parse(text: &str) -> Option<CompetencyKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            CompetencyKind::Technical => "Technical area",
            CompetencyKind::Principle => "Principle",
        }
    }
}

impl TryFrom<String> for CompetencyKind {
    type Error = String;

    fn try_from(text: String) -> Result<CompetencyKind, String> {
        CompetencyKind::parse(&text).ok_or_else(|| format!("unknown competency kind {text:?}"))
    }
}

/// A competency as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Competency {
    pub id: i64,
    pub name: String,
    pub kind: CompetencyKind,
    /// A principle every loop should assess; the coverage view warns when none does.
    pub key: bool,
}

/// A competency's name as typed: 2 to 80 characters, trimmed.
pub fn competency_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    match name.chars().count() {
        0 => Err("Give the competency a name.".into()),
        1 => Err("A competency's name has at least two characters.".into()),
        81.. => Err("A competency's name has at most 80 characters.".into()),
        _ => Ok(name.to_owned()),
    }
}

/// One interview of a loop template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInterview {
    pub minutes: u32,
    /// What the interview is, as the schedule names it ("Coding: data structures").
    pub title: String,
    /// The technical area it assesses, if any (a behavioural interview has none).
    pub area: Option<i64>,
    /// One or two principles, different from every other interview's.
    pub principles: Vec<i64>,
    pub bar_raiser: bool,
    /// Whether the interview is held in the live coding pad, as phone screens are.
    pub coding_pad: bool,
}

/// A track's interviews: its phone screens and its final loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopTemplate {
    pub interviews: Vec<TemplateInterview>,
    /// The longest wait between two interviews of the loop.
    pub max_gap_minutes: u32,
    pub phone_screen_minutes: u32,
    /// One or two phone screens before the loop.
    pub phone_screens: u32,
}

impl LoopTemplate {
    pub fn total_minutes(&self) -> u32 {
        self.interviews.iter().map(|i| i.minutes).sum()
    }

    pub fn has_bar_raiser(&self) -> bool {
        self.interviews.iter().any(|i| i.bar_raiser)
    }
}

/// One interview row of the template form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterviewRow {
    pub minutes: String,
    pub title: String,
    /// A competency id, or empty.
    pub area: String,
    /// Up to two competency ids, empty ones ignored.
    pub principles: Vec<String>,
    pub bar_raiser: bool,
    /// Held in the live coding pad.
    pub coding_pad: bool,
}

impl InterviewRow {
    /// A row the person left empty, which the form ignores.
    pub fn is_blank(&self) -> bool {
        self.minutes.trim().is_empty()
            && self.title.trim().is_empty()
            && self.area.trim().is_empty()
            && self.principles.iter().all(|p| p.trim().is_empty())
            && !self.bar_raiser
    }
}

/// The loop template form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoopTemplateForm {
    pub rows: Vec<InterviewRow>,
    pub max_gap_minutes: String,
    pub phone_screen_minutes: String,
    pub phone_screens: String,
}

impl LoopTemplateForm {
    /// Parses the form against the company's competencies. Errors name the field:
    /// `interview_3_minutes`, `interview_3_principles`, `max_gap_minutes`, ...
    pub fn parse(&self, competencies: &[Competency]) -> Result<LoopTemplate, FieldErrors> {
        let mut errors = FieldErrors::new();
        let rows: Vec<(usize, &InterviewRow)> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, row)| !row.is_blank())
            .map(|(index, row)| (index + 1, row))
            .collect();
        if rows.is_empty() {
            errors.add("interviews", "Add at least one interview to the loop.");
        }
        if rows.len() > MAX_LOOP_INTERVIEWS {
            errors.add(
                "interviews",
                format!("A loop has at most {MAX_LOOP_INTERVIEWS} interviews."),
            );
        }
        let mut interviews = Vec::new();
        for (number, row) in &rows {
            if let Some(interview) = parse_row(*number, row, competencies, &mut errors) {
                interviews.push(interview);
            }
        }
        check_distinct_principles(&rows, &interviews, competencies, &mut errors);
        if interviews.iter().filter(|i| i.bar_raiser).count() > 1 {
            errors.add(
                "interviews",
                "Only one interview of a loop is the bar raiser's.",
            );
        }
        let max_gap = errors.take(
            "max_gap_minutes",
            whole_minutes(&self.max_gap_minutes, "The longest gap", 0, 60, 1),
        );
        let phone_minutes = errors.take(
            "phone_screen_minutes",
            whole_minutes(&self.phone_screen_minutes, "A phone screen", 30, 90, 5),
        );
        let phone_screens = errors.take(
            "phone_screens",
            match self.phone_screens.trim() {
                "1" => Ok(1),
                "2" => Ok(2),
                _ => Err("Choose one or two phone screens."),
            },
        );
        errors.finish(|| LoopTemplate {
            interviews,
            max_gap_minutes: max_gap.unwrap_or_default(),
            phone_screen_minutes: phone_minutes.unwrap_or_default(),
            phone_screens: phone_screens.unwrap_or_default(),
        })
    }
}

/// A number of minutes between `low` and `high`, a multiple of `step`.
fn whole_minutes(text: &str, what: &str, low: u32, high: u32, step: u32) -> Result<u32, String> {
    let minutes: u32 = text
        .trim()
        .parse()
        .map_err(|_| format!("{what} is a whole number of minutes."))?;
    if minutes < low || minutes > high {
        return Err(format!(
            "{what} is between {low} and {high} minutes, not {minutes}."
        ));
    }
    if !minutes.is_multiple_of(step) {
        return Err(format!("{what} is a multiple of {step} minutes."));
    }
    Ok(minutes)
}

/// The competency `text` names, if it is one of `kind`.
fn competency_of(text: &str, kind: CompetencyKind, competencies: &[Competency]) -> Option<i64> {
    let id: i64 = text.trim().parse().ok()?;
    competencies
        .iter()
        .find(|c| c.id == id && c.kind == kind)
        .map(|c| c.id)
}

fn parse_row(
    number: usize,
    row: &InterviewRow,
    competencies: &[Competency],
    errors: &mut FieldErrors,
) -> Option<TemplateInterview> {
    let field = |name: &str| format!("interview_{number}_{name}");
    let minutes = errors.take(
        &field("minutes"),
        whole_minutes(
            &row.minutes,
            &format!("Interview {number}"),
            15,
            MAX_INTERVIEW_MINUTES,
            5,
        ),
    );
    let title = row.title.trim();
    if title.is_empty() || title.chars().count() > 80 {
        errors.add(
            &field("title"),
            format!(
                "Give interview {number} a title of at most 80 characters, such as \"Coding\"."
            ),
        );
    }
    let area = if row.area.trim().is_empty() {
        Some(None)
    } else {
        let area = competency_of(&row.area, CompetencyKind::Technical, competencies);
        if area.is_none() {
            errors.add(&field("area"), "Choose a technical area from the list.");
        }
        area.map(Some)
    };
    let chosen: Vec<&String> = row
        .principles
        .iter()
        .filter(|p| !p.trim().is_empty())
        .collect();
    let principles: Vec<i64> = chosen
        .iter()
        .filter_map(|p| competency_of(p, CompetencyKind::Principle, competencies))
        .collect();
    if chosen.is_empty() || chosen.len() > 2 {
        errors.add(
            &field("principles"),
            format!("Give interview {number} one or two principles to assess."),
        );
    } else if principles.len() != chosen.len() {
        errors.add(&field("principles"), "Choose principles from the list.");
    } else if principles.len() == 2 && principles[0] == principles[1] {
        errors.add(&field("principles"), "Choose two different principles.");
    }
    let (Some(minutes), Some(area), false) = (minutes, area, title.is_empty()) else {
        return None;
    };
    Some(TemplateInterview {
        minutes,
        title: title.chars().take(80).collect(),
        area,
        principles,
        bar_raiser: row.bar_raiser,
        coding_pad: row.coding_pad,
    })
}

/// Each interviewer asks about different principles, so that the candidate tells each a
/// different story and the debrief hears each principle from one person.
fn check_distinct_principles(
    rows: &[(usize, &InterviewRow)],
    interviews: &[TemplateInterview],
    competencies: &[Competency],
    errors: &mut FieldErrors,
) {
    if interviews.len() != rows.len() {
        // A row did not parse; its own error says why, and the numbers would not line up.
        return;
    }
    for (later, interview) in interviews.iter().enumerate() {
        for principle in &interview.principles {
            let earlier = interviews[..later]
                .iter()
                .position(|i| i.principles.contains(principle));
            if let Some(earlier) = earlier {
                let name = competencies
                    .iter()
                    .find(|c| c.id == *principle)
                    .map_or("This principle", |c| c.name.as_str());
                errors.add(
                    &format!("interview_{}_principles", rows[later].0),
                    format!(
                        "{name} is already assessed in interview {}; give each interview different principles.",
                        rows[earlier].0
                    ),
                );
            }
        }
    }
}

/// Which interviews of a template assess one principle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipleCoverage {
    pub principle: Competency,
    /// The 1-based numbers of the interviews that assess it.
    pub interviews: Vec<usize>,
}

impl PrincipleCoverage {
    pub fn covered(&self) -> bool {
        !self.interviews.is_empty()
    }
}

/// What a template covers of the company's principles, and what a coordinator should fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Every principle, in the company's order.
    pub principles: Vec<PrincipleCoverage>,
    pub warnings: Vec<String>,
}

/// Which principles `template` covers. It warns when a key principle is assessed by no
/// interview, or only by the bar raiser (whose vote weighs differently and who may be absent
/// from a rescheduled loop), and when the loop has no bar raiser at all.
pub fn coverage(template: &LoopTemplate, competencies: &[Competency]) -> Coverage {
    let mut warnings = Vec::new();
    let principles: Vec<PrincipleCoverage> = competencies
        .iter()
        .filter(|c| c.kind == CompetencyKind::Principle)
        .map(|principle| PrincipleCoverage {
            principle: principle.clone(),
            interviews: template
                .interviews
                .iter()
                .enumerate()
                .filter(|(_, i)| i.principles.contains(&principle.id))
                .map(|(index, _)| index + 1)
                .collect(),
        })
        .collect();
    for covered in principles.iter().filter(|c| c.principle.key) {
        let name = &covered.principle.name;
        if !covered.covered() {
            warnings.push(format!(
                "{name} is a key principle, and no interview assesses it."
            ));
        } else if covered
            .interviews
            .iter()
            .all(|n| template.interviews[n - 1].bar_raiser)
        {
            warnings.push(format!(
                "{name} is a key principle, and only the bar raiser assesses it."
            ));
        }
    }
    if !template.interviews.is_empty() && !template.has_bar_raiser() {
        warnings.push("No interview is the bar raiser's.".into());
    }
    Coverage {
        principles,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn competencies() -> Vec<Competency> {
        let principle = |id: i64, name: &str, key: bool| Competency {
            id,
            name: name.into(),
            kind: CompetencyKind::Principle,
            key,
        };
        vec![
            Competency {
                id: 1,
                name: "Coding".into(),
                kind: CompetencyKind::Technical,
                key: false,
            },
            principle(10, "Customer Obsession", true),
            principle(11, "Ownership", true),
            principle(12, "Dive Deep", false),
            principle(13, "Frugality", false),
        ]
    }

    fn row(minutes: &str, title: &str, area: &str, principles: &[&str], bar: bool) -> InterviewRow {
        InterviewRow {
            minutes: minutes.into(),
            title: title.into(),
            area: area.into(),
            principles: principles.iter().map(|p| p.to_string()).collect(),
            bar_raiser: bar,
            coding_pad: false,
        }
    }

    fn form(rows: Vec<InterviewRow>) -> LoopTemplateForm {
        LoopTemplateForm {
            rows,
            max_gap_minutes: "15".into(),
            phone_screen_minutes: "45".into(),
            phone_screens: "1".into(),
        }
    }

    #[test]
    fn a_valid_form_becomes_a_template_and_blank_rows_are_ignored() {
        let template = form(vec![
            row("60", "Coding", "1", &["10"], false),
            InterviewRow::default(),
            row("45", "Behavioural", "", &["11", "12"], true),
        ])
        .parse(&competencies())
        .unwrap();
        assert_eq!(template.interviews.len(), 2);
        assert_eq!(template.interviews[0].area, Some(1));
        assert_eq!(template.interviews[1].area, None);
        assert_eq!(template.interviews[1].principles, vec![11, 12]);
        assert_eq!(template.total_minutes(), 105);
        assert_eq!(template.phone_screen_minutes, 45);
    }

    #[test]
    fn each_bad_field_is_named_with_a_reason() {
        let errors = LoopTemplateForm {
            rows: vec![
                row("7", "", "10", &[], false),
                row("60", "Coding", "1", &["1"], false),
            ],
            max_gap_minutes: "90".into(),
            phone_screen_minutes: "47".into(),
            phone_screens: "3".into(),
        }
        .parse(&competencies())
        .unwrap_err();
        for field in [
            "interview_1_minutes",
            "interview_1_title",
            "interview_1_area",
            "interview_1_principles",
            "interview_2_principles",
            "max_gap_minutes",
            "phone_screen_minutes",
            "phone_screens",
        ] {
            assert!(
                errors.get(field).is_some(),
                "no error for {field}: {errors}"
            );
        }
    }

    #[test]
    fn two_interviews_may_not_assess_the_same_principle() {
        let errors = form(vec![
            row("60", "Coding", "1", &["10"], false),
            row("60", "Design", "1", &["12", "10"], false),
        ])
        .parse(&competencies())
        .unwrap_err();
        assert_eq!(
            errors.get("interview_2_principles"),
            Some("Customer Obsession is already assessed in interview 1; give each interview different principles.")
        );
    }

    #[test]
    fn a_loop_has_one_bar_raiser_at_most_and_some_interviews() {
        let errors = form(vec![
            row("60", "A", "", &["10"], true),
            row("60", "B", "", &["11"], true),
        ])
        .parse(&competencies())
        .unwrap_err();
        assert!(errors.get("interviews").is_some());
        let errors = form(vec![]).parse(&competencies()).unwrap_err();
        assert_eq!(
            errors.get("interviews"),
            Some("Add at least one interview to the loop.")
        );
        let seven = vec![row("30", "A", "", &["10"], false); 7];
        assert!(form(seven).parse(&competencies()).is_err());
    }

    #[test]
    fn coverage_warns_about_key_principles_missing_or_left_to_the_bar_raiser() {
        let template = form(vec![
            row("60", "Coding", "1", &["12"], false),
            row("60", "Bar raiser", "", &["11"], true),
        ])
        .parse(&competencies())
        .unwrap();
        let coverage = coverage(&template, &competencies());
        assert_eq!(coverage.principles.len(), 4);
        assert_eq!(coverage.principles[2].interviews, vec![1]);
        assert_eq!(
            coverage.warnings,
            vec![
                "Customer Obsession is a key principle, and no interview assesses it.".to_owned(),
                "Ownership is a key principle, and only the bar raiser assesses it.".to_owned(),
            ]
        );
    }

    #[test]
    fn coverage_warns_when_no_interview_is_the_bar_raisers() {
        let template = form(vec![row("60", "Coding", "1", &["10", "11"], false)])
            .parse(&competencies())
            .unwrap();
        assert_eq!(
            coverage(&template, &competencies()).warnings,
            vec!["No interview is the bar raiser's.".to_owned()]
        );
    }

    #[test]
    fn competency_names_are_trimmed_and_bounded() {
        assert_eq!(competency_name("  Dive Deep ").unwrap(), "Dive Deep");
        assert!(competency_name(" ").is_err());
        assert!(competency_name("x").is_err());
        assert!(competency_name(&"x".repeat(81)).is_err());
        assert_eq!(LEADERSHIP_PRINCIPLES.len(), 16);
    }
}
