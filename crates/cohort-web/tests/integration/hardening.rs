//! What every response and connection gets whatever the route: security headers, and a limit
//! on how long a client may take to send its request's headers.

use crate::both;
use crate::helpers::*;
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

both!(
    every_response_keeps_its_referrer_on_this_site_and_plain_http_gets_no_hsts,
    |app: TestApp| async move {
        let browser = app.browser();
        for path in [
            "/",
            "/login",
            "/healthz",
            "/api/v1/openings",
            "/no-such-page",
        ] {
            let response = browser.get(path).await;
            assert_eq!(
                response.headers()["referrer-policy"],
                "same-origin",
                "{path}"
            );
            assert!(
                response
                    .headers()
                    .get("strict-transport-security")
                    .is_none(),
                "{path}: no HSTS over plain HTTP"
            );
        }
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_served_over_https_tells_browsers_to_keep_using_it() {
    let app = spawn_app_with(
        Backend::Sqlite,
        AppOptions {
            base_url: Some("https://careers.example.com".into()),
            ..AppOptions::default()
        },
    )
    .await;
    let response = app.browser().get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_trickles_its_headers_is_closed_after_the_header_timeout() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut slow = tokio::net::TcpStream::connect(app.address).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let opened = Instant::now();
    // One more header line every second, never the blank line that ends them.
    let mut closed_after = None;
    for line in 0..30 {
        let mut buffer = [0u8; 512];
        match tokio::time::timeout(Duration::from_secs(1), slow.read(&mut buffer)).await {
            // Closed, or answered 408 and then closed.
            Ok(Ok(_)) | Ok(Err(_)) => {
                closed_after = Some(opened.elapsed());
                break;
            }
            Err(_) => {}
        }
        if slow
            .write_all(format!("X-Slow-{line}: still coming\r\n").as_bytes())
            .await
            .is_err()
        {
            closed_after = Some(opened.elapsed());
            break;
        }
    }
    let closed_after = closed_after.expect("the server kept the connection open for 30 s");
    assert!(
        closed_after >= cohort_web::HEADER_READ_TIMEOUT - Duration::from_secs(1),
        "closed after {closed_after:?}, before the timeout"
    );
    // Other clients were served meanwhile and still are.
    assert_eq!(app.browser().get("/healthz").await.status(), StatusCode::OK);
}

both!(
    text_that_is_not_utf8_is_refused_with_400_and_nothing_is_stored,
    |app: TestApp| async move {
        // A URL-encoded form: the sign-up.
        let browser = app.browser();
        let csrf = browser.csrf("/signup").await;
        let body = format!(
            "csrf={csrf}&name=Ada%FFLovelace&email=ada%40example.com&password=a+long+enough+password"
        );
        let response = browser
            .client
            .post(browser.url("/signup"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.text().await.unwrap().contains("not valid UTF-8"));
        assert_eq!(app.count("users").await, 0);

        // A multipart form: the application, with a school name of raw bytes.
        let season = app.seed_season().await;
        let (candidate, _) = app.candidate("Grace Hopper").await;
        let csrf = candidate
            .csrf(&format!("/apply?season={}", season.season_id))
            .await;
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf)
            .text("season", season.season_id.to_string())
            .part(
                "school",
                reqwest::multipart::Part::bytes(vec![b'M', b'I', b'T', 0xFF, 0xFE]),
            )
            .text("degree", "BSc")
            .text("graduation", "2027-06")
            .text("choice_1", season.open[0].to_string())
            .part(
                "resume",
                reqwest::multipart::Part::bytes(pdf_resume("Grace Hopper")).file_name("cv.pdf"),
            );
        let response = candidate
            .client
            .post(candidate.url("/apply"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.text().await.unwrap().contains("not valid UTF-8"));
        assert_eq!(app.count("applications").await, 0);
    }
);
