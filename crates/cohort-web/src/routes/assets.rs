//! Static assets, compiled into the binary so that nothing is fetched from elsewhere.

use crate::state::AppState;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

const STYLESHEET: &str = include_str!("../../assets/app.css");
const SCRIPT: &str = include_str!("../../assets/app.js");
const ICON: &str = include_str!("../../assets/icon.svg");
const EDITOR: &str = include_str!("../../assets/editor.js");
const EDITOR_LICENSES: &str = include_str!("../../assets/editor.LICENSES.txt");
const ASSESSMENT_SCRIPT: &str = include_str!("../../assets/assessment.js");
const CODE_VIEW_SCRIPT: &str = include_str!("../../assets/code-view.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/static/app.css",
            get(|| async { asset("text/css; charset=utf-8", STYLESHEET) }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/static/editor.js",
            get(|| async { asset("text/javascript; charset=utf-8", EDITOR) }),
        )
        .route(
            "/static/editor.LICENSES.txt",
            get(|| async { asset("text/plain; charset=utf-8", EDITOR_LICENSES) }),
        )
        .route(
            "/static/assessment.js",
            get(|| async { asset("text/javascript; charset=utf-8", ASSESSMENT_SCRIPT) }),
        )
        .route(
            "/static/code-view.js",
            get(|| async { asset("text/javascript; charset=utf-8", CODE_VIEW_SCRIPT) }),
        )
        .route(
            "/favicon.ico",
            get(|| async { asset("image/svg+xml", ICON) }),
        )
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}
