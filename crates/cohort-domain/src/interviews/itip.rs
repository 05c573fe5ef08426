//! Calendar invitations for interviews: iTIP messages (RFC 5546) that mail carries to the
//! candidate and the interviewers, so that their calendar programs add, move or remove the
//! interview.
//!
//! An [`Invitation`] is one VEVENT in a VCALENDAR whose METHOD is REQUEST (a new or moved
//! interview) or CANCEL. Calendar programs match updates by UID and keep the one with the highest
//! SEQUENCE, so the caller keeps the UID of an interview stable and raises the sequence on every
//! change. Pure: the DTSTAMP is passed in like every other time.
//!
//! The content lines are written here, and the `icalendar` crate reads them back in the tests.
//! Its writer (0.16) cannot be used as it is: it quotes a parameter value only when the value
//! holds ':' or ';', so a name such as "Doe, Jane" goes out as `CN=Doe, Jane`, which RFC 5545
//! forbids and which Python's `icalendar` reads as the list `["Doe", " Jane"]`; it writes a '"'
//! in a parameter as it is, which ends a quoted value early; it writes parameters in the order of
//! a `HashMap`, so the same invitation comes out differently on every call; and it folds a
//! continuation line to 76 octets when the remainder is exactly 75. Writing the dozen lines of an
//! invitation takes less code than working around each of these.

use chrono::{DateTime, Utc};

/// Who wrote the invitation, as calendar programs show it (RFC 5545 section 3.7.3).
pub const PRODUCT_ID: &str = "-//Cohort//Interviews//EN";

/// The longest a content line may be, in octets and without its line break (RFC 5545 section
/// 3.1); longer lines are folded.
pub const MAX_LINE_OCTETS: usize = 75;

/// What an invitation asks of its attendees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Add the interview to the calendar, or move it there if a lower SEQUENCE placed it.
    Request,
    /// Remove the interview.
    Cancel,
    /// Show the interview: an entry of a subscribed calendar feed, which asks nothing of anyone.
    Publish,
}

impl Method {
    /// The METHOD value, which the mail's `text/calendar` part repeats as its `method`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
            Method::Publish => "PUBLISH",
        }
    }

    /// The event's STATUS under this method: RFC 5546 section 3.2.5 has a cancelled event say so.
    fn status(self) -> &'static str {
        match self {
            Method::Request | Method::Publish => "CONFIRMED",
            Method::Cancel => "CANCELLED",
        }
    }
}

/// Whether an attendee is needed for the interview to take place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendeeRole {
    /// The candidate and the interviewer.
    Required,
    /// A shadow, who observes an interview as part of their training.
    Optional,
}

impl AttendeeRole {
    /// The ROLE parameter's value.
    pub fn as_str(self) -> &'static str {
        match self {
            AttendeeRole::Required => "REQ-PARTICIPANT",
            AttendeeRole::Optional => "OPT-PARTICIPANT",
        }
    }
}

/// A person the invitation is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub role: AttendeeRole,
}

/// One interview as a calendar invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation<'a> {
    pub method: Method,
    /// The same for every message about one interview, for example `interview-42@cohort.example`.
    pub uid: &'a str,
    /// Higher on every reschedule and on the cancellation.
    pub sequence: u32,
    /// When this version of the invitation was made (DTSTAMP).
    pub stamp: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: &'a str,
    pub description: &'a str,
    /// The meeting link: written as LOCATION, and as URL when it is a plain URI.
    pub location: Option<&'a str>,
    /// The organizer's name and email address.
    pub organizer: (&'a str, &'a str),
    pub attendees: Vec<Attendee<'a>>,
}

impl Invitation<'_> {
    /// The invitation as an iCalendar text: CRLF line breaks, lines folded at 75 octets.
    pub fn to_ics(&self) -> String {
        feed_or_invitation(self.method, None, std::slice::from_ref(self))
    }

    fn write_event(&self, lines: &mut ContentLines) {
        lines.text("UID", self.uid);
        lines.property("SEQUENCE", &[], &self.sequence.to_string());
        lines.property("DTSTAMP", &[], &utc_date_time(self.stamp));
        lines.property("DTSTART", &[], &utc_date_time(self.start));
        lines.property("DTEND", &[], &utc_date_time(self.end));
        lines.text("SUMMARY", self.summary);
        lines.text("DESCRIPTION", self.description);
        if let Some(location) = self.location {
            lines.text("LOCATION", location);
            if is_plain_uri(location) {
                lines.property("URL", &[], location);
            }
        }
        let (organizer_name, organizer_email) = self.organizer;
        lines.property(
            "ORGANIZER",
            &[("CN", organizer_name)],
            &mailto(organizer_email),
        );
        for attendee in &self.attendees {
            lines.property(
                "ATTENDEE",
                &self.attendee_parameters(attendee),
                &mailto(attendee.email),
            );
        }
        lines.property("STATUS", &[], self.method.status());
    }

    /// A request asks each attendee for a reply; a cancellation expects none (RFC 5546 section
    /// 3.2.5), so it names the attendees and their roles only.
    fn attendee_parameters<'a>(&self, attendee: &Attendee<'a>) -> Vec<(&'static str, &'a str)> {
        let mut parameters = vec![("CN", attendee.name), ("ROLE", attendee.role.as_str())];
        if self.method == Method::Request {
            parameters.extend([("PARTSTAT", "NEEDS-ACTION"), ("RSVP", "TRUE")]);
        }
        parameters
    }
}

/// A calendar feed that calendar programs subscribe to: every event of `events` (each written
/// with [`Method::Publish`] whatever its own method) under the feed's `name`.
pub fn feed(name: &str, events: &[Invitation<'_>]) -> String {
    feed_or_invitation(Method::Publish, Some(name), events)
}

fn feed_or_invitation(method: Method, name: Option<&str>, events: &[Invitation<'_>]) -> String {
    let mut lines = ContentLines::default();
    lines.property("BEGIN", &[], "VCALENDAR");
    lines.property("VERSION", &[], "2.0");
    lines.text("PRODID", PRODUCT_ID);
    lines.property("METHOD", &[], method.as_str());
    lines.property("CALSCALE", &[], "GREGORIAN");
    if let Some(name) = name {
        // The name most calendar programs show for a subscription (a common extension).
        lines.text("X-WR-CALNAME", name);
    }
    for event in events {
        let event = Invitation {
            method,
            ..event.clone()
        };
        lines.property("BEGIN", &[], "VEVENT");
        event.write_event(&mut lines);
        lines.property("END", &[], "VEVENT");
    }
    lines.property("END", &[], "VCALENDAR");
    lines.text
}

/// An iCalendar text being written, one content line at a time.
#[derive(Default)]
struct ContentLines {
    text: String,
}

impl ContentLines {
    /// A property whose value is already in its value type's syntax (a date-time, an integer, a
    /// URI, a token).
    fn property(&mut self, name: &str, parameters: &[(&str, &str)], value: &str) {
        let mut line = String::from(name);
        for (key, parameter) in parameters {
            line.push(';');
            line.push_str(key);
            line.push('=');
            line.push_str(&parameter_value(parameter));
        }
        line.push(':');
        line.push_str(value);
        self.push_folded(&line);
    }

    /// A property of value type TEXT.
    fn text(&mut self, name: &str, value: &str) {
        self.property(name, &[], &escaped_text(value));
    }

    /// Appends `line` with a CRLF, folded so that no physical line is longer than
    /// [`MAX_LINE_OCTETS`]: a continuation line starts with one space, which unfolding removes,
    /// and no character's UTF-8 octets are split. Control characters other than tab are dropped
    /// here, whatever their source, because a raw line break would end the content line early
    /// and let the text write properties of its own; the escapes above have already turned the
    /// line breaks a text means into `\n` and `^n`.
    fn push_folded(&mut self, line: &str) {
        let mut octets_on_line = 0;
        for character in line.chars().filter(|c| !c.is_control() || *c == '\t') {
            if octets_on_line + character.len_utf8() > MAX_LINE_OCTETS {
                self.text.push_str("\r\n ");
                octets_on_line = 1;
            }
            self.text.push(character);
            octets_on_line += character.len_utf8();
        }
        self.text.push_str("\r\n");
    }
}

/// A TEXT value (RFC 5545 section 3.3.11): backslash, semicolon and comma escaped, and every line
/// break (CRLF, LF or CR) written as `\n`.
fn escaped_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {
                characters.next_if_eq(&'\n');
                escaped.push_str("\\n");
            }
            other => escaped.push(other),
        }
    }
    escaped
}

/// A parameter value (RFC 5545 section 3.2): a '"' or a line break cannot appear in one, so they
/// are written as RFC 6868 has it (`^'`, `^n`, and `^^` for the caret itself), and a value with
/// ',', ';' or ':' is quoted, as those would otherwise end it.
fn parameter_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    let mut characters = value.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '^' => encoded.push_str("^^"),
            '"' => encoded.push_str("^'"),
            '\n' => encoded.push_str("^n"),
            '\r' => {
                characters.next_if_eq(&'\n');
                encoded.push_str("^n");
            }
            other => encoded.push(other),
        }
    }
    if encoded.contains([',', ';', ':']) {
        format!("\"{encoded}\"")
    } else {
        encoded
    }
}

/// A DATE-TIME in UTC, the form that needs no VTIMEZONE (RFC 5545 section 3.3.5, form #2).
fn utc_date_time(time: DateTime<Utc>) -> String {
    time.format("%Y%m%dT%H%M%SZ").to_string()
}

fn mailto(email: &str) -> String {
    format!("mailto:{email}")
}

/// Whether `link` can be a URL property as it is: a URI has no spaces and, unlike an IRI, only
/// ASCII. A link that is not still reaches attendees as the LOCATION.
fn is_plain_uri(link: &str) -> bool {
    link.contains(':') && link.chars().all(|c| c.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use icalendar::parser::{read_calendar_simple, unfold, Component, Property};

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 4, hour, minute, 0).unwrap()
    }

    fn invitation(method: Method) -> Invitation<'static> {
        Invitation {
            method,
            uid: "interview-42@cohort.example",
            sequence: 3,
            stamp: at(9, 15),
            start: at(17, 0),
            end: at(17, 45),
            summary: "Phone screen: Ada Lovelace with Grace Hopper",
            description: "A 45-minute phone screen for SDE Intern, Seattle.",
            location: Some("https://meet.example.com/grace"),
            organizer: ("Cohort Recruiting", "recruiting@cohort.example"),
            attendees: vec![
                Attendee {
                    name: "Ada Lovelace",
                    email: "ada@example.com",
                    role: AttendeeRole::Required,
                },
                Attendee {
                    name: "Grace Hopper",
                    email: "grace@cohort.example",
                    role: AttendeeRole::Required,
                },
                Attendee {
                    name: "Katherine Johnson",
                    email: "katherine@cohort.example",
                    role: AttendeeRole::Optional,
                },
            ],
        }
    }

    /// Reads an unfolded invitation with the `icalendar` crate's parser and returns the
    /// calendar's own properties and its one VEVENT.
    fn read(unfolded: &str) -> (Vec<(String, String)>, Component<'_>) {
        let roots = read_calendar_simple(unfolded).expect("the invitation parses");
        assert_eq!(roots.len(), 1, "one VCALENDAR");
        let root = &roots[0];
        assert_eq!(root.name.as_str(), "VCALENDAR");
        assert_eq!(root.components.len(), 1, "one VEVENT");
        let event = root.components[0].clone();
        assert_eq!(event.name.as_str(), "VEVENT");
        let calendar_properties = root
            .properties
            .iter()
            .map(|p| (p.name.as_str().to_owned(), p.val.as_str().to_owned()))
            .collect();
        (calendar_properties, event)
    }

    fn value<'a>(event: &'a Component<'_>, name: &str) -> &'a str {
        event
            .find_prop(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .val
            .as_str()
    }

    fn parameter<'a>(property: &'a Property<'_>, key: &str) -> Option<&'a str> {
        property
            .params
            .iter()
            .find(|p| p.key.as_str() == key)
            .and_then(|p| p.val.as_ref().map(|v| v.as_str()))
    }

    fn attendees<'a>(event: &'a Component<'_>) -> Vec<&'a Property<'a>> {
        event
            .properties
            .iter()
            .filter(|p| p.name.as_str() == "ATTENDEE")
            .collect()
    }

    #[test]
    fn a_request_parses_back_with_its_method_uid_sequence_times_and_confirmed_status() {
        let unfolded = unfold(&invitation(Method::Request).to_ics());
        let (calendar, event) = read(&unfolded);
        let calendar: Vec<(&str, &str)> = calendar
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            calendar,
            vec![
                ("VERSION", "2.0"),
                ("PRODID", PRODUCT_ID),
                ("METHOD", "REQUEST"),
                ("CALSCALE", "GREGORIAN"),
            ]
        );
        assert_eq!(value(&event, "UID"), "interview-42@cohort.example");
        assert_eq!(value(&event, "SEQUENCE"), "3");
        assert_eq!(value(&event, "DTSTAMP"), "20270304T091500Z");
        assert_eq!(value(&event, "DTSTART"), "20270304T170000Z");
        assert_eq!(value(&event, "DTEND"), "20270304T174500Z");
        assert_eq!(value(&event, "STATUS"), "CONFIRMED");
        assert_eq!(
            value(&event, "SUMMARY"),
            "Phone screen: Ada Lovelace with Grace Hopper"
        );
        assert_eq!(value(&event, "LOCATION"), "https://meet.example.com/grace");
        assert_eq!(value(&event, "URL"), "https://meet.example.com/grace");
    }

    #[test]
    fn a_request_asks_every_attendee_to_reply_and_a_shadow_is_optional() {
        let unfolded = unfold(&invitation(Method::Request).to_ics());
        let (_, event) = read(&unfolded);
        let organizer = event.find_prop("ORGANIZER").expect("an organizer");
        assert_eq!(organizer.val.as_str(), "mailto:recruiting@cohort.example");
        assert_eq!(parameter(organizer, "CN"), Some("Cohort Recruiting"));
        // Each attendee as its address and its CN, ROLE, PARTSTAT and RSVP parameters.
        let read: Vec<[&str; 5]> = attendees(&event)
            .into_iter()
            .map(|a| {
                let parameter = |key| parameter(a, key).unwrap_or("(none)");
                let [name, role, status, rsvp] = ["CN", "ROLE", "PARTSTAT", "RSVP"].map(parameter);
                [a.val.as_str(), name, role, status, rsvp]
            })
            .collect();
        assert_eq!(
            read,
            [
                [
                    "mailto:ada@example.com",
                    "Ada Lovelace",
                    "REQ-PARTICIPANT",
                    "NEEDS-ACTION",
                    "TRUE"
                ],
                [
                    "mailto:grace@cohort.example",
                    "Grace Hopper",
                    "REQ-PARTICIPANT",
                    "NEEDS-ACTION",
                    "TRUE"
                ],
                [
                    "mailto:katherine@cohort.example",
                    "Katherine Johnson",
                    "OPT-PARTICIPANT",
                    "NEEDS-ACTION",
                    "TRUE"
                ],
            ]
        );
    }

    #[test]
    fn a_cancellation_says_cancel_and_cancelled_and_asks_for_no_reply() {
        let mut cancellation = invitation(Method::Cancel);
        cancellation.sequence = 4;
        let ics = cancellation.to_ics();
        let unfolded = unfold(&ics);
        let (calendar, event) = read(&unfolded);
        assert!(calendar.contains(&("METHOD".to_owned(), "CANCEL".to_owned())));
        assert_eq!(value(&event, "UID"), "interview-42@cohort.example");
        assert_eq!(value(&event, "SEQUENCE"), "4");
        assert_eq!(value(&event, "STATUS"), "CANCELLED");
        let attendees = attendees(&event);
        assert_eq!(attendees.len(), 3);
        assert!(attendees
            .iter()
            .all(|a| parameter(a, "RSVP").is_none() && parameter(a, "PARTSTAT").is_none()));
        assert!(ics.contains(
            "\r\nATTENDEE;CN=Ada Lovelace;ROLE=REQ-PARTICIPANT:mailto:ada@example.com\r\n"
        ));
    }

    #[test]
    fn a_feed_publishes_every_interview_under_its_name_and_asks_for_no_reply() {
        let mut second = invitation(Method::Request);
        second.uid = "interview-43@cohort.example";
        second.start = at(18, 0);
        second.end = at(18, 45);
        let ics = feed(
            "Grace's interviews, Cohort",
            &[invitation(Method::Cancel), second],
        );
        let unfolded = unfold(&ics);
        let roots = read_calendar_simple(&unfolded).expect("the feed parses");
        let root = &roots[0];
        assert_eq!(value(root, "METHOD"), "PUBLISH");
        assert_eq!(value(root, "X-WR-CALNAME"), "Grace's interviews\\, Cohort");
        let uids: Vec<&str> = root.components.iter().map(|e| value(e, "UID")).collect();
        assert_eq!(
            uids,
            ["interview-42@cohort.example", "interview-43@cohort.example"]
        );
        for event in &root.components {
            assert_eq!(value(event, "STATUS"), "CONFIRMED");
            assert!(attendees(event)
                .iter()
                .all(|a| parameter(a, "RSVP").is_none()));
        }
    }

    #[test]
    fn every_line_ends_with_crlf_and_the_lines_come_in_a_fixed_order() {
        let ics = invitation(Method::Request).to_ics();
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
        assert_eq!(ics.matches('\r').count(), ics.matches("\r\n").count());
        assert_eq!(ics, invitation(Method::Request).to_ics());
        let first_lines: Vec<&str> = ics.split("\r\n").take(7).collect();
        assert_eq!(
            first_lines,
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//Cohort//Interviews//EN",
                "METHOD:REQUEST",
                "CALSCALE:GREGORIAN",
                "BEGIN:VEVENT",
                "UID:interview-42@cohort.example",
            ]
        );
        assert!(unfold(&ics).contains(
            "\r\nATTENDEE;CN=Katherine Johnson;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:katherine@cohort.example\r\n"
        ));
    }

    #[test]
    fn a_long_description_folds_at_75_octets_and_unfolds_losslessly() {
        let description = format!(
            "Dear Ada,\r\nyour phone screen; with Grace, is at 17:00 UTC.\nBring C:\\code.\r\r{}\n{}",
            "Résumé and portfolio, naïve café ☕ 日本語 😀 ".repeat(12),
            "x".repeat(300),
        );
        let mut long = invitation(Method::Request);
        long.description = &description;
        let ics = long.to_ics();
        for line in ics.split("\r\n") {
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{} octets: {line:?}",
                line.len()
            );
        }
        let folds = ics.matches("\r\n ").count();
        assert!(folds > 10, "only {folds} folds");
        let unfolded = unfold(&ics);
        let (_, event) = read(&unfolded);
        let line_breaks_as_lf = description.replace("\r\n", "\n").replace('\r', "\n");
        assert_eq!(value(&event, "DESCRIPTION"), line_breaks_as_lf);
    }

    #[test]
    fn a_line_one_octet_too_long_folds_and_one_that_fits_does_not() {
        // "SUMMARY:" is 8 octets, so a 67-octet summary makes a line of exactly 75.
        let fits = "s".repeat(67);
        let mut at_limit = invitation(Method::Request);
        at_limit.summary = &fits;
        assert!(at_limit
            .to_ics()
            .contains(&format!("\r\nSUMMARY:{fits}\r\n")));
        // 8 + 141 octets: 75 on the first line, then a space and 74, exactly the limit again.
        let two_full_lines = "s".repeat(141);
        let mut over = invitation(Method::Request);
        over.summary = &two_full_lines;
        let expected = format!(
            "\r\nSUMMARY:{}\r\n {}\r\nDESCRIPTION",
            "s".repeat(67),
            "s".repeat(74)
        );
        assert!(over.to_ics().contains(&expected));
        // A multi-octet character is never split: 'é' (2 octets) at octets 75 and 76 moves down.
        let accent = format!("{}é", "s".repeat(66));
        let mut split = invitation(Method::Request);
        split.summary = &accent;
        assert!(split
            .to_ics()
            .contains(&format!("\r\nSUMMARY:{}\r\n é\r\n", "s".repeat(66))));
    }

    #[test]
    fn names_with_commas_semicolons_colons_and_quotes_are_quoted_and_encoded_in_cn() {
        let mut awkward = invitation(Method::Request);
        awkward.organizer = ("Recruiting: Seattle", "recruiting@cohort.example");
        awkward.attendees = vec![
            Attendee {
                name: "Lovelace, Ada",
                email: "ada@example.com",
                role: AttendeeRole::Required,
            },
            Attendee {
                name: "Grace \"Amazing\" Hopper; ^_^",
                email: "grace@cohort.example",
                role: AttendeeRole::Required,
            },
            Attendee {
                name: "Plain Name",
                email: "plain@cohort.example",
                role: AttendeeRole::Optional,
            },
        ];
        let ics = awkward.to_ics();
        let unfolded = unfold(&ics);
        assert!(unfolded.contains("\r\nORGANIZER;CN=\"Recruiting: Seattle\":mailto:"));
        assert!(unfolded.contains("\r\nATTENDEE;CN=\"Lovelace, Ada\";ROLE="));
        assert!(unfolded.contains("\r\nATTENDEE;CN=\"Grace ^'Amazing^' Hopper; ^^_^^\";ROLE="));
        assert!(unfolded.contains("\r\nATTENDEE;CN=Plain Name;ROLE="));
        let unfolded = unfold(&ics);
        let (_, event) = read(&unfolded);
        let names: Vec<&str> = attendees(&event)
            .iter()
            .map(|a| parameter(a, "CN").unwrap())
            .collect();
        // The crate's parser removes the quotes and leaves RFC 6868's escapes for the caller.
        assert_eq!(
            names,
            [
                "Lovelace, Ada",
                "Grace ^'Amazing^' Hopper; ^^_^^",
                "Plain Name"
            ]
        );
        assert_eq!(
            attendees(&event)[1].val.as_str(),
            "mailto:grace@cohort.example"
        );
    }

    #[test]
    fn text_values_escape_their_delimiters_and_no_input_can_start_a_line_of_its_own() {
        let mut hostile = invitation(Method::Request);
        hostile.summary = "Screen; round 1, part\\2\r\nATTENDEE:mailto:eve@example.com";
        hostile.attendees[0].name = "Ada\r\nATTENDEE:mailto:eve@example.com";
        hostile.attendees[1].email = "grace@cohort.example\r\nX-EVIL:1";
        let ics = hostile.to_ics();
        assert!(ics.contains(
            "\r\nSUMMARY:Screen\\; round 1\\, part\\\\2\\nATTENDEE:mailto:eve@example.com\r\n"
        ));
        assert!(!ics.contains("\r\nX-EVIL"));
        let unfolded = unfold(&ics);
        let (_, event) = read(&unfolded);
        assert_eq!(
            value(&event, "SUMMARY"),
            "Screen; round 1, part\\2\nATTENDEE:mailto:eve@example.com"
        );
        let attendees = attendees(&event);
        assert_eq!(attendees.len(), 3);
        assert_eq!(
            parameter(attendees[0], "CN"),
            Some("Ada^nATTENDEE:mailto:eve@example.com")
        );
        assert_eq!(
            attendees[1].val.as_str(),
            "mailto:grace@cohort.exampleX-EVIL:1"
        );
    }

    #[test]
    fn a_location_that_is_not_a_plain_uri_is_no_url_and_no_location_writes_neither() {
        let mut spaced = invitation(Method::Request);
        spaced.location = Some("Room 4, Building B");
        let unfolded = unfold(&spaced.to_ics());
        let (_, event) = read(&unfolded);
        assert_eq!(value(&event, "LOCATION"), "Room 4, Building B");
        assert!(event.find_prop("URL").is_none());
        let mut nowhere = invitation(Method::Request);
        nowhere.location = None;
        let unfolded = unfold(&nowhere.to_ics());
        let (_, event) = read(&unfolded);
        assert!(event.find_prop("LOCATION").is_none() && event.find_prop("URL").is_none());
    }
}
