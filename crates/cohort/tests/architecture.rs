//! The invariants ARCHITECTURE.md states, checked against the source: which crate may depend on
//! which, that the use-case crate knows no HTTP, where jobs and messages live, and that stored
//! codes are compared only where rows are read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Each crate's normal (not dev) dependencies, by name.
fn dependencies() -> BTreeMap<String, Vec<String>> {
    let mut crates = BTreeMap::new();
    for entry in std::fs::read_dir(workspace().join("crates"))
        .unwrap()
        .flatten()
    {
        let manifest = entry.path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .map(|n| n.trim_end_matches('"').to_owned())
            .unwrap();
        let mut section = String::new();
        let mut found = Vec::new();
        for line in text.lines() {
            if line.starts_with('[') {
                section = line.to_owned();
            } else if section == "[dependencies]" {
                if let Some(dependency) = line.split(['.', ' ', '=']).next() {
                    if !dependency.is_empty() {
                        found.push(dependency.to_owned());
                    }
                }
            }
        }
        crates.insert(name, found);
    }
    crates
}

/// The layers, lowest first: a crate depends only on crates of lower layers.
fn layer(name: &str) -> Option<usize> {
    Some(match name {
        // The engines: pure, no I/O of their own beyond the judge's sandbox.
        "cohort-domain" | "cohort-judge" | "cohort-plagiarism" | "cohort-plan" => 0,
        "cohort-store" => 1,
        "cohort-app" => 2,
        // The processes' libraries: the web server, the judge worker, the demo seeder.
        "cohort-web" | "cohort-worker" | "cohort-demo" => 3,
        // The binary and the bench.
        "cohort" | "cohort-bench" => 4,
        _ => return None,
    })
}

#[test]
fn dependencies_point_one_way_from_the_binary_down_to_the_engines() {
    let crates = dependencies();
    assert!(crates.len() >= 11, "{crates:?}");
    for (name, dependencies) in &crates {
        let own = layer(name).unwrap_or_else(|| panic!("{name} has no layer in this test"));
        for dependency in dependencies.iter().filter(|d| d.starts_with("cohort")) {
            let theirs = layer(dependency).unwrap();
            assert!(
                theirs < own,
                "{name} (layer {own}) depends on {dependency} (layer {theirs})"
            );
        }
    }
    // The store is the only way to the database the layers above use; the web reaches it
    // through the use cases or for reads, never the other way round.
    assert!(crates["cohort-store"]
        .iter()
        .all(|d| d == "cohort-domain" || !d.starts_with("cohort")));
    assert!(crates["cohort-app"]
        .iter()
        .all(|d| d != "cohort-web" && d != "cohort-worker"));
}

/// Every `.rs` file under `folder`, with its text.
fn sources(folder: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut folders = vec![folder.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push((path.clone(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    assert!(!found.is_empty(), "no sources under {}", folder.display());
    found
}

#[test]
fn the_use_case_crate_imports_no_http_crate() {
    const HTTP: [&str; 9] = [
        "axum",
        "axum-extra",
        "askama",
        "hyper",
        "hyper-util",
        "tower",
        "tower-http",
        "reqwest",
        "utoipa",
    ];
    let crates = dependencies();
    for http in HTTP {
        assert!(
            !crates["cohort-app"].iter().any(|d| d == http),
            "cohort-app depends on {http}"
        );
    }
    for (path, code) in sources(&workspace().join("crates/cohort-app/src")) {
        for http in [
            "axum::",
            "askama::",
            "hyper::",
            "tower::",
            "http::StatusCode",
        ] {
            assert!(!code.contains(http), "{} names {http}", path.display());
        }
    }
}

#[test]
fn the_web_crate_never_opens_a_store_transaction() {
    // A write is a use case of cohort-app, which owns its transaction, its jobs and its mail;
    // the web extracts, authorises, calls it and maps the result.
    const TRANSACTION: [&str; 4] = [".begin()", "Store::commit(", "cohort_store::Tx", "&mut tx"];
    let web = sources(&workspace().join("crates/cohort-web/src"));
    assert!(web.len() > 30, "found only {} web sources", web.len());
    for (path, code) in web {
        for sign in TRANSACTION {
            assert!(
                !code.contains(sign),
                "{} opens or uses a store transaction ({sign}); move the write to cohort-app",
                path.display()
            );
        }
    }
}

#[test]
fn jobs_and_messages_live_with_their_capability_in_the_use_case_crate() {
    let capabilities = [
        "accounts",
        "setup",
        "applications",
        "assessment",
        "problems",
        "interviews",
        "offers",
        "onboarding",
    ];
    let mut jobs = 0;
    let mut messages = 0;
    for crate_name in ["cohort-app", "cohort-web", "cohort-worker", "cohort-store"] {
        for (path, code) in sources(&workspace().join("crates").join(crate_name).join("src")) {
            let relative = path
                .strip_prefix(workspace().join("crates").join(crate_name).join("src"))
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let here_jobs = code.matches("impl Job for ").count();
            let here_messages = code.matches("impl Message for ").count();
            if here_jobs + here_messages == 0 {
                continue;
            }
            let capability = relative.split('/').next().unwrap_or_default();
            assert!(
                crate_name == "cohort-app" && capabilities.contains(&capability),
                "{crate_name}/src/{relative} defines a job or a message outside a capability of cohort-app"
            );
            jobs += here_jobs;
            messages += here_messages;
        }
    }
    assert!(jobs >= 6, "found {jobs} jobs");
    assert!(messages >= 8, "found {messages} messages");
}

#[test]
fn stored_codes_are_compared_only_where_rows_are_read() {
    // A code compared as a string outside the store: `x.scope == "full"`, `verdict == "AC"`.
    let fields = [
        "kind",
        "scope",
        "verdict",
        "counts",
        "advance",
        "status",
        "stage",
        "resume_kind",
        "template",
        "sandbox",
    ];
    for crate_name in ["cohort-app", "cohort-web", "cohort-worker", "cohort-demo"] {
        for (path, code) in sources(&workspace().join("crates").join(crate_name).join("src")) {
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for field in fields {
                    for pattern in [
                        format!("{field} == \""),
                        format!("{field} != \""),
                        format!("{field}.as_deref() == Some(\""),
                        format!("{field}.as_str() == \""),
                    ] {
                        assert!(
                            !line.contains(&pattern),
                            "{} compares a stored code: {}",
                            path.display(),
                            line.trim()
                        );
                    }
                }
            }
        }
    }
}
