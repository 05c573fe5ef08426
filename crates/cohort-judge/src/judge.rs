//! Judging: compile once (cached), run the test cases in parallel in the sandbox, check each
//! output, and aggregate verdicts and scores over the package's test groups.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::os::fd::OwnedFd;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::language::{Language, LanguageTable, Naming};
use crate::package::{Aggregate, Checking, Problem, TestCase, TestGroup};
use crate::sandbox::policy::{Limits, MIB};
use crate::sandbox::{
    Exit, LimitHit, RunResult, RunSpec, Sandbox, SandboxConfig, SandboxError, Stdio,
};

/// The verdicts, with the short codes used in JSON and tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Verdict {
    #[serde(rename = "AC")]
    Accepted,
    #[serde(rename = "WA")]
    WrongAnswer,
    #[serde(rename = "TLE")]
    TimeLimitExceeded,
    #[serde(rename = "MLE")]
    MemoryLimitExceeded,
    #[serde(rename = "RE")]
    RuntimeError,
    #[serde(rename = "OLE")]
    OutputLimitExceeded,
    #[serde(rename = "CE")]
    CompileError,
    #[serde(rename = "JE")]
    JudgeError,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Accepted => "AC",
            Verdict::WrongAnswer => "WA",
            Verdict::TimeLimitExceeded => "TLE",
            Verdict::MemoryLimitExceeded => "MLE",
            Verdict::RuntimeError => "RE",
            Verdict::OutputLimitExceeded => "OLE",
            Verdict::CompileError => "CE",
            Verdict::JudgeError => "JE",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Verdict::Accepted => "Accepted",
            Verdict::WrongAnswer => "Wrong Answer",
            Verdict::TimeLimitExceeded => "Time Limit Exceeded",
            Verdict::MemoryLimitExceeded => "Memory Limit Exceeded",
            Verdict::RuntimeError => "Runtime Error",
            Verdict::OutputLimitExceeded => "Output Limit Exceeded",
            Verdict::CompileError => "Compile Error",
            Verdict::JudgeError => "Judge Error",
        }
    }
}

/// One test case's result.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    pub name: String,
    pub group: String,
    pub verdict: Verdict,
    pub cpu_ms: f64,
    pub wall_ms: f64,
    pub memory_kib: u64,
    /// The validator's words, the exit code or signal, or the limit hit.
    pub feedback: String,
    pub score: f64,
    /// The start of what the program wrote, when [`JudgeOptions::keep_output`] asked for it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub output: String,
}

/// The result of judging one submission.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub problem: String,
    pub language: String,
    pub verdict: Verdict,
    pub score: f64,
    pub max_score: f64,
    pub compile_output: String,
    pub tests: Vec<TestResult>,
    /// Cases not judged because an earlier case in their group was rejected.
    pub skipped: Vec<String>,
}

/// A submission: its language, the name it was submitted under, and its source.
#[derive(Debug, Clone)]
pub struct Submission {
    pub language: String,
    pub file_name: String,
    pub source: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct JudgeOptions {
    /// Judge every case even after a rejection (for partial credit); otherwise groups that say
    /// `on_reject: break`, and pass-fail problems, stop at their first rejection.
    pub run_all: bool,
    /// Keep the start of each case's output in its result (for showing a candidate what their
    /// program printed on the samples).
    pub keep_output: bool,
}

/// How much of a program's output a result keeps when asked to.
pub const KEPT_OUTPUT_BYTES: u64 = 2048;

#[derive(Debug, thiserror::Error)]
pub enum JudgeSetupError {
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    #[error("the compile cache {0}: {1}")]
    Cache(String, std::io::Error),
}

/// The judge: a sandbox pool, the language table and a compile cache.
pub struct Judge {
    sandbox: Sandbox,
    languages: LanguageTable,
    cache_dir: PathBuf,
    scratch: tempfile::TempDir,
}

/// Limits for compilers: generous, but bounded like everything else.
fn compile_limits(language: &Language) -> Limits {
    Limits {
        cpu: Duration::from_secs(20),
        wall: Duration::from_secs(40),
        memory_bytes: 1536 * MIB,
        processes: language.compile_processes,
        file_bytes: 128 * MIB,
        open_files: 256,
        stack_bytes: 64 * MIB,
        scratch_bytes: 256 * MIB,
        address_space_bytes: None,
    }
}

/// Validators are the package author's code: trusted to be correct, but still sandboxed. Their
/// scratch space holds the input and answer copied in, plus room for feedback.
fn validator_limits(problem: &Problem, case: &TestCase) -> Limits {
    let size = |path: &Path| fs::metadata(path).map_or(0, |m| m.len());
    let data = size(&case.input) + size(&case.answer);
    Limits {
        cpu: Duration::from_secs(30),
        wall: Duration::from_secs(60),
        memory_bytes: 2048 * MIB,
        processes: 64,
        file_bytes: 64 * MIB,
        open_files: 64,
        stack_bytes: 256 * MIB,
        scratch_bytes: data + (problem.output_mib + 64) * MIB,
        address_space_bytes: None,
    }
}

/// Cached programs run in sandboxes and are mounted by root: the cache must belong to the judge
/// and be writable by no one else, or someone could plant a program (or a link) in it.
fn check_private(directory: &Path) -> Result<(), JudgeSetupError> {
    use std::os::unix::fs::MetadataExt;
    let metadata = fs::symlink_metadata(directory)
        .map_err(|e| JudgeSetupError::Cache(directory.display().to_string(), e))?;
    let owner_is_judge = metadata.uid() == nix::unistd::geteuid().as_raw();
    let writable_by_others = metadata.mode() & 0o022 != 0;
    if !metadata.is_dir() || !owner_is_judge || writable_by_others {
        return Err(JudgeSetupError::Cache(
            directory.display().to_string(),
            std::io::Error::other(
                "must be a directory owned by the judge's user and writable by no one else",
            ),
        ));
    }
    Ok(())
}

/// Compiler messages longer than this are cut: the first error is what matters.
const MAX_COMPILE_OUTPUT: usize = 4000;

/// A compiled program: its artefact directory in the cache.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub directory: PathBuf,
    pub naming: Naming,
    pub cached: bool,
}

/// Why compiling did not produce a program.
#[derive(Debug, Clone)]
pub enum CompileFailure {
    /// The code does not compile: the candidate's problem.
    Rejected(String),
    /// The sandbox or cache failed: the judge's problem.
    Broken(String),
}

impl Judge {
    pub fn new(
        sandbox: SandboxConfig,
        languages: LanguageTable,
        cache_dir: PathBuf,
    ) -> Result<Judge, JudgeSetupError> {
        fs::create_dir_all(&cache_dir)
            .map_err(|e| JudgeSetupError::Cache(cache_dir.display().to_string(), e))?;
        check_private(&cache_dir)?;
        let scratch = tempfile::Builder::new()
            .prefix("cohort-judge-")
            .tempdir()
            .map_err(|e| JudgeSetupError::Cache("scratch directory".into(), e))?;
        Ok(Judge {
            sandbox: Sandbox::new(sandbox)?,
            languages,
            cache_dir,
            scratch,
        })
    }

    pub fn languages(&self) -> &LanguageTable {
        &self.languages
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Where the judge keeps sources being compiled and programs' outputs; removed on drop.
    pub fn scratch_dir(&self) -> &Path {
        self.scratch.path()
    }

    /// Compiles `files` (name, contents) as `language`, the first being the main source, or
    /// returns the cached artefacts of an identical earlier compilation.
    pub fn compile(
        &self,
        language: &Language,
        main_file_name: &str,
        files: &[(String, Vec<u8>)],
    ) -> Result<Compiled, CompileFailure> {
        let naming = language.naming(main_file_name);
        let mut hasher = Sha256::new();
        hasher.update(language.id.as_bytes());
        for part in language.compile.iter().chain(&language.artefacts) {
            hasher.update([0]);
            hasher.update(part.as_bytes());
        }
        hasher.update([1]);
        hasher.update(naming.source.as_bytes());
        for (name, contents) in files {
            hasher.update([2]);
            hasher.update((name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
            hasher.update([3]);
            hasher.update((contents.len() as u64).to_le_bytes());
            hasher.update(contents);
        }
        let key = hex::encode(hasher.finalize());
        let directory = self.cache_dir.join(&key);
        if directory.is_dir() {
            return Ok(Compiled {
                directory,
                naming,
                cached: true,
            });
        }
        let broken =
            |what: &str, e: &dyn std::fmt::Display| CompileFailure::Broken(format!("{what}: {e}"));
        let sources =
            tempfile::tempdir_in(self.scratch.path()).map_err(|e| broken("scratch", &e))?;
        let mut copy_in = Vec::new();
        for (index, (name, contents)) in files.iter().enumerate() {
            let inside = if index == 0 {
                naming.source.clone()
            } else {
                name.clone()
            };
            if inside.contains('/') || inside.starts_with('.') || inside.is_empty() {
                return Err(CompileFailure::Broken(format!(
                    "bad source file name {inside}"
                )));
            }
            let path = sources.path().join(&inside);
            fs::write(&path, contents).map_err(|e| broken("writing the source", &e))?;
            copy_in.push((path, inside, false));
        }
        let output =
            tempfile::tempfile_in(self.scratch.path()).map_err(|e| broken("scratch", &e))?;
        let mut spec = RunSpec::new(
            language.expand(&language.compile, &naming, 0),
            compile_limits(language),
        );
        spec.stdout = Stdio::Fd(output.try_clone().map_err(|e| broken("dup", &e))?.into());
        spec.stderr = Stdio::Fd(output.try_clone().map_err(|e| broken("dup", &e))?.into());
        spec.copy_in = copy_in;
        spec.copy_out = language
            .artefacts
            .iter()
            .map(|a| {
                a.replace("{source}", &naming.source)
                    .replace("{class}", &naming.class)
            })
            .collect();
        let result = self
            .sandbox
            .run(spec)
            .map_err(|e| broken("compiling", &e))?;
        let message = read_limited(output, MAX_COMPILE_OUTPUT);
        match result.limit {
            Some(LimitHit::Cpu | LimitHit::Wall) => {
                return Err(CompileFailure::Rejected(format!(
                    "compilation took longer than {} seconds\n{message}",
                    compile_limits(language).cpu.as_secs()
                )))
            }
            Some(LimitHit::Memory) => {
                return Err(CompileFailure::Rejected(format!(
                    "compilation ran out of memory\n{message}"
                )))
            }
            Some(limit) => {
                return Err(CompileFailure::Rejected(format!(
                    "compilation exceeded its {limit:?} limit\n{message}"
                )))
            }
            None => {}
        }
        if result.exit != Exit::Code(0) {
            return Err(CompileFailure::Rejected(if message.trim().is_empty() {
                format!("the compiler failed ({})", describe_exit(result.exit))
            } else {
                message
            }));
        }
        let required: Vec<&String> = language
            .artefacts
            .iter()
            .filter(|a| !a.starts_with('*'))
            .collect();
        if result.files.is_empty() || required.len() > result.files.len() {
            return Err(CompileFailure::Rejected(format!(
                "the compiler produced no program\n{message}"
            )));
        }
        self.store_artefacts(&directory, result.files)
            .map_err(|e| broken("storing the program", &e))?;
        Ok(Compiled {
            directory,
            naming,
            cached: false,
        })
    }

    /// Writes artefacts to a temporary directory in the cache and renames it into place, so a
    /// cache entry is either complete or absent, even when two judges compile the same code.
    fn store_artefacts(&self, directory: &Path, files: Vec<(String, File)>) -> std::io::Result<()> {
        let staging = tempfile::Builder::new()
            .prefix(".staging-")
            .tempdir_in(&self.cache_dir)?;
        for (name, mut file) in files {
            let mut target = File::create(staging.path().join(&name))?;
            std::io::copy(&mut file, &mut target)?;
            target.set_permissions(fs::Permissions::from_mode(0o755))?;
            target.sync_all()?;
        }
        let staged = staging.keep();
        fs::set_permissions(&staged, fs::Permissions::from_mode(0o755))?;
        match fs::rename(&staged, directory) {
            Ok(()) => Ok(()),
            // Someone else stored the same program first; theirs is identical.
            Err(_) if directory.is_dir() => fs::remove_dir_all(&staged),
            Err(error) => Err(error),
        }
    }

    /// Compiles the package's output validator (cached like any program).
    fn compile_validator(&self, validator: &Path) -> Result<(Compiled, Language), String> {
        let mut entries: Vec<PathBuf> = fs::read_dir(validator)
            .map_err(|e| format!("{}: {e}", validator.display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        let main = entries
            .iter()
            .find(|p| self.languages.for_file(p).is_ok() && p.extension().is_none_or(|e| e != "h"))
            .ok_or_else(|| {
                format!(
                    "{}: no validator source in a known language",
                    validator.display()
                )
            })?;
        let language = self
            .languages
            .for_file(main)
            .map_err(|e| e.to_string())?
            .clone();
        let mut files = vec![(
            file_name(main),
            fs::read(main).map_err(|e| format!("{}: {e}", main.display()))?,
        )];
        for other in entries.iter().filter(|p| *p != main) {
            files.push((
                file_name(other),
                fs::read(other).map_err(|e| e.to_string())?,
            ));
        }
        match self.compile(&language, &file_name(main), &files) {
            Ok(compiled) => Ok((compiled, language)),
            Err(CompileFailure::Rejected(message)) | Err(CompileFailure::Broken(message)) => {
                Err(format!("the output validator does not compile: {message}"))
            }
        }
    }

    /// Judges `submission` on `problem`. Never panics: whatever goes wrong on the judge's side
    /// is a Judge Error with the reason, never blamed on the candidate.
    pub fn judge(
        &self,
        problem: &Problem,
        submission: &Submission,
        options: &JudgeOptions,
    ) -> Report {
        let mut report = Report {
            problem: problem.short_name.clone(),
            language: submission.language.clone(),
            verdict: Verdict::JudgeError,
            score: 0.0,
            max_score: max_score(&problem.data),
            compile_output: String::new(),
            tests: Vec::new(),
            skipped: Vec::new(),
        };
        let language = match self.languages.by_id(&submission.language) {
            Ok(language) => language.clone(),
            Err(error) => {
                report.verdict = Verdict::CompileError;
                report.compile_output = error.to_string();
                return report;
            }
        };
        let compiled = match self.compile(
            &language,
            &submission.file_name,
            &[(submission.file_name.clone(), submission.source.clone())],
        ) {
            Ok(compiled) => compiled,
            Err(CompileFailure::Rejected(message)) => {
                report.verdict = Verdict::CompileError;
                report.compile_output = message;
                return report;
            }
            Err(CompileFailure::Broken(message)) => {
                report.compile_output = message;
                return report;
            }
        };
        let validator = match &problem.checking {
            Checking::Default(_) => None,
            Checking::Custom { validator, .. } | Checking::Interactive { validator, .. } => {
                match self.compile_validator(validator) {
                    Ok(compiled) => Some(compiled),
                    Err(message) => {
                        report.compile_output = message;
                        return report;
                    }
                }
            }
        };
        let context = RunContext {
            judge: self,
            keep_output: options.keep_output,
            problem,
            language: &language,
            program: &compiled,
            validator: validator.as_ref(),
        };
        let cases = problem.data.all_cases();
        let groups = immediate_groups(&problem.data);
        let results: Vec<Mutex<Option<TestResult>>> =
            cases.iter().map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let interactive = matches!(problem.checking, Checking::Interactive { .. });
        let workers = if interactive {
            (self.sandbox.slots() / 2).max(1)
        } else {
            self.sandbox.slots()
        };
        // While judging, a case is skipped if an earlier rejection is already known.
        let stop_after = |index: usize, results: &[Mutex<Option<TestResult>>]| -> bool {
            skipped_after_rejection(index, &groups, problem, options, |earlier| {
                results[earlier]
                    .lock()
                    .ok()
                    .and_then(|r| r.as_ref().map(|r| r.verdict != Verdict::Accepted))
                    .unwrap_or(false)
            })
        };
        std::thread::scope(|scope| {
            for _ in 0..workers.min(cases.len()) {
                scope.spawn(|| loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    if index >= cases.len() {
                        break;
                    }
                    if stop_after(index, &results) {
                        continue;
                    }
                    let result = context.run_case(cases[index], &groups[index].0);
                    if let Ok(mut slot) = results[index].lock() {
                        *slot = Some(result);
                    }
                });
            }
        });
        // Cases judged while an earlier rejection was still running are dropped again, so the
        // report does not depend on timing.
        let mut results: Vec<Option<TestResult>> = results
            .into_iter()
            .map(|m| m.into_inner().ok().flatten())
            .collect();
        for index in 0..results.len() {
            let skip = skipped_after_rejection(index, &groups, problem, options, |earlier| {
                results[earlier]
                    .as_ref()
                    .is_some_and(|r| r.verdict != Verdict::Accepted)
            });
            if results[index].is_some() && skip {
                results[index] = None;
            }
        }
        for (case, result) in cases.iter().zip(&results) {
            match result {
                Some(result) => report.tests.push(result.clone()),
                None => report.skipped.push(case.name.clone()),
            }
        }
        let (verdict, score) = aggregate(&problem.data, &report.tests);
        // A judge fault anywhere makes the whole result a judge error: it must never quietly
        // cost the candidate points.
        report.verdict = if report
            .tests
            .iter()
            .any(|t| t.verdict == Verdict::JudgeError)
        {
            Verdict::JudgeError
        } else {
            verdict
        };
        report.score = score;
        report
    }
}

/// Whether case `index` is not judged because an earlier case was rejected: in a pass-fail
/// problem any earlier rejection stops judging; in a scored problem, an earlier rejection in the
/// same group does, if that group says `on_reject: break`. `rejected(earlier)` tells whether an
/// earlier case is known to have been rejected.
fn skipped_after_rejection(
    index: usize,
    groups: &[(String, bool)],
    problem: &Problem,
    options: &JudgeOptions,
    rejected: impl Fn(usize) -> bool,
) -> bool {
    if options.run_all {
        return false;
    }
    (0..index).any(|earlier| {
        let applies = !problem.scoring || (groups[index].1 && groups[earlier].0 == groups[index].0);
        applies && rejected(earlier)
    })
}

/// For each case, in order: its group's name and whether that group stops at a rejection.
fn immediate_groups(group: &TestGroup) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = group
        .cases
        .iter()
        .map(|_| (group.name.clone(), group.settings.stop_on_reject))
        .collect();
    for child in &group.groups {
        out.extend(immediate_groups(child));
    }
    out
}

fn max_score(group: &TestGroup) -> f64 {
    let parts: Vec<f64> = group
        .cases
        .iter()
        .map(|_| group.settings.accept_score)
        .chain(group.groups.iter().map(max_score))
        .collect();
    combine(group.settings.aggregate, &parts)
}

fn combine(aggregate: Aggregate, parts: &[f64]) -> f64 {
    match aggregate {
        Aggregate::Sum => parts.iter().sum(),
        Aggregate::Min if parts.is_empty() => 0.0,
        Aggregate::Min => parts.iter().copied().fold(f64::INFINITY, f64::min),
    }
}

/// The verdict (the first rejection in order, else Accepted) and the score of a group.
fn aggregate(group: &TestGroup, tests: &[TestResult]) -> (Verdict, f64) {
    let mut verdict = Verdict::Accepted;
    let mut parts = Vec::new();
    for case in &group.cases {
        match tests.iter().find(|t| t.name == case.name) {
            Some(test) => {
                if verdict == Verdict::Accepted && test.verdict != Verdict::Accepted {
                    verdict = test.verdict;
                }
                parts.push(test.score);
            }
            None => {
                // Skipped after a rejection: it scores what a rejection scores.
                parts.push(group.settings.reject_score);
            }
        }
    }
    for child in &group.groups {
        let (child_verdict, score) = aggregate(child, tests);
        if verdict == Verdict::Accepted && child_verdict != Verdict::Accepted {
            verdict = child_verdict;
        }
        parts.push(score);
    }
    (verdict, combine(group.settings.aggregate, &parts))
}

struct RunContext<'a> {
    judge: &'a Judge,
    keep_output: bool,
    problem: &'a Problem,
    language: &'a Language,
    program: &'a Compiled,
    validator: Option<&'a (Compiled, Language)>,
}

impl RunContext<'_> {
    fn limits(&self) -> Limits {
        let cpu = self
            .problem
            .time_limit
            .mul_f64(self.language.time_multiplier);
        let memory_mib = self.problem.memory_mib + self.language.extra_memory_mib;
        Limits {
            cpu,
            // Wall time catches programs that sleep or block; it leaves room for a busy machine.
            wall: cpu * 2 + Duration::from_secs(1),
            memory_bytes: memory_mib * MIB,
            processes: self.language.processes,
            file_bytes: self.problem.output_mib * MIB,
            open_files: 64,
            // As on Kattis, the stack may use all of the memory limit.
            stack_bytes: self.problem.memory_mib * MIB,
            scratch_bytes: 64 * MIB,
            address_space_bytes: None,
        }
    }

    fn program_spec(&self, limits: Limits) -> RunSpec {
        let argv = self.language.expand(
            &self.language.run,
            &self.program.naming,
            self.problem.memory_mib,
        );
        let mut spec = RunSpec::new(argv, limits);
        spec.mounts = vec![(self.program.directory.clone(), "/prog".into())];
        spec
    }

    fn run_case(&self, case: &TestCase, group: &str) -> TestResult {
        let started = Instant::now();
        let mut result = TestResult {
            name: case.name.clone(),
            group: group.to_owned(),
            verdict: Verdict::JudgeError,
            cpu_ms: 0.0,
            wall_ms: 0.0,
            memory_kib: 0,
            feedback: String::new(),
            score: 0.0,
            output: String::new(),
        };
        let (accept_score, reject_score) = self.case_scores(case);
        let outcome = match &self.problem.checking {
            Checking::Interactive { flags, .. } => self.run_interactive(case, flags, &mut result),
            _ => self.run_batch(case, &mut result),
        };
        let custom_score = match outcome {
            Ok(score) => score,
            Err(message) => {
                result.verdict = Verdict::JudgeError;
                result.feedback = message;
                None
            }
        };
        if result.wall_ms == 0.0 {
            result.wall_ms = started.elapsed().as_secs_f64() * 1000.0;
        }
        // A validator's score.txt, where it writes one, replaces the group's accept score.
        result.score = if result.verdict == Verdict::Accepted {
            custom_score.unwrap_or(accept_score)
        } else {
            reject_score
        };
        result
    }

    /// (accept score, reject score) of the case's group.
    fn case_scores(&self, case: &TestCase) -> (f64, f64) {
        fn find<'g>(group: &'g TestGroup, name: &str) -> Option<&'g TestGroup> {
            if group.cases.iter().any(|c| c.name == name) {
                return Some(group);
            }
            group.groups.iter().find_map(|g| find(g, name))
        }
        find(&self.problem.data, &case.name)
            .map(|g| (g.settings.accept_score, g.settings.reject_score))
            .unwrap_or((1.0, 0.0))
    }

    fn record(&self, result: &mut TestResult, run: &RunResult) {
        result.cpu_ms = run.cpu.as_secs_f64() * 1000.0;
        result.wall_ms = run.wall.as_secs_f64() * 1000.0;
        result.memory_kib = run.peak_memory_bytes / 1024;
    }

    /// The verdict a run earns before its output is looked at, if it already failed.
    fn failed(&self, run: &RunResult, limits: &Limits) -> Option<(Verdict, String)> {
        match run.limit {
            Some(LimitHit::Cpu) => Some((
                Verdict::TimeLimitExceeded,
                format!("over the CPU limit of {} ms", limits.cpu.as_millis()),
            )),
            Some(LimitHit::Wall) => Some((
                Verdict::TimeLimitExceeded,
                format!(
                    "over the wall-clock limit of {} ms",
                    limits.wall.as_millis()
                ),
            )),
            Some(LimitHit::Memory) => Some((
                Verdict::MemoryLimitExceeded,
                format!("over the memory limit of {} MiB", limits.memory_bytes / MIB),
            )),
            Some(LimitHit::Output) => Some((
                Verdict::OutputLimitExceeded,
                format!("wrote more than {} MiB", limits.file_bytes / MIB),
            )),
            Some(LimitHit::Processes) => Some((
                Verdict::RuntimeError,
                format!(
                    "tried to start more than {} processes or threads",
                    limits.processes
                ),
            )),
            None if run.exit != Exit::Code(0) => {
                Some((Verdict::RuntimeError, describe_exit(run.exit)))
            }
            None => None,
        }
    }

    /// Runs a case with its input on standard input; returns the validator's score, if any.
    fn run_batch(&self, case: &TestCase, result: &mut TestResult) -> Result<Option<f64>, String> {
        let scratch = self.judge.scratch.path();
        let limits = self.limits();
        let input =
            File::open(&case.input).map_err(|e| format!("{}: {e}", case.input.display()))?;
        let output = tempfile::tempfile_in(scratch).map_err(|e| e.to_string())?;
        let mut spec = self.program_spec(limits.clone());
        spec.stdin = Stdio::Fd(input.into());
        spec.stdout = Stdio::Fd(output.try_clone().map_err(|e| e.to_string())?.into());
        let run = self.judge.sandbox.run(spec).map_err(|e| e.to_string())?;
        self.record(result, &run);
        if self.keep_output {
            use std::os::unix::fs::FileExt;
            let mut head = vec![0; KEPT_OUTPUT_BYTES as usize];
            let read = output.read_at(&mut head, 0).unwrap_or(0);
            head.truncate(read);
            result.output = String::from_utf8_lossy(&head).into_owned();
        }
        if let Some((verdict, feedback)) = self.failed(&run, &limits) {
            result.verdict = verdict;
            result.feedback = feedback;
            return Ok(None);
        }
        match &self.problem.checking {
            Checking::Default(validator) => {
                let answer = fs::read(&case.answer)
                    .map_err(|e| format!("{}: {e}", case.answer.display()))?;
                let mut output = output;
                output.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
                let mut produced = Vec::new();
                output
                    .take(limits.file_bytes + 1)
                    .read_to_end(&mut produced)
                    .map_err(|e| e.to_string())?;
                match validator.check(&answer, &produced) {
                    Ok(()) => result.verdict = Verdict::Accepted,
                    Err(rejection) => {
                        result.verdict = Verdict::WrongAnswer;
                        result.feedback = rejection.0;
                    }
                }
                Ok(None)
            }
            Checking::Custom { flags, .. } => {
                let mut output = output;
                output.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
                let checked =
                    self.validate(case, flags, Stdio::Fd(output.into()), Stdio::Null, None)?;
                result.verdict = checked.verdict;
                result.feedback = checked.feedback;
                Ok(checked.score)
            }
            Checking::Interactive { .. } => {
                Err("interactive cases are judged by run_interactive".into())
            }
        }
    }

    /// Runs the output validator: exit 42 accepts, 43 rejects, anything else is a judge error.
    /// With `partner`, the submission runs at the same time (an interactive problem).
    fn validate(
        &self,
        case: &TestCase,
        flags: &[String],
        stdin: Stdio,
        stdout: Stdio,
        partner: Option<RunSpec>,
    ) -> Result<Checked, String> {
        let (compiled, language) = self.validator.ok_or("no validator")?;
        let mut argv = language.expand(&language.run, &compiled.naming, 2048);
        argv.extend([
            "/box/input".to_string(),
            "/box/answer".to_string(),
            "/box/".to_string(),
        ]);
        argv.extend(flags.iter().cloned());
        let mut spec = RunSpec::new(argv, validator_limits(self.problem, case));
        spec.mounts = vec![(compiled.directory.clone(), "/prog".into())];
        spec.copy_in = vec![
            (case.input.clone(), "input".into(), false),
            (case.answer.clone(), "answer".into(), false),
        ];
        spec.copy_out = vec![
            "judgemessage.txt".into(),
            "teammessage.txt".into(),
            "score.txt".into(),
        ];
        spec.stdin = stdin;
        spec.stdout = stdout;
        let (mut run, submission) = match partner {
            None => (
                self.judge.sandbox.run(spec).map_err(|e| e.to_string())?,
                None,
            ),
            Some(submission) => {
                let (validator_run, submission_run) = self.judge.sandbox.run_pair(spec, submission);
                (
                    validator_run.map_err(|e| e.to_string())?,
                    Some(submission_run.map_err(|e| e.to_string())?),
                )
            }
        };
        let mut message = String::new();
        let mut score = None;
        for (name, file) in std::mem::take(&mut run.files) {
            let text = read_limited(file, 2000);
            match name.as_str() {
                "judgemessage.txt" | "teammessage.txt" => {
                    if !message.is_empty() && !text.trim().is_empty() {
                        message.push(' ');
                    }
                    message.push_str(text.trim());
                }
                "score.txt" => score = text.trim().parse::<f64>().ok(),
                _ => {}
            }
        }
        let verdict = match (run.limit, run.exit) {
            (None, Exit::Code(42)) => Verdict::Accepted,
            (None, Exit::Code(43)) => Verdict::WrongAnswer,
            _ => {
                return Ok(Checked {
                    verdict: Verdict::JudgeError,
                    feedback: format!(
                        "the output validator failed ({}) {message}",
                        describe_run(&run)
                    ),
                    score: None,
                    submission,
                    validator_wall: run.wall,
                })
            }
        };
        Ok(Checked {
            verdict,
            feedback: message,
            score,
            submission,
            validator_wall: run.wall,
        })
    }

    /// Runs an interactive case: the submission and the validator talk over two pipes.
    fn run_interactive(
        &self,
        case: &TestCase,
        flags: &[String],
        result: &mut TestResult,
    ) -> Result<Option<f64>, String> {
        let limits = self.limits();
        let (to_program_read, to_program_write) = pipe()?;
        let (from_program_read, from_program_write) = pipe()?;
        let mut program = self.program_spec(limits.clone());
        program.stdin = Stdio::Fd(to_program_read);
        program.stdout = Stdio::Fd(from_program_write);
        let checked = self.validate(
            case,
            flags,
            Stdio::Fd(from_program_read),
            Stdio::Fd(to_program_write),
            Some(program),
        )?;
        let submission = checked.submission.ok_or("the submission did not run")?;
        self.record(result, &submission);
        // A broken limit is the submission's verdict. So is a crash, unless the validator had
        // rejected the output before the submission ended: a submission that dies of a broken
        // pipe after a wrong answer was wrong, while one that crashes first merely left the
        // validator without an answer.
        if let Some((verdict, feedback)) = self.failed(&submission, &limits) {
            let limit_broken = verdict != Verdict::RuntimeError;
            let crashed_first = submission.wall <= checked.validator_wall;
            if checked.verdict != Verdict::JudgeError
                && (limit_broken || checked.verdict == Verdict::Accepted || crashed_first)
            {
                result.verdict = verdict;
                result.feedback = feedback;
                return Ok(None);
            }
        }
        result.verdict = checked.verdict;
        result.feedback = checked.feedback;
        Ok(checked.score)
    }
}

/// What the output validator decided.
struct Checked {
    verdict: Verdict,
    feedback: String,
    score: Option<f64>,
    /// The submission's run, for interactive problems.
    submission: Option<RunResult>,
    /// How long the validator ran.
    validator_wall: Duration,
}

fn pipe() -> Result<(OwnedFd, OwnedFd), String> {
    nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| format!("pipe: {e}"))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// At most `limit` bytes of a file, as text.
fn read_limited(mut file: File, limit: usize) -> String {
    let _ = file.seek(SeekFrom::Start(0));
    let mut bytes = Vec::new();
    let _ = file.take(limit as u64 + 1).read_to_end(&mut bytes);
    let cut = bytes.len() > limit;
    bytes.truncate(limit);
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if cut {
        text.push_str("\n[… cut]");
    }
    text.replace("/box/", "")
}

pub fn describe_exit(exit: Exit) -> String {
    match exit {
        Exit::Code(code) => format!("exit code {code}"),
        Exit::Signal(signal) => {
            let name = nix::sys::signal::Signal::try_from(signal)
                .map(|s| s.as_str().to_owned())
                .unwrap_or_else(|_| format!("signal {signal}"));
            format!("killed by {name}")
        }
    }
}

fn describe_run(run: &RunResult) -> String {
    match run.limit {
        Some(limit) => format!("{limit:?} limit"),
        None => describe_exit(run.exit),
    }
}
