//! The Python lexer. Python's blocks are made by indentation, so indentation is structure: like
//! Python's own tokenizer, this one emits `Indent` and `Dedent` where the indentation of a logical
//! line goes up or down, and `Newline` at the end of each logical line. Line breaks inside
//! brackets or after a backslash do not end a logical line, so re-wrapping a long expression
//! changes nothing. A statement that is only a string (a docstring, or a string used as a block
//! comment, as Python programmers do) is dropped like a comment.

use super::{
    delimited_end, identifier_end, is_identifier_start, keyword, longest_operator, number_end,
    quoted_end, single_character_symbol, Token, TokenKind,
};

/// Python 3's reserved words, sorted. The soft keywords (`match`, `case`, `type`, `_`) are also
/// ordinary names, so they stay identifiers.
pub(super) const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Operators longer than one character, longest first.
pub(super) const OPERATORS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", ":=",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
];

/// Tab stops are every eight columns, as in Python's tokenizer.
const TAB_WIDTH: usize = 8;

pub(super) fn tokenize(bytes: &[u8]) -> Vec<Token> {
    let mut lexer = Lexer {
        bytes,
        tokens: Vec::with_capacity(bytes.len() / 4),
        indents: vec![0],
        bracket_depth: 0,
        line_has_tokens: false,
        line_first_token: 0,
    };
    lexer.run();
    lexer.tokens
}

struct Lexer<'a> {
    bytes: &'a [u8],
    tokens: Vec<Token>,
    /// The indentation widths of the open blocks; the outermost is 0 and is never popped.
    indents: Vec<usize>,
    /// Open brackets: line breaks inside them do not end the logical line. Never negative, so
    /// that a stray closing bracket cannot hide every later line break.
    bracket_depth: usize,
    /// Whether the current logical line has produced a token (blank lines end nothing).
    line_has_tokens: bool,
    /// Where the current logical line's tokens start in `tokens`, after any `Indent` or `Dedent`.
    line_first_token: usize,
}

impl Lexer<'_> {
    fn run(&mut self) {
        let bytes = self.bytes;
        let mut position = 0;
        let mut at_line_start = true;
        while position < bytes.len() {
            if at_line_start {
                at_line_start = false;
                position = self.indentation(position);
                continue;
            }
            let byte = bytes[position];
            let start = position;
            let (kind, end) = match byte {
                b'\n' => {
                    if self.bracket_depth == 0 {
                        self.end_logical_line(position);
                        at_line_start = true;
                    }
                    position += 1;
                    continue;
                }
                b' ' | b'\t' | b'\r' | 0x0c | 0x0b => {
                    position += 1;
                    continue;
                }
                b'#' => {
                    position = line_end(bytes, position);
                    continue;
                }
                b'\\' if matches!(bytes.get(position + 1), Some(b'\n')) => {
                    // An explicit line joining: the next physical line continues this one.
                    position += 2;
                    continue;
                }
                b'\\' if bytes[position + 1..].starts_with(b"\r\n") => {
                    position += 3;
                    continue;
                }
                b'"' | b'\'' => (TokenKind::Literal, string_end(bytes, position)),
                b'0'..=b'9' => (TokenKind::Literal, number_end(bytes, position, b"eE", None)),
                b'.' if bytes.get(position + 1).is_some_and(u8::is_ascii_digit) => {
                    (TokenKind::Literal, number_end(bytes, position, b"eE", None))
                }
                _ if is_identifier_start(byte) => identifier_or_string(bytes, position),
                _ => match longest_operator(&bytes[position..], OPERATORS) {
                    Some(operator) => (TokenKind::Symbol(operator), position + operator.len()),
                    None => match single_character_symbol(byte) {
                        Some(symbol) => {
                            match byte {
                                b'(' | b'[' | b'{' => self.bracket_depth += 1,
                                b')' | b']' | b'}' => {
                                    self.bracket_depth = self.bracket_depth.saturating_sub(1)
                                }
                                _ => {}
                            }
                            (TokenKind::Symbol(symbol), position + 1)
                        }
                        None => {
                            position += 1;
                            continue;
                        }
                    },
                },
            };
            self.push(kind, start..end);
            position = end;
        }
        self.end_logical_line(bytes.len());
        for _ in 1..self.indents.len() {
            self.push(TokenKind::Dedent, bytes.len()..bytes.len());
        }
        self.indents.truncate(1);
    }

    fn push(&mut self, kind: TokenKind, span: std::ops::Range<usize>) {
        if !self.line_has_tokens {
            self.line_has_tokens = true;
            self.line_first_token = self.tokens.len();
        }
        self.tokens.push(Token { kind, span });
    }

    fn end_logical_line(&mut self, at: usize) {
        if !self.line_has_tokens {
            return;
        }
        self.line_has_tokens = false;
        let line = &self.tokens[self.line_first_token..];
        let only_strings = line.iter().all(|token| {
            token.kind == TokenKind::Literal
                && !matches!(self.bytes[token.span.start], b'0'..=b'9' | b'.')
        });
        if only_strings {
            self.tokens.truncate(self.line_first_token);
        } else {
            self.tokens.push(Token {
                kind: TokenKind::Newline,
                span: at..at,
            });
        }
    }

    /// Reads the indentation of the line starting at `line_start` and, unless the line is blank
    /// or only a comment, emits the `Indent` or `Dedent` tokens it implies. Returns the position
    /// of the line's first non-blank byte.
    fn indentation(&mut self, line_start: usize) -> usize {
        let bytes = self.bytes;
        let mut position = line_start;
        let mut width = 0;
        while position < bytes.len() {
            match bytes[position] {
                b' ' => width += 1,
                b'\t' => width = (width / TAB_WIDTH + 1) * TAB_WIDTH,
                b'\x0c' => width = 0,
                _ => break,
            }
            position += 1;
        }
        match bytes.get(position) {
            None | Some(b'\n' | b'#') => return position,
            Some(b'\r') if matches!(bytes.get(position + 1), None | Some(b'\n')) => {
                return position
            }
            _ => {}
        }
        let current = *self.indents.last().unwrap_or(&0);
        if width > current {
            self.indents.push(width);
            self.tokens.push(Token {
                kind: TokenKind::Indent,
                span: position..position,
            });
        } else {
            while self.indents.len() > 1 && width < *self.indents.last().unwrap_or(&0) {
                self.indents.pop();
                self.tokens.push(Token {
                    kind: TokenKind::Dedent,
                    span: position..position,
                });
            }
            // Python rejects a dedent to a width no enclosing block had; a tolerant reader
            // treats it as the start of a new block at that width.
            if width > *self.indents.last().unwrap_or(&0) {
                self.indents.push(width);
                self.tokens.push(Token {
                    kind: TokenKind::Indent,
                    span: position..position,
                });
            }
        }
        position
    }
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(bytes.len(), |offset| from + offset)
}

/// The end of the string whose opening quote is at `quote`: triple-quoted strings run to their
/// closing triple (or the end of the input), others to their closing quote (or the end of the
/// line).
fn string_end(bytes: &[u8], quote: usize) -> usize {
    let quote_byte = bytes[quote];
    let triple = [quote_byte; 3];
    if bytes[quote..].starts_with(&triple) {
        delimited_end(bytes, quote + 3, &triple, true)
    } else {
        quoted_end(bytes, quote, quote_byte)
    }
}

/// An identifier, a keyword, or a prefixed string such as `f"…"`, `rb'…'` or `u"…"`.
fn identifier_or_string(bytes: &[u8], start: usize) -> (TokenKind, usize) {
    let end = identifier_end(bytes, start);
    let word = &bytes[start..end];
    if matches!(bytes.get(end), Some(b'"' | b'\'')) && is_string_prefix(word) {
        return (TokenKind::Literal, string_end(bytes, end));
    }
    match keyword(word, KEYWORDS) {
        Some(keyword) => (TokenKind::Keyword(keyword), end),
        None => (TokenKind::Identifier, end),
    }
}

fn is_string_prefix(word: &[u8]) -> bool {
    let lower = word.to_ascii_lowercase();
    matches!(
        lower.as_slice(),
        b"r" | b"u" | b"b" | b"f" | b"br" | b"rb" | b"fr" | b"rf" | b"t" | b"tr" | b"rt"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::{
        Dedent as D, Identifier as I, Indent as N, Keyword as K, Literal as L, Newline as NL,
        Symbol as S,
    };

    fn kinds(source: &str) -> Vec<TokenKind> {
        tokenize(source.as_bytes())
            .into_iter()
            .map(|token| token.kind)
            .collect()
    }

    #[test]
    fn blocks_become_indent_and_dedent_tokens() {
        let source = "def f(x):\n    if x:\n        return 1\n    return 2\nprint(f(3))\n";
        assert_eq!(
            kinds(source),
            [
                K("def"),
                I,
                S("("),
                I,
                S(")"),
                S(":"),
                NL,
                N,
                K("if"),
                I,
                S(":"),
                NL,
                N,
                K("return"),
                L,
                NL,
                D,
                K("return"),
                L,
                NL,
                D,
                I,
                S("("),
                I,
                S("("),
                L,
                S(")"),
                S(")"),
                NL
            ]
        );
    }

    #[test]
    fn blank_lines_comments_and_wrapped_expressions_change_nothing() {
        let compact = "x = f(a, b)\nif x:\n    y = 1\n";
        let spread = "# a comment\nx = f(a,\n\n      b)  # why\n\nif x:\n\n        # more\n        y = \\\n 1\n";
        assert_eq!(kinds(compact), kinds(spread));
    }

    #[test]
    fn docstrings_are_dropped_like_comments_and_prefixed_strings_are_one_literal() {
        let source = "def f():\n    \"\"\"Says\n    hello.\"\"\"\n    return rb'\\x00' + f\"{x!r}\"\n'block' \"comment\"\n";
        assert_eq!(
            kinds(source),
            [
                K("def"),
                I,
                S("("),
                S(")"),
                S(":"),
                NL,
                N,
                K("return"),
                L,
                S("+"),
                L,
                NL,
                D
            ]
        );
    }

    #[test]
    fn the_input_ending_inside_a_block_closes_every_block() {
        assert_eq!(
            kinds("if a:\n  if b:\n    c"),
            [
                K("if"),
                I,
                S(":"),
                NL,
                N,
                K("if"),
                I,
                S(":"),
                NL,
                N,
                I,
                NL,
                D,
                D
            ]
        );
    }

    #[test]
    fn an_inconsistent_dedent_starts_a_new_block_instead_of_failing() {
        assert_eq!(
            kinds("if a:\n    b\n  c\n"),
            [K("if"), I, S(":"), NL, N, I, NL, D, N, I, NL, D]
        );
    }

    #[test]
    fn a_string_that_is_only_part_of_a_statement_is_kept() {
        assert_eq!(
            kinds("'-'.join(x)\n"),
            [L, S("."), I, S("("), I, S(")"), NL]
        );
        assert_eq!(kinds("42\n"), [L, NL]);
    }

    #[test]
    fn windows_line_endings_read_like_unix_ones() {
        assert_eq!(
            kinds("if a:\r\n    b = 1\r\n\r\nc = \\\r\n 2\r\n"),
            kinds("if a:\n    b = 1\n\nc = \\\n 2\n")
        );
    }
}
