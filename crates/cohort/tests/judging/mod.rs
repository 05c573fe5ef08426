//! What the judge's integration tests share: a judge whose sandbox supervisor is the built
//! `cohort` binary, small problems, and submitting a source.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use cohort_judge::language::LanguageTable;
use cohort_judge::package::Problem;
use cohort_judge::sandbox::{SandboxConfig, SUPERVISOR_ARGUMENT};
use cohort_judge::{Judge, JudgeOptions, Report, Submission, Verdict};

pub fn judge(slots: usize) -> Judge {
    judge_with(slots, true)
}

pub fn judge_with(slots: usize, control_groups: bool) -> Judge {
    let config = SandboxConfig {
        supervisor_program: PathBuf::from(env!("CARGO_BIN_EXE_cohort")),
        supervisor_args: vec![SUPERVISOR_ARGUMENT.into()],
        slots,
        control_groups,
        uids: cohort_judge::sandbox::uids::UidRange::DEFAULT,
    };
    // Shared between tests and runs: identical sources compile once, as in production.
    let cache = std::env::temp_dir().join("cohort-judge-test-cache");
    Judge::new(config, LanguageTable::builtin(), cache).expect("the sandbox starts")
}

/// A problem whose answer is its input: "42", with 128 MiB of memory.
pub fn echo_problem(time_limit: f64) -> tempfile::TempDir {
    echo_problem_with_memory(time_limit, 128)
}

pub fn echo_problem_with_memory(time_limit: f64, memory_mib: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("problem.yaml"),
        format!("name: Echo\nlimits:\n  time_limit: {time_limit}\n  memory: {memory_mib}\n  output: 4\n"),
    )
    .unwrap();
    fs::create_dir_all(root.join("data/secret")).unwrap();
    fs::write(root.join("data/secret/1.in"), "42\n").unwrap();
    fs::write(root.join("data/secret/1.ans"), "42\n").unwrap();
    dir
}

pub fn submit(
    judge: &Judge,
    problem: &Path,
    language: &str,
    file_name: &str,
    source: &str,
) -> Report {
    let problem = Problem::load(problem).unwrap();
    judge.judge(
        &problem,
        &Submission {
            language: language.into(),
            file_name: file_name.into(),
            source: source.as_bytes().to_vec(),
        },
        &JudgeOptions::default(),
    )
}

pub fn c(judge: &Judge, problem: &Path, source: &str) -> Report {
    submit(judge, problem, "c", "main.c", source)
}

pub fn verdict(report: &Report) -> Verdict {
    assert!(
        report.verdict != Verdict::CompileError && report.verdict != Verdict::JudgeError,
        "{report:#?}"
    );
    report.verdict
}

/// The output validator of an interactive guessing problem: the secret (1 to 1000) is the
/// input; it answers "lower", "higher" or "correct" to each guess, at most ten, and rejects at
/// once on a malformed or out-of-range guess.
pub const GUESSING_VALIDATOR_C: &str = r#"#include <stdio.h>
int main(int argc, char **argv) {
  FILE *in = fopen(argv[1], "r"); int secret; fscanf(in, "%d", &secret);
  for (int i = 0; i < 10; i++) {
    int guess;
    if (scanf("%d", &guess) != 1 || guess < 1 || guess > 1000) return 43;
    if (guess == secret) { printf("correct\n"); fflush(stdout); return 42; }
    printf(guess < secret ? "higher\n" : "lower\n"); fflush(stdout);
  }
  return 43;
}
"#;

/// A correct solution of the guessing problem: binary search.
pub const BINARY_SEARCH_C: &str = r#"#include <stdio.h>
#include <string.h>
int main(){ int lo=1, hi=1000; char reply[16];
  for(;;){ int mid=(lo+hi)/2; printf("%d\n",mid); fflush(stdout);
    if(scanf("%15s",reply)!=1) return 0;
    if(!strcmp(reply,"correct")) return 0;
    if(!strcmp(reply,"higher")) lo=mid+1; else hi=mid-1; } }"#;
