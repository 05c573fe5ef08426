//! `cohort plan match` end to end: the binary reads an instance file and prints the matching.

use std::process::{Command, Output};

fn cohort() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cohort"))
}

/// Runs `command` and asserts it succeeded, showing its standard error if not.
fn succeeds(command: &mut Command) -> Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
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
    let output = succeeds(cohort().args(["plan", "match"]).arg(&instance));
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

#[test]
fn plan_check_accepts_a_valid_schedule_and_lists_each_broken_rule() {
    let folder = tempfile::tempdir().unwrap();
    let instance = folder.path().join("week.json");
    std::fs::write(
        &instance,
        r#"{ "grid_minutes": 15, "days": ["2027-02-01"],
             "templates": { "sde": { "max_gap_minutes": 0, "interviews": [ { "minutes": 60, "requires": ["coding"] } ] } },
             "candidates": [ { "id": "c1", "track": "sde",
                               "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-01T18:00:00Z" } ] } ],
             "interviewers": [ { "id": "i1", "tracks": ["sde"], "qualified": ["coding"], "daily_cap": 1,
                                 "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-01T18:00:00Z" } ] } ] }"#,
    )
    .unwrap();
    let good = folder.path().join("good.json");
    std::fs::write(
        &good,
        r#"{ "loops": [ { "candidate": "c1", "day": "2027-02-01", "interviews": [
              { "interviewer": "i1", "requires": ["coding"], "start": "2027-02-01T15:00:00Z", "end": "2027-02-01T16:00:00Z" } ] } ] }"#,
    )
    .unwrap();
    let output = succeeds(cohort().args(["plan", "check"]).arg(&instance).arg(&good));
    assert!(String::from_utf8_lossy(&output.stderr).contains("keeps every rule (1 loops)"));

    let bad = folder.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{ "loops": [ { "candidate": "c1", "day": "2027-02-01", "interviews": [
              { "interviewer": "i1", "requires": ["coding"], "start": "2027-02-01T17:10:00Z", "end": "2027-02-01T18:10:00Z" } ] } ] }"#,
    )
    .unwrap();
    let output = cohort()
        .args(["plan", "check"])
        .arg(&instance)
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let lines = String::from_utf8_lossy(&output.stdout);
    assert!(
        lines.contains("loops[0]: c1 is not available for the whole loop"),
        "{lines}"
    );
    assert!(
        lines.contains(
            "loops[0].interviews[0].start: 2027-02-01T17:10:00Z is not on the 15-minute grid"
        ),
        "{lines}"
    );
    assert!(
        lines.contains("loops[0].interviews[0].interviewer: i1 is not available"),
        "{lines}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("breaks 3 rules"));
}

#[test]
fn plan_loops_writes_a_schedule_that_plan_check_accepts_and_can_keep_it() {
    let folder = tempfile::tempdir().unwrap();
    let instance = folder.path().join("week.json");
    std::fs::write(
        &instance,
        r#"{ "grid_minutes": 15, "days": ["2027-02-01", "2027-02-02"],
             "templates": { "sde": { "max_gap_minutes": 15, "interviews": [
                 { "minutes": 60, "requires": ["coding"] }, { "minutes": 45, "requires": ["bar raiser"] } ] } },
             "candidates": [
                 { "id": "c1", "track": "sde", "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-02T22:00:00Z" } ] },
                 { "id": "c2", "track": "sde", "priority": 3, "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-01T18:00:00Z" } ] },
                 { "id": "c3", "track": "sde", "available": [ { "start": "2027-02-02T09:00:00Z", "end": "2027-02-02T10:00:00Z" } ] } ],
             "interviewers": [
                 { "id": "i1", "tracks": ["sde"], "qualified": ["coding"], "daily_cap": 1,
                   "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-02T22:00:00Z" } ] },
                 { "id": "i2", "tracks": ["sde"], "qualified": ["bar raiser"],
                   "available": [ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-02T22:00:00Z" } ] } ] }"#,
    )
    .unwrap();
    let schedule = folder.path().join("schedule.json");
    succeeds(
        cohort()
            .args(["plan", "loops", "--time-limit", "2", "--out"])
            .arg(&schedule)
            .arg(&instance),
    );
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schedule).unwrap()).unwrap();
    // c2 (priority 3) first, on the first day; c1 on the second (i1 does one a day); c3's
    // window is too short for a loop.
    assert_eq!(result["loops"][0]["candidate"], "c2");
    assert_eq!(result["loops"][0]["day"], "2027-02-01");
    assert_eq!(result["loops"][1]["candidate"], "c1");
    assert_eq!(result["loops"][1]["day"], "2027-02-02");
    assert_eq!(result["unscheduled"][0]["candidate"], "c3");
    assert_eq!(
        result["unscheduled"][0]["reason"],
        "not available for 105 minutes in a row on any of the week's days"
    );
    assert_eq!(result["stats"]["scheduled_weight"], 4);
    assert_eq!(result["bound"]["value"], 4);
    assert_eq!(result["stats"]["optimal"], true);
    let check = cohort()
        .args(["plan", "check"])
        .arg(&instance)
        .arg(&schedule)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // Keeping the schedule moves nobody.
    let output = succeeds(
        cohort()
            .args(["plan", "loops", "--keep"])
            .arg(&schedule)
            .arg(&instance),
    );
    let again: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(again["loops"], result["loops"]);

    let output = cohort()
        .args(["plan", "loops", "--time-limit=-1"])
        .arg(&instance)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--time-limit must be"));
}

#[test]
fn plan_loops_with_a_neighbourhood_budget_gives_the_same_schedule_on_every_run() {
    // One bar raiser, three candidates: the bound (3) is above what fits (2), so the search
    // runs until its budget rather than stopping at the bound.
    let folder = tempfile::tempdir().unwrap();
    let instance = folder.path().join("week.json");
    let window = r#"[ { "start": "2027-02-01T14:00:00Z", "end": "2027-02-01T16:00:00Z" } ]"#;
    std::fs::write(
        &instance,
        format!(
            r#"{{ "grid_minutes": 15, "days": ["2027-02-01"],
                 "templates": {{ "sde": {{ "interviews": [
                     {{ "minutes": 60, "requires": ["coding"] }}, {{ "minutes": 45, "requires": ["bar raiser"] }} ] }} }},
                 "candidates": [ {{ "id": "c1", "track": "sde", "available": {window} }},
                                 {{ "id": "c2", "track": "sde", "available": {window} }},
                                 {{ "id": "c3", "track": "sde", "available": {window} }} ],
                 "interviewers": [
                     {{ "id": "i1", "tracks": ["sde"], "qualified": ["coding"], "available": {window} }},
                     {{ "id": "i2", "tracks": ["sde"], "qualified": ["coding"], "available": {window} }},
                     {{ "id": "b1", "tracks": ["sde"], "qualified": ["bar raiser"],
                        "available": [ {{ "start": "2027-02-01T14:00:00Z", "end": "2027-02-01T18:00:00Z" }} ] }},
                     {{ "id": "t1", "tracks": ["sde"], "shadowing": ["coding"], "available": {window} }} ] }}"#
        ),
    )
    .unwrap();
    let run = || {
        let output = succeeds(
            cohort()
                .args([
                    "plan",
                    "loops",
                    "--seed",
                    "7",
                    "--neighbourhoods",
                    "25",
                    "--time-limit",
                    "600",
                ])
                .arg(&instance),
        );
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let (first, second) = (run(), run());
    assert_eq!(first["stats"]["scheduled_weight"], 2);
    // t1 shadows coding interviews: at least one of the two (both, unless they overlap).
    let shadows = first["loops"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["interviews"].as_array().unwrap())
        .filter(|i| i["shadow"] == "t1")
        .count();
    assert!(shadows >= 1, "{first}");
    assert_eq!(first["stats"]["shadow_seats"], shadows);
    // Two searches side by side by default, each with the budget of 25.
    assert_eq!(first["stats"]["searches"], 2);
    assert_eq!(first["stats"]["neighbourhoods"], 50);
    assert_eq!(first["stats"]["optimal"], false);
    assert_eq!(first["loops"], second["loops"]);
    assert_eq!(first["unscheduled"], second["unscheduled"]);
    assert_eq!(first["stats"]["iterations"], second["stats"]["iterations"]);
}

#[test]
fn the_demos_week_of_final_loops_comes_out_of_its_database_and_plan_loops_schedules_it() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let data = data.to_str().unwrap();
    succeeds(cohort().args([
        "--data-dir",
        data,
        "demo",
        "--no-serve",
        "--no-problems",
        "--candidates",
        "300",
    ]));
    let week = folder.path().join("week.json");
    // The Monday and Tuesday of the week after next.
    let monday = (chrono::Utc::now() + chrono::Duration::days(14))
        .date_naive()
        .week(chrono::Weekday::Mon)
        .first_day();
    let days = format!("{monday},{}", monday.succ_opt().unwrap());
    let gathered = succeeds(cohort().args([
        "--data-dir",
        data,
        "interviews",
        "week",
        "--season",
        "1",
        "--days",
        &days,
        "--out",
        week.to_str().unwrap(),
    ]));
    let said = String::from_utf8_lossy(&gathered.stderr);
    assert!(said.contains("5 loop templates, 21 interviewers"), "{said}");
    let schedule = folder.path().join("schedule.json");
    succeeds(cohort().args([
        "plan",
        "loops",
        week.to_str().unwrap(),
        "--time-limit",
        "2",
        "--out",
        schedule.to_str().unwrap(),
    ]));
    succeeds(cohort().args([
        "plan",
        "check",
        week.to_str().unwrap(),
        schedule.to_str().unwrap(),
    ]));
    let instance: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&week).unwrap()).unwrap();
    assert_eq!(
        instance["days"],
        serde_json::json!([monday.to_string(), monday.succ_opt().unwrap().to_string()])
    );
    assert!(
        !instance["candidates"].as_array().unwrap().is_empty(),
        "the demo has candidates in Final loop"
    );

    // A season that does not exist is refused by name.
    let missing = cohort()
        .args([
            "--data-dir",
            data,
            "interviews",
            "week",
            "--season",
            "99",
            "--days",
            &days,
        ])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no season 99"));
}
