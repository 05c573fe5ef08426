//! Mail the judge sends: alerts to recruiters about submissions it could not judge.

use crate::mail::Message;

/// A submission got "judge error": its problem's package is at fault, not the candidate.
pub struct JudgeErrorAlert<'a> {
    pub problem: &'a str,
    pub submission_id: i64,
    /// What the judge said went wrong (empty when it said nothing).
    pub reason: &'a str,
}

impl Message for JudgeErrorAlert<'_> {
    const TEMPLATE: &'static str = "judge_error";

    fn subject(&self) -> String {
        format!("The judge could not judge a submission to {}", self.problem)
    }

    fn body(&self) -> String {
        let JudgeErrorAlert {
            problem,
            submission_id,
            reason,
        } = self;
        let reason = if reason.is_empty() {
            "the judge gave no reason".to_owned()
        } else {
            reason.to_string()
        };
        format!("Submission {submission_id} to {problem} could not be judged: {reason}\n\nIt does not count against the candidate. Check the problem's package on its page in the problem bank; once it is fixed, the candidate's other submissions are judged normally.\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_judge_error_alert_names_the_problem_the_submission_and_the_reason() {
        let alert = JudgeErrorAlert {
            problem: "Build queue",
            submission_id: 42,
            reason: "the output validator crashed",
        };
        assert_eq!(
            alert.subject(),
            "The judge could not judge a submission to Build queue"
        );
        assert!(alert.body().starts_with(
            "Submission 42 to Build queue could not be judged: the output validator crashed\n\n"
        ));
        assert!(alert
            .body()
            .contains("does not count against the candidate"));
        let row = alert.to("recruiter@example.com");
        assert_eq!(row.template, "judge_error");
        assert_eq!(row.recipient, "recruiter@example.com");
    }

    #[test]
    fn an_alert_without_a_reason_says_so_instead_of_ending_in_a_colon() {
        let alert = JudgeErrorAlert {
            problem: "Build queue",
            submission_id: 7,
            reason: "",
        };
        assert!(alert.body().starts_with(
            "Submission 7 to Build queue could not be judged: the judge gave no reason\n"
        ));
    }
}
