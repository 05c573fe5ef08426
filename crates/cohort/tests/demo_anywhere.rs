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
    let demo = run(&["demo", "--no-serve", "--candidates", "5"]);
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

    let wrong = run(&["demo", "--no-serve", "--problems", "no-such-folder"]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("no-such-folder is not a folder"));
}
