//! Pipeline stages and the rules for moving between them.
//!
//! The transition table is data ([`TRANSITIONS`]): each row names a move and the roles allowed to
//! make it. Withdrawal is the candidate's own move and is allowed from every open stage.

use crate::role::Role;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Applied,
    Screening,
    Assessment,
    PhoneScreen,
    FinalLoop,
    Debrief,
    Offer,
    Hired,
    Rejected,
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 10] = [
        Stage::Applied,
        Stage::Screening,
        Stage::Assessment,
        Stage::PhoneScreen,
        Stage::FinalLoop,
        Stage::Debrief,
        Stage::Offer,
        Stage::Hired,
        Stage::Rejected,
        Stage::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Applied => "applied",
            Stage::Screening => "screening",
            Stage::Assessment => "assessment",
            Stage::PhoneScreen => "phone_screen",
            Stage::FinalLoop => "final_loop",
            Stage::Debrief => "debrief",
            Stage::Offer => "offer",
            Stage::Hired => "hired",
            Stage::Rejected => "rejected",
            Stage::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.as_str() == text)
    }

    /// The name recruiters see.
    pub fn staff_label(self) -> &'static str {
        match self {
            Stage::Applied => "Applied",
            Stage::Screening => "Screening",
            Stage::Assessment => "Assessment",
            Stage::PhoneScreen => "Phone screen",
            Stage::FinalLoop => "Final loop",
            Stage::Debrief => "Debrief",
            Stage::Offer => "Offer",
            Stage::Hired => "Hired",
            Stage::Rejected => "Rejected",
            Stage::Withdrawn => "Withdrawn",
        }
    }

    /// The words a candidate sees. Internal steps such as the debrief are not named to candidates:
    /// to them the decision is simply still being made.
    pub fn candidate_label(self) -> &'static str {
        match self {
            Stage::Applied => "Application received",
            Stage::Screening => "Your application is being reviewed",
            Stage::Assessment => "Online coding assessment",
            Stage::PhoneScreen => "Phone interview",
            Stage::FinalLoop | Stage::Debrief => "Final interviews",
            Stage::Offer => "Offer extended",
            Stage::Hired => "Hired: welcome aboard",
            Stage::Rejected => "Not moving forward",
            Stage::Withdrawn => "Withdrawn",
        }
    }

    /// A sentence for the candidate's status page explaining what happens next.
    pub fn candidate_explanation(self) -> &'static str {
        match self {
            Stage::Applied => "We have your application. A recruiter will review it soon.",
            Stage::Screening => "A recruiter is reviewing your résumé against the openings you chose.",
            Stage::Assessment => "You will receive an invitation to a timed online coding assessment.",
            Stage::PhoneScreen => "Next is a technical phone interview with one of our engineers, at a time you choose.",
            Stage::FinalLoop | Stage::Debrief => {
                "You are in the final round of interviews. We will let you know our decision."
            }
            Stage::Offer => "Congratulations! We have made you an offer.",
            Stage::Hired => "You accepted our offer. Onboarding details will follow.",
            Stage::Rejected => {
                "Thank you for your interest. We will not move forward with your application this season."
            }
            Stage::Withdrawn => "You withdrew your application.",
        }
    }

    /// Terminal stages end an application: nothing moves out of them.
    pub fn is_terminal(self) -> bool {
        matches!(self, Stage::Hired | Stage::Rejected | Stage::Withdrawn)
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a recruiter rejected an application. Stored as its code; shown to staff only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    NotQualified,
    Ineligible,
    PositionFilled,
    AssessmentScore,
    InterviewPerformance,
    Other,
    /// The candidate declined the offer (recorded by their answer, never chosen by staff).
    OfferDeclined,
    /// A recruiter rescinded the offer (recorded by the rescission).
    OfferRescinded,
}

impl RejectionReason {
    pub const ALL: [RejectionReason; 8] = [
        RejectionReason::NotQualified,
        RejectionReason::Ineligible,
        RejectionReason::PositionFilled,
        RejectionReason::AssessmentScore,
        RejectionReason::InterviewPerformance,
        RejectionReason::Other,
        RejectionReason::OfferDeclined,
        RejectionReason::OfferRescinded,
    ];

    /// The reasons staff choose from when they reject; the offer's two are recorded by the
    /// offer itself.
    pub const CHOICES: [RejectionReason; 6] = [
        RejectionReason::NotQualified,
        RejectionReason::Ineligible,
        RejectionReason::PositionFilled,
        RejectionReason::AssessmentScore,
        RejectionReason::InterviewPerformance,
        RejectionReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectionReason::NotQualified => "not_qualified",
            RejectionReason::Ineligible => "ineligible",
            RejectionReason::PositionFilled => "position_filled",
            RejectionReason::AssessmentScore => "assessment_score",
            RejectionReason::InterviewPerformance => "interview_performance",
            RejectionReason::Other => "other",
            RejectionReason::OfferDeclined => "offer_declined",
            RejectionReason::OfferRescinded => "offer_rescinded",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RejectionReason::NotQualified => "Does not meet the qualifications",
            RejectionReason::Ineligible => "Not eligible (graduation date, work authorisation)",
            RejectionReason::PositionFilled => "Positions filled",
            RejectionReason::AssessmentScore => "Assessment score below the bar",
            RejectionReason::InterviewPerformance => "Interview performance",
            RejectionReason::Other => "Other",
            RejectionReason::OfferDeclined => "Declined the offer",
            RejectionReason::OfferRescinded => "Offer rescinded",
        }
    }

    pub fn parse(text: &str) -> Option<RejectionReason> {
        RejectionReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == text)
    }
}

/// One allowed move and the staff roles that may make it.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub from: Stage,
    pub to: Stage,
    pub roles: &'static [Role],
}

const RECRUITING: &[Role] = &[Role::Administrator, Role::Recruiter];
const DECIDING: &[Role] = &[Role::Administrator, Role::Recruiter, Role::HiringManager];

/// Every move staff may make. Rejection is allowed from every open stage and listed explicitly so
/// that the table alone answers "may this role do this?".
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        from: Stage::Applied,
        to: Stage::Screening,
        roles: RECRUITING,
    },
    Transition {
        from: Stage::Screening,
        to: Stage::Assessment,
        roles: RECRUITING,
    },
    Transition {
        from: Stage::Screening,
        to: Stage::PhoneScreen,
        roles: RECRUITING,
    },
    Transition {
        from: Stage::Assessment,
        to: Stage::PhoneScreen,
        roles: RECRUITING,
    },
    Transition {
        from: Stage::PhoneScreen,
        to: Stage::FinalLoop,
        roles: DECIDING,
    },
    Transition {
        from: Stage::FinalLoop,
        to: Stage::Debrief,
        roles: DECIDING,
    },
    Transition {
        from: Stage::Debrief,
        to: Stage::Offer,
        roles: DECIDING,
    },
    // A debrief that needs more information sends the candidate back for an extra interview.
    Transition {
        from: Stage::Debrief,
        to: Stage::FinalLoop,
        roles: DECIDING,
    },
    Transition {
        from: Stage::Offer,
        to: Stage::Hired,
        roles: RECRUITING,
    },
    Transition {
        from: Stage::Applied,
        to: Stage::Rejected,
        roles: RECRUITING,
    },
    Transition {
        from: Stage::Screening,
        to: Stage::Rejected,
        roles: RECRUITING,
    },
    Transition {
        from: Stage::Assessment,
        to: Stage::Rejected,
        roles: RECRUITING,
    },
    Transition {
        from: Stage::PhoneScreen,
        to: Stage::Rejected,
        roles: DECIDING,
    },
    Transition {
        from: Stage::FinalLoop,
        to: Stage::Rejected,
        roles: DECIDING,
    },
    Transition {
        from: Stage::Debrief,
        to: Stage::Rejected,
        roles: DECIDING,
    },
    Transition {
        from: Stage::Offer,
        to: Stage::Rejected,
        roles: DECIDING,
    },
];

/// Who is asking to move an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// The candidate who owns the application.
    Owner,
    /// A staff member holding these roles.
    Staff(&'a [Role]),
    /// Cohort itself, applying an online assessment's advance rule to a passing candidate. It
    /// may only move an application from Assessment to Phone screen; it never rejects anyone.
    AssessmentRule,
    /// Cohort itself, opening the debrief when every interview of the final loop has its
    /// submitted feedback. It may only move an application from Final loop to Debrief.
    FeedbackComplete,
    /// The candidate answering their offer: accepting moves the application from Offer to
    /// Hired, declining from Offer to Rejected (as "declined the offer").
    OfferAnswer,
}

/// Why a move was refused. The messages are shown to the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransitionError {
    #[error("The application is already {}; nothing moves out of that stage.", .0.staff_label())]
    Terminal(Stage),
    #[error("An application cannot move from {} to {}.", .from.staff_label(), .to.staff_label())]
    NotAllowed { from: Stage, to: Stage },
    #[error("Your role may not move an application from {} to {}.", .from.staff_label(), .to.staff_label())]
    Forbidden { from: Stage, to: Stage },
    #[error("A rejection needs a reason.")]
    ReasonRequired,
}

/// Decides whether `actor` may move an application from `from` to `to`.
///
/// A rejection must carry a reason code; other moves may carry an optional free-text reason that
/// the caller stores in the audit log.
pub fn check_transition(
    from: Stage,
    to: Stage,
    actor: Actor<'_>,
    rejection_reason: Option<RejectionReason>,
) -> Result<(), TransitionError> {
    if from.is_terminal() {
        return Err(TransitionError::Terminal(from));
    }
    match actor {
        Actor::AssessmentRule => {
            if from == Stage::Assessment && to == Stage::PhoneScreen {
                Ok(())
            } else {
                Err(TransitionError::Forbidden { from, to })
            }
        }
        Actor::FeedbackComplete => {
            if from == Stage::FinalLoop && to == Stage::Debrief {
                Ok(())
            } else {
                Err(TransitionError::Forbidden { from, to })
            }
        }
        Actor::OfferAnswer => {
            if from == Stage::Offer && matches!(to, Stage::Hired | Stage::Rejected) {
                Ok(())
            } else {
                Err(TransitionError::Forbidden { from, to })
            }
        }
        Actor::Owner => {
            if to == Stage::Withdrawn {
                Ok(())
            } else {
                Err(TransitionError::Forbidden { from, to })
            }
        }
        Actor::Staff(roles) => {
            let row = TRANSITIONS
                .iter()
                .find(|row| row.from == from && row.to == to)
                .ok_or(TransitionError::NotAllowed { from, to })?;
            if !roles.iter().any(|role| row.roles.contains(role)) {
                return Err(TransitionError::Forbidden { from, to });
            }
            if to == Stage::Rejected && rejection_reason.is_none() {
                return Err(TransitionError::ReasonRequired);
            }
            Ok(())
        }
    }
}

/// The stages that staff holding `roles` may move an application in `from` to, in table order.
pub fn next_stages(from: Stage, roles: &[Role]) -> Vec<Stage> {
    if from.is_terminal() {
        return Vec::new();
    }
    TRANSITIONS
        .iter()
        .filter(|row| row.from == from && roles.iter().any(|role| row.roles.contains(role)))
        .map(|row| row.to)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    const RECRUITER: &[Role] = &[Role::Recruiter];
    const HIRING_MANAGER: &[Role] = &[Role::HiringManager];
    const INTERVIEWER: &[Role] = &[Role::Interviewer];

    fn check(
        from: Stage,
        to: Stage,
        actor: Actor<'_>,
        reason: Option<RejectionReason>,
        expected: Result<(), TransitionError>,
    ) {
        assert_eq!(
            check_transition(from, to, actor, reason),
            expected,
            "{from} -> {to} by {actor:?}"
        );
    }

    #[test]
    fn the_table_answers_who_may_move_what() {
        check(Applied, Screening, Actor::Staff(RECRUITER), None, Ok(()));
        check(Screening, Assessment, Actor::Staff(RECRUITER), None, Ok(()));
        check(
            Assessment,
            PhoneScreen,
            Actor::Staff(RECRUITER),
            None,
            Ok(()),
        );
        check(
            PhoneScreen,
            FinalLoop,
            Actor::Staff(HIRING_MANAGER),
            None,
            Ok(()),
        );
        check(Debrief, Offer, Actor::Staff(HIRING_MANAGER), None, Ok(()));
        check(
            Applied,
            Screening,
            Actor::Staff(HIRING_MANAGER),
            None,
            Err(TransitionError::Forbidden {
                from: Applied,
                to: Screening,
            }),
        );
        check(
            Applied,
            Screening,
            Actor::Staff(INTERVIEWER),
            None,
            Err(TransitionError::Forbidden {
                from: Applied,
                to: Screening,
            }),
        );
        check(
            Applied,
            Offer,
            Actor::Staff(RECRUITER),
            None,
            Err(TransitionError::NotAllowed {
                from: Applied,
                to: Offer,
            }),
        );
        check(
            Screening,
            Applied,
            Actor::Staff(RECRUITER),
            None,
            Err(TransitionError::NotAllowed {
                from: Screening,
                to: Applied,
            }),
        );
    }

    #[test]
    fn a_rejection_needs_a_reason_code() {
        check(
            Screening,
            Rejected,
            Actor::Staff(RECRUITER),
            None,
            Err(TransitionError::ReasonRequired),
        );
        check(
            Screening,
            Rejected,
            Actor::Staff(RECRUITER),
            Some(RejectionReason::NotQualified),
            Ok(()),
        );
    }

    #[test]
    fn every_open_stage_can_be_rejected_by_a_recruiter_or_withdrawn_by_its_owner() {
        for stage in Stage::ALL.into_iter().filter(|s| !s.is_terminal()) {
            check(
                stage,
                Rejected,
                Actor::Staff(RECRUITER),
                Some(RejectionReason::Other),
                Ok(()),
            );
            check(stage, Withdrawn, Actor::Owner, None, Ok(()));
        }
    }

    #[test]
    fn the_owner_can_only_withdraw() {
        check(
            Applied,
            Screening,
            Actor::Owner,
            None,
            Err(TransitionError::Forbidden {
                from: Applied,
                to: Screening,
            }),
        );
    }

    #[test]
    fn nothing_moves_out_of_a_terminal_stage() {
        for stage in [Hired, Rejected, Withdrawn] {
            check(
                stage,
                Screening,
                Actor::Staff(&[Role::Administrator]),
                None,
                Err(TransitionError::Terminal(stage)),
            );
            check(
                stage,
                Withdrawn,
                Actor::Owner,
                None,
                Err(TransitionError::Terminal(stage)),
            );
            assert!(next_stages(stage, &[Role::Administrator]).is_empty());
        }
    }

    #[test]
    fn next_stages_lists_only_what_the_roles_may_do() {
        assert_eq!(
            next_stages(Screening, RECRUITER),
            vec![Assessment, PhoneScreen, Rejected]
        );
        assert!(next_stages(Screening, HIRING_MANAGER).is_empty());
        assert_eq!(
            next_stages(Debrief, HIRING_MANAGER),
            vec![Offer, FinalLoop, Rejected]
        );
        assert!(next_stages(Applied, INTERVIEWER).is_empty());
    }

    #[test]
    fn every_row_of_the_table_moves_forward_between_distinct_stages_but_a_debrief_asking_for_more()
    {
        for row in TRANSITIONS {
            assert_ne!(row.from, row.to);
            if row.to < row.from {
                assert_eq!((row.from, row.to), (Debrief, FinalLoop));
            }
            assert!(!row.from.is_terminal());
            assert!(!row.roles.is_empty());
            assert!(!row.roles.contains(&Role::Candidate));
        }
    }

    #[test]
    fn stage_and_reason_names_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.as_str()), Some(stage));
        }
        for reason in RejectionReason::ALL {
            assert_eq!(RejectionReason::parse(reason.as_str()), Some(reason));
        }
    }

    #[test]
    fn the_assessment_rule_only_advances_from_assessment_to_phone_screen() {
        assert!(check_transition(
            Stage::Assessment,
            Stage::PhoneScreen,
            Actor::AssessmentRule,
            None
        )
        .is_ok());
        for (from, to) in [
            (Stage::Assessment, Stage::Rejected),
            (Stage::Screening, Stage::Assessment),
            (Stage::PhoneScreen, Stage::FinalLoop),
        ] {
            assert!(
                check_transition(
                    from,
                    to,
                    Actor::AssessmentRule,
                    Some(RejectionReason::ALL[0])
                )
                .is_err(),
                "{from:?} -> {to:?}"
            );
        }
    }

    #[test]
    fn complete_feedback_only_opens_the_debrief() {
        assert!(check_transition(
            Stage::FinalLoop,
            Stage::Debrief,
            Actor::FeedbackComplete,
            None
        )
        .is_ok());
        for (from, to) in [
            (Stage::Debrief, Stage::Offer),
            (Stage::FinalLoop, Stage::Rejected),
            (Stage::Debrief, Stage::FinalLoop),
        ] {
            assert!(
                check_transition(from, to, Actor::FeedbackComplete, None).is_err(),
                "{from:?} -> {to:?}"
            );
        }
    }
}
