//! Interviews: as staff set them up, and as candidates book them.
//!
//! - [`competencies`]: the company's technical areas and principles (administrators).
//! - [`templates`]: each track's loop template with its coverage of the principles (recruiters).
//! - [`profile`]: an interviewer's own profile, and a bar raiser's sign-offs.
//! - [`interviewers`]: the interviewers as recruiters manage them.
//! - [`booking`]: a candidate's phone screens: booking, moving, cancelling.
//! - [`plans`]: "Plan a week" of final loops on the engine, its edits and publishing (recruiters).
//! - [`feedback`]: scorecards, a candidate's feedback under the blind rule, overdue feedback.
//! - [`calibration`]: each interviewer's ratings against their panels', late feedback, matches.
//! - [`kits`]: an interview's kit, and the question bank behind the kits.
//! - [`debriefs`]: a loop's debrief (votes, grid, notes, decision) and the season's veto setting.
//! - [`pads`]: an interview's live coding pad, its WebSocket and the interviewer's notes.
//! - [`schedule`]: an interviewer's own interviews, releasing one, and their calendar feed.

pub mod booking;
pub mod calibration;
pub mod case_studies;
pub mod competencies;
pub mod debriefs;
pub mod feedback;
pub mod interviewers;
pub mod kits;
pub mod pads;
pub mod plans;
pub mod profile;
pub mod schedule;
pub mod templates;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(booking::router())
        .merge(competencies::router())
        .merge(templates::router())
        .merge(profile::router())
        .merge(interviewers::router())
        .merge(schedule::router())
        .merge(plans::router())
        .merge(feedback::router())
        .merge(debriefs::router())
        .merge(calibration::router())
        .merge(kits::router())
        .merge(case_studies::router())
        .merge(pads::router())
}
