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
use crate::package::{Aggregate, Checking, Problem, TestCase, TestGroup, VerdictRule};
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
    /// Why the verdict is a judge error, when it is one that no test explains (the package
    /// could not be read, the sandbox could not start).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl Report {
    /// A judge error before any judging: scripts get a report they can read even then.
    pub fn judge_error(problem: &str, language: &str, reason: String) -> Report {
        Report {
            problem: problem.to_owned(),
            language: language.to_owned(),
            verdict: Verdict::JudgeError,
            score: 0.0,
            max_score: 0.0,
            compile_output: String::new(),
            tests: Vec::new(),
            skipped: Vec::new(),
            reason,
        }
    }
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
    /// Test runs hold this for reading; a run that must have the machine to itself (see
    /// [`RunContext::run_case`]) holds it for writing, so nothing of this judge runs beside it.
    alone: std::sync::RwLock<()>,
    /// The machine's cores: how many runs can have a core each.
    cores: usize,
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

/// Validators are the package author's code: trusted to be correct, but still sandboxed, with
/// generous limits and `scratch_bytes` of working space.
fn package_program_limits(scratch_bytes: u64) -> Limits {
    Limits {
        cpu: Duration::from_secs(30),
        wall: Duration::from_secs(60),
        memory_bytes: 2048 * MIB,
        processes: 64,
        file_bytes: 64 * MIB,
        open_files: 64,
        stack_bytes: 256 * MIB,
        scratch_bytes,
        address_space_bytes: None,
    }
}

/// An output validator's limits: its scratch space holds the input, the answer and (in a
/// multi-pass problem) the feedback carried from the last pass, plus room for feedback.
fn validator_limits(problem: &Problem, case: &TestCase, pass: &Pass<'_>) -> Limits {
    let size = |path: &Path| fs::metadata(path).map_or(0, |m| m.len());
    let data = size(pass.input)
        + case.answer.as_deref().map_or(0, size)
        + pass.carried.iter().map(|(path, _)| size(path)).sum::<u64>();
    package_program_limits(data + (problem.output_mib + 64) * MIB)
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
            alone: std::sync::RwLock::new(()),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        })
    }

    pub fn languages(&self) -> &LanguageTable {
        &self.languages
    }

    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// How this judge's sandbox enforces limits.
    pub fn enforcement(&self) -> crate::sandbox::Enforcement {
        match self.sandbox.cgroup_kind() {
            Some(kind) => crate::sandbox::Enforcement::ControlGroups(kind),
            None => crate::sandbox::Enforcement::ResourceLimitsOnly,
        }
    }

    /// An empty file: the answer a validator gets for a case without a `.ans` file.
    fn empty_file(&self) -> PathBuf {
        let path = self.scratch.path().join("empty");
        if !path.exists() {
            let _ = File::create(&path);
        }
        path
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
        let naming = language.naming_for(
            main_file_name,
            files.first().map_or(&[][..], |(_, source)| source),
        );
        let directory = self
            .cache_dir
            .join(compile_cache_key(language, &naming, files));
        if directory.is_dir() {
            return Ok(Compiled {
                directory,
                naming,
                cached: true,
            });
        }
        let sources =
            tempfile::tempdir_in(self.scratch.path()).map_err(|e| broken("scratch", &e))?;
        let copy_in = write_sources(sources.path(), &naming, files)?;
        let output =
            tempfile::tempfile_in(self.scratch.path()).map_err(|e| broken("scratch", &e))?;
        let spec = compile_spec(language, &naming, copy_in, &output)?;
        let result = self
            .sandbox
            .run(spec)
            .map_err(|e| broken("compiling", &e))?;
        let message = read_limited(output, MAX_COMPILE_OUTPUT);
        check_compiled(language, &result, message)?;
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

    /// Compiles a package's program (output or input validator: one source file, or a folder
    /// of files of which one is the main source), cached like any program.
    pub fn compile_package_program(
        &self,
        validator: &Path,
    ) -> Result<(Compiled, Language), String> {
        let mut entries: Vec<PathBuf> = if validator.is_file() {
            vec![validator.to_path_buf()]
        } else {
            fs::read_dir(validator)
                .map_err(|e| format!("{}: {e}", validator.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        };
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
            Err(CompileFailure::Rejected(message)) | Err(CompileFailure::Broken(message)) => Err(
                format!("{} does not compile: {message}", validator.display()),
            ),
        }
    }

    /// Why this judge will not run `language` here, if it will not: its tools are missing, or
    /// its runtime needs control groups and this machine gives the judge none.
    pub fn refusal(&self, language: &Language) -> Option<String> {
        if let Some(why) = language.unavailable() {
            return Some(format!("{} is not available: {why}", language.name));
        }
        if language.needs_control_groups && self.enforcement().degraded() {
            return Some(format!(
                "{} cannot run correctly without control groups (its runtime needs more \
                 address space than the memory limit), and this judge has none",
                language.name
            ));
        }
        None
    }

    /// Why a package program (a validator) cannot be run by this judge, if it cannot: no
    /// source in a language of the table (a checktestdata script, say).
    pub fn unrunnable_program(&self, program: &Path) -> Option<String> {
        let files: Vec<PathBuf> = if program.is_file() {
            vec![program.to_path_buf()]
        } else {
            fs::read_dir(program)
                .map(|entries| entries.flatten().map(|e| e.path()).collect())
                .unwrap_or_default()
        };
        if files.iter().any(|f| self.languages.for_file(f).is_ok()) {
            return None;
        }
        let what = files
            .iter()
            .find_map(|f| match self.languages.recognise(f, b"") {
                crate::language::Recognised::Missing(name) => Some(name),
                _ => None,
            })
            .unwrap_or_else(|| "its language".into());
        Some(format!("not run: no {what} in the language table"))
    }

    /// Runs an input validator on one test input: it must exit with 42.
    pub fn validate_input(
        &self,
        validator: &(Compiled, Language),
        input: &Path,
        flags: &[String],
    ) -> Result<(), String> {
        let (compiled, language) = validator;
        let mut argv = language.expand(&language.run, &compiled.naming, 2048);
        argv.extend(flags.iter().cloned());
        let mut spec = RunSpec::new(argv, package_program_limits(64 * MIB));
        spec.mounts = vec![(compiled.directory.clone(), "/prog".into())];
        spec.stdin = Stdio::Fd(
            File::open(input)
                .map_err(|e| format!("{}: {e}", input.display()))?
                .into(),
        );
        let said = tempfile::tempfile_in(self.scratch.path()).map_err(|e| e.to_string())?;
        spec.stdout = Stdio::Fd(said.try_clone().map_err(|e| e.to_string())?.into());
        spec.stderr = Stdio::Fd(said.try_clone().map_err(|e| e.to_string())?.into());
        let run = self.sandbox.run(spec).map_err(|e| e.to_string())?;
        if run.limit.is_none() && run.exit == Exit::Code(42) {
            return Ok(());
        }
        let message = read_limited(said, 300);
        Err(format!(
            "rejected ({}) {}",
            describe_run(&run),
            message.trim()
        ))
    }

    /// Judges `submission` on `problem`. Never panics: whatever goes wrong on the judge's side
    /// is a Judge Error with the reason, never blamed on the candidate.
    pub fn judge(
        &self,
        problem: &Problem,
        submission: &Submission,
        options: &JudgeOptions,
    ) -> Report {
        self.judge_files(
            problem,
            &submission.language,
            &[(submission.file_name.clone(), submission.source.clone())],
            options,
        )
    }

    /// Judges a submission of several files (name, contents), the first being the main
    /// source: a folder under a package's `submissions/`.
    pub fn judge_files(
        &self,
        problem: &Problem,
        language: &str,
        files: &[(String, Vec<u8>)],
        options: &JudgeOptions,
    ) -> Report {
        let mut report = Report {
            problem: problem.short_name.clone(),
            language: language.to_owned(),
            verdict: Verdict::JudgeError,
            score: 0.0,
            max_score: max_score(&problem.data),
            compile_output: String::new(),
            tests: Vec::new(),
            skipped: Vec::new(),
            reason: String::new(),
        };
        let Some(programs) = self.programs_for(problem, language, files, &mut report) else {
            return report;
        };
        let context = RunContext {
            judge: self,
            keep_output: options.keep_output,
            problem,
            language: &programs.language,
            program: &programs.submission,
            validator: programs.validator.as_ref(),
        };
        let cases = problem.data.all_cases();
        let groups = immediate_groups(&problem.data);
        let mut results = context.run_cases(&cases, &groups, options);
        // Cases judged while an earlier rejection was still running are dropped again, so the
        // report does not depend on timing.
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

    /// The programs a submission is judged with: its language, the submission compiled and
    /// the package's output validator compiled, if it has one. `None` when something fails
    /// first, with the reason written into `report` (a compile error is the submission's
    /// fault; anything else is a judge error).
    fn programs_for(
        &self,
        problem: &Problem,
        language: &str,
        files: &[(String, Vec<u8>)],
        report: &mut Report,
    ) -> Option<Programs> {
        let language = match self.languages.by_id(language) {
            Ok(language) => language.clone(),
            Err(error) => {
                report.verdict = Verdict::CompileError;
                report.compile_output = error.to_string();
                return None;
            }
        };
        if let Some(why) = self.refusal(&language) {
            report.reason = why;
            return None;
        }
        let Some((main_file_name, _)) = files.first() else {
            report.reason = "a submission without files".into();
            return None;
        };
        let submission = match self.compile(&language, main_file_name, files) {
            Ok(compiled) => compiled,
            Err(CompileFailure::Rejected(message)) => {
                report.verdict = Verdict::CompileError;
                report.compile_output = message;
                return None;
            }
            Err(CompileFailure::Broken(message)) => {
                report.compile_output = message;
                return None;
            }
        };
        let validator = match &problem.checking {
            Checking::Default(_) => None,
            Checking::Custom { validator, .. } | Checking::Interactive { validator, .. } => {
                match self.compile_package_program(validator) {
                    Ok(compiled) => Some(compiled),
                    Err(message) => {
                        report.compile_output = message;
                        return None;
                    }
                }
            }
        };
        Some(Programs {
            language,
            submission,
            validator,
        })
    }
}

/// What a submission is judged with, once everything has compiled.
struct Programs {
    language: Language,
    /// The submission, compiled.
    submission: Compiled,
    /// The package's output validator, compiled, and its language.
    validator: Option<(Compiled, Language)>,
}

/// A compile failure that is the judge's fault, not the code's.
fn broken(what: &str, e: &dyn std::fmt::Display) -> CompileFailure {
    CompileFailure::Broken(format!("{what}: {e}"))
}

/// The name of a compilation's cache entry: a hash of everything that decides what the
/// compiler produces (the language's commands and artefacts, and each file's name and
/// contents). Lengths and separators keep different inputs from hashing the same bytes.
fn compile_cache_key(language: &Language, naming: &Naming, files: &[(String, Vec<u8>)]) -> String {
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
    hex::encode(hasher.finalize())
}

/// Writes the submission's files into `sources`, the main one under the name the language
/// wants, and returns them as files to copy into the compiler's sandbox.
fn write_sources(
    sources: &Path,
    naming: &Naming,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<(PathBuf, String, bool)>, CompileFailure> {
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
        let path = sources.join(&inside);
        fs::write(&path, contents).map_err(|e| broken("writing the source", &e))?;
        copy_in.push((path, inside, false));
    }
    Ok(copy_in)
}

/// The compiler's run: its command with every source, its output (both streams) to `output`,
/// and the artefacts it is to hand back.
fn compile_spec(
    language: &Language,
    naming: &Naming,
    copy_in: Vec<(PathBuf, String, bool)>,
    output: &File,
) -> Result<RunSpec, CompileFailure> {
    // `{files}` stands for every source file of the submission, main source first.
    let names: Vec<String> = copy_in
        .iter()
        .map(|(_, inside, _)| inside.clone())
        .collect();
    let command = language
        .expand(&language.compile, naming, 0)
        .into_iter()
        .flat_map(|part| {
            if part == "{files}" {
                names.clone()
            } else {
                vec![part]
            }
        })
        .collect();
    let mut spec = RunSpec::new(command, compile_limits(language));
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
    Ok(spec)
}

/// Whether the compiler's run produced a program: within its limits, with exit code 0, and
/// with every artefact the language requires. `message` is what the compiler wrote.
fn check_compiled(
    language: &Language,
    result: &RunResult,
    message: String,
) -> Result<(), CompileFailure> {
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
    Ok(())
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
    // A rejected sample the grader ignores stops nothing.
    let ignored = |case: usize| problem.data.settings.ignore_sample && groups[case].0 == "sample";
    (0..index).any(|earlier| {
        let applies = !problem.scoring || (groups[index].1 && groups[earlier].0 == groups[index].0);
        applies && !ignored(earlier) && rejected(earlier)
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
        .chain(
            group
                .groups
                .iter()
                .filter(|child| !(group.settings.ignore_sample && is_sample(child)))
                .map(max_score),
        )
        .collect();
    combine(group.settings.aggregate, &parts)
}

fn is_sample(group: &TestGroup) -> bool {
    group.name == "sample"
}

fn combine(aggregate: Aggregate, parts: &[f64]) -> f64 {
    if parts.is_empty() {
        return 0.0;
    }
    match aggregate {
        Aggregate::Sum => parts.iter().sum(),
        Aggregate::Min => parts.iter().copied().fold(f64::INFINITY, f64::min),
        Aggregate::Max => parts.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Aggregate::Average => parts.iter().sum::<f64>() / parts.len() as f64,
    }
}

/// How bad a verdict is, for the worst-error rule (the Kattis default grader's order).
fn badness(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::JudgeError => 7,
        Verdict::CompileError => 6,
        Verdict::RuntimeError => 5,
        Verdict::MemoryLimitExceeded => 4,
        Verdict::TimeLimitExceeded => 3,
        Verdict::OutputLimitExceeded => 2,
        Verdict::WrongAnswer => 1,
        Verdict::Accepted => 0,
    }
}

/// The verdict and the score of a group, from its cases and subgroups as its settings say
/// (the Kattis default grader). A case skipped after a rejection scores the reject score and
/// has no verdict.
fn aggregate(group: &TestGroup, tests: &[TestResult]) -> (Verdict, f64) {
    let settings = &group.settings;
    let mut verdicts = Vec::new();
    let mut parts = Vec::new();
    for case in &group.cases {
        match tests.iter().find(|t| t.name == case.name) {
            Some(test) => {
                verdicts.push(test.verdict);
                parts.push(test.score);
            }
            None => parts.push(settings.reject_score),
        }
    }
    for child in &group.groups {
        if settings.ignore_sample && is_sample(child) {
            continue;
        }
        let (verdict, score) = aggregate(child, tests);
        verdicts.push(verdict);
        parts.push(score);
    }
    let verdict = if settings.accept_if_any_accepted && verdicts.contains(&Verdict::Accepted) {
        Verdict::Accepted
    } else {
        match settings.verdicts {
            VerdictRule::AlwaysAccept => Verdict::Accepted,
            VerdictRule::FirstError => verdicts
                .iter()
                .copied()
                .find(|v| *v != Verdict::Accepted)
                .unwrap_or(Verdict::Accepted),
            VerdictRule::WorstError => verdicts
                .iter()
                .copied()
                .max_by_key(|v| badness(*v))
                .unwrap_or(Verdict::Accepted),
        }
    };
    (verdict, combine(settings.aggregate, &parts))
}

struct RunContext<'a> {
    judge: &'a Judge,
    keep_output: bool,
    problem: &'a Problem,
    language: &'a Language,
    program: &'a Compiled,
    validator: Option<&'a (Compiled, Language)>,
}

/// How a test case is run: beside others, or with the machine to itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Company {
    Shared,
    Alone,
}

/// One pass of a test case: the input the submission gets and, in a multi-pass problem, the
/// files the validator left in its feedback folder in the previous pass (path, name).
struct Pass<'p> {
    input: &'p Path,
    carried: &'p [(PathBuf, String)],
}

/// What one attempt at a test case left besides its [`TestResult`].
struct Attempt {
    /// A validator's score.txt, where it wrote one.
    score: Option<f64>,
    /// Everything the validator left in its feedback folder, in a multi-pass problem.
    feedback: Vec<(String, File)>,
    /// The wall clock ended the program before it had used its CPU limit: on a busy machine
    /// that may be starvation rather than the program's fault, so the case is run again alone.
    cut_short: bool,
}

impl RunContext<'_> {
    fn limits(&self, company: Company) -> Limits {
        let cpu = self
            .problem
            .time_limit
            .mul_f64(self.language.time_multiplier);
        let memory_mib = self.problem.memory_mib + self.language.extra_memory_mib;
        // Time is judged on CPU time. The wall clock only catches programs that sleep or block,
        // so it stands far above the CPU limit: three times over, times how many runs share
        // each core, so a program starved of CPU by its neighbours (or by anything else on the
        // machine) is never cut off before it could use its CPU limit. A run that is cut off
        // anyway is run again alone, with more room still.
        let per_core = self.judge.sandbox.slots().div_ceil(self.judge.cores).max(1);
        let shared = cpu * (3 * per_core as u32) + Duration::from_secs(1);
        let wall = match company {
            Company::Shared => shared,
            Company::Alone => shared.max(cpu * 6 + Duration::from_secs(2)),
        };
        Limits {
            cpu,
            wall,
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

    /// Judges `cases` on as many workers as the sandbox has room for (an interactive case takes
    /// two slots), in order as far as workers allow. A case is skipped, and its result left
    /// `None`, if an earlier rejection that stops it is already known when its turn comes.
    fn run_cases(
        &self,
        cases: &[&TestCase],
        groups: &[(String, bool)],
        options: &JudgeOptions,
    ) -> Vec<Option<TestResult>> {
        let problem = self.problem;
        let results: Vec<Mutex<Option<TestResult>>> =
            cases.iter().map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let interactive = matches!(problem.checking, Checking::Interactive { .. });
        let workers = if interactive {
            (self.judge.sandbox.slots() / 2).max(1)
        } else {
            self.judge.sandbox.slots()
        };
        // While judging, a case is skipped if an earlier rejection is already known.
        let stop_after = |index: usize, results: &[Mutex<Option<TestResult>>]| -> bool {
            skipped_after_rejection(index, groups, problem, options, |earlier| {
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
                    let result = self.run_case(cases[index], &groups[index].0);
                    if let Ok(mut slot) = results[index].lock() {
                        *slot = Some(result);
                    }
                });
            }
        });
        results
            .into_iter()
            .map(|m| m.into_inner().ok().flatten())
            .collect()
    }

    fn run_case(&self, case: &TestCase, group: &str) -> TestResult {
        let started = Instant::now();
        let (accept_score, reject_score) = self.case_scores(case);
        let mut outcome = {
            let _shared = self.judge.alone.read().unwrap_or_else(|e| e.into_inner());
            self.attempt(case, group, Company::Shared)
        };
        if outcome.1.as_ref().is_ok_and(|attempt| attempt.cut_short) {
            // No verdict for time is given on a run the wall clock cut short while the program
            // was still under its CPU limit: the machine may have been too busy. Run it again
            // with nothing else of this judge beside it.
            let _alone = self.judge.alone.write().unwrap_or_else(|e| e.into_inner());
            outcome = self.attempt(case, group, Company::Alone);
        }
        let (mut result, attempt) = outcome;
        let custom_score = match attempt {
            Ok(attempt) => attempt.score,
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

    /// One attempt at a case: one pass, or in a multi-pass problem as many passes as the
    /// validator asks for (by writing `nextpass.in`), up to the problem's limit.
    fn attempt(
        &self,
        case: &TestCase,
        group: &str,
        company: Company,
    ) -> (TestResult, Result<Attempt, String>) {
        let only_pass = Pass {
            input: &case.input,
            carried: &[],
        };
        let Some(passes) = self.problem.passes else {
            return self.one_pass(case, group, company, &only_pass);
        };
        match tempfile::tempdir_in(self.judge.scratch.path()) {
            Ok(folder) => self.multi_pass_attempt(case, group, company, passes, folder.path()),
            Err(error) => {
                let (result, _) = self.one_pass(case, group, company, &only_pass);
                (result, Err(format!("scratch: {error}")))
            }
        }
    }

    /// The passes of a multi-pass case, at most `passes` of them, keeping what the validator
    /// hands on from one pass to the next in `folder`. The result shows the most time and
    /// memory any pass used.
    fn multi_pass_attempt(
        &self,
        case: &TestCase,
        group: &str,
        company: Company,
        passes: u32,
        folder: &Path,
    ) -> (TestResult, Result<Attempt, String>) {
        let mut input = case.input.clone();
        let mut carried: Vec<(PathBuf, String)> = Vec::new();
        let mut slowest = (0.0f64, 0.0f64, 0u64);
        let mut last = None;
        for pass in 1..=passes {
            let (mut result, attempt) = self.one_pass(
                case,
                group,
                company,
                &Pass {
                    input: &input,
                    carried: &carried,
                },
            );
            slowest = (
                slowest.0.max(result.cpu_ms),
                slowest.1.max(result.wall_ms),
                slowest.2.max(result.memory_kib),
            );
            (result.cpu_ms, result.wall_ms, result.memory_kib) = slowest;
            let mut attempt = match attempt {
                Ok(attempt) if !attempt.cut_short => attempt,
                other => return (result, other),
            };
            let next = attempt
                .feedback
                .iter()
                .any(|(name, _)| name == "nextpass.in");
            if result.verdict != Verdict::Accepted {
                if next && result.verdict == Verdict::WrongAnswer {
                    return (
                        result,
                        Err("the output validator wrote nextpass.in but did not accept".into()),
                    );
                }
                return (result, Ok(attempt));
            }
            if !next {
                return (result, Ok(attempt));
            }
            last = Some(result.clone());
            let feedback = std::mem::take(&mut attempt.feedback);
            if let Err(message) =
                carry_to_next_pass(folder, pass, feedback, &mut input, &mut carried)
            {
                return (result, Err(message));
            }
        }
        // The validator asked for more passes than the problem allows: a judge error, shown
        // with the last pass's result.
        let Some(result) = last else {
            unreachable!("a multi-pass problem has at least two passes");
        };
        (
            result,
            Err(format!(
                "the output validator gave no verdict within {passes} passes"
            )),
        )
    }

    fn one_pass(
        &self,
        case: &TestCase,
        group: &str,
        company: Company,
        pass: &Pass<'_>,
    ) -> (TestResult, Result<Attempt, String>) {
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
        let attempt = match &self.problem.checking {
            Checking::Interactive { flags, .. } => {
                self.run_interactive(case, flags, company, pass, &mut result)
            }
            _ => self.run_batch(case, company, pass, &mut result),
        };
        (result, attempt)
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

    /// Whether the wall clock ended a run that had not used its CPU limit.
    fn cut_short(run: &RunResult, limits: &Limits) -> bool {
        run.limit == Some(LimitHit::Wall) && run.cpu < limits.cpu
    }

    /// The verdict a run earns before its output is looked at, if it already failed.
    /// `stderr` is the start of what the program wrote there: a runtime's own "out of memory"
    /// message turns a crash into the memory verdict it really is.
    fn failed(&self, run: &RunResult, limits: &Limits, stderr: &str) -> Option<(Verdict, String)> {
        let memory = || {
            (
                Verdict::MemoryLimitExceeded,
                format!("over the memory limit of {} MiB", limits.memory_bytes / MIB),
            )
        };
        match run.limit {
            Some(LimitHit::Cpu) => Some((
                Verdict::TimeLimitExceeded,
                format!("over the CPU limit of {} ms", limits.cpu.as_millis()),
            )),
            Some(LimitHit::Wall) => Some((
                Verdict::TimeLimitExceeded,
                format!(
                    "stopped by the wall-clock limit of {} ms after {} ms of CPU: the program \
                     waited (for input, or asleep) instead of running",
                    limits.wall.as_millis(),
                    run.cpu.as_millis()
                ),
            )),
            Some(LimitHit::Memory) => Some(memory()),
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
                if self.language.ran_out_of_memory(stderr) {
                    Some(memory())
                } else {
                    Some((Verdict::RuntimeError, describe_exit(run.exit)))
                }
            }
            None => None,
        }
    }

    /// Runs a case with its input on standard input.
    fn run_batch(
        &self,
        case: &TestCase,
        company: Company,
        pass: &Pass<'_>,
        result: &mut TestResult,
    ) -> Result<Attempt, String> {
        let scratch = self.judge.scratch.path();
        let limits = self.limits(company);
        let input = File::open(pass.input).map_err(|e| format!("{}: {e}", pass.input.display()))?;
        let output = tempfile::tempfile_in(scratch).map_err(|e| e.to_string())?;
        let mut spec = self.program_spec(limits.clone());
        spec.stdin = Stdio::Fd(input.into());
        spec.stdout = Stdio::Fd(output.try_clone().map_err(|e| e.to_string())?.into());
        let stderr = ErrorTail::start()?;
        spec.stderr = Stdio::Fd(stderr.write_end()?);
        let run = self.judge.sandbox.run(spec).map_err(|e| e.to_string());
        let stderr = stderr.finish();
        let run = run?;
        self.record(result, &run);
        let mut attempt = Attempt {
            score: None,
            feedback: Vec::new(),
            cut_short: Self::cut_short(&run, &limits),
        };
        if self.keep_output {
            use std::os::unix::fs::FileExt;
            let mut head = vec![0; KEPT_OUTPUT_BYTES as usize];
            let read = output.read_at(&mut head, 0).unwrap_or(0);
            head.truncate(read);
            result.output = String::from_utf8_lossy(&head).into_owned();
        }
        if let Some((verdict, feedback)) = self.failed(&run, &limits, &stderr) {
            result.verdict = verdict;
            result.feedback = feedback;
            return Ok(attempt);
        }
        match &self.problem.checking {
            Checking::Default(validator) => {
                let answer_path = case
                    .answer
                    .as_deref()
                    .ok_or("the case has no .ans file for the default validator")?;
                let answer =
                    fs::read(answer_path).map_err(|e| format!("{}: {e}", answer_path.display()))?;
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
                Ok(attempt)
            }
            Checking::Custom { flags, .. } => {
                let mut output = output;
                output.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
                let checked = self.validate(
                    case,
                    pass,
                    flags,
                    Stdio::Fd(output.into()),
                    Stdio::Null,
                    None,
                )?;
                result.verdict = checked.verdict;
                result.feedback = checked.feedback;
                attempt.score = checked.score;
                attempt.feedback = checked.files;
                Ok(attempt)
            }
            Checking::Interactive { .. } => {
                Err("interactive cases are judged by run_interactive".into())
            }
        }
    }

    /// Runs the output validator: exit 42 accepts, 43 rejects, anything else is a judge error.
    /// With `partner`, the submission runs at the same time (an interactive problem), and is
    /// stopped as soon as the validator ends without accepting.
    fn validate(
        &self,
        case: &TestCase,
        pass: &Pass<'_>,
        flags: &[String],
        stdin: Stdio,
        stdout: Stdio,
        partner: Option<RunSpec>,
    ) -> Result<Checked, String> {
        let mut spec = self.validator_spec(case, pass, flags)?;
        spec.stdin = stdin;
        spec.stdout = stdout;
        let (mut run, submission) = match partner {
            None => (
                self.judge.sandbox.run(spec).map_err(|e| e.to_string())?,
                None,
            ),
            Some(submission) => {
                let accepted = |run: &RunResult| run.limit.is_none() && run.exit == Exit::Code(42);
                let (validator_run, submission_run) =
                    self.judge
                        .sandbox
                        .run_pair(spec, submission, |run| !accepted(run));
                (
                    validator_run.map_err(|e| e.to_string())?,
                    Some(submission_run.map_err(|e| e.to_string())?),
                )
            }
        };
        let (message, score, files) = validator_feedback(std::mem::take(&mut run.files));
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
                    validator_ended_at: run.ended_at_nanos,
                    files,
                })
            }
        };
        Ok(Checked {
            verdict,
            feedback: message,
            score,
            submission,
            validator_ended_at: run.ended_at_nanos,
            files,
        })
    }

    /// The output validator's run, standard streams aside: its program with the input, the
    /// answer and its feedback folder (`/box/`) as arguments, then `flags`; the input, the
    /// answer and anything carried from the last pass copied in; its messages and score (or,
    /// in a multi-pass problem, its whole feedback folder) handed back.
    fn validator_spec(
        &self,
        case: &TestCase,
        pass: &Pass<'_>,
        flags: &[String],
    ) -> Result<RunSpec, String> {
        let (compiled, language) = self.validator.ok_or("no validator")?;
        let mut argv = language.expand(&language.run, &compiled.naming, 2048);
        argv.extend([
            "/box/input".to_string(),
            "/box/answer".to_string(),
            "/box/".to_string(),
        ]);
        argv.extend(flags.iter().cloned());
        let mut spec = RunSpec::new(argv, validator_limits(self.problem, case, pass));
        spec.mounts = vec![(compiled.directory.clone(), "/prog".into())];
        spec.copy_in = vec![
            (pass.input.to_path_buf(), "input".into(), false),
            (
                case.answer
                    .clone()
                    .unwrap_or_else(|| self.judge.empty_file()),
                "answer".into(),
                false,
            ),
        ];
        spec.copy_in.extend(
            pass.carried
                .iter()
                .map(|(path, name)| (path.clone(), name.clone(), false)),
        );
        // A multi-pass validator's whole feedback folder is kept for the next pass.
        spec.copy_out = if self.problem.passes.is_some() {
            vec!["*".into()]
        } else {
            vec![
                "judgemessage.txt".into(),
                "teammessage.txt".into(),
                "score.txt".into(),
            ]
        };
        Ok(spec)
    }

    /// Runs an interactive case: the submission and the validator talk over two pipes.
    fn run_interactive(
        &self,
        case: &TestCase,
        flags: &[String],
        company: Company,
        pass: &Pass<'_>,
        result: &mut TestResult,
    ) -> Result<Attempt, String> {
        let limits = self.limits(company);
        let (to_program_read, to_program_write) = pipe()?;
        let (from_program_read, from_program_write) = pipe()?;
        // The judge holds the read end of the validator's channel to the submission until the
        // validator has ended, as problemtools does: a validator that answers after the
        // submission has exited is then not killed by SIGPIPE (a judge error that depended on
        // which of the two was quicker) but goes on to read the end of the submission's output
        // and decide.
        let validator_channel = to_program_read
            .try_clone()
            .map_err(|e| format!("dup: {e}"))?;
        let mut program = self.program_spec(limits.clone());
        program.stdin = Stdio::Fd(to_program_read);
        program.stdout = Stdio::Fd(from_program_write);
        let stderr = ErrorTail::start()?;
        program.stderr = Stdio::Fd(stderr.write_end()?);
        let checked = self.validate(
            case,
            pass,
            flags,
            Stdio::Fd(from_program_read),
            Stdio::Fd(to_program_write),
            Some(program),
        );
        drop(validator_channel);
        let stderr = stderr.finish();
        let checked = checked?;
        let submission = checked.submission.ok_or("the submission did not run")?;
        self.record(result, &submission);
        // Which ended first: a submission stopped by the judge or killed writing to the pipe
        // the validator had closed ended after it. Otherwise the two end times decide, as in
        // problemtools: a submission that fails reading the input the rejecting validator
        // closed (an EOFError a moment later) ended second, and its answer was wrong.
        //
        // A submission the sandbox killed at its CPU, wall-clock or memory limit, without the
        // judge having stopped it, ended first whatever the two clocks say: the validator only
        // read the end of its input then. On a loaded machine the supervisor may record the
        // kill a moment after the validator records its own end, which made a submission that
        // never flushed a wrong answer instead of a time limit now and then.
        let killed_at_limit = !submission.stopped
            && matches!(
                submission.limit,
                Some(LimitHit::Cpu | LimitHit::Wall | LimitHit::Memory)
            );
        let validator_first = !killed_at_limit
            && (submission.stopped
                || submission.exit == Exit::Signal(libc::SIGPIPE)
                || checked.validator_ended_at <= submission.ended_at_nanos);
        let mut attempt = Attempt {
            score: None,
            feedback: Vec::new(),
            cut_short: false,
        };
        // As the problem format has it: a validator that failed, or that rejected before the
        // submission ended, decides (the submission was stopped then, so whatever it did
        // afterwards, spinning or crashing on the closed pipe, does not count). Otherwise a
        // broken limit or a crash of the submission decides, and else the validator.
        if checked.verdict == Verdict::JudgeError
            || (checked.verdict == Verdict::WrongAnswer && validator_first)
        {
            result.verdict = checked.verdict;
            result.feedback = checked.feedback;
            return Ok(attempt);
        }
        if let Some((verdict, feedback)) = self.failed(&submission, &limits, &stderr) {
            attempt.cut_short = Self::cut_short(&submission, &limits);
            result.verdict = verdict;
            result.feedback = feedback;
            return Ok(attempt);
        }
        result.verdict = checked.verdict;
        result.feedback = checked.feedback;
        attempt.score = checked.score;
        attempt.feedback = checked.files;
        Ok(attempt)
    }
}

/// The start of what a program writes to standard error, read by a thread of its own through
/// a pipe (a file would count against the output limit); the rest is read and dropped, so a
/// program that writes a lot there is never blocked.
struct ErrorTail {
    write: Option<OwnedFd>,
    reader: std::thread::JoinHandle<Vec<u8>>,
}

/// How much of standard error is kept.
const KEPT_ERROR_BYTES: usize = 8192;

impl ErrorTail {
    fn start() -> Result<ErrorTail, String> {
        let (read, write) = pipe()?;
        let reader = std::thread::Builder::new()
            .name("judge-stderr".into())
            .spawn(move || {
                let mut file = File::from(read);
                let mut kept = Vec::new();
                let mut buffer = [0u8; 8192];
                loop {
                    match file.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let room = KEPT_ERROR_BYTES.saturating_sub(kept.len());
                            kept.extend_from_slice(&buffer[..n.min(room)]);
                        }
                    }
                }
                kept
            })
            .map_err(|e| format!("starting a thread: {e}"))?;
        Ok(ErrorTail {
            write: Some(write),
            reader,
        })
    }

    /// The pipe's write end for the program (the only copy outside this struct's own, which
    /// [`finish`](Self::finish) closes).
    fn write_end(&self) -> Result<OwnedFd, String> {
        self.write
            .as_ref()
            .ok_or("already finished")?
            .try_clone()
            .map_err(|e| format!("dup: {e}"))
    }

    /// What was written, once the program (and everything that held the pipe) has ended.
    fn finish(mut self) -> String {
        drop(self.write.take());
        let bytes = self.reader.join().unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// What the output validator decided.
struct Checked {
    verdict: Verdict,
    feedback: String,
    score: Option<f64>,
    /// The submission's run, for interactive problems.
    submission: Option<RunResult>,
    /// When the validator ended, on the machine's monotonic clock.
    validator_ended_at: u64,
    /// The files the validator handed back from its feedback folder.
    files: Vec<(String, File)>,
}

/// Saves what the validator left in its feedback folder after pass number `pass` into
/// `folder` for the next pass: `nextpass.in` becomes the submission's `input`; the rest goes
/// back to the validator (`carried`), as the format keeps that folder between passes.
fn carry_to_next_pass(
    folder: &Path,
    pass: u32,
    feedback: Vec<(String, File)>,
    input: &mut PathBuf,
    carried: &mut Vec<(PathBuf, String)>,
) -> Result<(), String> {
    carried.clear();
    for (name, mut file) in feedback {
        if name == "input" || name == "answer" {
            continue;
        }
        let path = folder.join(format!("pass{pass}-{name}"));
        let saved = File::create(&path).and_then(|mut target| {
            file.seek(SeekFrom::Start(0))?;
            std::io::copy(&mut file, &mut target)
        });
        if let Err(error) = saved {
            return Err(format!("keeping {name} between passes: {error}"));
        }
        if name == "nextpass.in" {
            *input = path;
        } else {
            carried.push((path, name));
        }
    }
    Ok(())
}

/// What the output validator handed back: its judge and team messages joined into one, the
/// score it wrote in score.txt (if it is a number), and every file, kept for a next pass.
fn validator_feedback(
    handed_back: Vec<(String, File)>,
) -> (String, Option<f64>, Vec<(String, File)>) {
    let mut message = String::new();
    let mut score = None;
    let mut files = Vec::new();
    for (name, file) in handed_back {
        let text = match file.try_clone() {
            Ok(copy)
                if matches!(
                    name.as_str(),
                    "judgemessage.txt" | "teammessage.txt" | "score.txt"
                ) =>
            {
                read_limited(copy, 2000)
            }
            _ => String::new(),
        };
        files.push((name.clone(), file));
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
    (message, score, files)
}

fn pipe() -> Result<(OwnedFd, OwnedFd), String> {
    nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| format!("pipe: {e}"))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// At most `limit` bytes of a file, as text, with the sandbox's working directory left out of
/// paths (compiler messages name `/box/main.cpp`).
fn read_limited(file: File, limit: usize) -> String {
    read_head(file, limit).replace("/box/", "")
}

/// At most `limit` bytes of a file from its start, as text, marked when cut.
pub(crate) fn read_head(mut file: File, limit: usize) -> String {
    let _ = file.seek(SeekFrom::Start(0));
    let mut bytes = Vec::new();
    let _ = file.take(limit as u64 + 1).read_to_end(&mut bytes);
    let cut = bytes.len() > limit;
    bytes.truncate(limit);
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if cut {
        text.push_str("\n[… cut]");
    }
    text
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
