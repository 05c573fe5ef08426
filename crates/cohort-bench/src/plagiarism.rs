//! The plagiarism detector's benchmarks: a season of 10,000 C++ submissions of one problem,
//! indexed and flagged one at a time as they would arrive, and the time to check one more
//! submission against the full index, each beside its floor (lexing the same sources, which any
//! detector must do).
//!
//! The submissions are generated from a fixed seed. Most are independent programs written from a
//! grammar of the statements such solutions are made of (reading pairs, loops over arrays, sorts,
//! running maxima), so they share the idioms real solutions share; 15 % are disguised copies of
//! eight base programs (renamed identifiers, reordered functions, inserted and removed statements,
//! added comments; a quarter of them with a statement inserted every few lines); a few are a
//! candidate's own resubmissions. Knowing which is which, the bench also reports how many copies
//! were flagged and how many independent programs were. Those two figures describe the generator
//! as much as the detector: real independent solutions share more idioms than generated ones,
//! which is what the crate's tests, on hand-written solutions, are for.

use std::time::Instant;

use cohort_plagiarism::lex::tokenize;
use cohort_plagiarism::{Config, Detector, Index, Language, Origin};

use crate::{measurement, percentile, Measurement};

const SUBMISSIONS: usize = 10_000;
const BASE_PROGRAMS: usize = 8;
/// Of every 100 submissions: 15 disguised copies, 3 resubmissions, the rest independent.
const COPIES_PER_HUNDRED: u64 = 15;
const RESUBMISSIONS_PER_HUNDRED: u64 = 3;
/// New submissions checked against the full index for the per-check latency.
const CHECKS: usize = 1_000;
/// Repetitions of the season, whose median is reported.
const SEASON_RUNS: usize = 3;

pub fn bench() -> anyhow::Result<Vec<Measurement>> {
    let detector = Detector::new(Language::CAndCpp, Config::default(), &[]);
    eprintln!("   generating {SUBMISSIONS} submissions");
    let season = Season::generate(SUBMISSIONS, 0x5EED_0FC0_4087);
    let lines: usize = season
        .submissions
        .iter()
        .map(|s| s.source.lines().count())
        .sum();
    let bytes: usize = season.submissions.iter().map(|s| s.source.len()).sum();
    eprintln!(
        "   {} lines per submission on average, {:.1} MB in all",
        lines / SUBMISSIONS,
        bytes as f64 / 1e6
    );
    let indexed = index_season(&detector, &season)?;
    let quality = season.judge(&indexed.flagged);
    let checks = check_newcomers(&detector, &indexed.index)?;
    let mut results = speed_measurements(&indexed, &checks).to_vec();
    results.extend(quality_measurements(&quality));
    Ok(results)
}

/// The season indexed and flagged one submission at a time, [`SEASON_RUNS`] times over.
struct IndexedSeason {
    /// Seconds to index and flag the whole season, one figure per run.
    season_seconds: Vec<f64>,
    /// Seconds to lex the same sources, one figure per run: the floor.
    lexing_seconds: Vec<f64>,
    /// The last run's index, holding the whole season.
    index: Index,
    /// The last run's flags: for each submission, the earlier submissions it was flagged against.
    flagged: Vec<Vec<usize>>,
}

/// Indexes and flags `season` in arrival order, [`SEASON_RUNS`] times, each run beside the time
/// to lex the same sources.
fn index_season(detector: &Detector, season: &Season) -> anyhow::Result<IndexedSeason> {
    eprintln!("   indexing and flagging the season, {SEASON_RUNS} times");
    let mut season_seconds = Vec::new();
    let mut lexing_seconds = Vec::new();
    let mut outcome = None;
    for _ in 0..SEASON_RUNS {
        let started = Instant::now();
        let mut tokens = 0;
        for submission in &season.submissions {
            tokens += tokenize(submission.source.as_bytes(), Language::CAndCpp).len();
        }
        lexing_seconds.push(started.elapsed().as_secs_f64());
        std::hint::black_box(tokens);

        let started = Instant::now();
        let mut index = Index::new(detector);
        let mut flagged = Vec::with_capacity(SUBMISSIONS);
        for (id, submission) in season.submissions.iter().enumerate() {
            let fingerprints = detector.fingerprint(submission.source.as_bytes());
            let matches = index.flag_and_add(id as i64, submission.origin, &fingerprints)?;
            flagged.push(
                matches
                    .into_iter()
                    .map(|m| m.submission_id as usize)
                    .collect(),
            );
        }
        season_seconds.push(started.elapsed().as_secs_f64());
        outcome = Some((index, flagged));
    }
    let (index, flagged): (Index, Vec<Vec<usize>>) = outcome.expect("at least one run");
    Ok(IndexedSeason {
        season_seconds,
        lexing_seconds,
        index,
        flagged,
    })
}

/// Milliseconds per new submission checked against the full index (`check_ms`), and to lex it
/// (`lex_ms`), over [`CHECKS`] newcomers.
struct Checks {
    check_ms: Vec<f64>,
    lex_ms: Vec<f64>,
}

/// Checks [`CHECKS`] newly generated submissions against `index` without adding them.
fn check_newcomers(detector: &Detector, index: &Index) -> anyhow::Result<Checks> {
    eprintln!("   checking {CHECKS} new submissions against the full index");
    let newcomers = Season::generate(CHECKS, 0xC4EC_40DD);
    let mut check_ms = Vec::with_capacity(CHECKS);
    let mut lex_ms = Vec::with_capacity(CHECKS);
    for submission in &newcomers.submissions {
        let started = Instant::now();
        let tokens = tokenize(submission.source.as_bytes(), Language::CAndCpp);
        lex_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(tokens);
        // A newcomer's origin is outside the season's, so nothing is left out as its own.
        let origin = Origin::Candidate(-1);
        let started = Instant::now();
        let fingerprints = detector.fingerprint(submission.source.as_bytes());
        let matches = index.flag(origin, &fingerprints)?;
        check_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(matches);
    }
    Ok(Checks { check_ms, lex_ms })
}

/// The speed figures against their targets: the whole season, and one check at p50 and p95.
fn speed_measurements(indexed: &IndexedSeason, checks: &Checks) -> [Measurement; 3] {
    let season_median = median(&indexed.season_seconds);
    let check_p50 = percentile(&checks.check_ms, 50.0);
    let check_p95 = percentile(&checks.check_ms, 95.0);
    [
        measurement(
            "plagiarism",
            &format!(
                "index and flag {SUBMISSIONS} submissions one at a time (median of {SEASON_RUNS})"
            ),
            season_median,
            "s",
            "< 10 s",
            season_median < 10.0,
            Some((
                median(&indexed.lexing_seconds),
                "lexing the same sources, s",
            )),
        ),
        measurement(
            "plagiarism",
            &format!("check one new submission against {SUBMISSIONS}, p50"),
            check_p50,
            "ms",
            "< 20 ms",
            check_p50 < 20.0,
            Some((percentile(&checks.lex_ms, 50.0), "lexing it, ms, p50")),
        ),
        measurement(
            "plagiarism",
            &format!("check one new submission against {SUBMISSIONS}, p95"),
            check_p95,
            "ms",
            "< 20 ms",
            check_p95 < 20.0,
            Some((percentile(&checks.lex_ms, 95.0), "lexing it, ms, p95")),
        ),
    ]
}

/// What was flagged against what should have been, as reported figures (they describe the
/// generator as much as the detector, so they have no target).
fn quality_measurements(quality: &Quality) -> [Measurement; 4] {
    [
        measurement(
            "plagiarism",
            &format!(
                "disguised copies flagged against an earlier copy of their base ({} copies)",
                quality.copies
            ),
            quality.copies_caught as f64 * 100.0 / quality.copies.max(1) as f64,
            "%",
            "(reported)",
            true,
            None,
        ),
        measurement(
            "plagiarism",
            &format!(
                "pairs of copies of one base flagged ({} pairs)",
                quality.copy_pairs
            ),
            quality.copy_pairs_flagged as f64 * 100.0 / quality.copy_pairs.max(1) as f64,
            "%",
            "(reported)",
            true,
            None,
        ),
        measurement(
            "plagiarism",
            &format!(
                "independent submissions flagged against anything ({} independent)",
                quality.independent
            ),
            quality.independent_flagged as f64 * 100.0 / quality.independent.max(1) as f64,
            "%",
            "(reported)",
            true,
            None,
        ),
        measurement(
            "plagiarism",
            "flags that pair a copy with something other than its own base's copies",
            quality.stray_flags as f64,
            "flags",
            "(reported)",
            true,
            None,
        ),
    ]
}

/// What was flagged, against what should have been.
struct Quality {
    /// Copies with an earlier copy of the same base by another candidate.
    copies: usize,
    copies_caught: usize,
    /// Pairs of copies of one base by different candidates, the later one checked against the
    /// earlier, and how many of those pairs were flagged.
    copy_pairs: usize,
    copy_pairs_flagged: usize,
    independent: usize,
    independent_flagged: usize,
    /// Flags of copies against submissions that are not copies of the same base.
    stray_flags: usize,
}

struct Submission {
    origin: Origin,
    /// The base program this is a copy of (directly, or as a resubmission of a copy).
    base: Option<usize>,
    /// A candidate's second submission, a small edit of their earlier one.
    resubmission: bool,
    source: String,
}

struct Season {
    submissions: Vec<Submission>,
}

impl Season {
    fn generate(count: usize, seed: u64) -> Season {
        let mut random = Random::new(seed);
        // The bases are the same in every season generated, so that newcomers copy them too.
        let mut base_random = Random::new(0xBA5E);
        let bases: Vec<Program> = (0..BASE_PROGRAMS)
            .map(|_| Program::generate(&mut base_random))
            .collect();
        let mut submissions: Vec<Submission> = Vec::with_capacity(count);
        let mut programs: Vec<Program> = Vec::with_capacity(count);
        let origin_offset = (seed % 1_000_000) as i64 * 100_000;
        for index in 0..count {
            let roll = random.below(100);
            let submission = if roll < COPIES_PER_HUNDRED {
                let base = random.below(BASE_PROGRAMS as u64) as usize;
                programs.push(bases[base].disguised(&mut random));
                Submission {
                    origin: Origin::Candidate(origin_offset + index as i64),
                    base: Some(base),
                    resubmission: false,
                    source: String::new(),
                }
            } else if roll < COPIES_PER_HUNDRED + RESUBMISSIONS_PER_HUNDRED && index > 0 {
                let earlier = random.below(index as u64) as usize;
                let mut again = programs[earlier].clone();
                again.insert_statements(&mut random, 2);
                programs.push(again);
                Submission {
                    origin: submissions[earlier].origin,
                    base: submissions[earlier].base,
                    resubmission: true,
                    source: String::new(),
                }
            } else {
                programs.push(Program::generate(&mut random));
                Submission {
                    origin: Origin::Candidate(origin_offset + index as i64),
                    base: None,
                    resubmission: false,
                    source: String::new(),
                }
            };
            submissions.push(Submission {
                source: programs[index].render(),
                ..submission
            });
        }
        Season { submissions }
    }

    fn judge(&self, flagged: &[Vec<usize>]) -> Quality {
        let mut quality = Quality {
            copies: 0,
            copies_caught: 0,
            copy_pairs: 0,
            copy_pairs_flagged: 0,
            independent: 0,
            independent_flagged: 0,
            stray_flags: 0,
        };
        for (index, submission) in self.submissions.iter().enumerate() {
            let against = &flagged[index];
            if submission.resubmission {
                continue;
            }
            let Some(base) = submission.base else {
                quality.independent += 1;
                if !against.is_empty() {
                    quality.independent_flagged += 1;
                }
                continue;
            };
            let same_base = |other: &usize| self.submissions[*other].base == Some(base);
            let earlier_copy_elsewhere = self.submissions[..index]
                .iter()
                .any(|earlier| earlier.base == Some(base) && earlier.origin != submission.origin);
            if earlier_copy_elsewhere {
                quality.copies += 1;
                if against.iter().any(same_base) {
                    quality.copies_caught += 1;
                }
            }
            quality.copy_pairs += self.submissions[..index]
                .iter()
                .filter(|earlier| earlier.base == Some(base) && earlier.origin != submission.origin)
                .count();
            quality.copy_pairs_flagged += against.iter().filter(|other| same_base(other)).count();
            quality.stray_flags += against.iter().filter(|other| !same_base(other)).count();
        }
        quality
    }
}

/// A program as functions of lines, in which `@7` stands for the program's seventh name, so that
/// renaming is replacing the table of names.
#[derive(Clone)]
struct Program {
    names: Vec<String>,
    header: Vec<String>,
    /// Each function's lines, the signature first and the closing brace last; `main` is last.
    functions: Vec<Vec<String>>,
}

impl Program {
    fn generate(random: &mut Random) -> Program {
        let name_count = 12 + random.below(14) as usize;
        let mut program = Program {
            names: fresh_names(random, name_count),
            header: header(random),
            functions: Vec::new(),
        };
        let target_lines = 40 + random.below(46) as usize;
        let mut writer = Writer {
            random,
            names: name_count,
        };
        while program.line_count() + 12 < target_lines {
            program.functions.push(writer.helper());
        }
        program.functions.push(writer.main());
        program
    }

    /// A copy as a candidate would disguise it, with a few of the usual tricks.
    fn disguised(&self, random: &mut Random) -> Program {
        let mut copy = self.clone();
        if random.chance(80) {
            copy.names = fresh_names(random, copy.names.len());
        }
        if random.chance(50) && copy.functions.len() > 2 {
            let helpers = copy.functions.len() - 1;
            for i in (1..helpers).rev() {
                let j = random.below(i as u64 + 1) as usize;
                copy.functions.swap(i, j);
            }
        }
        // A quarter of the copiers work harder: a statement inserted every few lines, and several
        // removed.
        let heavy = random.chance(25);
        if heavy || random.chance(60) {
            let count = if heavy {
                8 + random.below(13) as usize
            } else {
                1 + random.below(6) as usize
            };
            copy.insert_statements(random, count);
        }
        if heavy || random.chance(50) {
            let removals = if heavy {
                3 + random.below(6)
            } else {
                1 + random.below(4)
            };
            for _ in 0..removals {
                let function = random.below(copy.functions.len() as u64) as usize;
                let lines = &mut copy.functions[function];
                if lines.len() > 3 {
                    let line = 1 + random.below(lines.len() as u64 - 2) as usize;
                    if lines[line].trim_end().ends_with(';') {
                        lines.remove(line);
                    }
                }
            }
        }
        if random.chance(40) {
            for function in &mut copy.functions {
                let comment = format!("// {}", random.pick(COMMENTS));
                function.insert(0, comment);
            }
        }
        copy
    }

    fn insert_statements(&mut self, random: &mut Random, count: usize) {
        let names = self.names.len();
        for _ in 0..count {
            let function = random.below(self.functions.len() as u64) as usize;
            let lines = &mut self.functions[function];
            let at = 1 + random.below(lines.len() as u64 - 1) as usize;
            let mut writer = Writer { random, names };
            let statement = format!("    {}", writer.simple_statement());
            lines.insert(at, statement);
        }
    }

    fn line_count(&self) -> usize {
        self.header.len() + self.functions.iter().map(Vec::len).sum::<usize>()
    }

    fn render(&self) -> String {
        let mut source = String::with_capacity(self.line_count() * 32);
        for line in &self.header {
            source.push_str(line);
            source.push('\n');
        }
        for function in &self.functions {
            source.push('\n');
            for line in function {
                let mut rest = line.as_str();
                while let Some(at) = rest.find('@') {
                    source.push_str(&rest[..at]);
                    let digits = rest[at + 1..]
                        .find(|c: char| !c.is_ascii_digit())
                        .map_or(rest.len() - at - 1, |end| end);
                    let index: usize = rest[at + 1..at + 1 + digits].parse().unwrap_or(0);
                    source.push_str(&self.names[index % self.names.len()]);
                    rest = &rest[at + 1 + digits..];
                }
                source.push_str(rest);
                source.push('\n');
            }
        }
        source
    }
}

const COMMENTS: &[&str] = &[
    "helper",
    "read the input",
    "sweep over the events",
    "TODO: simplify",
    "O(n log n)",
    "edge case: empty input",
];

const NAME_STEMS: &[&str] = &[
    "a",
    "b",
    "n",
    "m",
    "i",
    "j",
    "k",
    "x",
    "y",
    "cnt",
    "res",
    "ans",
    "cur",
    "best",
    "tmp",
    "sum",
    "idx",
    "pos",
    "lo",
    "hi",
    "left",
    "right",
    "start",
    "end",
    "events",
    "points",
    "arr",
    "total",
    "open",
    "depth",
    "mx",
    "mn",
    "val",
    "data",
    "count",
    "result",
    "answer",
    "intervals",
    "segs",
    "solve",
    "calc",
    "read",
    "go",
    "process",
    "check",
    "build",
    "sweep",
];

fn fresh_names(random: &mut Random, count: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(count);
    while names.len() < count {
        let stem = random.pick(NAME_STEMS);
        let name = match random.below(4) {
            0 => stem.to_string(),
            1 => format!("{stem}{}", random.below(10)),
            2 => format!("{stem}_{}", random.pick(NAME_STEMS)),
            _ => {
                let other = random.pick(NAME_STEMS);
                let mut capitalised = other[..1].to_uppercase();
                capitalised.push_str(&other[1..]);
                format!("{stem}{capitalised}")
            }
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn header(random: &mut Random) -> Vec<String> {
    let mut lines = Vec::new();
    if random.chance(50) {
        lines.push("#include <bits/stdc++.h>".to_string());
    } else {
        for include in ["iostream", "vector", "algorithm", "cstdio", "queue", "map"] {
            if random.chance(60) {
                lines.push(format!("#include <{include}>"));
            }
        }
    }
    if random.chance(80) {
        lines.push("using namespace std;".to_string());
    }
    if random.chance(40) {
        lines.push("typedef long long ll;".to_string());
    }
    if random.chance(20) {
        lines.push("const int MAXN = 200005;".to_string());
    }
    lines
}

/// Writes statements from the grammar of a typical solution, with names as `@index`.
struct Writer<'a> {
    random: &'a mut Random,
    names: usize,
}

const TYPES: &[&str] = &["int", "long long", "auto", "double", "size_t", "ll"];

impl Writer<'_> {
    fn name(&mut self) -> String {
        format!("@{}", self.random.below(self.names as u64))
    }

    fn literal(&mut self) -> String {
        match self.random.below(4) {
            0 => "0".to_string(),
            1 => "1".to_string(),
            2 => self.random.below(1000).to_string(),
            _ => "1e9".to_string(),
        }
    }

    fn expression(&mut self, depth: u32) -> String {
        let choices = if depth == 0 { 3 } else { 8 };
        match self.random.below(choices) {
            0 => self.name(),
            1 => self.literal(),
            2 => format!("{}[{}]", self.name(), self.name()),
            3 => {
                let operator = self.random.pick(&["+", "-", "*", "/", "%"]);
                format!(
                    "{} {operator} {}",
                    self.expression(depth - 1),
                    self.expression(depth - 1)
                )
            }
            4 => {
                let function = self.random.pick(&["max", "min", "abs"]);
                if function == "abs" {
                    format!("abs({})", self.expression(depth - 1))
                } else {
                    format!(
                        "{function}({}, {})",
                        self.expression(depth - 1),
                        self.expression(depth - 1)
                    )
                }
            }
            5 => format!("(int){}.size()", self.name()),
            6 => format!("({})", self.expression(depth - 1)),
            _ => format!("{}({})", self.name(), self.expression(depth - 1)),
        }
    }

    fn condition(&mut self) -> String {
        let comparison = self.random.pick(&["<", "<=", ">", ">=", "==", "!="]);
        let first = format!("{} {comparison} {}", self.expression(1), self.expression(1));
        if self.random.chance(25) {
            let joiner = self.random.pick(&["&&", "||"]);
            format!("{first} {joiner} {} > {}", self.name(), self.literal())
        } else {
            first
        }
    }

    fn simple_statement(&mut self) -> String {
        match self.random.below(12) {
            0 | 1 => {
                let kind = self.random.pick(TYPES);
                format!("{kind} {} = {};", self.name(), self.expression(2))
            }
            2 => {
                let kind = self.random.pick(&["int", "long long", "pair<int, int>"]);
                format!("vector<{kind}> {}({});", self.name(), self.expression(1))
            }
            3 => {
                let operator = self.random.pick(&["", "+", "-", "*"]);
                format!("{} {operator}= {};", self.name(), self.expression(2))
            }
            4 => format!("{}{};", self.name(), self.random.pick(&["++", "--"])),
            5 => format!("{}.push_back({});", self.name(), self.expression(1)),
            6 => {
                let name = self.name();
                format!("sort({name}.begin(), {name}.end());")
            }
            7 => format!("cin >> {} >> {};", self.name(), self.name()),
            8 => format!("cout << {} << \"\\n\";", self.expression(1)),
            9 => format!(
                "{} = max({}, {});",
                self.name(),
                self.name(),
                self.expression(1)
            ),
            10 => format!("{}({}, {});", self.name(), self.expression(1), self.name()),
            _ => format!(
                "if ({}) {} = {};",
                self.condition(),
                self.name(),
                self.expression(1)
            ),
        }
    }

    fn block(&mut self, lines: &mut Vec<String>, indent: usize, statements: usize, depth: u32) {
        let pad = "    ".repeat(indent);
        for _ in 0..statements {
            let nested = depth > 0 && self.random.chance(30);
            if !nested {
                let statement = self.simple_statement();
                lines.push(format!("{pad}{statement}"));
                continue;
            }
            let inner = 1 + self.random.below(3) as usize;
            match self.random.below(4) {
                0 => {
                    let (i, bound) = (self.name(), self.expression(1));
                    lines.push(format!("{pad}for (int {i} = 0; {i} < {bound}; {i}++) {{"));
                }
                1 => {
                    let (element, container) = (self.name(), self.name());
                    lines.push(format!("{pad}for (auto &{element} : {container}) {{"));
                }
                2 => {
                    let condition = self.condition();
                    lines.push(format!("{pad}while ({condition}) {{"));
                }
                _ => {
                    let condition = self.condition();
                    lines.push(format!("{pad}if ({condition}) {{"));
                    if self.random.chance(40) {
                        self.block(lines, indent + 1, inner, depth - 1);
                        lines.push(format!("{pad}}} else {{"));
                    }
                }
            }
            self.block(lines, indent + 1, inner, depth - 1);
            lines.push(format!("{pad}}}"));
        }
    }

    fn helper(&mut self) -> Vec<String> {
        let returns = self
            .random
            .pick(&["int", "long long", "void", "bool", "ll"]);
        let parameters = (0..self.random.below(3) + 1)
            .map(|_| {
                let kind =
                    self.random
                        .pick(&["int", "long long", "vector<int>&", "const vector<ll>&"]);
                format!("{kind} {}", self.name())
            })
            .collect::<Vec<_>>()
            .join(", ");
        let mut lines = vec![format!("{returns} {}({parameters}) {{", self.name())];
        let statements = 3 + self.random.below(6) as usize;
        self.block(&mut lines, 1, statements, 2);
        if returns != "void" {
            let value = self.expression(1);
            lines.push(format!("    return {value};"));
        }
        lines.push("}".to_string());
        lines
    }

    fn main(&mut self) -> Vec<String> {
        let mut lines = vec!["int main() {".to_string()];
        if self.random.chance(50) {
            lines.push("    ios::sync_with_stdio(false);".to_string());
            lines.push("    cin.tie(nullptr);".to_string());
        }
        let n = self.name();
        lines.push(format!("    int {n};"));
        lines.push(format!("    cin >> {n};"));
        let (i, a, b) = (self.name(), self.name(), self.name());
        lines.push(format!("    for (int {i} = 0; {i} < {n}; {i}++) {{"));
        lines.push(format!("        cin >> {a}[{i}] >> {b}[{i}];"));
        lines.push("    }".to_string());
        let statements = 2 + self.random.below(4) as usize;
        self.block(&mut lines, 1, statements, 1);
        lines.push("    return 0;".to_string());
        lines.push("}".to_string());
        lines
    }
}

/// xorshift64*: fast, seeded, and the same on every machine.
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Random {
        Random(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

fn median(values: &[f64]) -> f64 {
    percentile(values, 50.0)
}
