//! Money: amounts as whole minor units of an ISO 4217 currency, never floating point.
//!
//! Each currency has its own number of decimals (the yen none, the dollar two, the Kuwaiti dinar
//! three), so an amount is parsed and formatted with its currency's exponent. Nothing here
//! converts between currencies: an amount in one currency is compared only with amounts in the
//! same currency.

use crate::input::InvalidInput;

/// The largest amount accepted in a form, in whole units of any currency: far above any pay, far
/// below where minor units of a three-decimal currency could overflow.
const MAX_WHOLE_UNITS: i64 = 1_000_000_000;

/// A three-letter ISO 4217 code of a currency that has minor units (so not gold or a test code).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Currency(String);

impl Currency {
    /// Parses a code such as "usd" or " EUR ".
    pub fn parse(text: &str) -> Result<Currency, InvalidInput> {
        let code = text.trim().to_uppercase();
        match iso_currency::Currency::from_code(&code).and_then(|c| c.exponent()) {
            Some(_) => Ok(Currency(code)),
            None if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) => Err(
                InvalidInput(format!("{code} is not an ISO 4217 currency of pay.")),
            ),
            None => Err(InvalidInput(
                "Enter a three-letter currency code such as USD.".into(),
            )),
        }
    }

    /// A code read back from the database. Codes stored before currencies were checked are
    /// kept as they are and treated as having two decimals.
    pub fn stored(code: &str) -> Currency {
        Currency(code.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many decimals the currency's minor unit has: 0 for JPY, 2 for USD, 3 for KWD.
    pub fn exponent(&self) -> u32 {
        exponent_of(&self.0)
    }

    /// Parses an amount such as "8,500", "8500.50" or "450000" (in yen) into minor units.
    pub fn parse_amount(&self, text: &str, what: &str) -> Result<i64, InvalidInput> {
        let exponent = self.exponent();
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != '_' && *c != ' ')
            .collect();
        let example = if exponent == 0 { "450000" } else { "8500" };
        let message = || InvalidInput(format!("Enter {what} as a number, for example {example}."));
        let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        if whole.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !fraction.chars().all(|c| c.is_ascii_digit())
        {
            return Err(message());
        }
        if fraction.len() > exponent as usize {
            return Err(InvalidInput(match exponent {
                0 => format!("{} has no minor unit: enter {what} in whole units.", self.0),
                n => format!(
                    "{} has {n} decimal{}: {what} cannot have more.",
                    self.0,
                    if n == 1 { "" } else { "s" }
                ),
            }));
        }
        let whole: i64 = whole.parse().map_err(|_| message())?;
        if whole > MAX_WHOLE_UNITS {
            return Err(InvalidInput(format!("{what} is implausibly large.")));
        }
        let scale = 10_i64.pow(exponent);
        let fraction: i64 = if exponent == 0 {
            0
        } else {
            format!("{fraction:0<width$}", width = exponent as usize)
                .parse()
                .map_err(|_| message())?
        };
        Ok(whole * scale + fraction)
    }

    /// Formats minor units as "8,500.00 USD", "450,000 JPY" or "1,250.500 KWD"; whole amounts of a
    /// currency with decimals drop them ("8,500 USD").
    pub fn format(&self, minor_units: i64) -> String {
        format_money(minor_units, &self.0)
    }

    /// The amount as typed into a form, without grouping or code ("8500.5" → "8500.50").
    pub fn plain(&self, minor_units: i64) -> String {
        let exponent = self.exponent();
        let scale = 10_i64.pow(exponent);
        let sign = if minor_units < 0 { "-" } else { "" };
        let amount = minor_units.unsigned_abs();
        let (whole, fraction) = (amount / scale as u64, amount % scale as u64);
        if fraction == 0 {
            format!("{sign}{whole}")
        } else {
            format!(
                "{sign}{whole}.{fraction:0width$}",
                width = exponent as usize
            )
        }
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount of money in minor units of a currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub minor_units: i64,
    pub currency: Currency,
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.currency.format(self.minor_units))
    }
}

fn exponent_of(code: &str) -> u32 {
    iso_currency::Currency::from_code(code)
        .and_then(|c| c.exponent())
        .map_or(2, u32::from)
}

/// Formats minor units of the currency `code` for people, grouping thousands.
pub fn format_money(minor_units: i64, code: &str) -> String {
    let exponent = exponent_of(code);
    let scale = 10_u64.pow(exponent);
    let sign = if minor_units < 0 { "-" } else { "" };
    let amount = minor_units.unsigned_abs();
    let (whole, fraction) = (amount / scale, amount % scale);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if fraction == 0 {
        format!("{sign}{grouped} {code}")
    } else {
        format!(
            "{sign}{grouped}.{fraction:0width$} {code}",
            width = exponent as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn currency(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn each_currency_parses_with_its_own_number_of_decimals() {
        assert_eq!(
            currency("usd").parse_amount("8,500.5", "pay").unwrap(),
            850_050
        );
        assert_eq!(
            currency("JPY").parse_amount("450,000", "pay").unwrap(),
            450_000
        );
        assert_eq!(
            currency("KWD").parse_amount("1250.125", "pay").unwrap(),
            1_250_125
        );
        assert_eq!(
            currency("CLF").parse_amount("3.0001", "pay").unwrap(),
            30_001
        );
        let yen = currency("JPY").parse_amount("450000.5", "the monthly pay");
        assert_eq!(
            yen.unwrap_err().0,
            "JPY has no minor unit: enter the monthly pay in whole units."
        );
        assert!(currency("USD").parse_amount("1.005", "pay").is_err());
        assert!(currency("USD").parse_amount("-5", "pay").is_err());
        assert!(currency("USD").parse_amount("", "pay").is_err());
        assert!(currency("USD").parse_amount("1e5", "pay").is_err());
        assert!(currency("KWD").parse_amount("2000000000", "pay").is_err());
    }

    #[test]
    fn codes_that_are_not_currencies_of_pay_are_refused_by_name() {
        assert_eq!(
            Currency::parse("XAU").unwrap_err().0,
            "XAU is not an ISO 4217 currency of pay."
        );
        assert!(Currency::parse("ABC").is_err());
        assert!(Currency::parse("dollars").is_err());
        assert_eq!(currency(" eur ").as_str(), "EUR");
    }

    #[test]
    fn formatting_groups_thousands_and_shows_the_currencys_decimals() {
        assert_eq!(format_money(850_000, "USD"), "8,500 USD");
        assert_eq!(format_money(850_050, "USD"), "8,500.50 USD");
        assert_eq!(format_money(450_000, "JPY"), "450,000 JPY");
        assert_eq!(format_money(1_250_005, "KWD"), "1,250.005 KWD");
        assert_eq!(format_money(-1_999, "EUR"), "-19.99 EUR");
        assert_eq!(currency("KWD").plain(1_250_050), "1250.050");
        assert_eq!(currency("JPY").plain(450_000), "450000");
    }

    #[test]
    fn every_amount_survives_formatting_and_parsing_again_in_every_currency_without_losing_a_minor_unit(
    ) {
        for code in [
            "USD", "EUR", "GBP", "JPY", "KRW", "KWD", "BHD", "CLF", "INR", "CAD",
        ] {
            let currency = currency(code);
            let mut amount: i64 = 0;
            while amount < 900_000_000 {
                let typed = currency.plain(amount);
                assert_eq!(
                    currency.parse_amount(&typed, "x").unwrap(),
                    amount,
                    "{code} {typed}"
                );
                let shown = currency.format(amount);
                let without_code = shown.trim_end_matches(code).trim();
                assert_eq!(
                    currency.parse_amount(without_code, "x").unwrap(),
                    amount,
                    "{shown}"
                );
                amount = amount * 3 + 7;
            }
        }
    }
}
