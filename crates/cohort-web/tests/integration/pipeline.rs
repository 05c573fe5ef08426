use crate::both;
use crate::helpers::*;
use cohort_domain::Role;
use reqwest::StatusCode;

/// A candidate who has applied; returns their browser, email and application id.
async fn applicant(app: &TestApp, season: &SeasonFixture, name: &str) -> (Browser, String, i64) {
    let (browser, email) = app.candidate(name).await;
    let mut fields = ApplicationFields::new(season.season_id, vec![season.open[0]]);
    fields.resume = pdf_resume(&format!("{name} distributed systems"));
    assert_eq!(browser.apply(&fields).await.status(), StatusCode::SEE_OTHER);
    let id = own_application_id(&browser).await;
    (browser, email, id)
}

both!(
    a_recruiter_finds_a_candidate_by_search_moves_them_and_the_candidate_sees_the_new_stage,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (candidate, email, id) = applicant(&app, &season, "Ada Lovelace").await;
        applicant(&app, &season, "Grace Hopper").await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        assert_eq!(
            app.run_jobs().await,
            2,
            "each application queued one index job"
        );

        let (status, board) = recruiter
            .get_text(&format!("/staff/seasons/{}?q=lovelace", season.season_id))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            board.contains("Ada Lovelace") && !board.contains("Grace Hopper"),
            "search narrows the board"
        );
        assert!(board.contains("1 application<"));

        let detail = format!("/staff/applications/{id}");
        for to in ["screening", "assessment"] {
            let response = recruiter
                .post_form(&detail, &format!("{detail}/transition"), &[("to", to)])
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "moving to {to}");
        }
        let (_, status_page) = candidate.get_text("/me").await;
        assert!(
            status_page.contains("Online coding assessment"),
            "{status_page}"
        );
        let history = app.store().history(id).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| h.to_stage.as_str())
                .collect::<Vec<_>>(),
            ["applied", "screening", "assessment"]
        );
        assert!(history[2]
            .actor_name
            .as_deref()
            .unwrap()
            .starts_with("Test Recruiter"));
        let messages = app.store().messages_to(&email).await.unwrap();
        assert_eq!(
            messages[0].subject,
            "Your Summer 2027 application: Online coding assessment"
        );
    }
);

both!(
    a_move_the_rules_do_not_allow_is_refused_and_the_log_is_unchanged,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (_, _, id) = applicant(&app, &season, "Alan Turing").await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let detail = format!("/staff/applications/{id}");
        let response = recruiter
            .post_form(&detail, &format!("{detail}/transition"), &[("to", "offer")])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("An application cannot move from Applied to Offer."));
        let rejected_without_reason = recruiter
            .post_form(
                &detail,
                &format!("{detail}/transition"),
                &[("to", "rejected")],
            )
            .await;
        assert_eq!(rejected_without_reason.status(), StatusCode::CONFLICT);
        assert!(rejected_without_reason
            .text()
            .await
            .unwrap()
            .contains("A rejection needs a reason."));
        assert_eq!(app.store().application(id).await.unwrap().stage, "applied");
        assert_eq!(app.store().history(id).await.unwrap().len(), 1);
        assert_eq!(
            app.count_mail_besides_confirmations().await,
            1,
            "only the confirmation of the application"
        );
    }
);

both!(
    a_hiring_manager_cannot_screen_but_can_decide_after_the_debrief,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (_, _, id) = applicant(&app, &season, "Barbara Liskov").await;
        let manager = app.signed_in(Role::HiringManager).await;
        let detail = format!("/staff/applications/{id}");
        let response = manager
            .post_form(
                &detail,
                &format!("{detail}/transition"),
                &[("to", "screening")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.store().application(id).await.unwrap().stage, "applied");
    }
);

both!(
    bulk_rejection_needs_a_reason_moves_each_selected_application_and_notifies_each_candidate,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (_, first_email, first) = applicant(&app, &season, "Edsger Dijkstra").await;
        let (_, second_email, second) = applicant(&app, &season, "Donald Knuth").await;
        let (_, _, untouched) = applicant(&app, &season, "Frances Allen").await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let board = format!("/staff/seasons/{}", season.season_id);
        let bulk = format!("{board}/bulk");
        let (first_id, second_id) = (first.to_string(), second.to_string());

        let no_reason = recruiter
            .post_form(
                &board,
                &bulk,
                &[
                    ("ids", &first_id),
                    ("ids", &second_id),
                    ("action", "rejected"),
                ],
            )
            .await;
        assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            app.store().application(first).await.unwrap().stage,
            "applied"
        );

        let response = recruiter
            .post_form(
                &board,
                &bulk,
                &[
                    ("ids", &first_id),
                    ("ids", &second_id),
                    ("action", "rejected"),
                    ("reason_code", "position_filled"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("moved=2&skipped=0"));
        for (id, email) in [(first, &first_email), (second, &second_email)] {
            assert_eq!(app.store().application(id).await.unwrap().stage, "rejected");
            let history = app.store().history(id).await.unwrap();
            assert_eq!(
                history.last().unwrap().reason_code.as_deref(),
                Some("position_filled")
            );
            assert_eq!(
                app.store().messages_to(email).await.unwrap()[0].template,
                "rejected"
            );
        }
        assert_eq!(
            app.store().application(untouched).await.unwrap().stage,
            "applied"
        );

        let again = recruiter
            .post_form(
                &board,
                &bulk,
                &[
                    ("ids", &first_id),
                    ("ids", &untouched.to_string()),
                    ("action", "screening"),
                ],
            )
            .await;
        assert!(
            again.headers()["location"]
                .to_str()
                .unwrap()
                .contains("moved=1&skipped=1"),
            "a rejected application stays rejected"
        );
    }
);

both!(
    internal_notes_and_rejection_reasons_never_reach_the_candidate,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (candidate, _, id) = applicant(&app, &season, "Hedy Lamarr").await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let detail = format!("/staff/applications/{id}");
        recruiter
            .post_form(
                &detail,
                &format!("{detail}/notes"),
                &[("body", "Strong on systems; weak on SQL")],
            )
            .await;
        recruiter
            .post_form(
                &detail,
                &format!("{detail}/transition"),
                &[
                    ("to", "rejected"),
                    ("reason_code", "interview_performance"),
                    ("reason", "secret reason text"),
                ],
            )
            .await;
        let (_, staff_view) = recruiter.get_text(&detail).await;
        assert!(
            staff_view.contains("Strong on systems; weak on SQL")
                && staff_view.contains("secret reason text")
        );
        let (_, candidate_view) = candidate.get_text("/me").await;
        assert!(candidate_view.contains("Not moving forward"));
        for hidden in [
            "Strong on systems",
            "secret reason text",
            "Interview performance",
            "Test Recruiter",
        ] {
            assert!(
                !candidate_view.contains(hidden),
                "the candidate must not see {hidden:?}"
            );
        }
    }
);

both!(
    the_audit_log_is_append_only_in_the_database_itself,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let (_, _, id) = applicant(&app, &season, "Radia Perlman").await;
        let update = sqlx::query(
            "UPDATE stage_transitions SET reason = 'rewritten' WHERE application_id = $1",
        )
        .bind(id)
        .execute(app.store().reader())
        .await;
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let delete = sqlx::query("DELETE FROM stage_transitions WHERE application_id = $1")
            .bind(id)
            .execute(app.store().reader())
            .await;
        assert!(delete.unwrap_err().to_string().contains("append-only"));
        assert_eq!(
            app.store().history(id).await.unwrap()[0].reason,
            "Application submitted"
        );
    }
);

both!(
    the_board_filters_by_stage_school_language_and_year_and_pages,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        for index in 0..3 {
            applicant(&app, &season, &format!("Student Number{index}")).await;
        }
        let recruiter = app.signed_in(Role::Recruiter).await;
        let base = format!("/staff/seasons/{}", season.season_id);
        let count = |html: &str| html.split("name=\"ids\"").count() - 1;
        assert_eq!(count(&recruiter.get_text(&base).await.1), 3);
        assert_eq!(
            count(
                &recruiter
                    .get_text(&format!(
                        "{base}?school=washington&language=python&year=2028"
                    ))
                    .await
                    .1
            ),
            3
        );
        assert_eq!(
            count(
                &recruiter
                    .get_text(&format!("{base}?language=cobol"))
                    .await
                    .1
            ),
            0
        );
        assert_eq!(
            count(&recruiter.get_text(&format!("{base}?year=2031")).await.1),
            0
        );
        assert_eq!(
            count(
                &recruiter
                    .get_text(&format!("{base}?stage=screening"))
                    .await
                    .1
            ),
            0
        );
        assert_eq!(
            count(
                &recruiter
                    .get_text(&format!("{base}?school=wash+univ"))
                    .await
                    .1
            ),
            3,
            "school words match as prefixes"
        );
        assert_eq!(
            count(
                &recruiter
                    .get_text(&format!("{base}?school=ASHINGT"))
                    .await
                    .1
            ),
            3,
            "school words match anywhere in the name, whatever the case"
        );
        assert_eq!(
            count(
                &recruiter
                    .get_text(&format!("{base}?school=harvard"))
                    .await
                    .1
            ),
            0
        );
        assert_eq!(
            count(
                &recruiter
                    .get_text(&format!("{base}?language=PYTHON"))
                    .await
                    .1
            ),
            3,
            "languages match in any case"
        );
        let (_, by_opening) = recruiter
            .get_text(&format!("{base}?opening={}", season.open[1]))
            .await;
        assert_eq!(count(&by_opening), 0);
    }
);

both!(
    a_recruiter_sets_up_a_season_with_a_location_pay_band_and_opening,
    |app: TestApp| async move {
        let recruiter = app.signed_in(Role::Recruiter).await;
        let response = recruiter
            .post_form(
                "/staff",
                "/staff/seasons",
                &[("name", "Winter 2028"), ("program_start", "2028-01-10")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let setup = response.headers()["location"].to_str().unwrap().to_owned();
        let season_id: i64 = setup.split('/').nth(3).unwrap().parse().unwrap();
        let season = app.store().season(season_id).await.unwrap();
        assert_eq!(season.program_end, "2028-04-02", "twelve weeks by default");
        assert_eq!(app.store().tracks(season_id).await.unwrap().len(), 5);

        let bad_zone = recruiter
            .post_form(
                &setup,
                &format!("/staff/seasons/{season_id}/locations"),
                &[
                    ("city", "Berlin"),
                    ("country", "Germany"),
                    ("time_zone", "Mars/Olympus"),
                ],
            )
            .await;
        assert_eq!(bad_zone.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_zone
            .text()
            .await
            .unwrap()
            .contains("is not a time zone name"));
        recruiter
            .post_form(
                &setup,
                &format!("/staff/seasons/{season_id}/locations"),
                &[
                    ("city", "Berlin"),
                    ("country", "Germany"),
                    ("time_zone", "Europe/Berlin"),
                ],
            )
            .await;
        let location = app.store().locations(season_id).await.unwrap()[0]
            .id
            .to_string();
        let track = app.store().tracks(season_id).await.unwrap()[0]
            .id
            .to_string();
        let band = recruiter
            .post_form(
                &setup,
                &format!("/staff/seasons/{season_id}/pay-bands"),
                &[
                    ("track", &track),
                    ("location", &location),
                    ("monthly_pay", "4,200"),
                    ("housing_stipend", "1000"),
                    ("relocation", "1500"),
                    ("currency", "eur"),
                ],
            )
            .await;
        assert_eq!(band.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.store().pay_bands(season_id).await.unwrap()[0].monthly_pay_minor,
            420_000
        );

        let backwards = recruiter
            .post_form(
                &setup,
                &format!("/staff/seasons/{season_id}/openings"),
                &[
                    ("track", &track),
                    ("location", &location),
                    ("title", "SDE Intern"),
                    ("headcount", "3"),
                    ("opens", "2027-10-01T09:00"),
                    ("closes", "2027-09-01T09:00"),
                ],
            )
            .await;
        assert_eq!(backwards.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(backwards
            .text()
            .await
            .unwrap()
            .contains("The application window must close after it opens."));
        let created = recruiter
            .post_form(
                &setup,
                &format!("/staff/seasons/{season_id}/openings"),
                &[
                    ("track", &track),
                    ("location", &location),
                    ("title", "SDE Intern"),
                    ("headcount", "3"),
                    ("opens", "2027-09-01T09:00"),
                    ("closes", "2027-10-01T17:00"),
                    ("description", "Build *things*"),
                ],
            )
            .await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER);
        let openings = app
            .store()
            .openings(&cohort_store::seasons::OpeningFilter {
                season_id: Some(season_id),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(openings.len(), 1);
        assert_eq!(
            openings[0].opens_at,
            chrono::DateTime::parse_from_rfc3339("2027-09-01T07:00:00Z")
                .unwrap()
                .timestamp(),
            "09:00 in Berlin summer time"
        );
    }
);

both!(
    a_board_past_250_matches_agrees_with_the_stage_counts_and_pages_forward,
    |app: TestApp| async move {
        let hash = cohort_web::auth::hash_password(PASSWORD).unwrap();
        let mut options = cohort_demo::DemoOptions::new(app.state.now());
        options.candidates = 300;
        options.pdf_every = 0;
        options.spread_stages = false;
        let season = cohort_demo::ensure_demo(app.state.app(), &options, &hash)
            .await
            .unwrap();
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (_, first) = recruiter
            .get_text(&format!("/staff/seasons/{}", season.season_id))
            .await;
        // Unfiltered, the list's total is the stage counts' exact figure, not "more than 250".
        assert!(
            first.contains("300 applications · page 1 of 6"),
            "the list agrees with the counts"
        );
        assert!(first.contains("rel=\"next\""));
        let (_, applied) = recruiter
            .get_text(&format!(
                "/staff/seasons/{}?stage=applied",
                season.season_id
            ))
            .await;
        let count = &applied[applied.find("class=\"count\"").unwrap()..][..80];
        assert!(
            !count.contains("More than") && count.contains(" applications · page 1 of "),
            "a stage alone is exact too: {count}"
        );
        let (_, page_6) = recruiter
            .get_text(&format!("/staff/seasons/{}?page=6", season.season_id))
            .await;
        assert_eq!(
            page_6.split("name=\"ids\"").count() - 1,
            50,
            "the 6th page exists"
        );
        assert!(
            !page_6.contains("rel=\"next\""),
            "the exact total says page 6 is the last"
        );
        let (_, last) = recruiter
            .get_text(&format!("/staff/seasons/{}?page=7", season.season_id))
            .await;
        assert_eq!(
            last.split("name=\"ids\"").count() - 1,
            0,
            "300 applications fill 6 pages"
        );
        let (_, in_stage) = recruiter
            .get_text(&format!(
                "/staff/seasons/{}?stage=applied&q=zzzz",
                season.season_id
            ))
            .await;
        assert!(in_stage.contains("0 applications"));
    }
);

both!(
    tracks_can_be_added_and_renamed_but_not_to_a_name_the_season_already_has,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let setup = format!("/staff/seasons/{}/setup", season.season_id);
        let added = recruiter
            .post_form(
                &setup,
                &format!("/staff/seasons/{}/tracks", season.season_id),
                &[("name", "Product Management")],
            )
            .await;
        assert_eq!(added.status(), StatusCode::SEE_OTHER);
        let tracks = app.store().tracks(season.season_id).await.unwrap();
        assert_eq!(tracks.len(), 3);
        let duplicate = recruiter
            .post_form(
                &setup,
                &format!("/staff/tracks/{}", tracks[0].id),
                &[("name", "Data Science")],
            )
            .await;
        assert_eq!(duplicate.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(duplicate
            .text()
            .await
            .unwrap()
            .contains("This season already has a track with that name."));
        let renamed = recruiter
            .post_form(
                &setup,
                &format!("/staff/tracks/{}", tracks[0].id),
                &[("name", "Software Engineering")],
            )
            .await;
        assert_eq!(renamed.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.store().track(tracks[0].id).await.unwrap().name,
            "Software Engineering"
        );
    }
);

both!(
    a_recruiter_edits_a_published_opening_and_the_board_shows_it_at_once,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let opening = season.open[0];
        let recruiter = app.signed_in(Role::Recruiter).await;
        let edit = format!("/staff/openings/{opening}/edit");
        let (status, form) = recruiter.get_text(&edit).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            form.contains("name=\"opens\" type=\"datetime-local\" value=\"20"),
            "{form}"
        );
        let before = app.store().opening(opening).await.unwrap();
        // Bad input changes nothing.
        let refused = recruiter
            .post_form(
                &edit,
                &edit,
                &[
                    ("title", ""),
                    ("headcount", "-3"),
                    ("opens", "2027-02-01T09:00"),
                    ("closes", "2027-01-01T09:00"),
                    ("description", "x"),
                ],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            app.store().opening(opening).await.unwrap().title,
            before.title
        );
        let saved = recruiter
            .post_form(
                &edit,
                &edit,
                &[
                    ("title", "Edited Intern Title"),
                    ("headcount", "7"),
                    ("opens", "2026-01-01T09:00"),
                    ("closes", "2030-01-01T17:00"),
                    ("description", "Now with **more**."),
                ],
            )
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let after = app.store().opening(opening).await.unwrap();
        assert_eq!(
            (after.title.as_str(), after.headcount),
            ("Edited Intern Title", 7)
        );
        assert_eq!(after.track_id, before.track_id);
        let (_, board) = app.browser().get_text("/").await;
        assert!(board.contains("Edited Intern Title"), "{board}");
        // Other roles cannot edit.
        let interviewer = app.signed_in(Role::Interviewer).await;
        assert_eq!(interviewer.get(&edit).await.status(), StatusCode::FORBIDDEN);
        let (candidate, _) = app.candidate("Not Staff").await;
        assert_eq!(candidate.get(&edit).await.status(), StatusCode::FORBIDDEN);
        // The setup page is split into sections.
        let (_, setup) = recruiter
            .get_text(&format!(
                "/staff/seasons/{}/setup?section=pay",
                season.season_id
            ))
            .await;
        assert!(setup.contains("Pay bands</h2>") && !setup.contains("Publish opening"));
    }
);

both!(
    the_board_shows_assessment_scores_sorts_by_them_and_previews_the_resume,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let mut ids = Vec::new();
        for (name, percent) in [
            ("Low Score", Some(35.0)),
            ("No Score", None),
            ("High Score", Some(92.6)),
        ] {
            let (browser, _) = app.candidate(name).await;
            browser
                .apply(&ApplicationFields::new(
                    season.season_id,
                    vec![season.open[0]],
                ))
                .await;
            let id = own_application_id(&browser).await;
            if let Some(percent) = percent {
                sqlx::query("UPDATE applications SET assessment_percent = $1 WHERE id = $2")
                    .bind(percent)
                    .bind(id)
                    .execute(app.store().writer())
                    .await
                    .unwrap();
            }
            ids.push(id);
        }
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (_, board) = recruiter
            .get_text(&format!("/staff/seasons/{}?sort=score", season.season_id))
            .await;
        let at = |name: &str| board.find(name).unwrap_or_else(|| panic!("{name} listed"));
        assert!(at("High Score") < at("Low Score") && at("Low Score") < at("No Score"));
        assert!(board.contains("93 %") && board.contains("35 %"), "{board}");
        assert!(board.contains("Assessment score"), "the sort is offered");

        let (_, detail) = recruiter
            .get_text(&format!("/staff/applications/{}", ids[0]))
            .await;
        assert!(
            detail.contains("resume?inline=1"),
            "the PDF is shown in the page"
        );
        assert!(detail.contains("Text read from the résumé"));
        let inline = recruiter
            .get(&format!("/staff/applications/{}/resume?inline=1", ids[0]))
            .await;
        assert_eq!(inline.headers()["content-disposition"], "inline");
        assert!(inline.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'self'"));
        // Candidates and interviewers cannot see it.
        let interviewer = app.signed_in(Role::Interviewer).await;
        assert_eq!(
            interviewer
                .get(&format!("/staff/applications/{}/resume?inline=1", ids[0]))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
    }
);
