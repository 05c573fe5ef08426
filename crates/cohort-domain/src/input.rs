//! Validated input types. Each has private fields and a constructor that can fail with a message
//! a person can act on; past the boundary, code takes these types and never re-checks.

use chrono::NaiveDate;
use thiserror::Error;

/// A problem with one input value. The text is shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);

fn invalid(message: impl Into<String>) -> InvalidInput {
    InvalidInput(message.into())
}

/// An email address, trimmed and lower-cased so that one person has one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Email, InvalidInput> {
        let text = text.trim().to_lowercase();
        let message = "Enter an email address like name@example.com.";
        if text.is_empty() {
            return Err(invalid("Enter your email address."));
        }
        if text.len() > 254 || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid(message));
        }
        let (local, domain) = text.split_once('@').ok_or_else(|| invalid(message))?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(invalid(message));
        }
        Ok(Email(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the length rules. It is never logged or displayed.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(text: &str) -> Result<NewPassword, InvalidInput> {
        let count = text.chars().count();
        if count < Self::MIN_CHARS {
            return Err(invalid(format!(
                "Use at least {} characters for your password.",
                Self::MIN_CHARS
            )));
        }
        if count > Self::MAX_CHARS {
            return Err(invalid(format!(
                "Use at most {} characters for your password.",
                Self::MAX_CHARS
            )));
        }
        Ok(NewPassword(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

/// Trimmed text of bounded length, required unless built with [`Text::optional`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text(String);

impl Text {
    /// Parses required text: `what` names the field in the message ("Enter your school.").
    pub fn required(text: &str, what: &str, max_chars: usize) -> Result<Text, InvalidInput> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(invalid(format!("Enter {what}.")));
        }
        Text::optional(trimmed, what, max_chars)
    }

    /// Parses optional text: empty is allowed, too long is not.
    pub fn optional(text: &str, what: &str, max_chars: usize) -> Result<Text, InvalidInput> {
        let trimmed = text.trim();
        let count = trimmed.chars().count();
        if count > max_chars {
            return Err(invalid(format!(
                "Shorten {what} to at most {max_chars} characters (it has {count})."
            )));
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(invalid(format!("Remove control characters from {what}.")));
        }
        Ok(Text(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The month a candidate graduates, entered as `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GraduationMonth {
    year: i32,
    month: u32,
}

impl GraduationMonth {
    pub fn parse(text: &str) -> Result<GraduationMonth, InvalidInput> {
        let message = "Enter your graduation month as YYYY-MM, for example 2028-05.";
        let text = text.trim();
        if text.is_empty() {
            return Err(invalid("Enter your graduation month."));
        }
        let (year, month) = text.split_once('-').ok_or_else(|| invalid(message))?;
        let year: i32 = year.parse().map_err(|_| invalid(message))?;
        let month: u32 = month.parse().map_err(|_| invalid(message))?;
        if !(1..=12).contains(&month) || !(1950..=2100).contains(&year) {
            return Err(invalid(message));
        }
        Ok(GraduationMonth { year, month })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month, used for comparisons and display.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated month")
    }
}

impl std::fmt::Display for GraduationMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Programming languages a candidate lists, as written ("TypeScript"), de-duplicated without
/// regard to case, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Languages(Vec<String>);

impl Languages {
    pub const MAX: usize = 20;

    /// Parses a comma-separated list such as "Java, Python, C++".
    pub fn parse(text: &str) -> Result<Languages, InvalidInput> {
        let mut languages: Vec<String> = Vec::new();
        for part in text.split([',', '\n']) {
            let name = part.trim().to_owned();
            if name.is_empty() {
                continue;
            }
            if name.chars().count() > 30
                || !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || "+#-. /".contains(c))
            {
                return Err(invalid(format!(
                    "\"{}\" does not look like a programming language name.",
                    part.trim()
                )));
            }
            if !languages
                .iter()
                .any(|known| known.eq_ignore_ascii_case(&name))
            {
                languages.push(name);
            }
        }
        if languages.len() > Self::MAX {
            return Err(invalid(format!("List at most {} languages.", Self::MAX)));
        }
        Ok(Languages(languages))
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The stored form: comma-separated, which is also what the parser reads back.
    pub fn joined(&self) -> String {
        self.0.join(", ")
    }
}

/// Web links (portfolio, GitHub, LinkedIn), one per line, each `http://` or `https://`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Links(Vec<String>);

impl Links {
    pub const MAX: usize = 5;

    pub fn parse(text: &str) -> Result<Links, InvalidInput> {
        let mut links = Vec::new();
        for line in text
            .split(['\n', ' '])
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let rest = line
                .strip_prefix("https://")
                .or_else(|| line.strip_prefix("http://"))
                .ok_or_else(|| {
                    invalid(format!("\"{line}\" must start with https:// or http://."))
                })?;
            let host = rest.split('/').next().unwrap_or_default();
            if host.is_empty()
                || !host.contains('.')
                || line.len() > 300
                || line.contains(['<', '>', '"'])
            {
                return Err(invalid(format!("\"{line}\" is not a valid web address.")));
            }
            links.push(line.to_owned());
        }
        if links.len() > Self::MAX {
            return Err(invalid(format!("List at most {} links.", Self::MAX)));
        }
        Ok(Links(links))
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn joined(&self) -> String {
        self.0.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "ada@.com",
            "ada@example..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_need_ten_to_128_characters() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("correct horse").is_ok());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        assert_eq!(
            format!("{:?}", NewPassword::parse("correct horse").unwrap()),
            "NewPassword(..)"
        );
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(
            Text::required("  MIT ", "your school", 10)
                .unwrap()
                .as_str(),
            "MIT"
        );
        assert_eq!(
            Text::required("   ", "your school", 10).unwrap_err().0,
            "Enter your school."
        );
        assert!(Text::optional("abcdefghijk", "your school", 10).is_err());
        assert!(Text::optional("", "a cover letter", 10).is_ok());
        assert!(Text::optional("a\u{0}b", "a cover letter", 10).is_err());
    }

    #[test]
    fn graduation_months_are_year_dash_month() {
        let month = GraduationMonth::parse("2028-05").unwrap();
        assert_eq!((month.year(), month.month()), (2028, 5));
        assert_eq!(month.to_string(), "2028-05");
        for bad in ["", "2028", "2028-13", "May 2028", "28-05"] {
            assert!(GraduationMonth::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn languages_keep_their_case_and_are_deduplicated_ignoring_it() {
        let languages = Languages::parse("Java, TypeScript, C++,java,, C#").unwrap();
        assert_eq!(languages.as_slice(), ["Java", "TypeScript", "C++", "C#"]);
        assert_eq!(Languages::parse(&languages.joined()).unwrap(), languages);
        assert!(Languages::parse("<script>").is_err());
    }

    #[test]
    fn links_must_be_web_addresses() {
        let links = Links::parse("https://github.com/ada\nhttp://ada.dev").unwrap();
        assert_eq!(links.as_slice().len(), 2);
        assert!(Links::parse("javascript:alert(1)").is_err());
        assert!(Links::parse("https://localhost").is_err());
        assert!(Links::parse("ftp://example.com").is_err());
    }
}
