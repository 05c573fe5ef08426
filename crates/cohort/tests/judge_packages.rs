//! Every problem package shipped in `problems/` passes `cohort judge verify`: each of its
//! submissions gets the verdict its folder names, judged in the real sandbox.

use std::path::Path;
use std::process::Command;

#[test]
fn every_shipped_problem_package_verifies() {
    let problems = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../problems");
    let mut packages: Vec<_> = std::fs::read_dir(&problems)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("problem.yaml").is_file())
        .collect();
    packages.sort();
    assert!(
        packages.len() >= 6,
        "the repository ships at least six problems"
    );
    let cache = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for package in &packages {
        let output = Command::new(env!("CARGO_BIN_EXE_cohort"))
            .args(["judge", "verify", "--json"])
            .arg(package)
            .env("COHORT_JUDGE_CACHE", cache.path())
            .output()
            .unwrap();
        let report: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
                panic!(
                    "{}: no JSON report ({e}): {}",
                    package.display(),
                    String::from_utf8_lossy(&output.stderr)
                )
            });
        let languages: std::collections::BTreeSet<String> = report["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["submission"].as_str())
            .filter_map(|s| s.rsplit('.').next().map(str::to_owned))
            .collect();
        assert!(
            languages.len() >= 3,
            "{}: submissions in C++, Python and Java, found {languages:?}",
            package.display()
        );
        if report["ok"] != true || !output.status.success() {
            failures.push(format!("{}: {report:#}", package.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn judge_run_json_has_the_documented_shape() {
    let problems = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../problems/buildqueue");
    let cache = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .args(["judge", "run", "--json"])
        .arg(&problems)
        .arg(problems.join("submissions/wrong_answer/int32.cpp"))
        .env("COHORT_JUDGE_CACHE", cache.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "WA");
    assert!(report["score"].is_number());
    let tests = report["tests"].as_array().unwrap();
    assert!(!tests.is_empty());
    for field in [
        "group",
        "verdict",
        "cpu_ms",
        "wall_ms",
        "memory_kib",
        "feedback",
    ] {
        assert!(tests[0].get(field).is_some(), "tests carry {field}");
    }
    let wrong = tests.iter().find(|t| t["verdict"] == "WA").unwrap();
    assert!(
        wrong["feedback"].as_str().unwrap().contains("should be"),
        "{wrong}"
    );
}

#[test]
fn a_file_of_unknown_language_is_refused_with_advice() {
    let problems = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../problems/buildqueue");
    let output = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .args(["judge", "run"])
        .arg(&problems)
        .arg(problems.join("problem.yaml"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("--lang"), "{error}");
}

#[test]
fn judge_run_json_prints_a_judge_error_document_when_the_package_cannot_be_read() {
    let empty = tempfile::tempdir().unwrap();
    let solution = empty.path().join("sol.py");
    std::fs::write(&solution, "print(1)\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .args(["judge", "run", "--json"])
        .arg(empty.path())
        .arg(&solution)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&output.stdout)));
    assert_eq!(report["verdict"], "JE");
    assert!(
        report["reason"].as_str().unwrap().contains("problem.yaml"),
        "{report}"
    );
}
