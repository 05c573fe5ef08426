//! The problem package format as real contests write it: each test writes a small package that
//! uses one feature (the legacy and the 2023-07 versions), runs `cohort judge verify` on it as
//! a user would, and checks what it reports. Nothing is fetched.

use std::fs;
use std::path::Path;
use std::process::Command;

mod judging;
use judging::{BINARY_SEARCH_C, GUESSING_VALIDATOR_C};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// `cohort judge verify --json` on `package`: (exit success, report).
fn verify(package: &Path) -> (bool, serde_json::Value) {
    let cache = std::env::temp_dir().join("cohort-judge-formats-cache");
    let output = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .args(["judge", "verify", "--json"])
        .arg(package)
        .env("COHORT_JUDGE_CACHE", cache)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.success(), report)
}

fn submission<'r>(report: &'r serde_json::Value, name: &str) -> &'r serde_json::Value {
    report["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["submission"] == name)
        .unwrap_or_else(|| panic!("{name} was judged: {report:#}"))
}

const SUM_C: &str =
    "#include <stdio.h>\nint main(){ long a,b; scanf(\"%ld %ld\",&a,&b); printf(\"%ld\\n\",a+b); }\n";
const SUM_WRONG_C: &str =
    "#include <stdio.h>\nint main(){ long a,b; scanf(\"%ld %ld\",&a,&b); printf(\"%ld\\n\",a-b); }\n";

/// A sum problem's test data: a sample and two secret cases.
fn sum_data(root: &Path, answers: bool) {
    for (name, a, b) in [("sample/1", 1, 2), ("secret/1", 40, 2), ("secret/2", -5, 5)] {
        write(root, &format!("data/{name}.in"), &format!("{a} {b}\n"));
        if answers {
            write(root, &format!("data/{name}.ans"), &format!("{}\n", a + b));
        }
    }
}

/// A custom output validator in C that checks the sum itself (it needs no answer file).
const SUM_VALIDATOR_C: &str = r#"#include <stdio.h>
int main(int argc, char **argv) {
  FILE *in = fopen(argv[1], "r"); long a, b, got; fscanf(in, "%ld %ld", &a, &b);
  if (scanf("%ld", &got) != 1) return 43;
  if (got != a + b) { FILE *m = fopen("/box/judgemessage.txt", "w"); fprintf(m, "wrong sum"); return 43; }
  return 42;
}
"#;

#[test]
fn a_2023_07_package_with_type_and_output_validator_and_no_answer_files_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "problem.yaml",
        "problem_format_version: 2023-07-draft\nname:\n  en: Sum\ntype: pass-fail\nlimits:\n  time_limit: 2\n",
    );
    sum_data(root, false);
    write(root, "output_validator/validate.c", SUM_VALIDATOR_C);
    write(root, "submissions/accepted/sum.c", SUM_C);
    write(root, "submissions/wrong_answer/minus.c", SUM_WRONG_C);
    let (success, report) = verify(root);
    assert!(success && report["ok"] == true, "{report:#}");
    assert_eq!(report["time_limit"], 2.0);
    assert_eq!(submission(&report, "wrong_answer/minus.c")["verdict"], "WA");
}

#[test]
fn input_validators_run_on_every_input_and_a_rejection_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "problem.yaml",
        "name: Sum\nlimits:\n  time_limit: 1\n",
    );
    sum_data(root, true);
    // A folder program (source and header) and a single-file one.
    write(
        root,
        "input_validators/range/validate.c",
        "#include \"range.h\"\n#include <stdio.h>\nint main(){ long a,b; if(scanf(\"%ld %ld\",&a,&b)!=2) return 43; return in_range(a)&&in_range(b) ? 42 : 43; }\n",
    );
    write(
        root,
        "input_validators/range/range.h",
        "static int in_range(long x){ return x >= -100 && x <= 100; }\n",
    );
    write(
        root,
        "input_validators/format.py",
        "import sys, re\nline = sys.stdin.read()\nsys.exit(42 if re.fullmatch(r'-?\\d+ -?\\d+\\n', line) else 43)\n",
    );
    write(root, "submissions/accepted/sum.c", SUM_C);
    let (success, report) = verify(root);
    assert!(success, "{report:#}");
    let validations = report["input_validation"].as_array().unwrap();
    assert_eq!(validations.len(), 2, "{report:#}");
    for validation in validations {
        assert_eq!(validation["accepted"], 3, "{validation}");
    }

    // An input out of range: the folder validator rejects it, and verification fails.
    write(root, "data/secret/3.in", "1000 1\n");
    write(root, "data/secret/3.ans", "1001\n");
    let (success, report) = verify(root);
    assert!(!success && report["ok"] == false, "{report:#}");
    let range = report["input_validation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["validator"] == "input_validators/range")
        .unwrap();
    assert!(
        range["problems"].to_string().contains("secret/3"),
        "{report:#}"
    );
}

#[test]
fn an_interactive_package_with_interaction_samples_verifies_as_problemtools_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "problem.yaml",
        "problem_format_version: 2023-07-draft\nname: Guess\ntype: interactive\nlimits:\n  time_limit: 1\n",
    );
    write(
        root,
        "output_validator/guesser/validate.c",
        GUESSING_VALIDATOR_C,
    );
    // The sample is only shown: an interaction log, with no input to judge on.
    write(
        root,
        "data/sample/1.interaction",
        "<500\n>lower\n<250\n>correct\n",
    );
    for (name, secret) in [("1", 1), ("2", 777), ("3", 1000)] {
        write(
            root,
            &format!("data/secret/{name}.in"),
            &format!("{secret}\n"),
        );
    }
    write(root, "submissions/accepted/search.c", BINARY_SEARCH_C);
    // Keeps writing after the validator rejected it: a wrong answer, not a time limit.
    write(
        root,
        "submissions/wrong_answer/keeps_writing.c",
        "#include <stdio.h>\nint main(){ for(;;){ printf(\"0\\n\"); fflush(stdout);} }\n",
    );
    write(
        root,
        "submissions/wrong_answer/spins.c",
        "#include <stdio.h>\nint main(){ printf(\"0\\n\"); fflush(stdout); for(volatile int i=0;;i++); }\n",
    );
    write(
        root,
        "submissions/time_limit_exceeded/no_flush.c",
        "#include <stdio.h>\nint main(){ char r[16]; printf(\"500\\n\"); scanf(\"%15s\", r); return 0; }\n",
    );
    let (success, report) = verify(root);
    assert!(success, "{report:#}");
    assert_eq!(report["submissions"].as_array().unwrap().len(), 4);

    let summary = cohort_judge::bank::PackageSummary::read(
        &{
            write(
                root,
                "problem_statement/problem.en.md",
                "Guess the number.\n",
            );
            root.to_path_buf()
        },
        &cohort_judge::language::LanguageTable::builtin(),
    )
    .unwrap();
    assert_eq!(
        summary.samples.len(),
        1,
        "the interaction is shown as a sample"
    );
    assert!(summary.samples[0].1.contains("<500"));
}

#[test]
fn java_with_main_in_a_file_of_another_name_and_a_domjudge_time_limit_verify() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "problem.yaml", "name: Sum\n");
    write(
        root,
        "domjudge-problem.ini",
        "name = 'Sum'\ntimelimit = '3'\ncolor = '#ff0000'\n",
    );
    sum_data(root, true);
    write(
        root,
        "submissions/accepted/sum_solution.java",
        "import java.util.*;\nclass Helper { static long add(long a, long b) { return a + b; } }\npublic class SumMain {\n  public static void main(String[] args) {\n    Scanner in = new Scanner(System.in);\n    System.out.println(Helper.add(in.nextLong(), in.nextLong()));\n  }\n}\n",
    );
    write(
        root,
        "submissions/accepted/sum.py",
        "#!/usr/bin/env python3\na, b = map(int, input().split())\nprint(a + b)\n",
    );
    write(
        root,
        "submissions/accepted/old.py",
        "#!/usr/bin/env python2\na, b = map(int, raw_input().split())\nprint a + b\n",
    );
    write(
        root,
        "submissions/accepted/sum.swift",
        "let v = readLine()!.split(separator: \" \").map { Int($0)! }\nprint(v[0] + v[1])\n",
    );
    write(
        root,
        "submissions/slow_accepted/slow.c",
        "#include <stdio.h>\n#include <time.h>\nint main(){ long a,b; scanf(\"%ld %ld\",&a,&b); while(clock() < CLOCKS_PER_SEC/2); printf(\"%ld\\n\",a+b); }\n",
    );
    write(
        root,
        "submissions/run_time_error/memory.cpp",
        "#include <vector>\n#include <cstdio>\nint main(){ std::vector<char> v(1UL<<40); std::printf(\"%d\\n\", v[3]); }\n",
    );
    let (success, report) = verify(root);
    assert!(success, "{report:#}");
    assert_eq!(report["time_limit"], 3.0);
    assert_eq!(report["time_limit_source"], "DomjudgeIni");
    assert_eq!(
        submission(&report, "accepted/sum_solution.java")["verdict"],
        "AC"
    );
    assert!(submission(&report, "slow_accepted/slow.c")["note"]
        .as_str()
        .unwrap()
        .contains("AC"));
    // Running out of memory is a run-time error, as problemtools counts it.
    assert_eq!(submission(&report, "run_time_error/memory.cpp")["ok"], true);
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("no Swift in the language table"),
        "{skipped}"
    );
    assert!(skipped.contains("Python 2"), "{skipped}");
}

#[test]
fn without_a_time_limit_the_limit_is_computed_from_the_slowest_accepted_submission() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Legacy format: the limit is five times the slowest accepted run, rounded up to a second.
    write(
        root,
        "problem.yaml",
        "name: Sum\nlimits:\n  time_multiplier: 3\n  time_safety_margin: 2\n",
    );
    sum_data(root, true);
    write(
        root,
        "submissions/accepted/slowish.c",
        "#include <stdio.h>\n#include <time.h>\nint main(){ long a,b; scanf(\"%ld %ld\",&a,&b); while(clock() < CLOCKS_PER_SEC*6/10); printf(\"%ld\\n\",a+b); }\n",
    );
    write(
        root,
        "submissions/time_limit_exceeded/spin.c",
        "int main(){ for(volatile int i=0;;i++); }\n",
    );
    let (success, report) = verify(root);
    assert!(success, "{report:#}");
    assert_eq!(report["time_limit_computed"], true);
    // 0.6 s x 3 = 1.8 s, rounded up to 2 s.
    assert_eq!(report["time_limit"], 2.0, "{report:#}");
}

#[test]
fn a_multi_pass_package_runs_the_submission_again_on_the_validators_next_input() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "problem.yaml",
        "problem_format_version: 2023-07-draft\nname: Twice\ntype: multi-pass\nlimits:\n  time_limit: 1\n  validation_passes: 3\n",
    );
    // Pass 1: the validator checks 2n, remembers the round in its feedback folder and asks for
    // a second pass on n + 1; pass 2 (it finds the round file): checks and accepts.
    write(
        root,
        "output_validator/validate.c",
        r#"#include <stdio.h>
int main(int argc, char **argv) {
  FILE *in = fopen(argv[1], "r"); long n; fscanf(in, "%ld", &n);
  long got; if (scanf("%ld", &got) != 1 || got != 2 * n) return 43;
  char path[512]; snprintf(path, sizeof path, "%sround", argv[3]);
  FILE *round = fopen(path, "r");
  if (round) return 42;
  round = fopen(path, "w"); fprintf(round, "1\n"); fclose(round);
  snprintf(path, sizeof path, "%snextpass.in", argv[3]);
  FILE *next = fopen(path, "w"); fprintf(next, "%ld\n", n + 1); fclose(next);
  return 42;
}
"#,
    );
    for (name, n) in [("1", 3), ("2", 41)] {
        write(root, &format!("data/secret/{name}.in"), &format!("{n}\n"));
    }
    write(
        root,
        "submissions/accepted/double.c",
        "#include <stdio.h>\nint main(){ long n; scanf(\"%ld\",&n); printf(\"%ld\\n\", 2*n); }\n",
    );
    // Right on the odd first inputs, wrong on the even second ones: only a second pass sees it.
    write(
        root,
        "submissions/wrong_answer/odd_only.c",
        "#include <stdio.h>\nint main(){ long n; scanf(\"%ld\",&n); printf(\"%ld\\n\", n % 2 ? 2*n : 0); }\n",
    );
    let (success, report) = verify(root);
    assert!(success, "{report:#}");
    assert_eq!(
        submission(&report, "wrong_answer/odd_only.c")["verdict"],
        "WA"
    );
}

#[test]
fn a_sample_the_grader_ignores_neither_counts_nor_stops_the_secret_tests() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "problem.yaml",
        "name: Sum\nlimits:\n  time_limit: 1\n",
    );
    sum_data(root, true);
    write(root, "data/testdata.yaml", "grader_flags: ignore_sample\n");
    // Wrong on the sample (1 2) only.
    write(
        root,
        "submissions/accepted/wrong_on_sample.c",
        "#include <stdio.h>\nint main(){ long a,b; scanf(\"%ld %ld\",&a,&b); printf(\"%ld\\n\", a == 1 ? 0 : a+b); }\n",
    );
    write(root, "submissions/wrong_answer/minus.c", SUM_WRONG_C);
    let (success, report) = verify(root);
    assert!(success, "{report:#}");
}

#[test]
fn a_package_the_judge_cannot_read_is_refused_with_the_file_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "problem.yaml",
        "name: X\ntype: [pass-fail, scoring]\n",
    );
    sum_data(root, true);
    let output = Command::new(env!("CARGO_BIN_EXE_cohort"))
        .args(["judge", "verify"])
        .arg(root)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("problem.yaml") && error.contains("both pass-fail and scoring"),
        "{error}"
    );
}
