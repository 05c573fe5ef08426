//! The online assessment as staff see it.
//!
//! - [`problems`]: the problem bank.
//! - [`templates`]: assessment templates per track of a season.
//! - [`results`]: a candidate's assessment as recruiters see it, and extending its deadline.
//! - [`submissions`]: one submission's code, similar code side by side, and the replay.
//! - [`stats`]: one assessment across its candidates.
//!
//! The candidate's side is [`crate::routes::candidate::session`].

pub mod problems;
pub mod results;
pub mod stats;
pub mod submissions;
pub mod templates;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(problems::router())
        .merge(templates::router())
        .merge(results::router())
        .merge(submissions::router())
        .merge(stats::router())
}
