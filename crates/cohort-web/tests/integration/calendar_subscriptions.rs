//! Calendars read from their address: a real HTTP server on this machine serves calendars,
//! redirects, errors and an oversized file, and the refresh job reads them.

use crate::both;
use crate::helpers::*;
use crate::phone_screens::{interviewer, signed_in_as};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use reqwest::StatusCode;

const WEEKLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:planning@test\r\nDTSTAMP:20260101T000000Z\r\n\
DTSTART;TZID=Europe/Dublin:20260105T100000\r\nDTEND;TZID=Europe/Dublin:20260105T110000\r\n\
RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\nSUMMARY:Planning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/// A calendar server on 127.0.0.1; returns its base address.
async fn calendar_server() -> String {
    let big = "X".repeat(2 * 1024 * 1024);
    let router = axum::Router::new()
        .route("/work.ics", get(|| async { WEEKLY }))
        .route("/moved", get(|| async { Redirect::temporary("/work.ics") }))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route(
            "/missing",
            get(|| async { (axum::http::StatusCode::NOT_FOUND, "gone").into_response() }),
        )
        .route(
            "/broken.ics",
            get(|| async { "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:tomorrow\r\n" }),
        )
        .route("/big.ics", get(move || async move { big.clone() }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

/// Subscribes `browser` to `address` and runs the read.
async fn subscribe(app: &TestApp, browser: &Browser, address: &str) -> reqwest::Response {
    let page = "/interviewer/profile";
    let response = browser
        .post_form(
            page,
            "/interviewer/calendar/subscription",
            &[("address", address)],
        )
        .await;
    app.run_jobs().await;
    response
}

async fn read_state(app: &TestApp, user: i64) -> (Option<String>, bool) {
    let subscription = app
        .store()
        .calendar_subscription(user)
        .await
        .unwrap()
        .expect("subscribed");
    (subscription.error, subscription.read_at.is_some())
}

both!(
    a_calendar_address_is_read_now_and_again_and_a_failed_read_keeps_the_calendar_and_says_why,
    |app: TestApp| async move {
        let server = calendar_server().await;
        let (user, email) = interviewer(&app, "Sub Scriber", "Europe/Dublin").await;
        let browser = signed_in_as(&app, &email).await;

        // Bad addresses are refused on the form and nothing is saved.
        for address in [
            "not an address",
            "ftp://example.com/cal.ics",
            "https://user:pw@example.com/x.ics",
        ] {
            let response = browser
                .post_form(
                    "/interviewer/profile",
                    "/interviewer/calendar/subscription",
                    &[("address", address)],
                )
                .await;
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{address}"
            );
            assert!(response
                .text()
                .await
                .unwrap()
                .contains("address, starting with https:"));
        }
        assert!(app
            .store()
            .calendar_subscription(user)
            .await
            .unwrap()
            .is_none());

        let response = subscribe(&app, &browser, &format!("{server}/work.ics")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(read_state(&app, user).await, (None, true));
        let calendar = app
            .store()
            .interviewer_calendar(user)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(calendar.file_name, "127.0.0.1");
        let (_, busy) = app
            .store()
            .occupied_between(app.state.now(), app.state.now() + 14 * 24 * 3600)
            .await
            .unwrap();
        assert!(
            busy.len() >= 9,
            "two weeks of weekday meetings: {}",
            busy.len()
        );
        let (_, html) = browser.get_text("/interviewer/profile").await;
        assert!(html.contains("read again every 6 hours"), "{html}");
        // The next read is queued six hours on.
        assert_eq!(app.count("jobs WHERE kind = 'refresh_calendar'").await, 1);

        // Each failure says why, and the calendar read before stays.
        for (path, says) in [
            ("/big.ics", "larger than 1 MB"),
            ("/missing", "answered 404"),
            ("/loop", "more than 5 redirects"),
            ("/broken.ics", "could not be read"),
        ] {
            subscribe(&app, &browser, &format!("{server}{path}")).await;
            let (error, read) = read_state(&app, user).await;
            let error = error.unwrap_or_else(|| panic!("{path} should fail"));
            assert!(error.contains(says), "{path}: {error}");
            assert!(!read);
            let kept = app
                .store()
                .interviewer_calendar(user)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(kept.ics, WEEKLY, "{path} keeps the calendar read before");
        }
        let (_, html) = browser.get_text("/interviewer/profile").await;
        assert!(
            html.contains("could not be read")
                && html.contains("Your calendar from before is kept."),
            "{html}"
        );

        // A redirect to the calendar is followed.
        subscribe(&app, &browser, &format!("{server}/moved")).await;
        assert_eq!(read_state(&app, user).await, (None, true));

        // Unsubscribed, the pending read finds nothing to do and queues no other.
        let response = browser
            .post_form(
                "/interviewer/profile",
                "/interviewer/calendar/subscription/delete",
                &[],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(app
            .store()
            .calendar_subscription(user)
            .await
            .unwrap()
            .is_none());
        app.state.app().clock().advance(7 * 3600);
        app.run_jobs().await;
        assert_eq!(app.count("jobs WHERE kind = 'refresh_calendar'").await, 0);
        assert!(app
            .store()
            .interviewer_calendar(user)
            .await
            .unwrap()
            .is_some());
    },
    AppOptions {
        calendar_private_addresses: true,
        ..AppOptions::default()
    }
);

both!(
    a_calendar_address_on_a_local_or_private_network_is_refused_by_default,
    |app: TestApp| async move {
        let server = calendar_server().await;
        let (user, email) = interviewer(&app, "Pri Vate", "Europe/Dublin").await;
        let browser = signed_in_as(&app, &email).await;
        let port = server.rsplit(':').next().unwrap();
        for (address, says) in [
            (
                format!("{server}/work.ics"),
                "127.0.0.1 is a local or private network address",
            ),
            (
                format!("http://localhost:{port}/work.ics"),
                "is a local or private network address",
            ),
            (
                "http://169.254.169.254/latest/meta-data".to_owned(),
                "169.254.169.254 is a local",
            ),
            (
                format!("http://[::1]:{port}/work.ics"),
                "is a local or private network address",
            ),
        ] {
            subscribe(&app, &browser, &address).await;
            let (error, read) = read_state(&app, user).await;
            let error = error.unwrap_or_else(|| panic!("{address} should be refused"));
            assert!(error.contains(says), "{address}: {error}");
            assert!(!read);
        }
        assert!(app
            .store()
            .interviewer_calendar(user)
            .await
            .unwrap()
            .is_none());
        let (_, html) = browser.get_text("/interviewer/profile").await;
        assert!(
            html.contains("Nothing has been read from it yet."),
            "{html}"
        );
    }
);
