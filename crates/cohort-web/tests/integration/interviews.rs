//! Interviews as staff set them up: the company's competencies and the tracks' loop templates.

use crate::both;
use crate::helpers::*;
use cohort_app::interviews;
use cohort_domain::Role;
use reqwest::StatusCode;

/// The id of the competency called `name`.
async fn competency(app: &TestApp, name: &str) -> i64 {
    app.store()
        .competencies()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no competency {name}"))
        .id
}

both!(
    an_administrator_edits_the_competencies_and_bad_input_or_a_used_one_changes_nothing,
    |app: TestApp| async move {
        assert!(interviews::seed_competencies(app.state.app())
            .await
            .unwrap());
        assert!(!interviews::seed_competencies(app.state.app())
            .await
            .unwrap());
        let admin = app.signed_in(Role::Administrator).await;
        let (status, html) = admin.get_text("/admin/competencies").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Principles <span class=\"meta\">(16)</span>"),
            "{html}"
        );
        assert!(html.contains("Have Backbone; Disagree and Commit"));
        let before = app.count("competencies").await;

        // A name the list has already, in another case, and an empty name: nothing is added.
        for (name, message) in [
            (
                "frugality",
                "The list has a competency with this name already.",
            ),
            ("  ", "Give the competency a name."),
        ] {
            let response = admin
                .post_form(
                    "/admin/competencies",
                    "/admin/competencies",
                    &[("name", name), ("kind", "principle")],
                )
                .await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert!(response.text().await.unwrap().contains(message));
        }
        assert_eq!(app.count("competencies").await, before);

        let response = admin
            .post_form(
                "/admin/competencies",
                "/admin/competencies",
                &[
                    ("name", "Customer Empathy"),
                    ("kind", "principle"),
                    ("key", "1"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let added = competency(&app, "Customer Empathy").await;
        let record = |id| {
            let app = &app;
            async move {
                app.store()
                    .competencies()
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|c| c.id == id)
            }
        };
        assert_eq!(record(added).await.unwrap().key_principle, 1);

        // Renamed, no longer key; a blank name is refused and changes nothing.
        let path = format!("/admin/competencies/{added}");
        let response = admin
            .post_form("/admin/competencies", &path, &[("name", " Empathy ")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let renamed = record(added).await.unwrap();
        assert_eq!(
            (renamed.name.as_str(), renamed.key_principle),
            ("Empathy", 0)
        );
        let response = admin
            .post_form("/admin/competencies", &path, &[("name", "")])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(record(added).await.unwrap().name, "Empathy");

        // A principle a loop template assesses cannot be removed; an unused one can.
        let season = app.seed_season().await;
        let track = app.store().tracks(season.season_id).await.unwrap()[0].id;
        let form = cohort_domain::interviews::LoopTemplateForm {
            rows: vec![cohort_domain::interviews::InterviewRow {
                minutes: "60".into(),
                title: "Behavioural".into(),
                area: String::new(),
                principles: vec![added.to_string()],
                bar_raiser: true,
                coding_pad: false,
            }],
            max_gap_minutes: "10".into(),
            phone_screen_minutes: "45".into(),
            phone_screens: "1".into(),
        };
        let competencies: Vec<_> = app
            .store()
            .competencies()
            .await
            .unwrap()
            .iter()
            .map(|c| c.competency())
            .collect();
        let template = form.parse(&competencies).unwrap();
        interviews::save_loop_template(app.state.app(), season.season_id, track, &template)
            .await
            .unwrap();
        let response = admin
            .post_form(
                "/admin/competencies",
                &format!("/admin/competencies/{added}/delete"),
                &[],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Empathy is in use (1 in loop templates and interviewer training)"));
        assert!(record(added).await.is_some());
        // So can none an interviewer trains or is qualified in.
        let coach = app
            .create_account("coach@example.com", "Coach", &[Role::Interviewer])
            .await;
        let mut hours = vec![("09:00".to_owned(), "17:00".to_owned())];
        hours.resize(7, (String::new(), String::new()));
        let profile = cohort_domain::interviews::profile::ProfileForm {
            time_zone: "Europe/Dublin".into(),
            daily_cap: "2".into(),
            weekly_cap: "4".into(),
            hours,
            ..Default::default()
        }
        .parse()
        .unwrap();
        let dive = competency(&app, "Dive Deep").await;
        interviews::profiles::save_profile(app.state.app(), coach, &profile)
            .await
            .unwrap();
        interviews::profiles::set_training_state(
            app.state.app(),
            coach,
            dive,
            Some(cohort_domain::interviews::profile::TrainingState::Qualified),
        )
        .await
        .unwrap();
        let response = admin
            .post_form(
                "/admin/competencies",
                &format!("/admin/competencies/{dive}/delete"),
                &[],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(record(dive).await.is_some());
        let unused = competency(&app, "Frugality").await;
        let response = admin
            .post_form(
                "/admin/competencies",
                &format!("/admin/competencies/{unused}/delete"),
                &[],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(record(unused).await.is_none());
    }
);

both!(
    a_recruiter_saves_a_loop_template_sees_its_coverage_and_bad_input_saves_nothing,
    |app: TestApp| async move {
        interviews::seed_competencies(app.state.app())
            .await
            .unwrap();
        let season = app.seed_season().await;
        let tracks = app.store().tracks(season.season_id).await.unwrap();
        let software = tracks
            .iter()
            .find(|t| t.name == "Software Development")
            .unwrap()
            .id;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let page = format!("/staff/seasons/{}/interviews", season.season_id);
        let (status, html) = recruiter.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Suggested, not saved"), "{html}");
        assert!(html.contains("Coding: data structures"));

        let coding = competency(&app, "Coding").await.to_string();
        let obsession = competency(&app, "Customer Obsession").await.to_string();
        let ownership = competency(&app, "Ownership").await.to_string();
        let dive = competency(&app, "Dive Deep").await.to_string();
        let track = software.to_string();
        let post = |fields: Vec<(&'static str, String)>| {
            let recruiter = &recruiter;
            let page = page.clone();
            async move {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                recruiter.post_form(&page, &page, &fields).await
            }
        };
        let row = |minutes: &str, title: &str, area: &str, a: &str, b: &str| {
            vec![
                ("minutes", minutes.to_owned()),
                ("title", title.to_owned()),
                ("area", area.to_owned()),
                ("principle_a", a.to_owned()),
                ("principle_b", b.to_owned()),
            ]
        };
        let settings = |bar: &str| {
            vec![
                ("track", track.clone()),
                ("bar_raiser", bar.to_owned()),
                ("max_gap_minutes", "15".to_owned()),
                ("phone_screen_minutes", "45".to_owned()),
                ("phone_screens", "2".to_owned()),
            ]
        };

        // The same principle twice: refused with the reason, nothing saved.
        let mut fields = settings("2");
        fields.extend(row("60", "Coding", &coding, &dive, ""));
        fields.extend(row("45", "Bar raiser", "", &ownership, &dive));
        let response = post(fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Dive Deep is already assessed in interview 1; give each interview different principles."),
            "{html}"
        );
        assert!(app
            .store()
            .loop_templates(season.season_id)
            .await
            .unwrap()
            .is_empty());

        // A valid loop whose key principles are left to the bar raiser or to nobody; its first
        // interview is held in the coding pad (a box ticked by row number; a forged number for
        // a row that does not exist changes nothing).
        let mut fields = settings("2");
        fields.extend(row("60", "Coding", &coding, &dive, ""));
        fields.extend(row("45", "Bar raiser", "", &ownership, ""));
        fields.extend(row("", "", "", "", ""));
        fields.push(("coding_pad", "1".to_owned()));
        fields.push(("coding_pad", "9".to_owned()));
        let response = post(fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let saved = app.store().loop_templates(season.season_id).await.unwrap();
        assert_eq!(saved.len(), 1);
        let template = &saved[0].template;
        assert_eq!(template.interviews.len(), 2);
        assert_eq!(
            template
                .interviews
                .iter()
                .map(|i| i.coding_pad)
                .collect::<Vec<_>>(),
            [true, false]
        );
        let (_, html) = recruiter.get_text(&page).await;
        assert!(
            html.contains("name=\"coding_pad\" value=\"1\" aria-label=\"Interview 1 is held in the coding pad\" checked"),
            "the saved box shows ticked"
        );
        assert!(template.interviews[1].bar_raiser);
        assert_eq!((template.phone_screens, template.max_gap_minutes), (2, 15));
        let (_, html) = recruiter.get_text(&page).await;
        assert!(html.contains("Saved"));
        assert!(
            html.contains("Customer Obsession is a key principle, and no interview assesses it.")
        );
        assert!(html.contains("Ownership is a key principle, and only the bar raiser assesses it."));

        // Saving again replaces it; a bar raiser past the rows and a track of no season are
        // refused.
        let mut fields = settings("1");
        fields.extend(row("60", "Coding", &coding, &obsession, &ownership));
        assert_eq!(post(fields).await.status(), StatusCode::SEE_OTHER);
        let saved = app.store().loop_templates(season.season_id).await.unwrap();
        assert_eq!(saved[0].template.interviews.len(), 1);
        let mut fields = settings("9");
        fields.extend(row("60", "Coding", &coding, &dive, ""));
        assert_eq!(
            post(fields).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        let mut fields = settings("0");
        fields[0].1 = "999999".into();
        fields.extend(row("60", "Coding", &coding, &dive, ""));
        assert_eq!(post(fields).await.status(), StatusCode::NOT_FOUND);
        let saved = app.store().loop_templates(season.season_id).await.unwrap();
        assert_eq!(saved[0].template.interviews[0].title, "Coding");
        assert_eq!(saved[0].template.interviews[0].principles.len(), 2);
    }
);

/// The profile form's fields: a working week in `zone`, Monday to Friday 09:00-17:00.
fn profile_fields(zone: &str) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("time_zone", zone.to_owned()),
        ("meeting_link", "https://meet.example.com/room".to_owned()),
        ("daily_cap", "2".to_owned()),
        ("weekly_cap", "6".to_owned()),
        (
            "time_off",
            "2027-07-05\n2027-08-02 to 2027-08-06".to_owned(),
        ),
    ];
    for day in 0..7 {
        let (start, end) = if day < 5 {
            ("09:00", "17:00")
        } else {
            ("", "")
        };
        fields.push(("start", start.to_owned()));
        fields.push(("end", end.to_owned()));
    }
    fields
}

async fn post_fields(
    browser: &Browser,
    page: &str,
    action: &str,
    fields: &[(&'static str, String)],
) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post_form(page, action, &fields).await
}

both!(
    an_interviewer_keeps_their_own_profile_and_bad_input_saves_nothing,
    |app: TestApp| async move {
        let interviewer = app.signed_in(Role::Interviewer).await;
        let (status, html) = interviewer.get_text("/interviewer/profile").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Fill this in before anyone can book you."),
            "{html}"
        );

        let mut bad = profile_fields("Mars/Olympus");
        bad[2].1 = "0".into();
        bad.push(("start", "x".into()));
        let page = "/interviewer/profile";
        let response = post_fields(&interviewer, page, page, &bad).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("is not a time zone name"), "{html}");
        assert!(html.contains("Give between 1 and 8 interviews a day."));
        let everyone = app.store().interviewers().await.unwrap();
        assert!(everyone.iter().all(|i| i.profile.is_none()));

        let response = post_fields(&interviewer, page, page, &profile_fields("Asia/Kolkata")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let everyone = app.store().interviewers().await.unwrap();
        let profile = everyone[0].profile.clone().expect("saved");
        assert_eq!(profile.time_zone.name(), "Asia/Kolkata");
        assert_eq!(profile.hours.iter().flatten().count(), 5);
        assert_eq!(profile.time_off.len(), 2);
        assert_eq!(
            profile.meeting_link.as_deref(),
            Some("https://meet.example.com/room")
        );
        // Saving again replaces the hours and time off rather than adding to them.
        let mut fewer = profile_fields("Asia/Kolkata");
        fewer[4].1 = String::new();
        let response = post_fields(&interviewer, page, page, &fewer).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let everyone = app.store().interviewers().await.unwrap();
        assert!(everyone[0].profile.as_ref().unwrap().time_off.is_empty());
    }
);

both!(
    a_recruiter_sets_tracks_and_training_and_only_a_bar_raiser_signs_a_ready_trainee_off,
    |app: TestApp| async move {
        interviews::seed_competencies(app.state.app())
            .await
            .unwrap();
        let coding = competency(&app, "Coding").await;
        let trainee = app
            .create_account("trainee@example.com", "Tess Trainee", &[Role::Interviewer])
            .await;
        let raiser = app
            .create_account("raiser@example.com", "Bea Raiser", &[Role::Interviewer])
            .await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (status, html) = recruiter.get_text("/staff/interviewers").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Tess Trainee") && html.contains("No profile"),
            "{html}"
        );

        // Tracks need a profile first.
        let staffing = format!("/staff/interviewers/{trainee}/staffing");
        let page = format!("/staff/interviewers/{trainee}");
        let response = recruiter
            .post_form(&page, &staffing, &[("tracks", "Data Science")])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        for person in [trainee, raiser] {
            let page = format!("/staff/interviewers/{person}");
            let response =
                post_fields(&recruiter, &page, &page, &profile_fields("Europe/Dublin")).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
        }
        let response = recruiter
            .post_form(
                &page,
                &staffing,
                &[
                    ("tracks", "Data Science"),
                    ("tracks", "Software Development"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let raiser_page = format!("/staff/interviewers/{raiser}");
        let response = recruiter
            .post_form(
                &raiser_page,
                &format!("/staff/interviewers/{raiser}/staffing"),
                &[("bar_raiser", "1"), ("tracks", "Software Development")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let stored = app.store().interviewer(trainee).await.unwrap().unwrap();
        assert_eq!(stored.tracks, vec!["Data Science", "Software Development"]);
        assert!(!stored.bar_raiser);
        assert!(
            app.store()
                .interviewer(raiser)
                .await
                .unwrap()
                .unwrap()
                .bar_raiser
        );

        // Training starts as shadowing; a bar raiser cannot sign off before the interviews.
        let training = format!("/staff/interviewers/{trainee}/training");
        let coding_text = coding.to_string();
        let response = recruiter
            .post_form(
                &page,
                &training,
                &[("competency", &coding_text), ("state", "reverse_shadowing")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let bar_raiser = app.browser();
        bar_raiser.login("raiser@example.com", PASSWORD).await;
        let sign_off = format!("/interviewer/trainees/{trainee}/competencies/{coding}/sign-off");
        let response = bar_raiser
            .post_form("/interviewer/profile", &sign_off, &[])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Sign-off comes after 3 shadow and 2 reverse-shadow interviews"));

        // The trainee's interviews are done (as the loops will count them).
        let mut tx = app.store().begin().await.unwrap();
        let done = cohort_domain::interviews::profile::Training {
            state: cohort_domain::interviews::profile::TrainingState::ReverseShadowing,
            shadows: 3,
            reverse_shadows: 2,
        };
        cohort_store::Store::set_training(&mut tx, trainee, coding, Some(done), None)
            .await
            .unwrap();
        cohort_store::Store::commit(tx).await.unwrap();
        let (_, html) = bar_raiser.get_text("/interviewer/profile").await;
        assert!(
            html.contains("Ready for your sign-off") && html.contains("Tess Trainee"),
            "{html}"
        );
        // Another interviewer who is no bar raiser, and the trainee themselves, are refused.
        let other = app.signed_in(Role::Interviewer).await;
        let response = other
            .post_form("/interviewer/profile", &sign_off, &[])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = bar_raiser
            .post_form("/interviewer/profile", &sign_off, &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let stored = app.store().interviewer(trainee).await.unwrap().unwrap();
        assert!(stored.qualified_in(coding));
        let (_, html) = recruiter.get_text(&page).await;
        assert!(html.contains("Qualified"));
    }
);

/// Uploads `ics` as the signed-in interviewer's calendar.
async fn upload_calendar(browser: &Browser, ics: &str) -> reqwest::Response {
    let csrf = browser.csrf("/interviewer/profile").await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "calendar",
        reqwest::multipart::Part::bytes(ics.as_bytes().to_vec()).file_name("work.ics"),
    );
    browser
        .client
        .post(browser.url("/interviewer/calendar"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

both!(
    an_interviewer_uploads_a_calendar_whose_busy_times_are_shown_and_a_broken_one_is_refused_with_its_line,
    |app: TestApp| async move {
        let interviewer = app.signed_in(Role::Interviewer).await;
        let tomorrow = (app.state.clock().now_utc() + chrono::Duration::days(1))
            .format("%Y%m%d")
            .to_string();
        let valid = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:standup@test\r\n\
             DTSTAMP:20270101T000000Z\r\nDTSTART:{tomorrow}T160000Z\r\nDTEND:{tomorrow}T163000Z\r\n\
             RRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:Team standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        // A calendar needs a profile (its all-day events are read in the profile's zone).
        assert_eq!(upload_calendar(&interviewer, &valid).await.status(), StatusCode::CONFLICT);
        let page = "/interviewer/profile";
        let response = post_fields(&interviewer, page, page, &profile_fields("America/New_York")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        let broken = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let response = upload_calendar(&interviewer, broken).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("line 5"), "{html}");
        assert!(html.contains("Nothing was changed."));
        let user_id = app.store().interviewers().await.unwrap()[0].user_id;
        assert!(app.store().interviewer_calendar(user_id).await.unwrap().is_none());
        let too_large = "X".repeat(1024 * 1024 + 1);
        let response = upload_calendar(&interviewer, &too_large).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("larger than 1 MB"));

        let response = upload_calendar(&interviewer, &valid).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = interviewer.get_text(page).await;
        assert_eq!(html.matches("Team standup").count(), 3, "{html}");
        // 16:00 UTC is 11:00 or 12:00 in New York, whichever the date's offset is.
        assert!(html.contains("11:00–11:30") || html.contains("12:00–12:30"), "{html}");
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (_, html) = recruiter.get_text(&format!("/staff/interviewers/{user_id}")).await;
        assert_eq!(html.matches("Team standup").count(), 3);

        let response = interviewer
            .post_form(page, "/interviewer/calendar/delete", &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(app.store().interviewer_calendar(user_id).await.unwrap().is_none());
    }
);

both!(
    fifty_saves_of_one_loop_template_at_once_leave_exactly_one_whole_template,
    |app: TestApp| async move {
        interviews::seed_competencies(app.state.app())
            .await
            .unwrap();
        let season = app.seed_season().await;
        let track = app.store().tracks(season.season_id).await.unwrap()[0].id;
        let mut principles = Vec::new();
        for name in ["Customer Obsession", "Ownership", "Dive Deep"] {
            principles.push(competency(&app, name).await.to_string());
        }
        let recruiter = app.signed_in(Role::Recruiter).await;
        let page = format!("/staff/seasons/{}/interviews", season.season_id);
        let csrf = recruiter.csrf(&page).await;
        let url = recruiter.url(&page);
        let mut saves = Vec::new();
        for save in 0..50 {
            let mut form = vec![
                ("csrf".to_owned(), csrf.clone()),
                ("track".to_owned(), track.to_string()),
                ("bar_raiser".to_owned(), "1".to_owned()),
                ("max_gap_minutes".to_owned(), "10".to_owned()),
                ("phone_screen_minutes".to_owned(), "45".to_owned()),
                ("phone_screens".to_owned(), "1".to_owned()),
            ];
            // Each save has one to three interviews, titled after the save.
            for (row, principle) in principles.iter().take(save % 3 + 1).enumerate() {
                form.push(("minutes".into(), "45".into()));
                form.push(("title".into(), format!("Save {save} interview {row}")));
                form.push(("area".into(), String::new()));
                form.push(("principle_a".into(), principle.clone()));
                form.push(("principle_b".into(), String::new()));
            }
            let client = recruiter.client.clone();
            let url = url.clone();
            saves.push(tokio::spawn(async move {
                client.post(url).form(&form).send().await.unwrap().status()
            }));
        }
        for save in saves {
            assert_eq!(save.await.unwrap(), StatusCode::SEE_OTHER);
        }
        let saved = app.store().loop_templates(season.season_id).await.unwrap();
        assert_eq!(saved.len(), 1, "one template for the track");
        let interviews = &saved[0].template.interviews;
        assert!((1..=3).contains(&interviews.len()));
        // Every row comes from the same save: no save's rows mixed with another's.
        let save_of = |title: &str| title.split(' ').nth(1).unwrap().to_owned();
        let first = save_of(&interviews[0].title);
        for (row, interview) in interviews.iter().enumerate() {
            assert_eq!(save_of(&interview.title), first);
            assert_eq!(interview.title, format!("Save {first} interview {row}"));
            assert_eq!(interview.principles.len(), 1);
        }
        let number: usize = first.parse().unwrap();
        assert_eq!(interviews.len(), number % 3 + 1);
    }
);

/// Runs one statement on the write pool, as any writer (another node, an administrator's SQL)
/// would, with no part of the application in between.
async fn write_directly(app: &TestApp, sql: &str, id: i64) {
    sqlx::query(sql)
        .bind(id)
        .execute(app.store().writer())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn directory_version(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT version FROM interviewer_directory_version")
        .fetch_one(app.store().reader())
        .await
        .unwrap()
}

both!(
    the_copy_of_the_interviewer_directory_follows_every_change_to_its_tables_however_it_is_written,
    |app: TestApp| async move {
        let id = app
            .create_account(
                "ada@staff.cohort.test",
                "Ada Lovelace",
                &[Role::Interviewer],
            )
            .await;
        let store = app.store();
        let person = || async { store.interviewer(id).await.unwrap() };
        assert_eq!(person().await.unwrap().profile, None, "no profile yet");

        write_directly(
            &app,
            "INSERT INTO interviewer_profiles (user_id, time_zone, daily_cap, weekly_cap, updated_at) \
             VALUES ($1, 'Europe/Dublin', 2, 5, 0)",
            id,
        )
        .await;
        assert_eq!(person().await.unwrap().profile.unwrap().daily_cap, 2);

        write_directly(
            &app,
            "UPDATE interviewer_profiles SET daily_cap = 3 WHERE user_id = $1",
            id,
        )
        .await;
        assert_eq!(person().await.unwrap().profile.unwrap().daily_cap, 3);

        write_directly(
            &app,
            "INSERT INTO interviewer_hours (user_id, weekday, start_minute, end_minute) VALUES ($1, 0, 540, 1020)",
            id,
        )
        .await;
        let monday = person().await.unwrap().profile.unwrap().hours[0];
        assert_eq!(monday.map(|h| (h.start, h.end)), Some((540, 1020)));

        write_directly(
            &app,
            "INSERT INTO interviewer_time_off (user_id, first_day, last_day) VALUES ($1, '2027-01-04', '2027-01-08')",
            id,
        )
        .await;
        assert_eq!(person().await.unwrap().profile.unwrap().time_off.len(), 1);

        write_directly(
            &app,
            "INSERT INTO interviewer_tracks (user_id, track_name) VALUES ($1, 'Data Science')",
            id,
        )
        .await;
        assert_eq!(
            person().await.unwrap().tracks,
            vec!["Data Science".to_owned()]
        );

        write_directly(
            &app,
            "INSERT INTO competencies (name, kind, key_principle, position, created_at) \
             VALUES ('Statistics', 'technical', 0, $1, 0)",
            1,
        )
        .await;
        let statistics = competency(&app, "Statistics").await;
        write_directly(
            &app,
            &format!(
                "INSERT INTO interviewer_competencies (user_id, competency_id, state) \
                 VALUES ($1, {statistics}, 'qualified')"
            ),
            id,
        )
        .await;
        assert!(person().await.unwrap().qualified_in(statistics));

        write_directly(
            &app,
            "UPDATE competencies SET name = 'Applied statistics' WHERE id = $1",
            statistics,
        )
        .await;
        assert_eq!(competency(&app, "Applied statistics").await, statistics);

        write_directly(
            &app,
            "UPDATE users SET display_name = 'Augusta Ada King' WHERE id = $1",
            id,
        )
        .await;
        assert_eq!(person().await.unwrap().name, "Augusta Ada King");

        // A candidate's sign-up gives them a role too; that leaves the directory's copies be.
        let before = directory_version(&app).await;
        app.candidate("Grace Hopper").await;
        assert_eq!(
            directory_version(&app).await,
            before,
            "a sign-up is not a change of interviewers"
        );

        write_directly(
            &app,
            "DELETE FROM user_roles WHERE user_id = $1 AND role = 'interviewer'",
            id,
        )
        .await;
        assert_eq!(person().await, None, "no longer an interviewer");
    }
);
