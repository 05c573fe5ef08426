//! Offers: the terms a recruiter drafts from a hire decision, checked against the pay band of the
//! opening's track and location and against its headcount; the approval chain those checks
//! call for; the deadline, which ends with the deadline's day in the candidate's time zone; the
//! candidate's answer; and the offer letter, a Markdown template with fields.

use crate::input::InvalidInput;
use crate::money::Currency;
use crate::validation::FieldErrors;
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The longest an internship offer may run.
pub const MAX_WEEKS: i64 = 52;
/// The longest a reason or note may be.
pub const MAX_NOTE: usize = 2_000;

/// Where an offer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferState {
    /// Being written by a recruiter; nobody else sees it.
    Draft,
    /// Waiting for the approvers its chain calls for.
    AwaitingApproval,
    /// Approved (or needing no approval); the recruiter has not sent it yet.
    Approved,
    /// With the candidate, who may accept or decline until the deadline.
    Sent,
    Accepted,
    Declined,
    /// The deadline passed unanswered; a recruiter may extend it.
    Expired,
    /// Withdrawn by a recruiter before it was accepted.
    Rescinded,
}

impl OfferState {
    pub const ALL: [OfferState; 8] = [
        OfferState::Draft,
        OfferState::AwaitingApproval,
        OfferState::Approved,
        OfferState::Sent,
        OfferState::Accepted,
        OfferState::Declined,
        OfferState::Expired,
        OfferState::Rescinded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OfferState::Draft => "draft",
            OfferState::AwaitingApproval => "awaiting_approval",
            OfferState::Approved => "approved",
            OfferState::Sent => "sent",
            OfferState::Accepted => "accepted",
            OfferState::Declined => "declined",
            OfferState::Expired => "expired",
            OfferState::Rescinded => "rescinded",
        }
    }

    pub fn parse(text: &str) -> Option<OfferState> {
        OfferState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            OfferState::Draft => "Draft",
            OfferState::AwaitingApproval => "Awaiting approval",
            OfferState::Approved => "Approved, not sent",
            OfferState::Sent => "Sent",
            OfferState::Accepted => "Accepted",
            OfferState::Declined => "Declined",
            OfferState::Expired => "Expired",
            OfferState::Rescinded => "Rescinded",
        }
    }

    /// The terms may still change: editing returns the offer to a draft and voids approvals.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            OfferState::Draft | OfferState::AwaitingApproval | OfferState::Approved
        )
    }

    /// The candidate has seen it: it is theirs to read.
    pub fn is_visible_to_candidate(self) -> bool {
        matches!(
            self,
            OfferState::Sent | OfferState::Accepted | OfferState::Declined | OfferState::Expired
        ) || self == OfferState::Rescinded
    }

    /// A recruiter may rescind it: it was not answered.
    pub fn may_rescind(self) -> bool {
        !matches!(
            self,
            OfferState::Accepted | OfferState::Declined | OfferState::Rescinded
        )
    }

    /// A recruiter may move its deadline.
    pub fn may_extend(self) -> bool {
        matches!(self, OfferState::Sent | OfferState::Expired)
    }

    /// It counts against the opening's headcount: out with the candidate, about to be, or taken.
    pub fn holds_headcount(self) -> bool {
        matches!(
            self,
            OfferState::AwaitingApproval
                | OfferState::Approved
                | OfferState::Sent
                | OfferState::Accepted
        )
    }
}

/// Decodes a stored state; an unknown one is an error, never silently a draft.
impl TryFrom<String> for OfferState {
    type Error = String;

    fn try_from(code: String) -> Result<OfferState, String> {
        OfferState::parse(&code).ok_or_else(|| format!("unknown offer state {code:?}"))
    }
}

/// How the intern is housed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Housing {
    /// A monthly stipend, in minor units of the offer's currency.
    Stipend(i64),
    /// Corporate housing, arranged by the company.
    Corporate,
}

impl Housing {
    pub fn code(self) -> &'static str {
        match self {
            Housing::Stipend(_) => "stipend",
            Housing::Corporate => "corporate",
        }
    }

    /// Reads the stored pair back.
    pub fn stored(code: &str, stipend_minor: i64) -> Housing {
        if code == "corporate" {
            Housing::Corporate
        } else {
            Housing::Stipend(stipend_minor)
        }
    }

    pub fn stipend_minor(self) -> i64 {
        match self {
            Housing::Stipend(amount) => amount,
            Housing::Corporate => 0,
        }
    }
}

/// The terms of an offer, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferTerms {
    pub opening_id: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub currency: Currency,
    pub monthly_pay: i64,
    pub housing: Housing,
    pub relocation: i64,
    pub sign_on: i64,
    /// The last day to decide, in `time_zone`.
    pub deadline: NaiveDate,
    pub time_zone: Tz,
    /// Why an exception (out of band or beyond headcount) is justified; may be empty otherwise.
    pub reason: String,
}

impl OfferTerms {
    /// The instant the offer expires: the end of the deadline's day in the candidate's zone.
    pub fn expires_at(&self) -> DateTime<Utc> {
        end_of_day(self.deadline, self.time_zone)
    }

    pub fn weeks(&self) -> i64 {
        ((self.end - self.start).num_days() + 1 + 6) / 7
    }
}

/// The first instant after `day` in `zone`: the offer may be answered until then. A day that
/// starts in a daylight-saving gap starts at the gap's end.
pub fn end_of_day(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let next = day
        .checked_add_days(Days::new(1))
        .unwrap_or(day)
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists");
    let mut probe = next;
    loop {
        if let Some(local) = zone.from_local_datetime(&probe).earliest() {
            return local.with_timezone(&Utc);
        }
        probe += chrono::Duration::minutes(15);
    }
}

/// The offer form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct OfferForm {
    pub opening: String,
    pub start: String,
    pub end: String,
    pub currency: String,
    pub monthly_pay: String,
    pub housing: String,
    pub housing_stipend: String,
    pub relocation: String,
    pub sign_on: String,
    pub deadline: String,
    pub time_zone: String,
    pub reason: String,
}

impl OfferForm {
    /// Parses the form. `openings` are the ids the offer may name (the application's choices);
    /// `today` is today in the candidate's zone, before which no deadline may fall.
    pub fn parse(&self, openings: &[i64], today: NaiveDate) -> Result<OfferTerms, FieldErrors> {
        let mut errors = FieldErrors::new();
        let opening = match self.opening.trim().parse::<i64>() {
            Ok(id) if openings.contains(&id) => Some(id),
            _ => {
                errors.add(
                    "opening",
                    "Choose one of the openings the candidate applied to.",
                );
                None
            }
        };
        let start = errors.take("start", date(&self.start, "the start date"));
        let end = errors.take("end", date(&self.end, "the end date"));
        if let (Some(start), Some(end)) = (start, end) {
            if end <= start {
                errors.add("end", "The end date must be after the start date.");
            } else if (end - start).num_weeks() > MAX_WEEKS {
                errors.add(
                    "end",
                    format!("An internship lasts at most {MAX_WEEKS} weeks."),
                );
            }
        }
        let currency = errors.take("currency", Currency::parse(&self.currency));
        let amount = |errors: &mut FieldErrors, field: &str, text: &str, what: &str| {
            let currency = currency.as_ref()?;
            let text = if text.trim().is_empty() { "0" } else { text };
            errors.take(field, currency.parse_amount(text, what))
        };
        let monthly_pay = amount(
            &mut errors,
            "monthly_pay",
            &self.monthly_pay,
            "the monthly pay",
        );
        if monthly_pay == Some(0) {
            errors.add("monthly_pay", "Enter the monthly pay.");
        }
        let housing = match self.housing.as_str() {
            "corporate" => Some(Housing::Corporate),
            "stipend" => amount(
                &mut errors,
                "housing_stipend",
                &self.housing_stipend,
                "the housing stipend",
            )
            .map(Housing::Stipend),
            _ => {
                errors.add("housing", "Choose a housing stipend or corporate housing.");
                None
            }
        };
        let relocation = amount(
            &mut errors,
            "relocation",
            &self.relocation,
            "the relocation allowance",
        );
        let sign_on = amount(&mut errors, "sign_on", &self.sign_on, "the sign-on bonus");
        let time_zone = errors.take("time_zone", crate::season::parse_time_zone(&self.time_zone));
        let deadline = errors.take("deadline", date(&self.deadline, "the deadline"));
        if let Some(deadline) = deadline {
            if deadline < today {
                errors.add("deadline", "The deadline has already passed.");
            } else if start.is_some_and(|start| deadline >= start) {
                errors.add("deadline", "The deadline must come before the start date.");
            }
        }
        let reason = self.reason.trim().to_owned();
        if reason.chars().count() > MAX_NOTE {
            errors.add(
                "reason",
                format!("Keep the reason under {MAX_NOTE} characters."),
            );
        }
        match (
            opening,
            start,
            end,
            currency,
            monthly_pay,
            housing,
            relocation,
            sign_on,
            deadline,
            time_zone,
        ) {
            (
                Some(opening_id),
                Some(start),
                Some(end),
                Some(currency),
                Some(monthly_pay),
                Some(housing),
                Some(relocation),
                Some(sign_on),
                Some(deadline),
                Some(time_zone),
            ) if errors.is_empty() => Ok(OfferTerms {
                opening_id,
                start,
                end,
                currency,
                monthly_pay,
                housing,
                relocation,
                sign_on,
                deadline,
                time_zone,
                reason,
            }),
            _ => Err(errors),
        }
    }
}

fn date(text: &str, what: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidInput(format!("Enter {what} as a date.")))
}

/// The pay band of a track at a location. Monthly pay runs from `monthly_min` to `monthly_max`;
/// the other amounts are ceilings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub currency: Currency,
    pub monthly_min: i64,
    pub monthly_max: i64,
    pub housing_max: i64,
    pub relocation_max: i64,
    pub sign_on_max: i64,
}

/// Something about an offer that its approvers must accept knowingly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exception {
    NoBand,
    CurrencyDiffers {
        offer: Currency,
        band: Currency,
    },
    MonthlyBelow {
        offer: i64,
        min: i64,
    },
    MonthlyAbove {
        offer: i64,
        max: i64,
    },
    HousingAbove {
        offer: i64,
        max: i64,
    },
    RelocationAbove {
        offer: i64,
        max: i64,
    },
    SignOnAbove {
        offer: i64,
        max: i64,
    },
    /// Offers holding the opening's headcount (this one included) would exceed it.
    BeyondHeadcount {
        holding: i64,
        headcount: i64,
    },
}

impl Exception {
    /// A sentence for approvers, amounts in `currency`.
    pub fn describe(&self, currency: &Currency) -> String {
        let f = |amount: &i64| currency.format(*amount);
        match self {
            Exception::NoBand => "The opening's track has no pay band at this location.".into(),
            Exception::CurrencyDiffers { offer, band } => format!(
                "The offer is in {offer} but the band is in {band}, so its amounts cannot be compared."
            ),
            Exception::MonthlyBelow { offer, min } => {
                format!("Monthly pay {} is below the band's {}.", f(offer), f(min))
            }
            Exception::MonthlyAbove { offer, max } => {
                format!("Monthly pay {} is above the band's {}.", f(offer), f(max))
            }
            Exception::HousingAbove { offer, max } => format!(
                "The housing stipend {} is above the band's {}.",
                f(offer),
                f(max)
            ),
            Exception::RelocationAbove { offer, max } => format!(
                "The relocation allowance {} is above the band's {}.",
                f(offer),
                f(max)
            ),
            Exception::SignOnAbove { offer, max } => format!(
                "The sign-on bonus {} is above the band's {}.",
                f(offer),
                f(max)
            ),
            Exception::BeyondHeadcount {
                holding,
                headcount,
            } => format!(
                "This offer makes {holding} offers out or accepted for a headcount of {headcount}."
            ),
        }
    }
}

/// What about `terms` lies outside `band`, and whether `holding` offers (this one included)
/// exceed `headcount`.
pub fn exceptions(
    terms: &OfferTerms,
    band: Option<&Band>,
    holding: i64,
    headcount: i64,
) -> Vec<Exception> {
    let mut found = Vec::new();
    match band {
        None => found.push(Exception::NoBand),
        Some(band) if band.currency != terms.currency => found.push(Exception::CurrencyDiffers {
            offer: terms.currency.clone(),
            band: band.currency.clone(),
        }),
        Some(band) => {
            if terms.monthly_pay < band.monthly_min {
                found.push(Exception::MonthlyBelow {
                    offer: terms.monthly_pay,
                    min: band.monthly_min,
                });
            }
            if terms.monthly_pay > band.monthly_max {
                found.push(Exception::MonthlyAbove {
                    offer: terms.monthly_pay,
                    max: band.monthly_max,
                });
            }
            if terms.housing.stipend_minor() > band.housing_max {
                found.push(Exception::HousingAbove {
                    offer: terms.housing.stipend_minor(),
                    max: band.housing_max,
                });
            }
            if terms.relocation > band.relocation_max {
                found.push(Exception::RelocationAbove {
                    offer: terms.relocation,
                    max: band.relocation_max,
                });
            }
            if terms.sign_on > band.sign_on_max {
                found.push(Exception::SignOnAbove {
                    offer: terms.sign_on,
                    max: band.sign_on_max,
                });
            }
        }
    }
    if holding > headcount {
        found.push(Exception::BeyondHeadcount { holding, headcount });
    }
    found
}

/// Who approves at one step of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approver {
    /// The hiring manager of the offer's track.
    HiringManager,
    /// A recruiting lead: any administrator.
    RecruitingLead,
    /// One named account.
    Person(i64),
}

impl Approver {
    pub fn code(self) -> String {
        match self {
            Approver::HiringManager => "hiring_manager".into(),
            Approver::RecruitingLead => "recruiting_lead".into(),
            Approver::Person(id) => format!("person:{id}"),
        }
    }

    pub fn parse(code: &str) -> Option<Approver> {
        match code {
            "hiring_manager" => Some(Approver::HiringManager),
            "recruiting_lead" => Some(Approver::RecruitingLead),
            other => other
                .strip_prefix("person:")
                .and_then(|id| id.parse().ok())
                .map(Approver::Person),
        }
    }
}

/// When a step applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepApplies {
    Always,
    /// Only to an offer out of band or beyond headcount.
    OnException,
}

impl StepApplies {
    pub fn code(self) -> &'static str {
        match self {
            StepApplies::Always => "always",
            StepApplies::OnException => "exception",
        }
    }

    pub fn parse(code: &str) -> Option<StepApplies> {
        match code {
            "always" => Some(StepApplies::Always),
            "exception" => Some(StepApplies::OnException),
            _ => None,
        }
    }
}

/// One step of a season's approval chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovalStep {
    pub approver: Approver,
    pub applies: StepApplies,
}

/// The chain a season starts with: the hiring manager approves every offer, then a recruiting
/// lead approves the exceptions.
pub const DEFAULT_CHAIN: [ApprovalStep; 2] = [
    ApprovalStep {
        approver: Approver::HiringManager,
        applies: StepApplies::Always,
    },
    ApprovalStep {
        approver: Approver::RecruitingLead,
        applies: StepApplies::OnException,
    },
];

/// The positions (0-based) of the chain's steps an offer must pass, in order.
pub fn steps_for(chain: &[ApprovalStep], has_exception: bool) -> Vec<usize> {
    chain
        .iter()
        .enumerate()
        .filter(|(_, step)| step.applies == StepApplies::Always || has_exception)
        .map(|(position, _)| position)
        .collect()
}

/// Checks an approval chain as an administrator edits it.
pub fn check_chain(chain: &[ApprovalStep]) -> Result<(), InvalidInput> {
    if chain.len() > 6 {
        return Err(InvalidInput("A chain has at most six steps.".into()));
    }
    for (index, step) in chain.iter().enumerate() {
        if chain[..index].iter().any(|s| s.approver == step.approver) {
            return Err(InvalidInput(format!(
                "Step {} names an approver an earlier step already has.",
                index + 1
            )));
        }
    }
    Ok(())
}

/// Why a candidate declined, as they chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclineReason {
    AnotherOffer,
    Location,
    Pay,
    Timing,
    Other,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 5] = [
        DeclineReason::AnotherOffer,
        DeclineReason::Location,
        DeclineReason::Pay,
        DeclineReason::Timing,
        DeclineReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeclineReason::AnotherOffer => "another_offer",
            DeclineReason::Location => "location",
            DeclineReason::Pay => "pay",
            DeclineReason::Timing => "timing",
            DeclineReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeclineReason::AnotherOffer => "I chose another offer",
            DeclineReason::Location => "The location",
            DeclineReason::Pay => "The pay",
            DeclineReason::Timing => "The timing",
            DeclineReason::Other => "Another reason",
        }
    }

    pub fn parse(text: &str) -> Option<DeclineReason> {
        DeclineReason::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// Why an answer was refused. Shown to the candidate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("This offer was already {0}.")]
    Answered(&'static str),
    #[error("This offer was withdrawn, so it can no longer be accepted.")]
    Rescinded,
    #[error("The deadline to answer this offer has passed. Contact your recruiter to ask for more time.")]
    PastDeadline,
    #[error("The letter changed since you opened it. Read the letter below again, then answer.")]
    LetterChanged,
    #[error("Type your full name exactly as it appears on the letter: {0}.")]
    NameMismatch(String),
}

/// Whether the candidate may answer now: the offer is with them, the deadline has not passed,
/// and they answer the letter the offer holds now.
pub fn check_answer(
    state: OfferState,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    letter_hash: &str,
    seen_hash: &str,
) -> Result<(), AnswerError> {
    match state {
        OfferState::Sent => {}
        OfferState::Accepted => return Err(AnswerError::Answered("accepted")),
        OfferState::Declined => return Err(AnswerError::Answered("declined")),
        OfferState::Rescinded => return Err(AnswerError::Rescinded),
        OfferState::Expired => return Err(AnswerError::PastDeadline),
        OfferState::Draft | OfferState::AwaitingApproval | OfferState::Approved => {
            return Err(AnswerError::Rescinded)
        }
    }
    if now >= expires_at {
        return Err(AnswerError::PastDeadline);
    }
    if letter_hash != seen_hash {
        return Err(AnswerError::LetterChanged);
    }
    Ok(())
}

/// Checks the signature: the name typed must be the candidate's, ignoring case and spacing.
pub fn check_signature(typed: &str, name: &str) -> Result<String, AnswerError> {
    let normal = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    if !typed.trim().is_empty() && normal(typed) == normal(name) {
        Ok(typed.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        Err(AnswerError::NameMismatch(name.to_owned()))
    }
}

/// The fields a letter template may use, each with what it holds.
pub const LETTER_FIELDS: [(&str, &str); 14] = [
    ("candidate_name", "The candidate's full name"),
    ("season", "The season's name"),
    ("role", "The opening's title"),
    ("track", "The track"),
    ("location", "The city and country"),
    ("start_date", "The first day"),
    ("end_date", "The last day"),
    ("weeks", "The length in weeks"),
    ("monthly_pay", "Monthly pay with its currency"),
    ("housing", "The housing stipend, or corporate housing"),
    ("relocation", "The relocation allowance"),
    ("sign_on_bonus", "The sign-on bonus, or \"none\""),
    (
        "deadline",
        "The end of the deadline in the candidate's time zone",
    ),
    ("recruiter_name", "The recruiter who sent the offer"),
];

/// The letter every season starts with.
pub const DEFAULT_LETTER: &str = "# Your internship offer\n\
\n\
Dear {{candidate_name}},\n\
\n\
We are delighted to offer you a place in our **{{season}}** internship program as a \
**{{role}}** ({{track}}) in {{location}}.\n\
\n\
## Your internship\n\
\n\
- **Dates:** {{start_date}} to {{end_date}} ({{weeks}} weeks)\n\
- **Monthly pay:** {{monthly_pay}}\n\
- **Housing:** {{housing}}\n\
- **Relocation allowance:** {{relocation}}\n\
- **Sign-on bonus:** {{sign_on_bonus}}\n\
\n\
Pay is monthly, in arrears, for the months of the program. Your first week is orientation, \
security training and setting up your accounts and tools.\n\
\n\
## Your answer\n\
\n\
Please accept or decline this offer by **{{deadline}}**. If you need more time, reply to your \
recruiter before then.\n\
\n\
We look forward to working with you.\n\
\n\
{{recruiter_name}}, University Recruiting\n";

/// A letter template refused: it names a field that does not exist, or leaves a brace open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("The template uses {{{{{0}}}}}, which is not a field. The fields are listed beside the editor.")]
    UnknownField(String),
    #[error("A \"{{{{\" near line {0} is never closed with \"}}}}\".")]
    Unclosed(usize),
    #[error("The template is empty.")]
    Empty,
    #[error("Keep the template under 20,000 characters.")]
    TooLong,
}

/// Fills `template`'s `{{field}}`s from `value`; an unknown field or an open brace is refused.
pub fn fill_letter(
    template: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Result<String, TemplateError> {
    if template.trim().is_empty() {
        return Err(TemplateError::Empty);
    }
    if template.chars().count() > 20_000 {
        return Err(TemplateError::TooLong);
    }
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            let line = template[..template.len() - rest.len() + open]
                .lines()
                .count()
                .max(1);
            return Err(TemplateError::Unclosed(line));
        };
        let name = after[..close].trim();
        match value(name) {
            Some(text) => out.push_str(&text),
            None => return Err(TemplateError::UnknownField(name.to_owned())),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Checks a template as an administrator saves it: every field it names must exist.
pub fn check_letter_template(template: &str) -> Result<(), TemplateError> {
    fill_letter(template, |name| {
        LETTER_FIELDS
            .iter()
            .any(|(field, _)| *field == name)
            .then(String::new)
    })
    .map(|_| ())
}

/// Escapes text put into a Markdown letter so that a name such as `*Kim*` prints as typed.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '<'
                | '>'
                | '('
                | ')'
                | '#'
                | '+'
                | '-'
                | '.'
                | '!'
                | '|'
                | '~'
                | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::parse("USD").unwrap()
    }

    fn form() -> OfferForm {
        OfferForm {
            opening: "7".into(),
            start: "2027-06-07".into(),
            end: "2027-08-27".into(),
            currency: "USD".into(),
            monthly_pay: "8,500".into(),
            housing: "stipend".into(),
            housing_stipend: "2000".into(),
            relocation: "1500".into(),
            sign_on: "".into(),
            deadline: "2027-02-15".into(),
            time_zone: "America/Los_Angeles".into(),
            reason: String::new(),
        }
    }

    fn band() -> Band {
        Band {
            currency: usd(),
            monthly_min: 800_000,
            monthly_max: 900_000,
            housing_max: 200_000,
            relocation_max: 150_000,
            sign_on_max: 0,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()
    }

    #[test]
    fn a_complete_form_parses_into_terms_in_minor_units() {
        let terms = form().parse(&[7, 9], today()).unwrap();
        assert_eq!(terms.monthly_pay, 850_000);
        assert_eq!(terms.housing, Housing::Stipend(200_000));
        assert_eq!(terms.sign_on, 0);
        assert_eq!(terms.weeks(), 12);
        assert!(exceptions(&terms, Some(&band()), 1, 5).is_empty());
    }

    #[test]
    fn every_bad_field_is_named_and_nothing_parses() {
        let bad = OfferForm {
            opening: "8".into(),
            end: "2027-06-01".into(),
            currency: "XAU".into(),
            housing: "tent".into(),
            deadline: "2027-01-31".into(),
            time_zone: "Mars/Olympus".into(),
            ..form()
        };
        let errors = bad.parse(&[7], today()).unwrap_err();
        for field in [
            "opening",
            "end",
            "currency",
            "housing",
            "deadline",
            "time_zone",
        ] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        let late = OfferForm {
            deadline: "2027-06-07".into(),
            ..form()
        };
        assert_eq!(
            late.parse(&[7], today()).unwrap_err().get("deadline"),
            Some("The deadline must come before the start date.")
        );
    }

    #[test]
    fn amounts_outside_the_band_and_beyond_headcount_are_each_an_exception() {
        let rich = OfferForm {
            monthly_pay: "9000.01".into(),
            housing_stipend: "2000.01".into(),
            relocation: "1500.01".into(),
            sign_on: "0.01".into(),
            ..form()
        };
        let terms = rich.parse(&[7], today()).unwrap();
        let found = exceptions(&terms, Some(&band()), 6, 5);
        assert_eq!(found.len(), 5, "{found:?}");
        assert_eq!(
            found[0].describe(&usd()),
            "Monthly pay 9,000.01 USD is above the band's 9,000 USD."
        );
        assert_eq!(
            found[4].describe(&usd()),
            "This offer makes 6 offers out or accepted for a headcount of 5."
        );
        let poor = OfferForm {
            monthly_pay: "7999.99".into(),
            ..form()
        };
        let terms = poor.parse(&[7], today()).unwrap();
        assert_eq!(
            exceptions(&terms, Some(&band()), 5, 5),
            vec![Exception::MonthlyBelow {
                offer: 799_999,
                min: 800_000
            }]
        );
        let euros = OfferForm {
            currency: "EUR".into(),
            ..form()
        };
        let terms = euros.parse(&[7], today()).unwrap();
        assert!(matches!(
            exceptions(&terms, Some(&band()), 1, 5)[..],
            [Exception::CurrencyDiffers { .. }]
        ));
        assert_eq!(exceptions(&terms, None, 1, 5), vec![Exception::NoBand]);
    }

    #[test]
    fn corporate_housing_holds_no_stipend_against_the_band() {
        let corporate = OfferForm {
            housing: "corporate".into(),
            housing_stipend: "99999".into(),
            ..form()
        };
        let terms = corporate.parse(&[7], today()).unwrap();
        assert_eq!(terms.housing, Housing::Corporate);
        assert!(exceptions(&terms, Some(&band()), 1, 5).is_empty());
    }

    #[test]
    fn the_default_chain_asks_the_hiring_manager_always_and_a_recruiting_lead_for_exceptions() {
        assert_eq!(steps_for(&DEFAULT_CHAIN, false), vec![0]);
        assert_eq!(steps_for(&DEFAULT_CHAIN, true), vec![0, 1]);
        assert!(steps_for(&[], true).is_empty());
        assert!(check_chain(&DEFAULT_CHAIN).is_ok());
        let twice = [DEFAULT_CHAIN[0], DEFAULT_CHAIN[0]];
        assert!(check_chain(&twice).is_err());
        for approver in [
            Approver::HiringManager,
            Approver::RecruitingLead,
            Approver::Person(42),
        ] {
            assert_eq!(Approver::parse(&approver.code()), Some(approver));
        }
    }

    #[test]
    fn the_deadline_ends_at_midnight_after_its_day_in_the_candidates_zone() {
        let day = NaiveDate::from_ymd_opt(2027, 2, 15).unwrap();
        let la = end_of_day(day, chrono_tz::America::Los_Angeles);
        assert_eq!(la.to_rfc3339(), "2027-02-16T08:00:00+00:00");
        let tokyo = end_of_day(day, chrono_tz::Asia::Tokyo);
        assert_eq!(tokyo.to_rfc3339(), "2027-02-15T15:00:00+00:00");
        // Havana's clocks skip midnight on the day daylight saving starts.
        let havana = end_of_day(
            NaiveDate::from_ymd_opt(2027, 3, 13).unwrap(),
            chrono_tz::America::Havana,
        );
        assert_eq!(havana.to_rfc3339(), "2027-03-14T05:00:00+00:00");
    }

    #[test]
    fn only_a_sent_offer_before_its_deadline_and_with_the_letter_seen_may_be_answered() {
        let expires = end_of_day(
            NaiveDate::from_ymd_opt(2027, 2, 15).unwrap(),
            chrono_tz::UTC,
        );
        let before = expires - chrono::Duration::seconds(1);
        assert!(check_answer(OfferState::Sent, expires, before, "a", "a").is_ok());
        assert_eq!(
            check_answer(OfferState::Sent, expires, expires, "a", "a"),
            Err(AnswerError::PastDeadline)
        );
        assert_eq!(
            check_answer(OfferState::Sent, expires, before, "a", "b"),
            Err(AnswerError::LetterChanged)
        );
        assert_eq!(
            check_answer(OfferState::Rescinded, expires, before, "a", "a"),
            Err(AnswerError::Rescinded)
        );
        assert_eq!(
            check_answer(OfferState::Accepted, expires, before, "a", "a"),
            Err(AnswerError::Answered("accepted"))
        );
    }

    #[test]
    fn a_signature_matches_the_name_whatever_its_case_and_spacing() {
        assert_eq!(
            check_signature("  zoë   NÚÑEZ ", "Zoë Núñez").unwrap(),
            "zoë NÚÑEZ"
        );
        assert!(check_signature("Zoe Nunez", "Zoë Núñez").is_err());
        assert!(check_signature("", "Zoë Núñez").is_err());
    }

    #[test]
    fn a_letter_fills_its_fields_and_refuses_unknown_ones() {
        let filled = fill_letter(
            "Dear {{ candidate_name }}, {{monthly_pay}}.",
            |name| match name {
                "candidate_name" => Some("Ada".into()),
                "monthly_pay" => Some("8,500 USD".into()),
                _ => None,
            },
        )
        .unwrap();
        assert_eq!(filled, "Dear Ada, 8,500 USD.");
        assert!(check_letter_template(DEFAULT_LETTER).is_ok());
        assert_eq!(
            check_letter_template("Hi {{salary}}").unwrap_err().to_string(),
            "The template uses {{salary}}, which is not a field. The fields are listed beside the editor."
        );
        assert_eq!(
            check_letter_template("a\nb {{name").unwrap_err(),
            TemplateError::Unclosed(2)
        );
        assert_eq!(escape_markdown("*Kim* [x]"), "\\*Kim\\* \\[x\\]");
    }
}
