//! `cohort plan match` end to end: the binary reads an instance file and prints the matching.

use std::process::Command;

fn cohort() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cohort"))
}

#[test]
fn plan_match_prints_a_proven_optimal_matching_as_json() {
    let folder = tempfile::tempdir().unwrap();
    let instance = folder.path().join("instance.json");
    std::fs::write(
        &instance,
        r#"{ "interns": [ { "id": "n1", "team": "Lambda", "skills": ["rust"], "time_zone": "America/Los_Angeles",
                            "goals": ["distributed systems"] },
                          { "id": "n2", "team": "S3", "skills": ["go"] } ],
             "mentors": [ { "id": "m1", "team": "Lambda", "skills": ["rust", "go"], "time_zone": "America/New_York",
                            "capacity": 2 } ],
             "forbidden": [ ["n2", "m1"] ] }"#,
    )
    .unwrap();
    let output = cohort()
        .args(["plan", "match"])
        .arg(&instance)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["matches"][0]["intern"], "n1");
    assert_eq!(result["matches"][0]["mentor"], "m1");
    assert_eq!(result["matches"][0]["score"], 46);
    assert_eq!(result["unmatched"][0]["intern"], "n2");
    assert_eq!(
        result["unmatched"][0]["reason"],
        "every mentor is forbidden"
    );
    assert_eq!(result["optimal"], true);
    assert_eq!(result["bound"]["total_score"], 46);
    assert!(result["stats"]["seconds"].as_f64().unwrap() >= 0.0);
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(summary.contains("proven optimal"), "{summary}");

    let out = folder.path().join("stable.json");
    let output = cohort()
        .args(["plan", "match", "--stable", "--out"])
        .arg(&out)
        .arg(&instance)
        .output()
        .unwrap();
    assert!(output.status.success());
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(result["stable"], true);
    assert_eq!(result["matches"].as_array().unwrap().len(), 1);
}

#[test]
fn plan_match_refuses_a_bad_instance_naming_the_field() {
    let folder = tempfile::tempdir().unwrap();
    let instance = folder.path().join("bad.json");
    std::fs::write(
        &instance,
        r#"{ "mentors": [ { "id": "m1", "capacity": 0 } ] }"#,
    )
    .unwrap();
    let output = cohort()
        .args(["plan", "match"])
        .arg(&instance)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("mentors[0].capacity: must be between 1 and 1000, not 0"),
        "{error}"
    );
    assert!(output.stdout.is_empty());
}
