//! The offers' mail: to the candidate (an offer to read, a new deadline, expiry, a rescinded
//! offer, their own answer) and to staff (an approval to give, an answer, an expiry).

use crate::mail::{Message, RECRUITING_TEAM};

/// The candidate has an offer to read and answer.
pub struct OfferSent<'a> {
    pub name: &'a str,
    pub season: &'a str,
    pub role: &'a str,
    pub deadline: &'a str,
    pub link: &'a str,
}

impl Message for OfferSent<'_> {
    const TEMPLATE: &'static str = "offer_sent";

    fn subject(&self) -> String {
        format!("Your offer: {} ({})", self.role, self.season)
    }

    fn body(&self) -> String {
        let OfferSent {
            name,
            role,
            deadline,
            link,
            ..
        } = self;
        format!("Hello {name},\n\nCongratulations: we are offering you a place as a {role}. Your offer letter, with its pay, dates and housing, is at\n\n  {link}\n\nYou can download it as a PDF there, and accept or decline it until {deadline}.\n\n{RECRUITING_TEAM}\n")
    }
}

/// The candidate's deadline moved.
pub struct OfferExtended<'a> {
    pub name: &'a str,
    pub deadline: &'a str,
    pub link: &'a str,
}

impl Message for OfferExtended<'_> {
    const TEMPLATE: &'static str = "offer_extended";

    fn subject(&self) -> String {
        "More time to decide on your offer".to_owned()
    }

    fn body(&self) -> String {
        let OfferExtended {
            name,
            deadline,
            link,
        } = self;
        format!("Hello {name},\n\nYou now have until {deadline} to accept or decline your offer. The letter was updated with the new date:\n\n  {link}\n\n{RECRUITING_TEAM}\n")
    }
}

/// The deadline passed without an answer (to the candidate).
pub struct OfferExpired<'a> {
    pub name: &'a str,
    pub link: &'a str,
}

impl Message for OfferExpired<'_> {
    const TEMPLATE: &'static str = "offer_expired";

    fn subject(&self) -> String {
        "Your offer has expired".to_owned()
    }

    fn body(&self) -> String {
        let OfferExpired { name, link } = self;
        format!("Hello {name},\n\nThe deadline to answer your offer has passed, so it can no longer be accepted. If you still want it, reply to your recruiter: they can give you more time.\n\n  {link}\n\n{RECRUITING_TEAM}\n")
    }
}

/// An offer was rescinded (to the candidate).
pub struct OfferRescinded<'a> {
    pub name: &'a str,
    pub season: &'a str,
}

impl Message for OfferRescinded<'_> {
    const TEMPLATE: &'static str = "offer_rescinded";

    fn subject(&self) -> String {
        format!("Your {} offer has been withdrawn", self.season)
    }

    fn body(&self) -> String {
        let OfferRescinded { name, season } = self;
        format!("Hello {name},\n\nWe are sorry to tell you that we have withdrawn our offer for the {season} internship program. Your recruiter will be in touch to explain.\n\n{RECRUITING_TEAM}\n")
    }
}

/// The candidate's own answer, for their records.
pub struct AnswerRecorded<'a> {
    pub name: &'a str,
    pub accepted: bool,
    pub link: &'a str,
}

impl Message for AnswerRecorded<'_> {
    const TEMPLATE: &'static str = "offer_answer_recorded";

    fn subject(&self) -> String {
        if self.accepted {
            "Welcome aboard: you accepted your offer".to_owned()
        } else {
            "You declined your offer".to_owned()
        }
    }

    fn body(&self) -> String {
        let AnswerRecorded { name, link, .. } = self;
        if self.accepted {
            format!("Hello {name},\n\nThank you for accepting. We have recorded your acceptance with the letter you signed; you can read it again at\n\n  {link}\n\nYour onboarding checklist is next: orientation, security training and your accounts.\n\n{RECRUITING_TEAM}\n")
        } else {
            format!("Hello {name},\n\nWe have recorded that you declined our offer. Thank you for your time with us, and good luck.\n\n{RECRUITING_TEAM}\n")
        }
    }
}

/// An approver has an offer to approve.
pub struct ApprovalNeeded<'a> {
    pub approver: &'a str,
    pub candidate: &'a str,
    pub role: &'a str,
    pub exceptions: &'a [&'a str],
    pub link: &'a str,
}

impl Message for ApprovalNeeded<'_> {
    const TEMPLATE: &'static str = "offer_approval_needed";

    fn subject(&self) -> String {
        format!("Offer to approve: {} ({})", self.candidate, self.role)
    }

    fn body(&self) -> String {
        let ApprovalNeeded {
            approver,
            candidate,
            role,
            exceptions,
            link,
        } = self;
        let notes = if exceptions.is_empty() {
            "It is within its pay band and the opening's headcount.\n".to_owned()
        } else {
            let list: String = exceptions.iter().map(|e| format!("  - {e}\n")).collect();
            format!("It needs your approval as an exception:\n{list}")
        };
        format!("Hello {approver},\n\nThe offer to {candidate} as a {role} is waiting for your approval. {notes}\nReview it against its band and headcount at\n\n  {link}\n\nCohort\n")
    }
}

/// What happened to an offer, for the recruiter who drafted or sent it: an answer, an expiry,
/// an approval refused.
pub struct OfferNews<'a> {
    pub recruiter: &'a str,
    pub candidate: &'a str,
    pub news: &'a str,
    pub link: &'a str,
}

impl Message for OfferNews<'_> {
    const TEMPLATE: &'static str = "offer_news";

    fn subject(&self) -> String {
        format!("Offer to {}: {}", self.candidate, self.news)
    }

    fn body(&self) -> String {
        let OfferNews {
            recruiter,
            candidate,
            news,
            link,
        } = self;
        format!("Hello {recruiter},\n\nThe offer to {candidate}: {news}.\n\n  {link}\n\nCohort\n")
    }
}
