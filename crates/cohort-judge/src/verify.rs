//! Package verification, as problemtools' `verifyproblem` does it: every input validator must
//! accept every test input, and every program under `submissions/` must earn what its folder
//! (or `submissions.yaml`) promises. When the package fixes no time limit, it is computed from
//! the slowest accepted submission. A package that fails this cannot be used in an assessment.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::judge::{Judge, JudgeOptions, Report, Verdict};
use crate::language::Recognised;
use crate::package::{Problem, TimeLimitSource};

/// What a folder under `submissions/` (or an entry of `submissions.yaml`) promises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Expectation {
    /// One of these verdicts (accepted: with the full score).
    OneOf(Vec<Verdict>),
    /// Accepted with a score above zero and below the maximum.
    Partial,
}

impl Expectation {
    /// The promise of a folder name, as problemtools reads them: a run-time error includes
    /// running out of memory, and a slow accepted solution may be accepted or too slow.
    pub fn for_folder(folder: &str) -> Option<Expectation> {
        use Verdict::*;
        Some(match folder {
            "accepted" => Expectation::OneOf(vec![Accepted]),
            "partially_accepted" => Expectation::Partial,
            "wrong_answer" => Expectation::OneOf(vec![WrongAnswer]),
            "time_limit_exceeded" => Expectation::OneOf(vec![TimeLimitExceeded]),
            "run_time_error" => Expectation::OneOf(vec![RuntimeError, MemoryLimitExceeded]),
            "memory_limit_exceeded" => Expectation::OneOf(vec![MemoryLimitExceeded]),
            "output_limit_exceeded" => Expectation::OneOf(vec![OutputLimitExceeded]),
            "compile_error" => Expectation::OneOf(vec![CompileError]),
            "slow_accepted" => Expectation::OneOf(vec![Accepted, TimeLimitExceeded]),
            _ => return None,
        })
    }

    pub fn describe(&self) -> String {
        match self {
            Expectation::OneOf(verdicts) => verdicts
                .iter()
                .map(|v| v.code())
                .collect::<Vec<_>>()
                .join(" or "),
            Expectation::Partial => "partial score".into(),
        }
    }

    fn met_by(&self, report: &Report) -> bool {
        match self {
            Expectation::OneOf(verdicts) => verdicts.iter().any(|verdict| {
                report.verdict == *verdict
                    && (*verdict != Verdict::Accepted || report.score >= report.max_score)
            }),
            Expectation::Partial => {
                report.verdict == Verdict::Accepted
                    && report.score > 0.0
                    && report.score < report.max_score
            }
        }
    }

    fn wants_accepted(&self) -> bool {
        *self == Expectation::OneOf(vec![Verdict::Accepted])
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
    /// Why it did not match; or how it matched when that is worth knowing (a slow accepted
    /// solution's verdict, a match only with the extra time problemtools allows).
    pub note: String,
}

/// A submission that was not judged, and why (a language the table lacks).
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub submission: String,
    pub reason: String,
}

/// One input validator on the package's test inputs.
#[derive(Debug, Clone, Serialize)]
pub struct InputValidation {
    pub validator: String,
    /// How many inputs it accepted.
    pub accepted: usize,
    /// Inputs it rejected, with its words; or why it could not run.
    pub problems: Vec<String>,
    /// It was not run (a format the judge has no tool for).
    pub skipped: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub problem: String,
    /// The time limit the submissions were judged with, in seconds.
    pub time_limit: f64,
    pub time_limit_source: TimeLimitSource,
    /// Whether the time limit was computed here from the slowest accepted submission.
    pub time_limit_computed: bool,
    pub input_validation: Vec<InputValidation>,
    pub submissions: Vec<Checked>,
    pub skipped: Vec<Skipped>,
    pub ok: bool,
}

/// The time limit used to measure accepted submissions when the package sets none: generous,
/// as in problemtools, but bounded.
const PROBE_TIME_LIMIT: Duration = Duration::from_secs(20);

/// Verifies the package: input validators first, then every submission.
pub fn verify(judge: &Judge, problem: &Problem) -> VerifyReport {
    let input_validation = validate_inputs(judge, problem);
    let expectations = match read_submissions_yaml(&problem.root) {
        Ok(expectations) => expectations,
        Err(message) => {
            return VerifyReport {
                problem: problem.short_name.clone(),
                time_limit: problem.time_limit.as_secs_f64(),
                time_limit_source: problem.time_limit_source,
                time_limit_computed: false,
                input_validation,
                submissions: Vec::new(),
                skipped: vec![Skipped {
                    submission: "submissions/submissions.yaml".into(),
                    reason: message,
                }],
                ok: false,
            };
        }
    };
    let mut skipped = Vec::new();
    let mut candidates = Vec::new();
    for (name, path) in submission_files(&problem.root) {
        let folder = name.split('/').next().unwrap_or_default().to_owned();
        let expectation = expectations
            .iter()
            .find(|(pattern, _)| glob_matches(pattern, &name))
            .map(|(_, expectation)| expectation.clone())
            .or_else(|| Expectation::for_folder(&folder));
        let Some(expectation) = expectation else {
            continue;
        };
        match read_submission(judge, &path) {
            Ok((language, files)) => candidates.push((name, (language, files), expectation)),
            Err(reason) => skipped.push(Skipped {
                submission: name,
                reason,
            }),
        }
    }

    // The time limit: the package's, or computed from the slowest accepted submission.
    let computed = problem.time_limit_source == TimeLimitSource::Default;
    let mut checked: Vec<Option<Checked>> = vec![None; candidates.len()];
    let time_limit = if computed {
        let mut probe = problem.clone();
        probe.time_limit = PROBE_TIME_LIMIT;
        let mut slowest = Duration::ZERO;
        for (index, (name, submission, expectation)) in candidates.iter().enumerate() {
            if !expectation.wants_accepted() {
                continue;
            }
            let report = judge.judge_files(
                &probe,
                &submission.0,
                &submission.1,
                &JudgeOptions::default(),
            );
            if expectation.met_by(&report) {
                let multiplier = judge
                    .languages()
                    .by_id(&submission.0)
                    .map_or(1.0, |l| l.time_multiplier);
                let cpu = report.tests.iter().map(|t| t.cpu_ms).fold(0.0, f64::max);
                slowest = slowest.max(Duration::from_secs_f64(cpu / 1000.0 / multiplier));
            } else {
                // Not accepted even with all that time: it fails at any computed limit.
                checked[index] = Some(check(name, expectation, &report, false));
            }
        }
        problem.time_multipliers.limit_for(slowest)
    } else {
        problem.time_limit
    };
    let mut at_limit = problem.clone();
    at_limit.time_limit = time_limit;
    let mut with_margin = problem.clone();
    with_margin.time_limit = time_limit.mul_f64(problem.time_multipliers.time_limit_to_tle);

    for (index, (name, submission, expectation)) in candidates.iter().enumerate() {
        if checked[index].is_some() {
            continue;
        }
        // Partial scores need every group judged.
        let options = JudgeOptions {
            run_all: *expectation == Expectation::Partial,
            ..JudgeOptions::default()
        };
        let report = judge.judge_files(&at_limit, &submission.0, &submission.1, &options);
        let mut result = check(name, expectation, &report, false);
        if !result.ok && report.verdict == Verdict::TimeLimitExceeded {
            // problemtools accepts a match with the safety margin's extra time, and says so.
            let again = judge.judge_files(&with_margin, &submission.0, &submission.1, &options);
            if expectation.met_by(&again) {
                result = check(name, expectation, &again, true);
            }
        }
        checked[index] = Some(result);
    }
    let submissions: Vec<Checked> = checked.into_iter().flatten().collect();
    let ok = !submissions.is_empty()
        && submissions.iter().all(|c| c.ok)
        && input_validation.iter().all(|v| v.problems.is_empty());
    VerifyReport {
        problem: problem.short_name.clone(),
        time_limit: time_limit.as_secs_f64(),
        time_limit_source: problem.time_limit_source,
        time_limit_computed: computed,
        input_validation,
        submissions,
        skipped,
        ok,
    }
}

fn check(name: &str, expectation: &Expectation, report: &Report, extra_time: bool) -> Checked {
    let ok = expectation.met_by(report);
    let note = if !ok {
        let first_problem = report
            .tests
            .iter()
            .find(|t| t.verdict != Verdict::Accepted)
            .map(|t| format!("{}: {} {}", t.name, t.verdict.code(), t.feedback))
            .unwrap_or_else(|| {
                let text = if report.reason.is_empty() {
                    &report.compile_output
                } else {
                    &report.reason
                };
                text.lines().take(3).collect::<Vec<_>>().join(" ")
            });
        format!(
            "expected {}, got {} (score {}/{}); {first_problem}",
            expectation.describe(),
            report.verdict.code(),
            report.score,
            report.max_score
        )
    } else if extra_time {
        format!(
            "{} only with the safety margin's extra time",
            report.verdict.code()
        )
    } else if matches!(expectation, Expectation::OneOf(v) if v.len() > 1) {
        format!("got {}", report.verdict.code())
    } else {
        String::new()
    };
    Checked {
        submission: name.to_owned(),
        expected: expectation.describe(),
        verdict: report.verdict,
        score: report.score,
        max_score: report.max_score,
        ok,
        note,
    }
}

/// Every file or folder one level under each folder of `submissions/`, as
/// (`folder/name`, path), sorted.
fn submission_files(root: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let Ok(folders) = fs::read_dir(root.join("submissions")) else {
        return found;
    };
    for folder in folders.flatten().map(|e| e.path()).filter(|p| p.is_dir()) {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten().map(|e| e.path()) {
            let name = format!("{}/{}", name_of(&folder), name_of(&entry));
            if !name_of(&entry).starts_with('.') {
                found.push((name, entry));
            }
        }
    }
    found.sort();
    found
}

/// A submission ready to judge: its language and its files (name, contents), the main source
/// first.
type Program = (String, Vec<(String, Vec<u8>)>);

/// A submission ready to judge, or why it is skipped.
fn read_submission(judge: &Judge, path: &Path) -> Result<Program, String> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    if path.is_dir() {
        // A folder is one program of several files; the main source is the one that mentions
        // `main` (the entry point in every language that has one), else the first by name.
        let mut paths: Vec<PathBuf> = fs::read_dir(path)
            .map_err(|e| format!("cannot be read: {e}"))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        for file in paths {
            let source = fs::read(&file).map_err(|e| format!("cannot be read: {e}"))?;
            files.push((name_of(&file), source));
        }
        let main = files
            .iter()
            .position(|(name, source)| {
                judge.languages().for_file(Path::new(name)).is_ok()
                    && String::from_utf8_lossy(source).contains("main")
            })
            .or_else(|| {
                files
                    .iter()
                    .position(|(name, _)| judge.languages().for_file(Path::new(name)).is_ok())
            });
        match main {
            Some(index) => {
                let main = files.remove(index);
                files.insert(0, main);
            }
            None if files.is_empty() => return Err("skipped: an empty folder".into()),
            None => {}
        }
    } else {
        let source = fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
        files.push((name_of(path), source));
    }
    let (main_name, main_source) = &files[0];
    match judge
        .languages()
        .recognise(Path::new(main_name), main_source)
    {
        Recognised::Known(language) => match judge.refusal(language) {
            Some(why) => Err(format!("skipped: {why}")),
            None => Ok((language.id.clone(), files)),
        },
        Recognised::Missing(name) => Err(format!("skipped: no {name} in the language table")),
        Recognised::Unsupported(name, why) => Err(format!("skipped: {name} ({why})")),
    }
}

/// 2023-07's `submissions/submissions.yaml`: glob patterns (relative to `submissions/`) with
/// the verdicts their submissions may and must get.
fn read_submissions_yaml(root: &Path) -> Result<Vec<(String, Expectation)>, String> {
    #[derive(Deserialize)]
    struct Entry {
        #[serde(default)]
        permitted: Option<Vec<String>>,
        #[serde(default)]
        required: Option<Vec<String>>,
    }
    let path = root.join("submissions/submissions.yaml");
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(Vec::new());
    };
    let entries: std::collections::BTreeMap<String, Entry> =
        yaml_serde::from_str(&text).map_err(|e| format!("submissions/submissions.yaml: {e}"))?;
    let mut expectations = Vec::new();
    for (pattern, entry) in entries {
        let codes = entry.required.or(entry.permitted).unwrap_or_default();
        let verdicts = codes
            .iter()
            .map(|code| match code.as_str() {
                "AC" => Ok(Verdict::Accepted),
                "WA" => Ok(Verdict::WrongAnswer),
                "TLE" => Ok(Verdict::TimeLimitExceeded),
                "RTE" => Ok(Verdict::RuntimeError),
                other => Err(format!(
                    "submissions/submissions.yaml: {pattern}: verdict \"{other}\" is not AC, WA, TLE or RTE"
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if verdicts.is_empty() {
            continue;
        }
        let mut verdicts = verdicts;
        // As for the run_time_error folder: running out of memory is a run-time error.
        if verdicts.contains(&Verdict::RuntimeError) {
            verdicts.push(Verdict::MemoryLimitExceeded);
        }
        expectations.push((pattern, Expectation::OneOf(verdicts)));
    }
    Ok(expectations)
}

/// Shell-style matching of `*` (within one path part), `**` (across parts) and `?`.
fn glob_matches(pattern: &str, name: &str) -> bool {
    fn matches(pattern: &[u8], name: &[u8]) -> bool {
        match pattern.split_first() {
            None => name.is_empty(),
            Some((b'*', rest)) if rest.first() == Some(&b'*') => {
                let rest = &rest[1..];
                (0..=name.len()).any(|skip| matches(rest, &name[skip..]))
            }
            Some((b'*', rest)) => (0..=name.len())
                .take_while(|&skip| skip == 0 || name[skip - 1] != b'/')
                .any(|skip| matches(rest, &name[skip..])),
            Some((b'?', rest)) => {
                name.first().is_some_and(|&c| c != b'/') && matches(rest, &name[1..])
            }
            Some((c, rest)) => name.first() == Some(c) && matches(rest, &name[1..]),
        }
    }
    matches(pattern.as_bytes(), name.as_bytes())
}

/// Runs every input validator on every test input (`.in`) of the package.
fn validate_inputs(judge: &Judge, problem: &Problem) -> Vec<InputValidation> {
    let mut results = Vec::new();
    for validator in &problem.input_validators {
        let mut result = InputValidation {
            validator: validator
                .strip_prefix(&problem.root)
                .unwrap_or(validator)
                .display()
                .to_string(),
            accepted: 0,
            problems: Vec::new(),
            skipped: None,
        };
        if let Some(why) = judge.unrunnable_program(validator) {
            result.skipped = Some(why);
            results.push(result);
            continue;
        }
        let compiled = match judge.compile_package_program(validator) {
            Ok(compiled) => compiled,
            Err(message) => {
                result.problems.push(message);
                results.push(result);
                continue;
            }
        };
        for (case, flags) in problem.data.cases_with_input_flags() {
            match judge.validate_input(&compiled, &case.input, flags) {
                Ok(()) => result.accepted += 1,
                Err(message) => result.problems.push(format!("{}: {message}", case.name)),
            }
        }
        results.push(result);
    }
    results
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_as_the_submissions_yaml_format_means() {
        assert!(glob_matches("accepted/*", "accepted/a.py"));
        assert!(glob_matches("*/a.py", "wrong_answer/a.py"));
        assert!(!glob_matches("accepted/*", "wrong_answer/a.py"));
        assert!(glob_matches("**", "accepted/x/a.py"));
        assert!(!glob_matches("*", "accepted/a.py"));
        assert!(glob_matches("accepted/sol?.cc", "accepted/sol1.cc"));
    }

    #[test]
    fn folders_promise_what_problemtools_reads_in_them() {
        let re = Expectation::for_folder("run_time_error").unwrap();
        assert!(re.describe().contains("MLE"));
        let slow = Expectation::for_folder("slow_accepted").unwrap();
        assert_eq!(slow.describe(), "AC or TLE");
        assert!(Expectation::for_folder("unknown").is_none());
    }
}
