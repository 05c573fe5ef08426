//! The job runner against a real queue, on SQLite and on PostgreSQL: jobs of test kinds defined
//! here, run through a `Registry` and a `Runner` as every worker pool runs its own.

use cohort_app::jobs::{self, Done, Job, JobError, Registry, Runner};
use cohort_app::{App, Config};
use cohort_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// What the test jobs did, in order.
static RAN: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn ran() -> Vec<String> {
    std::mem::take(&mut *RAN.lock().unwrap())
}

/// Records that it ran and completes itself with nothing else to record.
#[derive(Serialize, Deserialize)]
struct Note {
    text: String,
}

impl Job for Note {
    const KIND: &'static str = "test_note";
    type Context = App;

    fn key(&self) -> String {
        format!("test_note:{}", self.text)
    }

    async fn run(&self, app: &App, done: &Done) -> Result<(), JobError> {
        RAN.lock().unwrap().push(format!("note {}", self.text));
        let mut tx = app.store().begin().await?;
        done.complete(&mut tx).await?;
        Store::commit(tx).await?;
        Ok(())
    }
}

/// Fails until its third attempt; returns without completing itself when it succeeds.
#[derive(Serialize, Deserialize)]
struct Flaky {
    id: i64,
}

impl Job for Flaky {
    const KIND: &'static str = "test_flaky";
    const BATCH: i64 = 1;
    type Context = App;

    fn key(&self) -> String {
        format!("test_flaky:{}", self.id)
    }

    async fn run(&self, _: &App, done: &Done) -> Result<(), JobError> {
        let attempt = done.attempts() + 1;
        RAN.lock()
            .unwrap()
            .push(format!("flaky {} attempt {attempt}", self.id));
        if attempt < 3 {
            return Err(JobError::Failed("the disk is full".into()));
        }
        Ok(())
    }
}

struct Database {
    store: Store,
    folder: tempfile::TempDir,
    postgres: Option<String>,
}

const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

async fn database(postgres: bool) -> Database {
    let folder = tempfile::tempdir().unwrap();
    let (url, name) = if postgres {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!("cohort_runner_{}_{nanos}", std::process::id());
        let admin = sqlx::PgPool::connect(POSTGRES_ADMIN_URL).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        (
            format!("postgres://postgres@127.0.0.1:5432/{name}"),
            Some(name),
        )
    } else {
        let path = folder.path().join("cohort.db");
        (format!("sqlite://{}", path.display()), None)
    };
    let store = Store::connect(&url, 4).await.unwrap();
    store.migrate().await.unwrap();
    Database {
        store,
        folder,
        postgres: name,
    }
}

async fn drop_database(database: Database) {
    database.store.close().await;
    if let Some(name) = database.postgres {
        let admin = sqlx::PgPool::connect(POSTGRES_ADMIN_URL).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&admin)
            .await
            .unwrap();
    }
}

fn app(database: &Database) -> App {
    let folder = database.folder.path();
    let config = Config {
        database_url: String::new(),
        data_dir: folder.to_owned(),
        base_url: "http://127.0.0.1".into(),
        mail: cohort_app::mail::MailSettings::parse(None, "cohort@example.com").unwrap(),
        run_workers: false,
        max_connections: 4,
        judge_languages: cohort_judge::language::LanguageTable::builtin(),
        trusted_proxies: Vec::new(),
        graduation: Default::default(),
        booking: Default::default(),
        calendar_private_addresses: false,
        feedback_due_hours: 24,
    };
    let blobs = cohort_store::blob::DirectoryBlobStore::new(folder.join("blobs")).unwrap();
    App::new(database.store.clone(), Arc::new(blobs), config)
}

async fn enqueue<J: Job>(app: &App, job: &J) -> Result<(), StoreError> {
    let mut tx = app.store().begin().await?;
    jobs::enqueue(&mut tx, job, app.now()).await?;
    Store::commit(tx).await
}

async fn jobs_left(app: &App) -> Vec<(String, i64, Option<String>)> {
    sqlx::query_as("SELECT kind, attempts, last_error FROM jobs ORDER BY id")
        .fetch_all(app.store().reader())
        .await
        .unwrap()
}

async fn the_runner_runs_kinds_in_order_retries_failures_and_completes_what_returned(
    postgres: bool,
) {
    let database = database(postgres).await;
    let app = app(&database);
    ran();
    enqueue(&app, &Flaky { id: 1 }).await.unwrap();
    for text in ["a", "b", "c"] {
        enqueue(&app, &Note { text: text.into() }).await.unwrap();
    }
    let runner = Runner::new(
        Arc::new(app.clone()),
        Registry::default().with::<Note>().with::<Flaky>(),
    );

    // The first kind in the registry goes first, as one batch; then the second.
    assert_eq!(runner.run_next().await.unwrap(), 3);
    assert_eq!(ran(), ["note a", "note b", "note c"]);
    assert_eq!(
        runner.run_due().await.unwrap(),
        1,
        "the failed job waits for its retry"
    );
    assert_eq!(ran(), ["flaky 1 attempt 1"]);
    assert_eq!(
        jobs_left(&app).await,
        [(
            "test_flaky".to_owned(),
            1,
            Some("the disk is full".to_owned())
        )]
    );

    // Ten seconds later it runs again and fails again; twenty more and it succeeds without
    // completing itself, which the runner then does.
    app.clock().advance(10);
    assert_eq!(runner.run_due().await.unwrap(), 1);
    app.clock().advance(20);
    assert_eq!(runner.run_due().await.unwrap(), 1);
    assert_eq!(ran(), ["flaky 1 attempt 2", "flaky 1 attempt 3"]);
    assert!(jobs_left(&app).await.is_empty(), "completed by the runner");
    assert_eq!(runner.run_due().await.unwrap(), 0);
    drop_database(database).await;
}

/// One backend at a time: the record of what ran is shared.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn on_sqlite() {
    let _serial = ONE_AT_A_TIME.lock().await;
    the_runner_runs_kinds_in_order_retries_failures_and_completes_what_returned(false).await;
}

#[tokio::test]
async fn on_postgres() {
    let _serial = ONE_AT_A_TIME.lock().await;
    the_runner_runs_kinds_in_order_retries_failures_and_completes_what_returned(true).await;
}
