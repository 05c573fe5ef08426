//! Hand-written lexers that turn a submission into a normalised token stream.
//!
//! Normalising is what makes a detector see through the cheap disguises: every identifier becomes
//! the same token and every literal (number, string, character) becomes the same token, so that
//! renaming variables or changing constants changes nothing; comments and whitespace produce no
//! tokens at all, so that reformatting and rewording comments change nothing either. Keywords,
//! operators and punctuation stay distinct because they carry the program's structure.
//!
//! The lexers accept any bytes and never fail: an unterminated string or comment runs to the end
//! of its line or of the input, an unknown byte is skipped or becomes a symbol, and bytes that are
//! not ASCII are treated as identifier characters (which also covers identifiers written in other
//! scripts). A submission that does not compile is still a submission that may have been copied.

mod c_style;
mod python;

use std::ops::Range;

use crate::Language;

/// What a token is, after normalisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Any identifier: variable, function, type or module name. All identifiers are one kind.
    Identifier,
    /// Any literal: a number, string (including Python docstrings) or character.
    Literal,
    /// A reserved word of the language, kept by its text.
    Keyword(&'static str),
    /// An operator or punctuation mark, kept by its text.
    Symbol(&'static str),
    /// Python: the start of a more deeply indented block.
    Indent,
    /// Python: the end of an indented block.
    Dedent,
    /// Python: the end of a logical line (a statement separator, like `;` in C).
    Newline,
}

/// One token and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Its bytes in the original source. Empty for the tokens that stand for layout rather than
    /// text (Python's `Indent`, `Dedent` and `Newline`), which sit where the layout change is.
    pub span: Range<usize>,
}

/// The normalised tokens of `source`, in order. Never fails and never panics, whatever the bytes.
pub fn tokenize(source: &[u8], language: Language) -> Vec<Token> {
    match language {
        Language::CAndCpp => c_style::tokenize(source, &c_style::C_AND_CPP),
        Language::Java => c_style::tokenize(source, &c_style::JAVA),
        Language::Python => python::tokenize(source),
    }
}

/// Every ASCII punctuation character, so that a one-character symbol can be a `&'static str`.
const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// The one-character symbol for `byte`, if it is ASCII punctuation.
fn single_character_symbol(byte: u8) -> Option<&'static str> {
    PUNCTUATION
        .bytes()
        .position(|candidate| candidate == byte)
        .map(|index| &PUNCTUATION[index..index + 1])
}

/// The longest operator of `operators` (longest first) that `rest` starts with.
fn longest_operator(rest: &[u8], operators: &[&'static str]) -> Option<&'static str> {
    operators
        .iter()
        .copied()
        .find(|operator| rest.starts_with(operator.as_bytes()))
}

/// The keyword spelled `word`, if `keywords` (sorted) has it.
fn keyword(word: &[u8], keywords: &[&'static str]) -> Option<&'static str> {
    keywords
        .binary_search_by(|candidate| candidate.as_bytes().cmp(word))
        .ok()
        .map(|index| keywords[index])
}

fn is_identifier_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte == b'$' || byte >= 0x80
}

fn is_identifier_continue(byte: u8) -> bool {
    is_identifier_start(byte) || byte.is_ascii_digit()
}

/// The end of the identifier starting at `start`.
fn identifier_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len() && is_identifier_continue(bytes[end]) {
        end += 1;
    }
    end
}

/// The end of a number starting at `start`, following the C preprocessor's "pp-number" rule
/// (digits, letters, underscores, dots, and a sign straight after an exponent letter), which
/// covers every numeric literal of the three languages in one loop: `0x1F`, `1e-9`, `2.5f`,
/// `1_000_000L`, `3j`. `separator` is C++'s digit separator (`1'000'000`), if the language has one.
fn number_end(bytes: &[u8], start: usize, exponent_letters: &[u8], separator: Option<u8>) -> usize {
    let mut end = start + 1;
    while end < bytes.len() {
        let byte = bytes[end];
        let continues = byte.is_ascii_alphanumeric()
            || byte == b'_'
            || byte == b'.'
            || ((byte == b'+' || byte == b'-') && exponent_letters.contains(&bytes[end - 1]))
            || (Some(byte) == separator
                && bytes
                    .get(end + 1)
                    .is_some_and(|next| next.is_ascii_alphanumeric()));
        if !continues {
            break;
        }
        end += 1;
    }
    end
}

/// The end of a quoted literal whose opening `quote` is at `start`: after the closing quote, or,
/// if the line ends first, at the line break (an unterminated literal swallows the rest of its
/// line, not the rest of the file). A backslash escapes the next byte, including a line break.
fn quoted_end(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut end = start + 1;
    while end < bytes.len() {
        match bytes[end] {
            b'\\' => end += 2,
            b'\n' => return end,
            byte if byte == quote => return end + 1,
            _ => end += 1,
        }
    }
    bytes.len()
}

/// The end of a literal that closes with `terminator` (a text block, a triple-quoted string, a
/// raw string), searching from `from`; the end of the input if it never closes. Backslashes escape
/// the next byte when `escapes` is set.
fn delimited_end(bytes: &[u8], from: usize, terminator: &[u8], escapes: bool) -> usize {
    let mut end = from;
    while end < bytes.len() {
        if escapes && bytes[end] == b'\\' {
            end += 2;
        } else if bytes[end..].starts_with(terminator) {
            return end + terminator.len();
        } else {
            end += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small xorshift generator, so that the random inputs are the same on every run.
    struct Xorshift(u64);

    impl Xorshift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    const LANGUAGES: [Language; 3] = [Language::CAndCpp, Language::Java, Language::Python];

    /// Checks what every token stream must satisfy: spans inside the source, in order, and not
    /// overlapping.
    fn check_spans(source: &[u8], tokens: &[Token]) {
        let mut previous_end = 0;
        for token in tokens {
            assert!(token.span.start <= token.span.end, "{token:?}");
            assert!(token.span.end <= source.len(), "{token:?}");
            assert!(token.span.start >= previous_end, "{token:?} overlaps");
            previous_end = token.span.end;
        }
    }

    #[test]
    fn lexers_never_panic_on_random_bytes_and_keep_spans_in_bounds() {
        let mut random = Xorshift(0x9E37_79B9_7F4A_7C15);
        for length in 0..400 {
            let bytes: Vec<u8> = (0..length).map(|_| random.next() as u8).collect();
            for language in LANGUAGES {
                check_spans(&bytes, &tokenize(&bytes, language));
            }
        }
    }

    #[test]
    fn lexers_never_panic_on_random_strings_of_code_characters() {
        // Random bytes rarely form the sequences that open literals and comments; strings drawn
        // from the characters that matter reach the unterminated and nested cases far more often.
        let alphabet = b"\"'`/\\*#\n\r\t ({[]})<>=!+-.eExX0189_aRu8Lfrb;:@$";
        let mut random = Xorshift(0x2545_F491_4F6C_DD1D);
        for length in 0..600 {
            let bytes: Vec<u8> = (0..length)
                .map(|_| alphabet[(random.next() % alphabet.len() as u64) as usize])
                .collect();
            for language in LANGUAGES {
                check_spans(&bytes, &tokenize(&bytes, language));
            }
        }
    }

    #[test]
    fn every_prefix_of_real_code_lexes() {
        let sources: [(&[u8], Language); 3] = [
            (
                b"#include <vector>\nint main() { auto s = R\"x(a)\"b)x\"; /* c */ return '\\''; }",
                Language::CAndCpp,
            ),
            (
                b"class A { String t = \"\"\"\n  x\"\"\"; char c = '\\n'; // e\n int x = 0x1F_FFL; }",
                Language::Java,
            ),
            (
                b"def f(x):\n    '''doc'''\n    return [x,\n  1] # c\n\tif x: pass\n",
                Language::Python,
            ),
        ];
        for (source, language) in sources {
            for end in 0..=source.len() {
                check_spans(&source[..end], &tokenize(&source[..end], language));
            }
        }
    }

    #[test]
    fn keyword_tables_are_sorted_so_that_binary_search_finds_every_entry() {
        for table in [
            c_style::C_AND_CPP.keywords,
            c_style::JAVA.keywords,
            python::KEYWORDS,
        ] {
            assert!(table.windows(2).all(|pair| pair[0] < pair[1]), "{table:?}");
            for word in table {
                assert_eq!(keyword(word.as_bytes(), table), Some(*word));
            }
        }
    }

    #[test]
    fn operator_tables_list_longer_operators_before_their_prefixes() {
        for table in [
            c_style::C_AND_CPP.operators,
            c_style::JAVA.operators,
            python::OPERATORS,
        ] {
            for (index, operator) in table.iter().enumerate() {
                for later in &table[index + 1..] {
                    assert!(
                        !later.starts_with(operator),
                        "{later} must come before {operator}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_punctuation_character_is_its_own_symbol() {
        for byte in PUNCTUATION.bytes() {
            assert_eq!(single_character_symbol(byte).unwrap().as_bytes(), [byte]);
        }
        assert_eq!(single_character_symbol(b'a'), None);
    }
}
