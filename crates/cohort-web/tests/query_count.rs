//! The assessment's statistics page and its CSV issue a bounded number of database queries,
//! whatever the number of candidates: the page for 1,000 candidates is counted here. Every query
//! sqlx runs is announced as a `sqlx::query` tracing event; this test binary installs a
//! subscriber that counts them, and holds one test per backend, run one after the other, so no
//! other test's queries are counted.

#[path = "integration/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use cohort_domain::Role;
use cohort_judge::language::LanguageTable;
use helpers::{spawn_app, Backend, TestApp};
use reqwest::StatusCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use tracing_subscriber::layer::SubscriberExt;

/// Candidates invited to the one assessment.
const CANDIDATES: usize = 1_000;

/// Queries a page of the statistics may take: signing in the recruiter and reading the
/// assessment, its problems, invitations, submissions and flag counts.
const QUERY_BOUND: usize = 12;

static QUERIES: AtomicUsize = AtomicUsize::new(0);

struct CountQueries;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountQueries {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            QUERIES.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// One test at a time: the count is process-wide.
fn serial() -> &'static tokio::sync::Mutex<()> {
    static LOCK: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(CountQueries))
            .expect("the only subscriber of this test binary");
        tokio::sync::Mutex::new(())
    })
}

/// A season of `CANDIDATES` applications, all to one track, each invited to its assessment and
/// half of them with a finished, judged session; returns the assessment.
async fn assessment_with_candidates(app: &TestApp) -> i64 {
    let now = app.state.now();
    let scratch = tempfile::tempdir().unwrap();
    for folder in cohort_demo::extract_builtin_problems(scratch.path()).unwrap() {
        cohort_app::problems::bank::add_folder(
            app.store(),
            app.state.blobs(),
            &LanguageTable::builtin(),
            &folder,
            now,
        )
        .await
        .unwrap();
    }
    let mut options = cohort_demo::DemoOptions::new(now);
    options.candidates = CANDIDATES;
    options.pdf_every = 0;
    options.spread_stages = false;
    let hash = cohort_web::auth::hash_password("a demo password").unwrap();
    let season = cohort_demo::ensure_demo(app.state.app(), &options, &hash)
        .await
        .unwrap();
    // Everyone chooses the first opening only and has reached the assessment.
    for statement in [
        "DELETE FROM application_choices WHERE rank > 1",
        "UPDATE application_choices SET opening_id = (SELECT MIN(id) FROM openings)",
        "UPDATE applications SET stage = 'assessment'",
    ] {
        sqlx::query(statement)
            .execute(app.store().writer())
            .await
            .unwrap();
    }
    sqlx::query(
        "INSERT INTO stage_transitions (application_id, from_stage, to_stage, actor_id, reason_code, reason, at) \
         SELECT id, 'screening', 'assessment', NULL, NULL, 'Test', $1 FROM applications",
    )
    .bind(now - 3 * 86_400)
    .execute(app.store().writer())
    .await
    .unwrap();
    cohort_demo::ensure_demo_assessments(app.store(), season.season_id, now)
        .await
        .unwrap();
    cohort_demo::seed_demo_assessment_results(app.store(), season.season_id, now)
        .await
        .unwrap();
    let invited: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT assessment_id, COUNT(*) FROM assessment_invitations GROUP BY assessment_id",
    )
    .fetch_all(app.store().reader())
    .await
    .unwrap();
    assert_eq!(invited.len(), 1, "one assessment: {invited:?}");
    assert_eq!(invited[0].1, CANDIDATES as i64);
    invited[0].0
}

/// The queries one GET of `path` takes, with its body.
async fn counted(browser: &helpers::Browser, path: &str) -> (usize, String) {
    let before = QUERIES.load(Ordering::SeqCst);
    let (status, body) = browser.get_text(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    let queries = QUERIES.load(Ordering::SeqCst) - before;
    eprintln!("{path}: {queries} queries");
    // The counter sees queries at all: at least the session, the assessment and its sessions.
    assert!(queries >= 4, "{path}: only {queries} queries counted");
    (queries, body)
}

async fn the_statistics_of_1000_candidates_take_a_bounded_number_of_queries(backend: Backend) {
    let _one_at_a_time = serial().lock().await;
    let app = spawn_app(backend).await;
    let assessment = assessment_with_candidates(&app).await;
    let recruiter = app.signed_in(Role::Recruiter).await;

    let (queries, page) = counted(
        &recruiter,
        &format!("/staff/assessments/{assessment}/results"),
    )
    .await;
    assert!(
        page.contains(&CANDIDATES.to_string()),
        "the page counts the invited"
    );
    assert!(
        queries <= QUERY_BOUND,
        "the statistics page took {queries} queries for {CANDIDATES} candidates"
    );
    let (queries, csv) = counted(
        &recruiter,
        &format!("/staff/assessments/{assessment}/results.csv"),
    )
    .await;
    assert_eq!(csv.lines().count(), CANDIDATES + 1, "a row per candidate");
    assert!(
        queries <= QUERY_BOUND,
        "the CSV took {queries} queries for {CANDIDATES} candidates"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite() {
    the_statistics_of_1000_candidates_take_a_bounded_number_of_queries(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres() {
    the_statistics_of_1000_candidates_take_a_bounded_number_of_queries(Backend::Postgres).await;
}
