//! Seasons, application windows, time zones and pay bands.

use crate::input::InvalidInput;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The default length of an internship program.
pub const DEFAULT_PROGRAM_WEEKS: i64 = 12;

/// The first and last day of a season's program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramDates {
    start: NaiveDate,
    end: NaiveDate,
}

impl ProgramDates {
    /// Builds program dates; without an end date the program lasts [`DEFAULT_PROGRAM_WEEKS`].
    pub fn new(start: NaiveDate, end: Option<NaiveDate>) -> Result<ProgramDates, InvalidInput> {
        let end = end.unwrap_or(start + Duration::weeks(DEFAULT_PROGRAM_WEEKS) - Duration::days(1));
        if end <= start {
            return Err(InvalidInput("The program must end after it starts.".into()));
        }
        if end - start > Duration::weeks(52) {
            return Err(InvalidInput("A program lasts at most a year.".into()));
        }
        Ok(ProgramDates { start, end })
    }

    pub fn start(self) -> NaiveDate {
        self.start
    }

    pub fn end(self) -> NaiveDate {
        self.end
    }

    /// The number of whole weeks, rounded up, the program runs.
    pub fn weeks(self) -> i64 {
        ((self.end - self.start).num_days() + 1 + 6) / 7
    }
}

/// Parses a calendar date written `YYYY-MM-DD`.
pub fn parse_date(text: &str, what: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidInput(format!("Enter {what} as YYYY-MM-DD.")))
}

/// An IANA time zone name such as `America/Los_Angeles`.
pub fn parse_time_zone(text: &str) -> Result<Tz, InvalidInput> {
    current_zone_name(text.trim()).parse::<Tz>().map_err(|_| {
        InvalidInput(format!(
            "\"{}\" is not a time zone name; use one like America/Los_Angeles.",
            text.trim()
        ))
    })
}

/// Old names of zones that browsers still report (Chromium's and Firefox's `Intl` give CLDR's
/// identifiers, which kept the names of before a rename), with the name the zone has now.
const RENAMED_ZONES: [(&str, &str); 20] = [
    ("Asia/Calcutta", "Asia/Kolkata"),
    ("Asia/Katmandu", "Asia/Kathmandu"),
    ("Asia/Saigon", "Asia/Ho_Chi_Minh"),
    ("Asia/Rangoon", "Asia/Yangon"),
    ("Europe/Kiev", "Europe/Kyiv"),
    ("Europe/Uzhgorod", "Europe/Kyiv"),
    ("Europe/Zaporozhye", "Europe/Kyiv"),
    ("Atlantic/Faeroe", "Atlantic/Faroe"),
    ("Africa/Asmera", "Africa/Asmara"),
    ("America/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ("America/Catamarca", "America/Argentina/Catamarca"),
    ("America/Cordoba", "America/Argentina/Cordoba"),
    ("America/Jujuy", "America/Argentina/Jujuy"),
    ("America/Mendoza", "America/Argentina/Mendoza"),
    ("America/Indianapolis", "America/Indiana/Indianapolis"),
    ("America/Louisville", "America/Kentucky/Louisville"),
    ("America/Godthab", "America/Nuuk"),
    ("Pacific/Ponape", "Pacific/Pohnpei"),
    ("Pacific/Truk", "Pacific/Chuuk"),
    ("Pacific/Enderbury", "Pacific/Kanton"),
];

/// The current name of a zone given by an old one (see [`RENAMED_ZONES`]), else `name` itself;
/// so that "Asia/Calcutta" from a browser is shown, stored and compared as "Asia/Kolkata".
pub fn current_zone_name(name: &str) -> &str {
    RENAMED_ZONES
        .iter()
        .find(|(old, _)| *old == name)
        .map_or(name, |(_, current)| current)
}

/// Reads a local date and time (`YYYY-MM-DDTHH:MM`, as an HTML `datetime-local` input sends it)
/// in `zone`. When clocks go back and a time happens twice, the earlier instant is taken; a time
/// skipped when clocks go forward is refused.
pub fn parse_local_time(text: &str, zone: Tz, what: &str) -> Result<DateTime<Utc>, InvalidInput> {
    let text = text.trim();
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .map_err(|_| {
            InvalidInput(format!(
                "Enter {what} as a date and time, for example 2027-01-15T09:00."
            ))
        })?;
    zone.from_local_datetime(&local)
        .earliest()
        .map(|time| time.with_timezone(&Utc))
        .ok_or_else(|| {
            InvalidInput(format!(
                "{text} does not exist in {zone} (the clocks skip it)."
            ))
        })
}

/// When applications to an opening are accepted: from `opens` (inclusive) to `closes` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplicationWindow {
    opens: DateTime<Utc>,
    closes: DateTime<Utc>,
}

/// Where `now` falls relative to a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowStatus {
    NotYetOpen { opens: DateTime<Utc> },
    Open { closes: DateTime<Utc> },
    Closed { closed: DateTime<Utc> },
}

impl ApplicationWindow {
    pub fn new(
        opens: DateTime<Utc>,
        closes: DateTime<Utc>,
    ) -> Result<ApplicationWindow, InvalidInput> {
        if closes <= opens {
            return Err(InvalidInput(
                "The application window must close after it opens.".into(),
            ));
        }
        Ok(ApplicationWindow { opens, closes })
    }

    pub fn opens(self) -> DateTime<Utc> {
        self.opens
    }

    pub fn closes(self) -> DateTime<Utc> {
        self.closes
    }

    pub fn status(self, now: DateTime<Utc>) -> WindowStatus {
        if now < self.opens {
            WindowStatus::NotYetOpen { opens: self.opens }
        } else if now < self.closes {
            WindowStatus::Open {
                closes: self.closes,
            }
        } else {
            WindowStatus::Closed {
                closed: self.closes,
            }
        }
    }

    /// Refuses an application outside the window with a message that says when it opens or that
    /// it closed, in the opening's own time zone.
    pub fn check_open(self, now: DateTime<Utc>, zone: Tz) -> Result<(), WindowClosed> {
        match self.status(now) {
            WindowStatus::Open { .. } => Ok(()),
            WindowStatus::NotYetOpen { opens } => Err(WindowClosed(format!(
                "Applications open on {}.",
                format_in_zone(opens, zone)
            ))),
            WindowStatus::Closed { closed } => Err(WindowClosed(format!(
                "Applications closed on {}.",
                format_in_zone(closed, zone)
            ))),
        }
    }
}

/// An application arrived outside an opening's window.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WindowClosed(pub String);

/// Formats an instant for people in `zone`, for example "15 Jan 2027, 09:00 PST".
pub fn format_in_zone(time: DateTime<Utc>, zone: Tz) -> String {
    time.with_timezone(&zone)
        .format("%-d %b %Y, %H:%M %Z")
        .to_string()
}

pub use crate::money::{format_money, Currency, Money};

/// Headcount of an opening: how many interns it hires.
pub fn parse_headcount(text: &str) -> Result<i64, InvalidInput> {
    match text.trim().parse::<i64>() {
        Ok(count) if (1..=10_000).contains(&count) => Ok(count),
        _ => Err(InvalidInput(
            "Enter a headcount between 1 and 10000.".into(),
        )),
    }
}

/// The tracks every new season starts with; administrators may rename or add to them.
pub const DEFAULT_TRACKS: [&str; 5] = [
    "Software Development",
    "Solutions Architecture",
    "Data Science",
    "Product Management",
    "Technical Program Management",
];

#[cfg(test)]
mod tests {
    #[test]
    fn a_zone_browsers_report_by_its_old_name_reads_as_its_current_name() {
        assert_eq!(
            parse_time_zone("Asia/Calcutta").unwrap().name(),
            "Asia/Kolkata"
        );
        assert_eq!(
            parse_time_zone(" Europe/Kiev ").unwrap().name(),
            "Europe/Kyiv"
        );
        assert_eq!(
            parse_time_zone("Europe/Dublin").unwrap().name(),
            "Europe/Dublin"
        );
        for (old, current) in RENAMED_ZONES {
            assert!(
                old.parse::<Tz>().is_ok(),
                "{old} is a name the zone database knows"
            );
            assert!(
                current.parse::<Tz>().is_ok(),
                "{current} is a current zone name"
            );
        }
    }

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_program_lasts_twelve_weeks_by_default() {
        let start = NaiveDate::from_ymd_opt(2027, 6, 1).unwrap();
        let dates = ProgramDates::new(start, None).unwrap();
        assert_eq!(dates.end(), NaiveDate::from_ymd_opt(2027, 8, 23).unwrap());
        assert_eq!(dates.weeks(), 12);
        assert!(ProgramDates::new(start, Some(start)).is_err());
    }

    #[test]
    fn a_window_must_close_after_it_opens() {
        assert!(
            ApplicationWindow::new(utc("2027-01-02T00:00:00Z"), utc("2027-01-01T00:00:00Z"))
                .is_err()
        );
        assert!(
            ApplicationWindow::new(utc("2027-01-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"))
                .is_err()
        );
    }

    #[test]
    fn the_window_status_depends_only_on_now() {
        let window =
            ApplicationWindow::new(utc("2027-01-01T00:00:00Z"), utc("2027-02-01T00:00:00Z"))
                .unwrap();
        let zone: Tz = "America/Los_Angeles".parse().unwrap();
        assert!(matches!(
            window.status(utc("2026-12-31T23:59:59Z")),
            WindowStatus::NotYetOpen { .. }
        ));
        assert!(matches!(
            window.status(utc("2027-01-01T00:00:00Z")),
            WindowStatus::Open { .. }
        ));
        assert!(matches!(
            window.status(utc("2027-02-01T00:00:00Z")),
            WindowStatus::Closed { .. }
        ));
        assert_eq!(
            window
                .check_open(utc("2026-12-01T00:00:00Z"), zone)
                .unwrap_err()
                .0,
            "Applications open on 31 Dec 2026, 16:00 PST."
        );
        assert_eq!(
            window
                .check_open(utc("2027-03-01T00:00:00Z"), zone)
                .unwrap_err()
                .0,
            "Applications closed on 31 Jan 2027, 16:00 PST."
        );
    }

    #[test]
    fn local_times_are_read_in_the_locations_zone() {
        let zone: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            parse_local_time("2027-01-15T09:00", zone, "x").unwrap(),
            utc("2027-01-15T08:00:00Z")
        );
        let new_york: Tz = "America/New_York".parse().unwrap();
        assert!(
            parse_local_time("2027-03-14T02:30", new_york, "x").is_err(),
            "skipped by DST"
        );
        assert_eq!(
            parse_local_time("2027-11-07T01:30", new_york, "x").unwrap(),
            utc("2027-11-07T05:30:00Z")
        );
        assert!(parse_time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn headcount_is_a_positive_number() {
        assert_eq!(parse_headcount("12").unwrap(), 12);
        assert!(parse_headcount("0").is_err());
        assert!(parse_headcount("many").is_err());
    }
}
