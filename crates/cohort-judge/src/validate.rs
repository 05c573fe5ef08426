//! The default output validator of the Kattis problem format, as a pure function.
//!
//! By default tokens are compared case-insensitively and any run of whitespace equals any other.
//! Flags (from `validator_flags` in problem.yaml): `case_sensitive`, `space_change_sensitive`,
//! `float_relative_tolerance E`, `float_absolute_tolerance E`, `float_tolerance E` (both).

/// The default validator's settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DefaultValidator {
    pub case_sensitive: bool,
    pub space_change_sensitive: bool,
    pub float_absolute_tolerance: Option<f64>,
    pub float_relative_tolerance: Option<f64>,
}

/// Why the output was rejected, in words a candidate can act on.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection(pub String);

impl DefaultValidator {
    /// Parses `validator_flags`; unknown flags are an error, since a typo would silently change
    /// what is accepted.
    pub fn from_flags(flags: &str) -> Result<DefaultValidator, String> {
        let mut validator = DefaultValidator::default();
        let mut words = flags.split_whitespace();
        while let Some(flag) = words.next() {
            let mut number = |name: &str| -> Result<f64, String> {
                let value = words
                    .next()
                    .ok_or_else(|| format!("{name} needs a number"))?;
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| format!("{name}: \"{value}\" is not a tolerance"))
            };
            match flag {
                "case_sensitive" => validator.case_sensitive = true,
                "space_change_sensitive" => validator.space_change_sensitive = true,
                "float_absolute_tolerance" => {
                    validator.float_absolute_tolerance = Some(number(flag)?)
                }
                "float_relative_tolerance" => {
                    validator.float_relative_tolerance = Some(number(flag)?)
                }
                "float_tolerance" => {
                    let tolerance = number(flag)?;
                    validator.float_absolute_tolerance = Some(tolerance);
                    validator.float_relative_tolerance = Some(tolerance);
                }
                other => return Err(format!("unknown validator flag \"{other}\"")),
            }
        }
        Ok(validator)
    }

    fn floats(&self) -> bool {
        self.float_absolute_tolerance.is_some() || self.float_relative_tolerance.is_some()
    }

    /// Compares the submission's output with the answer.
    pub fn check(&self, answer: &[u8], output: &[u8]) -> Result<(), Rejection> {
        if self.space_change_sensitive {
            return self.check_exact_spacing(answer, output);
        }
        let mut expected = tokens(answer);
        let mut got = tokens(output);
        let mut index = 1;
        loop {
            match (expected.next(), got.next()) {
                (None, None) => return Ok(()),
                (Some(e), None) => {
                    return Err(Rejection(format!(
                        "output ended too early: token {index} should be \"{}\"",
                        shown(e)
                    )))
                }
                (None, Some(g)) => {
                    return Err(Rejection(format!(
                        "unexpected output after the answer: token {index} is \"{}\"",
                        shown(g)
                    )))
                }
                (Some(e), Some(g)) => {
                    if !self.token_matches(e, g) {
                        return Err(Rejection(format!(
                            "token {index} is \"{}\" but should be \"{}\"",
                            shown(g),
                            shown(e)
                        )));
                    }
                }
            }
            index += 1;
        }
    }

    fn token_matches(&self, expected: &[u8], got: &[u8]) -> bool {
        if self.floats() {
            if let Some(e) = as_float(expected) {
                let Some(g) = as_float(got) else {
                    return false;
                };
                let difference = (e - g).abs();
                let absolute = self
                    .float_absolute_tolerance
                    .is_some_and(|t| difference <= t);
                let relative = self
                    .float_relative_tolerance
                    .is_some_and(|t| difference <= t * e.abs());
                // Equal infinities (and exact matches) are fine whatever the tolerance.
                return absolute || relative || e == g;
            }
        }
        if self.case_sensitive {
            expected == got
        } else {
            expected.eq_ignore_ascii_case(got)
        }
    }

    /// With `space_change_sensitive`, whitespace must match exactly, except that a final newline
    /// may be missing or present.
    fn check_exact_spacing(&self, answer: &[u8], output: &[u8]) -> Result<(), Rejection> {
        let trim = |s: &[u8]| -> usize {
            let mut end = s.len();
            if end > 0 && s[end - 1] == b'\n' {
                end -= 1;
            }
            end
        };
        let (answer, output) = (&answer[..trim(answer)], &output[..trim(output)]);
        let mut a = 0;
        let mut o = 0;
        while a < answer.len() && o < output.len() {
            let a_space = answer[a].is_ascii_whitespace();
            let o_space = output[o].is_ascii_whitespace();
            if a_space || o_space {
                if answer[a] != output[o] {
                    return Err(Rejection(format!(
                        "whitespace differs at byte {o} of the output"
                    )));
                }
                a += 1;
                o += 1;
                continue;
            }
            let a_end = answer[a..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(answer.len(), |p| a + p);
            let o_end = output[o..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(output.len(), |p| o + p);
            if !self.token_matches(&answer[a..a_end], &output[o..o_end]) {
                return Err(Rejection(format!(
                    "\"{}\" at byte {o} should be \"{}\"",
                    shown(&output[o..o_end]),
                    shown(&answer[a..a_end])
                )));
            }
            a = a_end;
            o = o_end;
        }
        match (a < answer.len(), o < output.len()) {
            (false, false) => Ok(()),
            (true, _) => Err(Rejection("output ended too early".into())),
            (_, true) => Err(Rejection("unexpected output after the answer".into())),
        }
    }
}

fn tokens(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
}

fn as_float(token: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(token).ok()?;
    // Rust also parses "inf" and "NaN"; only numerals count as numbers here.
    if !text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    text.parse().ok()
}

/// A token for a message: at most 40 characters, lossy UTF-8.
fn shown(token: &[u8]) -> String {
    let text = String::from_utf8_lossy(token);
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default() -> DefaultValidator {
        DefaultValidator::default()
    }

    #[test]
    fn by_default_whitespace_and_case_do_not_matter() {
        assert!(default().check(b"Yes 3\n", b"  yes\n\n3").is_ok());
        assert!(default().check(b"1 2 3", b"1\n2\n3\n").is_ok());
    }

    #[test]
    fn a_wrong_missing_or_extra_token_is_named() {
        let wrong = default().check(b"1 2 3", b"1 5 3").unwrap_err();
        assert_eq!(wrong.0, "token 2 is \"5\" but should be \"2\"");
        let short = default().check(b"1 2", b"1").unwrap_err();
        assert!(short.0.contains("ended too early"), "{}", short.0);
        let long = default().check(b"1", b"1 2").unwrap_err();
        assert!(long.0.contains("after the answer"), "{}", long.0);
        assert!(default().check(b"", b"").is_ok());
    }

    #[test]
    fn case_sensitivity_is_a_flag() {
        let strict = DefaultValidator::from_flags("case_sensitive").unwrap();
        assert!(strict.check(b"Yes", b"yes").is_err());
        assert!(strict.check(b"Yes", b"Yes").is_ok());
    }

    #[test]
    fn floats_are_compared_with_the_tolerances() {
        let validator = DefaultValidator::from_flags("float_tolerance 1e-6").unwrap();
        assert!(validator.check(b"3.1415926", b"3.14159265").is_ok());
        assert!(validator.check(b"3.1415926", b"3.1416").is_err());
        // Relative tolerance for large values.
        assert!(validator.check(b"1000000", b"1000000.5").is_ok());
        assert!(validator.check(b"1.0", b"abc").is_err());
        let absolute = DefaultValidator::from_flags("float_absolute_tolerance 0.01").unwrap();
        assert!(absolute.check(b"1000", b"1000.009").is_ok());
        assert!(absolute.check(b"1000", b"1000.02").is_err());
        // Non-numeric answer tokens are compared as words even with tolerances.
        assert!(validator.check(b"impossible", b"IMPOSSIBLE").is_ok());
    }

    #[test]
    fn without_tolerance_numbers_are_compared_as_text() {
        assert!(default().check(b"1.0", b"1.00").is_err());
    }

    #[test]
    fn space_change_sensitive_compares_whitespace_exactly_but_forgives_the_last_newline() {
        let validator = DefaultValidator::from_flags("space_change_sensitive").unwrap();
        assert!(validator.check(b"a b\nc\n", b"a b\nc").is_ok());
        assert!(validator.check(b"a b\nc\n", b"a  b\nc\n").is_err());
        assert!(validator.check(b"a b", b"a\nb").is_err());
        assert!(validator.check(b"a b", b"A b").is_ok());
    }

    #[test]
    fn unknown_or_incomplete_flags_are_refused() {
        assert!(DefaultValidator::from_flags("case_sensitve").is_err());
        assert!(DefaultValidator::from_flags("float_tolerance").is_err());
        assert!(DefaultValidator::from_flags("float_tolerance x").is_err());
        assert!(DefaultValidator::from_flags("float_tolerance -1").is_err());
    }

    #[test]
    fn long_tokens_are_shortened_in_messages() {
        let long = "x".repeat(100);
        let rejection = default().check(b"y", long.as_bytes()).unwrap_err();
        assert!(rejection.0.len() < 100, "{}", rejection.0);
    }
}
