//! What the problem bank shows of a package: its statement, sample tests and starter code, read
//! once when the package is added. Hidden tests are never read here.

use crate::language::LanguageTable;
use crate::package::{PackageError, Problem};
use std::fs;
use std::path::Path;

/// Sample files longer than this are shown cut, with a note.
const MAX_SAMPLE_CHARS: usize = 16 * 1024;

/// The parts of a package that candidates and recruiters see.
#[derive(Debug, Clone)]
pub struct PackageSummary {
    pub problem: Problem,
    /// Markdown.
    pub statement: String,
    /// (name, input, answer) per sample; an interactive sample shows its interaction log as input.
    pub samples: Vec<(String, String, String)>,
    /// (language id, code) from `starter/`, one file per language.
    pub starters: Vec<(String, String)>,
    /// (file name, language id, code) of `submissions/accepted/`: known solutions, which
    /// candidates' code is compared with for plagiarism.
    pub accepted: Vec<(String, String, String)>,
    pub test_count: usize,
}

impl PackageSummary {
    /// Reads the package at `root`. Everything a page needs must be there: a Markdown statement
    /// and at least one sample.
    pub fn read(root: &Path, languages: &LanguageTable) -> Result<PackageSummary, PackageError> {
        let problem = Problem::load(root)?;
        // `statement/` in the 2023-07 format, `problem_statement/` in the legacy one.
        let statement_folder = ["statement", "problem_statement"]
            .iter()
            .map(|folder| root.join(folder))
            .find(|folder| folder.is_dir())
            .unwrap_or_else(|| root.join("statement"));
        let statement = ["problem.en.md", "problem.md"]
            .iter()
            .map(|name| statement_folder.join(name))
            .find(|path| path.is_file())
            .ok_or_else(|| PackageError {
                path: statement_folder.display().to_string(),
                message: "has no problem.en.md or problem.md: the statement must be Markdown"
                    .into(),
            })
            .and_then(|path| read_text(&path))?;

        let sample_folder = root.join("data/sample");
        // A sample is an input (.in), or for an interactive problem an interaction log
        // (.interaction), which may come without an input: then it is only shown.
        let mut stems: Vec<String> = fs::read_dir(&sample_folder)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.extension()
                            .is_some_and(|e| e == "in" || e == "interaction")
                    })
                    .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        stems.sort();
        stems.dedup();
        let mut samples = Vec::new();
        for name in stems {
            let input = sample_folder.join(format!("{name}.in"));
            let interaction = input.with_extension("interaction");
            let shown_input = if interaction.is_file() {
                read_text(&interaction)?
            } else {
                read_text(&input)?
            };
            let answer_path = input.with_extension("ans");
            let answer = if interaction.is_file() || !answer_path.is_file() {
                String::new()
            } else {
                read_text(&answer_path)?
            };
            samples.push((name, cut(shown_input), cut(answer)));
        }
        if samples.is_empty() {
            return Err(PackageError {
                path: sample_folder.display().to_string(),
                message: "holds no sample test (.in): candidates need at least one".into(),
            });
        }

        let mut starters = Vec::new();
        if let Ok(entries) = fs::read_dir(root.join("starter")) {
            let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            for file in files.into_iter().filter(|f| f.is_file()) {
                let language = languages.for_file(&file).map_err(|e| PackageError {
                    path: file.display().to_string(),
                    message: e.to_string(),
                })?;
                if starters.iter().any(|(id, _)| *id == language.id) {
                    return Err(PackageError {
                        path: file.display().to_string(),
                        message: format!("is a second starter for {}", language.name),
                    });
                }
                starters.push((language.id.clone(), read_text(&file)?));
            }
        }
        starters.sort();
        let mut accepted = Vec::new();
        if let Ok(entries) = fs::read_dir(root.join("submissions/accepted")) {
            let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            for file in files.into_iter().filter(|f| f.is_file()) {
                // A solution in a language this judge does not offer is not compared with anyone.
                if let (Ok(language), Ok(code)) =
                    (languages.for_file(&file), fs::read_to_string(&file))
                {
                    let name = file
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    accepted.push((name, language.id.clone(), code));
                }
            }
        }
        let test_count = problem.data.all_cases().len();
        Ok(PackageSummary {
            problem,
            statement,
            samples,
            starters,
            accepted,
            test_count,
        })
    }
}

fn read_text(path: &Path) -> Result<String, PackageError> {
    let bytes = fs::read(path).map_err(|e| PackageError {
        path: path.display().to_string(),
        message: format!("cannot be read: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|_| PackageError {
        path: path.display().to_string(),
        message: "is not UTF-8 text".into(),
    })
}

fn cut(text: String) -> String {
    if text.chars().count() <= MAX_SAMPLE_CHARS {
        return text;
    }
    let mut shown: String = text.chars().take(MAX_SAMPLE_CHARS).collect();
    shown.push_str("\n… (cut: the full file is in the package)\n");
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> LanguageTable {
        LanguageTable::builtin()
    }

    #[test]
    fn the_built_in_packages_have_a_statement_samples_and_starters_for_every_language() {
        let problems = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../problems");
        for slug in ["buildqueue", "firstbadcommit", "speedups"] {
            let summary = PackageSummary::read(&problems.join(slug), &table()).unwrap();
            assert!(summary.statement.starts_with('#'), "{slug}");
            assert!(!summary.samples.is_empty(), "{slug}");
            let languages: Vec<&str> = summary.starters.iter().map(|(l, _)| l.as_str()).collect();
            assert_eq!(languages, ["cpp", "java", "python3"], "{slug}");
            assert!(summary.test_count > summary.samples.len(), "{slug}");
            assert!(
                summary.accepted.len() >= 3,
                "{slug}: an accepted solution per language"
            );
        }
    }

    #[test]
    fn a_package_without_a_markdown_statement_is_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("problem.yaml"), "name: X\n").unwrap();
        fs::create_dir_all(dir.path().join("data/sample")).unwrap();
        fs::write(dir.path().join("data/sample/1.in"), "1\n").unwrap();
        fs::write(dir.path().join("data/sample/1.ans"), "1\n").unwrap();
        let error = PackageSummary::read(dir.path(), &table()).unwrap_err();
        assert!(error.message.contains("must be Markdown"), "{error}");
    }
}
