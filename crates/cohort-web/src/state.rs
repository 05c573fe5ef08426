//! The state shared by every request: the application context ([`App`]) and what only the web
//! needs (the public page cache, the CSRF key, upload permits).

use cohort_app::App;
pub use cohort_app::{Clock, Config, StartError};
use cohort_store::blob::{BlobId, BlobStore};
use cohort_store::seasons::{OpeningFilter, OpeningRecord};
use cohort_store::Store;
use std::sync::Arc;

/// Uploads (résumés) this process reads and processes at once. Each holds its file and the text
/// read from it in memory; the others wait, their bodies unread in the network's buffers, so 50
/// candidates uploading at one moment cost what this many do (measured by the bench).
pub const UPLOADS_AT_ONCE: usize = 4;

/// How long the list of current openings, and the board's stage counts, are reused before they
/// are read again. Openings change a few times a day while the job board is read thousands of
/// times a second; counts are shown on every board page.
const OPENINGS_CACHE_SECONDS: u64 = 2;

struct Inner {
    app: App,
    openings_cache: std::sync::Mutex<Option<(std::time::Instant, Arc<Vec<OpeningRecord>>)>>,
    public_pages: crate::public_cache::PublicPages,
    secret: Vec<u8>,
    /// Permits for reading and processing an upload (see `upload::one_upload_at_a_time`).
    upload_permits: tokio::sync::Semaphore,
}

/// Cheap to clone; every handler and worker holds one.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// Connects to the database, applies migrations and prepares the data directory.
    pub async fn start(config: Config) -> Result<AppState, StartError> {
        let allow_private = config.calendar_private_addresses;
        let app = App::start(config).await?;
        app.set_calendar_fetcher(Arc::new(crate::calendar_fetch::HttpCalendarFetcher {
            allow_private,
        }));
        let secret = app
            .store()
            .setting_or_insert("server_secret", crate::auth::tokens::new_token())
            .await?;
        Ok(AppState(Arc::new(Inner {
            app,
            openings_cache: std::sync::Mutex::new(None),
            public_pages: Default::default(),
            secret: secret.into_bytes(),
            upload_permits: tokio::sync::Semaphore::new(UPLOADS_AT_ONCE),
        })))
    }

    /// The application context: what the use cases in `cohort_app` take.
    pub fn app(&self) -> &App {
        &self.0.app
    }

    pub fn store(&self) -> &Store {
        self.0.app.store()
    }

    pub fn blobs(&self) -> &dyn BlobStore {
        self.0.app.blobs()
    }

    pub async fn put_blob(&self, bytes: Vec<u8>) -> std::io::Result<(BlobId, Vec<u8>)> {
        self.0.app.put_blob(bytes).await
    }

    pub fn config(&self) -> &Config {
        self.0.app.config()
    }

    /// The server-wide key for CSRF tokens, shared by every node through the database.
    pub fn secret(&self) -> &[u8] {
        &self.0.secret
    }

    pub fn clock(&self) -> &Clock {
        self.0.app.clock()
    }

    pub fn now(&self) -> i64 {
        self.0.app.now()
    }

    pub fn now_ms(&self) -> i64 {
        self.0.app.now_ms()
    }

    pub fn wake_mail(&self) {
        self.0.app.wake_mail();
    }

    pub fn wake_jobs(&self) {
        self.0.app.wake_jobs();
    }

    pub async fn stage_counts(
        &self,
        season_id: i64,
        opening_id: Option<i64>,
    ) -> Result<Vec<(cohort_domain::Stage, i64)>, cohort_store::StoreError> {
        self.0.app.stage_counts(season_id, opening_id).await
    }

    pub fn forget_stage_counts(&self) {
        self.0.app.forget_stage_counts();
    }

    /// Openings whose window has not closed (including those not yet open), soonest closing
    /// first. Shared by the job board and the calendar feed and reused for a couple of seconds;
    /// this process forgets it at once when it changes an opening.
    pub async fn current_openings(
        &self,
    ) -> Result<Arc<Vec<OpeningRecord>>, cohort_store::StoreError> {
        let now = self.now();
        let cached = self
            .0
            .openings_cache
            .lock()
            .expect("the cache lock is never poisoned")
            .clone();
        let list = match cached {
            Some((read_at, list)) if read_at.elapsed().as_secs() < OPENINGS_CACHE_SECONDS => list,
            _ => {
                let list = Arc::new(
                    self.0
                        .app
                        .store()
                        .openings(&OpeningFilter {
                            not_closed_at: Some(now - 31 * 24 * 3600),
                            ..Default::default()
                        })
                        .await?,
                );
                *self
                    .0
                    .openings_cache
                    .lock()
                    .expect("the cache lock is never poisoned") =
                    Some((std::time::Instant::now(), list.clone()));
                list
            }
        };
        Ok(list)
    }

    /// Drops the cached openings, and the public pages rendered from them, after this process
    /// changed one (or a track, location or pay band they show).
    pub fn forget_openings(&self) {
        *self
            .0
            .openings_cache
            .lock()
            .expect("the cache lock is never poisoned") = None;
        self.0.public_pages.forget();
    }

    /// The permits that bound how many uploads this process reads and processes at once.
    pub fn upload_permits(&self) -> &tokio::sync::Semaphore {
        &self.0.upload_permits
    }

    /// The public pages rendered for anonymous visitors.
    pub fn public_pages(&self) -> &crate::public_cache::PublicPages {
        &self.0.public_pages
    }
}
