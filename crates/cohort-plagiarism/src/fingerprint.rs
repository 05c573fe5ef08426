//! Fingerprints: hashes of k-grams of token kinds, selected by winnowing.
//!
//! A k-gram is a run of `k` consecutive normalised tokens. Two submissions that share a k-gram
//! share `k` tokens of structure in a row, which independent authors rarely do once `k` is large
//! enough. Keeping every k-gram would make the index as large as the code, so winnowing
//! (Schleimer, Wilkerson and Aiken, SIGMOD 2003, the method behind MOSS and Dolos) keeps only the
//! minimum hash of every window of `w` consecutive k-grams. That keeps about `2 / (w + 1)` of them
//! and guarantees that any shared run of at least `w + k - 1` tokens produces at least one shared
//! fingerprint, because both copies select the same minimum from the same window.

use std::collections::{HashSet, VecDeque};
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::lex::{tokenize, Token, TokenKind};
use crate::{Config, Language};

/// Bumped whenever a change to the lexers or the hashing would give the same source different
/// fingerprints, so that fingerprints stored by an older build are recognised as stale by
/// [`crate::Index`] instead of silently never matching.
pub const FINGERPRINT_VERSION: u32 = 1;

/// One selected k-gram: its hash and where it is in the source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// The hash of the k-gram's token kinds. Equal k-grams have equal hashes in every submission
    /// fingerprinted under the same [`Scheme`].
    pub hash: u64,
    /// The bytes of the source that the k-gram's tokens cover.
    pub span: Range<usize>,
}

/// Everything that must agree for two sets of fingerprints to be comparable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    /// The lexer that produced the tokens.
    pub language: Language,
    /// Tokens per k-gram.
    pub kgram_tokens: u32,
    /// K-grams per winnowing window.
    pub window: u32,
    /// A digest of the starter code whose k-grams were left out (0 when there is none), so that
    /// fingerprints taken before the starter code changed are recognised as stale.
    pub starter_digest: u64,
    /// [`FINGERPRINT_VERSION`] of the build that produced them.
    pub version: u32,
}

/// The fingerprints of one submission, in source order, with the scheme they were taken under.
/// This is what the application stores (it serialises with serde) to rebuild an [`crate::Index`]
/// at start-up without lexing every submission again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprints {
    /// How they were taken.
    pub scheme: Scheme,
    /// The selected k-grams, in source order. A hash can appear more than once when the same
    /// code does.
    pub items: Vec<Fingerprint>,
}

impl Fingerprints {
    /// The distinct hashes, sorted: the set that similarity is measured on.
    pub fn distinct_hashes(&self) -> Vec<u64> {
        let mut hashes: Vec<u64> = self.items.iter().map(|item| item.hash).collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    }
}

/// Fingerprints submissions of one problem in one language, leaving out the problem's starter
/// code. Make one per problem and language and reuse it: it holds the starter code's k-grams.
#[derive(Clone, Debug)]
pub struct Detector {
    config: Config,
    scheme: Scheme,
    starter_hashes: HashSet<u64>,
}

impl Detector {
    /// A detector for `language` whose fingerprints leave out every k-gram that occurs anywhere in
    /// `starter_code` (the code the problem gives candidates to start from; empty if none). There
    /// may be several starter files: C and C++ share a lexer, so a C and C++ index of the same
    /// problem takes both languages' starter code. Starter code shorter than one k-gram has no
    /// k-grams and so leaves nothing out.
    pub fn new(language: Language, config: Config, starter_code: &[&[u8]]) -> Detector {
        let mut starter_hashes = HashSet::new();
        for source in starter_code {
            let tokens = tokenize(source, language);
            starter_hashes.extend(kgram_hashes(&tokens, config.kgram_tokens()));
        }
        let mut sorted: Vec<u64> = starter_hashes.iter().copied().collect();
        sorted.sort_unstable();
        let starter_digest = sorted
            .iter()
            .fold(0, |digest: u64, &hash| mix(digest ^ hash).wrapping_add(1));
        Detector {
            scheme: Scheme {
                language,
                kgram_tokens: config.kgram_tokens() as u32,
                window: config.window() as u32,
                starter_digest,
                version: FINGERPRINT_VERSION,
            },
            config,
            starter_hashes,
        }
    }

    /// The language this detector reads.
    pub fn language(&self) -> Language {
        self.scheme.language
    }

    /// The parameters this detector was made with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What fingerprints taken by this detector are stamped with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The winnowed fingerprints of `source`, without the starter code's k-grams.
    pub fn fingerprint(&self, source: &[u8]) -> Fingerprints {
        let tokens = tokenize(source, self.language());
        self.fingerprint_tokens(&tokens).1
    }

    /// Lexes nothing: fingerprints already-lexed tokens, also returning the positions (token
    /// indices) of the selected k-grams, which the side-by-side comparison needs.
    pub(crate) fn fingerprint_tokens(&self, tokens: &[Token]) -> (Vec<usize>, Fingerprints) {
        let kgram_tokens = self.config.kgram_tokens();
        let mut hashes = kgram_hashes(tokens, kgram_tokens);
        // Starter k-grams take part in winnowing as the largest possible hash, so that a window
        // holding starter code selects the submission's own code if it has any; they are then
        // left out. Removing them after winnowing instead would leave windows with no fingerprint
        // and break winnowing's guarantee for the code next to the starter code.
        for hash in &mut hashes {
            if self.starter_hashes.contains(hash) {
                *hash = EXCLUDED;
            }
        }
        let mut positions = Vec::with_capacity(2 * hashes.len() / (self.config.window() + 1) + 1);
        winnow(&hashes, self.config.window(), |position| {
            if hashes[position] != EXCLUDED {
                positions.push(position);
            }
        });
        let items = positions
            .iter()
            .map(|&position| Fingerprint {
                hash: hashes[position],
                span: tokens_span(&tokens[position..position + kgram_tokens]),
            })
            .collect();
        (
            positions,
            Fingerprints {
                scheme: self.scheme,
                items,
            },
        )
    }

    /// Whether the k-gram starting at each token position occurs in the starter code. Used to
    /// keep the side-by-side view from growing matching regions into the starter code.
    pub(crate) fn starter_kgrams(&self, tokens: &[Token]) -> Vec<bool> {
        kgram_hashes(tokens, self.config.kgram_tokens())
            .into_iter()
            .map(|hash| self.starter_hashes.contains(&hash))
            .collect()
    }
}

/// The hash that marks a starter-code k-gram. Real hashes are kept below it by [`kgram_hashes`].
const EXCLUDED: u64 = u64::MAX;

/// The multiplier of the rolling polynomial hash: any odd 64-bit constant with well-mixed bits.
const ROLLING_BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// The hash of every k-gram of `tokens`, by position: a Rabin–Karp rolling hash over the tokens'
/// codes (one multiplication, one subtraction and one addition per token, whatever `k` is),
/// finished with a mixing function so that the low bits are as random as the high ones, which
/// winnowing's "smallest hash" needs to pick positions evenly.
pub(crate) fn kgram_hashes(tokens: &[Token], kgram_tokens: usize) -> Vec<u64> {
    if tokens.len() < kgram_tokens || kgram_tokens == 0 {
        return Vec::new();
    }
    let codes: Vec<u64> = tokens.iter().map(|token| token_code(token.kind)).collect();
    let leading_power = ROLLING_BASE.wrapping_pow(kgram_tokens as u32 - 1);
    let mut rolling = codes[..kgram_tokens].iter().fold(0u64, |hash, &code| {
        hash.wrapping_mul(ROLLING_BASE).wrapping_add(code)
    });
    let mut hashes = Vec::with_capacity(codes.len() - kgram_tokens + 1);
    hashes.push(finish(rolling));
    for position in kgram_tokens..codes.len() {
        rolling = rolling
            .wrapping_sub(codes[position - kgram_tokens].wrapping_mul(leading_power))
            .wrapping_mul(ROLLING_BASE)
            .wrapping_add(codes[position]);
        hashes.push(finish(rolling));
    }
    hashes
}

fn finish(rolling: u64) -> u64 {
    mix(rolling).min(EXCLUDED - 1)
}

/// A stable 64-bit code for a token kind. Keywords and symbols are coded from their text, so
/// that the codes (and so stored fingerprints) do not depend on the order of any table.
fn token_code(kind: TokenKind) -> u64 {
    let (tag, text) = match kind {
        TokenKind::Identifier => (1, ""),
        TokenKind::Literal => (2, ""),
        TokenKind::Indent => (3, ""),
        TokenKind::Dedent => (4, ""),
        TokenKind::Newline => (5, ""),
        TokenKind::Keyword(text) => (6, text),
        TokenKind::Symbol(text) => (7, text),
    };
    // FNV-1a over the tag and the text, then mixed.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ tag;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(hash)
}

/// The finaliser of SplitMix64: a bijection on 64-bit values in which every input bit affects
/// every output bit.
fn mix(value: u64) -> u64 {
    let mut z = value;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The bytes covered by `tokens`, ignoring the empty spans of layout tokens at either end so that
/// a highlighted region starts and ends on text.
pub(crate) fn tokens_span(tokens: &[Token]) -> Range<usize> {
    let first = tokens.iter().find(|token| !token.span.is_empty());
    let last = tokens.iter().rev().find(|token| !token.span.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => first.span.start..last.span.end,
        _ => {
            let start = tokens.first().map_or(0, |token| token.span.start);
            let end = tokens.last().map_or(start, |token| token.span.end);
            start..end
        }
    }
}

/// Robust winnowing: calls `select` with the position of the minimum hash of every window of
/// `window` consecutive hashes, once per position, in order.
///
/// When a window has several equal minima, the one the previous window selected is kept if it is
/// still inside; otherwise the rightmost is taken. That is Schleimer et al.'s "robust winnowing":
/// with plain "rightmost minimum", a run of equal hashes (repetitive code such as a block of
/// identical statements) would select a new position in every window and flood the index with
/// copies of one hash. A sequence shorter than the window is one window.
pub(crate) fn winnow(hashes: &[u64], window: usize, mut select: impl FnMut(usize)) {
    if hashes.is_empty() {
        return;
    }
    let window = window.clamp(1, hashes.len());
    // Positions whose hashes never decrease from front to back: the front is the leftmost
    // minimum of the current window, and equal minima follow it.
    let mut candidates: VecDeque<usize> = VecDeque::with_capacity(window + 1);
    let mut selected: Option<usize> = None;
    for (position, &hash) in hashes.iter().enumerate() {
        while candidates.back().is_some_and(|&back| hashes[back] > hash) {
            candidates.pop_back();
        }
        candidates.push_back(position);
        if position + 1 < window {
            continue;
        }
        let window_start = position + 1 - window;
        while candidates
            .front()
            .is_some_and(|&front| front < window_start)
        {
            candidates.pop_front();
        }
        let minimum = hashes[candidates[0]];
        let keep_previous =
            selected.filter(|&previous| previous >= window_start && hashes[previous] == minimum);
        let chosen = keep_previous.unwrap_or_else(|| {
            candidates
                .iter()
                .copied()
                .take_while(|&candidate| hashes[candidate] == minimum)
                .last()
                .unwrap_or(candidates[0])
        });
        if selected != Some(chosen) {
            select(chosen);
            selected = Some(chosen);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn winnowed(hashes: &[u64], window: usize) -> Vec<usize> {
        let mut positions = Vec::new();
        winnow(hashes, window, |position| positions.push(position));
        positions
    }

    /// Winnowing by its definition, one window at a time, to check the fast version against.
    fn winnowed_slowly(hashes: &[u64], window: usize) -> Vec<usize> {
        let window = window.clamp(1, hashes.len().max(1));
        let mut positions: Vec<usize> = Vec::new();
        for start in 0..=hashes.len().saturating_sub(window) {
            let slice = &hashes[start..(start + window).min(hashes.len())];
            let Some(&minimum) = slice.iter().min() else {
                continue;
            };
            let previous = positions.last().copied();
            let chosen = match previous {
                Some(previous) if previous >= start && hashes[previous] == minimum => previous,
                _ => start + slice.iter().rposition(|&hash| hash == minimum).unwrap(),
            };
            if previous != Some(chosen) {
                positions.push(chosen);
            }
        }
        positions
    }

    #[test]
    fn winnowing_selects_the_minimum_of_every_window() {
        // The example of Schleimer et al., section 2: hashes of the 5-grams of
        // "adorunrunrunadorunrun", window 4.
        let hashes = [
            77, 74, 42, 17, 98, 50, 17, 98, 8, 88, 67, 39, 77, 74, 42, 17, 98,
        ];
        assert_eq!(winnowed(&hashes, 4), [3, 6, 8, 11, 15]);
    }

    #[test]
    fn winnowing_agrees_with_its_definition_on_random_sequences() {
        let mut state = 0x1234_5678_9ABC_DEF1u64;
        for length in 0..200 {
            for window in [1, 2, 3, 5, 8, 13] {
                // Few distinct values, so that ties (the case robust winnowing is about) are common.
                let hashes: Vec<u64> = (0..length)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        state % 7
                    })
                    .collect();
                assert_eq!(
                    winnowed(&hashes, window),
                    winnowed_slowly(&hashes, window),
                    "{hashes:?} window {window}"
                );
            }
        }
    }

    #[test]
    fn a_run_of_equal_hashes_selects_one_fingerprint_per_window_span_not_one_per_window() {
        assert_eq!(winnowed(&[5; 20], 4), [3, 7, 11, 15, 19]);
    }

    #[test]
    fn a_sequence_shorter_than_the_window_still_selects_its_minimum() {
        assert_eq!(winnowed(&[9, 3, 7], 10), [1]);
        assert!(winnowed(&[], 4).is_empty());
    }

    #[test]
    fn the_rolling_hash_equals_hashing_each_kgram_from_scratch() {
        let tokens = tokenize(
            b"int main() { for (int i = 0; i < n; i++) { s += a[i]; } return s; }",
            Language::CAndCpp,
        );
        let rolled = kgram_hashes(&tokens, 5);
        for (position, &hash) in rolled.iter().enumerate() {
            assert_eq!(hash, kgram_hashes(&tokens[position..position + 5], 5)[0]);
        }
        assert_eq!(rolled.len(), tokens.len() - 4);
    }

    #[test]
    fn starter_code_kgrams_are_never_fingerprints() {
        let starter: &[u8] = b"import sys\n\ndef read_ints():\n    return list(map(int, sys.stdin.read().split()))\n";
        let config = Config::default();
        let detector = Detector::new(Language::Python, config.clone(), &[starter]);
        let only_starter = detector.fingerprint(starter);
        assert!(only_starter.items.is_empty());
        let without = Detector::new(Language::Python, config, &[]);
        assert!(!without.fingerprint(starter).items.is_empty());
    }

    #[test]
    fn the_starter_code_is_part_of_the_scheme() {
        let config = Config::default();
        let plain = Detector::new(Language::Java, config.clone(), &[]);
        let with_starter = Detector::new(
            Language::Java,
            config,
            &[b"public class Main { public static void main(String[] args) { new Main().run(); } }"],
        );
        assert_eq!(plain.scheme().starter_digest, 0);
        assert_ne!(plain.scheme(), with_starter.scheme());
    }
}
