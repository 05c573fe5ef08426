//! Running a program once on input someone typed, with no problem and no tests: the live coding
//! pad's "Run". The same sandbox and compile cache as judging, with limits of its own.

use crate::judge::{describe_exit, read_head, CompileFailure, Judge};
use crate::sandbox::policy::Limits;
use crate::sandbox::{LimitHit, RunSpec, Stdio};
use std::io::{Seek, SeekFrom, Write};
use std::time::Duration;

const MIB: u64 = 1024 * 1024;

/// How much of standard output, standard error and the compiler's messages a run keeps.
pub const KEPT_OUTPUT_BYTES: usize = 64 * 1024;
pub const KEPT_ERROR_BYTES: usize = 16 * 1024;

/// The most input a run takes.
pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// What a scratch run may use: generous for an interview's snippets, small enough that a run
/// never holds a judge slot for long.
pub fn scratch_limits(extra_memory_mib: u64, processes: u32) -> Limits {
    Limits {
        cpu: Duration::from_secs(5),
        wall: Duration::from_secs(10),
        memory_bytes: (256 + extra_memory_mib) * MIB,
        processes,
        file_bytes: 4 * MIB,
        open_files: 64,
        stack_bytes: 256 * MIB,
        scratch_bytes: 16 * MIB,
        address_space_bytes: None,
    }
}

/// How a scratch run ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum ScratchOutcome {
    /// The program ran and exited with code 0.
    Finished,
    /// It exited otherwise, or was stopped at a limit: what happened, in words.
    Failed(String),
    /// It did not compile; the compiler's messages are in `compile_output`.
    CompileError,
    /// The judge cannot run it here (a language not installed, a broken sandbox).
    Unavailable(String),
}

/// What a scratch run printed and used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScratchRun {
    pub outcome: ScratchOutcome,
    pub stdout: String,
    pub stderr: String,
    pub compile_output: String,
    /// CPU time, in milliseconds.
    pub time_ms: u64,
    /// Peak memory, in KiB (0 where the sandbox cannot measure it).
    pub memory_kib: u64,
}

impl ScratchRun {
    /// A run that did not happen, with the reason.
    pub fn unavailable(reason: String) -> ScratchRun {
        ScratchRun {
            outcome: ScratchOutcome::Unavailable(reason),
            stdout: String::new(),
            stderr: String::new(),
            compile_output: String::new(),
            time_ms: 0,
            memory_kib: 0,
        }
    }
}

fn describe_limit(limit: LimitHit, limits: &Limits) -> String {
    match limit {
        LimitHit::Cpu => format!("stopped after {} s of CPU time", limits.cpu.as_secs()),
        LimitHit::Wall => format!(
            "stopped after {} s (it waited for input or slept)",
            limits.wall.as_secs()
        ),
        LimitHit::Memory => format!("stopped at {} MiB of memory", limits.memory_bytes / MIB),
        LimitHit::Output => format!("stopped at {} MiB of output", limits.file_bytes / MIB),
        LimitHit::Processes => format!(
            "stopped: tried to start more than {} processes or threads",
            limits.processes
        ),
    }
}

impl Judge {
    /// Compiles `source` as `language_id` (cached like any program) and runs it once with
    /// `input` on standard input. Never panics: what goes wrong on the judge's side is
    /// [`ScratchOutcome::Unavailable`] with the reason.
    pub fn run_scratch(&self, language_id: &str, source: &str, input: &[u8]) -> ScratchRun {
        let language = match self.languages().by_id(language_id) {
            Ok(language) => language.clone(),
            Err(error) => return ScratchRun::unavailable(error.to_string()),
        };
        if let Some(reason) = self.refusal(&language) {
            return ScratchRun::unavailable(reason);
        }
        let files = [(String::new(), source.as_bytes().to_vec())];
        let compiled = match self.compile(&language, "", &files) {
            Ok(compiled) => compiled,
            Err(CompileFailure::Rejected(message)) => {
                return ScratchRun {
                    outcome: ScratchOutcome::CompileError,
                    compile_output: message,
                    ..ScratchRun::unavailable(String::new())
                }
            }
            Err(CompileFailure::Broken(message)) => return ScratchRun::unavailable(message),
        };
        let run = || -> std::io::Result<ScratchRun> {
            let scratch = self.scratch_dir();
            let mut stdin = tempfile::tempfile_in(scratch)?;
            stdin.write_all(&input[..input.len().min(MAX_INPUT_BYTES)])?;
            stdin.seek(SeekFrom::Start(0))?;
            let stdout = tempfile::tempfile_in(scratch)?;
            let stderr = tempfile::tempfile_in(scratch)?;
            let limits = scratch_limits(language.extra_memory_mib, language.processes);
            let argv = language.expand(&language.run, &compiled.naming, 256);
            let mut spec = RunSpec::new(argv, limits.clone());
            spec.mounts = vec![(compiled.directory.clone(), "/prog".into())];
            spec.stdin = Stdio::Fd(stdin.into());
            spec.stdout = Stdio::Fd(stdout.try_clone()?.into());
            spec.stderr = Stdio::Fd(stderr.try_clone()?.into());
            let result = self.sandbox().run(spec).map_err(std::io::Error::other)?;
            let outcome = match result.limit {
                Some(limit) => ScratchOutcome::Failed(describe_limit(limit, &limits)),
                None if result.exit == crate::sandbox::Exit::Code(0) => ScratchOutcome::Finished,
                None => ScratchOutcome::Failed(describe_exit(result.exit)),
            };
            Ok(ScratchRun {
                outcome,
                stdout: read_head(stdout, KEPT_OUTPUT_BYTES),
                stderr: read_head(stderr, KEPT_ERROR_BYTES).replace("/box/", ""),
                compile_output: String::new(),
                time_ms: result.cpu.as_millis() as u64,
                memory_kib: result.peak_memory_bytes / 1024,
            })
        };
        run()
            .unwrap_or_else(|error| ScratchRun::unavailable(format!("the sandbox failed: {error}")))
    }
}
