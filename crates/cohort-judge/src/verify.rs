//! Package verification: every program under `submissions/` must earn the verdict its folder
//! names. A package that fails this cannot be used in an assessment.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::judge::{Judge, JudgeOptions, Submission, Verdict};
use crate::package::Problem;

/// What a folder under `submissions/` promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Expectation {
    /// Exactly this verdict (and, for accepted, the full score).
    Verdict(Verdict),
    /// A score above zero and below the maximum.
    Partial,
}

impl Expectation {
    pub fn for_folder(folder: &str) -> Option<Expectation> {
        Some(match folder {
            "accepted" => Expectation::Verdict(Verdict::Accepted),
            "partially_accepted" => Expectation::Partial,
            "wrong_answer" => Expectation::Verdict(Verdict::WrongAnswer),
            "time_limit_exceeded" => Expectation::Verdict(Verdict::TimeLimitExceeded),
            "run_time_error" => Expectation::Verdict(Verdict::RuntimeError),
            "memory_limit_exceeded" => Expectation::Verdict(Verdict::MemoryLimitExceeded),
            "output_limit_exceeded" => Expectation::Verdict(Verdict::OutputLimitExceeded),
            "compile_error" => Expectation::Verdict(Verdict::CompileError),
            _ => return None,
        })
    }

    pub fn describe(self) -> String {
        match self {
            Expectation::Verdict(verdict) => verdict.code().to_owned(),
            Expectation::Partial => "partial score".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub submission: String,
    pub expected: String,
    pub verdict: Verdict,
    pub score: f64,
    pub max_score: f64,
    pub ok: bool,
    /// Why it did not match, or why it was not judged.
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub problem: String,
    pub submissions: Vec<Checked>,
    pub ok: bool,
}

/// Judges every submission of the package and compares with its folder.
pub fn verify(judge: &Judge, problem: &Problem) -> VerifyReport {
    let mut submissions = Vec::new();
    let folder_root = problem.root.join("submissions");
    let mut folders: Vec<PathBuf> = fs::read_dir(&folder_root)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    folders.sort();
    for folder in folders {
        let folder_name = name_of(&folder);
        let Some(expectation) = Expectation::for_folder(&folder_name) else {
            continue;
        };
        let mut files: Vec<PathBuf> = fs::read_dir(&folder)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        for file in files {
            submissions.push(check_one(judge, problem, &folder_name, &file, expectation));
        }
    }
    let ok = !submissions.is_empty() && submissions.iter().all(|c| c.ok);
    VerifyReport {
        problem: problem.short_name.clone(),
        submissions,
        ok,
    }
}

fn check_one(
    judge: &Judge,
    problem: &Problem,
    folder: &str,
    file: &Path,
    expectation: Expectation,
) -> Checked {
    let submission_name = format!("{folder}/{}", name_of(file));
    let mut checked = Checked {
        submission: submission_name,
        expected: expectation.describe(),
        verdict: Verdict::JudgeError,
        score: 0.0,
        max_score: 0.0,
        ok: false,
        note: String::new(),
    };
    let language = match judge.languages().for_file(file) {
        Ok(language) => language.id.clone(),
        Err(error) => {
            checked.note = error.to_string();
            return checked;
        }
    };
    let source = match fs::read(file) {
        Ok(source) => source,
        Err(error) => {
            checked.note = format!("cannot be read: {error}");
            return checked;
        }
    };
    let submission = Submission {
        language,
        file_name: name_of(file),
        source,
    };
    // Partial scores need every group judged.
    let options = JudgeOptions {
        run_all: expectation == Expectation::Partial,
        ..JudgeOptions::default()
    };
    let report = judge.judge(problem, &submission, &options);
    checked.verdict = report.verdict;
    checked.score = report.score;
    checked.max_score = report.max_score;
    checked.ok = match expectation {
        Expectation::Verdict(Verdict::Accepted) => {
            report.verdict == Verdict::Accepted && report.score >= report.max_score
        }
        Expectation::Verdict(verdict) => report.verdict == verdict,
        Expectation::Partial => report.score > 0.0 && report.score < report.max_score,
    };
    if !checked.ok {
        let first_problem = report
            .tests
            .iter()
            .find(|t| t.verdict != Verdict::Accepted)
            .map(|t| format!("{}: {} {}", t.name, t.verdict.code(), t.feedback))
            .unwrap_or_else(|| {
                report
                    .compile_output
                    .lines()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ")
            });
        checked.note = format!(
            "expected {}, got {} (score {}/{}); {first_problem}",
            expectation.describe(),
            report.verdict.code(),
            report.score,
            report.max_score
        );
    }
    checked
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
