//! "Plan a week" of final loops: a coordinator plans days on the engine, edits the draft under
//! the engine's checker, publishes it (once, however many times the button is pressed), and
//! re-slots one candidate without moving anyone else. Drafts stay invisible to candidates and
//! interviewers.

use crate::both;
use crate::helpers::*;
use crate::phone_screens::{all_at_once_responses, interviewer, signed_in_as};
use chrono::{Datelike, Duration, Utc, Weekday};
use cohort_app::interviews;
use cohort_domain::interviews::profile::TrainingState;
use cohort_domain::Role;
use reqwest::StatusCode;

const TRACK: &str = "Software Development";

/// An interviewer of the track qualified in every technical area, in Dublin; a bar raiser when
/// asked. Returns their id and address.
async fn loop_interviewer(app: &TestApp, name: &str, bar_raiser: bool) -> (i64, String) {
    let (id, email) = interviewer(app, name, "Europe/Dublin").await;
    let app_ = app.state.app();
    interviews::profiles::set_staffing(app_, id, bar_raiser, &[TRACK.to_owned()])
        .await
        .unwrap();
    for competency in app.store().competencies().await.unwrap() {
        let _ = interviews::profiles::set_training_state(
            app_,
            id,
            competency.id,
            Some(TrainingState::Qualified),
        )
        .await;
    }
    (id, email)
}

/// The first weekday at least two days ahead, as the plan form sends it.
pub(crate) fn plan_day() -> String {
    let mut day = Utc::now().date_naive() + Duration::days(2);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += Duration::days(1);
    }
    day.to_string()
}

/// A season with the track's suggested loop, six interviewers (two bar raisers) and two
/// candidates in Final loop. Returns the recruiter, the candidates' (browser, address,
/// application id) and the interviewers' (id, address).
pub(crate) async fn week_to_plan(
    app: &TestApp,
) -> (
    SeasonFixture,
    Browser,
    Vec<(Browser, String, i64)>,
    Vec<(i64, String)>,
) {
    let season = app.seed_season().await;
    let recruiter = app.signed_in(Role::Recruiter).await;
    let mut staff = Vec::new();
    for (name, bar_raiser) in [
        ("Aoife Byrne", true),
        ("Brian Walsh", false),
        ("Ciara Nolan", false),
        ("Declan Ryan", true),
        ("Eimear Doyle", false),
        ("Fionn Kelly", false),
    ] {
        staff.push(loop_interviewer(app, name, bar_raiser).await);
    }
    let rules = app.store().competency_rules().await.unwrap();
    let track = app.store().tracks(season.season_id).await.unwrap()[0].id;
    let template = interviews::suggested::suggested_template(TRACK, &rules).unwrap();
    interviews::save_loop_template(app.state.app(), season.season_id, track, &template)
        .await
        .unwrap();
    let mut candidates = Vec::new();
    for name in ["Grace Hopper", "Alan Turing"] {
        let (browser, email) = app.candidate(name).await;
        let mut fields = ApplicationFields::new(season.season_id, vec![season.open[0]]);
        fields.resume = pdf_resume(&format!("{name} compilers"));
        assert_eq!(browser.apply(&fields).await.status(), StatusCode::SEE_OTHER);
        let id = own_application_id(&browser).await;
        let detail = format!("/staff/applications/{id}");
        for to in ["screening", "phone_screen", "final_loop"] {
            let response = recruiter
                .post_form(&detail, &format!("{detail}/transition"), &[("to", to)])
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "moving to {to}");
        }
        candidates.push((browser, email, id));
    }
    (season, recruiter, candidates, staff)
}

/// Plans `day` for the season and runs the engine; returns the plan's page address.
pub(crate) async fn planned(
    app: &TestApp,
    season: &SeasonFixture,
    recruiter: &Browser,
    day: &str,
) -> String {
    let form = format!("/staff/seasons/{}/plans", season.season_id);
    let response = recruiter
        .post_form(&form, &form, &[("day", day), ("seconds", "1")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = recruiter.get_text(&page).await;
    assert!(html.contains("The engine is planning this week"), "{html}");
    cohort_app::pools::run_background_due(app.state.app())
        .await
        .unwrap();
    page
}

/// Saves `profile` for the interviewer `user_id`, then presses Publish on the plan's `page` at
/// `revision`; the answer to the press.
async fn publish_with_profile(
    app: &TestApp,
    recruiter: &Browser,
    page: &str,
    revision: &str,
    user_id: i64,
    profile: &cohort_domain::interviews::profile::Profile,
) -> reqwest::Response {
    interviews::profiles::save_profile(app.state.app(), user_id, profile)
        .await
        .unwrap();
    recruiter
        .post_form(page, &format!("{page}/publish"), &[("revision", revision)])
        .await
}

pub(crate) fn plan_id_of(page: &str) -> i64 {
    page.rsplit('/').next().unwrap().parse().unwrap()
}

/// Presses a form's button fifty times at once, as from the page `page` (its CSRF token) with
/// `fields`, and checks that exactly one press took effect and the others were refused as stale
/// (409). Returns where the one that took effect led.
async fn fifty_presses_take_effect_once(
    app: &TestApp,
    recruiter: &Browser,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> String {
    let csrf = recruiter.csrf(page).await;
    let url = app.url(action);
    let requests = (0..50)
        .map(|_| {
            let mut form = vec![("csrf", csrf.as_str())];
            form.extend_from_slice(fields);
            recruiter.client.post(&url).form(&form)
        })
        .collect();
    let responses = all_at_once_responses(requests).await;
    let done: Vec<_> = responses
        .iter()
        .filter(|(status, _)| *status == StatusCode::SEE_OTHER)
        .collect();
    assert_eq!(done.len(), 1, "{responses:?}");
    assert!(
        responses
            .iter()
            .all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT),
        "{responses:?}"
    );
    done[0].1.clone()
}

pub(crate) async fn loop_interviews(
    app: &TestApp,
    application_id: i64,
) -> Vec<cohort_store::interviews::bookings::InterviewRecord> {
    interviews::plans::loop_of(app.state.app(), application_id)
        .await
        .unwrap()
}

/// Python's `icalendar` reads an invitation: its method, and each event's UID and sequence.
const READ_INVITATION: &str = r#"
import sys
from icalendar import Calendar
calendar = Calendar.from_ical(sys.stdin.read())
print("METHOD", calendar["METHOD"])
for event in calendar.walk("VEVENT"):
    print("EVENT", event["UID"], event["SEQUENCE"], event.decoded("DTSTART").isoformat())
"#;

both!(
    a_coordinator_plans_a_week_edits_it_under_the_checker_and_publishes_it_once_and_only_then_do_people_see_it_and_a_rejection_calls_the_loop_off,
    |app: TestApp| async move {
        let (season, recruiter, candidates, staff) = week_to_plan(&app).await;
        let day = plan_day();
        let page = planned(&app, &season, &recruiter, &day).await;
        let plan_id = plan_id_of(&page);
        let (status, html) = recruiter.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<strong>2 of 2</strong>"), "{html}");
        assert!(html.contains("At most 2 of 2"), "{html}");
        assert!(html.contains("Grace Hopper") && html.contains("Alan Turing"));
        assert!(html.contains("Interviewers by day"));

        // A draft is the coordinator's alone: no loop on the candidates' pages or the
        // interviewers' schedules, no mail.
        let (grace, grace_email, grace_id) = &candidates[0];
        let (_, alan_email, alan_id) = &candidates[1];
        let (_, home) = grace.get_text("/me").await;
        assert!(!home.contains("Your final interviews"), "{home}");
        let interviewer_browser = signed_in_as(&app, &staff[0].1).await;
        let (_, schedule) = interviewer_browser.get_text("/interviewer/interviews").await;
        assert!(!schedule.contains("Grace Hopper"), "{schedule}");
        assert!(app
            .store()
            .messages_to(grace_email)
            .await
            .unwrap()
            .iter()
            .all(|m| m.template != "loop_scheduled"));

        // An edit that breaks a rule is refused with the rule, and changes nothing.
        let before = app.store().plan(plan_id).await.unwrap();
        let loop_page = format!("{page}/loops/a{grace_id}");
        let revision = before.revision.to_string();
        let night = format!("{day}T03:00");
        let response = recruiter
            .post_form(
                &loop_page,
                &format!("{loop_page}/move"),
                &[
                    ("revision", revision.as_str()),
                    ("seat", "0"),
                    ("interviewer", &format!("i{}", staff[1].0)),
                    ("start", night.as_str()),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert!(body.contains("Not saved:"), "{body}");
        assert_eq!(app.store().plan(plan_id).await.unwrap(), before);

        // Bad input: a start that is not a time, a seat the loop does not have.
        for (seat, start, expected) in [
            ("0", "tomorrow", StatusCode::UNPROCESSABLE_ENTITY),
            ("9", night.as_str(), StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let response = recruiter
                .post_form(
                    &loop_page,
                    &format!("{loop_page}/move"),
                    &[
                        ("revision", revision.as_str()),
                        ("seat", seat),
                        ("interviewer", "i1"),
                        ("start", start),
                    ],
                )
                .await;
            assert_eq!(response.status(), expected, "seat {seat}, start {start}");
        }
        assert_eq!(app.store().plan(plan_id).await.unwrap(), before);

        // Removing Alan's loop passes the checker and is saved; a page with the old revision is
        // then refused.
        let alan_page = format!("{page}/loops/a{alan_id}");
        let remove = format!("{alan_page}/remove");
        let response = recruiter
            .post_form(&alan_page, &remove, &[("revision", revision.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = recruiter
            .post_form(&alan_page, &remove, &[("revision", revision.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let (_, html) = recruiter.get_text(&page).await;
        assert!(html.contains("<strong>1 of 2</strong>"), "{html}");
        assert!(html.contains("the coordinator removed their loop"), "{html}");

        // Moving Grace's whole loop an hour later keeps its interviewers and gaps.
        let details = interviews::plans::plan_details(app.state.app(), plan_id)
            .await
            .unwrap();
        let loop_of_grace = |details: &interviews::plans::PlanDetails| {
            details
                .candidates
                .iter()
                .find(|c| c.application_id == *grace_id)
                .unwrap()
                .interviews
                .clone()
        };
        let was = loop_of_grace(&details);
        let later = (was[0].start + Duration::hours(1))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        // Fifty presses at once move it once: each carries the same revision, and only the
        // first save finds it current.
        let revision = details.plan.revision.to_string();
        fifty_presses_take_effect_once(
            &app,
            &recruiter,
            &loop_page,
            &format!("{loop_page}/move-loop"),
            &[("revision", revision.as_str()), ("start", later.as_str())],
        )
        .await;
        let now = loop_of_grace(
            &interviews::plans::plan_details(app.state.app(), plan_id)
                .await
                .unwrap(),
        );
        for (before, after) in was.iter().zip(&now) {
            assert_eq!(after.start - before.start, Duration::hours(1));
            assert_eq!(after.interviewer, before.interviewer);
        }

        // Fifty presses of Publish at once publish the plan once.
        let revision = app.store().plan(plan_id).await.unwrap().revision.to_string();
        fifty_presses_take_effect_once(
            &app,
            &recruiter,
            &page,
            &format!("{page}/publish"),
            &[("revision", revision.as_str())],
        )
        .await;

        let booked = loop_interviews(&app, *grace_id).await;
        assert_eq!(booked.len(), 5);
        assert!(booked.iter().all(|i| i.plan_id == Some(plan_id)));
        assert!(loop_interviews(&app, *alan_id).await.is_empty());
        let (_, home) = grace.get_text("/me").await;
        assert!(home.contains("Your final interviews"), "{home}");
        assert!(home.contains("Interview 5:"), "{home}");
        assert!(app
            .store()
            .messages_to(alan_email)
            .await
            .unwrap()
            .iter()
            .all(|m| m.template != "loop_scheduled"));

        // The candidate's invitation covers the loop; each interviewer's covers their seat.
        let mail = app
            .store()
            .messages_to(grace_email)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.template == "loop_scheduled")
            .expect("the loop's invitation");
        let lines = python_lines(READ_INVITATION, mail.calendar.as_deref().unwrap());
        assert_eq!(lines[0], "METHOD REQUEST");
        assert!(lines[1].starts_with("EVENT final-loop-"), "{lines:?}");
        for interview in &booked {
            let email = interview.interviewer_email.as_deref().unwrap();
            let mail = app
                .store()
                .messages_to(email)
                .await
                .unwrap()
                .into_iter()
                .find(|m| m.template == "loop_interview_assigned")
                .expect("the interviewer's invitation");
            let lines = python_lines(READ_INVITATION, mail.calendar.as_deref().unwrap());
            assert_eq!(lines[0], "METHOD REQUEST");
            assert!(
                lines[1].starts_with(&format!("EVENT interview-{}@", interview.id)),
                "{lines:?}"
            );
        }
        let mine = booked
            .iter()
            .find(|i| i.interviewer_id == Some(staff[0].0));
        let (_, schedule) = interviewer_browser.get_text("/interviewer/interviews").await;
        assert_eq!(schedule.contains("Grace Hopper"), mine.is_some(), "{schedule}");

        // A published plan cannot be published or edited again.
        let revision = app.store().plan(plan_id).await.unwrap().revision.to_string();
        let response = recruiter
            .post_form(&page, &format!("{page}/publish"), &[("revision", revision.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);

        // Rejecting Grace calls her loop off: one cancellation of the whole loop to her (the
        // invitation she had), and one per interview to its interviewer.
        let detail = format!("/staff/applications/{grace_id}");
        let response = recruiter
            .post_form(
                &detail,
                &format!("{detail}/transition"),
                &[("to", "rejected"), ("reason_code", "position_filled")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(loop_interviews(&app, *grace_id).await.is_empty());
        let cancelled: Vec<_> = app
            .store()
            .messages_to(grace_email)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.template == "interview_cancelled")
            .collect();
        assert_eq!(cancelled.len(), 1, "one cancellation of the loop");
        let lines = python_lines(READ_INVITATION, cancelled[0].calendar.as_deref().unwrap());
        assert_eq!(lines[0], "METHOD CANCEL");
        assert!(lines[1].starts_with("EVENT final-loop-"), "{lines:?}");
        let published_sequence: i64 = {
            let lines = python_lines(READ_INVITATION, mail.calendar.as_deref().unwrap());
            lines[1].split(' ').nth(2).unwrap().parse().unwrap()
        };
        let cancelled_sequence: i64 = lines[1].split(' ').nth(2).unwrap().parse().unwrap();
        assert!(cancelled_sequence > published_sequence);
        for interview in &booked {
            let email = interview.interviewer_email.as_deref().unwrap();
            assert!(app
                .store()
                .messages_to(email)
                .await
                .unwrap()
                .iter()
                .any(|m| m.template == "interview_cancelled"
                    && m.body.contains("final loop interview with Grace Hopper")));
        }
    }
);

both!(
    re_slotting_a_published_loop_moves_only_the_interview_whose_interviewer_dropped_out_and_tells_only_its_people,
    |app: TestApp| async move {
        let (season, recruiter, candidates, staff) = week_to_plan(&app).await;
        let page = planned(&app, &season, &recruiter, &plan_day()).await;
        let plan_id = plan_id_of(&page);
        let revision = app.store().plan(plan_id).await.unwrap().revision.to_string();
        let response = recruiter
            .post_form(&page, &format!("{page}/publish"), &[("revision", revision.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, grace_email, grace_id) = &candidates[0];
        let (_, _, alan_id) = &candidates[1];
        let before = loop_interviews(&app, *grace_id).await;
        let alan_before = loop_interviews(&app, *alan_id).await;
        let dropped = before[1].clone();
        let dropped_id = dropped.interviewer_id.unwrap();
        let mail_count = |email: String| {
            let app = &app;
            async move { app.store().messages_to(&email).await.unwrap().len() }
        };
        let mut counts = Vec::new();
        for (_, email) in &staff {
            counts.push(mail_count(email.clone()).await);
        }

        // Fifty presses of Re-slot at once re-slot once.
        let loop_page = format!("{page}/loops/a{grace_id}");
        let revision = app.store().plan(plan_id).await.unwrap().revision.to_string();
        let without = format!("i{dropped_id}");
        let location = fifty_presses_take_effect_once(
            &app,
            &recruiter,
            &loop_page,
            &format!("{loop_page}/reslot"),
            &[("revision", revision.as_str()), ("without", without.as_str())],
        )
        .await;
        assert!(location.ends_with("notice=reslotted"), "{location}");

        let after = loop_interviews(&app, *grace_id).await;
        assert_eq!(after.len(), 5);
        assert!(after.iter().all(|i| i.interviewer_id != Some(dropped_id)));
        // Alan's loop is untouched, row for row.
        assert_eq!(loop_interviews(&app, *alan_id).await, alan_before);
        // Grace's interviews that did not change keep their rows and sequences.
        let kept: Vec<_> = before
            .iter()
            .filter(|b| after.iter().any(|a| a.id == b.id))
            .collect();
        assert!(!kept.is_empty(), "some interviews stay as they were");
        for b in &kept {
            let a = after.iter().find(|a| a.id == b.id).unwrap();
            assert_eq!(a.sequence, b.sequence);
        }
        // Only the people of changed interviews were mailed.
        let changed: Vec<i64> = before
            .iter()
            .filter(|b| !after.iter().any(|a| a.id == b.id))
            .filter_map(|b| b.interviewer_id)
            .chain(
                after
                    .iter()
                    .filter(|a| !before.iter().any(|b| b.id == a.id))
                    .filter_map(|a| a.interviewer_id),
            )
            .collect();
        assert!(changed.contains(&dropped_id));
        for ((id, email), count) in staff.iter().zip(&counts) {
            let now = mail_count(email.clone()).await;
            if changed.contains(id) {
                assert!(now > *count, "{email} was told");
            } else {
                assert_eq!(now, *count, "{email} was not told");
            }
        }
        let dropped_mail = app
            .store()
            .messages_to(dropped.interviewer_email.as_deref().unwrap())
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.template == "interview_cancelled")
            .expect("the cancellation");
        let lines = python_lines(READ_INVITATION, dropped_mail.calendar.as_deref().unwrap());
        assert_eq!(lines[0], "METHOD CANCEL");
        // The candidate's loop invitation goes out again with a higher sequence.
        let sequences: Vec<i64> = app
            .store()
            .messages_to(grace_email)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.template == "loop_scheduled")
            .map(|m| {
                let lines = python_lines(READ_INVITATION, m.calendar.as_deref().unwrap());
                lines[1].split(' ').nth(2).unwrap().parse().unwrap()
            })
            .collect();
        assert_eq!(sequences.len(), 2, "{sequences:?}");
        assert_ne!(sequences[0], sequences[1]);
    }
);

both!(
    a_plan_refuses_bad_days_and_time_limits_with_a_reason_and_makes_nothing,
    |app: TestApp| async move {
        let (season, recruiter, _, _) = week_to_plan(&app).await;
        let form = format!("/staff/seasons/{}/plans", season.season_id);
        let yesterday = (Utc::now().date_naive() - Duration::days(1)).to_string();
        let day = plan_day();
        for (fields, says) in [
            (vec![("seconds", "5")], "Pick at least one day."),
            (
                vec![("day", yesterday.as_str()), ("seconds", "5")],
                "has passed",
            ),
            (vec![("day", "next tuesday")], "is not a date"),
            (
                vec![("day", day.as_str()), ("seconds", "0")],
                "The time limit is from 1 to",
            ),
            (
                vec![("day", day.as_str()), ("seconds", "soon")],
                "The time limit is from 1 to",
            ),
        ] {
            let response = recruiter.post_form(&form, &form, &fields).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let body = response.text().await.unwrap();
            assert!(body.contains(says), "{says}: {body}");
        }
        assert!(app
            .store()
            .plans_of_season(season.season_id)
            .await
            .unwrap()
            .is_empty());
        let missing = "/staff/seasons/999999/plans";
        let response = recruiter
            .post_form(&form, missing, &[("day", day.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
);

both!(
    a_trainee_is_seated_as_a_shadow_invited_as_one_and_their_seat_counts_towards_graduation_once_it_has_taken_place,
    |app: TestApp| async move {
        let (season, recruiter, candidates, _) = week_to_plan(&app).await;
        // A trainee who shadows every technical area and is qualified in none.
        let (shadow_id, shadow_email) = loop_interviewer(&app, "Grainne Shadow", false).await;
        let app_ = app.state.app();
        let areas: Vec<_> = app
            .store()
            .competencies()
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.kind == cohort_domain::interviews::CompetencyKind::Technical)
            .collect();
        for area in &areas {
            interviews::profiles::set_training_state(
                app_,
                shadow_id,
                area.id,
                Some(TrainingState::Shadowing),
            )
            .await
            .unwrap();
        }
        let page = planned(&app, &season, &recruiter, &plan_day()).await;
        let (_, html) = recruiter.get_text(&page).await;
        assert!(html.contains("(shadow)"), "the grid shows the shadow: {html}");
        let revision = app
            .store()
            .plan(plan_id_of(&page))
            .await
            .unwrap()
            .revision
            .to_string();
        let response = recruiter
            .post_form(&page, &format!("{page}/publish"), &[("revision", revision.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        let mut seated = Vec::new();
        for (_, _, id) in &candidates {
            seated.extend(
                loop_interviews(&app, *id)
                    .await
                    .into_iter()
                    .filter(|i| i.shadow_id == Some(shadow_id)),
            );
        }
        assert!(!seated.is_empty(), "the trainee sits in on some interview");
        let invitation = app
            .store()
            .messages_to(&shadow_email)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.template == "loop_interview_assigned")
            .expect("the shadow's invitation");
        assert!(invitation.subject.starts_with("Shadowing a final loop interview"));
        let calendar = invitation.calendar.unwrap();
        let lines = python_lines(READ_ATTENDEES, &calendar);
        assert!(
            lines.contains(&format!("ATTENDEE mailto:{shadow_email} OPT-PARTICIPANT")),
            "{lines:?}"
        );

        // The trainee's schedule lists the seats they shadow, with whom, but not the résumé,
        // which is for the interviewer.
        let trainee = signed_in_as(&app, &shadow_email).await;
        let (_, schedule) = trainee.get_text("/interviewer/interviews").await;
        let shadowed = seated
            .iter()
            .find(|i| i.interviewer_id != Some(shadow_id))
            .expect("a seat the trainee shadows");
        let whom = format!("you shadow {}", shadowed.interviewer_name.as_deref().unwrap());
        assert!(schedule.contains(&whom), "{schedule}");
        assert!(schedule.contains(&shadowed.candidate_name), "{schedule}");
        let resume = format!("/interviewer/interviews/{}/resume", shadowed.id);
        assert!(!schedule.contains(&resume), "{schedule}");
        assert_eq!(trainee.get(&resume).await.status(), StatusCode::NOT_FOUND);

        // Before the interviews, nothing is counted; after them, each seat once.
        cohort_app::pools::run_background_due(app_).await.unwrap();
        let counted = |app: &TestApp| {
            let app = app.store().clone();
            async move {
                app.interviewer(shadow_id)
                    .await
                    .unwrap()
                    .unwrap()
                    .training
                    .values()
                    .map(|t| t.shadows)
                    .sum::<u32>()
            }
        };
        assert_eq!(counted(&app).await, 0);

        // A day before the loops, each candidate is reminded once of their whole loop, and
        // each interviewer and the shadow of each of their seats.
        let mut seats = Vec::new();
        for (_, _, id) in &candidates {
            seats.push(loop_interviews(&app, *id).await);
        }
        let last_start = seats.iter().flatten().map(|i| i.starts_at).max().unwrap();
        app_.clock().advance(last_start - 24 * 3600 + 60 - app.state.now());
        cohort_app::pools::run_background_due(app_).await.unwrap();
        cohort_app::pools::run_background_due(app_).await.unwrap();
        let reminders_to = |email: String| {
            let store = app.store().clone();
            async move {
                store
                    .messages_to(&email)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|m| m.template == "interview_reminder")
                    .collect::<Vec<_>>()
            }
        };
        for the_loop in seats.iter().filter(|l| !l.is_empty()) {
            let to_candidate = reminders_to(the_loop[0].candidate_email.clone()).await;
            assert_eq!(to_candidate.len(), 1, "{to_candidate:?}");
            assert_eq!(
                to_candidate[0].subject,
                format!("Reminder: {} final interviews tomorrow", the_loop.len())
            );
        }
        // Seats per person, as interviewer or as shadow (the trainee may also interview).
        let mut per_person = std::collections::BTreeMap::<String, usize>::new();
        for interview in seats.iter().flatten() {
            let people = [&interview.interviewer_email, &interview.shadow_email];
            for email in people.into_iter().flatten() {
                *per_person.entry(email.clone()).or_default() += 1;
            }
        }
        for (email, count) in per_person {
            let to_person = reminders_to(email).await;
            assert_eq!(to_person.len(), count, "{to_person:?}");
            assert!(to_person
                .iter()
                .all(|m| m.subject.starts_with("Reminder: final-loop interview ")));
        }
        let as_shadow = reminders_to(shadow_email.clone())
            .await
            .into_iter()
            .filter(|m| m.subject.contains("(as a shadow)"))
            .count();
        assert_eq!(as_shadow, seated.len());

        app_.clock().advance(10 * 24 * 3600);
        cohort_app::pools::run_background_due(app_).await.unwrap();
        cohort_app::pools::run_background_due(app_).await.unwrap();
        assert_eq!(counted(&app).await as usize, seated.len());
    }
);

/// Python's `icalendar` lists an invitation's attendees with their roles.
const READ_ATTENDEES: &str = r#"
import sys
from icalendar import Calendar
calendar = Calendar.from_ical(sys.stdin.read())
for event in calendar.walk("VEVENT"):
    attendees = event.get("ATTENDEE")
    if not isinstance(attendees, list):
        attendees = [attendees]
    for attendee in attendees:
        print("ATTENDEE", str(attendee), attendee.params.get("ROLE"))
"#;

both!(
    publishing_checks_the_draft_again_and_refuses_what_changed_since_the_engine_planned_it,
    |app: TestApp| async move {
        let (season, recruiter, candidates, _staff) = week_to_plan(&app).await;
        let page = planned(&app, &season, &recruiter, &plan_day()).await;
        let plan_id = plan_id_of(&page);
        let plan = app.store().plan(plan_id).await.unwrap();
        let schedule =
            cohort_plan::loops::Schedule::from_json(plan.schedule.as_deref().unwrap()).unwrap();
        assert_eq!(schedule.loops.len(), 2, "both candidates have a loop");
        // Two loops of five on one day among six interviewers: someone has two seats.
        let mut seats: std::collections::BTreeMap<String, usize> = Default::default();
        for interview in schedule.loops.iter().flat_map(|l| &l.interviews) {
            *seats.entry(interview.interviewer.clone()).or_default() += 1;
        }
        let (busiest, count) = seats.into_iter().max_by_key(|(_, n)| *n).unwrap();
        assert!(count >= 2, "{busiest} has {count} seats");
        let user_id: i64 = busiest[1..].parse().unwrap();
        let mut profile = app
            .store()
            .interviewer(user_id)
            .await
            .unwrap()
            .unwrap()
            .profile
            .unwrap();

        // Their daily cap is lowered to one after the engine planned: publishing is refused
        // with the checker's rule, and nothing is written or mailed.
        let revision = plan.revision.to_string();
        profile.daily_cap = 1;
        let response =
            publish_with_profile(&app, &recruiter, &page, &revision, user_id, &profile).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Not published: since the plan was made, the interviewer would pass their daily cap"),
            "{html}"
        );
        for (_, _, application_id) in &candidates {
            assert!(loop_interviews(&app, *application_id).await.is_empty());
        }
        let after = app.store().plan(plan_id).await.unwrap();
        assert_eq!(after.status, plan.status);
        assert_eq!(after.revision, plan.revision);

        // With the cap raised again, the same draft publishes.
        profile.daily_cap = 4;
        let response =
            publish_with_profile(&app, &recruiter, &page, &revision, user_id, &profile).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        for (_, _, application_id) in &candidates {
            assert_eq!(loop_interviews(&app, *application_id).await.len(), 5);
        }
    }
);
