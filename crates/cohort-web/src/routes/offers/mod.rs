//! Offers: the pages of staff (a season's offers with the headcount, an offer with its band,
//! approvals, letter and history, the approvals waiting for me, the letter template and the
//! approval chain) and the candidate's offer with its letter and answer. Every rule is the app's
//! (`cohort_app::offers`).
//!
//! - [`staff`]: recruiters, hiring managers and administrators.
//! - [`settings`]: the letter template and the approval chain (administrators).
//! - [`candidate`]: the candidate's own offer.

pub mod candidate;
pub mod settings;
pub mod staff;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(staff::router())
        .merge(settings::router())
        .merge(candidate::router())
}

/// The badge class of a state: settled good, waiting, or ended badly.
pub fn badge(state: cohort_domain::offers::OfferState) -> &'static str {
    use cohort_domain::offers::OfferState;
    match state {
        OfferState::Accepted | OfferState::Approved | OfferState::Sent => "badge badge-ok",
        OfferState::Draft | OfferState::AwaitingApproval => "badge badge-pending",
        OfferState::Declined | OfferState::Expired | OfferState::Rescinded => "badge badge-refused",
    }
}
