//! The debrief of a final loop: written votes before any discussion, revealed together, then a
//! decision.
//!
//! The debrief opens when every interview of the loop has its submitted scorecard (or a recruiter
//! opens it early by moving the application to Debrief). Each participant first records a vote
//! (hire or no hire, with a sentence); nobody reads another's vote until all of the loop's voters
//! (its interviewers and its track's hiring manager) have voted or the bar raiser reveals them.
//! After the reveal a participant may change their vote; both votes are kept. The decision is
//! hire (to Offer), no hire (Rejected, with a reason code) or more information (back to Final
//! loop for a follow-up interview, whose feedback opens the debrief's next round). When the
//! season gives the bar raiser a veto, a hire is refused while the bar raiser's vote is no hire.
//!
//! Pure: callers pass the votes and who is who.

use crate::input::Text;
use crate::stage::RejectionReason;

/// The longest vote sentence, discussion note or decision note, in characters.
pub const MAX_DEBRIEF_TEXT: usize = 2000;

/// A participant's written vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vote {
    Hire,
    NoHire,
}

impl Vote {
    pub const ALL: [Vote; 2] = [Vote::Hire, Vote::NoHire];

    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Hire => "hire",
            Vote::NoHire => "no_hire",
        }
    }

    pub fn parse(text: &str) -> Option<Vote> {
        Vote::ALL.into_iter().find(|v| v.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Vote::Hire => "Hire",
            Vote::NoHire => "No hire",
        }
    }
}

impl TryFrom<String> for Vote {
    type Error = String;

    fn try_from(text: String) -> Result<Vote, String> {
        Vote::parse(&text).ok_or_else(|| format!("unknown vote {text:?}"))
    }
}

/// A vote as cast, with the sentence that explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CastVote {
    pub vote: Vote,
    pub sentence: String,
}

/// Reads a vote form: a vote and a sentence of up to [`MAX_DEBRIEF_TEXT`] characters.
pub fn parse_vote(vote: &str, sentence: &str) -> Result<CastVote, String> {
    let vote = Vote::parse(vote.trim()).ok_or("Choose hire or no hire.")?;
    let sentence = Text::required(
        sentence,
        "a sentence that explains your vote",
        MAX_DEBRIEF_TEXT,
    )
    .map_err(|e| e.to_string())?;
    Ok(CastVote {
        vote,
        sentence: sentence.into_string(),
    })
}

/// What the debrief decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Moves the application to Offer.
    Hire,
    /// Rejects the application with a reason code.
    NoHire(RejectionReason),
    /// An extra interview: the application goes back to Final loop.
    MoreInformation,
}

impl Decision {
    /// The stable name stored in the debrief's decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Hire => "hire",
            Decision::NoHire(_) => "no_hire",
            Decision::MoreInformation => "more_information",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Hire => "Hire",
            Decision::NoHire(_) => "No hire",
            Decision::MoreInformation => "More information needed",
        }
    }

    /// A decision form: `hire`, `no_hire` with a reason code, or `more_information`.
    pub fn parse(decision: &str, reason: &str) -> Result<Decision, String> {
        match decision.trim() {
            "hire" => Ok(Decision::Hire),
            "no_hire" => RejectionReason::parse(reason.trim())
                .map(Decision::NoHire)
                .ok_or_else(|| "Choose the reason for the no hire.".to_owned()),
            "more_information" => Ok(Decision::MoreInformation),
            _ => Err("Choose hire, no hire or more information.".to_owned()),
        }
    }
}

/// Whether the votes may be read: all of the loop's voters have voted, or the bar raiser
/// revealed them.
pub fn votes_revealed(voters: &[i64], voted: &[i64], revealed_by_bar_raiser: bool) -> bool {
    revealed_by_bar_raiser || voters.iter().all(|i| voted.contains(i))
}

/// Why a decision was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("Decide after the votes are revealed: every interviewer votes first, or the bar raiser reveals the votes.")]
    VotesHidden,
    #[error("The bar raiser voted no hire, and this season gives the bar raiser a veto: the decision cannot be hire.")]
    Vetoed,
}

/// Checks a decision against the debrief: only after the reveal, and no hire over the bar
/// raiser's no-hire vote when the season gives them a veto (`bar_raiser_vote` is their latest).
pub fn check_decision(
    decision: Decision,
    revealed: bool,
    veto: bool,
    bar_raiser_vote: Option<Vote>,
) -> Result<(), DecisionError> {
    if !revealed {
        return Err(DecisionError::VotesHidden);
    }
    if decision == Decision::Hire && veto && bar_raiser_vote == Some(Vote::NoHire) {
        return Err(DecisionError::Vetoed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vote_needs_a_choice_and_a_sentence() {
        assert_eq!(
            parse_vote("hire", " Strong ownership. ").unwrap(),
            CastVote {
                vote: Vote::Hire,
                sentence: "Strong ownership.".into()
            }
        );
        assert!(parse_vote("maybe", "x").is_err());
        assert!(parse_vote("no_hire", "   ").is_err());
        assert!(parse_vote("no_hire", &"x".repeat(MAX_DEBRIEF_TEXT + 1)).is_err());
    }

    #[test]
    fn decisions_parse_with_a_reason_for_a_no_hire() {
        assert_eq!(Decision::parse("hire", ""), Ok(Decision::Hire));
        assert_eq!(
            Decision::parse("no_hire", "interview_performance"),
            Ok(Decision::NoHire(RejectionReason::InterviewPerformance))
        );
        assert!(Decision::parse("no_hire", "").is_err());
        assert_eq!(
            Decision::parse("more_information", ""),
            Ok(Decision::MoreInformation)
        );
        assert!(Decision::parse("offer", "").is_err());
    }

    #[test]
    fn votes_are_revealed_when_every_interviewer_voted_or_the_bar_raiser_says_so() {
        assert!(!votes_revealed(&[1, 2, 3], &[1, 2], false));
        assert!(votes_revealed(&[1, 2, 3], &[3, 1, 2, 9], false));
        assert!(votes_revealed(&[1, 2, 3], &[], true));
    }

    #[test]
    fn the_bar_raisers_no_hire_vetoes_a_hire_only_when_the_season_says_so() {
        use Decision::*;
        let no = Some(Vote::NoHire);
        assert_eq!(
            check_decision(Hire, false, true, None),
            Err(DecisionError::VotesHidden)
        );
        assert_eq!(
            check_decision(Hire, true, true, no),
            Err(DecisionError::Vetoed)
        );
        assert_eq!(check_decision(Hire, true, false, no), Ok(()));
        assert_eq!(check_decision(Hire, true, true, Some(Vote::Hire)), Ok(()));
        let reject = NoHire(RejectionReason::InterviewPerformance);
        assert_eq!(check_decision(reject, true, true, no), Ok(()));
        assert_eq!(check_decision(MoreInformation, true, true, no), Ok(()));
    }
}
