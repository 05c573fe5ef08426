//! The public pages (the job board, opening pages, calendar feeds) are the same for every
//! anonymous visitor, and a season's opening day sends a crowd to them. Each is rendered once,
//! kept until an opening changes, a window opens or closes, or [`FRESH_SECONDS`] pass, and sent
//! with an `ETag` and `Cache-Control: public`, so that browsers and a CDN keep it too and a
//! revalidation costs a 304.

use crate::error::AppError;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// How long this process reuses a rendered page. A change made through another web node shows
/// after at most this long (this node's own changes show at once).
pub const FRESH_SECONDS: i64 = 5;
/// What browsers and shared caches are told: a shared cache (a CDN) keeps the page for a
/// minute; a browser asks again each time (a 304 when nothing changed), because the same
/// address shows a signed-in visitor their own page once they sign in.
pub const CACHE_CONTROL: &str = "public, max-age=0, s-maxage=60, stale-while-revalidate=300";
/// Pages kept at most; arbitrary query strings cannot grow the cache without bound.
const MAX_PAGES: usize = 1_000;

/// A page as rendered for anonymous visitors.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: String,
    pub content_type: &'static str,
    pub disposition: Option<String>,
    /// When the page would read differently (a window opens or closes), if ever.
    pub changes_at: Option<i64>,
}

#[derive(Debug, Clone)]
struct Kept {
    body: Bytes,
    content_type: &'static str,
    disposition: Option<String>,
    etag: String,
    fresh_until: i64,
}

/// The rendered public pages of this process, by path and query, and how many times they were
/// forgotten (a page rendered before a change must not be kept after it).
#[derive(Debug, Default)]
pub struct PublicPages(Mutex<(HashMap<String, Kept>, u64)>);

impl PublicPages {
    fn generation(&self) -> u64 {
        self.0.lock().expect("the cache lock is never poisoned").1
    }

    fn get(&self, key: &str, now: i64) -> Option<Kept> {
        let cache = self.0.lock().expect("the cache lock is never poisoned");
        cache
            .0
            .get(key)
            .filter(|page| now < page.fresh_until)
            .cloned()
    }

    /// Keeps a page rendered when the cache was at `generation`, unless it was forgotten since.
    fn keep(&self, key: String, page: Kept, generation: u64) {
        let mut cache = self.0.lock().expect("the cache lock is never poisoned");
        if cache.1 != generation {
            return;
        }
        if cache.0.len() >= MAX_PAGES && !cache.0.contains_key(&key) {
            cache.0.clear();
        }
        cache.0.insert(key, page);
    }

    /// Drops every page, after this process changed what they show.
    pub fn forget(&self) {
        let mut cache = self.0.lock().expect("the cache lock is never poisoned");
        cache.0.clear();
        cache.1 += 1;
    }
}

/// Whether an `If-None-Match` header names `etag` (compared weakly, as RFC 9110 asks for GET).
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == "*" || bare(tag) == bare(etag))
}

/// Answers an anonymous GET of the public page `key` (its path and query): from the cache when
/// it is fresh, else rendered by `render` and kept; a 304 when the client already has it.
pub async fn respond<F, Fut>(
    cache: &PublicPages,
    now: i64,
    key: &str,
    headers: &HeaderMap,
    render: F,
) -> Result<Response, AppError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Rendered, AppError>>,
{
    let page = match cache.get(key, now) {
        Some(page) => page,
        None => {
            let generation = cache.generation();
            let rendered = render().await?;
            let digest = Sha256::digest(rendered.body.as_bytes());
            let page = Kept {
                etag: format!("W/\"{}\"", hex::encode(&digest[..12])),
                body: Bytes::from(rendered.body),
                content_type: rendered.content_type,
                disposition: rendered.disposition,
                fresh_until: rendered
                    .changes_at
                    .filter(|at| *at > now)
                    .map_or(now + FRESH_SECONDS, |at| at.min(now + FRESH_SECONDS)),
            };
            cache.keep(key.to_owned(), page.clone(), generation);
            page
        }
    };
    let etag = HeaderValue::from_str(&page.etag).map_err(AppError::internal)?;
    let cache = HeaderValue::from_static(CACHE_CONTROL);
    if matches(headers, &page.etag) {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(page.content_type),
            ),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        page.body,
    )
        .into_response();
    if let Some(disposition) = page.disposition {
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::matches;
    use axum::http::{header, HeaderMap, HeaderValue};

    fn asking(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn if_none_match_is_compared_weakly_and_may_list_several_tags() {
        let etag = "W/\"abc\"";
        assert!(matches(&asking("W/\"abc\""), etag));
        assert!(matches(&asking("\"abc\""), etag));
        assert!(matches(&asking("\"x\", W/\"abc\""), etag));
        assert!(matches(&asking("*"), etag));
        assert!(!matches(&asking("\"abd\""), etag));
        assert!(!matches(&HeaderMap::new(), etag));
    }
}
