//! Phone screens that candidates book themselves: the times offered in their zone, booking,
//! moving and cancelling up to the cut-off, fifty requests for one time, invitations and
//! reminders by mail, and an interviewer's release.

use crate::both;
use crate::helpers::*;
use cohort_app::interviews;
use cohort_domain::interviews::profile::{ProfileForm, TrainingState};
use cohort_domain::Role;
use reqwest::StatusCode;

const TRACK: &str = "Software Development";

/// An interviewer for the Software Development track, qualified in coding, who works Monday to
/// Friday 09:00-17:00 in `zone`. Returns their id and address.
async fn interviewer(app: &TestApp, name: &str, zone: &str) -> (i64, String) {
    interviews::seed_competencies(app.state.app())
        .await
        .unwrap();
    let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
    let id = app.create_account(&email, name, &[Role::Interviewer]).await;
    let mut hours = vec![("09:00".to_owned(), "17:00".to_owned()); 5];
    hours.resize(7, (String::new(), String::new()));
    let profile = ProfileForm {
        time_zone: zone.into(),
        meeting_link: format!("https://meet.example.com/{id}"),
        daily_cap: "8".into(),
        weekly_cap: "30".into(),
        hours,
        time_off: String::new(),
    }
    .parse()
    .unwrap();
    let app_ = app.state.app();
    interviews::profiles::save_profile(app_, id, &profile)
        .await
        .unwrap();
    interviews::profiles::set_staffing(app_, id, false, &[TRACK.to_owned()])
        .await
        .unwrap();
    let coding = app
        .store()
        .competencies()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Coding")
        .unwrap()
        .id;
    interviews::profiles::set_training_state(app_, id, coding, Some(TrainingState::Qualified))
        .await
        .unwrap();
    (id, email)
}

/// A candidate who applied to the Seattle SDE opening and whom `recruiter` moved to phone
/// screen. Returns their browser, address and application id.
async fn screened_candidate(
    app: &TestApp,
    season: &SeasonFixture,
    recruiter: &Browser,
    name: &str,
) -> (Browser, String, i64) {
    let (browser, email) = app.candidate(name).await;
    let mut fields = ApplicationFields::new(season.season_id, vec![season.open[0]]);
    fields.resume = pdf_resume(&format!("{name} distributed systems"));
    assert_eq!(browser.apply(&fields).await.status(), StatusCode::SEE_OTHER);
    let id = own_application_id(&browser).await;
    let detail = format!("/staff/applications/{id}");
    for to in ["screening", "phone_screen"] {
        let response = recruiter
            .post_form(&detail, &format!("{detail}/transition"), &[("to", to)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "moving to {to}");
    }
    (browser, email, id)
}

/// The start times (Unix seconds) a booking or move page offers, in order.
fn offered(html: &str) -> Vec<i64> {
    html.split("name=\"start\" value=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

async fn interviews_of(
    app: &TestApp,
    application_id: i64,
) -> Vec<cohort_store::interviews::bookings::InterviewRecord> {
    app.store()
        .interviews_of_application(application_id)
        .await
        .unwrap()
}

/// The newest message of `template` to `recipient`.
async fn last_message(
    app: &TestApp,
    recipient: &str,
    template: &str,
) -> cohort_store::outbox::OutboxRecord {
    app.store()
        .messages_to(recipient)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.template == template)
        .unwrap_or_else(|| panic!("no {template} message to {recipient}"))
}

both!(
    a_candidate_books_a_time_shown_in_their_zone_and_both_sides_get_a_calendar_invitation,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (_, interviewer_email) = interviewer(&app, "Ines Kumar", "Asia/Kolkata").await;
        let (candidate, email, id) =
            screened_candidate(&app, &season, &recruiter, "Ada Lovelace").await;
        let invitation = last_message(&app, &email, "book_phone_screen").await;
        let page = format!("/me/applications/{id}/phone-screen");
        assert!(invitation.body.contains(&page), "{}", invitation.body);

        let (_, home) = candidate.get_text("/me").await;
        assert!(
            home.contains("Book your phone interview") && home.contains(&page),
            "{home}"
        );
        let (status, html) = candidate
            .get_text(&format!("{page}?tz=Australia/Sydney"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let times = offered(&html);
        assert!(!times.is_empty(), "{html}");
        // Every time is on the 15-minute grid, at least a day ahead, and inside the interviewer's
        // 09:00-17:00 in Kolkata; the page labels them in Sydney time.
        let now = app.state.now();
        for start in &times {
            assert_eq!(start % (15 * 60), 0);
            assert!(*start >= now + 24 * 3600);
            let local = chrono::DateTime::from_timestamp(*start, 0)
                .unwrap()
                .with_timezone(&chrono_tz::Asia::Kolkata);
            let minutes = chrono::Timelike::hour(&local) * 60 + chrono::Timelike::minute(&local);
            assert!((9 * 60..=17 * 60 - 45).contains(&minutes), "{local}");
        }
        let first = chrono::DateTime::from_timestamp(times[0], 0)
            .unwrap()
            .with_timezone(&chrono_tz::Australia::Sydney);
        assert!(html.contains(&first.format("%H:%M").to_string()), "{html}");
        assert!(html.contains("Australia/Sydney"));

        // Bad input changes nothing: no time, an unknown zone, a time off the grid.
        let start = times[0].to_string();
        for (fields, expected) in [
            (
                vec![("start", "soon"), ("tz", "Europe/Dublin")],
                StatusCode::BAD_REQUEST,
            ),
            (
                vec![("start", start.as_str()), ("tz", "Mars/Olympus")],
                StatusCode::BAD_REQUEST,
            ),
        ] {
            let response = candidate.post_form(&page, &page, &fields).await;
            assert_eq!(response.status(), expected);
        }
        let off_grid = (times[0] + 7 * 60).to_string();
        let response = candidate
            .post_form(
                &page,
                &page,
                &[("start", &off_grid), ("tz", "Australia/Sydney")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("not one of the times offered"));
        let without_csrf = candidate
            .client
            .post(candidate.url(&page))
            .form(&[("start", start.as_str()), ("tz", "Australia/Sydney")])
            .send()
            .await
            .unwrap();
        assert_eq!(without_csrf.status(), StatusCode::FORBIDDEN);
        // Another candidate cannot see or book this application's screen.
        let (other, _) = app.candidate("Grace Hopper").await;
        assert_eq!(other.get(&page).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("interviews").await, 0);

        let response = candidate
            .post_form(
                &page,
                &page,
                &[("start", &start), ("tz", "Australia/Sydney")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = candidate
            .get_text(response.headers()["location"].to_str().unwrap())
            .await;
        assert!(
            html.contains("Booked. We have emailed you a calendar invitation."),
            "{html}"
        );
        assert!(offered(&html).is_empty(), "one screen is all the track has");
        let (_, home) = candidate.get_text("/me").await;
        assert!(
            home.contains("Phone interview with Ines Kumar: ")
                && home.contains(&format!(", {}–", first.format("%H:%M")))
                && home.contains("(Australia/Sydney)")
                && home.contains("Move or cancel")
                && !home.contains("Book your phone interview"),
            "{home}"
        );
        let booked = interviews_of(&app, id).await;
        assert_eq!(booked.len(), 1);
        assert_eq!(booked[0].starts_at, times[0]);
        assert_eq!(booked[0].ends_at, times[0] + 45 * 60);
        assert_eq!(booked[0].candidate_time_zone, "Australia/Sydney");

        // Both sides have a REQUEST with the same UID, written in their own zones.
        let to_candidate = last_message(&app, &email, "phone_screen_confirmed").await;
        let to_interviewer = last_message(&app, &interviewer_email, "interview_assigned").await;
        let uid = format!("UID:interview-{}@", booked[0].id);
        for message in [&to_candidate, &to_interviewer] {
            let calendar = message.calendar.as_deref().expect("an invitation");
            assert!(calendar.contains("METHOD:REQUEST"), "{calendar}");
            assert!(calendar.contains(&uid), "{calendar}");
        }
        assert!(
            to_candidate.body.contains("(Australia/Sydney)"),
            "{}",
            to_candidate.body
        );
        assert!(
            to_interviewer.body.contains("(Asia/Kolkata)"),
            "{}",
            to_interviewer.body
        );

        // A second booking of the same application is refused; nothing changes.
        let later = times.last().unwrap().to_string();
        let response = candidate
            .post_form(
                &page,
                &page,
                &[("start", &later), ("tz", "Australia/Sydney")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(app.count("interviews").await, 1);
    }
);

both!(
    fifty_simultaneous_requests_for_one_free_time_book_it_exactly_once,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        interviewer(&app, "Solo Interviewer", "Europe/Dublin").await;
        let mut candidates = Vec::new();
        for n in 0..5 {
            candidates
                .push(screened_candidate(&app, &season, &recruiter, &format!("Rush {n}")).await);
        }
        let first_page = format!("/me/applications/{}/phone-screen", candidates[0].2);
        let (_, html) = candidates[0].0.get_text(&first_page).await;
        let start = offered(&html)[0].to_string();
        let mut requests = tokio::task::JoinSet::new();
        for (browser, _, id) in &candidates {
            let page = format!("/me/applications/{id}/phone-screen");
            let csrf = browser.csrf(&page).await;
            for _ in 0..10 {
                let request = browser.client.post(browser.url(&page)).form(&[
                    ("csrf", csrf.as_str()),
                    ("start", start.as_str()),
                    ("tz", "Europe/Dublin"),
                ]);
                requests.spawn(async move { request.send().await.unwrap().status() });
            }
        }
        let statuses = requests.join_all().await;
        assert_eq!(statuses.len(), 50);
        let booked = statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count();
        assert_eq!(booked, 1, "{statuses:?}");
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT),
            "{statuses:?}"
        );
        assert_eq!(app.count("interviews").await, 1);
        assert_eq!(
            app.count("outbox WHERE template = 'phone_screen_confirmed'")
                .await,
            1
        );
        // The time is no longer offered to anyone.
        let start: i64 = start.parse().unwrap();
        for (browser, _, id) in &candidates {
            let (_, html) = browser
                .get_text(&format!("/me/applications/{id}/phone-screen"))
                .await;
            assert!(!offered(&html).contains(&start));
        }
    }
);

both!(
    a_candidate_moves_and_cancels_their_screen_until_the_cut_off_and_reminders_follow_the_latest_time,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (_, interviewer_email) = interviewer(&app, "Mo Moves", "America/New_York").await;
        let (candidate, email, id) =
            screened_candidate(&app, &season, &recruiter, "Alan Turing").await;
        let page = format!("/me/applications/{id}/phone-screen");
        let (_, html) = candidate.get_text(&format!("{page}?tz=Europe/London")).await;
        let times = offered(&html);
        assert!(times.len() > 8, "{html}");
        let response = candidate
            .post_form(&page, &page, &[("start", &times[0].to_string()), ("tz", "Europe/London")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let interview = interviews_of(&app, id).await.remove(0);

        // Move to a later time: the same interview, one sequence on, one updated invitation.
        let move_page = format!("/me/interviews/{}/move", interview.id);
        let (status, html) = candidate.get_text(&format!("{move_page}?tz=Europe/London")).await;
        assert_eq!(status, StatusCode::OK);
        let later = offered(&html)
            .into_iter()
            .find(|t| *t >= times[0] + 2 * 3600)
            .expect("a later time");
        let stale = [("start", later.to_string()), ("tz", "Europe/London".into()), ("sequence", "7".into())];
        let stale: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = candidate.post_form(&move_page, &move_page, &stale).await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "an old page's sequence");
        assert_eq!(interviews_of(&app, id).await[0].starts_at, times[0]);
        let later_text = later.to_string();
        let response = candidate
            .post_form(
                &move_page,
                &move_page,
                &[("start", &later_text), ("tz", "Europe/London"), ("sequence", "0")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let moved = interviews_of(&app, id).await.remove(0);
        assert_eq!((moved.id, moved.starts_at, moved.sequence), (interview.id, later, 1));
        let update = last_message(&app, &email, "phone_screen_confirmed").await;
        assert!(update.calendar.unwrap().contains("SEQUENCE:1"));
        // Another candidate may not move or cancel it.
        let (other, _) = app.candidate("Eve Other").await;
        assert_eq!(other.get(&move_page).await.status(), StatusCode::NOT_FOUND);

        // A day before the first booked time, the reminder of that (old) version sends nothing;
        // a day before the new time, both sides are reminded once.
        let now = app.state.now();
        app.state.app().clock().advance(times[0] - 24 * 3600 - now + 60);
        app.run_jobs().await;
        assert_eq!(app.count("outbox WHERE template = 'interview_reminder'").await, 0);
        let now = app.state.now();
        app.state.app().clock().advance(later - 24 * 3600 - now + 60);
        app.run_jobs().await;
        app.run_jobs().await;
        let reminders = app.count("outbox WHERE template = 'interview_reminder'").await;
        assert_eq!(reminders, 2);
        let reminder = last_message(&app, &interviewer_email, "interview_reminder").await;
        assert!(reminder.body.contains("Alan Turing"), "{}", reminder.body);

        // Inside the 24-hour cut-off nothing can be changed by the candidate.
        let cancel = format!("/me/interviews/{}/cancel", interview.id);
        let response = candidate
            .post_form(&page, &cancel, &[("sequence", "1"), ("tz", "Europe/London")])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response.text().await.unwrap().contains("can no longer be changed"));
        assert!(interviews_of(&app, id).await[0].is_booked());
    }
);

both!(
    a_candidate_cancels_gets_a_cancellation_and_books_again,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (_, interviewer_email) = interviewer(&app, "Cy Cancel", "Europe/Berlin").await;
        let (candidate, email, id) =
            screened_candidate(&app, &season, &recruiter, "Barbara Liskov").await;
        let page = format!("/me/applications/{id}/phone-screen");
        let (_, html) = candidate.get_text(&page).await;
        let start = offered(&html)[0].to_string();
        candidate
            .post_form(&page, &page, &[("start", &start), ("tz", "UTC")])
            .await;
        let interview = interviews_of(&app, id).await.remove(0);
        let cancel = format!("/me/interviews/{}/cancel", interview.id);
        let response = candidate
            .post_form(&page, &cancel, &[("sequence", "0"), ("tz", "UTC")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(interviews_of(&app, id).await[0].status, "cancelled");
        for recipient in [&email, &interviewer_email] {
            let message = last_message(&app, recipient, "interview_cancelled").await;
            let calendar = message.calendar.expect("a cancellation");
            assert!(
                calendar.contains("METHOD:CANCEL") && calendar.contains("SEQUENCE:1"),
                "{calendar}"
            );
        }
        // The same cancellation again changes nothing.
        let response = candidate
            .post_form(&page, &cancel, &[("sequence", "0"), ("tz", "UTC")])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(
            app.count("outbox WHERE template = 'interview_cancelled'")
                .await,
            2
        );

        // The freed time is offered again, and booking it works.
        let (_, html) = candidate.get_text(&page).await;
        assert!(offered(&html).contains(&start.parse().unwrap()));
        let response = candidate
            .post_form(&page, &page, &[("start", &start), ("tz", "UTC")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            interviews_of(&app, id)
                .await
                .iter()
                .filter(|i| i.is_booked())
                .count(),
            1
        );
    }
);
