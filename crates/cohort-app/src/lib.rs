//! Cohort's use cases, between the web (and the judge worker) and the store. No HTTP here: the
//! web crate extracts and authorises a request, calls a function of this crate and maps its
//! result; the judge worker runs this crate's judging jobs.
//!
//! Layout, one module per capability, each holding its writes, its jobs and its mail:
//! - [`App`]: the context every use case takes: the store, the blob store, the clock, the
//!   configuration parsed once at start, and the handles that wake this process's workers.
//! - [`jobs`]: the [`jobs::Job`] trait, the registry of each worker pool ([`pools`]), and the one
//!   runner that claims, runs, completes and retries jobs, with one shutdown-aware wait loop.
//! - [`mail`]: the [`mail::Message`] trait, the settings and the delivery of the outbox.
//! - [`accounts`], [`setup`], [`applications`], [`assessment`], [`problems`], [`interviews`]:
//!   the capabilities.
//!
//! Page reads may go from a handler straight to the store; every write that more than one caller
//! needs, and every job, is here, with its capability's own error enum.

pub mod accounts;
pub mod applications;
pub mod assessment;
mod clock;
mod config;
pub mod interviews;
pub mod jobs;
pub mod judge;
pub mod mail;
pub mod offers;
pub mod onboarding;
pub mod pools;
pub mod problems;
pub mod setup;

pub use clock::Clock;
pub use config::Config;

use cohort_domain::Stage;
use cohort_store::blob::{BlobId, BlobStore, DirectoryBlobStore};
use cohort_store::{Store, StoreError};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// How long the board's stage counts are reused before they are read again: they are shown on
/// every board page, and counting 100,000 applications takes tens of milliseconds.
const STAGE_COUNTS_SECONDS: u64 = 2;

/// Stage counts of one season, or of one opening when the second part is set.
type StageCountsKey = (i64, Option<i64>);
/// Cached stage counts with the moment they were read.
type CachedStageCounts = (Instant, Vec<(Stage, i64)>);

struct Inner {
    store: Store,
    blobs: Arc<dyn BlobStore>,
    config: Config,
    clock: Clock,
    mail_waker: tokio::sync::Notify,
    job_waker: tokio::sync::Notify,
    /// The in-process judge worker's waker, when this process runs one.
    judge_waker: OnceLock<Arc<tokio::sync::Notify>>,
    /// Reads calendars from their address, when the process that runs the app gives one.
    calendar_fetcher: OnceLock<Arc<dyn interviews::subscriptions::CalendarFetcher>>,
    plagiarism: assessment::plagiarism::Indexes,
    stage_counts: Mutex<HashMap<StageCountsKey, CachedStageCounts>>,
    /// The live coding pads open on this process.
    pad_rooms: interviews::pads::Rooms,
}

/// The context of every use case and job. Cheap to clone.
#[derive(Clone)]
pub struct App(Arc<Inner>);

/// Start-up failed before the server could listen.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not open the database: {0}")]
    Store(#[from] StoreError),
    #[error("could not prepare the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl App {
    /// Connects to the database, applies migrations and prepares the data directory.
    pub async fn start(config: Config) -> Result<App, StartError> {
        let data_dir_error = |source| StartError::DataDir {
            path: config.data_dir.clone(),
            source,
        };
        std::fs::create_dir_all(&config.data_dir).map_err(data_dir_error)?;
        let blobs =
            DirectoryBlobStore::new(config.data_dir.join("blobs")).map_err(data_dir_error)?;
        let store = Store::connect(&config.database_url, config.max_connections).await?;
        store.migrate().await?;
        Ok(App::new(store, Arc::new(blobs), config))
    }

    /// The context over a store that is already open and migrated.
    pub fn new(store: Store, blobs: Arc<dyn BlobStore>, config: Config) -> App {
        App(Arc::new(Inner {
            store,
            blobs,
            config,
            clock: Clock::default(),
            mail_waker: tokio::sync::Notify::new(),
            job_waker: tokio::sync::Notify::new(),
            judge_waker: OnceLock::new(),
            calendar_fetcher: OnceLock::new(),
            plagiarism: Default::default(),
            stage_counts: Mutex::new(HashMap::new()),
            pad_rooms: Default::default(),
        }))
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    pub fn blobs(&self) -> &dyn BlobStore {
        self.0.blobs.as_ref()
    }

    /// Stores `bytes` in the blob store on a blocking thread and hands them back with their id.
    /// A durable write waits for the disk (two syncs); on an async thread that wait would stall
    /// every other request scheduled there.
    pub async fn put_blob(&self, bytes: Vec<u8>) -> std::io::Result<(BlobId, Vec<u8>)> {
        let blobs = self.0.blobs.clone();
        tokio::task::spawn_blocking(move || blobs.put(&bytes).map(|id| (id, bytes)))
            .await
            .map_err(std::io::Error::other)?
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    pub fn clock(&self) -> &Clock {
        &self.0.clock
    }

    pub fn now(&self) -> i64 {
        self.0.clock.now()
    }

    pub fn now_utc(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.clock.now_utc()
    }

    /// The live coding pads open on this process.
    pub fn pad_rooms(&self) -> &interviews::pads::Rooms {
        &self.0.pad_rooms
    }

    pub fn now_ms(&self) -> i64 {
        self.0.clock.now_ms()
    }

    /// Wakes this process's delivery worker after a transaction queued mail.
    pub fn wake_mail(&self) {
        self.0.mail_waker.notify_one();
    }

    pub fn mail_waker(&self) -> &tokio::sync::Notify {
        &self.0.mail_waker
    }

    /// Wakes this process's job workers after a transaction queued a job.
    pub fn wake_jobs(&self) {
        self.0.job_waker.notify_one();
        if let Some(judge) = self.0.judge_waker.get() {
            judge.notify_one();
        }
    }

    pub fn job_waker(&self) -> &tokio::sync::Notify {
        &self.0.job_waker
    }

    /// Tells the context how to wake the judge worker running in this process.
    /// Gives the app its way to read calendars from their address (the web crate's HTTP
    /// client); only the first one given is kept.
    pub fn set_calendar_fetcher(
        &self,
        fetcher: Arc<dyn interviews::subscriptions::CalendarFetcher>,
    ) {
        let _ = self.0.calendar_fetcher.set(fetcher);
    }

    pub fn calendar_fetcher(&self) -> Option<&dyn interviews::subscriptions::CalendarFetcher> {
        self.0.calendar_fetcher.get().map(|f| f.as_ref())
    }

    pub fn set_judge_waker(&self, waker: Arc<tokio::sync::Notify>) {
        let _ = self.0.judge_waker.set(waker);
    }

    /// This process's plagiarism indexes.
    pub fn plagiarism(&self) -> &assessment::plagiarism::Indexes {
        &self.0.plagiarism
    }

    /// How many applications of a season (or of one opening) are in each stage, reused for a
    /// couple of seconds; this process forgets them at once when it moves an application, so a
    /// recruiter always sees their own moves.
    pub async fn stage_counts(
        &self,
        season_id: i64,
        opening_id: Option<i64>,
    ) -> Result<Vec<(Stage, i64)>, StoreError> {
        let key = (season_id, opening_id);
        let fresh = |read_at: &Instant| read_at.elapsed().as_secs() < STAGE_COUNTS_SECONDS;
        if let Some((read_at, counts)) = self.stage_counts_cache().get(&key) {
            if fresh(read_at) {
                return Ok(counts.clone());
            }
        }
        let counts = self.0.store.stage_counts(season_id, opening_id).await?;
        let mut cache = self.stage_counts_cache();
        // Entries of seasons and openings nobody looks at any more are dropped as they expire.
        cache.retain(|_, (read_at, _)| fresh(read_at));
        cache.insert(key, (Instant::now(), counts.clone()));
        Ok(counts)
    }

    /// Drops cached stage counts after this process moved an application.
    pub fn forget_stage_counts(&self) {
        self.stage_counts_cache().clear();
    }

    fn stage_counts_cache(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<StageCountsKey, CachedStageCounts>> {
        self.0
            .stage_counts
            .lock()
            .expect("the cache lock is never poisoned")
    }
}
