//! Problem packages in the Kattis problem package format (also used by DOMjudge and the ICPC).
//!
//! A package is a directory with `problem.yaml`, `data/sample/` and `data/secret/` holding
//! `.in`/`.ans` pairs (possibly in nested groups with `testdata.yaml`), optional
//! `output_validators/`, and `submissions/` sorted by expected verdict. [`Problem::load`] reads
//! it once into these types; nothing else reads the package's metadata files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::validate::DefaultValidator;

/// A loaded problem.
#[derive(Debug, Clone)]
pub struct Problem {
    pub root: PathBuf,
    /// The short name: the package directory's name.
    pub short_name: String,
    pub name: String,
    pub scoring: bool,
    pub checking: Checking,
    pub time_limit: Duration,
    /// Where the time limit came from. When the package sets none, `judge verify` computes it
    /// from the accepted submissions, as problemtools does.
    pub time_limit_source: TimeLimitSource,
    pub time_multipliers: TimeMultipliers,
    pub memory_mib: u64,
    pub output_mib: u64,
    /// `input_validators/` (or `input_validator/`): programs (a file or a folder each) that
    /// accept every valid test input with exit code 42.
    pub input_validators: Vec<PathBuf>,
    /// A multi-pass problem: at most this many passes per case (`validation_passes`).
    pub passes: Option<u32>,
    /// The whole `data/` tree.
    pub data: TestGroup,
}

/// Where a problem's time limit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum TimeLimitSource {
    /// `limits: time_limit` in `problem.yaml`.
    ProblemYaml,
    /// The `.timelimit` file problemtools writes.
    TimelimitFile,
    /// `timelimit` in DOMjudge's `domjudge-problem.ini`.
    DomjudgeIni,
    /// Nothing: the one-second default, until verification computes one.
    Default,
}

/// How a time limit is derived from the slowest accepted submission, and how far above it a
/// too-slow submission must be (the problem format's `time_multipliers`, or the legacy
/// `time_multiplier` and `time_safety_margin`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct TimeMultipliers {
    pub ac_to_time_limit: f64,
    pub time_limit_to_tle: f64,
    /// Computed limits are rounded up to a multiple of this many seconds.
    pub time_resolution: f64,
}

impl TimeMultipliers {
    /// The time limit for a slowest accepted run of `slowest`: its multiple, rounded up to
    /// the resolution, at least one resolution step.
    pub fn limit_for(&self, slowest: Duration) -> Duration {
        let exact = slowest.as_secs_f64() * self.ac_to_time_limit;
        let steps = (exact / self.time_resolution).ceil().max(1.0);
        Duration::from_secs_f64(steps * self.time_resolution)
    }
}

/// How output is checked.
#[derive(Debug, Clone)]
pub enum Checking {
    Default(DefaultValidator),
    /// A program run as `validator input answer feedback_dir [flags] < output`.
    Custom {
        validator: PathBuf,
        flags: Vec<String>,
    },
    /// A program that talks to the submission over pipes.
    Interactive {
        validator: PathBuf,
        flags: Vec<String>,
    },
}

/// How a group's result is made from its parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Aggregate {
    Sum,
    Min,
    Max,
    Average,
}

/// How a group's verdict is made from its parts' verdicts (the Kattis default grader's flags).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VerdictRule {
    /// The worst by the order JE, RTE, MLE, TLE, OLE, WA (the default).
    WorstError,
    /// The first rejection in order.
    FirstError,
    /// Always accepted (the score tells).
    AlwaysAccept,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupSettings {
    /// Stop judging the group at its first rejected case.
    pub stop_on_reject: bool,
    pub accept_score: f64,
    pub reject_score: f64,
    pub aggregate: Aggregate,
    pub verdicts: VerdictRule,
    /// Accepted when any part is, whatever the others (with a partial score).
    pub accept_if_any_accepted: bool,
    /// The `sample` subgroup counts for neither verdict nor score.
    pub ignore_sample: bool,
    /// Arguments for the input validators on this group's cases.
    pub input_validator_flags: Vec<String>,
}

impl Default for GroupSettings {
    fn default() -> Self {
        GroupSettings {
            stop_on_reject: true,
            accept_score: 1.0,
            reject_score: 0.0,
            aggregate: Aggregate::Sum,
            verdicts: VerdictRule::WorstError,
            accept_if_any_accepted: false,
            ignore_sample: false,
            input_validator_flags: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TestCase {
    /// Path under `data/` without the extension: `secret/group1/03-max`.
    pub name: String,
    pub input: PathBuf,
    /// The `.ans` file; a package with a custom validator may leave it out.
    pub answer: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct TestGroup {
    /// Path under `data/`: "" for the root, `sample`, `secret/group1`.
    pub name: String,
    pub settings: GroupSettings,
    pub cases: Vec<TestCase>,
    pub groups: Vec<TestGroup>,
}

impl TestGroup {
    /// Every case with the input validator flags of its group, in judging order.
    pub fn cases_with_input_flags(&self) -> Vec<(&TestCase, &[String])> {
        let mut cases: Vec<(&TestCase, &[String])> = self
            .cases
            .iter()
            .map(|case| (case, self.settings.input_validator_flags.as_slice()))
            .collect();
        for group in &self.groups {
            cases.extend(group.cases_with_input_flags());
        }
        cases
    }

    /// Every case of the group and its subgroups, in judging order.
    pub fn all_cases(&self) -> Vec<&TestCase> {
        let mut cases: Vec<&TestCase> = self.cases.iter().collect();
        for group in &self.groups {
            cases.extend(group.all_cases());
        }
        cases
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{path}: {message}")]
pub struct PackageError {
    pub path: String,
    pub message: String,
}

fn error(path: &Path, message: impl Into<String>) -> PackageError {
    PackageError {
        path: path.display().to_string(),
        message: message.into(),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ProblemYaml {
    /// Absent or `legacy` in the legacy format; `2023-07-draft` (or later) otherwise.
    problem_format_version: Option<String>,
    name: Option<yaml_serde::Value>,
    /// Legacy: `pass-fail` or `scoring`. 2023-07: one of those and `interactive`,
    /// `multi-pass`, `submit-answer`, as a list or separated by spaces.
    #[serde(rename = "type")]
    kind: Option<yaml_serde::Value>,
    validation: Option<String>,
    validator_flags: Option<String>,
    limits: Option<LimitsYaml>,
}

#[derive(Debug, Default, Deserialize)]
struct LimitsYaml {
    time_limit: Option<f64>,
    /// Legacy names of the two multipliers.
    time_multiplier: Option<f64>,
    time_safety_margin: Option<f64>,
    time_multipliers: Option<TimeMultipliersYaml>,
    time_resolution: Option<f64>,
    validation_passes: Option<u32>,
    memory: Option<u64>,
    output: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct TimeMultipliersYaml {
    ac_to_time_limit: Option<f64>,
    time_limit_to_tle: Option<f64>,
}

#[derive(Debug, Default, Deserialize, Clone)]
struct TestdataYaml {
    on_reject: Option<String>,
    accept_score: Option<f64>,
    reject_score: Option<f64>,
    grader_flags: Option<String>,
    input_validator_flags: Option<String>,
    output_validator_flags: Option<String>,
}

/// Defaults when the package says nothing: Kattis's output limit, a memory limit that suits an
/// assessment, and a one-second time limit.
const DEFAULT_TIME_LIMIT: f64 = 1.0;
const DEFAULT_MEMORY_MIB: u64 = 1024;
const DEFAULT_OUTPUT_MIB: u64 = 8;

impl Problem {
    /// The same problem with only its sample tests (`data/sample`): what a candidate's "run the
    /// samples" is judged on. Hidden tests are not in it.
    pub fn samples_only(&self) -> Problem {
        let mut problem = self.clone();
        problem.data.cases.clear();
        problem.data.groups.retain(|group| group.name == "sample");
        problem
    }

    pub fn load(root: &Path) -> Result<Problem, PackageError> {
        let yaml_path = root.join("problem.yaml");
        let yaml = read_problem_yaml(&yaml_path)?;
        let short_name = short_name_of(root);
        let name = display_name(yaml.name.as_ref(), &short_name);
        let legacy = yaml
            .problem_format_version
            .as_deref()
            .is_none_or(|version| version.starts_with("legacy"));
        let types = problem_types(yaml.kind.as_ref()).map_err(|m| error(&yaml_path, m))?;
        if types.iter().any(|t| t == "submit-answer") {
            return Err(error(
                &yaml_path,
                "type submit-answer is not supported by Cohort's judge",
            ));
        }
        let scoring = types.iter().any(|t| t == "scoring");
        let multi_pass = is_multi_pass(&yaml, &types);
        let checking = checking_of(root, &yaml_path, &yaml, &types, multi_pass)?;
        let limits = yaml.limits.unwrap_or_default();
        let passes = passes_of(multi_pass, limits.validation_passes, &yaml_path)?;
        let (time_limit, time_limit_source) = time_limit_of(root, &limits, &yaml_path)?;
        let time_multipliers = time_multipliers_of(&limits, legacy, &yaml_path)?;
        let answers_needed = matches!(checking, Checking::Default(_));
        let data = load_data(root, answers_needed)?;
        Ok(Problem {
            root: root.to_path_buf(),
            short_name,
            name,
            scoring,
            checking,
            time_limit: Duration::from_secs_f64(time_limit),
            time_limit_source,
            time_multipliers,
            input_validators: find_input_validators(root),
            passes,
            memory_mib: limits
                .memory
                .unwrap_or(DEFAULT_MEMORY_MIB)
                .clamp(16, 64 * 1024),
            output_mib: limits.output.unwrap_or(DEFAULT_OUTPUT_MIB).clamp(1, 4096),
            data,
        })
    }
}

/// `problem.yaml`, which must exist; an empty one means every default.
fn read_problem_yaml(yaml_path: &Path) -> Result<ProblemYaml, PackageError> {
    let text = fs::read_to_string(yaml_path)
        .map_err(|e| error(yaml_path, format!("cannot be read: {e}")))?;
    if text.trim().is_empty() {
        Ok(ProblemYaml::default())
    } else {
        yaml_serde::from_str(&text).map_err(|e| error(yaml_path, e.to_string()))
    }
}

/// The package directory's name, or `problem` when it has none.
fn short_name_of(root: &Path) -> String {
    root.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "problem".into())
}

/// The problem's name from `problem.yaml` (in English, where it gives several), else the
/// short name.
fn display_name(name: Option<&yaml_serde::Value>, short_name: &str) -> String {
    match name {
        Some(yaml_serde::Value::String(name)) => name.clone(),
        // The newer format maps language codes to names.
        Some(yaml_serde::Value::Mapping(names)) => names
            .get("en")
            .or_else(|| names.values().next())
            .and_then(|v| v.as_str())
            .unwrap_or(short_name)
            .to_owned(),
        _ => short_name.to_owned(),
    }
}

/// Whether the problem is multi-pass: by its type (2023-07) or its `validation` (legacy).
fn is_multi_pass(yaml: &ProblemYaml, types: &[String]) -> bool {
    types.iter().any(|t| t == "multi-pass")
        || yaml
            .validation
            .as_deref()
            .is_some_and(|v| v.contains("multi-pass"))
}

/// How output is checked: by the default validator with its flags, or by the package's own
/// output validator, which interactive and multi-pass problems always need.
fn checking_of(
    root: &Path,
    yaml_path: &Path,
    yaml: &ProblemYaml,
    types: &[String],
    multi_pass: bool,
) -> Result<Checking, PackageError> {
    // Legacy packages give output validator flags in problem.yaml; 2023-07 packages in
    // data/testdata.yaml (those of the whole test data are used for every case).
    let mut flags_text = yaml.validator_flags.clone().unwrap_or_default();
    if let Some(flags) = read_root_output_validator_flags(root)? {
        flags_text = format!("{flags_text} {flags}");
    }
    let validation = yaml.validation.as_deref().unwrap_or("default");
    let mut validation_words = validation.split_whitespace();
    let (custom, interactive) = match validation_words.next() {
        Some("default") => (false, false),
        Some("custom") => (true, validation_words.any(|w| w == "interactive")),
        _ => {
            return Err(error(
                yaml_path,
                format!("validation \"{validation}\" is not default or custom"),
            ))
        }
    };
    let interactive = interactive || types.iter().any(|t| t == "interactive");
    // The 2023-07 format has no `validation` field: a package with an output validator
    // uses it.
    let custom = custom || interactive || multi_pass || root.join("output_validator").exists();
    if custom {
        let validator = find_validator(root)?;
        let flags = flags_text.split_whitespace().map(str::to_owned).collect();
        if interactive {
            Ok(Checking::Interactive { validator, flags })
        } else {
            Ok(Checking::Custom { validator, flags })
        }
    } else {
        Ok(Checking::Default(
            DefaultValidator::from_flags(&flags_text).map_err(|m| error(yaml_path, m))?,
        ))
    }
}

/// The most passes per case of a multi-pass problem (two unless `validation_passes` says),
/// `None` for any other problem.
fn passes_of(
    multi_pass: bool,
    validation_passes: Option<u32>,
    yaml_path: &Path,
) -> Result<Option<u32>, PackageError> {
    match (multi_pass, validation_passes) {
        (false, _) => Ok(None),
        (true, None) => Ok(Some(2)),
        (true, Some(passes)) if (2..=100).contains(&passes) => Ok(Some(passes)),
        (true, Some(passes)) => Err(error(
            yaml_path,
            format!("validation_passes {passes} is not between 2 and 100"),
        )),
    }
}

/// The time limit in seconds and where it came from: `problem.yaml`, else `.timelimit`, else
/// DOMjudge's ini file, else the default.
fn time_limit_of(
    root: &Path,
    limits: &LimitsYaml,
    yaml_path: &Path,
) -> Result<(f64, TimeLimitSource), PackageError> {
    let (time_limit, time_limit_source) = match limits.time_limit {
        Some(seconds) => (seconds, TimeLimitSource::ProblemYaml),
        None => match read_timelimit_file(root)? {
            Some(seconds) => (seconds, TimeLimitSource::TimelimitFile),
            None => match read_domjudge_time_limit(root)? {
                Some(seconds) => (seconds, TimeLimitSource::DomjudgeIni),
                None => (DEFAULT_TIME_LIMIT, TimeLimitSource::Default),
            },
        },
    };
    if !(time_limit > 0.0 && time_limit <= 60.0) {
        return Err(error(
            yaml_path,
            format!("time limit {time_limit} s is not between 0 and 60 seconds"),
        ));
    }
    Ok((time_limit, time_limit_source))
}

/// The time multipliers, from `time_multipliers`, else the legacy fields, else the defaults of
/// the package's format version.
fn time_multipliers_of(
    limits: &LimitsYaml,
    legacy: bool,
    yaml_path: &Path,
) -> Result<TimeMultipliers, PackageError> {
    let multipliers = limits.time_multipliers.as_ref();
    // The legacy format's defaults are 5 and 2; the 2023-07 format's 2 and 1.5.
    let (ac_default, tle_default) = if legacy { (5.0, 2.0) } else { (2.0, 1.5) };
    let time_multipliers = TimeMultipliers {
        ac_to_time_limit: multipliers
            .and_then(|m| m.ac_to_time_limit)
            .or(limits.time_multiplier)
            .unwrap_or(ac_default),
        time_limit_to_tle: multipliers
            .and_then(|m| m.time_limit_to_tle)
            .or(limits.time_safety_margin)
            .unwrap_or(tle_default),
        time_resolution: limits.time_resolution.unwrap_or(1.0),
    };
    if time_multipliers.ac_to_time_limit < 1.0
        || time_multipliers.time_limit_to_tle < 1.0
        || time_multipliers.time_resolution <= 0.0
    {
        return Err(error(
            yaml_path,
            "time multipliers must be at least 1 and the time resolution above 0",
        ));
    }
    Ok(time_multipliers)
}

/// The whole `data/` tree, which must hold at least one test case.
fn load_data(root: &Path, answers_needed: bool) -> Result<TestGroup, PackageError> {
    let data_path = root.join("data");
    if !data_path.is_dir() {
        return Err(error(&data_path, "is missing: a package needs test data"));
    }
    let root_settings = GroupSettings::default();
    let data = load_group(
        &data_path,
        "",
        &TestdataYaml::default(),
        &root_settings,
        answers_needed,
    )?;
    if data.all_cases().is_empty() {
        return Err(error(
            &data_path,
            "holds no test cases (.in and .ans pairs)",
        ));
    }
    Ok(data)
}

fn read_timelimit_file(root: &Path) -> Result<Option<f64>, PackageError> {
    let path = root.join(".timelimit");
    match fs::read_to_string(&path) {
        Ok(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| error(&path, "is not a number of seconds")),
        Err(_) => Ok(None),
    }
}

/// The types a `type` field names (2023-07: a list or words; legacy: one word).
fn problem_types(kind: Option<&yaml_serde::Value>) -> Result<Vec<String>, String> {
    let words: Vec<String> = match kind {
        None => vec!["pass-fail".into()],
        Some(yaml_serde::Value::String(text)) => {
            text.split_whitespace().map(str::to_owned).collect()
        }
        Some(yaml_serde::Value::Sequence(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| "type must be a word or a list of words".to_string())
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("type must be a word or a list of words".into()),
    };
    for word in &words {
        if ![
            "pass-fail",
            "scoring",
            "interactive",
            "multi-pass",
            "submit-answer",
        ]
        .contains(&word.as_str())
        {
            return Err(format!(
                "type \"{word}\" is not pass-fail, scoring, interactive, multi-pass or submit-answer"
            ));
        }
    }
    if words.iter().any(|w| w == "pass-fail") && words.iter().any(|w| w == "scoring") {
        return Err("type cannot be both pass-fail and scoring".into());
    }
    Ok(words)
}

/// `output_validator_flags` of `data/testdata.yaml`.
fn read_root_output_validator_flags(root: &Path) -> Result<Option<String>, PackageError> {
    let path = root.join("data/testdata.yaml");
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(None);
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    let yaml: TestdataYaml =
        yaml_serde::from_str(&text).map_err(|e| error(&path, e.to_string()))?;
    Ok(yaml.output_validator_flags)
}

/// `timelimit = 2` (quoted or not) from DOMjudge's `domjudge-problem.ini`.
fn read_domjudge_time_limit(root: &Path) -> Result<Option<f64>, PackageError> {
    let path = root.join("domjudge-problem.ini");
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(None);
    };
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() == "timelimit" {
            let value = value.trim().trim_matches(|c| c == '\'' || c == '"');
            return value
                .parse()
                .map(Some)
                .map_err(|_| error(&path, format!("timelimit \"{value}\" is not a number")));
        }
    }
    Ok(None)
}

/// The programs in a validator folder: each subfolder is one program, and so is each file,
/// except that a folder holding only files (sources and their headers) is one program itself.
fn programs_in(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut entries: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| !file_name_of(p).starts_with('.'))
        .collect();
    entries.sort();
    entries
}

fn file_name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The output validator, a single program: `output_validator/` (2023-07: the folder is the
/// program, or holds it in one subfolder), or `output_validators/` holding one program's
/// folder, or the program's files themselves.
fn find_validator(root: &Path) -> Result<PathBuf, PackageError> {
    for folder in [
        root.join("output_validator"),
        root.join("output_validators"),
    ] {
        if !folder.is_dir() {
            continue;
        }
        let entries = programs_in(&folder);
        let folders: Vec<&PathBuf> = entries.iter().filter(|p| p.is_dir()).collect();
        let has_files = entries.iter().any(|p| p.is_file());
        return match (folders.as_slice(), has_files) {
            (_, true) => Ok(folder),
            ([only], false) => Ok((*only).clone()),
            ([], false) => Err(error(&folder, "holds no validator")),
            (_, false) => Err(error(
                &folder,
                "holds more than one validator; a problem has one output validator",
            )),
        };
    }
    Err(error(
        &root.join("output_validators"),
        "is missing, but problem.yaml asks for a custom validator",
    ))
}

/// Input validators: each file or folder of `input_validators/` (or `input_validator/`).
fn find_input_validators(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for folder in [root.join("input_validators"), root.join("input_validator")] {
        found.extend(programs_in(&folder));
    }
    found
}

fn load_group(
    directory: &Path,
    name: &str,
    inherited: &TestdataYaml,
    inherited_settings: &GroupSettings,
    answers_needed: bool,
) -> Result<TestGroup, PackageError> {
    let testdata_path = directory.join("testdata.yaml");
    let (yaml, settings) = match fs::read_to_string(&testdata_path) {
        Ok(text) => {
            let yaml: TestdataYaml = if text.trim().is_empty() {
                TestdataYaml::default()
            } else {
                yaml_serde::from_str(&text).map_err(|e| error(&testdata_path, e.to_string()))?
            };
            let settings = settings_of(&yaml, &testdata_path)?;
            (yaml, settings)
        }
        // Without its own testdata.yaml a group inherits its parent's.
        Err(_) => (inherited.clone(), inherited_settings.clone()),
    };
    let mut inputs: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut subdirectories = Vec::new();
    let entries = fs::read_dir(directory).map_err(|e| error(directory, e.to_string()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        // Symbolic links are followed: packages use them to share cases between groups.
        if path.is_dir() {
            subdirectories.push(path);
        } else if path.extension().is_some_and(|e| e == "in") {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            inputs.insert(stem, path);
        }
    }
    let mut cases = Vec::new();
    for (stem, input) in inputs {
        let answer = Some(input.with_extension("ans")).filter(|a| a.is_file());
        if answer.is_none() && answers_needed {
            return Err(error(
                &input,
                "has no matching .ans file (only a custom output validator can do without)",
            ));
        }
        let case_name = if name.is_empty() {
            stem
        } else {
            format!("{name}/{stem}")
        };
        cases.push(TestCase {
            name: case_name,
            input,
            answer,
        });
    }
    subdirectories.sort();
    let mut groups = Vec::new();
    for subdirectory in subdirectories {
        let child = subdirectory
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let child_name = if name.is_empty() {
            child
        } else {
            format!("{name}/{child}")
        };
        // Samples are shown to candidates; by Kattis convention they score nothing.
        let mut child_settings = settings.clone();
        if child_name == "sample" && !subdirectory.join("testdata.yaml").exists() {
            child_settings.accept_score = 0.0;
        }
        let group = load_group(
            &subdirectory,
            &child_name,
            &yaml,
            &child_settings,
            answers_needed,
        )?;
        if !group.all_cases().is_empty() {
            groups.push(group);
        }
    }
    Ok(TestGroup {
        name: name.to_owned(),
        settings,
        cases,
        groups,
    })
}

fn settings_of(yaml: &TestdataYaml, path: &Path) -> Result<GroupSettings, PackageError> {
    let mut settings = GroupSettings::default();
    match yaml.on_reject.as_deref() {
        None | Some("break") => settings.stop_on_reject = true,
        Some("continue") => settings.stop_on_reject = false,
        Some(other) => {
            return Err(error(
                path,
                format!("on_reject \"{other}\" is not break or continue"),
            ))
        }
    }
    if let Some(score) = yaml.accept_score {
        settings.accept_score = score;
    }
    if let Some(score) = yaml.reject_score {
        settings.reject_score = score;
    }
    settings.input_validator_flags = yaml
        .input_validator_flags
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    for flag in yaml
        .grader_flags
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
    {
        match flag {
            "min" => settings.aggregate = Aggregate::Min,
            "sum" => settings.aggregate = Aggregate::Sum,
            "max" => settings.aggregate = Aggregate::Max,
            "avg" => settings.aggregate = Aggregate::Average,
            "worst_error" | "no_errors" => settings.verdicts = VerdictRule::WorstError,
            "first_error" => settings.verdicts = VerdictRule::FirstError,
            "always_accept" => settings.verdicts = VerdictRule::AlwaysAccept,
            "accept_if_any_accepted" => settings.accept_if_any_accepted = true,
            "ignore_sample" => settings.ignore_sample = true,
            other => return Err(error(path, format!("unknown grader flag \"{other}\""))),
        }
    }
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn a_minimal_package_loads_with_defaults() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "problem.yaml", "name: Sum\n");
        write(dir.path(), "data/sample/1.in", "1 2\n");
        write(dir.path(), "data/sample/1.ans", "3\n");
        write(dir.path(), "data/secret/2.in", "2 2\n");
        write(dir.path(), "data/secret/2.ans", "4\n");
        let problem = Problem::load(dir.path()).unwrap();
        assert_eq!(problem.name, "Sum");
        assert!(!problem.scoring);
        assert_eq!(problem.time_limit, Duration::from_secs(1));
        let names: Vec<&str> = problem
            .data
            .all_cases()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["sample/1", "secret/2"]);
        assert!(matches!(problem.checking, Checking::Default(_)));
    }

    #[test]
    fn groups_take_their_settings_from_testdata_yaml_and_pass_them_down() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "problem.yaml",
            "type: scoring\nlimits:\n  time_limit: 2.5\n  memory: 512\nvalidator_flags: float_tolerance 1e-6\n",
        );
        write(dir.path(), "data/sample/1.in", "");
        write(dir.path(), "data/sample/1.ans", "");
        write(
            dir.path(),
            "data/secret/g1/testdata.yaml",
            "on_reject: continue\naccept_score: 30\ngrader_flags: min\n",
        );
        write(dir.path(), "data/secret/g1/a.in", "");
        write(dir.path(), "data/secret/g1/a.ans", "");
        write(dir.path(), "data/secret/g1/deeper/b.in", "");
        write(dir.path(), "data/secret/g1/deeper/b.ans", "");
        let problem = Problem::load(dir.path()).unwrap();
        assert!(problem.scoring);
        assert_eq!(problem.time_limit, Duration::from_millis(2500));
        assert_eq!(problem.memory_mib, 512);
        let Checking::Default(validator) = &problem.checking else {
            panic!("default validation expected");
        };
        assert_eq!(validator.float_absolute_tolerance, Some(1e-6));
        let sample = &problem.data.groups[0];
        assert_eq!(sample.name, "sample");
        let names: Vec<String> = problem
            .samples_only()
            .data
            .all_cases()
            .iter()
            .map(|c| c.name.clone())
            .collect();
        assert!(
            names.iter().all(|n| n.starts_with("sample/")) && !names.is_empty(),
            "{names:?}"
        );
        assert_eq!(sample.settings.accept_score, 0.0);
        let g1 = &problem.data.groups[1].groups[0];
        assert_eq!(g1.name, "secret/g1");
        assert_eq!(g1.settings.aggregate, Aggregate::Min);
        assert!(!g1.settings.stop_on_reject);
        assert_eq!(g1.settings.accept_score, 30.0);
        assert_eq!(g1.groups[0].settings, g1.settings, "inherited");
    }

    #[test]
    fn broken_packages_are_refused_with_the_file_and_reason() {
        let dir = tempfile::tempdir().unwrap();
        let missing = Problem::load(dir.path()).unwrap_err();
        assert!(missing.path.ends_with("problem.yaml"), "{missing}");

        write(dir.path(), "problem.yaml", "validation: custom\n");
        write(dir.path(), "data/secret/1.in", "");
        write(dir.path(), "data/secret/1.ans", "");
        let no_validator = Problem::load(dir.path()).unwrap_err();
        assert!(
            no_validator.message.contains("custom validator"),
            "{no_validator}"
        );

        write(
            dir.path(),
            "problem.yaml",
            "validator_flags: float_tolerence 1\n",
        );
        assert!(Problem::load(dir.path())
            .unwrap_err()
            .message
            .contains("unknown validator flag"));

        write(dir.path(), "problem.yaml", "limits:\n  time_limit: -1\n");
        assert!(Problem::load(dir.path()).is_err());

        write(dir.path(), "problem.yaml", "");
        write(dir.path(), "data/secret/2.in", "");
        let unpaired = Problem::load(dir.path()).unwrap_err();
        assert!(unpaired.message.contains(".ans"), "{unpaired}");
    }

    #[test]
    fn interactive_and_custom_validation_find_the_validator() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "problem.yaml",
            "validation: custom interactive\n",
        );
        write(
            dir.path(),
            "output_validators/guess/validator.cpp",
            "int main(){}",
        );
        write(dir.path(), "data/secret/1.in", "");
        write(dir.path(), "data/secret/1.ans", "");
        let problem = Problem::load(dir.path()).unwrap();
        let Checking::Interactive { validator, .. } = problem.checking else {
            panic!("interactive expected");
        };
        assert!(validator.ends_with("output_validators/guess"));
    }
}
