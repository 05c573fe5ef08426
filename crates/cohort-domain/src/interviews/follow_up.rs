//! Follow-up interviews: when a debrief decides that more information is needed, a recruiter
//! books one more interview of the loop, with the principles (and technical area) the panel
//! lacks evidence on and a brief for the interviewer. This module parses that request.

use super::{Competency, CompetencyKind, MAX_INTERVIEW_MINUTES};
use crate::input::Text;
use crate::FieldErrors;
use chrono::NaiveDateTime;

/// The longest brief, in characters.
pub const MAX_BRIEF: usize = 2000;

/// A follow-up may cover at most this many principles, as a template's interview may.
pub const MAX_FOLLOW_UP_PRINCIPLES: usize = 2;

/// The shortest follow-up interview, in minutes.
pub const MIN_FOLLOW_UP_MINUTES: u32 = 15;

/// The request as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUpForm {
    pub interviewer: String,
    /// `YYYY-MM-DDTHH:MM`, in UTC (the form says so).
    pub starts_at: String,
    pub minutes: String,
    /// A technical area's id, or empty.
    pub area: String,
    pub principles: Vec<String>,
    pub brief: String,
}

/// A parsed request: who, when (seconds), what it assesses and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub interviewer_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub area: Option<i64>,
    pub principles: Vec<i64>,
    pub brief: String,
}

impl FollowUpForm {
    /// Parses the request against the company's competencies; errors name the field. An
    /// interview must assess something: a technical area, a principle, or both.
    pub fn parse(&self, competencies: &[Competency]) -> Result<FollowUp, FieldErrors> {
        let mut errors = FieldErrors::new();
        let interviewer_id = match self.interviewer.trim().parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.add("interviewer", "Choose the interviewer.");
                None
            }
        };
        let start = match NaiveDateTime::parse_from_str(self.starts_at.trim(), "%Y-%m-%dT%H:%M") {
            Ok(start) => Some(start.and_utc().timestamp()),
            Err(_) => {
                errors.add(
                    "starts_at",
                    "Give the start as a date and time (UTC), such as 2027-01-12T15:00.",
                );
                None
            }
        };
        let minutes = match self.minutes.trim().parse::<u32>() {
            Ok(m) if (MIN_FOLLOW_UP_MINUTES..=MAX_INTERVIEW_MINUTES).contains(&m) => Some(m),
            _ => {
                errors.add(
                    "minutes",
                    format!("An interview lasts {MIN_FOLLOW_UP_MINUTES} to {MAX_INTERVIEW_MINUTES} minutes."),
                );
                None
            }
        };
        let of_kind = |text: &str, kind: CompetencyKind| -> Option<Option<i64>> {
            let text = text.trim();
            if text.is_empty() {
                return Some(None);
            }
            let id = text.parse::<i64>().ok()?;
            competencies
                .iter()
                .any(|c| c.id == id && c.kind == kind)
                .then_some(Some(id))
        };
        let area = match of_kind(&self.area, CompetencyKind::Technical) {
            Some(area) => area,
            None => {
                errors.add("area", "Choose a technical area from the list, or none.");
                None
            }
        };
        let mut principles = Vec::new();
        for text in &self.principles {
            match of_kind(text, CompetencyKind::Principle) {
                Some(Some(id)) if !principles.contains(&id) => principles.push(id),
                Some(_) => {}
                None => {
                    errors.add("principles", "Choose principles from the list.");
                    break;
                }
            }
        }
        if principles.len() > MAX_FOLLOW_UP_PRINCIPLES {
            errors.add(
                "principles",
                format!("Choose at most {MAX_FOLLOW_UP_PRINCIPLES} principles: an interview covers each one in depth."),
            );
        }
        if principles.is_empty() && area.is_none() && errors.get("area").is_none() {
            errors.add(
                "principles",
                "Choose what the interview assesses: at least one principle or a technical area.",
            );
        }
        let brief = errors.take(
            "brief",
            Text::required(&self.brief, "what the panel wants to learn", MAX_BRIEF),
        );
        match (interviewer_id, start, minutes, brief) {
            (Some(interviewer_id), Some(starts_at), Some(minutes), Some(brief))
                if errors.is_empty() =>
            {
                Ok(FollowUp {
                    interviewer_id,
                    starts_at,
                    ends_at: starts_at + i64::from(minutes) * 60,
                    area,
                    principles,
                    brief: brief.as_str().to_owned(),
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn competencies() -> Vec<Competency> {
        vec![
            Competency {
                id: 1,
                name: "Coding".into(),
                kind: CompetencyKind::Technical,
                key: false,
            },
            Competency {
                id: 2,
                name: "Ownership".into(),
                kind: CompetencyKind::Principle,
                key: true,
            },
            Competency {
                id: 3,
                name: "Dive Deep".into(),
                kind: CompetencyKind::Principle,
                key: true,
            },
            Competency {
                id: 4,
                name: "Bias for Action".into(),
                kind: CompetencyKind::Principle,
                key: false,
            },
        ]
    }

    fn form() -> FollowUpForm {
        FollowUpForm {
            interviewer: "7".into(),
            starts_at: "2027-01-12T15:00".into(),
            minutes: "45".into(),
            area: String::new(),
            principles: vec!["2".into(), "3".into()],
            brief: "Nobody heard a story of ownership under pressure.".into(),
        }
    }

    #[test]
    fn a_complete_request_parses_with_its_end_from_the_length() {
        let follow_up = form().parse(&competencies()).unwrap();
        assert_eq!(follow_up.interviewer_id, 7);
        assert_eq!(follow_up.ends_at - follow_up.starts_at, 45 * 60);
        assert_eq!(follow_up.principles, vec![2, 3]);
        assert_eq!(follow_up.area, None);
    }

    #[test]
    fn a_principle_must_be_a_principle_and_an_area_an_area() {
        let mut wrong = form();
        wrong.area = "2".into();
        wrong.principles = vec!["1".into()];
        let errors = wrong.parse(&competencies()).unwrap_err();
        assert!(errors.get("area").is_some());
        assert!(errors.get("principles").is_some());
    }

    #[test]
    fn three_principles_are_too_many_and_none_with_no_area_is_too_few() {
        let mut many = form();
        many.principles = vec!["2".into(), "3".into(), "4".into()];
        assert!(many
            .parse(&competencies())
            .unwrap_err()
            .get("principles")
            .is_some());
        let mut none = form();
        none.principles.clear();
        assert!(none
            .parse(&competencies())
            .unwrap_err()
            .get("principles")
            .is_some());
        none.area = "1".into();
        assert_eq!(none.parse(&competencies()).unwrap().area, Some(1));
    }

    #[test]
    fn bad_times_lengths_and_a_missing_brief_are_each_named() {
        let bad = FollowUpForm {
            interviewer: "x".into(),
            starts_at: "tomorrow".into(),
            minutes: "600".into(),
            brief: "  ".into(),
            ..form()
        };
        let errors = bad.parse(&competencies()).unwrap_err();
        for field in ["interviewer", "starts_at", "minutes", "brief"] {
            assert!(errors.get(field).is_some(), "{field} is not named");
        }
    }
}
