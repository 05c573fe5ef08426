//! Detection on realistic submissions: solutions of one short problem ("given n closed intervals,
//! print the largest number that share a point") in C++, Java and Python, written in the styles
//! of different people (a sweep over events, two pointers over sorted ends, a heap of open ends,
//! a difference map, brute force, and a second sweep by someone else), plus disguised copies of
//! the first sweep. Every source under `tests/solutions` compiles and answers correctly.

use std::ops::Range;

use cohort_plagiarism::lex::{tokenize, TokenKind};
use cohort_plagiarism::{
    compare, Config, Detector, Entry, Fingerprints, Index, IndexError, Language, Origin,
};

struct Corpus {
    language: Language,
    original: &'static str,
    renamed: &'static str,
    reordered: &'static str,
    reformatted: &'static str,
    /// Independent solutions, the original among them, by file name.
    independent: [(&'static str, &'static str); 6],
}

fn corpora() -> [Corpus; 3] {
    [
        Corpus {
            language: Language::CAndCpp,
            original: include_str!("solutions/cpp/sweep_events.cpp"),
            renamed: include_str!("solutions/cpp/sweep_events_renamed.cpp"),
            reordered: include_str!("solutions/cpp/sweep_events_reordered.cpp"),
            reformatted: include_str!("solutions/cpp/sweep_events_reformatted.cpp"),
            independent: [
                (
                    "sweep_events.cpp",
                    include_str!("solutions/cpp/sweep_events.cpp"),
                ),
                (
                    "sweep_pairs.cpp",
                    include_str!("solutions/cpp/sweep_pairs.cpp"),
                ),
                (
                    "two_pointers.cpp",
                    include_str!("solutions/cpp/two_pointers.cpp"),
                ),
                (
                    "heap_of_ends.cpp",
                    include_str!("solutions/cpp/heap_of_ends.cpp"),
                ),
                (
                    "coordinate_difference.cpp",
                    include_str!("solutions/cpp/coordinate_difference.cpp"),
                ),
                (
                    "brute_force.cpp",
                    include_str!("solutions/cpp/brute_force.cpp"),
                ),
            ],
        },
        Corpus {
            language: Language::Java,
            original: include_str!("solutions/java/SweepEvents.java"),
            renamed: include_str!("solutions/java/SweepEventsRenamed.java"),
            reordered: include_str!("solutions/java/SweepEventsReordered.java"),
            reformatted: include_str!("solutions/java/SweepEventsReformatted.java"),
            independent: [
                (
                    "SweepEvents.java",
                    include_str!("solutions/java/SweepEvents.java"),
                ),
                (
                    "SweepPairs.java",
                    include_str!("solutions/java/SweepPairs.java"),
                ),
                (
                    "TwoPointers.java",
                    include_str!("solutions/java/TwoPointers.java"),
                ),
                (
                    "HeapOfEnds.java",
                    include_str!("solutions/java/HeapOfEnds.java"),
                ),
                (
                    "TreeMapDifference.java",
                    include_str!("solutions/java/TreeMapDifference.java"),
                ),
                (
                    "BruteForce.java",
                    include_str!("solutions/java/BruteForce.java"),
                ),
            ],
        },
        Corpus {
            language: Language::Python,
            original: include_str!("solutions/python/sweep_events.py"),
            renamed: include_str!("solutions/python/sweep_events_renamed.py"),
            reordered: include_str!("solutions/python/sweep_events_reordered.py"),
            reformatted: include_str!("solutions/python/sweep_events_reformatted.py"),
            independent: [
                (
                    "sweep_events.py",
                    include_str!("solutions/python/sweep_events.py"),
                ),
                (
                    "sweep_pairs.py",
                    include_str!("solutions/python/sweep_pairs.py"),
                ),
                (
                    "two_pointers.py",
                    include_str!("solutions/python/two_pointers.py"),
                ),
                (
                    "heap_of_ends.py",
                    include_str!("solutions/python/heap_of_ends.py"),
                ),
                (
                    "counter_difference.py",
                    include_str!("solutions/python/counter_difference.py"),
                ),
                (
                    "brute_force.py",
                    include_str!("solutions/python/brute_force.py"),
                ),
            ],
        },
    ]
}

fn threshold() -> f64 {
    Config::default().flag_threshold()
}

fn similarity(a: &str, b: &str, language: Language) -> f64 {
    compare(a.as_bytes(), b.as_bytes(), language, &Config::default()).similarity
}

/// The matches `candidate`'s submission gets from an index that holds `indexed`, one submission
/// per candidate (ids from 1), at the default flag threshold.
fn flagged_against(language: Language, indexed: &[&str], submission: &str) -> Vec<i64> {
    let detector = Detector::new(language, Config::default(), &[]);
    let mut index = Index::new(&detector);
    for (id, source) in (1..).zip(indexed) {
        index
            .add(
                id,
                Origin::Candidate(id),
                &detector.fingerprint(source.as_bytes()),
            )
            .unwrap();
    }
    index
        .flag(
            Origin::Candidate(0),
            &detector.fingerprint(submission.as_bytes()),
        )
        .unwrap()
        .into_iter()
        .map(|found| found.submission_id)
        .collect()
}

#[test]
fn a_copy_with_renamed_identifiers_is_flagged() {
    for corpus in corpora() {
        let score = similarity(corpus.original, corpus.renamed, corpus.language);
        // Every identifier is one token kind, so renaming changes no fingerprint at all.
        assert_eq!(score, 1.0, "{:?}", corpus.language);
        assert_eq!(
            flagged_against(corpus.language, &[corpus.original], corpus.renamed),
            [1]
        );
    }
}

#[test]
fn a_copy_with_reordered_functions_is_flagged() {
    for corpus in corpora() {
        let score = similarity(corpus.original, corpus.reordered, corpus.language);
        // Only the k-grams that span a function boundary are lost.
        assert!(score >= 0.7, "{:?}: {score}", corpus.language);
        assert_eq!(
            flagged_against(corpus.language, &[corpus.original], corpus.reordered),
            [1]
        );
    }
}

/// `source` with a filler statement after every third statement, indented like it: what a
/// copier does to break up the copied runs.
fn with_filler_statements(source: &str, language: Language) -> String {
    let mut padded = String::new();
    let mut statements = 0;
    for line in source.lines() {
        padded.push_str(line);
        padded.push('\n');
        let trimmed = line.trim_end();
        let ends_statement = match language {
            Language::Python => {
                !trimmed.trim_start().is_empty()
                    && !trimmed.ends_with(':')
                    && !trimmed.ends_with(['(', ',', '['])
                    && line.starts_with(' ')
            }
            _ => trimmed.ends_with(';') && line.starts_with(' '),
        };
        if ends_statement {
            statements += 1;
            if statements % 3 == 0 {
                let indentation = &line[..line.len() - line.trim_start().len()];
                let filler = match language {
                    Language::Python => format!("unused_{statements} = {statements}"),
                    _ => format!("int unused{statements} = {statements};"),
                };
                padded.push_str(&format!("{indentation}{filler}\n"));
            }
        }
    }
    padded
}

#[test]
fn a_copy_with_statements_inserted_between_the_lines_is_flagged() {
    for corpus in corpora() {
        let padded = with_filler_statements(corpus.renamed, corpus.language);
        assert!(padded.len() > corpus.renamed.len() + 50);
        let score = similarity(corpus.original, &padded, corpus.language);
        assert!(score >= threshold(), "{:?}: {score}", corpus.language);
    }
}

#[test]
fn reformatting_and_rewritten_comments_barely_change_similarity() {
    for corpus in corpora() {
        // The reformatted copies also gained braces (C++), wrapped lines (Java), and docstrings,
        // parentheses and a trailing comma (Python), as formatters and tidy copiers add them.
        let score = similarity(corpus.original, corpus.reformatted, corpus.language);
        assert!(score >= 0.85, "{:?}: {score}", corpus.language);
    }
}

#[test]
fn independent_solutions_of_the_same_short_problem_are_not_flagged() {
    for corpus in corpora() {
        for (i, (a_name, a)) in corpus.independent.iter().enumerate() {
            for (b_name, b) in &corpus.independent[i + 1..] {
                let score = similarity(a, b, corpus.language);
                assert!(score < threshold(), "{a_name} and {b_name}: {score}");
            }
        }
        // Through the index too: each one checked against all the others.
        for (i, (name, source)) in corpus.independent.iter().enumerate() {
            let others: Vec<&str> = corpus
                .independent
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, (_, other))| *other)
                .collect();
            assert!(
                flagged_against(corpus.language, &others, source).is_empty(),
                "{name}"
            );
        }
    }
}

#[test]
fn a_copy_padded_with_unrelated_code_is_still_flagged() {
    // Someone pastes the original and buries it under functions that are never called.
    let [cpp, _, python] = corpora();
    for (corpus, padding) in [(cpp, "brute_force.cpp"), (python, "brute_force.py")] {
        let (_, padding) = corpus
            .independent
            .iter()
            .find(|(name, _)| *name == padding)
            .unwrap();
        let padding = padding
            .replace("int main()", "int unusedMain()")
            .replace("__main__", "__unused__");
        let padded = format!("{}\n{padding}", corpus.renamed);
        let score = similarity(corpus.original, &padded, corpus.language);
        assert!(score >= 0.95, "{:?}: {score}", corpus.language);
    }
}

const JAVA_STARTER: &str = r#"import java.io.*;
import java.util.*;

public class Main {
    static final class FastReader {
        private final BufferedReader reader;
        private StringTokenizer tokens;

        FastReader(InputStream stream) {
            reader = new BufferedReader(new InputStreamReader(stream));
        }

        String next() throws IOException {
            while (tokens == null || !tokens.hasMoreTokens()) {
                tokens = new StringTokenizer(reader.readLine());
            }
            return tokens.nextToken();
        }

        long nextLong() throws IOException {
            return Long.parseLong(next());
        }
    }

    // Return the largest number of intervals [starts[i], ends[i]] that share a point.
    static int maxOverlap(long[] starts, long[] ends) {
        return 0;
    }

    public static void main(String[] args) throws IOException {
        FastReader in = new FastReader(System.in);
        int n = (int) in.nextLong();
        long[] starts = new long[n];
        long[] ends = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = in.nextLong();
            ends[i] = in.nextLong();
        }
        System.out.println(maxOverlap(starts, ends));
    }
}
"#;

const JAVA_TWO_POINTERS_BODY: &str = r#"        long[] s = starts.clone();
        long[] e = ends.clone();
        Arrays.sort(s);
        Arrays.sort(e);
        int open = 0, best = 0, j = 0;
        for (int i = 0; i < s.length; i++) {
            while (j < e.length && e[j] < s[i]) {
                open--;
                j++;
            }
            open++;
            best = Math.max(best, open);
        }
        return best;
"#;

const JAVA_HEAP_BODY: &str = r#"        Integer[] order = new Integer[starts.length];
        for (int k = 0; k < order.length; k++) order[k] = k;
        Arrays.sort(order, Comparator.comparingLong(k -> starts[k]));
        PriorityQueue<Long> openEnds = new PriorityQueue<>();
        int most = 0;
        for (int k : order) {
            while (!openEnds.isEmpty() && openEnds.peek() < starts[k]) openEnds.poll();
            openEnds.add(ends[k]);
            most = Math.max(most, openEnds.size());
        }
        return most;
"#;

/// The starter code with its placeholder body replaced, and where the body is.
fn fill_in(starter: &str, placeholder: &str, body: &str) -> (String, Range<usize>) {
    let at = starter.find(placeholder).unwrap();
    let source = format!(
        "{}{body}{}",
        &starter[..at],
        &starter[at + placeholder.len()..]
    );
    (source, at..at + body.len())
}

#[test]
fn starter_code_shared_by_every_solution_is_not_counted() {
    let placeholder = "        return 0;\n";
    let (two_pointers, two_pointers_body) =
        fill_in(JAVA_STARTER, placeholder, JAVA_TWO_POINTERS_BODY);
    let (heap, heap_body) = fill_in(JAVA_STARTER, placeholder, JAVA_HEAP_BODY);
    let renamed_body = JAVA_TWO_POINTERS_BODY
        .replace("open", "active")
        .replace("best", "answer");
    let (copy, _) = fill_in(JAVA_STARTER, placeholder, &renamed_body);

    let unaware = Detector::new(Language::Java, Config::default(), &[]);
    let aware = Detector::new(
        Language::Java,
        Config::default(),
        &[JAVA_STARTER.as_bytes()],
    );
    // Counted, the starter code alone would make these two independent solutions a flagged pair.
    let counted = unaware.compare(two_pointers.as_bytes(), heap.as_bytes());
    assert!(counted.similarity >= threshold(), "{}", counted.similarity);
    let excluded = aware.compare(two_pointers.as_bytes(), heap.as_bytes());
    assert!(excluded.similarity < threshold(), "{}", excluded.similarity);
    // A copy of the part candidates write is still flagged, and its regions are in that part.
    let copied = aware.compare(two_pointers.as_bytes(), copy.as_bytes());
    assert!(copied.similarity >= threshold(), "{}", copied.similarity);
    assert!(!copied.regions.is_empty());
    for (in_original, _) in &copied.regions {
        assert!(overlaps(in_original, &two_pointers_body), "{in_original:?}");
    }
    for (in_two_pointers, in_heap) in &excluded.regions {
        assert!(overlaps(in_two_pointers, &two_pointers_body));
        assert!(overlaps(in_heap, &heap_body));
    }
    // Submitting the starter code unchanged gives nothing to match.
    assert!(aware.fingerprint(JAVA_STARTER.as_bytes()).items.is_empty());
}

#[test]
fn python_starter_code_is_not_counted_either() {
    let starter = "import sys\n\n\ndef read_intervals():\n    data = sys.stdin.read().split()\n    n = int(data[0])\n    return [(int(data[1 + 2 * i]), int(data[2 + 2 * i])) for i in range(n)]\n\n\ndef max_overlap(intervals):\n    return 0\n\n\nif __name__ == \"__main__\":\n    print(max_overlap(read_intervals()))\n";
    let placeholder = "    return 0\n";
    let (sweep, _) = fill_in(
        starter,
        placeholder,
        "    events = sorted([(a, 0) for a, _ in intervals] + [(b, 1) for _, b in intervals])\n    best = open_now = 0\n    for _, is_end in events:\n        open_now += -1 if is_end else 1\n        best = max(best, open_now)\n    return best\n",
    );
    let detector = Detector::new(Language::Python, Config::default(), &[starter.as_bytes()]);
    assert!(detector.fingerprint(starter.as_bytes()).items.is_empty());
    let fingerprints = detector.fingerprint(sweep.as_bytes());
    let unaware =
        Detector::new(Language::Python, Config::default(), &[]).fingerprint(sweep.as_bytes());
    assert!(!fingerprints.items.is_empty());
    assert!(fingerprints.items.len() < unaware.items.len());
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

#[test]
fn a_candidates_own_resubmission_is_not_reported() {
    for corpus in corpora() {
        let detector = Detector::new(corpus.language, Config::default(), &[]);
        let mut index = Index::new(&detector);
        index
            .add(
                10,
                Origin::Candidate(7),
                &detector.fingerprint(corpus.original.as_bytes()),
            )
            .unwrap();
        let resubmission = detector.fingerprint(corpus.reformatted.as_bytes());
        assert!(index
            .query(Origin::Candidate(7), &resubmission, 0.0)
            .unwrap()
            .is_empty());
        let from_someone_else = index.flag(Origin::Candidate(8), &resubmission).unwrap();
        assert_eq!(from_someone_else.len(), 1);
        assert_eq!(from_someone_else[0].origin, Origin::Candidate(7));
    }
}

#[test]
fn a_copy_of_a_known_solution_is_flagged_like_a_copy_of_a_candidate() {
    for corpus in corpora() {
        let detector = Detector::new(corpus.language, Config::default(), &[]);
        let mut index = Index::new(&detector);
        let known = detector.fingerprint(corpus.original.as_bytes());
        index.add(-1, Origin::KnownSolution, &known).unwrap();
        let flagged = index
            .flag_and_add(
                1,
                Origin::Candidate(1),
                &detector.fingerprint(corpus.renamed.as_bytes()),
            )
            .unwrap();
        assert_eq!(flagged.len(), 1);
        assert_eq!(
            (flagged[0].submission_id, flagged[0].origin),
            (-1, Origin::KnownSolution)
        );
        // A second known solution is not reported against the first.
        let another_known = detector.fingerprint(corpus.reordered.as_bytes());
        let against_known = index
            .query(Origin::KnownSolution, &another_known, 0.0)
            .unwrap();
        assert!(against_known
            .iter()
            .all(|found| found.origin != Origin::KnownSolution));
    }
}

#[test]
fn checking_against_the_index_answers_what_comparing_every_pair_would() {
    for corpus in corpora() {
        let mut sources: Vec<&str> = corpus
            .independent
            .iter()
            .map(|(_, source)| *source)
            .collect();
        sources.extend([corpus.renamed, corpus.reordered, corpus.reformatted]);
        // Candidate 3 submitted twice, so one pair must be left out.
        let origins = |id: usize| Origin::Candidate(if id == 8 { 3 } else { id as i64 });
        let detector = Detector::new(corpus.language, Config::default(), &[]);
        let mut index = Index::new(&detector);
        for (id, source) in sources.iter().enumerate() {
            let fingerprints = detector.fingerprint(source.as_bytes());
            let mut from_index: Vec<(i64, f64)> = index
                .query(origins(id), &fingerprints, 0.0)
                .unwrap()
                .into_iter()
                .map(|found| (found.submission_id, found.similarity))
                .collect();
            from_index.sort_by_key(|(earlier, _)| *earlier);
            let mut pairwise = Vec::new();
            for (earlier, earlier_source) in sources[..id].iter().enumerate() {
                if origins(earlier) == origins(id) {
                    continue;
                }
                let comparison = compare(
                    earlier_source.as_bytes(),
                    source.as_bytes(),
                    corpus.language,
                    &Config::default(),
                );
                if comparison.shared_fingerprints > 0 {
                    pairwise.push((earlier as i64, comparison.similarity));
                }
            }
            assert_eq!(
                from_index, pairwise,
                "{:?} submission {id}",
                corpus.language
            );
            index.add(id as i64, origins(id), &fingerprints).unwrap();
        }
        assert_eq!(index.len(), sources.len());
    }
}

/// A personal template of the kind competitive programmers paste at the top of everything.
const POPULAR_TEMPLATE: &str = r#"#include <bits/stdc++.h>
using namespace std;
#define all(x) (x).begin(), (x).end()
typedef long long ll;
typedef pair<int, int> pii;
template <typename T> void chmax(T &a, const T &b) { if (a < b) a = b; }
template <typename T> void chmin(T &a, const T &b) { if (b < a) a = b; }
template <typename T> istream &operator>>(istream &in, vector<T> &v) {
    for (auto &x : v) in >> x;
    return in;
}
template <typename T> ostream &operator<<(ostream &out, const vector<T> &v) {
    for (size_t i = 0; i < v.size(); i++) out << (i ? " " : "") << v[i];
    return out;
}
struct FastIO { FastIO() { ios::sync_with_stdio(false); cin.tie(nullptr); cout.tie(nullptr); } } fastIO;
"#;

#[test]
fn boilerplate_in_more_than_the_common_fraction_of_submissions_does_not_count() {
    let [cpp, _, _] = corpora();
    let with_template: Vec<String> = cpp
        .independent
        .iter()
        .map(|(_, source)| {
            format!(
                "{POPULAR_TEMPLATE}{}",
                source.replace("#include <bits/stdc++.h>\nusing namespace std;\n", "")
            )
        })
        .collect();
    let best_match = |config: Config| {
        let detector = Detector::new(Language::CAndCpp, config, &[]);
        let mut index = Index::new(&detector);
        for (id, source) in (1..).zip(&with_template[1..]) {
            index
                .add(
                    id,
                    Origin::Candidate(id),
                    &detector.fingerprint(source.as_bytes()),
                )
                .unwrap();
        }
        let query = detector.fingerprint(with_template[0].as_bytes());
        index
            .query(Origin::Candidate(0), &query, 0.0)
            .unwrap()
            .first()
            .map_or(0.0, |found| found.similarity)
    };
    // Five submissions; a fingerprint in more than a tenth of them, and in more than two, is
    // common: the template's.
    let filtering = Config::new(18, 8, 0.4, 0.1, 2).unwrap();
    let counting = Config::new(18, 8, 0.4, 1.0, 2).unwrap();
    let counted = best_match(counting);
    assert!(
        counted >= threshold(),
        "with the template counted: {counted}"
    );
    let filtered = best_match(filtering);
    assert!(
        filtered < threshold(),
        "with the template left out: {filtered}"
    );
}

#[test]
fn stored_fingerprints_rebuild_an_index_that_answers_the_same() {
    let [_, java, _] = corpora();
    let detector = Detector::new(Language::Java, Config::default(), &[]);
    let mut index = Index::new(&detector);
    let mut stored = Vec::new();
    for (id, (_, source)) in (1..).zip(&java.independent) {
        let fingerprints = detector.fingerprint(source.as_bytes());
        index.add(id, Origin::Candidate(id), &fingerprints).unwrap();
        let entry = Entry {
            submission_id: id,
            origin: Origin::Candidate(id),
            fingerprints,
        };
        stored.push(serde_json::to_string(&entry).unwrap());
    }
    let entries = stored
        .iter()
        .map(|json| serde_json::from_str::<Entry>(json).unwrap());
    let rebuilt = Index::rebuild(&detector, entries).unwrap();
    let query = detector.fingerprint(java.renamed.as_bytes());
    let before = index.query(Origin::Candidate(99), &query, 0.0).unwrap();
    assert!(!before.is_empty());
    assert_eq!(
        rebuilt.query(Origin::Candidate(99), &query, 0.0).unwrap(),
        before
    );
}

#[test]
fn fingerprints_taken_under_another_scheme_or_a_repeated_id_are_refused() {
    let [_, _, python] = corpora();
    let detector = Detector::new(Language::Python, Config::default(), &[]);
    let mut index = Index::new(&detector);
    let fingerprints = detector.fingerprint(python.original.as_bytes());
    index.add(1, Origin::Candidate(1), &fingerprints).unwrap();
    assert_eq!(
        index.add(1, Origin::Candidate(2), &fingerprints),
        Err(IndexError::DuplicateSubmission(1))
    );
    let other_kgrams = Detector::new(
        Language::Python,
        Config::new(12, 8, 0.4, 0.1, 10).unwrap(),
        &[],
    );
    let starter: &[u8] = b"import sys\n\n\ndef read_numbers():\n    return list(map(int, sys.stdin.read().split()))\n";
    let other_starter = Detector::new(Language::Python, Config::default(), &[starter]);
    for stale in [
        other_kgrams.fingerprint(python.renamed.as_bytes()),
        other_starter.fingerprint(python.renamed.as_bytes()),
    ] {
        assert!(matches!(
            index.query(Origin::Candidate(2), &stale, 0.0),
            Err(IndexError::SchemeMismatch { .. })
        ));
        assert!(matches!(
            index.add(2, Origin::Candidate(2), &stale),
            Err(IndexError::SchemeMismatch { .. })
        ));
    }
    assert_eq!(index.len(), 1);
}

/// The normalised token kinds of a piece of source, without Python's layout tokens, which depend
/// on the lines around a piece rather than on the piece.
fn kinds(source: &[u8], language: Language) -> Vec<TokenKind> {
    tokenize(source, language)
        .into_iter()
        .map(|token| token.kind)
        .filter(|kind| {
            !matches!(
                kind,
                TokenKind::Indent | TokenKind::Dedent | TokenKind::Newline
            )
        })
        .collect()
}

#[test]
fn matching_regions_pair_equal_code_and_cover_a_reordered_copy() {
    for corpus in corpora() {
        let original = corpus.original.as_bytes();
        let reordered = corpus.reordered.as_bytes();
        let comparison = compare(original, reordered, corpus.language, &Config::default());
        assert!(!comparison.regions.is_empty());
        let mut covered = 0;
        for (in_original, in_reordered) in &comparison.regions {
            let a = kinds(&original[in_original.clone()], corpus.language);
            let b = kinds(&reordered[in_reordered.clone()], corpus.language);
            assert_eq!(
                a, b,
                "{:?} {in_original:?} {in_reordered:?}",
                corpus.language
            );
            covered += original[in_original.clone()]
                .iter()
                .filter(|byte| !byte.is_ascii_whitespace())
                .count();
        }
        // Regions do not overlap, and they cover most of the original: every function moved whole.
        for pair in comparison.regions.windows(2) {
            assert!(pair[0].0.end <= pair[1].0.start);
        }
        let code_bytes = original
            .iter()
            .filter(|byte| !byte.is_ascii_whitespace())
            .count();
        assert!(
            covered as f64 >= 0.75 * code_bytes as f64,
            "{:?}: {covered} of {code_bytes}",
            corpus.language
        );
    }
}

#[test]
fn fingerprints_are_the_same_for_the_same_source_and_stamped_with_their_scheme() {
    let [cpp, _, _] = corpora();
    let detector = Detector::new(Language::CAndCpp, Config::default(), &[]);
    let first: Fingerprints = detector.fingerprint(cpp.original.as_bytes());
    assert_eq!(first, detector.fingerprint(cpp.original.as_bytes()));
    assert_eq!(first.scheme, detector.scheme());
    for item in &first.items {
        assert!(item.span.end <= cpp.original.len());
        assert!(!item.span.is_empty());
    }
}
