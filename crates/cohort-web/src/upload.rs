//! Uploads: a request that carries one waits for a permit before its body is read. What the
//! upload holds is read in `cohort_app::applications::resume`, re-exported here.

pub use cohort_app::applications::resume::{ResumeKind, UploadError};

use axum::response::IntoResponse;

/// Makes a request that carries an upload wait for one of [`UPLOADS_AT_ONCE`](crate::state::UPLOADS_AT_ONCE) permits before
/// its body is read.
pub async fn one_upload_at_a_time(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let Ok(_permit) = state.upload_permits().acquire().await else {
        return crate::error::AppError::internal(std::io::Error::other("upload permits closed"))
            .into_response();
    };
    next.run(request).await
}
