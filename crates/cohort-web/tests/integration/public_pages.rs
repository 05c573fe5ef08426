//! The public pages are cacheable: no cookie for anonymous visitors, validators, a 304 on
//! revalidation, compression, content-hashed assets, and a kept page that still follows every
//! change of an opening and every window that opens or closes.

use crate::both;
use crate::helpers::*;
use cohort_domain::Role;
use reqwest::StatusCode;

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
}

both!(
    anonymous_public_pages_set_no_cookie_carry_validators_and_answer_304_when_unchanged,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let client = reqwest::Client::new();
        for path in [
            "/".to_owned(),
            format!("/openings/{}", season.open[0]),
            format!("/openings/{}/calendar.ics", season.open[0]),
            "/calendar/openings.ics".to_owned(),
        ] {
            let first = client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(first.status(), StatusCode::OK, "{path}");
            assert!(header(&first, "set-cookie").is_none(), "{path}");
            assert_eq!(
                header(&first, "cache-control").as_deref(),
                Some("public, max-age=0, s-maxage=60, stale-while-revalidate=300"),
                "{path}"
            );
            let etag = header(&first, "etag").expect("an ETag");
            let body = first.text().await.unwrap();
            let again = client
                .get(app.url(&path))
                .header("if-none-match", &etag)
                .send()
                .await
                .unwrap();
            assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
            assert_eq!(header(&again, "etag").as_deref(), Some(etag.as_str()));
            assert!(again.bytes().await.unwrap().is_empty());
            let other = client
                .get(app.url(&path))
                .header("if-none-match", "W/\"something-else\"")
                .send()
                .await
                .unwrap();
            assert_eq!(other.status(), StatusCode::OK, "{path}");
            assert_eq!(other.text().await.unwrap(), body, "{path}");
        }
        // A page with a form still gets the visitor cookie its CSRF token needs.
        let login = client.get(app.url("/login")).send().await.unwrap();
        assert!(header(&login, "set-cookie").is_some_and(|c| c.starts_with("cohort_visitor=")));
        // Signed-in pages are the visitor's own: no shared cache may keep them.
        let candidate = app.signed_in(Role::Recruiter).await;
        let page = candidate.get("/").await;
        assert_eq!(
            header(&page, "cache-control").as_deref(),
            Some("private, no-cache")
        );
        assert!(page.text().await.unwrap().contains("Sign out"));
    }
);

both!(
    a_kept_public_page_follows_a_new_opening_and_a_window_that_opens,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let board = |app: &TestApp| {
            let url = app.url("/");
            async move { reqwest::get(url).await.unwrap().text().await.unwrap() }
        };
        let before = board(&app).await;
        let future = format!("/openings/{}", season.future);
        let (_, page) = app.browser().get_text(&future).await;
        assert!(page.contains("Opens"), "{page}");

        // A recruiter adds an opening: the board shows it at once.
        let recruiter = app.signed_in(Role::Recruiter).await;
        let setup = format!("/staff/seasons/{}/setup", season.season_id);
        let first_id = |table: &'static str| {
            let sql = format!("SELECT MIN(id) FROM {table} WHERE season_id = $1");
            let reader = app.store().reader().clone();
            let season_id = season.season_id;
            async move {
                sqlx::query_scalar::<_, i64>(&sql)
                    .bind(season_id)
                    .fetch_one(&reader)
                    .await
                    .unwrap()
                    .to_string()
            }
        };
        let track = first_id("tracks").await;
        let location = first_id("locations").await;
        let now = app.state.now();
        let day = |offset: i64| {
            chrono::DateTime::from_timestamp(now + offset * 86_400, 0)
                .unwrap()
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        let response = recruiter
            .post_form(
                &setup,
                &format!("/staff/seasons/{}/openings", season.season_id),
                &[
                    ("title", "Kept Page Engineer Intern"),
                    ("track", &track),
                    ("location", &location),
                    ("headcount", "3"),
                    ("opens", &day(-1)),
                    ("closes", &day(30)),
                    ("description", "Fresh."),
                ],
            )
            .await;
        assert!(response.status().is_success() || response.status().is_redirection());
        let after = board(&app).await;
        assert!(!before.contains("Kept Page Engineer Intern"));
        assert!(after.contains("Kept Page Engineer Intern"), "{after}");

        // Time passes until the future opening's window opens: its page says so at once.
        app.state.clock().advance(11 * 86_400);
        let (_, page) = app.browser().get_text(&future).await;
        assert!(page.contains("Open until"), "{page}");
    }
);

both!(
    responses_are_compressed_and_assets_have_content_hashed_immutable_names,
    |app: TestApp| async move {
        let client = reqwest::Client::new();
        let (_, page) = app.browser().get_text("/login").await;
        let at = page.find("/static/app.").expect("the stylesheet link");
        let href = &page[at..at + page[at..].find('"').unwrap()];
        assert!(
            href.ends_with(".css") && href.len() > "/static/app..css".len() + 8,
            "{href}"
        );
        let asset = client.get(app.url(href)).send().await.unwrap();
        assert_eq!(asset.status(), StatusCode::OK);
        assert_eq!(
            header(&asset, "cache-control").as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        let plain = client.get(app.url("/static/app.css")).send().await.unwrap();
        assert_eq!(
            header(&plain, "cache-control").as_deref(),
            Some("public, max-age=300")
        );
        assert_eq!(
            client
                .get(app.url("/static/app.0000.css"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );
        for encoding in ["br", "gzip"] {
            let editor = client
                .get(app.url("/static/editor.js"))
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap();
            assert_eq!(
                header(&editor, "content-encoding").as_deref(),
                Some(encoding)
            );
            let compressed = editor.bytes().await.unwrap().len();
            assert!(compressed < 250_000, "{encoding}: {compressed} bytes");
        }
        let identity = client
            .get(app.url("/static/editor.js"))
            .send()
            .await
            .unwrap();
        assert!(header(&identity, "content-encoding").is_none());
        assert!(identity.bytes().await.unwrap().len() > 400_000);
    }
);
