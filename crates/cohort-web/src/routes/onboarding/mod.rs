//! Onboarding: an intern's checklist (their own page, and the same checklist as staff see it),
//! the cohort's progress with orientation sessions and the CSV of interns, each track's
//! checklist template, and provisioning over SCIM 2.0. Every rule is the app's
//! (`cohort_app::onboarding`).
//!
//! - [`checklist`]: the intern's page, a task done or reopened, an uploaded document, a session's
//!   calendar file, and one intern's checklist for staff.
//! - [`cohort`]: the season's interns with their progress, orientation sessions, the CSV, and
//!   the template editor.
//! - [`scim`]: `/scim/v2` for identity providers.

pub mod checklist;
pub mod cohort;
pub mod scim;

use crate::state::AppState;
use axum::Router;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(checklist::router(state))
        .merge(cohort::router())
}
