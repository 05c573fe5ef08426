//! Static assets, compiled into the binary so that nothing is fetched from elsewhere.
//!
//! Pages link each asset under a name that carries a hash of its content
//! (`/static/app.3f2a9c1be0d4.css`), served with `Cache-Control: immutable` for a year: a new
//! release changes the name, so browsers and CDNs never need to ask again. The plain names
//! still answer, with a short cache, for links made before.

use crate::state::AppState;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: [Asset; 7] = [
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../assets/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/app.js"),
    },
    Asset {
        name: "editor.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/editor.js"),
    },
    Asset {
        name: "pad.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/pad.js"),
    },
    Asset {
        name: "editor.LICENSES.txt",
        content_type: "text/plain; charset=utf-8",
        body: include_str!("../../assets/editor.LICENSES.txt"),
    },
    Asset {
        name: "assessment.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/assessment.js"),
    },
    Asset {
        name: "code-view.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../assets/code-view.js"),
    },
];

const ICON: &str = include_str!("../../assets/icon.svg");

/// Each asset's content-hashed name, in the order of [`ASSETS`].
static HASHED_NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let digest = Sha256::digest(asset.body.as_bytes());
            let hash = hex::encode(&digest[..6]);
            match asset.name.rsplit_once('.') {
                Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
                None => format!("{}.{hash}", asset.name),
            }
        })
        .collect()
});

/// The address pages link an asset by (`app.css` becomes `/static/app.<hash>.css`).
pub fn href(name: &str) -> String {
    ASSETS
        .iter()
        .position(|asset| asset.name == name)
        .map(|index| format!("/static/{}", HASHED_NAMES[index]))
        .unwrap_or_else(|| panic!("{name} is not an asset"))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{file}", get(static_file))
        .route(
            "/favicon.ico",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "image/svg+xml"),
                        (header::CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    ICON,
                )
            }),
        )
}

async fn static_file(Path(file): Path<String>) -> Response {
    if let Some(index) = HASHED_NAMES.iter().position(|name| *name == file) {
        let asset = &ASSETS[index];
        return (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            asset.body,
        )
            .into_response();
    }
    match ASSETS.iter().find(|asset| asset.name == file) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            asset.body,
        )
            .into_response(),
        None => crate::error::AppError::NotFound.into_response(),
    }
}
