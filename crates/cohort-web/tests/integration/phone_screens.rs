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
pub(crate) async fn interviewer(app: &TestApp, name: &str, zone: &str) -> (i64, String) {
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

/// A candidate who applied to `opening` and whom `recruiter` moved through `stages`. Returns
/// their browser, address and application id.
async fn moved_applicant(
    app: &TestApp,
    season: &SeasonFixture,
    recruiter: &Browser,
    (name, opening): (&str, i64),
    stages: &[&str],
) -> (Browser, String, i64) {
    let (browser, email) = app.candidate(name).await;
    let mut fields = ApplicationFields::new(season.season_id, vec![opening]);
    fields.resume = pdf_resume(&format!("{name} distributed systems"));
    assert_eq!(browser.apply(&fields).await.status(), StatusCode::SEE_OTHER);
    let id = own_application_id(&browser).await;
    let detail = format!("/staff/applications/{id}");
    for to in stages {
        let response = recruiter
            .post_form(&detail, &format!("{detail}/transition"), &[("to", to)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "moving to {to}");
    }
    (browser, email, id)
}

/// A candidate who applied to the Seattle SDE opening and whom `recruiter` moved to phone
/// screen.
pub(crate) async fn screened_candidate(
    app: &TestApp,
    season: &SeasonFixture,
    recruiter: &Browser,
    name: &str,
) -> (Browser, String, i64) {
    let stages = ["screening", "phone_screen"];
    moved_applicant(app, season, recruiter, (name, season.open[0]), &stages).await
}

/// Saves the suggested loop template of the Software Development track, which says what its
/// interviews assess; returns it.
pub(crate) async fn save_suggested_loop(
    app: &TestApp,
    season: &SeasonFixture,
) -> cohort_domain::interviews::LoopTemplate {
    let rules = app.store().competency_rules().await.unwrap();
    let track = app.store().tracks(season.season_id).await.unwrap()[0].id;
    let template =
        interviews::suggested::suggested_template(TRACK, &rules).expect("a suggested loop");
    interviews::save_loop_template(app.state.app(), season.season_id, track, &template)
        .await
        .unwrap();
    template
}

/// Sends every request at the same moment; their statuses.
pub(crate) async fn all_at_once(requests: Vec<reqwest::RequestBuilder>) -> Vec<StatusCode> {
    let mut running = tokio::task::JoinSet::new();
    for request in requests {
        running.spawn(async move { request.send().await.unwrap().status() });
    }
    running.join_all().await
}

/// Like [`all_at_once`], with each answer's redirect target (empty when there is none).
pub(crate) async fn all_at_once_responses(
    requests: Vec<reqwest::RequestBuilder>,
) -> Vec<(StatusCode, String)> {
    let mut running = tokio::task::JoinSet::new();
    for request in requests {
        running.spawn(async move {
            let response = request.send().await.unwrap();
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            (response.status(), location)
        });
    }
    running.join_all().await
}

/// How many of `statuses` took effect (a redirect to the result).
fn took_effect(statuses: &[StatusCode]) -> usize {
    statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count()
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
        let mut requests = Vec::new();
        for (browser, _, id) in &candidates {
            let page = format!("/me/applications/{id}/phone-screen");
            let csrf = browser.csrf(&page).await;
            for _ in 0..10 {
                let request = browser.client.post(browser.url(&page)).form(&[
                    ("csrf", csrf.as_str()),
                    ("start", start.as_str()),
                    ("tz", "Europe/Dublin"),
                ]);
                requests.push(request);
            }
        }
        let statuses = all_at_once(requests).await;
        assert_eq!(statuses.len(), 50);
        assert_eq!(took_effect(&statuses), 1, "{statuses:?}");
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
        assert!(!offered(&html).contains(&times[0]), "its own time is no move");
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

/// A browser signed in as the account `email` (made by [`interviewer`]).
pub(crate) async fn signed_in_as(app: &TestApp, email: &str) -> Browser {
    let browser = app.browser();
    let response = browser.login(email, PASSWORD).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "signing in as {email}"
    );
    browser
}

/// Books the first time offered to the candidate and returns the interview.
pub(crate) async fn book_first_time(
    app: &TestApp,
    candidate: &Browser,
    application_id: i64,
) -> cohort_store::interviews::bookings::InterviewRecord {
    let page = format!("/me/applications/{application_id}/phone-screen");
    let (_, html) = candidate.get_text(&page).await;
    let start = offered(&html)[0].to_string();
    let response = candidate
        .post_form(
            &page,
            &page,
            &[("start", &start), ("tz", "America/Chicago")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    interviews_of(app, application_id).await.remove(0)
}

/// Python's `icalendar` reads a feed and says what it holds, a line per fact.
const READ_FEED: &str = r#"
import sys
from icalendar import Calendar
calendar = Calendar.from_ical(sys.stdin.read())
print("METHOD", calendar["METHOD"])
print("NAME", calendar["X-WR-CALNAME"])
for event in calendar.walk("VEVENT"):
    print("EVENT", event["UID"], event.decoded("DTSTART").isoformat(), event["SUMMARY"])
"#;

fn read_feed(ics: &str) -> Vec<String> {
    python_lines(READ_FEED, ics)
}

both!(
    an_interviewer_sees_their_interviews_opens_only_their_candidates_resumes_and_subscribes_to_a_private_feed,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (holder_id, holder_email) = interviewer(&app, "Hana Holder", "Asia/Tokyo").await;
        // The track's loop template says what its interviews assess.
        save_suggested_loop(&app, &season).await;
        let (candidate, _, id) =
            screened_candidate(&app, &season, &recruiter, "Katherine Johnson").await;
        let interview = book_first_time(&app, &candidate, id).await;
        assert_eq!(interview.interviewer_id, Some(holder_id));
        let (_, other_email) = interviewer(&app, "Otto Other", "Asia/Tokyo").await;
        let holder = signed_in_as(&app, &holder_email).await;
        let other = signed_in_as(&app, &other_email).await;

        let (status, html) = holder.get_text("/interviewer/interviews").await;
        assert_eq!(status, StatusCode::OK);
        let local = chrono::DateTime::from_timestamp(interview.starts_at, 0)
            .unwrap()
            .with_timezone(&chrono_tz::Asia::Tokyo);
        assert!(html.contains("Katherine Johnson"), "{html}");
        assert!(html.contains(&local.format("%A %-d %B %Y, %H:%M").to_string()), "{html}");
        assert!(html.contains("My interviews"));
        assert!(
            html.contains("Focus: Coding, Data structures and algorithms, System design"),
            "{html}"
        );
        let (_, html) = other.get_text("/interviewer/interviews").await;
        assert!(!html.contains("Katherine Johnson"), "{html}");

        // The résumé: its interviewer only.
        let resume = format!("/interviewer/interviews/{}/resume", interview.id);
        let response = holder.get(&resume).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert_eq!(other.get(&resume).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(candidate.get(&resume).await.status(), StatusCode::FORBIDDEN);
        let anonymous = app.browser().get(&resume).await;
        assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);

        // The feed: made by a form with its CSRF token, read without signing in.
        let page = "/interviewer/interviews";
        let without_csrf = holder
            .client
            .post(holder.url("/interviewer/calendar-feed"))
            .send()
            .await
            .unwrap();
        assert_eq!(without_csrf.status(), StatusCode::FORBIDDEN);
        assert!(app.store().feed_secret(holder_id).await.unwrap().is_none());
        let response = holder.post_form(page, "/interviewer/calendar-feed", &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let secret = app.store().feed_secret(holder_id).await.unwrap().unwrap();
        let link = format!("/calendar/interviewers/{secret}.ics");
        let (_, html) = holder.get_text(page).await;
        assert!(html.contains(&link), "{html}");
        let response = app.browser().get(&link).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/calendar; charset=utf-8");
        let start = chrono::DateTime::from_timestamp(interview.starts_at, 0).unwrap();
        assert_eq!(
            read_feed(&response.text().await.unwrap()),
            [
                "METHOD PUBLISH".to_owned(),
                "NAME Cohort interviews".to_owned(),
                format!(
                    "EVENT interview-{}@{} {} Phone interview: Katherine Johnson (Software Development)",
                    interview.id,
                    app.address,
                    start.format("%Y-%m-%dT%H:%M:%S+00:00")
                ),
            ]
        );
        // The other interviewer's feed holds none of it.
        other.post_form(page, "/interviewer/calendar-feed", &[]).await;
        let (_, html) = other.get_text(page).await;
        let other_link = html
            .split("readonly value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let ics = app.browser().get(&other_link.replace(&format!("http://{}", app.address), "")).await;
        assert_eq!(read_feed(&ics.text().await.unwrap()).len(), 2, "no events");

        // A reset ends the old link.
        holder.post_form(page, "/interviewer/calendar-feed", &[]).await;
        assert_eq!(app.browser().get(&link).await.status(), StatusCode::NOT_FOUND);
        let renewed = app.store().feed_secret(holder_id).await.unwrap().unwrap();
        assert_ne!(renewed, secret);
        let response = app
            .browser()
            .get(&format!("/calendar/interviewers/{renewed}.ics"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            app.browser().get("/calendar/interviewers/guess.ics").await.status(),
            StatusCode::NOT_FOUND
        );
    }
);

both!(
    a_released_interview_goes_to_a_free_colleague_never_back_to_who_gave_it_up_and_else_back_to_the_candidate,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (first_id, first_email) = interviewer(&app, "Fay First", "Europe/Dublin").await;
        let (candidate, email, id) =
            screened_candidate(&app, &season, &recruiter, "Dorothy Vaughan").await;
        let interview = book_first_time(&app, &candidate, id).await;
        assert_eq!(interview.interviewer_id, Some(first_id));
        let (second_id, second_email) = interviewer(&app, "Sam Second", "Europe/Dublin").await;
        let first = signed_in_as(&app, &first_email).await;
        let second = signed_in_as(&app, &second_email).await;
        let page = "/interviewer/interviews";
        let release = format!("/interviewer/interviews/{}/release", interview.id);

        // Not theirs, not an interviewer, or no CSRF token: nothing changes.
        assert_eq!(
            second.post_form(page, &release, &[]).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            candidate.post_form("/me", &release, &[]).await.status(),
            StatusCode::FORBIDDEN
        );
        let without_csrf = first.client.post(first.url(&release)).send().await.unwrap();
        assert_eq!(without_csrf.status(), StatusCode::FORBIDDEN);
        assert_eq!(interviews_of(&app, id).await[0].interviewer_id, Some(first_id));

        // The second interviewer is free then and takes it; all three hear of it.
        let response = first.post_form(page, &release, &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = first
            .get_text(response.headers()["location"].to_str().unwrap())
            .await;
        assert!(html.contains("Another interviewer takes it"), "{html}");
        assert!(!html.contains("Dorothy Vaughan"), "{html}");
        let moved = interviews_of(&app, id).await.remove(0);
        assert_eq!(
            (moved.interviewer_id, moved.starts_at, moved.sequence),
            (Some(second_id), interview.starts_at, 1)
        );
        assert!(last_message(&app, &first_email, "interview_cancelled")
            .await
            .calendar
            .unwrap()
            .contains("METHOD:CANCEL"));
        assert!(last_message(&app, &second_email, "interview_assigned")
            .await
            .calendar
            .unwrap()
            .contains("SEQUENCE:1"));
        let update = last_message(&app, &email, "phone_screen_confirmed").await;
        assert!(
            update.body.contains("with another interviewer")
                && update.body.contains(&format!("https://meet.example.com/{second_id}")),
            "{}",
            update.body
        );
        // Released again by the first (no longer theirs): not found.
        assert_eq!(
            first.post_form(page, &release, &[]).await.status(),
            StatusCode::NOT_FOUND
        );

        // The second releases it too: the first said they cannot make it, and nobody else is
        // free, so the candidate is asked to pick a new time.
        let response = second.post_form(page, &release, &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(response.headers()["location"].to_str().unwrap().contains("returned"));
        let cancelled = interviews_of(&app, id).await.remove(0);
        assert_eq!(cancelled.status, "cancelled");
        let message = last_message(&app, &email, "interview_cancelled").await;
        assert!(message.body.contains("/phone-screen"), "{}", message.body);
        let (_, html) = candidate.get_text("/me").await;
        assert!(html.contains("Book your phone interview"), "{html}");
        // Releasing a cancelled interview is refused with the reason and changes nothing.
        let response = second.post_form(page, &release, &[]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response.text().await.unwrap().contains("already taken place or been cancelled"));
        assert_eq!(interviews_of(&app, id).await[0].sequence, cancelled.sequence);
    }
);

both!(
    rejecting_or_withdrawing_an_application_calls_off_its_phone_screen_for_both_sides,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (_, interviewer_email) = interviewer(&app, "Wen Withdrawn", "Europe/Dublin").await;
        let (rejected, rejected_email, rejected_id) =
            screened_candidate(&app, &season, &recruiter, "Rita Rejected").await;
        let (leaving, leaving_email, leaving_id) =
            screened_candidate(&app, &season, &recruiter, "Walt Withdraws").await;
        let first = book_first_time(&app, &rejected, rejected_id).await;
        let second = book_first_time(&app, &leaving, leaving_id).await;
        assert_ne!(first.starts_at, second.starts_at);

        let detail = format!("/staff/applications/{rejected_id}");
        let response = recruiter
            .post_form(
                &detail,
                &format!("{detail}/transition"),
                &[("to", "rejected"), ("reason_code", "position_filled")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = leaving
            .post_form(
                "/me",
                &format!("/me/applications/{leaving_id}/withdraw"),
                &[],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        for (id, email, says) in [
            (rejected_id, &rejected_email, "Your application has closed"),
            (leaving_id, &leaving_email, "You withdrew your application"),
        ] {
            let interview = interviews_of(&app, id).await.remove(0);
            assert_eq!(
                (interview.status.as_str(), interview.sequence),
                ("cancelled", 1)
            );
            let message = last_message(&app, email, "interview_cancelled").await;
            assert!(message.body.contains(says), "{}", message.body);
            assert!(
                !message.body.contains("/phone-screen"),
                "no invitation to book again"
            );
            assert!(message.calendar.unwrap().contains("METHOD:CANCEL"));
        }
        let to_interviewer = app
            .store()
            .messages_to(&interviewer_email)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.template == "interview_cancelled")
            .count();
        assert_eq!(to_interviewer, 2);
        // The interviewer's page no longer lists them, and the times are free again.
        let interviewer = signed_in_as(&app, &interviewer_email).await;
        let (_, html) = interviewer.get_text("/interviewer/interviews").await;
        assert!(
            !html.contains("Rita Rejected") && !html.contains("Walt Withdraws"),
            "{html}"
        );
    }
);

/// The first time a booking page offers under the day `heading`: its start and its label.
fn first_time_on(html: &str, heading: &str) -> (i64, String) {
    let day = html
        .split(&format!("<strong>{heading}</strong>"))
        .nth(1)
        .unwrap_or_else(|| panic!("no day {heading} in {html}"));
    let button = day.split("name=\"start\" value=\"").nth(1).unwrap();
    let (start, rest) = button.split_once('"').unwrap();
    let label = rest.split('>').nth(1).unwrap().split('<').next().unwrap();
    (start.parse().unwrap(), label.to_owned())
}

both!(
    times_follow_daylight_saving_on_both_sides_of_the_change_in_the_interviewers_and_candidates_zones,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        interviewer(&app, "Lou Angeles", "America/Los_Angeles").await;
        let (candidate, email, id) =
            screened_candidate(&app, &season, &recruiter, "Nia York").await;
        // To Wednesday 10 March 2027: clocks in the United States go forward on Sunday 14 March.
        let target = chrono::DateTime::parse_from_rfc3339("2027-03-10T00:00:00Z")
            .unwrap()
            .timestamp();
        app.state.app().clock().advance(target - app.state.now());
        // Three months on, the session has expired: the candidate signs in again.
        assert_eq!(
            candidate.login(&email, PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        let page = format!("/me/applications/{id}/phone-screen");
        let (_, html) = candidate
            .get_text(&format!("{page}?tz=America/New_York"))
            .await;
        // 09:00 in Los Angeles is 12:00 in New York on both sides of the change, and 17:00 UTC
        // before it, 16:00 UTC after.
        let (friday, friday_label) = first_time_on(&html, "Friday 12 March");
        let (monday, monday_label) = first_time_on(&html, "Monday 15 March");
        let utc = |text: &str| {
            chrono::DateTime::parse_from_rfc3339(text)
                .unwrap()
                .timestamp()
        };
        assert_eq!((friday, friday_label.as_str()), (utc("2027-03-12T17:00:00Z"), "12:00"));
        assert_eq!((monday, monday_label.as_str()), (utc("2027-03-15T16:00:00Z"), "12:00"));

        let response = candidate
            .post_form(&page, &page, &[("start", &monday.to_string()), ("tz", "America/New_York")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let message = last_message(&app, &email, "phone_screen_confirmed").await;
        assert!(
            message.body.contains("Monday 15 March 2027, 12:00–12:45 (America/New_York)"),
            "{}",
            message.body
        );
        assert!(message.calendar.unwrap().contains("DTSTART:20270315T160000Z"));
    }
);

both!(
    fifty_simultaneous_moves_cancels_or_releases_of_one_interview_take_effect_once,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (first_id, first_email) = interviewer(&app, "Para Llel", "Europe/Dublin").await;
        let (candidate, email, id) =
            screened_candidate(&app, &season, &recruiter, "Con Current").await;
        let interview = book_first_time(&app, &candidate, id).await;
        assert_eq!(interview.interviewer_id, Some(first_id));
        interviewer(&app, "Other Side", "Europe/Dublin").await;

        // Fifty moves from one page (one sequence), each to a different time: one wins.
        let move_page = format!("/me/interviews/{}/move", interview.id);
        let (_, html) = candidate.get_text(&move_page).await;
        let times = offered(&html);
        let csrf = candidate.csrf(&move_page).await;
        let mut requests = Vec::new();
        for n in 0..50 {
            let start = times[(n * 3 + 5) % times.len()].to_string();
            let request = candidate.client.post(candidate.url(&move_page)).form(&[
                ("csrf", csrf.as_str()),
                ("start", start.as_str()),
                ("tz", "UTC"),
                ("sequence", "0"),
            ]);
            requests.push(request);
        }
        let statuses = all_at_once(requests).await;
        assert_eq!(took_effect(&statuses), 1, "{statuses:?}");
        assert!(statuses
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT));
        assert_eq!(interviews_of(&app, id).await[0].sequence, 1);
        assert_eq!(
            app.store()
                .messages_to(&email)
                .await
                .unwrap()
                .iter()
                .filter(|m| m.template == "phone_screen_confirmed")
                .count(),
            2,
            "the booking and one move"
        );

        // Fifty releases at once: one hands it to the other interviewer.
        let holder = signed_in_as(&app, &first_email).await;
        let release = format!("/interviewer/interviews/{}/release", interview.id);
        let csrf = holder.csrf("/interviewer/interviews").await;
        let requests = (0..50)
            .map(|_| {
                holder
                    .client
                    .post(holder.url(&release))
                    .form(&[("csrf", csrf.as_str())])
            })
            .collect();
        let statuses = all_at_once(requests).await;
        assert_eq!(took_effect(&statuses), 1, "{statuses:?}");
        let now = interviews_of(&app, id).await.remove(0);
        assert_eq!((now.sequence, now.status.as_str()), (2, "booked"));
        assert_ne!(now.interviewer_id, Some(first_id));

        // Fifty cancellations at once: one cancels, one cancellation is mailed to each side.
        let cancel = format!("/me/interviews/{}/cancel", interview.id);
        let csrf = candidate.csrf("/me").await;
        let requests = (0..50)
            .map(|_| {
                candidate.client.post(candidate.url(&cancel)).form(&[
                    ("csrf", csrf.as_str()),
                    ("sequence", "2"),
                    ("tz", "UTC"),
                ])
            })
            .collect();
        let statuses = all_at_once(requests).await;
        assert_eq!(took_effect(&statuses), 1, "{statuses:?}");
        assert_eq!(interviews_of(&app, id).await[0].status, "cancelled");
        assert_eq!(
            app.count("outbox WHERE template = 'interview_cancelled'")
                .await,
            // The first interviewer's on the release, then the candidate's and the second
            // interviewer's.
            3
        );
    }
);

both!(
    a_seasons_week_of_final_loops_comes_out_of_the_database_as_an_instance_the_engine_schedules,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (screener_id, _) = interviewer(&app, "Sara Screener", "America/New_York").await;
        let template = save_suggested_loop(&app, &season).await;
        let (candidate, _, id) = screened_candidate(&app, &season, &recruiter, "Lena Loop").await;
        let screen = book_first_time(&app, &candidate, id).await;
        assert_eq!(screen.interviewer_id, Some(screener_id));
        let detail = format!("/staff/applications/{id}");
        let response = recruiter
            .post_form(
                &detail,
                &format!("{detail}/transition"),
                &[("to", "final_loop")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        // Interviewers for every seat of the loop, bar raiser included.
        let competencies = app.store().competencies().await.unwrap();
        let id_of = |name: &str| competencies.iter().find(|c| c.name == name).unwrap().id;
        let mut panel = Vec::new();
        for (n, area) in ["Coding", "Data structures and algorithms", "System design"]
            .iter()
            .enumerate()
        {
            for copy in 0..2 {
                let (user, _) =
                    interviewer(&app, &format!("Panel {n}-{copy}"), "America/Chicago").await;
                interviews::profiles::set_training_state(
                    app.state.app(),
                    user,
                    id_of(area),
                    Some(TrainingState::Qualified),
                )
                .await
                .unwrap();
                panel.push(user);
            }
        }
        interviews::profiles::set_staffing(app.state.app(), panel[0], true, &[TRACK.to_owned()])
            .await
            .unwrap();

        let monday = (app.state.clock().now_utc() + chrono::Duration::days(7))
            .date_naive()
            .week(chrono::Weekday::Mon)
            .first_day();
        let days = [monday, monday.succ_opt().unwrap()];
        let week = interviews::planning::season_week(app.state.app(), season.season_id, &days)
            .await
            .unwrap();
        assert!(week.left_out.is_empty());
        let week = week.instance;

        // A candidate of a track with no loop template is left out, with the reason, rather
        // than make the engine refuse the week.
        let stages = ["screening", "phone_screen", "final_loop"];
        let data_science = ("Dana Science", season.open[1]);
        let (_, _, other_id) =
            moved_applicant(&app, &season, &recruiter, data_science, &stages).await;
        let again = interviews::planning::season_week(app.state.app(), season.season_id, &days)
            .await
            .unwrap();
        assert_eq!(
            again.left_out,
            [(
                format!("a{other_id}"),
                "the Data Science track has no loop template this season".to_owned()
            )]
        );
        assert_eq!(again.instance.candidates.len(), 1);
        assert_eq!(week.candidates.len(), 1);
        let candidate = &week.candidates[0];
        assert_eq!(candidate.id, format!("a{id}"));
        assert_eq!(candidate.track, TRACK);
        assert_eq!(
            candidate.time_zone, "America/Chicago",
            "the zone of the phone screen"
        );
        assert_eq!(candidate.exclude_interviewers, [format!("i{screener_id}")]);
        assert_eq!(week.interviewers.len(), 7);
        assert!(week.interviewers.iter().all(|i| !i.available.is_empty()));
        let seats = &week.templates[TRACK].interviews;
        assert_eq!(seats.len(), template.interviews.len());
        assert!(seats.iter().any(|s| s.requires == ["bar raiser"]));

        let text = serde_json::to_string(&week).unwrap();
        let instance = cohort_plan::loops::Instance::from_json(&text).expect("the engine reads it");
        let outcome = cohort_plan::loops::solve::solve(
            &instance,
            cohort_plan::loops::solve::Options::default(),
            None,
            &mut |_| false,
        )
        .unwrap();
        assert_eq!(outcome.schedule.loops.len(), 1, "{text}");
        assert!(cohort_plan::loops::check::check(&instance, &outcome.schedule).is_empty());
        let loop_ = &outcome.schedule.loops[0];
        assert!(loop_
            .interviews
            .iter()
            .all(|i| i.interviewer != format!("i{screener_id}")));
    }
);

both!(
    a_rejection_at_the_moment_of_booking_leaves_no_interview_behind,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        interviewer(&app, "Rae Race", "Europe/Dublin").await;
        let (candidate, _, id) = screened_candidate(&app, &season, &recruiter, "Rex Racer").await;
        let page = format!("/me/applications/{id}/phone-screen");
        let (_, html) = candidate.get_text(&page).await;
        let times = offered(&html);
        let csrf = candidate.csrf(&page).await;
        let detail = format!("/staff/applications/{id}");
        let recruiter_csrf = recruiter.csrf(&detail).await;
        let mut requests = tokio::task::JoinSet::new();
        for n in 0..20 {
            let request = candidate.client.post(candidate.url(&page)).form(&[
                ("csrf", csrf.as_str()),
                ("start", times[n % times.len()].to_string().as_str()),
                ("tz", "UTC"),
            ]);
            requests.spawn(async move { request.send().await.unwrap().status() });
        }
        let rejection = recruiter
            .client
            .post(recruiter.url(&format!("{detail}/transition")))
            .form(&[
                ("csrf", recruiter_csrf.as_str()),
                ("to", "rejected"),
                ("reason_code", "position_filled"),
            ]);
        let rejected = tokio::spawn(async move { rejection.send().await.unwrap().status() });
        requests.join_all().await;
        if rejected.await.unwrap() != StatusCode::SEE_OTHER {
            // A booking slipped in first: the rejection was refused as out of date, and the
            // recruiter's second try calls the booking off.
            let response = recruiter
                .post_form(
                    &detail,
                    &format!("{detail}/transition"),
                    &[("to", "rejected"), ("reason_code", "position_filled")],
                )
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
        }
        assert_eq!(app.store().application(id).await.unwrap().stage, "rejected");
        assert!(
            interviews_of(&app, id).await.iter().all(|i| !i.is_booked()),
            "{:?}",
            interviews_of(&app, id).await
        );
    }
);
