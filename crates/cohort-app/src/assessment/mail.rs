//! Mail to candidates about their online assessment.

use crate::mail::{Message, RECRUITING_TEAM};

/// The invitation to the online assessment, sent when an application moves to Assessment.
pub struct AssessmentInvitation<'a> {
    pub name: &'a str,
    pub season: &'a str,
    pub duration_minutes: i64,
    /// The deadline to start, already written for people (UTC).
    pub start_by: &'a str,
    pub link: &'a str,
}

impl Message for AssessmentInvitation<'_> {
    const TEMPLATE: &'static str = "assessment_invitation";

    fn subject(&self) -> String {
        format!("Your {} application: online coding assessment", self.season)
    }

    fn body(&self) -> String {
        let AssessmentInvitation {
            name,
            duration_minutes,
            start_by,
            link,
            ..
        } = self;
        format!("Hello {name},\n\nThank you for applying. The next step is an online coding assessment: a few programming problems to solve in your browser, in {duration_minutes} minutes once you start.\n\nStart it when you are ready, before {start_by}. The timer starts only when you press Start; if you close the browser, you can come back and continue where you were until your time is up.\n\nOpen the assessment: {link}\n\n{RECRUITING_TEAM}\n")
    }
}

/// The reminder a day before the deadline to start the assessment.
pub struct AssessmentReminder<'a> {
    pub name: &'a str,
    pub season: &'a str,
    /// The deadline to start, already written for people (UTC).
    pub start_by: &'a str,
    pub link: &'a str,
}

impl Message for AssessmentReminder<'_> {
    const TEMPLATE: &'static str = "assessment_reminder";

    fn subject(&self) -> String {
        format!("Reminder: your {} coding assessment", self.season)
    }

    fn body(&self) -> String {
        let AssessmentReminder {
            name,
            start_by,
            link,
            ..
        } = self;
        format!("Hello {name},\n\nA reminder that your online coding assessment is waiting for you. Start it before {start_by}; once started, the timer runs until your time is up.\n\nOpen the assessment: {link}\n\nIf you need more time, reply to this message.\n\n{RECRUITING_TEAM}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::test_support::assert_well_formed;

    #[test]
    fn the_invitation_says_how_long_the_test_takes_and_by_when_to_start() {
        let message = AssessmentInvitation {
            name: "Ada",
            season: "Summer 2027",
            duration_minutes: 90,
            start_by: "10 December 2026, 18:00 UTC",
            link: "https://cohort.example/assessments/7",
        };
        assert_well_formed(&message, "Ada");
        assert_eq!(
            message.subject(),
            "Your Summer 2027 application: online coding assessment"
        );
        let body = message.body();
        assert!(body.contains("in 90 minutes once you start"));
        assert!(body.contains("before 10 December 2026, 18:00 UTC."));
        assert!(body.contains("Open the assessment: https://cohort.example/assessments/7\n"));
    }

    #[test]
    fn the_reminder_repeats_the_deadline_and_the_link() {
        let message = AssessmentReminder {
            name: "Ada",
            season: "Summer 2027",
            start_by: "10 December 2026, 18:00 UTC",
            link: "https://cohort.example/assessments/7",
        };
        assert_well_formed(&message, "Ada");
        assert_eq!(
            message.subject(),
            "Reminder: your Summer 2027 coding assessment"
        );
        assert!(message
            .body()
            .contains("Start it before 10 December 2026, 18:00 UTC;"));
        assert!(message
            .body()
            .contains("https://cohort.example/assessments/7"));
    }
}
