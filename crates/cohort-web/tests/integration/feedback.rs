//! Interview feedback on a published loop: scorecards saved as drafts (by form and by the page's
//! autosave), submitted and locked, amended beside the original; the blind rule across every
//! page that shows feedback and every role; practice feedback from a shadow; and the recruiters'
//! list of overdue feedback.

use crate::both;
use crate::final_loops::{loop_interviews, plan_day, plan_id_of, planned, week_to_plan};
use crate::helpers::*;
use crate::phone_screens::{all_at_once_responses, interviewer, signed_in_as};
use cohort_domain::Role;
use cohort_store::interviews::bookings::InterviewRecord;
use reqwest::StatusCode;

/// A published loop for the first candidate of [`week_to_plan`], with the clock moved to an hour
/// after it ended. Returns the recruiter, the candidate's application and the loop's interviews
/// (with each interviewer's address).
async fn loop_that_took_place(app: &TestApp) -> (Browser, i64, Vec<(InterviewRecord, String)>) {
    let (season, recruiter, candidates, staff) = week_to_plan(app).await;
    let page = planned(app, &season, &recruiter, &plan_day()).await;
    let revision = app
        .store()
        .plan(plan_id_of(&page))
        .await
        .unwrap()
        .revision
        .to_string();
    let response = recruiter
        .post_form(
            &page,
            &format!("{page}/publish"),
            &[("revision", revision.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let application_id = candidates[0].2;
    let interviews = loop_interviews(app, application_id).await;
    assert_eq!(
        interviews.len(),
        5,
        "the suggested loop has five interviews"
    );
    let ended = interviews.iter().map(|i| i.ends_at).max().unwrap();
    app.state
        .app()
        .clock()
        .advance(ended - app.state.now() + 3600);
    let with_emails = interviews
        .into_iter()
        .map(|interview| {
            let email = staff
                .iter()
                .find(|(id, _)| Some(*id) == interview.interviewer_id)
                .unwrap()
                .1
                .clone();
            (interview, email)
        })
        .collect();
    // Sessions made before the clock moved may have expired: sign the recruiter in again.
    let recruiter_email = "feedback-recruiter@example.com";
    app.create_account(recruiter_email, "Rita Recruiter", &[Role::Recruiter])
        .await;
    let recruiter = signed_in_as(app, recruiter_email).await;
    (recruiter, application_id, with_emails)
}

fn scorecard_path(interview_id: i64) -> String {
    format!("/interviewer/interviews/{interview_id}/feedback")
}

/// The principles a scorecard page asks about, by the ids in its field names.
fn principle_ids(html: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for part in html.split("name=\"p").skip(1) {
        let id: String = part.chars().take_while(char::is_ascii_digit).collect();
        if !id.is_empty() && part[id.len()..].starts_with("_situation\"") && !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Every answer a scorecard page asks for, each text marked with `mark` so a test can find it
/// on other pages, with `intent`.
fn answers(html: &str, mark: &str, intent: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for id in principle_ids(html) {
        for part in ["situation", "task", "action", "result"] {
            fields.push((format!("p{id}_{part}"), format!("{part} heard by {mark}")));
        }
        fields.push((format!("p{id}_rating"), "3".to_owned()));
    }
    if html.contains("name=\"technical_notes\"") {
        fields.push(("technical_notes".into(), format!("notes of {mark}")));
        fields.push(("technical_rating".into(), "4".into()));
    }
    fields.push(("recommendation".into(), "hire".into()));
    fields.push(("summary".into(), format!("summary of {mark}")));
    fields.push(("intent".into(), intent.into()));
    fields
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Fills in and posts a whole scorecard as `browser`; the answer.
async fn write_scorecard(
    browser: &Browser,
    interview_id: i64,
    mark: &str,
    intent: &str,
) -> reqwest::Response {
    let path = scorecard_path(interview_id);
    let (status, html) = browser.get_text(&path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let fields = answers(&html, mark, intent);
    browser.post_form(&path, &path, &pairs(&fields)).await
}

both!(
    nobody_on_the_panel_reads_anyone_elses_feedback_before_submitting_their_own_and_nobody_ever_reads_a_draft,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        let feedback_page = format!("/feedback/applications/{application_id}");
        let mut panel = Vec::new();
        for (interview, email) in &interviews {
            panel.push((interview.id, signed_in_as(&app, email).await));
        }
        let (first, first_browser) = (&panel[0].0, &panel[0].1);
        let (second, second_browser) = (&panel[1].0, &panel[1].1);
        let (third, third_browser) = (&panel[2].0, &panel[2].1);

        // The scorecard asks for the principles of the seat the interview fills.
        let (_, html) = first_browser.get_text(&scorecard_path(*first)).await;
        assert_eq!(principle_ids(&html).len(), 2, "{html}");
        assert!(html.contains("Rating for"), "{html}");
        assert!(html.contains("Meets the bar"), "{html}");

        // The second interviewer submits; the third keeps a draft.
        let response = write_scorecard(second_browser, *second, "Second", "submit").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = write_scorecard(third_browser, *third, "Third", "draft").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        // The first has submitted nothing: the page says feedback is hidden, and shows none of
        // it; the scorecard page shows none either.
        let (status, html) = first_browser.get_text(&feedback_page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("1 scorecard is"), "{html}");
        assert!(html.contains("hidden until you submit your own feedback"));
        assert!(!html.contains("summary of Second") && !html.contains("heard by Second"));
        assert!(!html.contains("summary of Third"));
        let (_, html) = first_browser.get_text(&scorecard_path(*first)).await;
        assert!(!html.contains("Second") && !html.contains("Third"), "{html}");
        // Nor can they open another's scorecard page: it is not theirs.
        let (status, _) = first_browser.get_text(&scorecard_path(*second)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The recruiter and a hiring manager read submitted feedback, never a draft.
        let manager = app.signed_in(Role::HiringManager).await;
        for reader in [&recruiter, &manager] {
            let (status, html) = reader.get_text(&feedback_page).await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("summary of Second"), "{html}");
            assert!(html.contains("situation heard by Second"));
            assert!(!html.contains("Third"), "a draft shown: {html}");
        }
        // An interviewer not on the panel, a mentor and an intern do not open the page at all.
        let (_, outsider_email) = interviewer(&app, "Olga Outsider", "Europe/Dublin").await;
        let outsider = signed_in_as(&app, &outsider_email).await;
        for stranger in [
            &outsider,
            &app.signed_in(Role::Mentor).await,
            &app.signed_in(Role::Intern).await,
        ] {
            let (status, html) = stranger.get_text(&feedback_page).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{html}");
        }

        // An incomplete submission is refused field by field and locks nothing.
        let path = scorecard_path(*first);
        let mut fields = answers(&html_of(first_browser, &path).await, "First", "submit");
        fields.retain(|(k, _)| k != "summary" && !k.ends_with("_result"));
        let response = first_browser.post_form(&path, &path, &pairs(&fields)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert!(body.contains("Write a one-paragraph summary before you submit."), "{body}");
        assert!(body.contains("Write the result of the example before you submit."));
        // What was typed is kept on the page.
        assert!(body.contains("situation heard by First"));
        assert!(app
            .store()
            .scorecard_of(*first, interviews[0].0.interviewer_id.unwrap())
            .await
            .unwrap()
            .is_none());

        // Once the first submits, they read the second's feedback, but still not the draft.
        let response = write_scorecard(first_browser, *first, "First", "submit").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = first_browser.get_text(&feedback_page).await;
        assert!(html.contains("summary of Second") && html.contains("summary of First"));
        assert!(!html.contains("hidden until you submit"), "{html}");
        assert!(!html.contains("Third"));
        // The third, whose draft is not submitted, still reads only their own draft.
        let (_, html) = third_browser.get_text(&feedback_page).await;
        assert!(html.contains("2 scorecards are"), "{html}");
        assert!(html.contains("summary of Third") && html.contains("Only you can read this draft"));
        assert!(!html.contains("summary of First") && !html.contains("summary of Second"));
    }
);

async fn html_of(browser: &Browser, path: &str) -> String {
    browser.get_text(path).await.1
}

both!(
    a_shadows_practice_feedback_is_read_by_the_interviewer_shadowed_and_by_bar_raisers_and_never_by_recruiters,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        let feedback_page = format!("/feedback/applications/{application_id}");
        // A trainee sits in on the first interview as its shadow.
        let (trainee, trainee_email) = interviewer(&app, "Tadhg Trainee", "Europe/Dublin").await;
        let first = &interviews[0].0;
        sqlx::query("UPDATE interviews SET shadow_id = $1 WHERE id = $2")
            .bind(trainee)
            .bind(first.id)
            .execute(app.store().writer())
            .await
            .unwrap();
        let shadow = signed_in_as(&app, &trainee_email).await;
        let (status, html) = shadow.get_text(&scorecard_path(first.id)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Practice feedback"), "{html}");
        let response = write_scorecard(&shadow, first.id, "Shadow", "submit").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        // The shadow reads their own, and nothing of the panel's.
        let first_browser = signed_in_as(&app, &interviews[0].1).await;
        let response = write_scorecard(&first_browser, first.id, "Interviewer", "submit").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (status, html) = shadow.get_text(&feedback_page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("summary of Shadow") && !html.contains("summary of Interviewer"));

        // The interviewer shadowed reads it beside their own, marked as not counted.
        let (_, html) = first_browser.get_text(&feedback_page).await;
        assert!(html.contains("summary of Shadow") && html.contains("Practice feedback, not counted"));
        // A recruiter reads the counted feedback only.
        let (_, html) = recruiter.get_text(&feedback_page).await;
        assert!(html.contains("summary of Interviewer") && !html.contains("summary of Shadow"));
        // A bar raiser who is not on the panel reads the practice feedback only (to sign the
        // trainee off), not the panel's.
        let (raiser, raiser_email) = interviewer(&app, "Brona Raiser", "Europe/Dublin").await;
        cohort_app::interviews::profiles::set_staffing(
            app.state.app(),
            raiser,
            true,
            &["Software Development".to_owned()],
        )
        .await
        .unwrap();
        let raiser_browser = signed_in_as(&app, &raiser_email).await;
        let (status, html) = raiser_browser.get_text(&feedback_page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("summary of Shadow") && !html.contains("summary of Interviewer"));
    }
);

both!(
    drafts_save_as_the_interviewer_types_and_submitted_feedback_is_locked_once_however_often_it_is_sent,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        let (interview, email) = &interviews[1];
        let author = interview.interviewer_id.unwrap();
        let browser = signed_in_as(&app, email).await;
        let path = scorecard_path(interview.id);
        let html = html_of(&browser, &path).await;

        // The page's script saves a draft with a header, and is answered in JSON.
        let csrf = browser.csrf(&path).await;
        let mut fields = vec![("csrf".to_owned(), csrf.clone())];
        fields.extend(answers(&html, "Autosaved", "draft"));
        fields.retain(|(k, _)| k != "summary");
        let response = browser
            .client
            .post(browser.url(&path))
            .header("X-Cohort-Autosave", "1")
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let saved: serde_json::Value = response.json().await.unwrap();
        assert!(saved["message"].as_str().unwrap().starts_with("Draft saved at"));
        // The draft survives a new tab: the page shows it again.
        let html = html_of(&browser, &path).await;
        assert!(html.contains("situation heard by Autosaved"), "{html}");
        let card = app.store().scorecard_of(interview.id, author).await.unwrap().unwrap();
        assert!(!card.is_submitted());
        // An autosave that cannot be saved is answered in JSON with the reason.
        let response = browser
            .client
            .post(browser.url(&path))
            .header("X-Cohort-Autosave", "1")
            .form(&[("csrf", csrf.as_str()), ("recommendation", "maybe")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused: serde_json::Value = response.json().await.unwrap();
        assert_eq!(refused["error"], "invalid");

        // Fifty submissions at once, each with its own summary: one is kept, the rest refused.
        let mut requests = Vec::new();
        for n in 0..50 {
            let mut fields = vec![("csrf".to_owned(), csrf.clone())];
            fields.extend(answers(&html, &format!("Press {n}"), "submit"));
            requests.push(browser.client.post(browser.url(&path)).form(&fields));
        }
        let responses = all_at_once_responses(requests).await;
        let kept = responses
            .iter()
            .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
            .count();
        assert_eq!(kept, 1, "{responses:?}");
        assert!(responses
            .iter()
            .all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT));
        let card = app.store().scorecard_of(interview.id, author).await.unwrap().unwrap();
        assert!(card.is_submitted());
        let summary = card.answers.summary.clone();
        assert!(summary.starts_with("summary of Press "), "{summary}");
        assert!(card
            .answers
            .principles
            .iter()
            .all(|p| p.star.action.ends_with(&summary["summary of ".len()..])));

        // Locked: a later save or submission is refused and changes nothing.
        for intent in ["draft", "submit"] {
            let response = write_scorecard(&browser, interview.id, "Late", intent).await;
            assert_eq!(response.status(), StatusCode::CONFLICT, "{intent}");
        }
        // The database refuses a change too, whoever asks.
        for statement in [
            "UPDATE scorecards SET summary = 'rewritten' WHERE id = $1",
            "DELETE FROM scorecards WHERE id = $1",
            "UPDATE scorecard_principles SET action = 'rewritten' WHERE scorecard_id = $1",
            "DELETE FROM scorecard_principles WHERE scorecard_id = $1",
        ] {
            let refused = sqlx::query(statement)
                .bind(card.id)
                .execute(app.store().writer())
                .await;
            assert!(refused.is_err(), "{statement} was allowed");
        }
        assert_eq!(
            app.store().scorecard_of(interview.id, author).await.unwrap().unwrap(),
            card
        );

        // An amendment goes beside it, dated; an empty one is refused.
        let amend = format!("{path}/amendments");
        let response = browser.post_form(&path, &amend, &[("amendment", "  ")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = browser
            .post_form(&path, &amend, &[("amendment", "They also mentioned a rollback plan.")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let amended = app.store().scorecard_of(interview.id, author).await.unwrap().unwrap();
        assert_eq!(amended.answers, card.answers);
        assert_eq!(amended.amendments.len(), 1);
        let (_, html) = recruiter
            .get_text(&format!("/feedback/applications/{application_id}"))
            .await;
        assert!(html.contains("They also mentioned a rollback plan.") && html.contains(&summary));
        let refused = sqlx::query("UPDATE scorecard_amendments SET body = 'x'")
            .execute(app.store().writer())
            .await;
        assert!(refused.is_err());

        // Without the form's token nothing is saved.
        let response = browser
            .client
            .post(browser.url(&scorecard_path(interviews[2].0.id)))
            .form(&[("summary", "no token"), ("intent", "draft")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
);

both!(
    feedback_cannot_be_submitted_before_the_interview_and_bad_answers_change_nothing,
    |app: TestApp| async move {
        let (season, recruiter, candidates, staff) = week_to_plan(&app).await;
        let page = planned(&app, &season, &recruiter, &plan_day()).await;
        let revision = app
            .store()
            .plan(plan_id_of(&page))
            .await
            .unwrap()
            .revision
            .to_string();
        recruiter
            .post_form(
                &page,
                &format!("{page}/publish"),
                &[("revision", revision.as_str())],
            )
            .await;
        let interview = loop_interviews(&app, candidates[0].2).await.remove(0);
        let author = interview.interviewer_id.unwrap();
        let email = &staff.iter().find(|(id, _)| *id == author).unwrap().1;
        let browser = signed_in_as(&app, email).await;
        let path = scorecard_path(interview.id);
        let (status, html) = browser.get_text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("you can submit once the interview has started"),
            "{html}"
        );
        // Notes before the interview save as a draft; submitting is refused.
        let response = write_scorecard(&browser, interview.id, "Early", "submit").await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(app
            .store()
            .scorecard_of(interview.id, author)
            .await
            .unwrap()
            .is_none());
        let response = write_scorecard(&browser, interview.id, "Early", "draft").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        // Ratings outside 1 to 4, an unknown recommendation and overlong notes are refused by
        // field, and the draft stays as it was.
        let before = app
            .store()
            .scorecard_of(interview.id, author)
            .await
            .unwrap()
            .unwrap();
        let ids = principle_ids(&html);
        let long = "x".repeat(4001);
        for (field, value) in [
            (format!("p{}_rating", ids[0]), "7".to_owned()),
            ("technical_rating".to_owned(), "three".to_owned()),
            ("recommendation".to_owned(), "maybe".to_owned()),
            (format!("p{}_action", ids[1]), long.clone()),
        ] {
            let mut fields = answers(&html, "Bad", "draft");
            fields.retain(|(k, _)| *k != field);
            fields.push((field.clone(), value));
            let response = browser.post_form(&path, &path, &pairs(&fields)).await;
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}"
            );
        }
        assert_eq!(
            app.store()
                .scorecard_of(interview.id, author)
                .await
                .unwrap()
                .unwrap(),
            before
        );
        // Someone else's interview, and one that does not exist, are not found.
        let other =
            signed_in_as(&app, &staff.iter().find(|(id, _)| *id != author).unwrap().1).await;
        for path in [scorecard_path(interview.id), scorecard_path(999_999)] {
            let (status, _) = other.get_text(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
    }
);

both!(
    recruiters_see_feedback_that_is_past_due_until_it_is_submitted,
    |app: TestApp| async move {
        let (recruiter, _, interviews) = loop_that_took_place(&app).await;
        // An hour after the loop nothing is due yet.
        let (status, html) = recruiter.get_text("/staff/feedback/overdue").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Nothing is overdue."), "{html}");
        // A day later all five are late; the one with a draft says so.
        let browser = signed_in_as(&app, &interviews[0].1).await;
        write_scorecard(&browser, interviews[0].0.id, "Slow", "draft").await;
        let browser = signed_in_as(&app, &interviews[1].1).await;
        write_scorecard(&browser, interviews[1].0.id, "Prompt", "submit").await;
        app.state.app().clock().advance(24 * 3600);
        let recruiter = {
            let email = "overdue-recruiter@example.com";
            app.create_account(email, "Olive Recruiter", &[Role::Recruiter])
                .await;
            signed_in_as(&app, email).await
        };
        let (_, html) = recruiter.get_text("/staff/feedback/overdue").await;
        // Both candidates of the week had loops; Grace's four unsubmitted interviews are listed.
        let graces: Vec<&str> = html
            .split("<tr>")
            .filter(|row| row.contains("Grace Hopper"))
            .collect();
        assert_eq!(graces.len(), 4, "{html}");
        assert!(graces.iter().any(|r| r.contains("Draft started")));
        assert!(graces.iter().any(|r| r.contains("Not started")));
        let submitted = format!("Final loop, interview {}<", interviews[1].0.round);
        assert!(!graces.iter().any(|r| r.contains(&submitted)), "{html}");
        // An interviewer's own page shows which feedback is overdue.
        let (_, page) = signed_in_as(&app, &interviews[0].1)
            .await
            .get_text(&scorecard_path(interviews[0].0.id))
            .await;
        assert!(page.contains("overdue"), "{page}");
        // The list is the recruiters' alone.
        let manager = app.signed_in(Role::HiringManager).await;
        assert_eq!(
            manager.get("/staff/feedback/overdue").await.status(),
            StatusCode::FORBIDDEN
        );
    }
);
