use crate::both;
use crate::helpers::*;
use reqwest::StatusCode;

both!(
    a_candidate_signs_up_applies_with_a_pdf_and_sees_their_status,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (browser, email) = app.candidate("Ada Lovelace").await;
        let response = browser
            .apply(&ApplicationFields::new(
                season.season_id,
                vec![season.open[1], season.open[0]],
            ))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/me?notice=submitted");

        let (status, page) = browser.get_text("/me").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Application received"), "{page}");
        assert!(page.contains("Data Science Intern, London"));
        assert!(page.contains("University of Washington"));
        assert!(
            page.find("Data Science Intern, London").unwrap()
                < page.find("SDE Intern, Seattle").unwrap(),
            "ranked order is kept"
        );

        let id = own_application_id(&browser).await;
        let stored = app.store().application(id).await.unwrap();
        assert_eq!(stored.candidate_email, email);
        assert_eq!(stored.resume_kind, "pdf");
        assert_eq!(stored.resume_filename, "ada.pdf");
        let resume = browser.get(&format!("/me/applications/{id}/resume")).await;
        assert_eq!(resume.headers()["content-type"], "application/pdf");
        assert!(resume.bytes().await.unwrap().starts_with(b"%PDF-"));
        let queued = app.store().messages_to(&email).await.unwrap();
        let templates: Vec<&str> = queued.iter().map(|m| m.template.as_str()).collect();
        assert_eq!(templates, ["application_received", "confirm_email"]);
    }
);

both!(
    a_second_application_in_the_same_season_is_refused_and_the_first_is_unchanged,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (browser, _) = app.candidate("Grace Hopper").await;
        assert_eq!(
            browser
                .apply(&ApplicationFields::new(
                    season.season_id,
                    vec![season.open[0]]
                ))
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        let id = own_application_id(&browser).await;
        let before = app.store().application(id).await.unwrap();

        let csrf = browser.csrf("/me").await;
        let mut second = ApplicationFields::new(season.season_id, vec![season.open[1]]);
        second.school = "Somewhere Else".into();
        let response = browser.apply_with_csrf(&second, &csrf).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let page = response.text().await.unwrap();
        assert!(page.contains("You already applied to Summer 2027; one application per season. Your first application is unchanged."), "{page}");

        let after = app.store().application(id).await.unwrap();
        assert_eq!(after.school, before.school);
        assert_eq!(app.store().choices(id).await.unwrap().len(), 1);
        assert_eq!(app.count("applications").await, 1);
    }
);

both!(
    applying_outside_the_window_says_when_it_opens_or_that_it_closed_and_writes_nothing,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (browser, _) = app.candidate("Alan Turing").await;
        let response = browser
            .apply(&ApplicationFields::new(
                season.season_id,
                vec![season.future],
            ))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(
            page.contains("SDE Intern, London: Applications open on"),
            "{page}"
        );

        let response = browser
            .apply(&ApplicationFields::new(
                season.season_id,
                vec![season.closed],
            ))
            .await;
        let page = response.text().await.unwrap();
        assert!(
            page.contains("Data Science Intern, Seattle: Applications closed on"),
            "{page}"
        );
        assert_eq!(app.count("applications").await, 0);
        assert_eq!(app.count_mail_besides_confirmations().await, 0);
    }
);

both!(
    oversized_and_mistyped_resumes_are_refused_with_a_message_and_nothing_is_written,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (browser, _) = app.candidate("Barbara Liskov").await;
        let blobs_before = std::fs::read_dir(app.data_dir.path().join("blobs"))
            .unwrap()
            .count();

        let mut large = ApplicationFields::new(season.season_id, vec![season.open[0]]);
        large.resume = vec![b'a'; 5 * 1024 * 1024 + 10];
        let page = browser.apply(&large).await.text().await.unwrap();
        assert!(page.contains("the limit is 5 MB"), "{page}");
        assert!(
            page.contains("Barbara Liskov") || page.contains("name=\"school\""),
            "the form is shown again"
        );

        // A 12 MB file is read and dropped past 5 MB, and the form comes back with the reason.
        let mut big = ApplicationFields::new(season.season_id, vec![season.open[0]]);
        big.resume = vec![b'a'; 12 * 1024 * 1024];
        let response = browser.apply(&big).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("12.0 MB; the limit is 5 MB"));
        // Past 16 MB, the body is refused while it streams in, with the reason.
        // A client that reads the answer only after sending everything may instead see the
        // connection end; either way nothing is stored.
        let mut huge = ApplicationFields::new(season.season_id, vec![season.open[0]]);
        huge.resume = vec![b'a'; 17 * 1024 * 1024];
        let csrf = browser
            .csrf(&format!("/apply?season={}", season.season_id))
            .await;
        match browser.try_apply_with_csrf(&huge, &csrf).await {
            Ok(response) => {
                assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
                assert_eq!(
                    response.headers()["connection"],
                    "close",
                    "the rest is not read"
                );
                assert!(response.text().await.unwrap().contains("larger than 5 MB"));
            }
            Err(error) => assert!(error.is_request(), "{error}"),
        }
        assert_eq!(app.count("applications").await, 0);

        let mut executable = ApplicationFields::new(season.season_id, vec![season.open[0]]);
        executable.resume = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0];
        executable.resume_name = "resume.pdf".into();
        let response = browser.apply(&executable).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("The résumé must be a PDF, a Word document (.docx) or plain text; this file is none of these."), "{page}");

        let mut fake_pdf = ApplicationFields::new(season.season_id, vec![season.open[0]]);
        fake_pdf.resume = b"%PDF-1.7 this is not really a PDF".to_vec();
        let page = browser.apply(&fake_pdf).await.text().await.unwrap();
        assert!(page.contains("This PDF could not be read"), "{page}");

        assert_eq!(app.count("applications").await, 0);
        assert_eq!(
            std::fs::read_dir(app.data_dir.path().join("blobs"))
                .unwrap()
                .count(),
            blobs_before
        );
    }
);

both!(
    invalid_fields_are_reported_next_to_each_field_and_nothing_is_written,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (browser, _) = app.candidate("Edsger Dijkstra").await;
        let mut fields = ApplicationFields::new(season.season_id, vec![]);
        fields.school = "   ".into();
        fields.graduation = "soon".into();
        let response = browser.apply(&fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("Choose at least one opening."));
        assert!(page.contains("Enter your school."));
        assert!(page.contains("Enter your graduation month as YYYY-MM"));
        assert_eq!(app.count("applications").await, 0);
    }
);

both!(
    a_plain_text_resume_is_accepted_and_searchable,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (browser, _) = app.candidate("Katherine Johnson").await;
        let mut fields = ApplicationFields::new(season.season_id, vec![season.open[0]]);
        fields.resume = "Katherine Johnson\nOrbital mechanics, trajectory analysis"
            .as_bytes()
            .to_vec();
        fields.resume_name = "cv.exe".into();
        assert_eq!(browser.apply(&fields).await.status(), StatusCode::SEE_OTHER);
        let id = own_application_id(&browser).await;
        let stored = app.store().application(id).await.unwrap();
        assert_eq!(
            (stored.resume_kind.as_str(), stored.resume_filename.as_str()),
            ("text", "cv.txt")
        );
        app.run_jobs().await;
        let found = app
            .store()
            .board(&cohort_store::applications::BoardQuery {
                season_id: Some(season.season_id),
                text: Some("trajectory".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(found.total, 1);
    }
);

both!(
    a_candidate_can_withdraw_and_then_cannot_withdraw_again,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (browser, _) = app.candidate("Margaret Hamilton").await;
        browser
            .apply(&ApplicationFields::new(
                season.season_id,
                vec![season.open[0]],
            ))
            .await;
        let id = own_application_id(&browser).await;
        let response = browser
            .post_form("/me", &format!("/me/applications/{id}/withdraw"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, page) = browser.get_text("/me").await;
        assert!(page.contains("Withdrawn"));
        assert!(!page.contains("Withdraw application"), "the button is gone");
        let again = browser
            .post_form("/me", &format!("/me/applications/{id}/withdraw"), &[])
            .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert_eq!(app.store().history(id).await.unwrap().len(), 2);
    }
);

both!(
    the_job_board_filters_by_track_and_location_and_hides_closed_openings,
    |app: TestApp| async move {
        app.seed_season().await;
        let browser = app.browser();
        let (_, all) = browser.get_text("/").await;
        assert!(
            all.contains("SDE Intern, Seattle")
                && all.contains("Data Science Intern, London")
                && all.contains("SDE Intern, London")
        );
        assert!(
            !all.contains("Data Science Intern, Seattle"),
            "closed openings are not listed"
        );
        assert!(all.contains("Opens "), "future openings say when they open");
        let (_, filtered) = browser
            .get_text("/?track=Data+Science&location=London%2C+United+Kingdom")
            .await;
        assert!(filtered.contains("Data Science Intern, London"));
        assert!(!filtered.contains("SDE Intern, Seattle"));
    }
);

both!(
    an_openings_page_shows_its_window_in_the_visitors_time_zone_and_renders_markdown_safely,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let browser = app.browser();
        let (_, in_location_zone) = browser
            .get_text(&format!("/openings/{}", season.open[0]))
            .await;
        assert!(in_location_zone.contains("America/Los_Angeles"));
        assert!(in_location_zone.contains("<strong>things</strong>"));
        assert!(
            !in_location_zone.contains("<script>alert"),
            "scripts in descriptions are removed"
        );
        assert!(in_location_zone.contains("9,500 USD a month"));
        // An anonymous visitor's page is the one every anonymous visitor gets (a CDN keeps it),
        // so a cookie does not change it; the address can name a zone, and a signed-in
        // visitor's own page follows their cookie.
        let path = format!("/openings/{}", season.open[0]);
        let with_cookie = browser
            .client
            .get(browser.url(&path))
            .header("cookie", "tz=Asia/Tokyo")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(with_cookie.contains("America/Los_Angeles"));
        let (_, tokyo) = browser.get_text(&format!("{path}?tz=Asia/Tokyo")).await;
        assert!(tokyo.contains("Asia/Tokyo") && tokyo.contains("JST"));
        let (candidate, _) = app.candidate("Zone Person").await;
        candidate.set_cookie("tz=Asia/Tokyo; Path=/");
        let (_, signed_in) = candidate.get_text(&path).await;
        assert!(signed_in.contains("Asia/Tokyo") && signed_in.contains("JST"));
    }
);
