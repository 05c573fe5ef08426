//! Mail to candidates about their application: received, moved, rejected.

use crate::mail::{Message, RECRUITING_TEAM};
use cohort_domain::Stage;

/// A candidate's application was stored.
pub struct ApplicationReceived<'a> {
    pub name: &'a str,
    pub season: &'a str,
    /// The chosen openings, in order of preference, written for people.
    pub choices: &'a [String],
    pub status_link: &'a str,
}

impl Message for ApplicationReceived<'_> {
    const TEMPLATE: &'static str = "application_received";

    fn subject(&self) -> String {
        format!("We received your application for {}", self.season)
    }

    fn body(&self) -> String {
        let ApplicationReceived {
            name,
            season,
            choices,
            status_link,
        } = self;
        let list: String = choices
            .iter()
            .enumerate()
            .map(|(i, choice)| format!("  {}. {choice}\n", i + 1))
            .collect();
        format!("Hello {name},\n\nThank you for applying to the {season} internship program. You applied to, in order of preference:\n\n{list}\nYou can follow your application at {status_link}\n\n{RECRUITING_TEAM}\n")
    }
}

/// An application moved to a stage the candidate sees as new. The candidate's words for the
/// stage come from the stage itself, never the staff's.
pub struct StageChanged<'a> {
    pub name: &'a str,
    pub season: &'a str,
    pub stage: Stage,
    pub status_link: &'a str,
}

impl Message for StageChanged<'_> {
    const TEMPLATE: &'static str = "stage_changed";

    fn subject(&self) -> String {
        format!(
            "Your {} application: {}",
            self.season,
            self.stage.candidate_label()
        )
    }

    fn body(&self) -> String {
        let StageChanged {
            name, status_link, ..
        } = self;
        let label = self.stage.candidate_label();
        let explanation = self.stage.candidate_explanation();
        format!("Hello {name},\n\nYour application has moved to a new step: {label}.\n\n{explanation}\n\nDetails: {status_link}\n\n{RECRUITING_TEAM}\n")
    }
}

/// An application was rejected. The staff's reason stays with the staff.
pub struct Rejected<'a> {
    pub name: &'a str,
    pub season: &'a str,
    pub status_link: &'a str,
}

impl Message for Rejected<'_> {
    const TEMPLATE: &'static str = "rejected";

    fn subject(&self) -> String {
        format!("Your {} application", self.season)
    }

    fn body(&self) -> String {
        let Rejected {
            name,
            season,
            status_link,
        } = self;
        format!("Hello {name},\n\nThank you for your interest in our {season} internship program and for the time you gave us. After careful review we will not move forward with your application this season.\n\nWe encourage you to apply again in a future season.\n\nYour application: {status_link}\n\n{RECRUITING_TEAM}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::test_support::assert_well_formed;

    #[test]
    fn the_receipt_lists_the_choices_in_order_of_preference() {
        let choices = vec![
            "Software Development Engineer Intern (Seattle, USA)".to_owned(),
            "Data Scientist Intern (Dublin, Ireland)".to_owned(),
        ];
        let message = ApplicationReceived {
            name: "Ada",
            season: "Summer 2027",
            choices: &choices,
            status_link: "https://cohort.example/me",
        };
        assert_well_formed(&message, "Ada");
        assert_eq!(
            message.subject(),
            "We received your application for Summer 2027"
        );
        assert!(message.body().contains(
            "  1. Software Development Engineer Intern (Seattle, USA)\n  2. Data Scientist Intern (Dublin, Ireland)\n"
        ));
        assert!(message.body().contains("https://cohort.example/me"));
    }

    #[test]
    fn a_stage_change_uses_the_candidates_words_never_the_staffs() {
        for stage in Stage::ALL {
            let message = StageChanged {
                name: "Ada",
                season: "Summer 2027",
                stage,
                status_link: "https://cohort.example/me",
            };
            assert_well_formed(&message, "Ada");
            let text = format!("{}\n{}", message.subject(), message.body());
            assert!(text.contains(stage.candidate_label()), "{text}");
            // Internal codes and staff-only names (a debrief, a bar raiser) never reach a candidate.
            for internal in [
                "debrief",
                "Debrief",
                "bar raiser",
                "final_loop",
                "phone_screen",
            ] {
                assert!(!text.contains(internal), "{internal} in {text}");
            }
        }
    }

    #[test]
    fn a_rejection_gives_no_reason_and_invites_a_later_application() {
        let message = Rejected {
            name: "Ada",
            season: "Summer 2027",
            status_link: "https://cohort.example/me",
        };
        assert_well_formed(&message, "Ada");
        assert_eq!(message.subject(), "Your Summer 2027 application");
        assert!(message.body().contains("apply again in a future season"));
        assert!(!message.body().to_lowercase().contains("because"));
    }
}
