//! `cohort judge ...`: parse the judge's arguments, call the judge library, print the result.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use cohort_judge::language::LanguageTable;
use cohort_judge::package::Problem;
use cohort_judge::sandbox::{SandboxConfig, SUPERVISOR_ARGUMENT};
use cohort_judge::{Judge, JudgeOptions, Report, Submission, Verdict};

#[derive(Args, Debug)]
pub struct JudgeArguments {
    #[command(subcommand)]
    pub command: JudgeCommand,
}

/// How to set up a judge: shared by `cohort judge`, `cohort worker` and the server's in-process
/// judge worker.
#[derive(Args, Debug, Clone)]
pub struct JudgeSetup {
    /// A language table (TOML) to use instead of the built-in one; `cohort judge languages
    /// --toml` prints the built-in table to start from.
    #[arg(
        long = "judge-languages",
        alias = "languages",
        env = "COHORT_JUDGE_LANGUAGES",
        global = true
    )]
    pub languages: Option<PathBuf>,
    /// Where compiled programs (and unpacked problem packages) are cached.
    #[arg(
        long = "judge-cache",
        alias = "cache",
        env = "COHORT_JUDGE_CACHE",
        global = true
    )]
    pub cache: Option<PathBuf>,
    /// How many test cases run at once (defaults to the number of cores).
    #[arg(
        long = "judge-parallel",
        alias = "parallel",
        env = "COHORT_JUDGE_PARALLEL",
        global = true
    )]
    pub parallel: Option<usize>,
    /// Judge without control groups even where they can be written (resource limits only):
    /// to see what a machine without them gets. A warning says what changes.
    #[arg(
        long = "judge-without-control-groups",
        env = "COHORT_JUDGE_WITHOUT_CONTROL_GROUPS",
        global = true
    )]
    pub without_control_groups: bool,
    /// The host user ids sandbox slots run as, FIRST:COUNT (two per slot). It must not overlap
    /// /etc/subuid or /etc/subgid; judges on one machine share it, each slot locking its pair.
    #[arg(
        long = "judge-uids",
        env = "COHORT_JUDGE_UIDS",
        global = true,
        default_value = "2000000000:65536",
        value_parser = cohort_judge::sandbox::uids::UidRange::parse
    )]
    pub uids: cohort_judge::sandbox::uids::UidRange,
}

impl JudgeSetup {
    /// The cache folder: as given, or `$XDG_CACHE_HOME/cohort/judge` (`~/.cache/cohort/judge`).
    pub fn cache_dir(&self) -> PathBuf {
        self.cache.clone().unwrap_or_else(|| {
            std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
                .unwrap_or_else(std::env::temp_dir)
                .join("cohort")
                .join("judge")
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum JudgeCommand {
    /// Judge one solution against a problem package and print a per-test table.
    Run {
        /// The problem package directory (Kattis format).
        package: PathBuf,
        /// The solution's source file.
        solution: PathBuf,
        /// The language (cpp, c, python3, java); inferred from the file extension if omitted.
        #[arg(long = "lang")]
        language: Option<String>,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
        /// Judge every test even after a rejection.
        #[arg(long)]
        all: bool,
    },
    /// Judge every program under the package's submissions/ and check each gets the verdict its
    /// folder names. Exits non-zero on any mismatch.
    Verify {
        package: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Print the language table in use.
    Languages {
        /// Print it as the TOML file it comes from.
        #[arg(long)]
        toml: bool,
    },
    /// Print the sandbox policy (namespaces, visible paths, denied system calls, limits) as JSON.
    Policy,
}

/// The built-in language table, or the administrator's replacement read from `path`, with the
/// text it came from.
fn language_table_text(path: Option<&std::path::Path>) -> anyhow::Result<(LanguageTable, String)> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let table = LanguageTable::parse(&text).with_context(|| path.display().to_string())?;
            Ok((table, text))
        }
        None => Ok((
            LanguageTable::builtin(),
            cohort_judge::language::DEFAULT_TABLE.to_owned(),
        )),
    }
}

/// The language table other commands use: built in, or read from `path`.
pub fn language_table(path: Option<&std::path::Path>) -> anyhow::Result<LanguageTable> {
    Ok(language_table_text(path)?.0)
}

/// Starts a judge (its sandbox slots) as `setup` says.
pub fn judge(setup: &JudgeSetup, table: LanguageTable) -> anyhow::Result<Judge> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let config = SandboxConfig {
        supervisor_program: std::env::current_exe().context("finding the cohort binary")?,
        supervisor_args: vec![SUPERVISOR_ARGUMENT.to_owned()],
        slots: setup.parallel.unwrap_or(cores).max(1),
        control_groups: !setup.without_control_groups,
        uids: setup.uids,
    };
    let judge = Judge::new(config, table, setup.cache_dir()).context(
        "starting the sandbox (it needs Linux namespaces; see the README's judge section)",
    )?;
    if judge.enforcement().degraded() {
        eprintln!("warning: {}", cohort_judge::sandbox::DEGRADED_WARNING);
    }
    Ok(judge)
}

/// Runs a judge command; returns the process exit code.
pub fn run(arguments: JudgeArguments, setup: JudgeSetup) -> anyhow::Result<u8> {
    let (table, table_text) = language_table_text(setup.languages.as_deref())?;
    match &arguments.command {
        JudgeCommand::Languages { toml } => {
            if *toml {
                print!("{table_text}");
            } else {
                print_languages(&table);
            }
            Ok(0)
        }
        JudgeCommand::Policy => {
            println!(
                "{}",
                serde_json::to_string_pretty(&cohort_judge::sandbox::policy::report())?
            );
            Ok(0)
        }
        JudgeCommand::Run {
            package,
            solution,
            language,
            json,
            all,
        } => {
            let judged = judge_one(&setup, table, package, solution, language.as_deref(), *all);
            let report = match judged {
                Ok(report) => report,
                // Scripts that asked for JSON get JSON even when nothing could be judged.
                Err(error) if *json => {
                    eprintln!("error: {error:#}");
                    Report::judge_error(
                        &package.display().to_string(),
                        language.as_deref().unwrap_or(""),
                        format!("{error:#}"),
                    )
                }
                Err(error) => return Err(error),
            };
            if *json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_report(&report);
            }
            Ok(if report.verdict == Verdict::JudgeError {
                2
            } else {
                0
            })
        }
        JudgeCommand::Verify { package, json } => {
            let problem = Problem::load(package)?;
            let judge = judge(&setup, table)?;
            let report = cohort_judge::verify::verify(&judge, &problem);
            if *json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_verification(&report, package);
            }
            if !report.ok {
                bail!("{} failed verification", report.problem);
            }
            Ok(0)
        }
    }
}

/// The language table as a table: each language's limits and whether it can run here.
fn print_languages(table: &LanguageTable) {
    println!(
        "{:<11} {:<21} {:<14} {:>5} {:>9} {:>6}  available",
        "id", "name", "extensions", "time", "+memory", "procs"
    );
    for language in table.all() {
        println!(
            "{:<11} {:<21} {:<14} {:>4}x {:>6}MiB {:>6}  {}",
            language.id,
            language.name,
            language.extensions.join(","),
            language.time_multiplier,
            language.extra_memory_mib,
            language.processes,
            match language.unavailable() {
                None => "yes".to_string(),
                Some(why) => format!("NO: {why}"),
            }
        );
    }
}

/// A verification report as text: one line per judged submission, the skipped ones, the input
/// validators' findings, the time limit, and whether the package (`package`) is verified.
fn print_verification(report: &cohort_judge::verify::VerifyReport, package: &Path) {
    println!(
        "{:<44} {:<14} {:<4} {:>9}  note",
        "submission", "expected", "got", "score"
    );
    for checked in &report.submissions {
        println!(
            "{:<44} {:<14} {:<4} {:>9}  {}",
            checked.submission,
            checked.expected,
            checked.verdict.code(),
            format!("{}/{}", checked.score, checked.max_score),
            match (checked.ok, checked.note.is_empty()) {
                (true, true) => "ok".to_string(),
                (true, false) => format!("ok: {}", checked.note),
                (false, _) => checked.note.clone(),
            }
        );
    }
    for skipped in &report.skipped {
        println!("{:<44} {}", skipped.submission, skipped.reason);
    }
    if report.submissions.is_empty() {
        println!(
            "no submissions judged under {}/submissions",
            package.display()
        );
    }
    for validation in &report.input_validation {
        match (&validation.skipped, validation.problems.as_slice()) {
            (Some(why), _) => {
                println!("input validator {}: {why}", validation.validator)
            }
            (None, []) => println!(
                "input validator {}: accepted all {} inputs",
                validation.validator, validation.accepted
            ),
            (None, problems) => {
                println!("input validator {}: FAILED", validation.validator);
                for problem in problems.iter().take(10) {
                    println!("  {problem}");
                }
            }
        }
    }
    println!(
        "time limit: {} s ({}); {} judged, {} skipped",
        report.time_limit,
        if report.time_limit_computed {
            "computed from the slowest accepted submission".to_string()
        } else {
            format!("from {:?}", report.time_limit_source)
        },
        report.submissions.len(),
        report.skipped.len()
    );
    println!(
        "{}: {}",
        report.problem,
        if report.ok {
            "verified"
        } else {
            "NOT verified: it cannot be used in an assessment"
        }
    );
}

/// Reads the package and the solution, starts a judge and judges the solution.
fn judge_one(
    setup: &JudgeSetup,
    table: LanguageTable,
    package: &Path,
    solution: &Path,
    language: Option<&str>,
    all: bool,
) -> anyhow::Result<Report> {
    let problem = Problem::load(package)?;
    let language = match language {
        Some(id) => table.by_id(id)?.id.clone(),
        None => table.for_file(solution)?.id.clone(),
    };
    let source =
        std::fs::read(solution).with_context(|| format!("reading {}", solution.display()))?;
    let submission = Submission {
        language,
        file_name: solution
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        source,
    };
    let judge = judge(setup, table)?;
    Ok(judge.judge(
        &problem,
        &submission,
        &JudgeOptions {
            run_all: all,
            ..JudgeOptions::default()
        },
    ))
}

fn print_report(report: &Report) {
    println!(
        "{:<32} {:<4} {:>9} {:>9} {:>10}  feedback",
        "test", "", "cpu ms", "wall ms", "memory KiB"
    );
    for test in &report.tests {
        println!(
            "{:<32} {:<4} {:>9.1} {:>9.1} {:>10}  {}",
            test.name,
            test.verdict.code(),
            test.cpu_ms,
            test.wall_ms,
            test.memory_kib,
            test.feedback
        );
    }
    if !report.skipped.is_empty() {
        println!("skipped after a rejection: {}", report.skipped.join(", "));
    }
    if !report.compile_output.is_empty() {
        println!("compiler output:\n{}", report.compile_output);
    }
    println!(
        "verdict: {} ({})  score: {}/{}",
        report.verdict.code(),
        report.verdict.describe(),
        report.score,
        report.max_score
    );
}
