//! The judge's benchmarks, each against its floor: the same program run bare (fork, exec, wait)
//! on the same machine.

use std::ffi::CString;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use cohort_judge::language::LanguageTable;
use cohort_judge::package::Problem;
use cohort_judge::sandbox::policy::{Limits, MIB};
use cohort_judge::sandbox::{RunSpec, SandboxConfig, SUPERVISOR_ARGUMENT};
use cohort_judge::{Judge, JudgeOptions, Submission, Verdict};

use crate::{measurement, percentile, Measurement};

const TRIVIAL_C: &str = "int main(void) { return 0; }\n";
const TRIVIAL_PYTHON: &str = "pass\n";
const TRIVIAL_JAVA: &str = "public class Main { public static void main(String[] a) { } }\n";
/// Touches exactly 64 MiB, one write per page through a volatile pointer so that the compiler
/// cannot drop the allocation, then exits.
const TOUCH_64_MIB: &str = "#include <stdlib.h>\nint main(void) { size_t n = 64UL << 20; volatile char *p = malloc(n); if (!p) return 1; for (size_t i = 0; i < n; i += 4096) p[i] = 1; return p[n - 4096] == 1 ? 0 : 2; }\n";

pub fn bench(cohort: &Path, runs: usize) -> anyhow::Result<Vec<Measurement>> {
    let cache = tempfile::tempdir()?;
    let slots = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (judge, start_up) = start_judge(cohort, slots, cache.path())?;
    let mut results = Vec::new();
    // Where a fresh sandbox per run would spend its time: paid once per slot here.
    results.push(measurement(
        "judge",
        "slot start-up, once per slot (namespaces, id maps, control group, root file tree)",
        start_up,
        "ms",
        "(reported)",
        true,
        None,
    ));
    results.extend(per_run_overhead(&judge, runs)?);
    results.extend(trivial_interpreted_programs(&judge)?);
    results.push(judge_run_end_to_end(&judge, cohort, cache.path())?);
    results.push(fifty_tests_in_parallel(&judge, slots)?);
    results.push(peak_memory_accuracy(&judge)?);
    Ok(results)
}

/// Starts a judge with `slots` sandbox slots, supervised by `cohort`; returns it with its
/// start-up time per slot, in milliseconds.
fn start_judge(cohort: &Path, slots: usize, cache: &Path) -> anyhow::Result<(Judge, f64)> {
    let started = Instant::now();
    let judge = Judge::new(
        SandboxConfig {
            supervisor_program: cohort.to_path_buf(),
            supervisor_args: vec![SUPERVISOR_ARGUMENT.into()],
            slots,
            control_groups: true,
            uids: cohort_judge::sandbox::uids::UidRange::DEFAULT,
        },
        LanguageTable::builtin(),
        cache.to_path_buf(),
    )
    .context("starting the sandbox")?;
    let start_up = started.elapsed().as_secs_f64() * 1000.0 / slots as f64;
    Ok((judge, start_up))
}

/// What the sandbox adds to one run of a trivial static C program, over `runs` runs: the median
/// and the p99, each beside the bare fork+exec+wait of the same program.
fn per_run_overhead(judge: &Judge, runs: usize) -> anyhow::Result<[Measurement; 2]> {
    eprintln!("   per-run overhead over {runs} runs");
    let trivial = compile(judge, "c", "main.c", TRIVIAL_C)?;
    let (sandboxed, bare) = time_alternating(
        runs,
        || sandboxed_run(judge, &trivial, &["/prog/main"]),
        || bare_run(&[trivial.directory.join("main")]),
    )?;
    let overhead_median = percentile(&sandboxed, 50.0) - percentile(&bare, 50.0);
    let overhead_p99 = percentile(&sandboxed, 99.0) - percentile(&bare, 99.0);
    Ok([
        measurement(
            "judge",
            "per-run overhead, trivial static C program, median",
            overhead_median,
            "ms",
            "< 0.5 ms",
            overhead_median < 0.5,
            Some((percentile(&bare, 50.0), "bare fork+exec+wait median")),
        ),
        measurement(
            "judge",
            "per-run overhead, trivial static C program, p99",
            overhead_p99,
            "ms",
            "(reported)",
            true,
            Some((percentile(&bare, 99.0), "bare fork+exec+wait p99")),
        ),
    ])
}

/// Trivial Python and Java programs, sandboxed over bare: the ratio of the medians (of 300 and
/// 40 runs), each beside the bare median.
fn trivial_interpreted_programs(judge: &Judge) -> anyhow::Result<Vec<Measurement>> {
    let mut results = Vec::new();
    for (language, file, source, count) in [
        ("python3", "main.py", TRIVIAL_PYTHON, 300),
        ("java", "Main.java", TRIVIAL_JAVA, 40),
    ] {
        eprintln!("   trivial {language} program");
        let compiled = compile(judge, language, file, source)?;
        let table = LanguageTable::builtin();
        let language_row = table.by_id(language)?;
        let inside = language_row.expand(&language_row.run, &compiled.naming, 256);
        let inside: Vec<&str> = inside.iter().map(String::as_str).collect();
        // Bare: the same command with /prog replaced by the artefact directory. The two kinds of
        // run alternate, so that both see the same machine (caches, other load).
        let host_argv: Vec<PathBuf> = inside
            .iter()
            .map(|part| {
                PathBuf::from(part.replace("/prog", &compiled.directory.display().to_string()))
            })
            .collect();
        let (sandboxed, bare) = time_alternating(
            count,
            || sandboxed_run(judge, &compiled, &inside),
            || bare_run(&host_argv),
        )?;
        let ratio = percentile(&sandboxed, 50.0) / percentile(&bare, 50.0);
        results.push(measurement(
            "judge",
            &format!("trivial {language} program, sandboxed over bare (median of {count})"),
            ratio,
            "x",
            if language == "python3" {
                "< 1.05x"
            } else {
                "< 1.10x"
            },
            ratio < if language == "python3" { 1.05 } else { 1.10 },
            Some((percentile(&bare, 50.0), "bare run median, ms")),
        ));
    }
    Ok(results)
}

/// The whole `cohort judge run --json` command on a one-test problem (a new process that starts
/// its slots, judges and prints), beside the bare program on the same input. `cache` is the
/// bench's judge cache; the command gets a folder of its own inside it.
fn judge_run_end_to_end(judge: &Judge, cohort: &Path, cache: &Path) -> anyhow::Result<Measurement> {
    eprintln!("   cohort judge run, one test, end to end");
    let one_test = one_test_problem()?;
    let solution = one_test.path().join("main.c");
    fs::write(&solution, ECHO_C)?;
    let echo = compile(judge, "c", "echo.c", ECHO_C)?;
    let judge_run = || -> anyhow::Result<()> {
        let output = std::process::Command::new(cohort)
            .args(["judge", "run", "--json"])
            .arg(one_test.path())
            .arg(&solution)
            .env("COHORT_JUDGE_CACHE", cache.join("cli"))
            .output()?;
        if !output.status.success() {
            bail!(
                "cohort judge run failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    };
    let input = one_test.path().join("data/secret/1.in");
    let bare_with_input = || -> anyhow::Result<()> {
        let status = std::process::Command::new(echo.directory.join("main"))
            .stdin(fs::File::open(&input)?)
            .stdout(std::process::Stdio::null())
            .status()?;
        if !status.success() {
            bail!("the bare program failed");
        }
        Ok(())
    };
    let (end_to_end, bare) = time_alternating(10, judge_run, bare_with_input)?;
    Ok(measurement(
        "judge",
        "cohort judge run, one test, compile cached: the whole command (slots started, judged, JSON printed), median of 10",
        percentile(&end_to_end, 50.0),
        "ms",
        "(reported)",
        true,
        Some((percentile(&bare, 50.0), "the bare program on the same input, ms")),
    ))
}

/// A 50-test C++ problem judged with every test run: the sum of the runs' CPU times over the
/// judging's wall time, which shows how well the tests use the `slots` cores.
fn fifty_tests_in_parallel(judge: &Judge, slots: usize) -> anyhow::Result<Measurement> {
    eprintln!("   50-test C++ problem, tests in parallel");
    let problem_dir = fifty_test_problem()?;
    let problem = Problem::load(problem_dir.path())?;
    let submission = Submission {
        language: "cpp".into(),
        file_name: "main.cpp".into(),
        source: BUSY_CPP.as_bytes().to_vec(),
    };
    // Compile first, so the timed judging is the runs alone.
    compile(judge, "cpp", "main.cpp", BUSY_CPP)?;
    let started = Instant::now();
    let report = judge.judge(
        &problem,
        &submission,
        &JudgeOptions {
            run_all: true,
            ..JudgeOptions::default()
        },
    );
    let wall = started.elapsed().as_secs_f64() * 1000.0;
    if report.verdict != Verdict::Accepted {
        bail!("the 50-test problem was not accepted: {:?}", report.verdict);
    }
    let cpu_sum: f64 = report.tests.iter().map(|t| t.cpu_ms).sum();
    let speedup = cpu_sum / wall;
    Ok(measurement(
        "judge",
        &format!(
            "50-test C++ problem on {slots} cores: sum of run CPU times over judging wall time"
        ),
        speedup,
        "x",
        ">= 1.8x",
        speedup >= 1.8,
        Some((cpu_sum, "sum of the runs' CPU ms")),
    ))
}

/// The peak memory the sandbox reports for a program that touches 64 MiB, less what it reports
/// for a trivial program, medians of ten runs each.
fn peak_memory_accuracy(judge: &Judge) -> anyhow::Result<Measurement> {
    eprintln!("   memory measurement");
    let baseline = compile(judge, "c", "main.c", TRIVIAL_C)?;
    let toucher = compile(judge, "c", "touch.c", TOUCH_64_MIB)?;
    let mut base_peaks = Vec::new();
    let mut touch_peaks = Vec::new();
    for _ in 0..10 {
        base_peaks.push(sandboxed_peak(judge, &baseline)? as f64);
        touch_peaks.push(sandboxed_peak(judge, &toucher)? as f64);
    }
    let base = percentile(&base_peaks, 50.0);
    let measured = (percentile(&touch_peaks, 50.0) - base) / MIB as f64;
    let error = (measured - 64.0).abs() / 64.0 * 100.0;
    Ok(measurement(
        "judge",
        "peak memory reported for a program touching 64 MiB, minus the trivial program's",
        measured,
        "MiB",
        "64 MiB within 5%",
        error <= 5.0,
        Some((base / MIB as f64, "trivial program's peak, MiB")),
    ))
}

const ECHO_C: &str =
    "#include <stdio.h>\nint main(void) { int x; if (scanf(\"%d\", &x) != 1) return 1; printf(\"%d\\n\", x); return 0; }\n";

/// A problem with one test whose answer is its input.
fn one_test_problem() -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    fs::write(
        dir.path().join("problem.yaml"),
        "name: Echo\nlimits:\n  time_limit: 1\n  memory: 64\n",
    )?;
    fs::create_dir_all(dir.path().join("data/secret"))?;
    fs::write(dir.path().join("data/secret/1.in"), "42\n")?;
    fs::write(dir.path().join("data/secret/1.ans"), "42\n")?;
    Ok(dir)
}

const BUSY_CPP: &str = r#"#include <cstdio>
int main() { long long n, s = 0; if (scanf("%lld", &n) != 1) return 1;
  for (long long i = 0; i < n; i++) s = (s * 31 + i) % 1000000007LL;
  printf("%lld\n", s); }
"#;

/// 50 tests of about 80 ms of CPU each.
fn fifty_test_problem() -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    fs::write(
        dir.path().join("problem.yaml"),
        "name: Busy\nlimits:\n  time_limit: 2\n  memory: 64\n",
    )?;
    let secret = dir.path().join("data/secret");
    fs::create_dir_all(&secret)?;
    for test in 0..50 {
        let n: i64 = 40_000_000 + test * 10_000;
        let mut s: i64 = 0;
        for i in 0..n {
            s = (s * 31 + i) % 1_000_000_007;
        }
        fs::write(secret.join(format!("{test:02}.in")), format!("{n}\n"))?;
        fs::write(secret.join(format!("{test:02}.ans")), format!("{s}\n"))?;
    }
    Ok(dir)
}

fn compile(
    judge: &Judge,
    language: &str,
    file: &str,
    source: &str,
) -> anyhow::Result<cohort_judge::judge::Compiled> {
    let table = LanguageTable::builtin();
    let language = table.by_id(language)?;
    judge
        .compile(
            language,
            file,
            &[(file.to_owned(), source.as_bytes().to_vec())],
        )
        .map_err(|e| anyhow::anyhow!("compiling the benchmark program: {e:?}"))
}

fn sandboxed_run(
    judge: &Judge,
    compiled: &cohort_judge::judge::Compiled,
    argv: &[&str],
) -> anyhow::Result<()> {
    let mut spec = RunSpec::new(
        argv.iter().map(|s| s.to_string()).collect(),
        Limits {
            cpu: Duration::from_secs(10),
            wall: Duration::from_secs(20),
            memory_bytes: 1024 * MIB,
            processes: 64,
            ..Limits::default()
        },
    );
    spec.mounts = vec![(compiled.directory.clone(), "/prog".into())];
    let run = judge.sandbox().run(spec)?;
    if !run.succeeded() {
        bail!(
            "the benchmark program failed in the sandbox: {:?} {:?}",
            run.exit,
            run.limit
        );
    }
    Ok(())
}

fn sandboxed_peak(judge: &Judge, compiled: &cohort_judge::judge::Compiled) -> anyhow::Result<u64> {
    let mut spec = RunSpec::new(
        vec!["/prog/main".into()],
        Limits {
            memory_bytes: 256 * MIB,
            ..Limits::default()
        },
    );
    spec.mounts = vec![(compiled.directory.clone(), "/prog".into())];
    let run = judge.sandbox().run(spec)?;
    if !run.succeeded() {
        bail!("the memory program failed: {:?} {:?}", run.exit, run.limit);
    }
    Ok(run.peak_memory_bytes)
}

/// fork, execve and waitpid, with nothing else: the floor a sandbox adds to. The program gets the
/// environment a sandboxed run gets, since that changes what it does at start-up (`LANG` makes
/// the C library load a locale, for one).
fn bare_run(argv: &[PathBuf]) -> anyhow::Result<()> {
    let arguments: Vec<CString> = argv
        .iter()
        .map(|a| CString::new(a.as_os_str().as_encoded_bytes()))
        .collect::<Result<_, _>>()?;
    let mut pointers: Vec<*const libc::c_char> = arguments.iter().map(|a| a.as_ptr()).collect();
    pointers.push(std::ptr::null());
    let variables: Vec<CString> = RunSpec::new(Vec::new(), Limits::default())
        .env
        .into_iter()
        .map(CString::new)
        .collect::<Result<_, _>>()?;
    let mut environment: Vec<*const libc::c_char> = variables.iter().map(|v| v.as_ptr()).collect();
    environment.push(std::ptr::null());
    // SAFETY: the child calls only execve and _exit, both async-signal-safe, on data prepared
    // before the fork.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: see above.
        unsafe {
            libc::execve(pointers[0], pointers.as_ptr(), environment.as_ptr());
            libc::_exit(127);
        }
    }
    if pid < 0 {
        bail!("fork failed");
    }
    let mut status = 0;
    // SAFETY: waits for the child just forked.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        bail!("the bare benchmark program failed with status {status}");
    }
    Ok(())
}

/// Times `count` runs of each, alternating, after one untimed run of each to warm caches (the
/// page cache, the JVM's class data). Milliseconds.
fn time_alternating(
    count: usize,
    mut first: impl FnMut() -> anyhow::Result<()>,
    mut second: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<(Vec<f64>, Vec<f64>)> {
    first()?;
    second()?;
    let mut times = (Vec::with_capacity(count), Vec::with_capacity(count));
    for _ in 0..count {
        let started = Instant::now();
        first()?;
        times.0.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        second()?;
        times.1.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(times)
}
