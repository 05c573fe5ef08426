//! The staff side: seasons and their setup, the recruiter board, the candidate detail page,
//! stage moves (one or in bulk) and internal notes.
//!
//! - [`board`]: the staff home, a season's board with its filters and search, bulk moves.
//! - [`application`]: one application's page, moving it, notes, its résumé.
//! - [`setup`]: a season's setup: seasons, tracks, locations, openings, pay bands.
//!
//! Each has its own `router()`; [`router`] merges them.

pub mod application;
pub mod board;
pub mod setup;

use crate::state::AppState;
use axum::Router;

pub const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(board::router())
        .merge(application::router())
        .merge(setup::router())
}
