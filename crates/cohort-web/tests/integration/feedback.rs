//! Interview feedback on a published loop: scorecards saved as drafts (by form and by the page's
//! autosave), submitted and locked, amended beside the original; the blind rule across every
//! page that shows feedback and every role; practice feedback from a shadow; and the recruiters'
//! list of overdue feedback; and the debrief: opened by the last scorecard (or a recruiter),
//! written votes hidden until all are in or the bar raiser reveals them, the bar raiser's veto,
//! and the decision that moves the candidate.

use crate::both;
use crate::final_loops::{loop_interviews, plan_day, plan_id_of, planned, week_to_plan};
use crate::helpers::*;
use crate::phone_screens::{all_at_once_responses, interviewer, signed_in_as};
use cohort_domain::Role;
use cohort_store::interviews::bookings::InterviewRecord;
use reqwest::StatusCode;

/// What [`published_loop`] made: the candidates of [`week_to_plan`] (browser, address,
/// application), the first one's loop with each interviewer's address, and the recruiter.
pub(crate) struct PublishedLoop {
    pub recruiter: Browser,
    pub candidates: Vec<(Browser, String, i64)>,
    pub application_id: i64,
    pub interviews: Vec<(InterviewRecord, String)>,
}

/// A published loop for the first candidate of [`week_to_plan`], still ahead.
pub(crate) async fn published_loop(app: &TestApp) -> PublishedLoop {
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
    let interviews = interviews
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
    PublishedLoop {
        recruiter,
        candidates,
        application_id,
        interviews,
    }
}

/// A published loop for the first candidate of [`week_to_plan`], with the clock moved to an hour
/// after it ended. Returns the recruiter, the candidate's application and the loop's interviews
/// (with each interviewer's address).
async fn loop_that_took_place(app: &TestApp) -> (Browser, i64, Vec<(InterviewRecord, String)>) {
    let PublishedLoop {
        application_id,
        interviews,
        ..
    } = published_loop(app).await;
    let ended = interviews.iter().map(|(i, _)| i.ends_at).max().unwrap();
    app.state
        .app()
        .clock()
        .advance(ended - app.state.now() + 3600);
    let with_emails = interviews;
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
    answers_rated(html, mark, intent, "3")
}

/// [`answers`] with every principle rated `rating`.
fn answers_rated(html: &str, mark: &str, intent: &str, rating: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for id in principle_ids(html) {
        for part in ["situation", "task", "action", "result"] {
            fields.push((format!("p{id}_{part}"), format!("{part} heard by {mark}")));
        }
        fields.push((format!("p{id}_rating"), rating.to_owned()));
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
pub(crate) async fn write_scorecard(
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
        // The bar raiser signs the trainee off from a page of their practice feedback, which
        // nobody else opens.
        let trainee_page = format!("/interviewer/trainees/{trainee}");
        let (status, html) = raiser_browser.get_text(&trainee_page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("summary of Shadow") && html.contains("Practice feedback"), "{html}");
        assert!(!html.contains("summary of Interviewer"));
        for other in [&first_browser, &shadow] {
            assert_eq!(other.get(&trainee_page).await.status(), StatusCode::NOT_FOUND);
        }
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

/// Every interviewer of the loop submits feedback recommending hire; returns their browsers in
/// the loop's order.
async fn all_feedback_in(app: &TestApp, interviews: &[(InterviewRecord, String)]) -> Vec<Browser> {
    let mut browsers = Vec::new();
    for (interview, email) in interviews {
        let browser = signed_in_as(app, email).await;
        let response = write_scorecard(
            &browser,
            interview.id,
            &format!("interviewer {}", interview.round),
            "submit",
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        browsers.push(browser);
    }
    browsers
}

async fn stage_of(app: &TestApp, application_id: i64) -> String {
    app.store().application(application_id).await.unwrap().stage
}

/// Votes as `browser` on the debrief page; the answer's status.
async fn cast(browser: &Browser, application_id: i64, vote: &str, sentence: &str) -> StatusCode {
    let page = format!("/debriefs/{application_id}");
    browser
        .post_form(
            &page,
            &format!("{page}/votes"),
            &[("vote", vote), ("sentence", sentence)],
        )
        .await
        .status()
}

/// Decides the debrief at `page` as `browser`, with a note; the answer's status.
async fn decide(browser: &Browser, page: &str, decision: &str) -> StatusCode {
    browser
        .post_form(
            page,
            &format!("{page}/decision"),
            &[("decision", decision), ("note", "Unanimous.")],
        )
        .await
        .status()
}

fn bar_raiser_index(interviews: &[(InterviewRecord, String)]) -> usize {
    interviews
        .iter()
        .position(|(i, _)| i.focus.as_deref() == Some("bar raiser"))
        .expect("the suggested loop has a bar raiser")
}

both!(
    the_last_scorecard_opens_the_debrief_votes_stay_hidden_until_all_are_in_and_a_hire_moves_the_candidate_to_offer,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        let page = format!("/debriefs/{application_id}");
        // Four of five scorecards in: still Final loop, and nobody may vote.
        let browsers = all_feedback_in(&app, &interviews[..4]).await;
        assert_eq!(stage_of(&app, application_id).await, "final_loop");
        assert_eq!(cast(&browsers[0], application_id, "hire", "Early.").await, StatusCode::CONFLICT);
        // The fifth opens the debrief, recorded as Cohort's move with its reason.
        let last = all_feedback_in(&app, &interviews[4..]).await;
        let browsers: Vec<Browser> = browsers.into_iter().chain(last).collect();
        assert_eq!(stage_of(&app, application_id).await, "debrief");
        let history = app.store().history(application_id).await.unwrap();
        let opened = history.last().unwrap();
        assert_eq!(opened.to_stage, "debrief");
        assert_eq!(opened.actor_id, None);
        assert!(opened.reason.contains("Every interview of the final loop has its feedback"));

        // The first vote is hidden from everyone else, the recruiter included.
        assert_eq!(
            cast(&browsers[0], application_id, "hire", "Owned the outage end to end.").await,
            StatusCode::SEE_OTHER
        );
        for reader in [&browsers[1], &recruiter] {
            let (status, html) = reader.get_text(&page).await;
            assert_eq!(status, StatusCode::OK);
            assert!(!html.contains("Owned the outage"), "{html}");
            assert!(html.contains("Waiting for:"), "{html}");
        }
        let (_, html) = browsers[0].get_text(&page).await;
        assert!(html.contains("Owned the outage"), "{html}");
        // One vote each before the reveal, however often it is sent.
        assert_eq!(cast(&browsers[0], application_id, "no_hire", "Again.").await, StatusCode::CONFLICT);
        let csrf = browsers[1].csrf(&page).await;
        let requests = (0..50)
            .map(|n| {
                browsers[1].client.post(browsers[1].url(&format!("{page}/votes"))).form(&[
                    ("csrf", csrf.as_str()),
                    ("vote", "hire"),
                    ("sentence", &format!("Press {n}")),
                ])
            })
            .collect();
        let responses = all_at_once_responses(requests).await;
        assert_eq!(
            responses.iter().filter(|(s, _)| *s == StatusCode::SEE_OTHER).count(),
            1,
            "{responses:?}"
        );
        assert_eq!(app.count("debrief_votes").await, 2);
        // Bad votes change nothing.
        assert_eq!(cast(&browsers[2], application_id, "maybe", "x").await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(cast(&browsers[2], application_id, "hire", " ").await, StatusCode::UNPROCESSABLE_ENTITY);
        // No decision while the votes are hidden.
        assert_eq!(decide(&recruiter, &page, "hire").await, StatusCode::CONFLICT);
        for browser in &browsers[2..] {
            assert_eq!(cast(browser, application_id, "hire", "Raised the bar.").await, StatusCode::SEE_OTHER);
        }
        // All in: every vote is revealed, to everyone in the debrief.
        let (_, html) = recruiter.get_text(&page).await;
        assert!(html.contains("Owned the outage") && html.contains("Every vote is revealed"), "{html}");
        assert!(html.contains("Principles, technical areas and ratings") && html.contains("3 · Meets the bar"));
        assert!(html.contains("(technical)"), "the grid has a row per technical area: {html}");
        // An interviewer may not decide; a recruiter does, once, and the candidate is told.
        assert_eq!(decide(&browsers[0], &page, "hire").await, StatusCode::FORBIDDEN);
        assert_eq!(decide(&recruiter, &page, "hire").await, StatusCode::SEE_OTHER);
        assert_eq!(stage_of(&app, application_id).await, "offer");
        assert_eq!(decide(&recruiter, &page, "hire").await, StatusCode::CONFLICT);
        let record = app.store().debrief(application_id).await.unwrap().unwrap();
        assert_eq!(record.decisions.len(), 1);
        let history = app.store().history(application_id).await.unwrap();
        assert!(history.last().unwrap().reason.starts_with("Debrief decision: Hire"));
        // The candidate's message says what happens next, never the panel's reasons or names.
        let candidate = app.store().application(application_id).await.unwrap();
        let message = &app.store().messages_to(&candidate.candidate_email).await.unwrap()[0];
        for secret in ["Owned the outage", "Raised the bar", "Unanimous", "summary of", "bar raiser"] {
            assert!(!message.body.contains(secret), "{secret} in {}", message.body);
        }
        for (interview, _) in &interviews {
            let name = interview.interviewer_name.as_deref().unwrap();
            assert!(!message.body.contains(name), "{name} in {}", message.body);
        }
        // The votes and the decision are history: the database refuses to change them.
        for statement in [
            "UPDATE debrief_votes SET vote = 'no_hire'",
            "DELETE FROM debrief_decisions",
        ] {
            assert!(sqlx::query(statement).execute(app.store().writer()).await.is_err(), "{statement}");
        }
    }
);

both!(
    the_bar_raiser_reveals_the_votes_early_and_their_no_hire_vetoes_a_hire_unless_the_season_turns_the_veto_off,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        let page = format!("/debriefs/{application_id}");
        let browsers = all_feedback_in(&app, &interviews).await;
        let raiser = bar_raiser_index(&interviews);
        let other = (raiser + 1) % interviews.len();
        assert_eq!(
            cast(&browsers[raiser], application_id, "no_hire", "Did not own the outcome.").await,
            StatusCode::SEE_OTHER
        );
        // Only the bar raiser reveals early.
        let reveal = format!("{page}/reveal");
        assert_eq!(browsers[other].post_form(&page, &reveal, &[]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(recruiter.post_form(&page, &reveal, &[]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(browsers[raiser].post_form(&page, &reveal, &[]).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(browsers[raiser].post_form(&page, &reveal, &[]).await.status(), StatusCode::CONFLICT);
        let (_, html) = browsers[other].get_text(&page).await;
        assert!(html.contains("Did not own the outcome"), "{html}");
        // A vote after the reveal is kept beside the first.
        assert_eq!(cast(&browsers[other], application_id, "hire", "Strong coder.").await, StatusCode::SEE_OTHER);
        assert_eq!(cast(&browsers[other], application_id, "no_hire", "Persuaded.").await, StatusCode::SEE_OTHER);
        let record = app.store().debrief(application_id).await.unwrap().unwrap();
        assert_eq!(record.votes.len(), 3);
        assert_eq!(record.votes.iter().filter(|v| v.after_reveal == 1).count(), 2);

        // The veto: a hire is refused while the bar raiser votes no hire.
        let decision = format!("{page}/decision");
        let response = recruiter.post_form(&page, &decision, &[("decision", "hire")]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response.text().await.unwrap().contains("veto"));
        assert_eq!(stage_of(&app, application_id).await, "debrief");
        // A no hire needs its reason.
        let response = recruiter.post_form(&page, &decision, &[("decision", "no_hire")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("Choose the reason for the no hire."));
        // The season turns the veto off (a recruiter's setting); then the hire goes through.
        let season = app.store().application(application_id).await.unwrap().season_id;
        let settings = format!("/staff/seasons/{season}/interviews");
        let manager = app.signed_in(Role::HiringManager).await;
        let response = manager
            .post_form(&page, &format!("/staff/seasons/{season}/debrief-settings"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = recruiter
            .post_form(&settings, &format!("/staff/seasons/{season}/debrief-settings"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(!app.store().bar_raiser_veto(season).await.unwrap());
        let response = manager.post_form(&page, &decision, &[("decision", "hire")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(stage_of(&app, application_id).await, "offer");
    }
);

both!(
    a_recruiter_opens_a_debrief_early_and_an_interviewer_votes_only_after_their_own_feedback_and_a_no_hire_rejects_with_its_reason,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        let page = format!("/debriefs/{application_id}");
        let detail = format!("/staff/applications/{application_id}");
        let response = recruiter
            .post_form(&detail, &format!("{detail}/transition"), &[("to", "debrief")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        // The first interviewer has not written feedback: no vote, and the grid hides the rest.
        let early = all_feedback_in(&app, &interviews[1..2]).await;
        let first = signed_in_as(&app, &interviews[0].1).await;
        assert_eq!(cast(&first, application_id, "hire", "Good.").await, StatusCode::CONFLICT);
        let (_, html) = first.get_text(&page).await;
        assert!(html.contains("1 scorecard is hidden"), "{html}");
        assert!(!html.contains("3 · Meets the bar"), "{html}");
        // An interviewer of another candidate has no part in this debrief.
        let (_, outsider) = crate::phone_screens::interviewer(&app, "Oisin Outsider", "Europe/Dublin").await;
        let outsider = signed_in_as(&app, &outsider).await;
        assert_eq!(outsider.get(&page).await.status(), StatusCode::NOT_FOUND);
        // Those who have written feedback vote; the bar raiser reveals; a no hire rejects.
        assert_eq!(cast(&early[0], application_id, "no_hire", "Weak design.").await, StatusCode::SEE_OTHER);
        let raiser = bar_raiser_index(&interviews);
        let raiser_browser = all_feedback_in(&app, &interviews[raiser..=raiser]).await.remove(0);
        let response = raiser_browser.post_form(&page, &format!("{page}/reveal"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let note = recruiter
            .post_form(&page, &format!("{page}/notes"), &[("body", "Agreed to reject: design depth.")])
            .await;
        assert_eq!(note.status(), StatusCode::SEE_OTHER);
        let response = recruiter
            .post_form(
                &page,
                &format!("{page}/decision"),
                &[("decision", "no_hire"), ("reason", "interview_performance")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(stage_of(&app, application_id).await, "rejected");
        let history = app.store().history(application_id).await.unwrap();
        assert_eq!(history.last().unwrap().reason_code.as_deref(), Some("interview_performance"));
        let candidate = app.store().application(application_id).await.unwrap();
        let message = &app.store().messages_to(&candidate.candidate_email).await.unwrap()[0];
        assert!(!message.body.contains("Weak design") && !message.body.contains("design depth"));
        assert!(!message.body.to_lowercase().contains("interview performance"), "{}", message.body);
    }
);

both!(
    an_api_token_reads_submitted_counted_feedback_and_decisions_never_a_draft_or_practice_feedback,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        // A trainee shadows the first interview and writes practice feedback; the first
        // interviewer submits; the second keeps a draft.
        let (trainee, trainee_email) = interviewer(&app, "Tomas Trainee", "Europe/Dublin").await;
        sqlx::query("UPDATE interviews SET shadow_id = $1 WHERE id = $2")
            .bind(trainee)
            .bind(interviews[0].0.id)
            .execute(app.store().writer())
            .await
            .unwrap();
        let shadow = signed_in_as(&app, &trainee_email).await;
        write_scorecard(&shadow, interviews[0].0.id, "Practice", "submit").await;
        let first = signed_in_as(&app, &interviews[0].1).await;
        write_scorecard(&first, interviews[0].0.id, "Counted", "submit").await;
        let second = signed_in_as(&app, &interviews[1].1).await;
        write_scorecard(&second, interviews[1].0.id, "Drafted", "draft").await;

        let admin = app.signed_in(Role::Administrator).await;
        let read = crate::api::token(&app, &admin, &["read"]).await;
        let write_only = crate::api::token(&app, &admin, &["write"]).await;
        let client = reqwest::Client::new();
        let get = |path: String, token: &str| client.get(app.url(&path)).bearer_auth(token).send();
        let path = format!("/api/v1/applications/{application_id}/scorecards");
        let response = get(path.clone(), &read).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: serde_json::Value = response.json().await.unwrap();
        let cards = body["scorecards"].as_array().unwrap();
        assert_eq!(cards.len(), 1, "{body}");
        assert_eq!(cards[0]["summary"], "summary of Counted");
        assert_eq!(cards[0]["recommendation"], "hire");
        assert_eq!(cards[0]["principles"].as_array().unwrap().len(), 2);
        assert_eq!(cards[0]["principles"][0]["rating"], 3);
        let text = body.to_string();
        assert!(
            !text.contains("Practice") && !text.contains("Drafted"),
            "{text}"
        );
        assert_eq!(
            get(path.clone(), &write_only).await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            get("/api/v1/applications/999999/scorecards".into(), &read)
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );

        // Decisions: none yet, then the debrief's.
        let decisions = format!("/api/v1/applications/{application_id}/decisions");
        let body: serde_json::Value = get(decisions.clone(), &read)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["decisions"].as_array().unwrap().len(), 0);
        let detail = format!("/staff/applications/{application_id}");
        recruiter
            .post_form(
                &detail,
                &format!("{detail}/transition"),
                &[("to", "debrief")],
            )
            .await;
        let raiser = bar_raiser_index(&interviews);
        let raiser_browser = all_feedback_in(&app, &interviews[raiser..=raiser])
            .await
            .remove(0);
        let page = format!("/debriefs/{application_id}");
        raiser_browser
            .post_form(&page, &format!("{page}/reveal"), &[])
            .await;
        let response = recruiter
            .post_form(
                &page,
                &format!("{page}/decision"),
                &[
                    ("decision", "no_hire"),
                    ("reason", "interview_performance"),
                    ("note", "Depth."),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let body: serde_json::Value = get(decisions, &read).await.unwrap().json().await.unwrap();
        assert_eq!(body["decisions"][0]["decision"], "no_hire");
        assert_eq!(body["decisions"][0]["reason_code"], "interview_performance");
        assert_eq!(body["decisions"][0]["note"], "Depth.");
        assert_eq!(body["decisions"][0]["round"], 1);
    }
);

both!(
    interviewers_are_reminded_before_their_feedback_is_due_and_when_it_is_overdue_unless_it_is_in,
    |app: TestApp| async move {
        let (_, _, interviews) = loop_that_took_place(&app).await;
        let (prompt, prompt_email) = (&interviews[0].0, &interviews[0].1);
        let (slow, slow_email) = (&interviews[1].0, &interviews[1].1);
        let reminders = |email: String| {
            let app = &app;
            async move {
                app.store()
                    .messages_to(&email)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|m| m.template == "feedback_reminder")
                    .collect::<Vec<_>>()
            }
        };
        app.run_jobs().await;
        assert!(reminders(slow_email.clone()).await.is_empty());
        // The first submits; eighteen hours after the loop, the second is reminded.
        let browser = signed_in_as(&app, prompt_email).await;
        write_scorecard(&browser, prompt.id, "Prompt", "submit").await;
        app.state.app().clock().advance(18 * 3600);
        app.run_jobs().await;
        let slow_reminders = reminders(slow_email.clone()).await;
        let mine: Vec<_> = slow_reminders
            .iter()
            .filter(|m| {
                m.body
                    .contains(&format!("/interviewer/interviews/{}/feedback", slow.id))
            })
            .collect();
        assert_eq!(mine.len(), 1, "{slow_reminders:?}");
        assert!(mine[0].subject.contains("due soon") && mine[0].body.contains("is due"));
        // Reminders carry nothing of anyone's feedback.
        assert!(!mine[0].body.contains("Prompt"));
        // At the due time: overdue for the second, nothing ever for the first.
        app.state.app().clock().advance(6 * 3600);
        app.run_jobs().await;
        let overdue: Vec<_> = reminders(slow_email.clone())
            .await
            .into_iter()
            .filter(|m| m.subject.starts_with("Overdue"))
            .collect();
        assert!(overdue.iter().any(|m| m
            .body
            .contains(&format!("/interviewer/interviews/{}/feedback", slow.id))));
        let prompt_reminders = reminders(prompt_email.clone()).await;
        assert!(
            !prompt_reminders.iter().any(|m| m
                .body
                .contains(&format!("/interviewer/interviews/{}/feedback", prompt.id))),
            "{prompt_reminders:?}"
        );
        // Running the jobs again sends nothing twice.
        let before = reminders(slow_email.clone()).await.len();
        app.run_jobs().await;
        assert_eq!(reminders(slow_email.clone()).await.len(), before);
    }
);

both!(
    calibration_shows_a_harsh_interviewer_below_their_panel_to_recruiters_and_bar_raisers_only,
    |app: TestApp| async move {
        let (recruiter, _, interviews) = loop_that_took_place(&app).await;
        // The first interviewer rates every principle 1; the others 3.
        let harsh = signed_in_as(&app, &interviews[0].1).await;
        let path = scorecard_path(interviews[0].0.id);
        let fields = answers_rated(&html_of(&harsh, &path).await, "Harsh", "submit", "1");
        let response = harsh.post_form(&path, &path, &pairs(&fields)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        all_feedback_in(&app, &interviews[1..]).await;
        let harsh_name = interviews[0].0.interviewer_name.clone().unwrap();

        let (status, html) = recruiter.get_text("/staff/calibration").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("<svg") && html.contains("class=\"bar harsh\""),
            "{html}"
        );
        // Their row comes first (furthest from the panel) and says how far, on how many ratings.
        let first_row = html
            .split("<tbody>")
            .nth(1)
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap();
        assert!(first_row.contains(&harsh_name), "{first_row}");
        assert!(
            first_row.contains("-2.00") && first_row.contains("harsher"),
            "{first_row}"
        );
        assert!(first_row.contains("on 2 ratings"), "{first_row}");
        // Everyone submitted within the day: no late feedback.
        assert!(first_row.contains("0 of 1 (0 %)"), "{first_row}");

        // A bar raiser reads it; a hiring manager and an interviewer do not.
        let raiser = bar_raiser_index(&interviews);
        let raiser = signed_in_as(&app, &interviews[raiser].1).await;
        assert_eq!(
            raiser.get("/staff/calibration").await.status(),
            StatusCode::OK
        );
        let manager = app.signed_in(Role::HiringManager).await;
        assert_eq!(
            manager.get("/staff/calibration").await.status(),
            StatusCode::FORBIDDEN
        );
        let (_, email) =
            crate::phone_screens::interviewer(&app, "Pat Plain", "Europe/Dublin").await;
        let plain = signed_in_as(&app, &email).await;
        assert_eq!(
            plain.get("/staff/calibration").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            recruiter
                .get("/staff/calibration?season=999999")
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }
);

/// The id of the question on the bank page whose text is `prompt`.
fn question_id(html: &str, prompt: &str) -> i64 {
    let row = html
        .split("<tr")
        .find(|row| row.contains(prompt))
        .unwrap_or_else(|| panic!("{prompt} is not listed: {html}"));
    let start = row.find("/staff/questions/").unwrap() + "/staff/questions/".len();
    row[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

both!(
    an_interview_kit_suggests_the_banks_least_used_questions_for_the_seat_and_counts_the_ones_asked,
    |app: TestApp| async move {
        let (recruiter, _, interviews) = loop_that_took_place(&app).await;
        let (first, first_email) = (&interviews[0].0, &interviews[0].1);
        let interviewer = signed_in_as(&app, first_email).await;
        let html = html_of(&interviewer, &scorecard_path(first.id)).await;
        let principle = principle_ids(&html)[0].clone();
        // A recruiter adds two questions for the first seat's first principle.
        for prompt in [
            "Tell me about a customer you surprised.",
            "Tell me about a complaint you fixed.",
        ] {
            let response = recruiter
                .post_form(
                    "/staff/questions",
                    "/staff/questions",
                    &[
                        ("competency", principle.as_str()),
                        ("track", ""),
                        ("level", "intern"),
                        ("prompt", prompt),
                        ("guidance", "Names the customer and the outcome."),
                    ],
                )
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
        }
        // Bad input is refused and adds nothing; a hiring manager may not edit the bank.
        let before = app.count("interview_questions").await;
        let response = recruiter
            .post_form(
                "/staff/questions",
                "/staff/questions",
                &[("competency", "x"), ("level", "senior"), ("prompt", " ")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let manager = app.signed_in(Role::HiringManager).await;
        assert_eq!(
            manager.get("/staff/questions").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(app.count("interview_questions").await, before);
        let (_, bank) = recruiter.get_text("/staff/questions").await;
        let surprised = question_id(&bank, "a customer you surprised");
        let complaint = question_id(&bank, "a complaint you fixed");

        // The kit: its purpose by technical area, the seat's principles with the questions,
        // the rating levels and a time plan; the shadow opens it too, nobody else.
        let kit = format!("/interviewer/interviews/{}/kit", first.id);
        let (status, html) = interviewer.get_text(&kit).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("coding interview") || html.contains("algorithms interview"),
            "{html}"
        );
        assert!(html.contains("a customer you surprised") && html.contains("Names the customer"));
        assert!(html.contains("Time plan") && html.contains("Raises the bar"));
        let other = signed_in_as(&app, &interviews[1].1).await;
        assert_eq!(other.get(&kit).await.status(), StatusCode::NOT_FOUND);
        // The calendar invitation links the kit.
        let invitation = app
            .store()
            .messages_to(first_email)
            .await
            .unwrap()
            .into_iter()
            .filter_map(|m| m.calendar)
            .map(|c| c.replace("\r\n ", ""))
            .find(|c| c.contains(&kit));
        assert!(invitation.is_some(), "no invitation links {kit}");

        // The scorecard offers the kit's questions; one asked counts once submitted.
        let path = scorecard_path(first.id);
        let html = html_of(&interviewer, &path).await;
        assert!(html.contains("Questions from the kit you asked"), "{html}");
        let mut fields = answers(&html, "Kit", "submit");
        fields.push(("asked".into(), surprised.to_string()));
        fields.push(("asked".into(), 999_999.to_string()));
        let response = interviewer.post_form(&path, &path, &pairs(&fields)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        fields.pop();
        let response = interviewer.post_form(&path, &path, &pairs(&fields)).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let card = app
            .store()
            .scorecard_of(first.id, first.interviewer_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(card.asked, vec![surprised]);
        let uses = app
            .store()
            .questions(
                app.store()
                    .application(first.application_id)
                    .await
                    .unwrap()
                    .season_id,
            )
            .await
            .unwrap();
        assert_eq!(uses.iter().find(|q| q.id == surprised).unwrap().uses, 1);
        assert_eq!(uses.iter().find(|q| q.id == complaint).unwrap().uses, 0);

        // Retired, a question is no longer suggested.
        let response = recruiter
            .post_form(
                "/staff/questions",
                &format!("/staff/questions/{complaint}/retire"),
                &[("retired", "yes")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = signed_in_as(&app, &interviews[0].1)
            .await
            .get_text(&kit)
            .await;
        assert!(!html.contains("a complaint you fixed"), "{html}");
    }
);

/// The competency id of `name`.
async fn competency_id(app: &TestApp, name: &str) -> String {
    app.store()
        .competencies()
        .await
        .unwrap()
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no competency {name}"))
        .id
        .to_string()
}

both!(
    more_information_books_a_follow_up_whose_feedback_reopens_the_debrief_for_a_second_round_of_votes,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        let page = format!("/debriefs/{application_id}");
        let follow_ups = format!("{page}/follow-ups");
        let browsers = all_feedback_in(&app, &interviews).await;
        // Before any "more information" decision, no follow-up can be booked.
        let (extra_id, extra_email) =
            crate::phone_screens::interviewer(&app, "Fiona Followup", "Europe/Dublin").await;
        let start = (app.state.now() + 5 * 86_400) / 3600 * 3600;
        let start_text = chrono::DateTime::from_timestamp(start, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let ownership = competency_id(&app, "Ownership").await;
        let extra = extra_id.to_string();
        let good: Vec<(&str, &str)> = vec![
            ("interviewer", extra.as_str()),
            ("starts_at", start_text.as_str()),
            ("minutes", "45"),
            ("principles", ownership.as_str()),
            ("brief", "Nobody heard a story of ownership under pressure."),
        ];
        let response = recruiter.post_form(&page, &follow_ups, &good).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response.text().await.unwrap().contains("more information is needed"));

        for browser in &browsers {
            assert_eq!(cast(browser, application_id, "hire", "Fine, but thin on ownership.").await, StatusCode::SEE_OTHER);
        }
        assert_eq!(decide(&recruiter, &page, "more_information").await, StatusCode::SEE_OTHER);
        assert_eq!(stage_of(&app, application_id).await, "final_loop");
        let record = app.store().debrief(application_id).await.unwrap().unwrap();
        assert_eq!(record.round, 2);
        let (_, html) = recruiter.get_text(&page).await;
        assert!(html.contains("Book the follow-up interview"), "{html}");
        assert!(html.contains("Votes of earlier rounds"), "{html}");

        // Only a decider books it: not an interviewer of the loop, not a candidate.
        let response = browsers[0].post_form(&page, &follow_ups, &good).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        // Bad input is named and changes nothing; so is a start inside the booking cut-off.
        let before = app.count("interviews").await;
        let mut bad = good.clone();
        bad.retain(|(k, _)| *k != "brief");
        bad.push(("minutes", "500"));
        let response = recruiter.post_form(&page, &follow_ups, &bad).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("what the panel wants to learn") && html.contains("15 to 120 minutes"), "{html}");
        let soon = chrono::DateTime::from_timestamp(app.state.now() + 600, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let mut early = good.clone();
        early[1] = ("starts_at", soon.as_str());
        let response = recruiter.post_form(&page, &follow_ups, &early).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("Start no sooner than"));
        // Without the form's token nothing is booked.
        let response = recruiter
            .client
            .post(recruiter.url(&follow_ups))
            .form(&good)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
        assert_eq!(app.count("interviews").await, before);

        // Fifty presses at once book one interview.
        let csrf = recruiter.csrf(&page).await;
        let mut with_token = good.clone();
        with_token.push(("csrf", csrf.as_str()));
        let requests = (0..50)
            .map(|_| recruiter.client.post(recruiter.url(&follow_ups)).form(&with_token))
            .collect();
        let responses = all_at_once_responses(requests).await;
        assert_eq!(
            responses.iter().filter(|(s, _)| *s == StatusCode::SEE_OTHER).count(),
            1,
            "{responses:?}"
        );
        assert!(responses.iter().all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT), "{responses:?}");
        assert_eq!(app.count("follow_up_interviews").await, 1);
        assert_eq!(app.count("interviews").await, before + 1);

        // The interviewer and the candidate have their invitations; the candidate's says
        // nothing of why.
        let follow_up = loop_interviews(&app, application_id)
            .await
            .into_iter()
            .find(|i| i.interviewer_id == Some(extra_id))
            .expect("the follow-up is part of the loop");
        assert_eq!(follow_up.round, 6);
        let to_interviewer = app.store().messages_to(&extra_email).await.unwrap();
        assert!(to_interviewer.iter().any(|m| m.subject.starts_with("New final loop interview")));
        let candidate = app.store().application(application_id).await.unwrap();
        let to_candidate = app.store().messages_to(&candidate.candidate_email).await.unwrap();
        let told = to_candidate
            .iter()
            .find(|m| m.subject.starts_with("One more interview"))
            .expect("the candidate is invited");
        assert!(!told.body.contains("ownership") && !told.body.contains("Fiona"), "{}", told.body);

        // Until their own feedback is in, the follow-up interviewer reads nobody's words in the
        // debrief: not the first round's votes, the notes nor the decision's note.
        let note = recruiter
            .post_form(&page, &format!("{page}/notes"), &[("body", "We lack ownership evidence.")])
            .await;
        assert_eq!(note.status(), StatusCode::CONFLICT, "the debrief is not open in Final loop");
        let early_browser = signed_in_as(&app, &extra_email).await;
        let (status, html) = early_browser.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("The discussion shows once your own feedback"), "{html}");
        for secret in ["thin on ownership", "Unanimous."] {
            assert!(!html.contains(secret), "{secret}: {html}");
        }
        assert!(html.contains("waiting for the follow-up interview"), "{html}");

        // Its scorecard asks about what the debrief asked for, and nothing else.
        app.state.app().clock().advance(follow_up.ends_at - app.state.now() + 600);
        let extra_browser = signed_in_as(&app, &extra_email).await;
        let (_, html) = extra_browser.get_text(&scorecard_path(follow_up.id)).await;
        assert_eq!(principle_ids(&html), vec![ownership.clone()], "{html}");
        let (_, kit) = extra_browser
            .get_text(&format!("/interviewer/interviews/{}/kit", follow_up.id))
            .await;
        assert!(kit.contains("Nobody heard a story of ownership under pressure."), "{kit}");
        // Its feedback reopens the debrief: a new round, in which all six vote again.
        let response = write_scorecard(&extra_browser, follow_up.id, "Follow-up", "submit").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(stage_of(&app, application_id).await, "debrief");
        assert_eq!(decide(&recruiter, &page, "hire").await, StatusCode::CONFLICT);
        let mut panel: Vec<Browser> = Vec::new();
        for (_, email) in &interviews {
            panel.push(signed_in_as(&app, email).await);
        }
        panel.push(extra_browser);
        for browser in &panel {
            assert_eq!(cast(browser, application_id, "hire", "Ownership is clear now.").await, StatusCode::SEE_OTHER);
        }
        let (_, html) = recruiter.get_text(&page).await;
        assert!(html.contains("Every vote is revealed") && html.contains("Follow-up"), "{html}");
        assert_eq!(decide(&recruiter, &page, "hire").await, StatusCode::SEE_OTHER);
        assert_eq!(stage_of(&app, application_id).await, "offer");
        let record = app.store().debrief(application_id).await.unwrap().unwrap();
        assert_eq!(record.votes.iter().filter(|v| v.round == 1).count(), 5);
        assert_eq!(record.votes.iter().filter(|v| v.round == 2).count(), 6);
        let rounds: Vec<i64> = record.decisions.iter().map(|d| d.round).collect();
        assert_eq!(rounds, vec![1, 2]);
    }
);

both!(
    fifty_presses_at_once_reveal_once_add_a_note_once_and_decide_once,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        let page = format!("/debriefs/{application_id}");
        let browsers = all_feedback_in(&app, &interviews).await;
        let raiser = &browsers[bar_raiser_index(&interviews)];
        let at_once =
            |browser: &Browser, path: String, form: Vec<(&'static str, String)>, csrf: String| {
                (0..50)
                    .map(|_| {
                        let mut form = form.clone();
                        form.push(("csrf", csrf.clone()));
                        browser.client.post(browser.url(&path)).form(&form)
                    })
                    .collect::<Vec<_>>()
            };
        let csrf = raiser.csrf(&page).await;
        let responses =
            all_at_once_responses(at_once(raiser, format!("{page}/reveal"), vec![], csrf)).await;
        assert_eq!(
            responses
                .iter()
                .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
                .count(),
            1,
            "{responses:?}"
        );
        assert!(
            responses.iter().all(|(s, _)| !s.is_server_error()),
            "{responses:?}"
        );
        assert_eq!(app.count("debrief_reveals").await, 1);

        let csrf = recruiter.csrf(&page).await;
        let note = vec![("body", "We agree on the design round.".to_owned())];
        let responses =
            all_at_once_responses(at_once(&recruiter, format!("{page}/notes"), note, csrf)).await;
        assert!(
            responses.iter().all(|(s, _)| *s == StatusCode::SEE_OTHER),
            "{responses:?}"
        );
        assert_eq!(app.count("debrief_notes").await, 1);

        let csrf = recruiter.csrf(&page).await;
        let hire = vec![("decision", "hire".to_owned())];
        let responses =
            all_at_once_responses(at_once(&recruiter, format!("{page}/decision"), hire, csrf))
                .await;
        assert_eq!(
            responses
                .iter()
                .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
                .count(),
            1,
            "{responses:?}"
        );
        assert!(
            responses.iter().all(|(s, _)| !s.is_server_error()),
            "{responses:?}"
        );
        assert_eq!(app.count("debrief_decisions").await, 1);
        assert_eq!(stage_of(&app, application_id).await, "offer");
        let moves = app
            .store()
            .history(application_id)
            .await
            .unwrap()
            .iter()
            .filter(|h| h.to_stage == "offer")
            .count();
        assert_eq!(moves, 1);
        // Without the form's token, nothing is recorded on any of the debrief's forms.
        for (path, form) in [
            ("votes", vec![("vote", "hire"), ("sentence", "x")]),
            ("notes", vec![("body", "Sneaky.")]),
            ("reveal", vec![]),
            (
                "decision",
                vec![("decision", "no_hire"), ("reason", "interview_performance")],
            ),
        ] {
            let response = recruiter
                .client
                .post(recruiter.url(&format!("{page}/{path}")))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_client_error(),
                "{path}: {}",
                response.status()
            );
        }
        assert_eq!(app.count("debrief_notes").await, 1);
        assert_eq!(app.count("debrief_decisions").await, 1);
    }
);

both!(
    a_tracks_hiring_manager_votes_in_its_debriefs_and_the_reveal_waits_for_them_while_other_hiring_managers_do_not_vote,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        let page = format!("/debriefs/{application_id}");
        let season = app.store().application(application_id).await.unwrap().season_id;
        let track = app.store().tracks(season).await.unwrap()[0].id;
        let manager_id = app
            .create_account("hana.manager@example.com", "Hana Manager", &[Role::HiringManager])
            .await;
        let other_manager = app.signed_in(Role::HiringManager).await;
        let settings = format!("/staff/seasons/{season}/debrief-settings");
        let form_page = format!("/staff/seasons/{season}/interviews");
        let field = format!("manager_{track}");
        // Only someone with the role may be a track's hiring manager; a bad choice saves nothing.
        let interviewer_id = interviews[0].0.interviewer_id.unwrap().to_string();
        let response = recruiter
            .post_form(&form_page, &settings, &[("veto", "on"), (field.as_str(), interviewer_id.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.text().await.unwrap().contains("hiring-manager role"));
        assert_eq!(app.store().track_managers(season).await.unwrap()[0].hiring_manager_id, None);
        let manager = manager_id.to_string();
        let response = recruiter
            .post_form(&form_page, &settings, &[("veto", "on"), (field.as_str(), manager.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            app.store().track_managers(season).await.unwrap()[0].hiring_manager_id,
            Some(manager_id)
        );
        assert!(app.store().bar_raiser_veto(season).await.unwrap());
        let (_, html) = recruiter.get_text(&form_page).await;
        assert!(html.contains(&format!("<option value=\"{manager_id}\" selected>Hana Manager")), "{html}");

        // Every interviewer votes: the votes stay hidden, waiting for the hiring manager.
        let browsers = all_feedback_in(&app, &interviews).await;
        for browser in &browsers {
            assert_eq!(cast(browser, application_id, "hire", "Clear ownership.").await, StatusCode::SEE_OTHER);
        }
        let (_, html) = recruiter.get_text(&page).await;
        assert!(html.contains("Hana Manager</a> (hiring manager)"), "{html}");
        assert!(!html.contains("Every vote is revealed"), "{html}");
        assert_eq!(decide(&recruiter, &page, "hire").await, StatusCode::CONFLICT);
        // Another hiring manager may read and decide, but not vote in this track's debrief.
        let response = other_manager
            .post_form(&page, &format!("{page}/votes"), &[("vote", "hire"), ("sentence", "Me too.")])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let hana = signed_in_as(&app, "hana.manager@example.com").await;
        assert_eq!(cast(&hana, application_id, "hire", "Fits the team's needs.").await, StatusCode::SEE_OTHER);
        let (_, html) = recruiter.get_text(&page).await;
        assert!(html.contains("Every vote is revealed") && html.contains("Fits the team"), "{html}");
        let (_, list) = recruiter.get_text("/staff/debriefs").await;
        assert!(list.contains("Votes revealed: ready to decide"), "{list}");
        assert_eq!(decide(&other_manager, &page, "hire").await, StatusCode::SEE_OTHER);
        assert_eq!(stage_of(&app, application_id).await, "offer");
    }
);

/// The UID of the one event in an iCalendar text.
fn uid_of(calendar: &str) -> String {
    calendar
        .lines()
        .find_map(|line| line.strip_prefix("UID:"))
        .expect("the calendar has a UID")
        .trim()
        .to_owned()
}

both!(
    a_follow_up_is_called_off_once_however_often_it_is_sent_and_rejecting_calls_off_the_next_under_its_own_uid,
    |app: TestApp| async move {
        let (recruiter, application_id, interviews) = loop_that_took_place(&app).await;
        let page = format!("/debriefs/{application_id}");
        let browsers = all_feedback_in(&app, &interviews).await;
        for browser in &browsers {
            assert_eq!(
                cast(browser, application_id, "hire", "Thin.").await,
                StatusCode::SEE_OTHER
            );
        }
        assert_eq!(
            decide(&recruiter, &page, "more_information").await,
            StatusCode::SEE_OTHER
        );
        let (extra_id, extra_email) =
            crate::phone_screens::interviewer(&app, "Fergal Followup", "Europe/Dublin").await;
        let start =
            chrono::DateTime::from_timestamp((app.state.now() + 4 * 86_400) / 3600 * 3600, 0)
                .unwrap()
                .format("%Y-%m-%dT%H:%M")
                .to_string();
        let ownership = competency_id(&app, "Ownership").await;
        let extra = extra_id.to_string();
        let book = || async {
            let response = recruiter
                .post_form(
                    &page,
                    &format!("{page}/follow-ups"),
                    &[
                        ("interviewer", extra.as_str()),
                        ("starts_at", start.as_str()),
                        ("minutes", "45"),
                        ("principles", ownership.as_str()),
                        ("brief", "Ownership."),
                    ],
                )
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            app.store()
                .interviews_of_application(application_id)
                .await
                .unwrap()
                .into_iter()
                .find(|i| i.interviewer_id == Some(extra_id) && i.is_booked())
                .unwrap()
        };
        let candidate = app.store().application(application_id).await.unwrap();
        let cancelled_uids = |email: String| {
            let app = &app;
            async move {
                app.store()
                    .messages_to(&email)
                    .await
                    .unwrap()
                    .iter()
                    .filter_map(|m| m.calendar.as_deref())
                    .filter(|c| c.contains("METHOD:CANCEL"))
                    .map(uid_of)
                    .collect::<Vec<_>>()
            }
        };

        // Called off before it starts: by a decider only, once however often it is sent, and
        // both people's calendars drop it.
        let first = book().await;
        let first_uid = format!("interview-{}@", first.id);
        let cancel = format!("{page}/follow-ups/{}/cancel", first.id);
        let response = browsers[0].post_form(&page, &cancel, &[]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = recruiter.client.post(recruiter.url(&cancel)).form(&[("x", "y")]).send().await.unwrap();
        assert!(response.status().is_client_error(), "no token: {}", response.status());
        let csrf = recruiter.csrf(&page).await;
        let requests = (0..50)
            .map(|_| recruiter.client.post(recruiter.url(&cancel)).form(&[("csrf", csrf.as_str())]))
            .collect();
        let responses = all_at_once_responses(requests).await;
        assert_eq!(responses.iter().filter(|(s, _)| *s == StatusCode::SEE_OTHER).count(), 1, "{responses:?}");
        assert!(responses.iter().all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT), "{responses:?}");
        for email in [candidate.candidate_email.clone(), extra_email.clone()] {
            let uids = cancelled_uids(email.clone()).await;
            assert_eq!(uids.iter().filter(|u| u.starts_with(&first_uid)).count(), 1, "{email}: {uids:?}");
        }
        let told = app.store().messages_to(&candidate.candidate_email).await.unwrap();
        assert!(told.iter().all(|m| !m.body.contains("debrief") && !m.body.contains("Ownership")));

        // Another can be booked; rejecting the candidate calls it off under its own UID.
        let second = book().await;
        let uid = format!("interview-{}@", second.id);

        let detail = format!("/staff/applications/{application_id}");
        let response = recruiter
            .post_form(
                &detail,
                &format!("{detail}/transition"),
                &[("to", "rejected"), ("reason_code", "interview_performance")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(stage_of(&app, application_id).await, "rejected");
        let follow_up = app.store().interview(second.id).await.unwrap().unwrap();
        assert!(!follow_up.is_booked(), "the follow-up is called off");
        // The candidate's and the interviewer's calendars each drop the event they were sent.
        for email in [candidate.candidate_email.clone(), extra_email.clone()] {
            let uids = cancelled_uids(email.clone()).await;
            assert!(uids.iter().any(|u| u.starts_with(&uid)), "{email} gets no cancellation of {uid}: {uids:?}");
        }
    }
);
