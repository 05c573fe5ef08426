//! `cohort demo` adds the built-in problems whichever folder it is started in: they are inside
//! the binary, not read from a path relative to the repository.

use std::process::Command;

#[test]
fn the_demo_started_outside_the_repository_adds_every_built_in_problem() {
    let elsewhere = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cohort"))
            .current_dir(elsewhere.path())
            .args(["--data-dir", "data"])
            .args(args)
            .env("COHORT_LOG", "warn")
            .output()
            .unwrap()
    };
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let demo = run(&["demo", "--no-serve", "--candidates", "300"]);
    assert!(demo.status.success(), "{demo:?}");
    let said = String::from_utf8_lossy(&demo.stdout);
    let packages = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../problems"))
        .unwrap()
        .flatten()
        .filter(|entry| entry.path().join("problem.yaml").is_file())
        .count();
    assert!(packages >= 6, "the repository has its problems");
    assert!(
        said.contains(&format!("problem bank: {packages} built-in problems added")),
        "{said}"
    );
    let list = run(&["problems", "list"]);
    assert!(list.status.success(), "{list:?}");
    let listed = String::from_utf8_lossy(&list.stdout);
    for name in ["buildqueue", "creditwindow", "speedups"] {
        assert!(listed.contains(name), "{name} in {listed}");
    }

    // The seeded season: no history in the future, and every candidate past the assessment has
    // a finished, judged assessment (those still in it may not have started yet).
    let database = elsewhere.path().join("data").join("cohort.db");
    let finished = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}", database.display()))
            .await
            .unwrap();
        let future: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stage_transitions WHERE at > $1")
            .bind(finished)
            .fetch_one(&mut db)
            .await
            .unwrap();
        assert_eq!(future, 0, "no seeded history after {started}..{finished}");
        let past: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM applications WHERE stage IN ('phone_screen', 'final_loop', 'debrief', 'offer', 'hired')",
        )
        .fetch_one(&mut db)
        .await
        .unwrap();
        let past_with_results: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT a.id) FROM applications a \
             JOIN assessment_invitations i ON i.application_id = a.id AND i.finished_at IS NOT NULL \
             JOIN submissions s ON s.invitation_id = i.id JOIN submission_results r ON r.submission_id = s.id \
             WHERE a.stage IN ('phone_screen', 'final_loop', 'debrief', 'offer', 'hired') AND a.assessment_percent >= 60",
        )
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert!(past > 10, "the demo has candidates past the assessment ({past})");
        assert!(
            past_with_results * 10 >= past * 9,
            "{past_with_results} of {past} candidates past the assessment have passing results"
        );
        let scored_in_assessment: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM applications WHERE stage = 'assessment' AND assessment_percent IS NOT NULL",
        )
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert!(scored_in_assessment > 0);
        let unjudged: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM submissions s LEFT JOIN submission_results r ON r.submission_id = s.id WHERE r.submission_id IS NULL",
        )
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert_eq!(unjudged, 0, "every seeded submission has its result");
        // The published week of final loops seats the demo's trainees as shadows.
        let (loop_interviews, shadowed): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(shadow_id) FROM interviews WHERE kind = 'final_loop'",
        )
        .fetch_one(&mut db)
        .await
        .unwrap();
        assert!(loop_interviews >= 8, "{loop_interviews} final-loop interviews published");
        assert!(shadowed >= 1, "no shadow among {loop_interviews} final-loop interviews");
    });

    let wrong = run(&["demo", "--no-serve", "--problems", "no-such-folder"]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("no-such-folder is not a folder"));
}
