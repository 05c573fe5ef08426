//! One pair of sources: their similarity and the regions that match, for the side-by-side view
//! a reviewer reads before deciding anything.

use std::collections::HashMap;
use std::ops::Range;

use crate::fingerprint::tokens_span;
use crate::lex::{tokenize, Token};
use crate::{Config, Detector, Language};

/// How alike two submissions are, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The number of distinct fingerprints the two share divided by the number of distinct
    /// fingerprints of the one that has fewer, in `[0, 1]` (see [`similarity`]).
    pub similarity: f64,
    /// Distinct fingerprints the two share.
    pub shared_fingerprints: usize,
    /// Matching regions as byte ranges, first in `a`, then in `b`, ordered by their start in `a`.
    /// Each region is a run of identical normalised tokens at least one k-gram long, grown as far
    /// as the tokens keep agreeing in both directions from the fingerprints that found it (so
    /// adjacent and overlapping k-grams become one region). Regions do not overlap each other in
    /// either source: where code is repeated, the longest pairing is shown.
    pub regions: Vec<(Range<usize>, Range<usize>)>,
}

/// Compares two sources with no starter code. For submissions of a problem that has starter code,
/// use [`Detector::compare`] so that the starter code is neither counted nor highlighted.
pub fn compare(
    a_source: &[u8],
    b_source: &[u8],
    language: Language,
    config: &Config,
) -> Comparison {
    Detector::new(language, config.clone(), &[]).compare(a_source, b_source)
}

/// The similarity of two fingerprint sets: shared distinct fingerprints over the size of the
/// smaller set.
///
/// Dividing by the smaller set (rather than by both, as the Dice or Jaccard coefficients do) is
/// what plagiarism needs: a copy padded with unrelated code, or a short solution copied into a
/// longer one, still scores as high as the copied part deserves. Its weakness is the opposite
/// case, a tiny submission, whose few fingerprints are all easily shared; a submission shorter
/// than one k-gram has no fingerprints and scores 0 against everything.
pub fn similarity(shared: usize, a_fingerprints: usize, b_fingerprints: usize) -> f64 {
    let smaller = a_fingerprints.min(b_fingerprints);
    if smaller == 0 {
        0.0
    } else {
        shared as f64 / smaller as f64
    }
}

/// Fingerprints of one hash in `b` that are paired with each occurrence in `a` when looking for
/// regions. Code repeated more often than this (the same loop pasted twenty times) adds nothing
/// to the view and would make pairing quadratic.
const MAX_PAIRINGS_PER_HASH: usize = 16;

impl Detector {
    /// Compares two submissions of this detector's problem: their similarity, measured exactly as
    /// the [`crate::Index`] measures it (before leaving out common fingerprints, which a pair
    /// alone cannot know), and the matching regions, which stop where the starter code begins.
    pub fn compare(&self, a_source: &[u8], b_source: &[u8]) -> Comparison {
        let a_tokens = tokenize(a_source, self.language());
        let b_tokens = tokenize(b_source, self.language());
        let (a_positions, a_fingerprints) = self.fingerprint_tokens(&a_tokens);
        let (b_positions, b_fingerprints) = self.fingerprint_tokens(&b_tokens);
        let a_hashes = a_fingerprints.distinct_hashes();
        let b_hashes = b_fingerprints.distinct_hashes();
        let shared = count_shared(&a_hashes, &b_hashes);

        let mut b_by_hash: HashMap<u64, Vec<usize>> = HashMap::new();
        for (fingerprint, &position) in b_fingerprints.items.iter().zip(&b_positions) {
            b_by_hash
                .entry(fingerprint.hash)
                .or_default()
                .push(position);
        }
        let mut seeds = Vec::new();
        for (fingerprint, &a_position) in a_fingerprints.items.iter().zip(&a_positions) {
            if let Some(b_matches) = b_by_hash.get(&fingerprint.hash) {
                for &b_position in b_matches.iter().take(MAX_PAIRINGS_PER_HASH) {
                    seeds.push((a_position, b_position));
                }
            }
        }
        let sides = [
            Side {
                tokens: &a_tokens,
                in_starter: self.tokens_in_starter(&a_tokens),
            },
            Side {
                tokens: &b_tokens,
                in_starter: self.tokens_in_starter(&b_tokens),
            },
        ];
        let runs = maximal_runs(&sides, seeds, self.config().kgram_tokens());
        let tiles = non_overlapping(runs, self.config().kgram_tokens());
        let mut regions: Vec<(Range<usize>, Range<usize>)> = tiles
            .into_iter()
            .map(|run| {
                (
                    tokens_span(&a_tokens[run.a_start..run.a_start + run.length]),
                    tokens_span(&b_tokens[run.b_start..run.b_start + run.length]),
                )
            })
            .collect();
        regions.sort_by_key(|(a, b)| (a.start, b.start));
        Comparison {
            similarity: similarity(shared, a_hashes.len(), b_hashes.len()),
            shared_fingerprints: shared,
            regions,
        }
    }

    /// Whether each token lies inside some k-gram of the starter code.
    fn tokens_in_starter(&self, tokens: &[Token]) -> Vec<bool> {
        let kgram_tokens = self.config().kgram_tokens();
        let starter_kgrams = self.starter_kgrams(tokens);
        let mut covered_until = 0;
        (0..tokens.len())
            .map(|position| {
                if starter_kgrams.get(position) == Some(&true) {
                    covered_until = position + kgram_tokens;
                }
                position < covered_until
            })
            .collect()
    }
}

/// The number of values two sorted, deduplicated slices share.
fn count_shared(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

struct Side<'a> {
    tokens: &'a [Token],
    in_starter: Vec<bool>,
}

/// A run of equal tokens: `length` tokens from `a_start` in `a` equal those from `b_start` in `b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    a_start: usize,
    b_start: usize,
    length: usize,
}

/// Grows each seed (a pair of k-gram positions with equal hashes) into the maximal run of equal
/// tokens around it that stays out of the starter code. Seeds on one diagonal (the same offset
/// between `a` and `b`) that fall inside a run already grown are skipped, so every token is
/// compared a bounded number of times.
fn maximal_runs(
    sides: &[Side; 2],
    mut seeds: Vec<(usize, usize)>,
    kgram_tokens: usize,
) -> Vec<Run> {
    let [a, b] = sides;
    let agree = |i: usize, j: usize| {
        a.tokens[i].kind == b.tokens[j].kind && !a.in_starter[i] && !b.in_starter[j]
    };
    seeds.sort_by_key(|&(a_position, b_position)| {
        (a_position as isize - b_position as isize, a_position)
    });
    let mut runs: Vec<Run> = Vec::new();
    for (a_position, b_position) in seeds {
        if let Some(last) = runs.last() {
            let same_diagonal = last.a_start as isize - last.b_start as isize
                == a_position as isize - b_position as isize;
            if same_diagonal && a_position < last.a_start + last.length {
                continue;
            }
        }
        // Equal hashes almost surely mean equal k-grams; checking costs k comparisons and keeps a
        // hash collision from ever showing a false region.
        let equal = (0..kgram_tokens)
            .all(|offset| a.tokens[a_position + offset].kind == b.tokens[b_position + offset].kind);
        if !equal {
            continue;
        }
        let (mut a_start, mut b_start) = (a_position, b_position);
        while a_start > 0 && b_start > 0 && agree(a_start - 1, b_start - 1) {
            a_start -= 1;
            b_start -= 1;
        }
        let (mut a_end, mut b_end) = (a_position + kgram_tokens, b_position + kgram_tokens);
        while a_end < a.tokens.len() && b_end < b.tokens.len() && agree(a_end, b_end) {
            a_end += 1;
            b_end += 1;
        }
        runs.push(Run {
            a_start,
            b_start,
            length: a_end - a_start,
        });
    }
    runs
}

/// Greedy tiling, longest run first: each run keeps only the parts (at least one k-gram long)
/// that no longer run has already claimed in either source, so that every highlighted token is
/// paired with exactly one token of the other side.
fn non_overlapping(mut runs: Vec<Run>, kgram_tokens: usize) -> Vec<Run> {
    runs.sort_by_key(|run| (std::cmp::Reverse(run.length), run.a_start, run.b_start));
    let mut tiles: Vec<Run> = Vec::new();
    for run in runs {
        // Offsets along the run that some tile already claims, in `a` or in `b`.
        let mut claimed: Vec<Range<usize>> = Vec::new();
        for tile in &tiles {
            for (run_start, tile_start) in
                [(run.a_start, tile.a_start), (run.b_start, tile.b_start)]
            {
                let start = tile_start.saturating_sub(run_start);
                let end = (tile_start + tile.length)
                    .saturating_sub(run_start)
                    .min(run.length);
                if start < end {
                    claimed.push(start..end);
                }
            }
        }
        claimed.sort_by_key(|range| range.start);
        let mut free_from = 0;
        let mut pieces = Vec::new();
        for range in claimed
            .iter()
            .cloned()
            .chain(std::iter::once(run.length..run.length))
        {
            if range.start >= free_from + kgram_tokens {
                pieces.push(free_from..range.start);
            }
            free_from = free_from.max(range.end);
        }
        tiles.extend(pieces.into_iter().map(|piece| Run {
            a_start: run.a_start + piece.start,
            b_start: run.b_start + piece.start,
            length: piece.len(),
        }));
    }
    tiles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_divides_by_the_smaller_set_and_is_zero_when_either_is_empty() {
        assert_eq!(similarity(5, 10, 20), 0.5);
        assert_eq!(similarity(0, 0, 20), 0.0);
        assert_eq!(similarity(3, 3, 3), 1.0);
    }

    #[test]
    fn shared_values_of_sorted_slices_are_counted_once() {
        assert_eq!(count_shared(&[1, 3, 5, 7], &[2, 3, 4, 7, 9]), 2);
        assert_eq!(count_shared(&[], &[1]), 0);
    }

    #[test]
    fn tiling_keeps_the_longest_run_and_trims_the_others_around_it() {
        let runs = vec![
            Run {
                a_start: 0,
                b_start: 0,
                length: 30,
            },
            // Overlaps the first in `a` for its first 10 tokens; the rest is long enough to keep.
            Run {
                a_start: 20,
                b_start: 100,
                length: 25,
            },
            // Entirely inside the first in `b`.
            Run {
                a_start: 60,
                b_start: 5,
                length: 20,
            },
        ];
        assert_eq!(
            non_overlapping(runs, 5),
            [
                Run {
                    a_start: 0,
                    b_start: 0,
                    length: 30
                },
                Run {
                    a_start: 30,
                    b_start: 110,
                    length: 15
                },
            ]
        );
    }

    #[test]
    fn identical_sources_match_as_one_region_covering_all_of_both() {
        let source = b"#include <cstdio>\nint main() {\n  int n, s = 0;\n  scanf(\"%d\", &n);\n  for (int i = 0; i < n; i++) s += i * i;\n  printf(\"%d\\n\", s);\n}\n";
        let comparison = compare(source, source, Language::CAndCpp, &Config::default());
        assert_eq!(comparison.similarity, 1.0);
        let end = source.len() - 1;
        assert_eq!(comparison.regions, [(0..end, 0..end)]);
    }
}
