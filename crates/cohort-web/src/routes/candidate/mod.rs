//! The candidate's side: the application form, the status page (withdrawal, the own résumé),
//! and the timed online assessment.
//!
//! - [`apply`]: the application form, and [`apply::submit_application`], which the API uses too.
//! - [`status`]: "My applications", withdrawing one, downloading one's own résumé, a final
//!   loop's case-study prompts and the deliverable uploaded for one.
//! - [`session`]: the online assessment as the candidate takes it.

pub mod apply;
pub mod session;
pub mod status;

use crate::state::AppState;
use axum::Router;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(apply::router(state.clone()))
        .merge(status::router())
        .merge(status::upload_router(state))
        .merge(session::router())
}
