//! Cohort's storage: one [`Store`] over SQLite or PostgreSQL, plus a content-addressed blob store.
//!
//! SQL is written once where the two dialects agree. The few places where they differ (full-text
//! search, claiming outbox and job rows) branch on [`Backend`] side by side in the module that owns the
//! concern, so a reader sees both at once. Migrations live in `migrations/sqlite` and
//! `migrations/postgres` with the same numbering.
//!
//! The store reads no clock: callers pass `now` (Unix seconds), which keeps expiry rules testable.
//!
//! Layout:
//! - [`accounts`]: users, roles, sessions, invitations, password resets, login throttling, API tokens.
//! - [`seasons`]: seasons, tracks, locations, pay bands, openings.
//! - [`applications`]: applications, the recruiter board query, stage transitions, notes.
//! - [`outbox`]: the transactional outbox of notifications.
//! - [`jobs`]: typed background jobs (search indexing, problem verification, judging), queued with their cause.
//! - [`problems`]: the assessment problem bank and assessment templates.
//! - [`submissions`]: code submitted to problems and the judge's results.
//! - [`assessment_sessions`]: invitations to an assessment and the timed sessions they become.
//! - [`plagiarism`]: known solutions and plagiarism flags.
//! - [`blob`]: the blob store interface and its directory implementation.

pub mod accounts;
pub mod applications;
pub mod assessment_sessions;
pub mod blob;
pub mod interviews;
pub mod jobs;
pub mod offers;
pub mod onboarding;
pub mod outbox;
pub mod plagiarism;
pub mod problems;
pub mod seasons;
pub mod submissions;

use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::str::FromStr;
use std::time::Duration;
use thiserror::Error;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// What can go wrong in the store. The web layer maps these to responses.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("blob store error: {0}")]
    Blob(#[from] std::io::Error),
    /// A uniqueness rule was broken; `what` names the field for the person who asked.
    #[error("{what} already exists")]
    Conflict { what: &'static str },
    #[error("not found")]
    NotFound,
    /// The row changed between reading and writing it (for example a concurrent stage move).
    #[error("the record changed meanwhile; reload and try again")]
    Stale,
}

impl StoreError {
    /// Turns a unique-constraint violation into [`StoreError::Conflict`], leaving other errors as they are.
    fn conflict_as(error: sqlx::Error, what: &'static str) -> StoreError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { what },
            _ => StoreError::Database(error),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database handle shared by every request and worker.
///
/// On SQLite, writes go through a pool of one connection so that writers queue in-process instead
/// of failing with `SQLITE_BUSY`; reads use their own pool and never wait for writers (WAL mode).
/// On PostgreSQL both handles are the same pool. The live coding pads write through a pool of their
/// own (see `Store::pads`).
#[derive(Clone, Debug)]
pub struct Store {
    reader: AnyPool,
    writer: AnyPool,
    /// The live coding pads' writes: the writer on SQLite; on PostgreSQL two connections of
    /// their own, whose statements time out after `PAD_INSERT_TIMEOUT_MS` (see
    /// `interviews::pads`), so that storing keystrokes never waits behind other writes.
    pads: AnyPool,
    backend: Backend,
    /// Shared by the clones of one store: the interviewer directory as last read.
    directory: std::sync::Arc<interviews::profiles::DirectoryCopy>,
}

static MIGRATIONS_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static MIGRATIONS_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Connects to `url`. A SQLite file is created if missing, with WAL and foreign keys on.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                let options = sqlx::any::AnyConnectOptions::from_str(&url)?;
                let pool = |size: u32| {
                    AnyPoolOptions::new()
                        .max_connections(size)
                        .min_connections(1)
                        .acquire_timeout(Duration::from_secs(30))
                        .after_connect(|connection, _| {
                            Box::pin(async move {
                                // WAL lets readers proceed while one writer commits; NORMAL
                                // synchronisation is durable across process crashes in WAL mode.
                                // An 8 MB page cache per connection (eight readers at most)
                                // keeps the board's indexes in memory for a season of 100,000
                                // applications within the server's memory budget.
                                connection
                                    .execute(
                                        "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                         PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; \
                                         PRAGMA cache_size = -8000;",
                                    )
                                    .await?;
                                Ok(())
                            })
                        })
                        .connect_with(options.clone())
                };
                let writer = pool(1).await?;
                let reader = pool(max_connections.clamp(2, 8)).await?;
                Ok(Store {
                    reader,
                    pads: writer.clone(),
                    writer,
                    backend,
                    directory: Default::default(),
                })
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|connection, _| {
                        Box::pin(async move {
                            // Board queries take milliseconds; starting parallel workers for them
                            // costs more than it saves and, on a small machine, takes the cores
                            // that other requests are waiting for (measured: 96 ms with workers,
                            // 13 ms without, for a searched page of 100,000 applications).
                            connection
                                .execute("SET max_parallel_workers_per_gather = 0")
                                .await?;
                            // Statements stay prepared per connection, and after five runs
                            // PostgreSQL may keep a generic plan: for the joins of a booking
                            // (an interview with its people, season and track) planning each
                            // run took longer than running it. The board's searches, whose
                            // patterns a generic plan cannot see, are not kept prepared.
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?;
                let pads = AnyPoolOptions::new()
                    .max_connections(2)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|connection, _| {
                        Box::pin(async move {
                            connection
                                .execute(
                                    format!(
                                        "SET statement_timeout = {}",
                                        interviews::pads::PAD_INSERT_TIMEOUT_MS
                                    )
                                    .as_str(),
                                )
                                .await?;
                            Ok(())
                        })
                    })
                    .connect_lazy(url)?;
                Ok(Store {
                    reader: pool.clone(),
                    pads,
                    writer: pool,
                    backend,
                    directory: Default::default(),
                })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every pending migration for this backend.
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => MIGRATIONS_SQLITE.run(&self.writer).await?,
            Backend::Postgres => MIGRATIONS_POSTGRES.run(&self.writer).await?,
        }
        Ok(())
    }

    /// Checks the database answers; used by `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    /// Starts a write transaction. Everything a change causes (audit rows, outbox messages) is
    /// written through the same transaction.
    ///
    /// On SQLite the transaction takes the write lock at once (`BEGIN IMMEDIATE`). A deferred
    /// transaction that reads first and writes later fails outright with "database is locked" if
    /// another process (a second `cohort` command on the same file) committed in between; an
    /// immediate one waits its turn under the busy timeout instead.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        })
    }

    /// Commits a transaction begun with [`Store::begin`].
    pub async fn commit(tx: Tx) -> Result<()> {
        Ok(tx.commit().await?)
    }

    /// The pool for reads; tests and tools use it to inspect tables directly.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// The pool for writes (one connection on SQLite); tests use it to plant rows that the
    /// application itself would never write.
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Closes both pools, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pads.close().await;
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// A write transaction.
pub type Tx = Transaction<'static, Any>;

fn affected(result: AnyQueryResult) -> u64 {
    result.rows_affected()
}
