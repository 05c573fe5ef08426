//! Interviews as staff set them up.
//!
//! - [`competencies`]: the company's technical areas and principles (administrators).
//! - [`templates`]: each track's loop template with its coverage of the principles (recruiters).

pub mod competencies;
pub mod templates;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(competencies::router())
        .merge(templates::router())
}
