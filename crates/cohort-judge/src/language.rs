//! The language table: how to compile and run each language, as data.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The table shipped with Cohort: C++17, C, Python 3 and Java 17.
pub const DEFAULT_TABLE: &str = include_str!("../config/languages.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// Short name used on the command line and in results: `cpp`, `python3`, `java`.
    pub id: String,
    /// Human name: "C++20 (g++)".
    pub name: String,
    /// The Debian package that provides the language's tools, to say what to install.
    #[serde(default)]
    pub package: Option<String>,
    /// Find the class to run from the source (the one with `public static void main`), as
    /// Kattis does, instead of from the file name.
    #[serde(default)]
    pub main_class_from_source: bool,
    /// The runtime reserves far more address space than it uses, so it cannot run correctly
    /// under an address-space limit: without control groups it is refused.
    #[serde(default)]
    pub needs_control_groups: bool,
    /// File extensions (without the dot) that select this language.
    pub extensions: Vec<String>,
    /// The submission's file name inside the sandbox; may use `{class}`.
    pub source: String,
    /// For `{class}` when the submitted file's name is not a usable class name.
    #[serde(default)]
    pub default_class: Option<String>,
    /// The compile command, run in the sandbox in `/box`.
    pub compile: Vec<String>,
    /// Files (or `*suffix` patterns) of `/box` kept after compiling.
    pub artefacts: Vec<String>,
    /// The run command; the artefacts are at `/prog`.
    pub run: Vec<String>,
    /// The problem's time limit is multiplied by this for the language.
    pub time_multiplier: f64,
    /// Memory allowed on top of the problem's limit, for the runtime itself.
    pub extra_memory_mib: u64,
    /// Processes and threads a solution may have.
    pub processes: u32,
    /// Processes and threads the compiler may have.
    #[serde(default = "default_compile_processes")]
    pub compile_processes: u32,
    /// What the language's runtime writes to standard error when an allocation is refused
    /// (`std::bad_alloc`, `MemoryError`, `java.lang.OutOfMemoryError`): a program that dies
    /// saying one of these ran out of memory, whichever limit stopped it.
    #[serde(default)]
    pub out_of_memory_messages: Vec<String>,
    /// What the live coding pad shows when this language is chosen: a program that reads
    /// standard input and prints it back, to start from.
    #[serde(default)]
    pub starter: String,
}

fn default_compile_processes() -> u32 {
    32
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    language: Vec<Language>,
}

#[derive(Debug, thiserror::Error)]
pub enum LanguageError {
    #[error("the language table is not valid: {0}")]
    Invalid(String),
    #[error("no language called \"{0}\" (known: {1})")]
    Unknown(String, String),
    #[error("cannot tell the language of {0} from its extension; pass --lang (known: {1})")]
    NoExtension(String, String),
}

/// The languages in use.
#[derive(Debug, Clone)]
pub struct LanguageTable {
    languages: Vec<Language>,
}

impl LanguageTable {
    pub fn parse(text: &str) -> Result<LanguageTable, LanguageError> {
        let file: TableFile =
            toml::from_str(text).map_err(|e| LanguageError::Invalid(e.to_string()))?;
        for language in &file.language {
            if language.compile.is_empty() || language.run.is_empty() {
                return Err(LanguageError::Invalid(format!(
                    "{}: compile and run commands must not be empty",
                    language.id
                )));
            }
            if !(0.1..=20.0).contains(&language.time_multiplier) {
                return Err(LanguageError::Invalid(format!(
                    "{}: time_multiplier must be between 0.1 and 20",
                    language.id
                )));
            }
            if language.extra_memory_mib > 16 * 1024 || language.processes == 0 {
                return Err(LanguageError::Invalid(format!(
                    "{}: extra_memory_mib must be at most 16384 and processes at least 1",
                    language.id
                )));
            }
            if language.source.contains('/') || language.source.starts_with('.') {
                return Err(LanguageError::Invalid(format!(
                    "{}: source must be a plain file name",
                    language.id
                )));
            }
        }
        let mut ids: Vec<&str> = file.language.iter().map(|l| l.id.as_str()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|pair| pair[0] == pair[1]) {
            return Err(LanguageError::Invalid("two languages share an id".into()));
        }
        Ok(LanguageTable {
            languages: file.language,
        })
    }

    pub fn builtin() -> LanguageTable {
        LanguageTable::parse(DEFAULT_TABLE).expect("the shipped language table is valid")
    }

    pub fn all(&self) -> &[Language] {
        &self.languages
    }

    fn known(&self) -> String {
        self.languages
            .iter()
            .map(|l| l.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn by_id(&self, id: &str) -> Result<&Language, LanguageError> {
        self.languages
            .iter()
            .find(|l| l.id.eq_ignore_ascii_case(id))
            .ok_or_else(|| LanguageError::Unknown(id.to_owned(), self.known()))
    }

    /// The language of `path`, from its extension.
    pub fn for_file(&self, path: &Path) -> Result<&Language, LanguageError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        extension
            .and_then(|extension| {
                self.languages
                    .iter()
                    .find(|l| l.extensions.contains(&extension))
            })
            .ok_or_else(|| LanguageError::NoExtension(path.display().to_string(), self.known()))
    }
}

/// What a file is, as far as judging it goes.
#[derive(Debug)]
pub enum Recognised<'t> {
    Known(&'t Language),
    /// A language this table does not have: its name.
    Missing(String),
    /// A language the judge will not run: its name and why.
    Unsupported(String, &'static str),
}

/// Names of languages often found in contest packages, by file extension, for saying which
/// language a table lacks.
const OTHER_LANGUAGES: &[(&str, &str)] = &[
    ("php", "PHP"),
    ("hs", "Haskell"),
    ("rb", "Ruby"),
    ("ml", "OCaml"),
    ("scala", "Scala"),
    ("pl", "Prolog"),
    ("lisp", "Common Lisp"),
    ("cl", "Common Lisp"),
    ("kt", "Kotlin"),
    ("go", "Go"),
    ("rs", "Rust"),
    ("cs", "C#"),
    ("js", "JavaScript"),
    ("ts", "TypeScript"),
    ("swift", "Swift"),
    ("pas", "Pascal"),
    ("f90", "Fortran"),
    ("lua", "Lua"),
    ("d", "D"),
    ("ctd", "checktestdata"),
    ("viva", "VIVA"),
    ("sh", "shell"),
];

impl LanguageTable {
    /// The language of a submission from its file name and contents: a Python file that says
    /// it is Python 2 (a `python2` shebang or a `# python2` line) is recognised as such.
    pub fn recognise(&self, path: &Path, source: &[u8]) -> Recognised<'_> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if extension == "py" || extension == "py2" {
            let head = String::from_utf8_lossy(&source[..source.len().min(512)]).to_lowercase();
            let first_lines: Vec<&str> = head.lines().take(3).collect();
            let python2 = extension == "py2"
                || first_lines.iter().any(|l| {
                    l.starts_with("#!") && l.contains("python2") || l.trim() == "# python2"
                });
            if python2 {
                return Recognised::Unsupported(
                    "Python 2".into(),
                    "Python 2 is not supported; Python 3 is",
                );
            }
        }
        match self.for_file(path) {
            Ok(language) => Recognised::Known(language),
            Err(_) => Recognised::Missing(
                OTHER_LANGUAGES
                    .iter()
                    .find(|(e, _)| *e == extension)
                    .map_or_else(|| format!(".{extension} files"), |(_, n)| (*n).to_owned()),
            ),
        }
    }
}

/// The values substituted into a language's commands for one submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming {
    pub source: String,
    pub class: String,
}

impl Language {
    /// Whether `stderr`, the start of what a failed program wrote there, says it ran out of
    /// memory.
    pub fn ran_out_of_memory(&self, stderr: &str) -> bool {
        self.out_of_memory_messages
            .iter()
            .any(|message| stderr.contains(message.as_str()))
    }

    /// Why the language cannot run on this machine, if it cannot: a command it needs is
    /// missing (with the package to install).
    pub fn unavailable(&self) -> Option<String> {
        let missing = [self.compile.first(), self.run.first()]
            .into_iter()
            .flatten()
            .find(|program| {
                program.starts_with("/usr/") && !Path::new(program.as_str()).exists()
            })?;
        Some(match &self.package {
            Some(package) => format!("{missing} is missing: install the Debian package {package}"),
            None => format!("{missing} is missing"),
        })
    }

    /// The file name and class a submission gets inside the sandbox, from its name and, for a
    /// language that says so, from its source: Java needs the file named after its public
    /// class, and runs the class that has `main`.
    pub fn naming_for(&self, file_name: &str, source: &[u8]) -> Naming {
        let by_name = self.naming(file_name);
        if !self.main_class_from_source {
            return by_name;
        }
        let text = String::from_utf8_lossy(source);
        let Some((public, main)) = java_classes(&text) else {
            return by_name;
        };
        let file_class = public.unwrap_or_else(|| main.clone());
        Naming {
            source: self.source.replace("{class}", &file_class),
            class: main,
        }
    }

    /// The file name and class a submission called `file_name` gets inside the sandbox.
    pub fn naming(&self, file_name: &str) -> Naming {
        let stem = file_name
            .rsplit_once('.')
            .map_or(file_name, |(stem, _)| stem);
        let usable = !stem.is_empty()
            && stem
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let class = if usable {
            stem.to_owned()
        } else {
            self.default_class.clone().unwrap_or_else(|| "Main".into())
        };
        let source = self.source.replace("{class}", &class);
        Naming { source, class }
    }

    pub fn expand(&self, command: &[String], naming: &Naming, memory_mib: u64) -> Vec<String> {
        command
            .iter()
            .map(|part| {
                part.replace("{source}", &naming.source)
                    .replace("{class}", &naming.class)
                    .replace("{memory_mib}", &memory_mib.to_string())
            })
            .collect()
    }
}

/// In Java source: the public top-level class, if any, and the binary name of the class that
/// declares `static void main` (`Outer$Inner` for a nested one). Comments, strings and
/// character literals are skipped; braces tell which class a `main` belongs to.
fn java_classes(text: &str) -> Option<(Option<String>, String)> {
    #[derive(PartialEq)]
    enum Token {
        Word(String),
        Open,
        Close,
    }
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
            }
            '"' | '\'' => {
                let mut escaped = false;
                for next in chars.by_ref() {
                    if next == c && !escaped {
                        break;
                    }
                    escaped = next == '\\' && !escaped;
                }
            }
            '{' => tokens.push(Token::Open),
            '}' => tokens.push(Token::Close),
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let mut word = c.to_string();
                while let Some(&next) = chars.peek() {
                    if next.is_alphanumeric() || next == '_' || next == '$' {
                        word.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Word(word));
            }
            _ => {}
        }
    }
    // The classes whose bodies enclose the current token: (name, brace depth of the body).
    let mut classes: Vec<(String, usize)> = Vec::new();
    let mut pending: Option<String> = None;
    let mut depth = 0;
    let mut public = None;
    let mut main = None;
    for (index, token) in tokens.iter().enumerate() {
        let word = |offset: usize| match index.checked_sub(offset).map(|i| &tokens[i]) {
            Some(Token::Word(w)) => w.as_str(),
            _ => "",
        };
        match token {
            Token::Open => {
                depth += 1;
                if let Some(name) = pending.take() {
                    classes.push((name, depth));
                }
            }
            Token::Close => {
                if classes.last().is_some_and(|(_, d)| *d == depth) {
                    classes.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Token::Word(w) if w == "main" => {
                let is_main = word(1) == "void" && (2..=4).any(|back| word(back) == "static");
                if is_main && main.is_none() && !classes.is_empty() {
                    main = Some(
                        classes
                            .iter()
                            .map(|(name, _)| name.as_str())
                            .collect::<Vec<_>>()
                            .join("$"),
                    );
                }
            }
            Token::Word(w) if w == "class" || w == "record" || w == "enum" || w == "interface" => {
                if let Some(Token::Word(name)) = tokens.get(index + 1) {
                    pending = Some(name.clone());
                    let top_level = classes.is_empty();
                    let modifiers = (1..=3).any(|back| word(back) == "public");
                    if top_level && modifiers && public.is_none() {
                        public = Some(name.clone());
                    }
                }
            }
            Token::Word(_) => {}
        }
    }
    main.map(|main| (public, main))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_has_the_contest_languages() {
        let table = LanguageTable::builtin();
        for id in [
            "cpp",
            "c",
            "python3",
            "pypy3",
            "java",
            "kotlin",
            "javascript",
            "go",
            "rust",
            "csharp",
            "ruby",
            "php",
            "ocaml",
            "haskell",
            "lisp",
            "prolog",
            "scala",
        ] {
            assert!(table.by_id(id).is_ok(), "{id} is missing");
        }
    }

    #[test]
    fn the_language_follows_the_extension() {
        let table = LanguageTable::builtin();
        assert_eq!(table.for_file(Path::new("a/sol.CPP")).unwrap().id, "cpp");
        assert_eq!(table.for_file(Path::new("sol.py")).unwrap().id, "python3");
        assert_eq!(table.for_file(Path::new("Main.java")).unwrap().id, "java");
        let error = table
            .for_file(Path::new("sol.swift"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("--lang"), "{error}");
    }

    #[test]
    fn java_keeps_the_class_name_of_the_file_and_falls_back_to_main() {
        let java = LanguageTable::builtin().by_id("java").unwrap().clone();
        assert_eq!(
            java.naming("Solution.java"),
            Naming {
                source: "Solution.java".into(),
                class: "Solution".into()
            }
        );
        assert_eq!(java.naming("my-answer.java").class, "Main");
        let run = java.expand(&java.run, &java.naming("Solution.java"), 256);
        assert!(run.contains(&"-Xmx256m".to_string()));
        assert_eq!(run.last().unwrap(), "Solution");
    }

    #[test]
    fn java_runs_the_class_with_main_whatever_the_file_is_called() {
        let java = LanguageTable::builtin().by_id("java").unwrap().clone();
        let source = b"import java.util.*;\nclass Helper { int x; }\npublic class Solver {\n  public static void main(String[] args) {}\n}\n";
        assert_eq!(
            java.naming_for("answer.java", source),
            Naming {
                source: "Solver.java".into(),
                class: "Solver".into()
            }
        );
        let no_public = b"class Kattio {}\nclass Main2 { static public void main(String[] a) {} }";
        assert_eq!(java.naming_for("x.java", no_public).class, "Main2");
        assert_eq!(java.naming_for("x.java", no_public).source, "Main2.java");
        // Nested classes declared before main, and a main in a comment or string, do not count.
        let nested = b"public class outer_name {\n  static class Pt { int k; }\n  // static void main(x)\n  String s = \"static void main\";\n  public static void main(String[] a) {}\n}\n";
        assert_eq!(
            java.naming_for("outer_name.java", nested),
            Naming {
                source: "outer_name.java".into(),
                class: "outer_name".into()
            }
        );
    }

    #[test]
    fn python_2_is_recognised_and_refused_and_missing_languages_are_named() {
        let table = LanguageTable::builtin();
        let two = table.recognise(Path::new("a.py"), b"#!/usr/bin/env python2\nprint 1\n");
        assert!(matches!(two, Recognised::Unsupported(name, _) if name == "Python 2"));
        let three = table.recognise(Path::new("a.py3"), b"print(1)\n");
        assert!(matches!(three, Recognised::Known(l) if l.id == "python3"));
        let swift = table.recognise(Path::new("a.swift"), b"");
        assert!(matches!(swift, Recognised::Missing(name) if name == "Swift"));
    }

    #[test]
    fn a_language_whose_compiler_is_missing_names_the_package_to_install() {
        let mut language = LanguageTable::builtin().by_id("c").unwrap().clone();
        language.compile[0] = "/usr/bin/no-such-compiler".into();
        let why = language.unavailable().unwrap();
        assert!(why.contains("install the Debian package gcc"), "{why}");
    }

    #[test]
    fn a_table_with_mistakes_is_refused_with_the_reason() {
        let error = LanguageTable::parse(
            r#"[[language]]
id = "x"
name = "X"
extensions = ["x"]
source = "../x"
compile = ["/bin/true"]
artefacts = []
run = ["/bin/true"]
time_multiplier = 1.0
extra_memory_mib = 0
processes = 1
"#,
        )
        .unwrap_err();
        assert!(error.to_string().contains("plain file name"), "{error}");
        assert!(LanguageTable::parse("[[language]]\nid = 1").is_err());
    }
}
