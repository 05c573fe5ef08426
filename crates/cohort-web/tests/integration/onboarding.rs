//! Onboarding: accepting an offer makes the candidate an intern with their track's checklist,
//! due from their start date; each task is done by its owner with what its kind asks; overdue
//! tasks remind their owners; orientation sessions reach interns' calendars; and identity
//! providers read the accepted interns over SCIM (checked with the `scim2-client` library from
//! PyPI) or as CSV.

use crate::both;
use crate::helpers::*;
use crate::offers::{act, at_offer, draft, in_days, offer_state, seen_letter, staff, terms, Staff};
use crate::phone_screens::all_at_once_responses;
use cohort_domain::Role;
use reqwest::StatusCode;

/// A candidate who accepted an offer starting on `start`; returns their browser, email and the
/// offer's id.
async fn intern(
    app: &TestApp,
    staff: &Staff,
    season: &SeasonFixture,
    name: &str,
    start: &str,
) -> (Browser, String, i64) {
    let hired = at_offer(app, season.season_id, season.open[0], name).await;
    let mut fields = terms(season.open[0], "9500", &in_days(app, 3));
    fields[1].1 = start.to_owned();
    fields[2].1 = "2027-08-23".to_owned();
    let id = draft(&staff.recruiter, hired.application_id, &fields).await;
    act(app, &staff.recruiter, id, "submit", &[]).await;
    act(
        app,
        &staff.manager,
        id,
        "decide",
        &[("decision", "approve")],
    )
    .await;
    act(app, &staff.recruiter, id, "send", &[]).await;
    let letter = seen_letter(&hired.browser, id).await;
    let response = hired
        .browser
        .post_form(
            &format!("/offers/{id}"),
            &format!("/offers/{id}/accept"),
            &[("letter", &letter), ("signature", name)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "accepting");
    assert_eq!(offer_state(app, id).await.0, "accepted");
    (hired.browser, hired.email, id)
}

async fn task_id(app: &TestApp, offer: i64, title: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM onboarding_tasks WHERE offer_id = $1 AND title = $2")
        .bind(offer)
        .bind(title)
        .fetch_one(app.store().reader())
        .await
        .unwrap()
}

/// Posts a task's multipart form, with `answer` or a `file`.
async fn do_task(
    browser: &Browser,
    page: &str,
    task: i64,
    answer: Option<&str>,
    file: Option<Vec<u8>>,
) -> reqwest::Response {
    let csrf = browser.csrf(page).await;
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf);
    if let Some(answer) = answer {
        form = form.text("answer", answer.to_owned());
    }
    if let Some(bytes) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("w4.pdf"),
        );
    }
    browser
        .client
        .post(browser.url(&format!("/onboarding/tasks/{task}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

both!(
    accepting_gives_the_intern_their_tracks_checklist_and_each_task_is_done_by_its_owner_once,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let (intern_browser, email, offer) =
            intern(&app, &staff, &season, "Ada Lovelace", "2027-06-07").await;
        // The default checklist, due from the start date.
        let tasks: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT title, owner, due_date FROM onboarding_tasks WHERE offer_id = $1 ORDER BY position",
        )
        .bind(offer)
        .fetch_all(app.store().reader())
        .await
        .unwrap();
        assert_eq!(
            tasks.len(),
            cohort_domain::onboarding::default_template().len()
        );
        assert!(tasks.contains(&(
            "Choose your housing".into(),
            "intern".into(),
            "2027-05-10".into()
        )));
        assert!(tasks.contains(&(
            "Security training".into(),
            "intern".into(),
            "2027-06-09".into()
        )));
        // The same person, now an intern, lands on their checklist.
        let intern_id = app.store().user_by_email(&email).await.unwrap().unwrap().id;
        assert!(app
            .store()
            .roles_of(intern_id)
            .await
            .unwrap()
            .contains(&Role::Intern));
        let (status, html) = intern_browser.get_text("/onboarding").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Welcome, Ada Lovelace") && html.contains("0 of 9 tasks done"),
            "{html}"
        );

        // A form takes an answer; an empty one is refused and changes nothing.
        let housing = task_id(&app, offer, "Choose your housing").await;
        let response = do_task(&intern_browser, "/onboarding", housing, Some("  "), None).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = do_task(
            &intern_browser,
            "/onboarding",
            housing,
            Some("Corporate housing, 6 June to 24 August."),
            None,
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        // An upload takes a PDF only.
        let tax = task_id(&app, offer, "Tax and payroll forms").await;
        let response = do_task(
            &intern_browser,
            "/onboarding",
            tax,
            None,
            Some(b"GIF89a not a pdf".to_vec()),
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Upload the document as a PDF."));
        let pdf = pdf_resume("W-4 Ada Lovelace");
        let response = do_task(&intern_browser, "/onboarding", tax, None, Some(pdf.clone())).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let file = intern_browser
            .get(&format!("/onboarding/tasks/{tax}/file"))
            .await;
        assert_eq!(file.status(), StatusCode::OK);
        assert_eq!(file.bytes().await.unwrap().to_vec(), pdf);
        // A training is confirmed, once: fifty confirmations at once record one.
        let training = task_id(&app, offer, "Security training").await;
        let csrf = intern_browser.csrf("/onboarding").await;
        let requests = (0..50)
            .map(|_| {
                intern_browser
                    .client
                    .post(intern_browser.url(&format!("/onboarding/tasks/{training}")))
                    .multipart(reqwest::multipart::Form::new().text("csrf", csrf.clone()))
            })
            .collect();
        let responses = all_at_once_responses(requests).await;
        assert_eq!(
            responses
                .iter()
                .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
                .count(),
            1,
            "{responses:?}"
        );
        assert!(responses
            .iter()
            .all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT));

        // Tasks of others: the intern may not do IT's; a recruiter may; the manager's is for
        // the track's hiring manager, not another one.
        let accounts = task_id(&app, offer, "Create accounts and tool access").await;
        let response = do_task(&intern_browser, "/onboarding", accounts, None, None).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let staff_page = format!("/staff/onboarding/{offer}");
        let response = do_task(&staff.recruiter, &staff_page, accounts, None, None).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let welcome = task_id(&app, offer, "Welcome your intern").await;
        let response = do_task(
            &staff.other_manager,
            &staff_page,
            welcome,
            Some("Met them."),
            None,
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = do_task(
            &staff.manager,
            &staff_page,
            welcome,
            Some("Lunch with the team on day one."),
            None,
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        // Who sees what.
        assert_eq!(
            staff.interviewer.get(&staff_page).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            intern_browser.get(&staff_page).await.status(),
            StatusCode::FORBIDDEN
        );
        let (stranger, _) = app.candidate("Grace Hopper").await;
        assert_eq!(
            stranger
                .get(&format!("/onboarding/tasks/{tax}/file"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        let response = do_task(&stranger, "/me", housing, Some("mine"), None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let (_, html) = stranger.get_text("/onboarding").await;
        assert!(html.contains("appears here once you accept an offer"));
        let cohort = format!("/staff/seasons/{}/onboarding", season.season_id);
        let (status, html) = staff.manager.get_text(&cohort).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Ada Lovelace") && html.contains("5 of 9 tasks done"),
            "{html}"
        );
        assert_eq!(
            staff.interviewer.get(&cohort).await.status(),
            StatusCode::FORBIDDEN
        );
        // Reopening, by its owner only.
        let response = staff
            .recruiter
            .post_form(
                &staff_page,
                &format!("/onboarding/tasks/{housing}/reopen"),
                &[],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = intern_browser
            .post_form(
                "/onboarding",
                &format!("/onboarding/tasks/{housing}/reopen"),
                &[],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = intern_browser.get_text("/onboarding").await;
        assert!(html.contains("4 of 9 tasks done"));
    }
);

both!(
    an_overdue_task_reminds_its_owner_at_the_end_of_its_due_day_and_a_done_one_stays_quiet,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let start = in_days(&app, 10);
        let (browser, email, offer) = intern(&app, &staff, &season, "Ada Lovelace", &start).await;
        let shipping = task_id(&app, offer, "Equipment shipping address").await;
        do_task(
            &browser,
            "/onboarding",
            shipping,
            Some("1 Main St, Seattle"),
            None,
        )
        .await;
        // Housing was due 28 days before the start: it is overdue already, but a late acceptance
        // gets a day's grace before reminders.
        app.run_jobs().await;
        assert!(app
            .store()
            .messages_to(&email)
            .await
            .unwrap()
            .iter()
            .all(|m| m.template != "onboarding_task_overdue"));
        app.state
            .app()
            .clock()
            .advance(cohort_app::onboarding::GRACE_SECONDS + 1);
        app.run_jobs().await;
        let to_intern = |template: &'static str| {
            let email = email.clone();
            let store = app.store().clone();
            async move {
                store
                    .messages_to(&email)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|m| m.template == template)
                    .map(|m| m.subject)
                    .collect::<Vec<_>>()
            }
        };
        let overdue = to_intern("onboarding_task_overdue").await;
        assert!(
            overdue.contains(&"Overdue: Choose your housing".to_owned()),
            "{overdue:?}"
        );
        assert!(
            !overdue.iter().any(|s| s.contains("Equipment")),
            "a done task reminds nobody"
        );
        // Fifteen days on, IT's tasks (due five days before the start) remind administrators.
        app.state.app().clock().advance(14 * 86_400);
        app.run_jobs().await;
        let it: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE template = 'onboarding_task_overdue' AND subject = 'Overdue for Ada Lovelace: Create accounts and tool access'")
            .fetch_one(app.store().reader()).await.unwrap();
        let admins = app
            .store()
            .contacts_with_role("administrator", None)
            .await
            .unwrap()
            .len() as i64;
        assert_eq!(it, admins);
        // Running the jobs again sends nothing more.
        let before = app.count("outbox").await;
        app.run_jobs().await;
        assert_eq!(app.count("outbox").await, before);
    }
);

both!(
    a_tracks_saved_checklist_is_what_later_interns_get_and_a_bad_row_saves_nothing,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let software: i64 = sqlx::query_scalar(
            "SELECT id FROM tracks WHERE season_id = $1 AND name = 'Software Development'",
        )
        .bind(season.season_id)
        .fetch_one(app.store().reader())
        .await
        .unwrap();
        let page = format!(
            "/staff/seasons/{}/onboarding/template?track={software}",
            season.season_id
        );
        let action = format!("/staff/seasons/{}/onboarding/template", season.season_id);
        let (status, html) = staff.recruiter.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Choose your housing"),
            "the default shows until a template is saved"
        );
        let track = software.to_string();
        let bad = [
            ("track", track.as_str()),
            ("title", "Badge photo"),
            ("description", ""),
            ("owner", "intern"),
            ("kind", "upload"),
            ("due_offset_days", "999"),
            ("link", ""),
        ];
        let response = staff.recruiter.post_form(&page, &action, &bad).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("onboarding_template_tasks").await, 0);
        assert_eq!(
            staff.manager.post_form(&page, &action, &bad).await.status(),
            StatusCode::FORBIDDEN
        );
        let good = [
            ("track", track.as_str()),
            ("title", "Badge photo"),
            ("description", "For your badge."),
            ("owner", "intern"),
            ("kind", "upload"),
            ("due_offset_days", "-7"),
            ("link", ""),
            ("title", "Read the team wiki"),
            ("description", ""),
            ("owner", "intern"),
            ("kind", "link"),
            ("due_offset_days", "3"),
            ("link", "https://wiki.example.com/team"),
            ("title", ""),
            ("description", ""),
            ("owner", "intern"),
            ("kind", "form"),
            ("due_offset_days", "0"),
            ("link", ""),
        ];
        let response = staff.recruiter.post_form(&page, &action, &good).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, _, offer) = intern(&app, &staff, &season, "Ada Lovelace", "2027-06-07").await;
        let titles: Vec<(String, String)> = sqlx::query_as(
            "SELECT title, due_date FROM onboarding_tasks WHERE offer_id = $1 ORDER BY position",
        )
        .bind(offer)
        .fetch_all(app.store().reader())
        .await
        .unwrap();
        assert_eq!(
            titles,
            vec![
                ("Badge photo".into(), "2027-05-31".into()),
                ("Read the team wiki".into(), "2027-06-10".into())
            ]
        );
    }
);

both!(
    orientation_sessions_reach_the_calendars_of_interns_starting_that_day_as_invitations_a_calendar_program_reads,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let (early, early_email, _) = intern(&app, &staff, &season, "Ada Lovelace", "2027-06-07").await;
        let (_, other_email, _) = intern(&app, &staff, &season, "Grace Hopper", "2027-06-14").await;
        let cohort = format!("/staff/seasons/{}/onboarding", season.season_id);
        let sessions = format!("{cohort}/sessions");
        let bad = staff.recruiter.post_form(&cohort, &sessions, &[("title", "Welcome"), ("start_date", "2027-06-07"), ("starts", "2027-06-07T09:00"), ("minutes", "5"), ("time_zone", "America/Los_Angeles")]).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(staff.manager.post_form(&cohort, &sessions, &[("title", "x")]).await.status(), StatusCode::FORBIDDEN);
        let response = staff.recruiter.post_form(&cohort, &sessions, &[
            ("title", "Welcome to Amazon, Doe, Jane; \"day one\""), ("start_date", "2027-06-07"), ("starts", "2027-06-07T09:00"),
            ("minutes", "90"), ("time_zone", "America/Los_Angeles"), ("location", "Day 1 building, room 5"), ("description", "Badges, laptops, principles."),
        ]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(response.headers()["location"].to_str().unwrap().ends_with("notice=session-1"));
        let invitation = app.store().messages_to(&early_email).await.unwrap().into_iter().find(|m| m.template == "orientation_invitation").expect("an invitation");
        assert!(app.store().messages_to(&other_email).await.unwrap().iter().all(|m| m.template != "orientation_invitation"));
        // Python's icalendar reads it as a calendar program would.
        let read = python_lines(
            "import sys, icalendar\ncal = icalendar.Calendar.from_ical(sys.stdin.read())\nprint(cal['METHOD'])\nfor e in cal.walk('VEVENT'):\n    print(e['SUMMARY'])\n    print(e.decoded('DTSTART').isoformat())\n    print(e['LOCATION'])\n    print(e['ATTENDEE'])",
            invitation.calendar.as_deref().unwrap(),
        );
        assert_eq!(read[0], "REQUEST");
        assert_eq!(read[1], "Welcome to Amazon, Doe, Jane; \"day one\"");
        assert_eq!(read[2], "2027-06-07T16:00:00+00:00");
        assert_eq!(read[3], "Day 1 building, room 5");
        assert_eq!(read[4], format!("mailto:{early_email}"));
        // A later intern starting that day is invited when they accept.
        let (_, late_email, _) = intern(&app, &staff, &season, "Alan Turing", "2027-06-07").await;
        assert!(app.store().messages_to(&late_email).await.unwrap().iter().any(|m| m.template == "orientation_invitation"));
        // The session's calendar file, for those it is for.
        let id: i64 = sqlx::query_scalar("SELECT id FROM orientation_sessions").fetch_one(app.store().reader()).await.unwrap();
        let ics = early.get(&format!("/onboarding/sessions/{id}")).await;
        assert_eq!(ics.status(), StatusCode::OK);
        assert!(ics.text().await.unwrap().contains("METHOD:PUBLISH"));
        let (grace, _) = (signed_in_candidate(&app, &other_email).await, ());
        assert_eq!(grace.get(&format!("/onboarding/sessions/{id}")).await.status(), StatusCode::NOT_FOUND);
    }
);

async fn signed_in_candidate(app: &TestApp, email: &str) -> Browser {
    crate::phone_screens::signed_in_as(app, email).await
}

/// A bearer token with `scopes`, as an administrator would create it.
async fn token(app: &TestApp, scopes: &[&str]) -> String {
    let admin = app.store().first_administrator().await.unwrap().unwrap();
    let token = cohort_web::auth::new_token();
    app.store()
        .create_api_token(
            &cohort_web::auth::token_hash(&token),
            "idp",
            scopes,
            admin,
            app.state.now(),
        )
        .await
        .unwrap();
    token
}

both!(
    an_identity_provider_reads_accepted_interns_over_scim_with_paging_filters_and_etags_and_as_csv,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let staff = staff(&app, season.season_id).await;
        let mut emails = Vec::new();
        for name in ["Ada Lovelace", "Grace Hopper", "Alan Turing"] {
            emails.push(intern(&app, &staff, &season, name, "2027-06-07").await.1);
        }
        // Someone with an offer not yet accepted is not provisioned.
        at_offer(&app, season.season_id, season.open[0], "Edsger Dijkstra").await;
        let client = reqwest::Client::new();
        let get = |path: String, token: Option<String>| {
            let mut request = client.get(app.url(&path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send()
        };
        assert_eq!(
            get("/scim/v2/Users".into(), None).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        let read_only = token(&app, &["read"]).await;
        assert_eq!(
            get("/scim/v2/Users".into(), Some(read_only))
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );
        let token = token(&app, &["provisioning"]).await;
        let response = get(
            "/scim/v2/Users?startIndex=2&count=1".into(),
            Some(token.clone()),
        )
        .await
        .unwrap();
        assert_eq!(response.headers()["content-type"], "application/scim+json");
        let page: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            (
                page["totalResults"].as_i64(),
                page["startIndex"].as_i64(),
                page["itemsPerPage"].as_i64()
            ),
            (Some(3), Some(2), Some(1))
        );
        assert_eq!(page["Resources"][0]["userName"], emails[1].as_str());
        assert_eq!(
            page["Resources"][0]["urn:cohort:params:scim:schemas:extension:internship:2.0:User"]
                ["startDate"],
            "2027-06-07"
        );
        let filtered: serde_json::Value = get(
            format!(
                "/scim/v2/Users?filter=userName%20eq%20%22{}%22",
                emails[2].to_uppercase()
            ),
            Some(token.clone()),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(filtered["totalResults"], 1);
        let id = filtered["Resources"][0]["id"].as_str().unwrap().to_owned();
        let bad = get(
            "/scim/v2/Users?filter=name.familyName%20co%20%22x%22".into(),
            Some(token.clone()),
        )
        .await
        .unwrap();
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            bad.json::<serde_json::Value>().await.unwrap()["scimType"],
            "invalidFilter"
        );
        let one = get(format!("/scim/v2/Users/{id}"), Some(token.clone()))
            .await
            .unwrap();
        assert_eq!(one.status(), StatusCode::OK);
        let etag = one.headers()["etag"].to_str().unwrap().to_owned();
        let again = client
            .get(app.url(&format!("/scim/v2/Users/{id}")))
            .bearer_auth(&token)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(
            get("/scim/v2/Users/999999".into(), Some(token.clone()))
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );

        // A real SCIM client (scim2-client over httpx, from PyPI) discovers the service and
        // reads the interns, validating every payload against its models.
        let script = r#"
import sys, json, httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import User, EnterpriseUser, SearchRequest, ListResponse
base, token, email = sys.stdin.read().split()
http = httpx2.Client(base_url=base + "/scim/v2", headers={"Authorization": "Bearer " + token})
scim = SyncSCIMClient(http)
scim.discover()
print(scim.service_provider_config.etag.supported)
users = scim.query(scim.get_resource_model("User"), query_parameters=SearchRequest(count=2, start_index=1))
print(users.total_results, len(users.resources))
found = scim.query(scim.get_resource_model("User"), query_parameters=SearchRequest(filter=f'userName eq "{email}"'))
user = found.resources[0]
print(user.user_name)
again = scim.query(scim.get_resource_model("User"), user.id)
print(again.display_name)
# scim2-tester, the python-scim project's conformance suite: its discovery checks. Its read
# checks first create the resource they read, which a read-only service refuses (with a SCIM
# error); the reads themselves are checked above through scim2-client.
from scim2_tester import check_server, Status
results = check_server(SyncSCIMClient(http), include_tags={"discovery"})
failed = [f"{r.title}: {r.reason}" for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
print(len(results) > 0, failed)
"#;
        let out = python_lines(script, &format!("{} {} {}", app.url(""), token, emails[0]));
        assert_eq!(
            out,
            vec![
                "True".to_owned(),
                "3 2".to_owned(),
                emails[0].clone(),
                "Ada Lovelace".to_owned(),
                "True []".to_owned()
            ],
            "{out:?}"
        );

        // The same interns as CSV, for recruiters.
        let csv = staff
            .recruiter
            .get(&format!("/staff/seasons/{}/interns.csv", season.season_id))
            .await;
        assert_eq!(csv.status(), StatusCode::OK);
        let text = csv.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 3);
        assert!(rows
            .iter()
            .any(|r| &r[2] == emails[0].as_str() && &r[8] == "2027-06-07"));
        assert_eq!(
            staff
                .interviewer
                .get(&format!("/staff/seasons/{}/interns.csv", season.season_id))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
    }
);
