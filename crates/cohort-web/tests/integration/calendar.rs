use crate::both;
use crate::helpers::*;

/// Checks the parts of RFC 5545 that calendar clients are strict about: CRLF line ends and
/// content lines folded at 75 octets.
fn assert_wire_format(text: &str) {
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(text.trim_end().ends_with("END:VCALENDAR"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "line longer than 75 octets: {line:?}");
        assert!(!line.contains('\n'), "bare line feed in {line:?}");
    }
}

both!(
    the_calendar_feed_has_an_opening_and_a_deadline_event_with_reminders_per_open_opening,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let response = reqwest::get(app.url("/calendar/openings.ics"))
            .await
            .unwrap();
        assert_eq!(
            response.headers()["content-type"],
            "text/calendar; charset=utf-8"
        );
        let text = response.text().await.unwrap();
        assert_wire_format(&text);
        let calendar: icalendar::Calendar = text.parse().expect("the feed parses as iCalendar");
        let events: Vec<&icalendar::Event> = calendar
            .components
            .iter()
            .filter_map(|c| c.as_event())
            .collect();
        assert_eq!(
            events.len(),
            2 * 4,
            "every opening that has not closed, or closed in the last 30 days"
        );
        use icalendar::Component;
        let deadline = events
            .iter()
            .find(|e| e.get_uid() == Some(&format!("opening-{}-closes@cohort", season.open[0])))
            .expect("a deadline event");
        assert_eq!(
            deadline.get_summary(),
            Some("Application deadline: SDE Intern, Seattle")
        );
        assert!(text.contains("BEGIN:VALARM") && text.contains("TRIGGER"));
        for event in &events {
            assert!(event.get_timestamp().is_some(), "DTSTAMP is required");
            assert!(event.get_start().is_some() && event.get_end().is_some());
        }
    }
);

both!(
    each_opening_offers_its_own_calendar_download,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let text = reqwest::get(app.url(&format!("/openings/{}/calendar.ics", season.open[1])))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_wire_format(&text);
        let calendar: icalendar::Calendar = text.parse().unwrap();
        assert_eq!(
            calendar
                .components
                .iter()
                .filter(|c| c.as_event().is_some())
                .count(),
            2
        );
        assert!(text.contains("Data Science Intern"));
        assert_eq!(
            reqwest::get(app.url("/openings/9999/calendar.ics"))
                .await
                .unwrap()
                .status(),
            reqwest::StatusCode::NOT_FOUND
        );
    }
);
