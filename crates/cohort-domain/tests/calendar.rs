//! Busy times from iCalendar files: each rule on a small calendar written here, then real
//! calendars from another project (see `tests/calendars/README.md`), whose busy blocks were
//! worked out by reading the files.

use std::time::Instant;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use cohort_domain::calendar::{busy_blocks, BusyBlock, CalendarError, MAX_INSTANCES_PER_EVENT};

const LA: Tz = chrono_tz::America::Los_Angeles;
const NEW_YORK: Tz = chrono_tz::America::New_York;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|error| panic!("{text}: {error}"))
        .with_timezone(&Utc)
}

/// A calendar around `body`, with CRLF line ends as RFC 5545 has them. The body starts on
/// line 4.
fn calendar(body: &str) -> String {
    let mut text =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cohort//Tests//EN\r\n");
    for line in body.lines() {
        text.push_str(line.trim_start_matches('|'));
        text.push_str("\r\n");
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

/// The blocks as `start..end` in UTC, minutes only, for short assertions.
fn spans(blocks: &[BusyBlock]) -> Vec<String> {
    blocks
        .iter()
        .map(|block| {
            format!(
                "{}..{}",
                block.start.format("%Y-%m-%dT%H:%MZ"),
                block.end.format("%Y-%m-%dT%H:%MZ")
            )
        })
        .collect()
}

fn busy(ics: &str, from: &str, to: &str, zone: Tz) -> Vec<String> {
    let blocks = busy_blocks(ics, utc(from), utc(to), zone)
        .unwrap_or_else(|error| panic!("refused: {error}"));
    spans(&blocks)
}

fn refused(ics: &str, zone: Tz) -> CalendarError {
    busy_blocks(
        ics,
        utc("2000-01-01T00:00:00Z"),
        utc("2040-01-01T00:00:00Z"),
        zone,
    )
    .expect_err("the calendar should be refused")
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/calendars/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

const JANUARY: (&str, &str) = ("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z");

// -------------------------------------------------------------------------------------------
// Single events.

#[test]
fn a_timed_event_in_utc_is_one_busy_block_with_its_summary() {
    let ics = calendar(
        "BEGIN:VEVENT\nUID:a\nSUMMARY:Lunch\\, team\nDTSTART:20240110T120000Z\n\
         DTEND:20240110T130000Z\nEND:VEVENT",
    );
    let blocks = busy_blocks(&ics, utc(JANUARY.0), utc(JANUARY.1), LA).unwrap();
    assert_eq!(spans(&blocks), ["2024-01-10T12:00Z..2024-01-10T13:00Z"]);
    assert_eq!(blocks[0].summary.as_deref(), Some("Lunch, team"));
}

#[test]
fn an_event_with_a_duration_instead_of_dtend_lasts_that_long() {
    let ics = calendar("BEGIN:VEVENT\nDTSTART:20240110T120000Z\nDURATION:PT1H30M\nEND:VEVENT");
    assert_eq!(
        busy(&ics, JANUARY.0, JANUARY.1, LA),
        ["2024-01-10T12:00Z..2024-01-10T13:30Z"]
    );
}

#[test]
fn a_timed_event_without_dtend_or_duration_lasts_no_time_and_blocks_nothing() {
    let ics = calendar("BEGIN:VEVENT\nDTSTART:20240110T120000Z\nEND:VEVENT");
    assert!(busy(&ics, JANUARY.0, JANUARY.1, LA).is_empty());
}

#[test]
fn an_all_day_event_is_busy_for_the_whole_local_day_in_the_floating_zone() {
    let ics = calendar("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20240110\nEND:VEVENT");
    assert_eq!(
        busy(&ics, JANUARY.0, JANUARY.1, NEW_YORK),
        ["2024-01-10T05:00Z..2024-01-11T05:00Z"]
    );
    assert_eq!(
        busy(&ics, JANUARY.0, JANUARY.1, LA),
        ["2024-01-10T08:00Z..2024-01-11T08:00Z"]
    );
}

#[test]
fn a_multi_day_all_day_event_ends_at_the_start_of_its_dtend_day() {
    let ics = calendar(
        "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20240308\nDTEND;VALUE=DATE:20240311\nEND:VEVENT",
    );
    // The days cross the change to daylight saving time on 10 March: the block ends at
    // midnight PDT, not 72 hours after it began.
    assert_eq!(
        busy(&ics, "2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z", LA),
        ["2024-03-08T08:00Z..2024-03-11T07:00Z"]
    );
}

#[test]
fn floating_times_are_read_in_the_floating_zone() {
    let ics = calendar("BEGIN:VEVENT\nDTSTART:20240110T090000\nDTEND:20240110T100000\nEND:VEVENT");
    assert_eq!(
        busy(&ics, JANUARY.0, JANUARY.1, NEW_YORK),
        ["2024-01-10T14:00Z..2024-01-10T15:00Z"]
    );
}

#[test]
fn a_tzid_may_be_an_iana_name_a_windows_name_or_a_prefixed_iana_name() {
    for tzid in [
        "America/Los_Angeles",
        "\"America/Los_Angeles\"",
        "Pacific Standard Time",
        "/mozilla.org/20050126_1/America/Los_Angeles",
    ] {
        let ics = calendar(&format!(
            "BEGIN:VEVENT\nDTSTART;TZID={tzid}:20240110T090000\n\
             DTEND;TZID={tzid}:20240110T100000\nEND:VEVENT"
        ));
        assert_eq!(
            busy(&ics, JANUARY.0, JANUARY.1, NEW_YORK),
            ["2024-01-10T17:00Z..2024-01-10T18:00Z"],
            "{tzid}"
        );
    }
}

#[test]
fn a_custom_tzid_is_read_from_the_location_its_vtimezone_names() {
    let ics = calendar(
        "BEGIN:VTIMEZONE\nTZID:Office time\nX-LIC-LOCATION:Europe/Berlin\nEND:VTIMEZONE\n\
         BEGIN:VEVENT\nDTSTART;TZID=Office time:20240110T090000\nDURATION:PT1H\nEND:VEVENT",
    );
    assert_eq!(
        busy(&ics, JANUARY.0, JANUARY.1, LA),
        ["2024-01-10T08:00Z..2024-01-10T09:00Z"]
    );
}

#[test]
fn an_unknown_tzid_is_refused_with_its_line() {
    let ics = calendar("BEGIN:VEVENT\nDTSTART;TZID=Mars/Olympus_Mons:20240110T090000\nEND:VEVENT");
    let error = refused(&ics, LA);
    assert_eq!(error.line, Some(5));
    assert!(error.reason.contains("Mars/Olympus_Mons"), "{error}");
}

#[test]
fn transparent_and_cancelled_events_are_not_busy() {
    let ics = calendar(
        "BEGIN:VEVENT\nDTSTART:20240110T120000Z\nDURATION:PT1H\nTRANSP:TRANSPARENT\nEND:VEVENT\n\
         BEGIN:VEVENT\nDTSTART:20240111T120000Z\nDURATION:PT1H\nSTATUS:CANCELLED\nEND:VEVENT\n\
         BEGIN:VEVENT\nDTSTART:20240112T120000Z\nDURATION:PT1H\nTRANSP:OPAQUE\nEND:VEVENT",
    );
    assert_eq!(
        busy(&ics, JANUARY.0, JANUARY.1, LA),
        ["2024-01-12T12:00Z..2024-01-12T13:00Z"]
    );
}

#[test]
fn names_are_read_whatever_their_case() {
    let ics = calendar(
        "begin:vevent\ndtstart;tzid=America/New_York:20240110T090000\nduration:PT1H\n\
         end:VEVENT",
    );
    assert_eq!(
        busy(&ics, JANUARY.0, JANUARY.1, LA),
        ["2024-01-10T14:00Z..2024-01-10T15:00Z"]
    );
}

// -------------------------------------------------------------------------------------------
// Recurrence.

#[test]
fn a_weekly_meeting_keeps_its_local_time_across_the_march_change_to_daylight_saving_time() {
    let ics = calendar(
        "BEGIN:VEVENT\nUID:weekly\nDTSTART;TZID=America/Los_Angeles:20240226T090000\n\
         DTEND;TZID=America/Los_Angeles:20240226T093000\nRRULE:FREQ=WEEKLY;COUNT=4\nEND:VEVENT",
    );
    // 09:00 PST is 17:00 UTC; from 10 March, 09:00 PDT is 16:00 UTC.
    assert_eq!(
        busy(
            &ics,
            "2024-02-01T00:00:00Z",
            "2024-04-01T00:00:00Z",
            NEW_YORK
        ),
        [
            "2024-02-26T17:00Z..2024-02-26T17:30Z",
            "2024-03-04T17:00Z..2024-03-04T17:30Z",
            "2024-03-11T16:00Z..2024-03-11T16:30Z",
            "2024-03-18T16:00Z..2024-03-18T16:30Z",
        ]
    );
}

#[test]
fn exdate_removes_an_instance_and_rdate_adds_one() {
    let ics = calendar(
        "BEGIN:VEVENT\nUID:daily\nDTSTART:20240108T150000Z\nDURATION:PT1H\n\
         RRULE:FREQ=DAILY;COUNT=3\nEXDATE:20240109T150000Z\nRDATE:20240120T100000Z\n\
         RDATE;VALUE=PERIOD:20240121T100000Z/PT2H\nEND:VEVENT",
    );
    assert_eq!(
        busy(&ics, JANUARY.0, JANUARY.1, LA),
        [
            "2024-01-08T15:00Z..2024-01-08T16:00Z",
            "2024-01-10T15:00Z..2024-01-10T16:00Z",
            "2024-01-20T10:00Z..2024-01-20T11:00Z",
            "2024-01-21T10:00Z..2024-01-21T12:00Z",
        ]
    );
}

#[test]
fn until_ends_the_series_and_a_date_until_includes_its_whole_day() {
    for until in ["20240110T150000Z", "20240110"] {
        let ics = calendar(&format!(
            "BEGIN:VEVENT\nDTSTART;TZID=Europe/Paris:20240108T160000\nDURATION:PT1H\n\
             RRULE:FREQ=DAILY;UNTIL={until}\nEND:VEVENT"
        ));
        assert_eq!(
            busy(&ics, JANUARY.0, JANUARY.1, LA),
            [
                "2024-01-08T15:00Z..2024-01-08T16:00Z",
                "2024-01-09T15:00Z..2024-01-09T16:00Z",
                "2024-01-10T15:00Z..2024-01-10T16:00Z",
            ],
            "{until}"
        );
    }
}

#[test]
fn an_override_replaces_its_instance_and_a_cancelled_override_removes_its_instance() {
    let ics = calendar(
        "BEGIN:VEVENT\nUID:standup\nSUMMARY:Standup\nDTSTART;TZID=Europe/London:20240108T090000\n\
         DURATION:PT15M\nRRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT\n\
         BEGIN:VEVENT\nUID:standup\nSUMMARY:Standup (moved)\n\
         RECURRENCE-ID;TZID=Europe/London:20240109T090000\n\
         DTSTART;TZID=Europe/London:20240109T140000\nDURATION:PT30M\nEND:VEVENT\n\
         BEGIN:VEVENT\nUID:standup\nRECURRENCE-ID:20240110T090000Z\nSTATUS:CANCELLED\n\
         DTSTART:20240110T090000Z\nDURATION:PT15M\nEND:VEVENT",
    );
    let blocks = busy_blocks(&ics, utc(JANUARY.0), utc(JANUARY.1), LA).unwrap();
    assert_eq!(
        spans(&blocks),
        [
            "2024-01-08T09:00Z..2024-01-08T09:15Z",
            "2024-01-09T14:00Z..2024-01-09T14:30Z",
        ]
    );
    assert_eq!(blocks[1].summary.as_deref(), Some("Standup (moved)"));
}

#[test]
fn an_all_day_series_skips_its_exdates_by_date() {
    let ics = calendar(
        "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20240101\nRRULE:FREQ=WEEKLY;COUNT=3\n\
         EXDATE;VALUE=DATE:20240108\nEND:VEVENT",
    );
    assert_eq!(
        busy(&ics, JANUARY.0, JANUARY.1, chrono_tz::UTC),
        [
            "2024-01-01T00:00Z..2024-01-02T00:00Z",
            "2024-01-15T00:00Z..2024-01-16T00:00Z",
        ]
    );
}

#[test]
fn only_instances_that_overlap_the_window_are_returned_and_they_are_not_clipped() {
    let ics = calendar(
        "BEGIN:VEVENT\nDTSTART:20240101T220000Z\nDURATION:PT4H\nRRULE:FREQ=DAILY\nEND:VEVENT",
    );
    assert_eq!(
        busy(&ics, "2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z", LA),
        [
            "2024-01-02T22:00Z..2024-01-03T02:00Z",
            "2024-01-03T22:00Z..2024-01-04T02:00Z",
        ]
    );
}

#[test]
fn a_daily_event_begun_decades_ago_still_reaches_the_window() {
    // Thirty-four years of days are more instances than one event may expand to, so this
    // works only because a rule without COUNT is expanded from just before the window.
    let ics = calendar(
        "BEGIN:VEVENT\nDTSTART;TZID=America/New_York:19900101T120000\nDURATION:PT1H\n\
         RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR\nEND:VEVENT",
    );
    assert_eq!(
        busy(&ics, "2024-03-08T00:00:00Z", "2024-03-12T00:00:00Z", LA),
        [
            "2024-03-08T17:00Z..2024-03-08T18:00Z",
            "2024-03-11T16:00Z..2024-03-11T17:00Z",
        ]
    );
}

#[test]
fn overlapping_and_adjacent_blocks_are_merged_and_keep_the_first_summary() {
    let ics = calendar(
        "BEGIN:VEVENT\nSUMMARY:First\nDTSTART:20240110T090000Z\nDURATION:PT1H\nEND:VEVENT\n\
         BEGIN:VEVENT\nSUMMARY:Second\nDTSTART:20240110T093000Z\nDURATION:PT1H\nEND:VEVENT\n\
         BEGIN:VEVENT\nSUMMARY:Third\nDTSTART:20240110T103000Z\nDURATION:PT1H\nEND:VEVENT\n\
         BEGIN:VEVENT\nSUMMARY:Apart\nDTSTART:20240110T120000Z\nDURATION:PT1H\nEND:VEVENT",
    );
    let blocks = busy_blocks(&ics, utc(JANUARY.0), utc(JANUARY.1), LA).unwrap();
    assert_eq!(
        spans(&blocks),
        [
            "2024-01-10T09:00Z..2024-01-10T11:30Z",
            "2024-01-10T12:00Z..2024-01-10T13:00Z",
        ]
    );
    assert_eq!(blocks[0].summary.as_deref(), Some("First"));
    assert_eq!(blocks[1].summary.as_deref(), Some("Apart"));
}

// -------------------------------------------------------------------------------------------
// Free/busy.

#[test]
fn freebusy_periods_are_busy_unless_their_type_is_free() {
    let ics = calendar(
        "BEGIN:VFREEBUSY\nFREEBUSY:20240110T090000Z/20240110T100000Z,20240111T090000Z/PT30M\n\
         FREEBUSY;FBTYPE=BUSY-TENTATIVE:20240112T090000Z/PT1H\n\
         FREEBUSY;FBTYPE=FREE:20240113T090000Z/PT8H\nEND:VFREEBUSY",
    );
    assert_eq!(
        busy(&ics, JANUARY.0, JANUARY.1, LA),
        [
            "2024-01-10T09:00Z..2024-01-10T10:00Z",
            "2024-01-11T09:00Z..2024-01-11T09:30Z",
            "2024-01-12T09:00Z..2024-01-12T10:00Z",
        ]
    );
}

// -------------------------------------------------------------------------------------------
// Refusals.

#[test]
fn an_invalid_calendar_is_refused_with_the_line_and_the_reason() {
    let ics = calendar(
        "BEGIN:VEVENT\nUID:a\nSUMMARY:A long summary that is folded over\n  two lines\n\
         DTSTART:tomorrow\nEND:VEVENT",
    );
    let error = refused(&ics, LA);
    assert_eq!(error.line, Some(8));
    assert_eq!(
        error.to_string(),
        "line 8: DTSTART is not a date or date-time: `tomorrow`"
    );
}

#[test]
fn broken_structure_is_refused_with_the_line() {
    let cases: [(&str, usize, &str); 6] = [
        ("BEGIN:VEVENT\nDTSTART:20240110T120000Z", 4, "never closed"),
        ("BEGIN:VEVENT\nEND:VTODO", 5, "does not close BEGIN:VEVENT of line 4"),
        ("BEGIN:VEVENT\nDTSTART 20240110T120000Z\nEND:VEVENT", 5, "has no ':'"),
        ("BEGIN:VEVENT\nDTSTART:20240110T120000Z\nDTEND:20240110T110000Z\nEND:VEVENT", 6, "before DTSTART"),
        ("BEGIN:VEVENT\nDTSTART:20240110T120000Z\nDTEND:20240110T130000Z\nDURATION:PT1H\nEND:VEVENT", 7, "both DTEND and DURATION"),
        ("BEGIN:VEVENT\nSUMMARY:no start\nEND:VEVENT", 4, "no DTSTART"),
    ];
    for (body, line, reason) in cases {
        let error = refused(&calendar(body), LA);
        assert_eq!(error.line, Some(line), "{error}");
        assert!(error.reason.contains(reason), "{error}");
    }
}

#[test]
fn text_that_is_not_a_calendar_is_refused() {
    let error = refused("hello\r\n", LA);
    assert_eq!(
        error.to_string(),
        "line 1: hello has no ':' before its value"
    );
    let error = refused("BEGIN:VEVENT\r\nEND:VEVENT\r\n", LA);
    assert_eq!(error.line, Some(1));
    assert!(error.reason.contains("BEGIN:VCALENDAR"), "{error}");
    let error = refused("", LA);
    assert_eq!(error.line, None);
    assert!(error.reason.contains("BEGIN:VCALENDAR"), "{error}");
    let error = refused(" folded first\r\n", LA);
    assert_eq!(error.line, Some(1));
}

#[test]
fn an_invalid_rrule_is_refused_with_its_line() {
    let ics = calendar(
        "BEGIN:VEVENT\nDTSTART:20240110T120000Z\nDURATION:PT1H\nRRULE:FREQ=SOMETIMES\nEND:VEVENT",
    );
    let error = refused(&ics, LA);
    assert_eq!(error.line, Some(7));
    assert!(
        error
            .reason
            .starts_with("RRULE is not a valid recurrence rule"),
        "{error}"
    );
}

#[test]
fn a_hostile_secondly_rule_without_count_or_until_is_refused_within_the_instance_cap() {
    for dtstart in ["20240110T000000Z", "20000101T000000Z"] {
        let ics = calendar(&format!(
            "BEGIN:VEVENT\nDTSTART:{dtstart}\nDURATION:PT1S\nRRULE:FREQ=SECONDLY\nEND:VEVENT"
        ));
        let started = Instant::now();
        let error = busy_blocks(&ics, utc(JANUARY.0), utc(JANUARY.1), LA)
            .expect_err("a rule this dense is refused");
        assert_eq!(error.line, Some(7), "{error}");
        assert!(
            error.reason.contains(&MAX_INSTANCES_PER_EVENT.to_string()),
            "{error}"
        );
        // Generous, for a loaded machine and a debug build; without the cap this would run
        // through 31 million seconds (or 760 million from 2000) and never come back in time.
        assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    }
}

#[test]
fn a_rule_that_would_build_millions_of_instances_in_one_period_is_refused_before_expanding() {
    let hours = (0..24).map(|h| h.to_string()).collect::<Vec<_>>().join(",");
    let minutes = (0..60).map(|m| m.to_string()).collect::<Vec<_>>().join(",");
    let ics = calendar(&format!(
        "BEGIN:VEVENT\nDTSTART:20240110T000000Z\nDURATION:PT1S\n\
         RRULE:FREQ=YEARLY;BYHOUR={hours};BYMINUTE={minutes};BYSECOND={minutes}\nEND:VEVENT"
    ));
    let error = refused(&ics, LA);
    assert_eq!(error.line, Some(7));
    assert!(error.reason.contains("each period"), "{error}");
}

// -------------------------------------------------------------------------------------------
// Real calendars from the Python icalendar project.

#[test]
fn monthly_series_in_vancouver_with_an_exdate_and_a_period_rdate() {
    // period_with_timezone.ics: the third Wednesday, 12:00-14:00 Vancouver time, nine times
    // from September 2023 but not in June to August; 20 December is excluded and a 12:00-15:00
    // period on 13 December is added. PDT is UTC-7 until 5 November and again from 10 March.
    let blocks = busy_blocks(
        &fixture("period_with_timezone.ics"),
        utc("2023-09-01T00:00:00Z"),
        utc("2024-07-01T00:00:00Z"),
        LA,
    )
    .unwrap();
    assert_eq!(
        spans(&blocks),
        [
            "2023-09-20T19:00Z..2023-09-20T21:00Z",
            "2023-10-18T19:00Z..2023-10-18T21:00Z",
            "2023-11-15T20:00Z..2023-11-15T22:00Z",
            "2023-12-13T20:00Z..2023-12-13T23:00Z",
            "2024-01-17T20:00Z..2024-01-17T22:00Z",
            "2024-02-21T20:00Z..2024-02-21T22:00Z",
            "2024-03-20T19:00Z..2024-03-20T21:00Z",
            "2024-04-17T19:00Z..2024-04-17T21:00Z",
            "2024-05-15T19:00Z..2024-05-15T21:00Z",
        ]
    );
    assert!(blocks
        .iter()
        .all(|block| block.summary.as_deref() == Some("Test RDATE")));
}

#[test]
fn a_vienna_event_over_several_days() {
    // timezoned.ics: 13 February 2012 10:00 to 17 February 18:00, Europe/Vienna (CET, UTC+1).
    let blocks = busy_blocks(
        &fixture("timezoned.ics"),
        utc("2012-02-01T00:00:00Z"),
        utc("2012-03-01T00:00:00Z"),
        LA,
    )
    .unwrap();
    assert_eq!(spans(&blocks), ["2012-02-13T09:00Z..2012-02-17T17:00Z"]);
    assert_eq!(blocks[0].summary.as_deref(), Some("artsprint 2012"));
}

#[test]
fn khal_period_rdates_in_a_windows_zone() {
    // issue_156_RDATE_with_PERIOD_TZID_khal.ics: Tuesdays 08:00-09:00 in "Central Standard
    // Time" (CDT, UTC-5) from 27 March to 31 July 2018, given as RDATE periods, on an event
    // without UID whose RECURRENCE-ID therefore replaces nothing.
    let blocks = busy_blocks(
        &fixture("issue_156_RDATE_with_PERIOD_TZID_khal.ics"),
        utc("2018-01-01T00:00:00Z"),
        utc("2019-01-01T00:00:00Z"),
        LA,
    )
    .unwrap();
    assert_eq!(blocks.len(), 19);
    assert_eq!(
        spans(&blocks[..2]),
        [
            "2018-03-27T13:00Z..2018-03-27T14:00Z",
            "2018-04-03T13:00Z..2018-04-03T14:00Z",
        ]
    );
    assert_eq!(
        spans(&blocks[18..]),
        ["2018-07-31T13:00Z..2018-07-31T14:00Z"]
    );
}

#[test]
fn a_weekly_event_with_a_slash_prefixed_tzid_follows_stockholm_time() {
    // issue_466_convert_tzid_with_slash.ics: Fridays 20:00-21:00 "/Europe/Stockholm" from
    // 21 October 2022, for ever; summer time ends on 30 October.
    let ics = fixture("issue_466_convert_tzid_with_slash.ics");
    assert_eq!(
        busy(&ics, "2022-10-20T00:00:00Z", "2022-11-05T00:00:00Z", LA),
        [
            "2022-10-21T18:00Z..2022-10-21T19:00Z",
            "2022-10-28T18:00Z..2022-10-28T19:00Z",
            "2022-11-04T19:00Z..2022-11-04T20:00Z",
        ]
    );
    assert_eq!(
        busy(&ics, "2031-01-01T00:00:00Z", "2031-01-15T00:00:00Z", LA),
        [
            "2031-01-03T19:00Z..2031-01-03T20:00Z",
            "2031-01-10T19:00Z..2031-01-10T20:00Z",
        ]
    );
}

#[test]
fn all_day_events_from_two_mozilla_calendars_with_odd_folding() {
    // multiple_calendar_components.ics: two VCALENDARs whose lines are folded after blank
    // lines; Christmas Day (with DTEND), Boxing Day (dated 1 May, no DTEND: one day) and a
    // second Christmas without DTEND. London is on BST (UTC+1) in May.
    let blocks = busy_blocks(
        &fixture("multiple_calendar_components.ics"),
        utc("2003-01-01T00:00:00Z"),
        utc("2004-01-01T00:00:00Z"),
        chrono_tz::Europe::London,
    )
    .unwrap();
    assert_eq!(
        spans(&blocks),
        [
            "2003-04-30T23:00Z..2003-05-01T23:00Z",
            "2003-12-25T00:00Z..2003-12-26T00:00Z",
        ]
    );
    assert_eq!(blocks[0].summary.as_deref(), Some("Boxing Day"));
    assert_eq!(blocks[1].summary.as_deref(), Some("Christmas Day"));
}

#[test]
fn a_custom_zone_with_one_fixed_offset_is_read_as_that_offset() {
    // issue_218_bad_tzid.ics: TZID "UTC+11", whose VTIMEZONE has a single +1100 part.
    assert_eq!(
        busy(
            &fixture("issue_218_bad_tzid.ics"),
            "2017-02-01T00:00:00Z",
            "2017-03-01T00:00:00Z",
            LA
        ),
        ["2017-02-28T12:00Z..2017-02-28T12:30Z"]
    );
}

#[test]
fn transparent_all_day_holidays_are_not_busy() {
    // example.ics: three all-day holidays in 2022, all TRANSP:TRANSPARENT.
    assert!(busy(
        &fixture("example.ics"),
        "2022-01-01T00:00:00Z",
        "2023-01-01T00:00:00Z",
        LA
    )
    .is_empty());
}

#[test]
fn davmail_freebusy_reply_gives_its_busy_periods() {
    // issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics: eight BUSY periods in
    // January 2012, in UTC.
    let blocks = busy_blocks(
        &fixture("issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics"),
        utc("2012-01-01T00:00:00Z"),
        utc("2012-02-01T00:00:00Z"),
        LA,
    )
    .unwrap();
    assert_eq!(blocks.len(), 8);
    assert_eq!(
        spans(&blocks[..1]),
        ["2012-01-03T09:15Z..2012-01-03T10:15Z"]
    );
    assert_eq!(
        spans(&blocks[7..]),
        ["2012-01-31T09:15Z..2012-01-31T10:15Z"]
    );
    assert!(blocks.iter().all(|block| block.summary.is_none()));
}

#[test]
fn rfc_freebusy_examples_merge_into_the_unavailable_block() {
    // issue_798_freebusy.ics: BUSY-UNAVAILABLE from 16:00 for 8h30 on 8 March 1997 covers the
    // BUSY periods of the second VFREEBUSY; the third is FREE.
    assert_eq!(
        busy(
            &fixture("issue_798_freebusy.ics"),
            "1997-03-01T00:00:00Z",
            "1997-04-01T00:00:00Z",
            LA
        ),
        ["1997-03-08T16:00Z..1997-03-09T00:30Z"]
    );
}

#[test]
fn an_exchange_zone_known_only_by_its_rules_is_refused_with_the_line() {
    // issue_165_missing_event.ics: the TZID is Exchange's own name for a zone given only by
    // its DST rules, which this reader does not evaluate.
    let error = refused(&fixture("issue_165_missing_event.ics"), LA);
    assert_eq!(error.line, Some(22));
    assert!(
        error.reason.starts_with("DTSTART has TZID `GMT +0100"),
        "{error}"
    );
}

#[test]
fn an_empty_exdate_in_a_google_calendar_is_refused_with_its_line() {
    // parsing_error.ics: the second event ends with "EXDATE;VALUE=DATE:" and no date.
    let error = refused(&fixture("parsing_error.ics"), LA);
    assert_eq!(
        error.to_string(),
        "line 19: EXDATE has VALUE=DATE but `` is not a date"
    );
}

#[test]
fn a_line_the_icalendar_parser_cannot_read_is_refused_with_its_own_line() {
    let ics = calendar(
        "BEGIN:VEVENT\nDTSTART:20240110T120000Z\nX-NOTE;A=\"quoted\"tail:value\nEND:VEVENT",
    );
    let error = refused(&ics, LA);
    assert_eq!(
        error.to_string(),
        "line 6: the iCalendar parser cannot read this line"
    );
}

#[test]
fn components_nested_too_deep_are_refused_before_parsing() {
    let mut body = "BEGIN:X-NEST\n".repeat(100_000);
    body.push_str(&"END:X-NEST\n".repeat(100_000));
    let error = refused(&calendar(&body), LA);
    assert_eq!(error.line, Some(11));
    assert!(error.reason.contains("nested"), "{error}");
}

#[test]
fn line_numbers_count_blank_and_folded_lines_of_the_original_text() {
    let ics = "BEGIN:VCALENDAR\r\n\r\nBEGIN:VEVENT\r\nDESCRIPTION:one\r\n  two\r\n\tthree\r\n\r\nDTEND:soon\r\nDTSTART:20240110T120000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let error = refused(ics, LA);
    assert_eq!(
        error.to_string(),
        "line 8: DTEND is not a date or date-time: `soon`"
    );
}
