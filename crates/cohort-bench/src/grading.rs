//! Grading through the queue, on PostgreSQL with two `cohort worker` processes, against the judge
//! alone doing the same work in this process: what the queue, the database round trips and the
//! result writes cost. Then the time from a committed submission to its result with the queue
//! empty.
//!
//! Every submission's source is different (a numbered comment), so every one is compiled: the
//! compile cache would otherwise make all but the first submission free.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use cohort_judge::language::LanguageTable;
use cohort_judge::package::Problem;
use cohort_judge::sandbox::{SandboxConfig, SUPERVISOR_ARGUMENT};
use cohort_judge::{Judge, JudgeOptions, Submission, Verdict};
use cohort_store::submissions::{NewSubmission, Scope};
use cohort_store::Store;

use crate::{measurement, percentile, Measurement};

const DATABASE: &str = "cohort_bench_grading";
const TESTS: usize = 20;
const WORKERS: usize = 2;
/// Alternating rounds of the judge alone and the queue, per language.
const ROUNDS: usize = 3;

const CPP_SOLUTION: &str = "#include <cstdio>\nint main() { long long n, x, total = 0; if (scanf(\"%lld\", &n) != 1) return 1; for (long long i = 0; i < n; i++) { if (scanf(\"%lld\", &x) != 1) return 1; total += x; } printf(\"%lld\\n\", total); return 0; }\n";
const PYTHON_SOLUTION: &str = "import sys\ndata = sys.stdin.buffer.read().split()\nn = int(data[0])\nprint(sum(int(x) for x in data[1:n + 1]))\n";

/// A 20-test problem: the sum of up to 100,000 numbers per test.
fn write_package(root: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(root.join("data/sample"))?;
    std::fs::create_dir_all(root.join("data/secret"))?;
    std::fs::create_dir_all(root.join("problem_statement"))?;
    std::fs::create_dir_all(root.join("submissions/accepted"))?;
    std::fs::write(
        root.join("problem.yaml"),
        "name: Running Total\nlimits:\n  time_limit: 2\n  memory: 256\n",
    )?;
    std::fs::write(
        root.join("problem_statement/problem.en.md"),
        "# Running Total\n\nRead $n$ and then $n$ integers; print their sum.\n",
    )?;
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for test in 0..TESTS {
        let n = if test == 0 { 5 } else { 5_000 * test };
        let mut input = format!("{n}\n");
        let mut total: i64 = 0;
        for _ in 0..n {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let value = (state % 2_000_001) as i64 - 1_000_000;
            total += value;
            input.push_str(&value.to_string());
            input.push(' ');
        }
        input.push('\n');
        let folder = if test == 0 { "sample" } else { "secret" };
        std::fs::write(root.join(format!("data/{folder}/{test:02}.in")), input)?;
        std::fs::write(
            root.join(format!("data/{folder}/{test:02}.ans")),
            format!("{total}\n"),
        )?;
    }
    std::fs::write(root.join("submissions/accepted/sum.cpp"), CPP_SOLUTION)?;
    std::fs::write(root.join("submissions/accepted/sum.py"), PYTHON_SOLUTION)?;
    Ok(())
}

/// The solution in `language` with a numbered comment, so that no two compile alike.
fn numbered(language: &str, index: usize) -> String {
    match language {
        "cpp" => format!("// submission {index}\n{CPP_SOLUTION}"),
        _ => format!("# submission {index}\n{PYTHON_SOLUTION}"),
    }
}

struct Workers(Vec<Child>);

impl Drop for Workers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn cohort_command(cohort: &Path, data: &Path, url: &str, cache: &Path) -> Command {
    let mut command = Command::new(cohort);
    command
        .arg("--data-dir")
        .arg(data)
        .args(["--database-url", url, "--judge-cache"])
        .arg(cache)
        .env("COHORT_LOG", "error")
        .stdout(Stdio::null());
    command
}

pub async fn bench(cohort: &Path, per_language: usize) -> anyhow::Result<Vec<Measurement>> {
    let scratch = tempfile::tempdir()?;
    let data = scratch.path().join("data");
    let cache = scratch.path().join("cache");
    std::fs::create_dir_all(&cache)?;
    let package = scratch.path().join("runningtotal");
    write_package(&package)?;

    let admin = sqlx::PgPool::connect("postgres://postgres@127.0.0.1:5432/postgres").await?;
    let drop_database = format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)");
    sqlx::query(&drop_database).execute(&admin).await?;
    sqlx::query(&format!("CREATE DATABASE {DATABASE}"))
        .execute(&admin)
        .await?;
    let url = format!("postgres://postgres@127.0.0.1:5432/{DATABASE}");

    eprintln!("   importing and verifying a {TESTS}-test problem");
    for args in [
        vec![
            "problems",
            "import",
            package.to_str().context("a UTF-8 path")?,
        ],
        vec!["worker", "--once"],
    ] {
        let status = cohort_command(cohort, &data, &url, &cache)
            .args(&args)
            .status()?;
        if !status.success() {
            bail!("cohort {args:?} failed");
        }
    }
    let store = Store::connect(&url, 4).await?;
    let problem = store.problems().await?.remove(0);
    if problem.status != "verified" {
        bail!("the problem was not verified: {}", problem.status_detail);
    }

    let mut results = Vec::new();
    let mut next_index = 0;
    for (language, name) in [("cpp", "C++"), ("python3", "Python")] {
        // Alternating rounds, medians reported: one round of each is at the mercy of whatever
        // else the machine did in those seconds.
        let (mut alone_rates, mut queued_rates) = (Vec::new(), Vec::new());
        for round in 1..=ROUNDS {
            eprintln!("   {name}, round {round} of {ROUNDS}: the judge alone ({WORKERS} threads), then {WORKERS} workers, {per_language} submissions each");
            alone_rates.push(judge_alone(
                cohort,
                &package,
                language,
                next_index,
                per_language,
            )?);
            next_index += per_language;
            let workers = start_workers(cohort, &data, &url, &cache)?;
            queued_rates
                .push(through_queue(&store, problem.id, language, next_index, per_language).await?);
            next_index += per_language;
            drop(workers);
        }
        let (alone, queued) = (
            percentile(&alone_rates, 50.0),
            percentile(&queued_rates, 50.0),
        );
        let share = 100.0 * queued / alone;
        results.push(measurement(
            "postgres",
            &format!("{name}, {TESTS} tests: graded through the queue by {WORKERS} workers (median of {ROUNDS})"),
            queued,
            "subs/min",
            "(reported)",
            true,
            Some((alone, "the judge alone, same work")),
        ));
        results.push(measurement(
            "postgres",
            &format!("  {name}: queue throughput as a share of the judge alone"),
            share,
            "%",
            ">= 90 % (0.9x)",
            share >= 90.0,
            None,
        ));
    }

    eprintln!("   submit-to-result latency with the queue empty");
    let workers = start_workers(cohort, &data, &url, &cache)?;
    let mut latencies = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let id = submit(&store, problem.id, "cpp", next_index).await?;
        next_index += 1;
        wait_for_results(&store, (id, id), 1, Duration::from_millis(5)).await?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    drop(workers);
    let (p50, p95) = (percentile(&latencies, 50.0), percentile(&latencies, 95.0));
    results.push(measurement(
        "postgres",
        "C++ submission committed to result in the database, queue empty, p50",
        p50,
        "ms",
        "(reported)",
        true,
        None,
    ));
    results.push(measurement(
        "postgres",
        "C++ submission committed to result in the database, queue empty, p95 (with compilation)",
        p95,
        "ms",
        "< 1500 ms",
        p95 < 1500.0,
        None,
    ));
    store.close().await;
    sqlx::query(&drop_database).execute(&admin).await?;
    Ok(results)
}

fn start_workers(cohort: &Path, data: &Path, url: &str, cache: &Path) -> anyhow::Result<Workers> {
    let mut workers = Workers(Vec::new());
    for _ in 0..WORKERS {
        workers.0.push(
            cohort_command(cohort, data, url, cache)
                .args(["--judge-parallel", "1", "worker"])
                .spawn()?,
        );
    }
    // Each starts its sandbox slot and connects; give them a moment before the clock starts.
    std::thread::sleep(Duration::from_secs(2));
    Ok(workers)
}

async fn submit(
    store: &Store,
    problem_id: i64,
    language: &str,
    index: usize,
) -> anyhow::Result<i64> {
    let code = numbered(language, index);
    let mut tx = store.begin().await?;
    let id = Store::create_submission(
        &mut tx,
        &NewSubmission {
            problem_id,
            author_id: None,
            language,
            code: &code,
            scope: Scope::Full,
        },
        chrono::Utc::now().timestamp_millis(),
    )
    .await?;
    cohort_app::assessment::judging::queue(&mut tx, id, chrono::Utc::now().timestamp()).await?;
    Store::commit(tx).await?;
    Ok(id)
}

/// Waits until `count` results exist among the ids, looking every `every`: often for a latency,
/// less often for throughput (where each look takes the database from the workers).
async fn wait_for_results(
    store: &Store,
    (first, last): (i64, i64),
    count: i64,
    every: Duration,
) -> anyhow::Result<()> {
    let started = Instant::now();
    while store.results_among(first, last).await? < count {
        if started.elapsed() > Duration::from_secs(600) {
            bail!("the workers did not finish within ten minutes");
        }
        tokio::time::sleep(every).await;
    }
    Ok(())
}

/// Submissions per minute through the queue: all queued at once, timed until the last result.
async fn through_queue(
    store: &Store,
    problem_id: i64,
    language: &str,
    first_index: usize,
    count: usize,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut tx = store.begin().await?;
    let mut ids = Vec::new();
    for index in first_index..first_index + count {
        let code = numbered(language, index);
        ids.push(
            Store::create_submission(
                &mut tx,
                &NewSubmission {
                    problem_id,
                    author_id: None,
                    language,
                    code: &code,
                    scope: Scope::Full,
                },
                chrono::Utc::now().timestamp_millis(),
            )
            .await?,
        );
        let id = ids[ids.len() - 1];
        cohort_app::assessment::judging::queue(&mut tx, id, chrono::Utc::now().timestamp()).await?;
    }
    Store::commit(tx).await?;
    let (first, last) = (ids[0], ids[ids.len() - 1]);
    wait_for_results(
        store,
        (first, last),
        count as i64,
        Duration::from_millis(50),
    )
    .await?;
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    let accepted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM submission_results WHERE submission_id BETWEEN $1 AND $2 AND verdict = 'AC'",
    )
    .bind(first)
    .bind(last)
    .fetch_one(store.reader())
    .await?;
    if accepted != count as i64 {
        bail!("only {accepted} of {count} queued submissions were accepted");
    }
    Ok(count as f64 / minutes)
}

/// Submissions per minute with the judge alone: [`WORKERS`] threads, each with its own judge of
/// one slot (as each worker has), taking submissions from a shared counter.
fn judge_alone(
    cohort: &Path,
    package: &Path,
    language: &str,
    first_index: usize,
    count: usize,
) -> anyhow::Result<f64> {
    let problem = Problem::load(package).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut judges = Vec::new();
    for _ in 0..WORKERS {
        let cache: PathBuf = tempfile::tempdir()?.keep();
        judges.push(
            Judge::new(
                SandboxConfig {
                    supervisor_program: cohort.to_path_buf(),
                    supervisor_args: vec![SUPERVISOR_ARGUMENT.into()],
                    slots: 1,
                    control_groups: true,
                    uids: cohort_judge::sandbox::uids::UidRange::DEFAULT,
                },
                LanguageTable::builtin(),
                cache,
            )
            .context("starting the sandbox")?,
        );
    }
    let next = std::sync::atomic::AtomicUsize::new(first_index);
    let started = Instant::now();
    let accepted = std::thread::scope(|scope| {
        let handles: Vec<_> = judges
            .iter()
            .map(|judge| {
                let (next, problem) = (&next, &problem);
                scope.spawn(move || {
                    let mut accepted = 0;
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if index >= first_index + count {
                            return accepted;
                        }
                        let report = judge.judge(
                            problem,
                            &Submission {
                                language: language.into(),
                                file_name: String::new(),
                                source: numbered(language, index).into_bytes(),
                            },
                            &JudgeOptions::default(),
                        );
                        accepted += usize::from(report.verdict == Verdict::Accepted);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(0))
            .sum::<usize>()
    });
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    if accepted != count {
        bail!("the judge alone accepted only {accepted} of {count}");
    }
    Ok(count as f64 / minutes)
}
