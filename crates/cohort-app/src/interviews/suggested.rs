//! A suggested loop template for each of the program's five tracks. The tracks' interviews
//! differ as the roles do: a developer codes and designs, a solutions architect works a
//! customer's problem, a data scientist models and analyses, a product manager shows product
//! sense, a program manager runs a programme. Each interview assesses different principles, and
//! one seat is the bar raiser's.

use cohort_domain::interviews::{Competency, LoopTemplate, TemplateInterview};

/// One interview: minutes, title, technical area (or none) and principles, by name.
type Seat = (
    u32,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    bool,
);

const SOFTWARE_DEVELOPMENT: [Seat; 5] = [
    (
        60,
        "Coding: data structures",
        Some("Coding"),
        &["Customer Obsession", "Learn and Be Curious"],
        false,
    ),
    (
        60,
        "Coding: algorithms",
        Some("Data structures and algorithms"),
        &["Dive Deep", "Bias for Action"],
        false,
    ),
    (
        60,
        "System design",
        Some("System design"),
        &["Invent and Simplify", "Think Big"],
        false,
    ),
    (
        45,
        "Bar raiser",
        Some("Coding"),
        &["Earn Trust", "Have Backbone; Disagree and Commit"],
        true,
    ),
    (
        45,
        "Behavioural",
        None,
        &["Deliver Results", "Ownership"],
        false,
    ),
];

const SOLUTIONS_ARCHITECTURE: [Seat; 5] = [
    (
        60,
        "Customer scenario",
        Some("Customer scenario"),
        &["Customer Obsession", "Earn Trust"],
        false,
    ),
    (
        60,
        "Architecture whiteboard",
        Some("System design"),
        &["Think Big", "Invent and Simplify"],
        false,
    ),
    (
        45,
        "Hands-on: scripting",
        Some("Coding"),
        &["Dive Deep", "Learn and Be Curious"],
        false,
    ),
    (
        45,
        "Bar raiser",
        Some("Customer scenario"),
        &["Are Right, A Lot", "Frugality"],
        true,
    ),
    (
        45,
        "Presenting to a customer",
        None,
        &["Deliver Results", "Ownership"],
        false,
    ),
];

const DATA_SCIENCE: [Seat; 5] = [
    (
        60,
        "Statistics and experiments",
        Some("Analytics"),
        &["Dive Deep", "Are Right, A Lot"],
        false,
    ),
    (
        60,
        "Machine learning",
        Some("Machine learning"),
        &["Invent and Simplify", "Learn and Be Curious"],
        false,
    ),
    (
        45,
        "Coding and SQL",
        Some("Data modelling"),
        &["Insist on the Highest Standards", "Ownership"],
        false,
    ),
    (
        45,
        "Bar raiser",
        Some("Analytics"),
        &["Earn Trust", "Hire and Develop the Best"],
        true,
    ),
    (
        45,
        "Business problem",
        Some("Customer scenario"),
        &["Customer Obsession", "Deliver Results"],
        false,
    ),
];

const PRODUCT_MANAGEMENT: [Seat; 4] = [
    (
        60,
        "Product sense",
        Some("Product sense"),
        &["Customer Obsession", "Think Big"],
        false,
    ),
    (
        45,
        "Metrics and analytics",
        Some("Analytics"),
        &["Dive Deep", "Ownership"],
        false,
    ),
    (
        45,
        "Bar raiser",
        Some("Product sense"),
        &["Have Backbone; Disagree and Commit", "Earn Trust"],
        true,
    ),
    (
        45,
        "Working backwards",
        None,
        &["Deliver Results", "Invent and Simplify"],
        false,
    ),
];

const TECHNICAL_PROGRAM_MANAGEMENT: [Seat; 5] = [
    (
        60,
        "Program execution",
        Some("Program execution"),
        &["Deliver Results", "Frugality"],
        false,
    ),
    (
        60,
        "System design",
        Some("System design"),
        &["Think Big", "Dive Deep"],
        false,
    ),
    (
        45,
        "Stakeholders",
        Some("Customer scenario"),
        &["Earn Trust", "Customer Obsession"],
        false,
    ),
    (
        45,
        "Bar raiser",
        Some("Program execution"),
        &["Insist on the Highest Standards", "Are Right, A Lot"],
        true,
    ),
    (
        45,
        "Behavioural",
        None,
        &["Ownership", "Bias for Action"],
        false,
    ),
];

/// The suggested template of a track, by the track's name (the five default tracks); `None` for
/// another track or when the list lacks a competency the suggestion names.
pub fn suggested_template(track: &str, competencies: &[Competency]) -> Option<LoopTemplate> {
    let (seats, phone_screens): (&[Seat], u32) = match track {
        "Software Development" => (&SOFTWARE_DEVELOPMENT, 2),
        "Solutions Architecture" => (&SOLUTIONS_ARCHITECTURE, 1),
        "Data Science" => (&DATA_SCIENCE, 1),
        "Product Management" => (&PRODUCT_MANAGEMENT, 1),
        "Technical Program Management" => (&TECHNICAL_PROGRAM_MANAGEMENT, 1),
        _ => return None,
    };
    let id_of = |name: &str| {
        competencies
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| c.id)
    };
    let mut interviews = Vec::new();
    for (minutes, title, area_name, principles, bar_raiser) in seats {
        let area = match area_name {
            Some(name) => Some(id_of(name)?),
            None => None,
        };
        let principles = principles
            .iter()
            .map(|name| id_of(name))
            .collect::<Option<Vec<_>>>()?;
        interviews.push(TemplateInterview {
            minutes: *minutes,
            title: (*title).to_owned(),
            area,
            principles,
            bar_raiser: *bar_raiser,
            // Interviews in these areas are coding exercises, held in the pad.
            coding_pad: matches!(
                *area_name,
                Some("Coding" | "Data structures and algorithms")
            ),
        });
    }
    Some(LoopTemplate {
        interviews,
        max_gap_minutes: 15,
        phone_screen_minutes: if phone_screens == 2 { 45 } else { 60 },
        phone_screens,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interviews::KEY_PRINCIPLES;
    use cohort_domain::interviews::{
        coverage, CompetencyKind, LEADERSHIP_PRINCIPLES, TECHNICAL_AREAS,
    };
    use cohort_domain::season::DEFAULT_TRACKS;

    /// The list the demo seeds.
    fn seeded() -> Vec<Competency> {
        let areas = TECHNICAL_AREAS
            .iter()
            .map(|n| (n, CompetencyKind::Technical));
        let principles = LEADERSHIP_PRINCIPLES
            .iter()
            .map(|n| (n, CompetencyKind::Principle));
        areas
            .chain(principles)
            .enumerate()
            .map(|(id, (name, kind))| Competency {
                id: id as i64 + 1,
                name: (*name).to_owned(),
                kind,
                key: KEY_PRINCIPLES.contains(name),
            })
            .collect()
    }

    #[test]
    fn every_default_track_has_a_suggestion_that_covers_the_key_principles_without_warnings() {
        let competencies = seeded();
        let mut shapes = Vec::new();
        for track in DEFAULT_TRACKS {
            let template = suggested_template(track, &competencies)
                .unwrap_or_else(|| panic!("no suggestion for {track}"));
            let report = coverage(&template, &competencies);
            assert!(report.warnings.is_empty(), "{track}: {:?}", report.warnings);
            let mut principles: Vec<i64> = template
                .interviews
                .iter()
                .flat_map(|i| i.principles.clone())
                .collect();
            let count = principles.len();
            principles.sort();
            principles.dedup();
            assert_eq!(principles.len(), count, "{track} repeats a principle");
            assert_eq!(
                template.interviews.iter().filter(|i| i.bar_raiser).count(),
                1,
                "{track}"
            );
            shapes.push(
                template
                    .interviews
                    .iter()
                    .map(|i| i.title.clone())
                    .collect::<Vec<_>>(),
            );
        }
        shapes.sort();
        shapes.dedup();
        assert_eq!(shapes.len(), 5, "the five tracks' loops differ");
    }

    #[test]
    fn another_track_or_a_list_without_the_names_has_no_suggestion() {
        assert!(suggested_template("Hardware", &seeded()).is_none());
        assert!(suggested_template("Data Science", &seeded()[..3]).is_none());
    }
}
