//! Busy times read from an interviewer's iCalendar (`.ics`) file, for the interview planner.
//!
//! [`busy_blocks`] takes the text of a calendar (uploaded, or fetched from a subscribed URL by
//! the caller), a window `[from, to)` and the time zone that floating times are read in, and
//! returns the sorted, merged blocks in which the interviewer is busy. It is pure: no I/O, no
//! clock; how large a text to accept is the caller's business.
//!
//! The work is shared between crates and this module:
//! - content lines are unfolded and their structure checked here first, so that every error
//!   names a line of the original text (the `icalendar` parser reports lines of its own unfolded
//!   input, and only for syntax errors);
//! - the `icalendar` parser reads components, properties and parameters;
//! - dates, durations and time zones are read here, with `chrono-tz` for IANA names, a table of
//!   common Windows names, and the hints a VTIMEZONE gives (`X-LIC-LOCATION`, a fixed offset);
//! - recurrence rules are expanded by `rrule`, within hard caps on the number of instances.
//!
//! What is busy: a VEVENT unless it is `TRANSP:TRANSPARENT` or `STATUS:CANCELLED`, for each of
//! its instances (DTSTART, RRULE and RDATE, less EXDATE and the instances that an override with
//! the same UID and a RECURRENCE-ID replaces); and the FREEBUSY periods of a VFREEBUSY whose
//! FBTYPE is not FREE. An all-day event is busy for whole local days in the floating zone. Only
//! blocks that overlap the window are returned, unclipped, so that the planner sees real ends.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;
use icalendar::parser::{Component, Parameter, Property};
use rrule::{Frequency, RRule, RRuleSet, Unvalidated};

/// The most instances one recurring event may expand to, counted from where its expansion
/// starts to the end of the window; a rule that needs more is refused rather than cut short.
pub const MAX_INSTANCES_PER_EVENT: u16 = 10_000;

/// The most instances all the recurring events of one calendar may expand to together, so that
/// many events each just under [`MAX_INSTANCES_PER_EVENT`] cannot hold the server either.
pub const MAX_INSTANCES_PER_CALENDAR: usize = 100_000;

/// The most instances a rule may produce within one period of its frequency. `rrule` builds a
/// whole period at once, so `FREQ=YEARLY` with long BYHOUR, BYMINUTE and BYSECOND lists would
/// otherwise allocate tens of millions of instances before the caps above are ever checked.
const MAX_INSTANCES_PER_PERIOD: usize = 50_000;

/// How deeply components may nest. Real calendars go three deep (VCALENDAR, VEVENT, VALARM);
/// the parser and this module recurse once per level, so a file of nothing but BEGIN lines
/// must not be allowed to exhaust the stack.
const MAX_DEPTH: usize = 8;

/// A time in which the interviewer is busy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyBlock {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The SUMMARY of the event; a merged block keeps the first summary it met.
    pub summary: Option<String>,
}

/// Why a calendar was refused, with the 1-based line of the original text when it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError {
    pub line: Option<usize>,
    pub reason: String,
}

impl CalendarError {
    fn at(line: usize, reason: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

impl std::error::Error for CalendarError {}

/// The busy blocks of `ics` that overlap `[from, to)`, sorted, with overlapping and adjacent
/// blocks merged. Floating times (no `Z`, no TZID) and all-day events are read in
/// `floating_zone`, the interviewer's own zone.
pub fn busy_blocks(
    ics: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    floating_zone: Tz,
) -> Result<Vec<BusyBlock>, CalendarError> {
    let mut blocks = Vec::new();
    let mut expanded = 0;
    for root in read_roots(ics)? {
        let parsed = icalendar::parser::read_calendar(&root.text)
            .map_err(|message| parser_error(&message, &root))?;
        let calendar = zip(
            "VCALENDAR",
            &parsed.properties,
            &parsed.components,
            &root.skeleton,
        )
        .map_err(|error| match unreadable_line(&root) {
            Some(line) => CalendarError::at(line, UNREADABLE),
            None => error,
        })?;
        let reader = Reader {
            from,
            to,
            floating: floating_zone,
            hints: vtimezone_hints(&calendar),
        };
        reader.collect(&calendar, &mut expanded, &mut blocks)?;
    }
    Ok(merge(blocks))
}

// ---------------------------------------------------------------------------------------------
// Content lines: unfolding, the structure check and the text handed to the parser.

/// The components of one root, with the original line of each BEGIN and of each property.
struct Skeleton {
    name: String,
    line: usize,
    props: Vec<(usize, String)>,
    children: Vec<Skeleton>,
}

/// One VCALENDAR: its unfolded, normalised text for the parser, the original line of each of
/// the text's lines, and its skeleton.
struct Root {
    text: String,
    lines: Vec<usize>,
    skeleton: Skeleton,
}

/// The content lines of `ics`, unfolded, each with the number of its first physical line.
/// Blank lines are skipped, as many producers leave them between content lines.
fn unfold(ics: &str) -> Result<Vec<(usize, String)>, CalendarError> {
    let ics = ics.strip_prefix('\u{feff}').unwrap_or(ics);
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (index, physical) in ics.split('\n').enumerate() {
        let physical = physical.strip_suffix('\r').unwrap_or(physical);
        if let Some(rest) = physical.strip_prefix([' ', '\t']) {
            match lines.last_mut() {
                Some((_, text)) => text.push_str(rest),
                None => return Err(CalendarError::at(
                    index + 1,
                    "a folded line (one that starts with a space) comes before any content line",
                )),
            }
        } else if !physical.trim().is_empty() {
            lines.push((index + 1, physical.to_owned()));
        }
    }
    Ok(lines)
}

/// A content line split at the end of its name and at the colon before its value.
struct Shape<'a> {
    name: String,
    after_name: &'a str,
    value: &'a str,
}

fn shape(line: usize, text: &str) -> Result<Shape<'_>, CalendarError> {
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(text.len());
    let name = &text[..name_end];
    let after_name = &text[name_end..];
    if name.is_empty() {
        return Err(CalendarError::at(
            line,
            format!(
                "`{}` is not a content line: it must start with a name made of letters, digits \
                 and dashes",
                excerpt(text)
            ),
        ));
    }
    if !text.contains(':') {
        return Err(CalendarError::at(
            line,
            format!("{name} has no ':' before its value"),
        ));
    }
    if !after_name.starts_with([';', ':']) {
        return Err(CalendarError::at(
            line,
            format!(
                "`{}` is not a content line: its name must be followed by ';' or ':'",
                excerpt(text)
            ),
        ));
    }
    // A colon inside a quoted parameter value (a URI, say) does not end the parameters.
    let mut quoted = false;
    let colon = after_name.char_indices().find(|&(_, c)| {
        if c == '"' {
            quoted = !quoted;
        }
        c == ':' && !quoted
    });
    let Some((colon, _)) = colon else {
        return Err(CalendarError::at(
            line,
            format!("{name} has no ':' before its value"),
        ));
    };
    Ok(Shape {
        name: name.to_ascii_uppercase(),
        after_name,
        value: &after_name[colon + 1..],
    })
}

/// The component named by a BEGIN or END line, upper-cased.
fn component_name(line: usize, shape: &Shape<'_>) -> Result<String, CalendarError> {
    let name = shape.value.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(CalendarError::at(
            line,
            format!("{} names no component: `{}`", shape.name, excerpt(name)),
        ));
    }
    Ok(name.to_ascii_uppercase())
}

/// Splits `ics` into its VCALENDARs, checking that every component is closed by its own END.
/// The text for the parser has upper-cased names, because the parser matches BEGIN and END and
/// the property names that this module looks up case-sensitively, and RFC 5545 does not.
fn read_roots(ics: &str) -> Result<Vec<Root>, CalendarError> {
    let mut roots = Vec::new();
    let mut stack: Vec<Skeleton> = Vec::new();
    let mut text = String::new();
    let mut lines = Vec::new();
    for (line, content) in unfold(ics)? {
        let shape = shape(line, &content)?;
        let mut closed_root = None;
        let normalised = match shape.name.as_str() {
            "BEGIN" => {
                let name = component_name(line, &shape)?;
                if stack.len() == MAX_DEPTH {
                    return Err(CalendarError::at(
                        line,
                        format!("components are nested more than {MAX_DEPTH} deep"),
                    ));
                }
                if stack.is_empty() && name != "VCALENDAR" {
                    return Err(CalendarError::at(
                        line,
                        format!("a calendar must start with BEGIN:VCALENDAR, not BEGIN:{name}"),
                    ));
                }
                stack.push(Skeleton {
                    name: name.clone(),
                    line,
                    props: Vec::new(),
                    children: Vec::new(),
                });
                format!("BEGIN:{name}")
            }
            "END" => {
                let name = component_name(line, &shape)?;
                let open = close(&mut stack, line, &name)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(open),
                    None => closed_root = Some(open),
                }
                format!("END:{name}")
            }
            // The parser takes any line whose name starts with BEGIN or END for a component
            // boundary; such properties (none of which this module reads) are left out.
            name if name.starts_with("BEGIN") || name.starts_with("END") => continue,
            _ => {
                let Some(open) = stack.last_mut() else {
                    return Err(CalendarError::at(
                        line,
                        format!("{} is outside BEGIN:VCALENDAR … END:VCALENDAR", shape.name),
                    ));
                };
                open.props.push((line, shape.name.clone()));
                format!("{}{}", shape.name, shape.after_name)
            }
        };
        text.push_str(&normalised);
        text.push_str("\r\n");
        lines.push(line);
        if let Some(skeleton) = closed_root {
            roots.push(Root {
                text: std::mem::take(&mut text),
                lines: std::mem::take(&mut lines),
                skeleton,
            });
        }
    }
    if let Some(open) = stack.last() {
        return Err(CalendarError::at(
            open.line,
            format!("BEGIN:{0} is never closed by END:{0}", open.name),
        ));
    }
    if roots.is_empty() {
        return Err(CalendarError {
            line: None,
            reason: "this is not an iCalendar file: there is no BEGIN:VCALENDAR".into(),
        });
    }
    Ok(roots)
}

/// Pops the component that an END line closes, which must be the innermost open one.
fn close(stack: &mut Vec<Skeleton>, line: usize, name: &str) -> Result<Skeleton, CalendarError> {
    match stack.pop() {
        Some(open) if open.name == name => Ok(open),
        // When an outer component is closed first, the fault is the inner one left open.
        Some(open) if stack.iter().any(|outer| outer.name == name) => Err(CalendarError::at(
            open.line,
            format!(
                "BEGIN:{0} is never closed by END:{0} (END:{name} on line {line} comes first)",
                open.name
            ),
        )),
        Some(open) => Err(CalendarError::at(
            line,
            format!(
                "END:{name} does not close BEGIN:{} of line {}",
                open.name, open.line
            ),
        )),
        None => Err(CalendarError::at(
            line,
            format!("END:{name} closes nothing"),
        )),
    }
}

const UNREADABLE: &str = "the iCalendar parser cannot read this line";

/// Maps an error of the `icalendar` parser to a line of the original text. The parser's own
/// report names a line of the root's normalised text, and after backtracking often the
/// enclosing BEGIN rather than the culprit, so it is only the fallback.
fn parser_error(message: &str, root: &Root) -> CalendarError {
    let reported = || {
        message
            .find("at line ")
            .and_then(|at| {
                message[at + "at line ".len()..]
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
            })
            .and_then(|digits| digits.parse::<usize>().ok())
            .and_then(|number| root.lines.get(number.checked_sub(1)?).copied())
    };
    CalendarError {
        line: unreadable_line(root).or_else(reported),
        reason: UNREADABLE.into(),
    }
}

/// The first property line of a root that the parser cannot read as the one property of a
/// calendar. The parser may also give up quietly and return no calendar, hence the count.
fn unreadable_line(root: &Root) -> Option<usize> {
    let alone = |text: &str| {
        let wrapped = format!("BEGIN:VCALENDAR\r\n{text}\r\nEND:VCALENDAR\r\n");
        icalendar::parser::read_calendar(&wrapped)
            .map_or(true, |calendar| calendar.properties.len() != 1)
    };
    root.text
        .split("\r\n")
        .zip(&root.lines)
        .find(|(text, _)| !text.starts_with("BEGIN:") && !text.starts_with("END:") && alone(text))
        .map(|(_, &line)| line)
}

// ---------------------------------------------------------------------------------------------
// The parsed tree, with the original line of every component and property.

struct Node<'a> {
    name: &'a str,
    line: usize,
    props: Vec<Prop<'a>>,
    children: Vec<Node<'a>>,
}

struct Prop<'a> {
    name: &'a str,
    value: &'a str,
    params: &'a [Parameter<'a>],
    line: usize,
}

impl<'a> Node<'a> {
    fn first(&self, name: &str) -> Option<&Prop<'a>> {
        self.props.iter().find(|prop| prop.name == name)
    }

    fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Prop<'a>> + 's {
        self.props.iter().filter(move |prop| prop.name == name)
    }

    fn children<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Node<'a>> + 's {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// Whether the first `name` property holds `value`, ignoring case.
    fn says(&self, name: &str, value: &str) -> bool {
        self.first(name)
            .is_some_and(|prop| prop.value.trim().eq_ignore_ascii_case(value))
    }
}

impl Prop<'_> {
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|param| param.key.as_str().eq_ignore_ascii_case(key))
            .and_then(|param| param.val.as_ref())
            .map(|value| value.as_str())
    }

    fn error(&self, reason: impl Into<String>) -> CalendarError {
        CalendarError::at(self.line, reason)
    }
}

/// Pairs what the parser read with the skeleton of the same component. The parser keeps the
/// order of properties and of child components, so the n-th of each is on the skeleton's n-th
/// line; if the counts or names disagree the parser read something else, and the calendar is
/// refused rather than read with wrong lines.
fn zip<'a>(
    name: &'a str,
    properties: &'a [Property<'a>],
    components: &'a [Component<'a>],
    skeleton: &Skeleton,
) -> Result<Node<'a>, CalendarError> {
    let same_props = properties.len() == skeleton.props.len()
        && properties
            .iter()
            .zip(&skeleton.props)
            .all(|(property, (_, name))| property.name.as_str() == name);
    let same_children = components.len() == skeleton.children.len()
        && components
            .iter()
            .zip(&skeleton.children)
            .all(|(component, child)| component.name.as_str() == child.name);
    if name != skeleton.name || !same_props || !same_children {
        return Err(CalendarError::at(
            skeleton.line,
            format!(
                "the iCalendar parser read BEGIN:{} otherwise than its lines say",
                skeleton.name
            ),
        ));
    }
    let props = properties
        .iter()
        .zip(&skeleton.props)
        .map(|(property, &(line, _))| Prop {
            name: property.name.as_str(),
            value: property.val.as_str(),
            params: &property.params,
            line,
        })
        .collect();
    let children = components
        .iter()
        .zip(&skeleton.children)
        .map(|(component, child)| {
            zip(
                component.name.as_str(),
                &component.properties,
                &component.components,
                child,
            )
        })
        .collect::<Result<_, _>>()?;
    Ok(Node {
        name,
        line: skeleton.line,
        props,
        children,
    })
}

// ---------------------------------------------------------------------------------------------
// Values: dates, date-times, durations and time zones.

/// A DATE, or a DATE-TIME as a wall-clock time in a zone (UTC for `Z` times, the floating
/// zone for floating times).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stamp {
    Date(NaiveDate),
    Time(NaiveDateTime, Tz),
}

/// How long an event lasts: `days` are nominal (whole local days, 23 or 25 hours across a
/// change of daylight saving time), `seconds` exact, as RFC 5545 reads a DURATION.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Length {
    days: i64,
    seconds: i64,
}

impl Length {
    const ZERO: Length = Length {
        days: 0,
        seconds: 0,
    };
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(
        text[..4].parse().ok()?,
        text[4..6].parse().ok()?,
        text[6..].parse().ok()?,
    )
}

/// A `YYYYMMDDTHHMMSS` date-time, and whether it ends in `Z` (UTC).
fn parse_date_time(text: &str) -> Option<(NaiveDateTime, bool)> {
    let (text, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(text) => (text, true),
        None => (text, false),
    };
    let (date, time) = text.split_once(['T', 't'])?;
    if time.len() != 6 || !time.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // A leap second (60) is read as the second before it, which chrono cannot name otherwise.
    let second = time[4..].parse::<u32>().ok()?.min(59);
    let time = NaiveTime::from_hms_opt(time[..2].parse().ok()?, time[2..4].parse().ok()?, second)?;
    Some((parse_date(date)?.and_time(time), utc))
}

/// An RFC 5545 duration (`P1W`, `P1DT2H`, `-PT15M`), and whether it is negative.
fn parse_duration(text: &str) -> Option<(bool, Length)> {
    let text = text.trim().to_ascii_uppercase();
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let mut length = Length::ZERO;
    let (mut in_time, mut any) = (false, false);
    let mut number = String::new();
    for c in rest.strip_prefix('P')?.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if c == 'T' && !in_time && number.is_empty() {
            in_time = true;
            continue;
        }
        // Ten million of any unit is already beyond any calendar; refusing more keeps the
        // arithmetic below (and chrono's, which panics on overflow) in range.
        let n: i64 = number.parse().ok().filter(|n| *n <= 10_000_000)?;
        number.clear();
        any = true;
        match (in_time, c) {
            (false, 'W') => length.days += n * 7,
            (false, 'D') => length.days += n,
            (true, 'H') => length.seconds += n * 3600,
            (true, 'M') => length.seconds += n * 60,
            (true, 'S') => length.seconds += n,
            _ => return None,
        }
    }
    (number.is_empty() && any).then_some((negative, length))
}

/// Windows time-zone names (as Outlook and Exchange write them in TZID) and the IANA zone that
/// the Unicode CLDR maps each to for its main territory.
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time", "America/Denver"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Central Standard Time", "America/Chicago"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("Canada Central Standard Time", "America/Regina"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Eastern Standard Time", "America/New_York"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("Argentina Standard Time", "America/Argentina/Buenos_Aires"),
    ("UTC", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("India Standard Time", "Asia/Kolkata"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("China Standard Time", "Asia/Shanghai"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Cen. Australia Standard Time", "Australia/Adelaide"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
];

fn iana(name: &str) -> Option<Tz> {
    name.parse().ok()
}

/// The zone a TZID names: an IANA name, a Windows name, a zone whose VTIMEZONE gives a hint,
/// or an IANA name behind a prefix (`/mozilla.org/20050126_1/America/New_York`,
/// `/Europe/Stockholm`), tried in that order.
fn resolve_zone(tzid: &str, hints: &HashMap<String, Tz>) -> Option<Tz> {
    let tzid = tzid.trim().trim_matches('"');
    iana(tzid)
        .or_else(|| {
            WINDOWS_ZONES
                .iter()
                .find(|(windows, _)| windows.eq_ignore_ascii_case(tzid))
                .and_then(|(_, name)| iana(name))
        })
        .or_else(|| hints.get(tzid).copied())
        .or_else(|| {
            // Only suffixes shaped like Area/Location are tried, so that a prefixed "EST"
            // or "UTC" is not taken for a zone the writer did not mean.
            tzid.match_indices('/')
                .map(|(at, _)| &tzid[at + 1..])
                .filter(|suffix| suffix.contains('/'))
                .find_map(iana)
        })
}

/// The zones that the calendar's VTIMEZONEs name by a TZID that is not an IANA name: the
/// location that libical-based writers record in `X-LIC-LOCATION`, or the `Etc/GMT` zone of a
/// VTIMEZONE whose every part has one and the same whole-hour offset. Other custom zones are
/// not read from their rules; an event that uses one is refused with its line.
fn vtimezone_hints(calendar: &Node<'_>) -> HashMap<String, Tz> {
    calendar
        .children("VTIMEZONE")
        .filter_map(|zone| {
            let tzid = zone
                .first("TZID")?
                .value
                .trim()
                .trim_matches('"')
                .to_owned();
            let location = zone
                .first("X-LIC-LOCATION")
                .and_then(|prop| iana(prop.value.trim()));
            location
                .or_else(|| fixed_offset_zone(zone))
                .map(|zone| (tzid, zone))
        })
        .collect()
}

fn fixed_offset_zone(zone: &Node<'_>) -> Option<Tz> {
    let mut offsets = zone
        .children
        .iter()
        .filter(|part| part.name == "STANDARD" || part.name == "DAYLIGHT")
        .map(|part| part.first("TZOFFSETTO").map(|prop| prop.value.trim()));
    let offset = offsets.next()??;
    if !offsets.all(|other| other == Some(offset)) {
        return None;
    }
    let (ahead, digits) = match offset.split_at_checked(1)? {
        ("+", digits) => (true, digits),
        ("-", digits) => (false, digits),
        _ => return None,
    };
    let whole_hour = matches!(digits.len(), 4 | 6)
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits[2..].bytes().all(|b| b == b'0');
    if !whole_hour {
        return None;
    }
    let hours: u32 = digits[..2].parse().ok()?;
    if hours == 0 {
        return Some(Tz::UTC);
    }
    // The Etc/GMT names have POSIX signs: Etc/GMT-11 is eleven hours ahead of UTC.
    iana(&format!("Etc/GMT{}{hours}", if ahead { '-' } else { '+' }))
}

/// The UTC instant of a wall-clock time in `zone`. RFC 5545 (3.3.5) reads a time that occurs
/// twice, when clocks go back, as its first occurrence, and a time that a change to daylight
/// saving time skips with the offset in force before the change (02:30 becomes 03:30).
fn localize(naive: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(time) | LocalResult::Ambiguous(time, _) => time.with_timezone(&Utc),
        LocalResult::None => {
            let before = naive
                .checked_sub_signed(Duration::hours(24))
                .and_then(|before| zone.offset_from_local_datetime(&before).earliest())
                .map_or(0, |offset| offset.fix().local_minus_utc());
            Utc.from_utc_datetime(&(naive - Duration::seconds(i64::from(before))))
        }
    }
}

/// The instances taken out of a series (its EXDATEs and the RECURRENCE-IDs of its overrides),
/// in sets, so that a file with very many of them costs one look-up per instance. A stamp
/// matches the same instant, or the same day when either side is a date (an EXDATE or
/// RECURRENCE-ID of a date is meant for an all-day series).
#[derive(Default)]
struct Exclusions {
    instants: HashSet<DateTime<Utc>>,
    dates: HashSet<NaiveDate>,
    days_of_instants: HashSet<NaiveDate>,
}

impl Exclusions {
    fn new<'s>(stamps: impl Iterator<Item = &'s Stamp>) -> Self {
        let mut exclusions = Self::default();
        for stamp in stamps {
            match *stamp {
                Stamp::Date(date) => {
                    exclusions.dates.insert(date);
                }
                Stamp::Time(naive, zone) => {
                    exclusions.instants.insert(localize(naive, zone));
                    exclusions.days_of_instants.insert(naive.date());
                }
            }
        }
        exclusions
    }

    fn contains(&self, stamp: Stamp) -> bool {
        match stamp {
            Stamp::Date(date) => {
                self.dates.contains(&date) || self.days_of_instants.contains(&date)
            }
            Stamp::Time(naive, zone) => {
                self.dates.contains(&naive.date()) || self.instants.contains(&localize(naive, zone))
            }
        }
    }
}

/// The values of a property that may hold a comma-separated list (EXDATE, RDATE, FREEBUSY).
fn items(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim)
}

/// The start of a text, for quoting it in an error without quoting a whole folded line.
fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Events and free/busy periods.

/// A VEVENT, read.
struct Event<'a> {
    line: usize,
    uid: Option<&'a str>,
    start: Stamp,
    length: Length,
    recurrence_id: Option<Stamp>,
    rules: Vec<&'a Prop<'a>>,
    rdates: Vec<Stamp>,
    /// RDATEs given as periods, each with its own end.
    periods: Vec<(Stamp, DateTime<Utc>)>,
    exdates: Vec<Stamp>,
    busy: bool,
    summary: Option<&'a str>,
}

/// What a calendar is read with: the window and the floating zone the caller gave, and the
/// zones that the calendar's VTIMEZONEs hint at.
struct Reader {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    floating: Tz,
    hints: HashMap<String, Tz>,
}

impl Reader {
    /// Adds the busy blocks of one VCALENDAR to `out`, counting expanded instances in
    /// `expanded` against [`MAX_INSTANCES_PER_CALENDAR`].
    fn collect(
        &self,
        calendar: &Node<'_>,
        expanded: &mut usize,
        out: &mut Vec<BusyBlock>,
    ) -> Result<(), CalendarError> {
        let events = calendar
            .children("VEVENT")
            .map(|node| self.event(node))
            .collect::<Result<Vec<_>, _>>()?;
        // The instances that overrides replace, by UID: an override (cancelled or not) takes
        // its instance out of the series, and stands on its own times if it is busy.
        let mut replaced: HashMap<&str, Vec<Stamp>> = HashMap::new();
        for event in &events {
            if let (Some(uid), Some(id)) = (event.uid, event.recurrence_id) {
                replaced.entry(uid).or_default().push(id);
            }
        }
        let replaced: HashMap<&str, Exclusions> = replaced
            .into_iter()
            .map(|(uid, ids)| (uid, Exclusions::new(ids.iter())))
            .collect();
        let none = Exclusions::default();
        for event in events.iter().filter(|event| event.busy) {
            let overridden = match (event.recurrence_id, event.uid) {
                (None, Some(uid)) => replaced.get(uid).unwrap_or(&none),
                _ => &none,
            };
            let own = Exclusions::new(event.exdates.iter());
            let excluded = |stamp| own.contains(stamp) || overridden.contains(stamp);
            // An event of no length blocks nothing, so it is not expanded at all.
            if event.length != Length::ZERO {
                for stamp in self.occurrences(event, expanded)? {
                    if !excluded(stamp) {
                        if let Some((start, end)) = self.span(stamp, event.length) {
                            self.push(out, start, end, event.summary);
                        }
                    }
                }
            }
            for &(stamp, end) in &event.periods {
                if !excluded(stamp) {
                    self.push(out, self.instant(stamp), end, event.summary);
                }
            }
        }
        for node in calendar.children("VFREEBUSY") {
            self.free_busy(node, out)?;
        }
        Ok(())
    }

    fn push(
        &self,
        out: &mut Vec<BusyBlock>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        summary: Option<&str>,
    ) {
        if start < end && end > self.from && start < self.to {
            out.push(BusyBlock {
                start,
                end,
                summary: summary.map(str::to_owned),
            });
        }
    }

    fn event<'a>(&self, node: &'a Node<'a>) -> Result<Event<'a>, CalendarError> {
        let Some(dtstart) = node.first("DTSTART") else {
            return Err(CalendarError::at(node.line, "VEVENT has no DTSTART"));
        };
        let start = self.stamp(dtstart, dtstart.value)?;
        let length = self.length(node, start)?;
        let recurrence_id = node
            .first("RECURRENCE-ID")
            .map(|prop| self.stamp(prop, prop.value))
            .transpose()?;
        let (mut rdates, mut periods) = (Vec::new(), Vec::new());
        for prop in node.all("RDATE") {
            for item in items(prop.value) {
                if item.contains('/') {
                    periods.push(self.period(prop, item)?);
                } else {
                    rdates.push(self.stamp(prop, item)?);
                }
            }
        }
        let mut exdates = Vec::new();
        for prop in node.all("EXDATE") {
            for item in items(prop.value) {
                exdates.push(self.stamp(prop, item)?);
            }
        }
        Ok(Event {
            line: node.line,
            uid: node.first("UID").map(|prop| prop.value.trim()),
            start,
            length,
            recurrence_id,
            rules: node.all("RRULE").collect(),
            rdates,
            periods,
            exdates,
            busy: !node.says("TRANSP", "TRANSPARENT") && !node.says("STATUS", "CANCELLED"),
            summary: node.first("SUMMARY").map(|prop| prop.value),
        })
    }

    /// A DATE or DATE-TIME value of `prop` (`value` is one item of a list).
    fn stamp(&self, prop: &Prop<'_>, value: &str) -> Result<Stamp, CalendarError> {
        let value = value.trim();
        if let Some(date) = parse_date(value) {
            return Ok(Stamp::Date(date));
        }
        if prop
            .param("VALUE")
            .is_some_and(|kind| kind.eq_ignore_ascii_case("DATE"))
        {
            return Err(prop.error(format!(
                "{} has VALUE=DATE but `{}` is not a date",
                prop.name,
                excerpt(value)
            )));
        }
        let Some((naive, utc)) = parse_date_time(value) else {
            return Err(prop.error(format!(
                "{} is not a date or date-time: `{}`",
                prop.name,
                excerpt(value)
            )));
        };
        let zone = match (utc, prop.param("TZID")) {
            (true, _) => Tz::UTC,
            (false, Some(tzid)) => resolve_zone(tzid, &self.hints).ok_or_else(|| {
                prop.error(format!(
                    "{} has TZID `{}`, which is neither an IANA time zone (such as \
                     Europe/Paris) nor a known Windows one, and no VTIMEZONE says where it is",
                    prop.name,
                    excerpt(tzid)
                ))
            })?,
            (false, None) => self.floating,
        };
        Ok(Stamp::Time(naive, zone))
    }

    /// How long the event lasts, from DTEND or DURATION. With neither, an all-day event lasts
    /// one day and a timed one no time at all.
    fn length(&self, node: &Node<'_>, start: Stamp) -> Result<Length, CalendarError> {
        match (node.first("DTEND"), node.first("DURATION")) {
            (Some(_), Some(duration)) => Err(duration.error("VEVENT has both DTEND and DURATION")),
            (Some(dtend), None) => match (start, self.stamp(dtend, dtend.value)?) {
                (Stamp::Date(first), Stamp::Date(last)) => {
                    let days = (last - first).num_days();
                    if days < 0 {
                        return Err(dtend.error("DTEND is before DTSTART"));
                    }
                    // Some producers write an all-day event's DTEND as its DTSTART; it is read
                    // as the one day they mean rather than as an event of no length.
                    Ok(Length {
                        days: days.max(1),
                        seconds: 0,
                    })
                }
                (start @ Stamp::Time(..), end @ Stamp::Time(..)) => {
                    let seconds = (self.instant(end) - self.instant(start)).num_seconds();
                    if seconds < 0 {
                        return Err(dtend.error("DTEND is before DTSTART"));
                    }
                    Ok(Length { days: 0, seconds })
                }
                (Stamp::Date(_), Stamp::Time(..)) => {
                    Err(dtend.error("DTEND is a date-time but DTSTART is a date"))
                }
                (Stamp::Time(..), Stamp::Date(_)) => {
                    Err(dtend.error("DTEND is a date but DTSTART is a date-time"))
                }
            },
            (None, Some(duration)) => match parse_duration(duration.value) {
                Some((false, length)) => Ok(length),
                Some((true, _)) => Err(duration.error("DURATION is negative")),
                None => Err(duration.error(format!(
                    "DURATION is not a duration: `{}`",
                    excerpt(duration.value)
                ))),
            },
            (None, None) => Ok(match start {
                Stamp::Date(_) => Length {
                    days: 1,
                    seconds: 0,
                },
                Stamp::Time(..) => Length::ZERO,
            }),
        }
    }

    /// A period (`start/end` or `start/duration`) of an RDATE or FREEBUSY value.
    fn period(&self, prop: &Prop<'_>, item: &str) -> Result<(Stamp, DateTime<Utc>), CalendarError> {
        let (start_text, end_text) = item.split_once('/').unwrap_or((item, ""));
        let start = self.stamp(prop, start_text)?;
        let end = if end_text
            .trim_start_matches(['+', '-'])
            .starts_with(['P', 'p'])
        {
            let length = match parse_duration(end_text) {
                Some((false, length)) => length,
                _ => {
                    return Err(prop.error(format!(
                        "{} period `{}` has no valid positive duration",
                        prop.name,
                        excerpt(item)
                    )))
                }
            };
            self.span(start, length)
                .ok_or_else(|| prop.error(format!("{} period is too long", prop.name)))?
                .1
        } else {
            self.instant(self.stamp(prop, end_text)?)
        };
        if end < self.instant(start) {
            return Err(prop.error(format!(
                "{} period `{}` ends before it starts",
                prop.name,
                excerpt(item)
            )));
        }
        Ok((start, end))
    }

    fn free_busy(&self, node: &Node<'_>, out: &mut Vec<BusyBlock>) -> Result<(), CalendarError> {
        for prop in node.all("FREEBUSY") {
            // FBTYPE defaults to BUSY; BUSY-UNAVAILABLE, BUSY-TENTATIVE and unknown types are
            // busy too, since the planner should not book over what it cannot read as free.
            let free = prop
                .param("FBTYPE")
                .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("FREE"));
            for item in items(prop.value) {
                if !item.contains('/') {
                    return Err(prop.error(format!(
                        "FREEBUSY `{}` is not a period (start/end or start/duration)",
                        excerpt(item)
                    )));
                }
                let (start, end) = self.period(prop, item)?;
                if !free {
                    self.push(out, self.instant(start), end, None);
                }
            }
        }
        Ok(())
    }

    /// The instant a stamp starts: an all-day stamp at local midnight in the floating zone.
    fn instant(&self, stamp: Stamp) -> DateTime<Utc> {
        match stamp {
            Stamp::Date(date) => localize(date.and_time(NaiveTime::MIN), self.floating),
            Stamp::Time(naive, zone) => localize(naive, zone),
        }
    }

    /// The start and end of an instance; `None` past the end of chrono's calendar.
    fn span(&self, start: Stamp, length: Length) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (naive, zone) = match start {
            Stamp::Date(date) => (date.and_time(NaiveTime::MIN), self.floating),
            Stamp::Time(naive, zone) => (naive, zone),
        };
        let last_day = naive.checked_add_signed(Duration::days(length.days))?;
        let end = localize(last_day, zone).checked_add_signed(Duration::seconds(length.seconds))?;
        Some((localize(naive, zone), end))
    }
}

// ---------------------------------------------------------------------------------------------
// Recurrence, expanded by `rrule`.
//
// A timed event is expanded in its own zone, so that `rrule` keeps its wall-clock time across
// changes of daylight saving time. An all-day event is expanded at midnight UTC, which has no
// such changes, and each instance's date is then read in the floating zone.

/// A stamp as a time in the expansion frame of an event that starts at `start`.
fn to_rule_time(start: Stamp, stamp: Stamp) -> DateTime<rrule::Tz> {
    match start {
        Stamp::Date(_) => {
            let date = match stamp {
                Stamp::Date(date) => date,
                Stamp::Time(naive, _) => naive.date(),
            };
            rrule::Tz::UTC.from_utc_datetime(&date.and_time(NaiveTime::MIN))
        }
        Stamp::Time(first, zone) => {
            // A date in the list of a timed event stands for that day at the event's time.
            let (naive, stamp_zone) = match stamp {
                Stamp::Date(date) => (date.and_time(first.time()), zone),
                Stamp::Time(naive, stamp_zone) => (naive, stamp_zone),
            };
            localize(naive, stamp_zone).with_timezone(&rrule::Tz::Tz(zone))
        }
    }
}

fn from_rule_time(start: Stamp, time: DateTime<rrule::Tz>) -> Stamp {
    match start {
        Stamp::Date(_) => Stamp::Date(time.date_naive()),
        Stamp::Time(_, zone) => Stamp::Time(time.naive_local(), zone),
    }
}

/// Refuses a rule that would build more than [`MAX_INSTANCES_PER_PERIOD`] instances at once.
fn check_density(prop: &Prop<'_>, rule: &RRule<Unvalidated>) -> Result<(), CalendarError> {
    let hours = rule.get_by_hour().len().max(1);
    let minutes = rule.get_by_minute().len().max(1);
    let seconds = rule.get_by_second().len().max(1);
    let per_period = match rule.get_freq() {
        Frequency::Yearly => 366 * hours * minutes * seconds,
        Frequency::Monthly => 31 * hours * minutes * seconds,
        Frequency::Weekly => 7 * hours * minutes * seconds,
        Frequency::Daily => hours * minutes * seconds,
        Frequency::Hourly => minutes * seconds,
        Frequency::Minutely => seconds,
        Frequency::Secondly => 1,
    };
    if per_period > MAX_INSTANCES_PER_PERIOD {
        return Err(prop.error(format!(
            "RRULE asks for up to {per_period} instances in each period of its frequency, more \
             than the {MAX_INSTANCES_PER_PERIOD} this reader expands"
        )));
    }
    Ok(())
}

impl Reader {
    /// The start of every instance of `event` up to the end of the window, from DTSTART, its
    /// RRULEs and its RDATEs (EXDATEs and overrides are taken out by the caller).
    fn occurrences(
        &self,
        event: &Event<'_>,
        expanded: &mut usize,
    ) -> Result<Vec<Stamp>, CalendarError> {
        if event.rules.is_empty() && event.rdates.is_empty() {
            return Ok(vec![event.start]);
        }
        let mut rules = Vec::with_capacity(event.rules.len());
        for prop in &event.rules {
            rules.push((*prop, self.rule(prop, event.start)?));
        }
        let origin = match rules.as_slice() {
            [(_, (rule, _))] => self.expansion_start(event, rule),
            _ => event.start,
        };
        let dt_start = to_rule_time(event.start, origin);
        let mut set = RRuleSet::new(dt_start);
        for (prop, (rule, until)) in rules {
            let rule = match until {
                // A rule that ends before it starts (or before the window, once fast-forwarded
                // past its end) yields nothing; `rrule` would call that invalid.
                Some(until) if until < dt_start => continue,
                Some(until) => rule.until(until),
                None => rule,
            };
            let rule = rule.validate(dt_start).map_err(|error| {
                prop.error(format!("RRULE is not a valid recurrence rule: {error}"))
            })?;
            set = set.rrule(rule);
        }
        // DTSTART is always the first instance (RFC 5545, 3.8.5.3), whether or not a rule
        // produces it; the duplicate when one does is removed below.
        set = set.rdate(to_rule_time(event.start, event.start));
        for &rdate in &event.rdates {
            set = set.rdate(to_rule_time(event.start, rdate));
        }
        let result = set
            .before(self.expansion_end(event.start))
            .all(MAX_INSTANCES_PER_EVENT);
        let line = event.rules.first().map_or(event.line, |prop| prop.line);
        if result.limited {
            return Err(CalendarError::at(
                line,
                format!(
                    "the recurrence cannot be expanded to the end of the window within \
                     {MAX_INSTANCES_PER_EVENT} instances, so the calendar is refused rather than \
                     read in part"
                ),
            ));
        }
        *expanded += result.dates.len();
        if *expanded > MAX_INSTANCES_PER_CALENDAR {
            return Err(CalendarError::at(
                line,
                format!(
                    "the calendar's recurring events need more than \
                     {MAX_INSTANCES_PER_CALENDAR} instances to reach the end of the window"
                ),
            ));
        }
        let mut stamps: Vec<Stamp> = result
            .dates
            .into_iter()
            .map(|time| from_rule_time(event.start, time))
            .collect();
        stamps.dedup();
        Ok(stamps)
    }

    /// An RRULE, parsed by `rrule`, with its UNTIL read here: `rrule` would read a floating
    /// or date UNTIL in the machine's own time zone, which a pure reader must not depend on.
    fn rule(
        &self,
        prop: &Prop<'_>,
        start: Stamp,
    ) -> Result<(RRule<Unvalidated>, Option<DateTime<rrule::Tz>>), CalendarError> {
        // Some writers (Exchange, for one) put spaces in BYDAY lists; a rule has no others.
        let compact: String = prop.value.chars().filter(|c| !c.is_whitespace()).collect();
        let mut parts = Vec::new();
        let mut until = None;
        for part in compact.split(';').filter(|part| !part.is_empty()) {
            match part.split_once('=') {
                Some((key, value)) if key.eq_ignore_ascii_case("UNTIL") => until = Some(value),
                _ => parts.push(part),
            }
        }
        let rule: RRule<Unvalidated> = parts.join(";").parse().map_err(|error| {
            prop.error(format!("RRULE is not a valid recurrence rule: {error}"))
        })?;
        check_density(prop, &rule)?;
        let until = until
            .map(|text| self.until(prop, text, start))
            .transpose()?;
        Ok((rule, until))
    }

    /// The UNTIL of a rule in the expansion frame. A date UNTIL on a timed event includes the
    /// instances of that whole local day; a floating one is read in the event's zone.
    fn until(
        &self,
        prop: &Prop<'_>,
        text: &str,
        start: Stamp,
    ) -> Result<DateTime<rrule::Tz>, CalendarError> {
        let zone = match start {
            Stamp::Time(_, zone) => zone,
            Stamp::Date(_) => self.floating,
        };
        let stamp = match (parse_date(text), parse_date_time(text)) {
            (Some(date), _) => Stamp::Date(date),
            (None, Some((naive, true))) => Stamp::Time(naive, Tz::UTC),
            (None, Some((naive, false))) => Stamp::Time(naive, zone),
            (None, None) => {
                return Err(prop.error(format!(
                    "RRULE has an UNTIL that is not a date or date-time: `{}`",
                    excerpt(text)
                )))
            }
        };
        Ok(match (start, stamp) {
            (Stamp::Date(_), _) => to_rule_time(start, stamp),
            (Stamp::Time(..), Stamp::Date(date)) => {
                let next_day = date.succ_opt().unwrap_or(date).and_time(NaiveTime::MIN);
                (localize(next_day, zone) - Duration::seconds(1)).with_timezone(&rrule::Tz::UTC)
            }
            (Stamp::Time(..), Stamp::Time(naive, zone)) => {
                localize(naive, zone).with_timezone(&rrule::Tz::UTC)
            }
        })
    }

    /// Where to start expanding a single rule. A daily or weekly rule without COUNT repeats
    /// alike from any of its periods, so one that began long before the window is started at
    /// its last period that ends well before the window: a daily meeting begun ten years ago
    /// would otherwise spend the instance cap before reaching this week.
    fn expansion_start(&self, event: &Event<'_>, rule: &RRule<Unvalidated>) -> Stamp {
        let period_days = i64::from(rule.get_interval())
            * match rule.get_freq() {
                Frequency::Daily => 1,
                Frequency::Weekly => 7,
                _ => return event.start,
            };
        if rule.get_count().is_some() || period_days == 0 {
            return event.start;
        }
        let (first, zone) = match event.start {
            Stamp::Date(date) => (date.and_time(NaiveTime::MIN), self.floating),
            Stamp::Time(naive, zone) => (naive, zone),
        };
        // Two days of margin cover any difference between wall-clock and real days.
        let margin = Duration::days(event.length.days.saturating_add(2))
            + Duration::seconds(event.length.seconds);
        let Some(target) = self
            .from
            .with_timezone(&zone)
            .naive_local()
            .checked_sub_signed(margin)
        else {
            return event.start;
        };
        let periods = (target - first).num_days() / period_days;
        if periods <= 0 {
            return event.start;
        }
        let shifted = first + Duration::days(periods * period_days);
        match event.start {
            Stamp::Date(_) => Stamp::Date(shifted.date()),
            Stamp::Time(_, zone) => Stamp::Time(shifted, zone),
        }
    }

    /// The last start worth expanding to, in the expansion frame of an event that starts at
    /// `start`: the window's end, or for all-day events the local day after it.
    fn expansion_end(&self, start: Stamp) -> DateTime<rrule::Tz> {
        match start {
            Stamp::Date(_) => {
                let day = self.to.with_timezone(&self.floating).date_naive();
                let after = day.succ_opt().unwrap_or(day);
                to_rule_time(start, Stamp::Date(after))
            }
            Stamp::Time(..) => self.to.with_timezone(&rrule::Tz::UTC),
        }
    }
}

/// Sorts blocks and merges those that overlap or touch.
fn merge(mut blocks: Vec<BusyBlock>) -> Vec<BusyBlock> {
    blocks.sort_by_key(|block| (block.start, block.end));
    let mut merged: Vec<BusyBlock> = Vec::with_capacity(blocks.len());
    for block in blocks {
        match merged.last_mut() {
            Some(last) if block.start <= last.end => {
                last.end = last.end.max(block.end);
                if last.summary.is_none() {
                    last.summary = block.summary;
                }
            }
            _ => merged.push(block),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_windows_zone_in_the_table_names_a_known_iana_zone() {
        for (windows, name) in WINDOWS_ZONES {
            assert!(iana(name).is_some(), "{windows} maps to unknown {name}");
        }
    }

    #[test]
    fn durations_are_read_as_nominal_days_and_exact_seconds() {
        let cases = [
            ("PT1H30M", Some((false, 0, 5400))),
            ("P1W", Some((false, 7, 0))),
            ("P1DT2H", Some((false, 1, 7200))),
            ("-PT15M", Some((true, 0, 900))),
            ("+PT10S", Some((false, 0, 10))),
            ("P", None),
            ("PT", None),
            ("P1H", None),
            ("1H", None),
            ("PT99999999999H", None),
        ];
        for (text, expected) in cases {
            let read = parse_duration(text).map(|(neg, l)| (neg, l.days, l.seconds));
            assert_eq!(read, expected, "{text}");
        }
    }

    #[test]
    fn a_skipped_local_time_is_read_with_the_offset_before_the_change() {
        let naive = NaiveDate::from_ymd_opt(2024, 3, 10)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        let instant = localize(naive, chrono_tz::America::Los_Angeles);
        assert_eq!(instant.to_rfc3339(), "2024-03-10T10:30:00+00:00");
    }

    #[test]
    fn a_repeated_local_time_is_read_as_its_first_occurrence() {
        let naive = NaiveDate::from_ymd_opt(2024, 11, 3)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap();
        let instant = localize(naive, chrono_tz::America::Los_Angeles);
        assert_eq!(instant.to_rfc3339(), "2024-11-03T08:30:00+00:00");
    }
}
