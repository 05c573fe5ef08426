//! The problem bank end to end through the real binary: `cohort problems import` adds packages as
//! pending, and `cohort worker` verifies them in the sandbox, refusing a broken one with the
//! reason. Needs root, like every sandbox test.

use cohort_app::assessment::judging::{self, JudgeSubmission};
use cohort_app::jobs::Job;
use cohort_app::problems::VerifyProblem;
use cohort_store::problems::ProblemStatus;
use cohort_store::submissions::{NewSubmission, Scope};
use cohort_store::Store;
use std::path::Path;
use std::process::{Command, Output};

/// The compile cache the judge tests share, so Java and C++ are compiled once per machine.
const CACHE: &str = "/tmp/cohort-judge-test-cache";

fn cohort(data_dir: &Path, database_url: &str, args: &[&str]) -> Output {
    std::fs::create_dir_all(CACHE).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--database-url", database_url, "--judge-cache", CACHE])
        .args(args)
        .env("COHORT_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cohort {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

async fn import_then_verify(database_url: String, data_dir: &Path) {
    let problems = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../problems");
    // A broken package: a wrong solution filed as accepted.
    let broken = data_dir.join("packages/brokenqueue");
    copy_folder(&problems.join("buildqueue"), &broken);
    std::fs::rename(
        broken.join("submissions/wrong_answer/int32.cpp"),
        broken.join("submissions/accepted/int32.cpp"),
    )
    .unwrap();

    let imported = cohort(
        data_dir,
        &database_url,
        &[
            "problems",
            "import",
            problems.join("buildqueue").to_str().unwrap(),
            broken.to_str().unwrap(),
        ],
    );
    let said = String::from_utf8_lossy(&imported.stdout);
    assert_eq!(
        said.matches("waiting for a judge worker").count(),
        2,
        "{said}"
    );

    let store = Store::connect(&database_url, 2).await.unwrap();
    let pending = store.problems().await.unwrap();
    assert!(pending.iter().all(|p| p.status() == ProblemStatus::Pending));
    assert_eq!(store.queued_jobs(VerifyProblem::KIND).await.unwrap(), 2);

    let worked = cohort(data_dir, &database_url, &["worker", "--once"]);
    assert_eq!(String::from_utf8_lossy(&worked.stdout).trim(), "2 jobs ran");

    let verified = store.problems().await.unwrap();
    let by_slug = |slug: &str| verified.iter().find(|p| p.slug == slug).unwrap().clone();
    let good = by_slug("buildqueue");
    assert_eq!(
        good.status(),
        ProblemStatus::Verified,
        "{}",
        good.status_detail
    );
    assert!(good
        .status_detail
        .contains("ok   accepted/heap.cpp: Accepted"));
    assert!(good.verified_at.is_some());
    let bad = by_slug("brokenqueue");
    assert_eq!(bad.status(), ProblemStatus::Refused);
    assert!(
        bad.status_detail
            .starts_with("FAIL accepted/int32.cpp: Wrong Answer (expected AC)"),
        "the reason comes first: {}",
        bad.status_detail
    );
    assert_eq!(store.queued_jobs(VerifyProblem::KIND).await.unwrap(), 0);

    let again = cohort(data_dir, &database_url, &["worker", "--once"]);
    assert_eq!(String::from_utf8_lossy(&again.stdout).trim(), "0 jobs ran");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_verifies_imported_problems_and_refuses_a_broken_one_with_the_reason_on_sqlite() {
    let data_dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", data_dir.path().join("cohort.db").display());
    import_then_verify(url, data_dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_verifies_imported_problems_and_refuses_a_broken_one_with_the_reason_on_postgres()
{
    let database = PgDatabase::create("cohort_worker").await;
    let data_dir = tempfile::tempdir().unwrap();
    import_then_verify(database.url(), data_dir.path()).await;
    database.drop_it().await;
}

fn solution(path: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../problems/buildqueue/submissions")
            .join(path),
    )
    .unwrap()
}

async fn submit(store: &Store, problem_id: i64, language: &str, code: &str, scope: Scope) -> i64 {
    let now_ms = chrono_ms();
    let mut tx = store.begin().await.unwrap();
    let id = Store::create_submission(
        &mut tx,
        &NewSubmission {
            problem_id,
            author_id: None,
            language,
            code,
            scope,
        },
        now_ms,
    )
    .await
    .unwrap();
    judging::queue(&mut tx, id, now_ms / 1000).await.unwrap();
    Store::commit(tx).await.unwrap();
    id
}

fn chrono_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A fresh PostgreSQL database for one test, dropped when the test ends.
struct PgDatabase {
    name: String,
    admin: sqlx::PgPool,
}

impl PgDatabase {
    async fn create(prefix: &str) -> PgDatabase {
        let name = format!("{prefix}_{}", std::process::id());
        let admin = sqlx::PgPool::connect("postgres://postgres@127.0.0.1:5432/postgres")
            .await
            .unwrap();
        let database = PgDatabase { name, admin };
        database.drop_it().await;
        sqlx::query(&format!("CREATE DATABASE {}", database.name))
            .execute(&database.admin)
            .await
            .unwrap();
        database
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:5432/{}", self.name)
    }

    async fn drop_it(&self) {
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&self.admin)
        .await
        .unwrap();
    }
}

/// Imports Build Queue and lets a worker verify it; returns its id.
async fn verified_build_queue(data_dir: &Path, database_url: &str) -> i64 {
    let problems = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../problems");
    cohort(
        data_dir,
        database_url,
        &[
            "problems",
            "import",
            problems.join("buildqueue").to_str().unwrap(),
        ],
    );
    cohort(data_dir, database_url, &["worker", "--once"]);
    let store = Store::connect(database_url, 1).await.unwrap();
    let problem = store.problems().await.unwrap().remove(0);
    assert_eq!(problem.status(), ProblemStatus::Verified);
    store.close().await;
    problem.id
}

/// The submissions `judge_submissions` queues, by what each should get.
struct Queued {
    /// Build Queue's accepted C++ solution, on every test.
    accepted: i64,
    /// Its wrong-answer C++ solution, on every test.
    wrong: i64,
    /// Its accepted Python solution, on the samples only.
    samples: i64,
    /// Java that does not compile.
    broken: i64,
    /// A problem whose package has gone missing from the blob store.
    lost: i64,
    /// A submission to the lost problem.
    unjudgeable: i64,
}

async fn judge_submissions(database_url: String, data_dir: &Path) {
    let problem = verified_build_queue(data_dir, &database_url).await;
    let store = Store::connect(&database_url, 2).await.unwrap();
    let queued = queue_submissions(&store, problem).await;
    assert_eq!(store.queued_jobs(JudgeSubmission::KIND).await.unwrap(), 5);
    add_recruiter(&store).await;

    let worked = cohort(data_dir, &database_url, &["worker", "--once"]);
    assert_eq!(
        String::from_utf8_lossy(&worked.stdout).trim(),
        "6 jobs ran",
        "five submissions, and the lost package's verification"
    );
    let ac = assert_verdicts(&store, &queued).await;
    assert_judge_error_reported(&store, queued.lost).await;

    // Judging the same submission again (a job queued twice) keeps the first result.
    let mut tx = store.begin().await.unwrap();
    judging::queue(&mut tx, queued.accepted, chrono_ms() / 1000)
        .await
        .unwrap();
    Store::commit(tx).await.unwrap();
    cohort(data_dir, &database_url, &["worker", "--once"]);
    assert_eq!(
        submission_result(&store, queued.accepted).await,
        ac,
        "one result, unchanged"
    );
    store.close().await;
}

/// Queues four submissions to Build Queue (`problem`) and one to a problem whose package is lost.
async fn queue_submissions(store: &Store, problem: i64) -> Queued {
    let accepted = submit(
        store,
        problem,
        "cpp",
        &solution("accepted/heap.cpp"),
        Scope::Full,
    )
    .await;
    let wrong = submit(
        store,
        problem,
        "cpp",
        &solution("wrong_answer/int32.cpp"),
        Scope::Full,
    )
    .await;
    let samples = submit(
        store,
        problem,
        "python3",
        &solution("accepted/heap.py"),
        Scope::Samples,
    )
    .await;
    let broken = submit(
        store,
        problem,
        "java",
        "public class Main { oops }",
        Scope::Full,
    )
    .await;
    let lost = lost_problem(store).await;
    let unjudgeable = submit(store, lost, "cpp", "int main() {}", Scope::Full).await;
    Queued {
        accepted,
        wrong,
        samples,
        broken,
        lost,
        unjudgeable,
    }
}

/// A problem whose package has gone missing from the blob store, queued for verification:
/// judging fails on the judge's side, which is never the candidate's fault.
async fn lost_problem(store: &Store) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let lost = Store::create_problem(
        &mut tx,
        &cohort_store::problems::NewProblem {
            slug: "lost",
            name: "Lost Package",
            package_blob: &"0".repeat(64),
            package_bytes: 1,
            built_in: false,
            statement: "# Lost",
            time_limit_ms: 1000,
            memory_mib: 256,
            test_count: 1,
            scoring: false,
            uploaded_by: None,
            samples: &[],
            starters: &[],
        },
        chrono_ms() / 1000,
    )
    .await
    .unwrap();
    cohort_app::jobs::enqueue(
        &mut tx,
        &VerifyProblem { problem_id: lost },
        chrono_ms() / 1000,
    )
    .await
    .unwrap();
    Store::commit(tx).await.unwrap();
    lost
}

/// A recruiter, who is told about judge errors.
async fn add_recruiter(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    Store::create_user(
        &mut tx,
        "recruiter@example.com",
        "Rita Recruiter",
        None,
        &[cohort_domain::Role::Recruiter],
        chrono_ms() / 1000,
    )
    .await
    .unwrap();
    Store::commit(tx).await.unwrap();
}

async fn submission_result(store: &Store, id: i64) -> cohort_store::submissions::ResultRecord {
    store.submission_result(id).await.unwrap().expect("judged")
}

/// Checks each queued submission's verdict and report; returns the accepted one's result.
async fn assert_verdicts(
    store: &Store,
    queued: &Queued,
) -> cohort_store::submissions::ResultRecord {
    let ac = submission_result(store, queued.accepted).await;
    assert_eq!(
        (ac.verdict.as_str(), ac.tests_passed, ac.tests_total),
        ("AC", 13, 13)
    );
    assert!(ac.turnaround_ms > 0);
    let report: serde_json::Value = serde_json::from_str(&ac.report).unwrap();
    assert_eq!(report["tests"].as_array().unwrap().len(), 13);
    let wa = submission_result(store, queued.wrong).await;
    assert_eq!(wa.verdict, "WA");
    assert!(wa.tests_passed < wa.tests_total);
    let sampled = submission_result(store, queued.samples).await;
    assert_eq!(
        (
            sampled.verdict.as_str(),
            sampled.tests_passed,
            sampled.tests_total
        ),
        ("AC", 2, 2),
        "only the two samples were run"
    );
    let report: serde_json::Value = serde_json::from_str(&sampled.report).unwrap();
    assert!(report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["name"].as_str().unwrap().starts_with("sample/")));
    assert_eq!(
        report["tests"][0]["output"], "5 11\n",
        "a sample run keeps what the program printed"
    );
    let full: serde_json::Value = serde_json::from_str(&ac.report).unwrap();
    assert!(
        full["tests"][0].get("output").is_none(),
        "a full run does not"
    );
    let ce = submission_result(store, queued.broken).await;
    assert_eq!(ce.verdict, "CE");
    assert_eq!(
        submission_result(store, queued.unjudgeable).await.verdict,
        "JE"
    );
    ac
}

/// The judge error is mailed to the recruiters, and the lost problem is refused with the reason.
async fn assert_judge_error_reported(store: &Store, lost: i64) {
    let alerts = store.messages_to("recruiter@example.com").await.unwrap();
    assert_eq!(
        alerts.len(),
        1,
        "the recruiters are told about the judge error"
    );
    assert_eq!(alerts[0].template, "judge_error");
    assert!(alerts[0]
        .body
        .contains("does not count against the candidate"));
    assert!(alerts[0].subject.contains("Lost Package"));
    let lost_problem = store.problem(lost).await.unwrap();
    assert_eq!(lost_problem.status(), ProblemStatus::Refused);
    assert!(lost_problem
        .status_detail
        .contains("missing from the blob store"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_judges_submissions_on_samples_or_all_tests_and_records_one_result_each_on_sqlite()
{
    let data_dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", data_dir.path().join("cohort.db").display());
    judge_submissions(url, data_dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_judges_submissions_on_samples_or_all_tests_and_records_one_result_each_on_postgres(
) {
    let database = PgDatabase::create("cohort_judging").await;
    let data_dir = tempfile::tempdir().unwrap();
    judge_submissions(database.url(), data_dir.path()).await;
    database.drop_it().await;
}

/// A worker killed with SIGKILL in the middle of judging: its lease runs out, another worker
/// takes the job over, and the submission ends with exactly one result.
async fn kill_a_worker_mid_judging(database_url: String, data_dir: &Path) {
    let problem = verified_build_queue(data_dir, &database_url).await;
    let store = Store::connect(&database_url, 2).await.unwrap();
    // An accepted solution that dawdles on every test, so judging takes seconds.
    let slow = format!(
        "import time\ntime.sleep(0.4)\n{}",
        solution("accepted/heap.py")
    );
    let id = submit(&store, problem, "python3", &slow, Scope::Full).await;
    let mut first = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .arg("--data-dir")
        .arg(data_dir)
        .args([
            "--database-url",
            &database_url,
            "--judge-cache",
            CACHE,
            "--judge-parallel",
            "1",
            "worker",
            "--lease-seconds",
            "3",
        ])
        .env("COHORT_LOG", "warn")
        .spawn()
        .unwrap();
    let leased = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT locked_until FROM jobs WHERE kind = 'judge_submission'",
        )
        .fetch_optional(store.reader())
        .await
        .unwrap()
    };
    let waited = std::time::Instant::now();
    while leased().await.unwrap_or(0) == 0 {
        assert!(
            waited.elapsed().as_secs() < 30,
            "the first worker never claimed the job"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    assert!(
        store.submission_result(id).await.unwrap().is_none(),
        "killed before it finished"
    );
    // The lease (renewed while the first worker lived) runs out; then a second worker takes over.
    let waited = std::time::Instant::now();
    while leased().await.unwrap_or(0) > chrono_ms() / 1000 {
        assert!(waited.elapsed().as_secs() < 30, "the lease never ran out");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let second = cohort(
        data_dir,
        &database_url,
        &["worker", "--once", "--lease-seconds", "3"],
    );
    assert_eq!(String::from_utf8_lossy(&second.stdout).trim(), "1 jobs ran");
    let result = store.submission_result(id).await.unwrap().expect("judged");
    assert_eq!(result.verdict, "AC");
    let results: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM submission_results")
        .fetch_one(store.reader())
        .await
        .unwrap();
    assert_eq!(results, 1, "exactly one result");
    assert_eq!(store.queued_jobs(JudgeSubmission::KIND).await.unwrap(), 0);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_judging_leaves_the_job_to_another_and_one_result_on_sqlite() {
    let data_dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", data_dir.path().join("cohort.db").display());
    kill_a_worker_mid_judging(url, data_dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_judging_leaves_the_job_to_another_and_one_result_on_postgres() {
    let database = PgDatabase::create("cohort_kill_worker").await;
    let data_dir = tempfile::tempdir().unwrap();
    kill_a_worker_mid_judging(database.url(), data_dir.path()).await;
    database.drop_it().await;
}
