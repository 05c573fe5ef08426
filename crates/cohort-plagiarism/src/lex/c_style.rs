//! One lexer for the languages with C's lexical shape (C, C++ and Java), parameterised by a
//! dialect: keywords, multi-character operators, and the few literal forms one language has and
//! the other does not.

use super::{
    delimited_end, identifier_end, is_identifier_start, keyword, longest_operator, number_end,
    quoted_end, single_character_symbol, Token, TokenKind,
};

/// What differs between C-like languages, as data.
pub(super) struct Dialect {
    /// Reserved words, sorted (binary search).
    pub(super) keywords: &'static [&'static str],
    /// Operators longer than one character, longest first (maximal munch).
    pub(super) operators: &'static [&'static str],
    /// C and C++: `#include <header>` names a header, which is one literal rather than a run of
    /// comparison operators and identifiers.
    include_headers: bool,
    /// C++: string and character prefixes (`L`, `u8`, `R`, …) and raw strings `R"tag(…)tag"`.
    prefixed_literals: bool,
    /// Java: text blocks `"""…"""`.
    text_blocks: bool,
    /// C++14: the digit separator `'` inside numbers.
    digit_separator: Option<u8>,
}

/// C and C++ share one table: C's keywords are a subset of C++'s, and a C program that uses a
/// C++ keyword as a name (`new`, `class`) is rare enough not to matter for fingerprints.
pub(super) const C_AND_CPP: Dialect = Dialect {
    keywords: &[
        "_Bool",
        "alignas",
        "alignof",
        "asm",
        "auto",
        "bool",
        "break",
        "case",
        "catch",
        "char",
        "class",
        "const",
        "const_cast",
        "constexpr",
        "continue",
        "decltype",
        "default",
        "delete",
        "do",
        "double",
        "dynamic_cast",
        "else",
        "enum",
        "explicit",
        "extern",
        "false",
        "float",
        "for",
        "friend",
        "goto",
        "if",
        "inline",
        "int",
        "long",
        "mutable",
        "namespace",
        "new",
        "noexcept",
        "nullptr",
        "operator",
        "private",
        "protected",
        "public",
        "register",
        "reinterpret_cast",
        "restrict",
        "return",
        "short",
        "signed",
        "sizeof",
        "static",
        "static_assert",
        "static_cast",
        "struct",
        "switch",
        "template",
        "this",
        "throw",
        "true",
        "try",
        "typedef",
        "typename",
        "union",
        "unsigned",
        "using",
        "virtual",
        "void",
        "volatile",
        "while",
    ],
    operators: &[
        "<<=", ">>=", "<=>", "->*", "...", "::", "->", "++", "--", "<<", ">>", "<=", ">=", "==",
        "!=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", ".*", "##",
    ],
    include_headers: true,
    prefixed_literals: true,
    text_blocks: false,
    digit_separator: Some(b'\''),
};

pub(super) const JAVA: Dialect = Dialect {
    keywords: &[
        "abstract",
        "assert",
        "boolean",
        "break",
        "byte",
        "case",
        "catch",
        "char",
        "class",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extends",
        "false",
        "final",
        "finally",
        "float",
        "for",
        "goto",
        "if",
        "implements",
        "import",
        "instanceof",
        "int",
        "interface",
        "long",
        "native",
        "new",
        "null",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "short",
        "static",
        "strictfp",
        "super",
        "switch",
        "synchronized",
        "this",
        "throw",
        "throws",
        "transient",
        "true",
        "try",
        "var",
        "void",
        "volatile",
        "while",
    ],
    operators: &[
        ">>>=", "<<=", ">>=", ">>>", "...", "::", "->", "++", "--", "<<", ">>", "<=", ">=", "==",
        "!=", "&&", "||", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    ],
    include_headers: false,
    prefixed_literals: false,
    text_blocks: true,
    digit_separator: None,
};

/// Prefixes that turn a following quote into a (C++) string or character literal.
const LITERAL_PREFIXES: [&[u8]; 9] = [b"L", b"u", b"U", b"u8", b"R", b"LR", b"uR", b"UR", b"u8R"];

pub(super) fn tokenize(bytes: &[u8], dialect: &Dialect) -> Vec<Token> {
    // About one token per four bytes of typical competition code.
    let mut tokens = Vec::with_capacity(bytes.len() / 4);
    let mut position = 0;
    while position < bytes.len() {
        let byte = bytes[position];
        let next = bytes.get(position + 1).copied();
        let start = position;
        let (kind, end) = match byte {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                position += 1;
                continue;
            }
            b'/' if next == Some(b'/') => {
                position = line_end(bytes, position);
                continue;
            }
            b'/' if next == Some(b'*') => {
                position = delimited_end(bytes, position + 2, b"*/", false);
                continue;
            }
            b'"' if dialect.text_blocks && bytes[position..].starts_with(b"\"\"\"") => (
                TokenKind::Literal,
                delimited_end(bytes, position + 3, b"\"\"\"", true),
            ),
            b'"' | b'\'' => (TokenKind::Literal, quoted_end(bytes, position, byte)),
            b'0'..=b'9' => (TokenKind::Literal, c_number_end(bytes, position, dialect)),
            b'.' if next.is_some_and(|next| next.is_ascii_digit()) => {
                (TokenKind::Literal, c_number_end(bytes, position, dialect))
            }
            _ if is_identifier_start(byte) => identifier_or_literal(bytes, position, dialect),
            b'#' if dialect.include_headers => {
                tokens.push(Token {
                    kind: TokenKind::Symbol("#"),
                    span: position..position + 1,
                });
                position = directive(bytes, position + 1, &mut tokens);
                continue;
            }
            _ => match longest_operator(&bytes[position..], dialect.operators) {
                Some(operator) => (TokenKind::Symbol(operator), position + operator.len()),
                None => match single_character_symbol(byte) {
                    Some(symbol) => (TokenKind::Symbol(symbol), position + 1),
                    // Control characters and the like carry nothing; skip them.
                    None => {
                        position += 1;
                        continue;
                    }
                },
            },
        };
        tokens.push(Token {
            kind,
            span: start..end,
        });
        position = end;
    }
    tokens
}

fn c_number_end(bytes: &[u8], start: usize, dialect: &Dialect) -> usize {
    number_end(bytes, start, b"eEpP", dialect.digit_separator)
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&byte| byte == b'\n')
        .map_or(bytes.len(), |offset| from + offset)
}

/// An identifier, a keyword, or (C++) a prefixed string such as `u8"…"` or `R"x(…)x"`.
fn identifier_or_literal(bytes: &[u8], start: usize, dialect: &Dialect) -> (TokenKind, usize) {
    let end = identifier_end(bytes, start);
    let word = &bytes[start..end];
    if dialect.prefixed_literals && LITERAL_PREFIXES.contains(&word) {
        match bytes.get(end) {
            Some(b'"') if word.ends_with(b"R") => {
                return (TokenKind::Literal, raw_string_end(bytes, end))
            }
            Some(&quote @ (b'"' | b'\'')) => {
                return (TokenKind::Literal, quoted_end(bytes, end, quote))
            }
            _ => {}
        }
    }
    match keyword(word, dialect.keywords) {
        Some(keyword) => (TokenKind::Keyword(keyword), end),
        None => (TokenKind::Identifier, end),
    }
}

/// The end of a C++ raw string whose opening quote is at `quote`: `R"tag( … )tag"`. A malformed
/// opening (no parenthesis within the 16 characters a tag may have) is read as an ordinary string.
fn raw_string_end(bytes: &[u8], quote: usize) -> usize {
    let tag_start = quote + 1;
    let tag_length = bytes[tag_start..]
        .iter()
        .take(17)
        .position(|&byte| byte == b'(');
    let Some(tag_length) = tag_length.filter(|&length| length <= 16) else {
        return quoted_end(bytes, quote, b'"');
    };
    let mut terminator = Vec::with_capacity(tag_length + 2);
    terminator.push(b')');
    terminator.extend_from_slice(&bytes[tag_start..tag_start + tag_length]);
    terminator.push(b'"');
    delimited_end(bytes, tag_start + tag_length + 1, &terminator, false)
}

/// After a `#` at `from`: the directive's name as an identifier and, for `include`, the header
/// name as one literal. Returns where ordinary lexing resumes.
fn directive(bytes: &[u8], from: usize, tokens: &mut Vec<Token>) -> usize {
    let mut position = from;
    while position < bytes.len() && matches!(bytes[position], b' ' | b'\t') {
        position += 1;
    }
    if position >= bytes.len() || !is_identifier_start(bytes[position]) {
        return position;
    }
    let name_end = identifier_end(bytes, position);
    tokens.push(Token {
        kind: TokenKind::Identifier,
        span: position..name_end,
    });
    if &bytes[position..name_end] != b"include" {
        return name_end;
    }
    position = name_end;
    while position < bytes.len() && matches!(bytes[position], b' ' | b'\t') {
        position += 1;
    }
    if bytes.get(position) == Some(&b'<') {
        let header_end = bytes[position..]
            .iter()
            .position(|&byte| byte == b'>' || byte == b'\n')
            .map_or(bytes.len(), |offset| position + offset);
        let end = if bytes.get(header_end) == Some(&b'>') {
            header_end + 1
        } else {
            header_end
        };
        tokens.push(Token {
            kind: TokenKind::Literal,
            span: position..end,
        });
        return end;
    }
    position
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::{Identifier as I, Keyword as K, Literal as L, Symbol as S};

    fn kinds(source: &str, dialect: &Dialect) -> Vec<TokenKind> {
        tokenize(source.as_bytes(), dialect)
            .into_iter()
            .map(|token| token.kind)
            .collect()
    }

    fn texts(source: &str, dialect: &Dialect) -> Vec<String> {
        tokenize(source.as_bytes(), dialect)
            .into_iter()
            .map(|token| source[token.span].to_owned())
            .collect()
    }

    #[test]
    fn identifiers_and_literals_are_abstracted_and_keywords_and_operators_kept() {
        assert_eq!(
            kinds("for (int i = 0; i < n; ++i) s += \"x\";", &C_AND_CPP),
            [
                K("for"),
                S("("),
                K("int"),
                I,
                S("="),
                L,
                S(";"),
                I,
                S("<"),
                I,
                S(";"),
                S("++"),
                I,
                S(")"),
                I,
                S("+="),
                L,
                S(";")
            ]
        );
    }

    #[test]
    fn comments_and_whitespace_produce_no_tokens() {
        assert_eq!(
            kinds("a /* b\n c */ + // d\n\t e", &C_AND_CPP),
            [I, S("+"), I]
        );
        assert_eq!(kinds("x; /* never closed", &JAVA), [I, S(";")]);
    }

    #[test]
    fn numbers_of_every_shape_are_one_literal() {
        for number in [
            "0x1F",
            "1e-9",
            "2.5f",
            "1'000'000",
            ".5",
            "0b1010u",
            "1.5E+10L",
        ] {
            assert_eq!(texts(number, &C_AND_CPP), [number], "{number}");
        }
        for number in ["1_000_000L", "0x7fff_ffff", "3.0d", "1e+5"] {
            assert_eq!(texts(number, &JAVA), [number], "{number}");
        }
        // A character literal after a number is not a digit separator.
        assert_eq!(texts("1 'a'", &C_AND_CPP), ["1", "'a'"]);
    }

    #[test]
    fn strings_with_escapes_prefixes_and_raw_delimiters_are_one_literal() {
        assert_eq!(
            texts(r#"s = "a\"b";"#, &C_AND_CPP),
            ["s", "=", r#""a\"b""#, ";"]
        );
        assert_eq!(texts(r#"u8"x" L'y'"#, &C_AND_CPP), [r#"u8"x""#, "L'y'"]);
        assert_eq!(
            texts(r#"R"tag(a ")" b)tag"; x"#, &C_AND_CPP),
            [r#"R"tag(a ")" b)tag""#, ";", "x"]
        );
        assert_eq!(
            texts("var t = \"\"\"\n  a \"q\" b\n  \"\"\";", &JAVA),
            ["var", "t", "=", "\"\"\"\n  a \"q\" b\n  \"\"\"", ";"]
        );
    }

    #[test]
    fn an_unterminated_string_ends_at_its_line() {
        assert_eq!(
            texts("a = \"oops\nb;", &C_AND_CPP),
            ["a", "=", "\"oops", "b", ";"]
        );
    }

    #[test]
    fn an_include_directive_names_its_header_as_one_literal() {
        assert_eq!(
            kinds("#include <bits/stdc++.h>\n#define N 5", &C_AND_CPP),
            [S("#"), I, L, S("#"), I, I, L]
        );
    }

    #[test]
    fn the_longest_operator_wins() {
        assert_eq!(texts("a>>>=b", &JAVA), ["a", ">>>=", "b"]);
        assert_eq!(texts("a>>=b", &C_AND_CPP), ["a", ">>=", "b"]);
        assert_eq!(texts("p->*q", &C_AND_CPP), ["p", "->*", "q"]);
    }
}
