//! The application form, validated.

use crate::input::{GraduationMonth, Languages, Links, Text};
use crate::validation::FieldErrors;

/// Most openings one application may rank.
pub const MAX_CHOICES: usize = 5;
/// Largest résumé accepted, in bytes.
pub const MAX_RESUME_BYTES: usize = 5 * 1024 * 1024;

/// The fields of an application as they arrive from a form or the API, before validation.
#[derive(Debug, Clone, Default)]
pub struct ApplicationInput {
    /// Opening ids in the candidate's order of preference.
    pub choices: Vec<i64>,
    pub school: String,
    pub degree: String,
    pub graduation: String,
    pub languages: String,
    pub links: String,
    pub cover_letter: String,
}

/// A validated application (without the résumé, which is checked by content where it arrives).
#[derive(Debug, Clone)]
pub struct ApplicationForm {
    pub choices: Vec<i64>,
    pub school: Text,
    pub degree: Text,
    pub graduation: GraduationMonth,
    pub languages: Languages,
    pub links: Links,
    pub cover_letter: Text,
}

impl ApplicationForm {
    /// Validates every field and reports every problem at once.
    pub fn parse(input: &ApplicationInput) -> Result<ApplicationForm, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut choices: Vec<i64> = Vec::new();
        for choice in &input.choices {
            if choices.contains(choice) {
                errors.add("choices", "Choose each opening only once.");
                break;
            }
            choices.push(*choice);
        }
        if choices.is_empty() {
            errors.add("choices", "Choose at least one opening.");
        } else if choices.len() > MAX_CHOICES {
            errors.add("choices", format!("Choose at most {MAX_CHOICES} openings."));
        }
        let school = errors.take("school", Text::required(&input.school, "your school", 200));
        let degree = errors.take("degree", Text::required(&input.degree, "your degree", 200));
        let graduation = errors.take("graduation", GraduationMonth::parse(&input.graduation));
        let languages = errors.take("languages", Languages::parse(&input.languages));
        let links = errors.take("links", Links::parse(&input.links));
        let cover_letter = errors.take(
            "cover_letter",
            Text::optional(&input.cover_letter, "your cover letter", 10_000),
        );
        errors.finish(|| ApplicationForm {
            choices,
            school: school.expect("checked"),
            degree: degree.expect("checked"),
            graduation: graduation.expect("checked"),
            languages: languages.expect("checked"),
            links: links.expect("checked"),
            cover_letter: cover_letter.expect("checked"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ApplicationInput {
        ApplicationInput {
            choices: vec![3, 1],
            school: "University of Washington".into(),
            degree: "BSc Computer Science".into(),
            graduation: "2028-06".into(),
            languages: "Rust, Java".into(),
            links: "https://github.com/ada".into(),
            cover_letter: "I like building things.".into(),
        }
    }

    #[test]
    fn a_complete_application_parses() {
        let form = ApplicationForm::parse(&valid()).unwrap();
        assert_eq!(form.choices, vec![3, 1]);
        assert_eq!(form.languages.as_slice(), ["Rust", "Java"]);
    }

    #[test]
    fn every_problem_is_reported_against_its_field() {
        let input = ApplicationInput {
            choices: vec![],
            school: " ".into(),
            graduation: "soon".into(),
            ..valid()
        };
        let errors = ApplicationForm::parse(&input).unwrap_err();
        assert_eq!(errors.get("choices"), Some("Choose at least one opening."));
        assert_eq!(errors.get("school"), Some("Enter your school."));
        assert!(errors.get("graduation").is_some());
        assert_eq!(errors.get("degree"), None);
    }

    #[test]
    fn choices_are_unique_and_bounded() {
        let duplicate = ApplicationInput {
            choices: vec![1, 1],
            ..valid()
        };
        assert!(ApplicationForm::parse(&duplicate)
            .unwrap_err()
            .get("choices")
            .is_some());
        let many = ApplicationInput {
            choices: (1..=6).collect(),
            ..valid()
        };
        assert!(ApplicationForm::parse(&many)
            .unwrap_err()
            .get("choices")
            .is_some());
    }
}
