//! Configuration and the state shared by every request and worker.

use cohort_store::blob::{BlobId, BlobStore, DirectoryBlobStore};
use cohort_store::seasons::{OpeningFilter, OpeningRecord};
use cohort_store::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Everything the server needs to start. The binary fills it from flags and environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite:///path/cohort.db` or `postgres://user@host/db`.
    pub database_url: String,
    /// Where the SQLite file (by default), blobs and written mail live.
    pub data_dir: PathBuf,
    /// The address people use to reach Cohort, for links in emails and the `Secure` cookie flag.
    pub base_url: String,
    /// How notifications leave (an SMTP relay, or `.eml` files) and who sends them.
    pub mail: crate::mail::settings::MailSettings,
    /// Whether this process delivers notifications (web nodes behind a shared database may not).
    pub run_workers: bool,
    /// Database connections per pool.
    pub max_connections: u32,
    /// The judge's language table, which also decides the language of a package's starter files.
    pub judge_languages: cohort_judge::language::LanguageTable,
    /// Reverse proxies (and load balancers) whose `X-Forwarded-For` and `Forwarded` headers say
    /// who the client is. From anyone else those headers are ignored: a client could write them.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Config {
    /// Cookies carry `Secure` when people reach Cohort over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }
}

/// Uploads (résumés) this process reads and processes at once. Each holds its file and the text
/// read from it in memory; the others wait, their bodies unread in the network's buffers, so 50
/// candidates uploading at one moment cost what this many do (measured by the bench).
pub const UPLOADS_AT_ONCE: usize = 4;

/// How long a woken worker (mail delivery, background jobs) waits before its pass. Every request
/// that queues work wakes the worker, and a pass costs several write transactions even for a
/// single item; on SQLite those queue on the one writer connection alongside the requests
/// themselves. Waiting this long turns a burst of wakes into one pass over a batch (measured:
/// worst-case application submissions on SQLite rose from about 270/s to about 330/s), at the
/// cost of this much latency for a lone item.
pub const GATHER: std::time::Duration = std::time::Duration::from_millis(50);

/// The wall clock, with an offset that tests move forward to reach expiry times without waiting.
#[derive(Debug, Default)]
pub struct Clock {
    offset_seconds: AtomicI64,
}

impl Clock {
    /// Now, in Unix seconds.
    pub fn now(&self) -> i64 {
        chrono::Utc::now().timestamp() + self.offset_seconds.load(Ordering::Relaxed)
    }

    /// Now, in Unix milliseconds (for turnaround times).
    pub fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.offset_seconds.load(Ordering::Relaxed) * 1000
    }

    pub fn now_utc(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(self.now(), 0).expect("the clock is within chrono's range")
    }

    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::Relaxed);
    }
}

/// How long the list of current openings, and the board's stage counts, are reused before they
/// are read again. Openings change a few times a day while the job board is read thousands of
/// times a second; counts are shown on every board page.
const OPENINGS_CACHE_SECONDS: u64 = 2;

/// Stage counts of one season, or of one opening when the second part is set.
type StageCountsKey = (i64, Option<i64>);
/// Cached stage counts with the moment they were read.
type CachedStageCounts = (std::time::Instant, Vec<(cohort_domain::Stage, i64)>);

struct Inner {
    stage_counts_cache:
        std::sync::Mutex<std::collections::HashMap<StageCountsKey, CachedStageCounts>>,
    openings_cache: std::sync::Mutex<Option<(std::time::Instant, Arc<Vec<OpeningRecord>>)>>,
    public_pages: crate::public_cache::PublicPages,
    store: Store,
    blobs: Arc<dyn BlobStore>,
    config: Config,
    secret: Vec<u8>,
    clock: Clock,
    mail_waker: tokio::sync::Notify,
    job_waker: tokio::sync::Notify,
    /// Permits for reading and processing an upload (see `upload::one_upload_at_a_time`).
    upload_permits: tokio::sync::Semaphore,
    /// The in-process judge worker's waker, when this process runs one.
    judge_waker: std::sync::OnceLock<Arc<tokio::sync::Notify>>,
    plagiarism: crate::plagiarism::indexes::Indexes,
}

/// Cheap to clone; every handler and worker holds one.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// Start-up failed before the server could listen.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not open the database: {0}")]
    Store(#[from] cohort_store::StoreError),
    #[error("could not prepare the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl AppState {
    /// Connects to the database, applies migrations and prepares the data directory.
    pub async fn start(config: Config) -> Result<AppState, StartError> {
        let data_dir_error = |source| StartError::DataDir {
            path: config.data_dir.clone(),
            source,
        };
        std::fs::create_dir_all(&config.data_dir).map_err(data_dir_error)?;
        let blobs =
            DirectoryBlobStore::new(config.data_dir.join("blobs")).map_err(data_dir_error)?;
        let store = Store::connect(&config.database_url, config.max_connections).await?;
        store.migrate().await?;
        let secret = store
            .setting_or_insert("server_secret", crate::auth::tokens::new_token())
            .await?;
        Ok(AppState(Arc::new(Inner {
            openings_cache: std::sync::Mutex::new(None),
            public_pages: Default::default(),
            stage_counts_cache: std::sync::Mutex::new(std::collections::HashMap::new()),
            store,
            blobs: Arc::new(blobs),
            config,
            secret: secret.into_bytes(),
            clock: Clock::default(),
            mail_waker: tokio::sync::Notify::new(),
            job_waker: tokio::sync::Notify::new(),
            upload_permits: tokio::sync::Semaphore::new(UPLOADS_AT_ONCE),
            judge_waker: std::sync::OnceLock::new(),
            plagiarism: Default::default(),
        })))
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

    /// The server-wide key for CSRF tokens, shared by every node through the database.
    pub fn secret(&self) -> &[u8] {
        &self.0.secret
    }

    pub fn clock(&self) -> &Clock {
        &self.0.clock
    }

    pub fn now(&self) -> i64 {
        self.0.clock.now()
    }

    pub fn now_ms(&self) -> i64 {
        self.0.clock.now_ms()
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
                        .store
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

    /// How many applications of a season (or of one opening) are in each stage. Counting a
    /// season of 100,000 applications takes tens of milliseconds, and the board shows these
    /// counts on every page, so they are reused for a couple of seconds; this process forgets
    /// them at once when it moves an application, so a recruiter always sees their own moves.
    pub async fn stage_counts(
        &self,
        season_id: i64,
        opening_id: Option<i64>,
    ) -> Result<Vec<(cohort_domain::Stage, i64)>, cohort_store::StoreError> {
        let key = (season_id, opening_id);
        if let Some((read_at, counts)) = self
            .0
            .stage_counts_cache
            .lock()
            .expect("the cache lock is never poisoned")
            .get(&key)
        {
            if read_at.elapsed().as_secs() < OPENINGS_CACHE_SECONDS {
                return Ok(counts.clone());
            }
        }
        let counts = self.0.store.stage_counts(season_id, opening_id).await?;
        let mut cache = self
            .0
            .stage_counts_cache
            .lock()
            .expect("the cache lock is never poisoned");
        // Entries of seasons and openings nobody looks at any more are dropped as they expire.
        cache.retain(|_, (read_at, _)| read_at.elapsed().as_secs() < OPENINGS_CACHE_SECONDS);
        cache.insert(key, (std::time::Instant::now(), counts.clone()));
        Ok(counts)
    }

    /// Drops cached stage counts after this process moved an application.
    pub fn forget_stage_counts(&self) {
        self.0
            .stage_counts_cache
            .lock()
            .expect("the cache lock is never poisoned")
            .clear();
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

    /// Wakes this process's delivery worker after a transaction queued mail.
    pub fn wake_mail(&self) {
        self.0.mail_waker.notify_one();
    }

    pub(crate) fn mail_waker(&self) -> &tokio::sync::Notify {
        &self.0.mail_waker
    }

    /// Wakes this process's job workers after a transaction queued a job.
    pub fn wake_jobs(&self) {
        self.0.job_waker.notify_one();
        if let Some(judge) = self.0.judge_waker.get() {
            judge.notify_one();
        }
    }

    /// This process's plagiarism indexes.
    pub(crate) fn plagiarism(&self) -> &crate::plagiarism::indexes::Indexes {
        &self.0.plagiarism
    }

    /// Tells the state how to wake the judge worker running in this process.
    pub fn set_judge_waker(&self, waker: Arc<tokio::sync::Notify>) {
        let _ = self.0.judge_waker.set(waker);
    }

    pub(crate) fn job_waker(&self) -> &tokio::sync::Notify {
        &self.0.job_waker
    }
}
