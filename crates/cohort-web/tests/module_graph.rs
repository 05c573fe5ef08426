//! Architecture invariant: no module of `cohort-web`, nor of `cohort-app`, imports a module that
//! (directly or through others) imports it. The graph is read from the source: every `crate::…` and `super::…` path
//! outside comments is an edge to the deepest module it names, and a parent uses the children it
//! declares; a child naming its own ancestor is how modules nest and is not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each module's path (`auth::tokens`, `routes::api`) with the code of its file, comments removed.
fn modules(crate_folder: &str) -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(crate_folder)
        .join("src");
    let mut found = BTreeMap::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let relative = path.strip_prefix(&root).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts
                .last()
                .is_some_and(|last| last == "mod" || last == "lib")
            {
                parts.pop();
            }
            let code: String = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            found.insert(parts.join("::"), code);
        }
    }
    found
}

/// What the crate root re-exports (`pub use state::{AppState, Config};`): each name and the
/// module it comes from, so `crate::AppState` counts as a use of `state`.
fn root_reexports(root: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for statement in root.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.split_once("::") else {
            continue;
        };
        for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
            let name = item.trim().rsplit("::").next().unwrap_or("").trim();
            if !name.is_empty() {
                names.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    names
}

/// The paths a use of `prefix` names: `a::b` for `crate::a::b`, and each item of a group
/// (`crate::{a::X, b::{Y, Z}}` names `a::X`, `b::Y` and `b::Z`).
fn expand(rest: &str) -> Vec<String> {
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 1;
        let end = group
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(group.len(), |(at, _)| at);
        let mut items = Vec::new();
        let mut depth = 0;
        let mut start = 0;
        let inner = &group[..end];
        for (at, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.extend(expand(inner[start..at].trim()));
                    start = at + 1;
                }
                _ => {}
            }
        }
        items.extend(expand(inner[start..].trim()));
        return items;
    }
    let path: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':' || *c == '{')
        .collect();
    match path.split_once("::{") {
        Some((head, _)) => {
            let at = rest.find("::{").unwrap() + 2;
            expand(&rest[at..])
                .into_iter()
                .map(|tail| format!("{head}::{tail}"))
                .collect()
        }
        None => vec![path.trim_end_matches(':').to_owned()],
    }
}

/// The modules `code` (of module `from`) refers to.
fn references(
    from: &str,
    code: &str,
    known: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let parent = from.rsplit_once("::").map_or("", |(parent, _)| parent);
    let mut targets = BTreeSet::new();
    for (prefix, base) in [("crate::", String::new()), ("super::", parent.to_owned())] {
        for (at, _) in code.match_indices(prefix) {
            // `cohort_store::…` and the like are other crates, not this one's `crate::`.
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            for path in expand(&code[at + prefix.len()..]) {
                let mut segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
                // `crate::AppState` is `crate::state::AppState` under another name.
                let through_root;
                if base.is_empty() && !segments.is_empty() && !known.contains(segments[0]) {
                    if let Some(module) = reexports.get(segments[0]) {
                        through_root = module.clone();
                        segments.insert(0, &through_root);
                    }
                }
                let mut candidate = base.clone();
                let mut deepest = None;
                for segment in segments {
                    if !candidate.is_empty() {
                        candidate.push_str("::");
                    }
                    candidate.push_str(segment);
                    if known.contains(&candidate) {
                        deepest = Some(candidate.clone());
                    }
                }
                // A child using what its parent declares or re-exports (`super::Message`) is how
                // Rust modules nest, not an import cycle; only the other direction counts.
                if let Some(target) = deepest.or_else(|| (!base.is_empty()).then(|| base.clone())) {
                    let is_ancestor = from.starts_with(&format!("{target}::"));
                    if target != from && !target.is_empty() && !is_ancestor {
                        targets.insert(target);
                    }
                }
            }
        }
    }
    // A parent uses the children it declares (`mod tokens;` and then `tokens::…`).
    for child in known {
        if let Some(name) = child
            .strip_prefix(from)
            .and_then(|rest| rest.strip_prefix("::"))
            .filter(|rest| !rest.contains("::"))
        {
            if code.contains(&format!("mod {name};")) && !from.is_empty() {
                targets.insert(child.clone());
            }
        }
    }
    targets
}

/// Each module of the crate in `crate_folder` with the modules it uses.
fn graph(crate_folder: &str) -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules(crate_folder);
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    let reexports = root_reexports(&modules[""]);
    modules
        .iter()
        .map(|(name, code)| (name.clone(), references(name, code, &known, &reexports)))
        .collect()
}

#[test]
fn no_module_of_the_use_case_crate_imports_a_module_that_imports_it() {
    let edges = graph("cohort-app");
    assert!(
        edges["pools"].contains("jobs")
            && edges["assessment::advance"].contains("assessment::scoring"),
        "the graph is read: {edges:#?}"
    );
    assert_no_cycles(&edges);
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    let edges = graph("cohort-web");
    assert!(
        edges["auth"].contains("auth::tokens")
            && edges["pages"].contains("auth::policy")
            && edges["state"].contains("auth::tokens")
            && edges["routes::staff::application"].contains("routes::assessment::results"),
        "the graph is read: {edges:#?}"
    );
    assert_no_cycles(&edges);
}

fn assert_no_cycles(edges: &BTreeMap<String, BTreeSet<String>>) {
    // A module on a cycle reaches itself.
    let mut cycles = Vec::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == start {
                    cycles.push(format!("{} -> {start}", path.join(" -> ")));
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}
