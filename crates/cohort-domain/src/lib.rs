//! Cohort's domain: the rules of an internship season, with no I/O and no clock.
//!
//! Everything here takes plain values (and a `now` passed in by the caller) and returns plain
//! values, so every rule is testable with table-driven tests and cannot fail on the outside world.
//! Input from forms and JSON is parsed into the types of this crate once, at the boundary; code
//! past the boundary takes these types and never re-checks them.
//!
//! Layout:
//! - [`role`]: the roles a person can hold.
//! - [`stage`]: pipeline stages, the transition table (as data) and who may perform each move.
//! - [`input`]: validated input types (email, password, names, links, languages, dates).
//! - [`season`]: seasons, application windows, time zones, pay bands.
//! - [`money`]: amounts in minor units of an ISO 4217 currency, with its own decimals.
//! - [`offers`]: an offer's terms against its pay band, the approval chain, the deadline in the
//!   candidate's zone, accepting and declining, and the offer letter's template.
//! - [`onboarding`]: checklist templates and tasks (owner, kind, due relative to the start
//!   date), the default checklist, progress and what is overdue.
//! - [`application`]: the validated application form.
//! - [`assessment`]: what an online assessment template may say.
//! - [`calendar`]: busy times from an interviewer's iCalendar file (recurrence, zones, free/busy).
//! - [`interviews`]: competencies, loop templates and the principles a template covers.
//! - [`validation`]: per-field error collection shared by every form.

pub mod application;
pub mod assessment;
pub mod calendar;
pub mod input;
pub mod interviews;
pub mod money;
pub mod offers;
pub mod onboarding;
pub mod role;
pub mod season;
pub mod stage;
pub mod validation;

pub use role::Role;
pub use stage::{RejectionReason, Stage};
pub use validation::FieldErrors;
