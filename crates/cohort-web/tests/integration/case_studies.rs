//! Case-study interviews: recruiters and bar raisers write a case for a track's interview in a
//! technical area; the candidate with a published loop sees its prompt from the chosen day and
//! uploads a document or slides (type read from the content, size limited) until the interview
//! starts; the interviewer finds both in the kit, and nobody outside the loop reads the file.

use crate::both;
use crate::feedback::{published_loop, PublishedLoop};
use crate::helpers::*;
use crate::phone_screens::{all_at_once_responses, signed_in_as};
use cohort_domain::Role;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

/// A file written by a Python library as the office program would write it, from its stdout.
fn python_file(script: &str) -> Vec<u8> {
    let output = std::process::Command::new("python3")
        .args(["-c", script])
        .output()
        .expect("python3");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// A deck as python-pptx writes it (the PyPI library behind many exporters).
fn slides() -> Vec<u8> {
    python_file(
        r#"
import io, sys
from pptx import Presentation
deck = Presentation()
slide = deck.slides.add_slide(deck.slide_layouts[1])
slide.shapes.title.text = "Sharding the order store"
slide.placeholders[1].text = "Partition by customer; rebalance with consistent hashing."
out = io.BytesIO()
deck.save(out)
sys.stdout.buffer.write(out.getvalue())
"#,
    )
}

/// A document as python-docx writes it.
fn document() -> Vec<u8> {
    python_file(
        r#"
import io, sys
from docx import Document
document = Document()
document.add_heading("Sharding the order store", 0)
document.add_paragraph("Partition by customer.")
out = io.BytesIO()
document.save(out)
sys.stdout.buffer.write(out.getvalue())
"#,
    )
}

fn upload_path(application_id: i64, case_id: i64) -> String {
    format!("/me/applications/{application_id}/case-studies/{case_id}/deliverable")
}

/// Uploads `bytes` as `name` with the page's token; the answer.
async fn upload(browser: &Browser, path: &str, bytes: Vec<u8>, name: &str) -> reqwest::Response {
    let csrf = browser.csrf("/me").await;
    let form = Form::new()
        .text("csrf", csrf)
        .part("file", Part::bytes(bytes).file_name(name.to_owned()));
    browser
        .client
        .post(browser.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

both!(
    a_case_prompt_reaches_the_candidate_ahead_of_the_interview_and_their_deliverable_reaches_only_the_panel,
    |app: TestApp| async move {
        let PublishedLoop {
            recruiter,
            candidates,
            application_id,
            interviews,
        } = published_loop(&app).await;
        let (candidate, _, _) = &candidates[0];
        let (other_candidate, _, _) = &candidates[1];
        let design = interviews
            .iter()
            .find(|(i, _)| i.focus.as_deref() == Some("System design"))
            .expect("the suggested loop has a system design interview")
            .clone();
        let season = app.store().application(application_id).await.unwrap().season_id;
        let track = app.store().tracks(season).await.unwrap()[0].id.to_string();
        let area = app
            .store()
            .competencies()
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.name == "System design")
            .unwrap()
            .id
            .to_string();
        let days_until = (design.0.starts_at - app.state.now()) / 86_400;
        assert!(days_until >= 1, "the loop is at least a day ahead");
        let case = |days: i64| {
            vec![
                ("track", track.clone()),
                ("area", area.clone()),
                ("title", "Design an order store".to_owned()),
                (
                    "prompt",
                    "Our order store holds 2 billion orders and grows 40% a year. Propose how to shard it, and bring a short deck.".to_owned(),
                ),
                ("deliverable", "yes".to_owned()),
                ("days_ahead", days.to_string()),
            ]
        };
        let as_pairs = |fields: &Vec<(&'static str, String)>| -> Vec<(&'static str, String)> { fields.clone() };

        // Only recruiters and bar raisers write cases.
        let page = "/staff/case-studies";
        let plain = interviews
            .iter()
            .find(|(i, _)| i.focus.as_deref() != Some("bar raiser"))
            .unwrap();
        let plain_browser = signed_in_as(&app, &plain.1).await;
        assert_eq!(plain_browser.get(page).await.status(), StatusCode::FORBIDDEN);
        // Bad input is named and saves nothing.
        let mut bad = case(30);
        bad[3].1 = "Shard it.".to_owned();
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = recruiter.post_form(page, page, &bad).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("at least 40 characters") && html.contains("1 to 14 days"), "{html}");
        assert_eq!(app.count("case_studies").await, 0);
        // A case sent later than now: the candidate does not see it yet.
        let late = as_pairs(&case(1));
        let late: Vec<(&str, &str)> = late.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(recruiter.post_form(page, page, &late).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(recruiter.post_form(page, page, &late).await.status(), StatusCode::CONFLICT);
        let case_id: i64 = sqlx::query_scalar("SELECT id FROM case_studies")
            .fetch_one(app.store().reader())
            .await
            .unwrap();
        let (_, home) = candidate.get_text("/me").await;
        if days_until > 1 {
            assert!(!home.contains("Design an order store"), "{home}");
        }
        // Sent fourteen days ahead, it shows now, with the upload form.
        let early = case(14);
        let early: Vec<(&str, &str)> = early.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let edit = format!("{page}/{case_id}");
        assert_eq!(recruiter.post_form(page, &edit, &early).await.status(), StatusCode::SEE_OTHER);
        let (_, home) = candidate.get_text("/me").await;
        assert!(home.contains("Case study: Design an order store") && home.contains("2 billion orders"), "{home}");
        assert!(home.contains("type=\"file\""), "{home}");
        // Another candidate sees the case of their own loop only, and the upload address of
        // this application is not theirs.
        let (_, theirs) = other_candidate.get_text("/me").await;
        assert!(!theirs.contains(&format!("/me/applications/{application_id}/case-studies")), "{theirs}");
        let path = upload_path(application_id, case_id);
        let response = upload(other_candidate, &path, slides(), "deck.pptx").await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);

        // Files whose content is not a document or slides are refused, whatever their name.
        for (bytes, name, said) in [
            (b"MZ\x90\x00 not a deck".to_vec(), "deck.pptx", "none of these"),
            (vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "deck.ppt", "old Office file"),
            (b"%PDF-1.7 cut short".to_vec(), "deck.pdf", "could not be read"),
            (vec![b'a'; 10 * 1024 * 1024 + 1], "huge.pdf", "the limit is 10 MB"),
            (Vec::new(), "empty.pdf", "Choose the file"),
        ] {
            let response = upload(candidate, &path, bytes, name).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            let html = response.text().await.unwrap();
            assert!(html.contains(said), "{name}: {html}");
        }
        assert_eq!(app.count("case_deliverables").await, 0);
        // Without the form's token, nothing is stored.
        let form = Form::new().part("file", Part::bytes(slides()).file_name("deck.pptx"));
        let response = candidate.client.post(candidate.url(&path)).multipart(form).send().await.unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
        assert_eq!(app.count("case_deliverables").await, 0);

        // A Word document is taken, then slides replace it; fifty presses at once store one.
        let response = upload(candidate, &path, document(), "notes.docx").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let deck = slides();
        let csrf = candidate.csrf("/me").await;
        let requests = (0..50)
            .map(|_| {
                let form = Form::new()
                    .text("csrf", csrf.clone())
                    .part("file", Part::bytes(deck.clone()).file_name("C:\\decks\\order store.pptx"));
                candidate.client.post(candidate.url(&path)).multipart(form)
            })
            .collect();
        let responses = all_at_once_responses(requests).await;
        assert!(responses.iter().all(|(s, _)| *s == StatusCode::SEE_OTHER), "{responses:?}");
        let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM case_deliverables ORDER BY id")
            .fetch_all(app.store().reader())
            .await
            .unwrap();
        assert_eq!(kinds, vec!["docx".to_owned(), "pptx".to_owned()]);
        let latest: i64 = sqlx::query_scalar("SELECT MAX(id) FROM case_deliverables")
            .fetch_one(app.store().reader())
            .await
            .unwrap();
        let (_, home) = candidate.get_text("/me").await;
        assert!(home.contains("order store.pptx"), "{home}");

        // The interviewer of that interview finds the case and the latest file in the kit.
        let design_browser = signed_in_as(&app, &design.1).await;
        let (_, kit) = design_browser
            .get_text(&format!("/interviewer/interviews/{}/kit", design.0.id))
            .await;
        assert!(kit.contains("Case study: Design an order store"), "{kit}");
        assert!(kit.contains(&format!("/case-deliverables/{latest}")), "{kit}");
        // Who reads the file: the candidate, the loop's interviewers, the pipeline. Nobody else.
        let download = format!("/case-deliverables/{latest}");
        for reader in [candidate, &design_browser, &plain_browser, &recruiter] {
            let response = reader.get(&download).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(
                response.headers()["content-type"],
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            );
            let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
            assert!(disposition.ends_with("filename*=UTF-8''order%20store%2Epptx"), "{disposition}");
            assert_eq!(response.bytes().await.unwrap().to_vec(), deck);
        }
        let (_, outsider) = crate::phone_screens::interviewer(&app, "Oona Outsider", "Europe/Dublin").await;
        let outsider = signed_in_as(&app, &outsider).await;
        for reader in [other_candidate, &outsider] {
            assert_eq!(reader.get(&download).await.status(), StatusCode::NOT_FOUND);
        }
        let mentor = app.signed_in(Role::Mentor).await;
        assert_eq!(mentor.get(&download).await.status(), StatusCode::NOT_FOUND);
        // The uploads are history: the database refuses to change them.
        assert!(sqlx::query("DELETE FROM case_deliverables")
            .execute(app.store().writer())
            .await
            .is_err());

        // Once the interview starts, uploads close; the prompt stays.
        app.state
            .app()
            .clock()
            .advance(design.0.starts_at - app.state.now() + 60);
        let candidate = signed_in_as(&app, &candidates[0].1).await;
        let response = upload(&candidate, &path, document(), "late.docx").await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response.text().await.unwrap().contains("closed when the interview started"));
        assert_eq!(app.count("case_deliverables").await, 2);
    }
);

both!(
    fifty_presses_at_once_add_a_question_once_a_case_once_and_save_the_debrief_settings_once,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        cohort_app::interviews::seed_competencies(app.state.app())
            .await
            .unwrap();
        let competencies = app.store().competencies().await.unwrap();
        let ownership = competencies
            .iter()
            .find(|c| c.name == "Ownership")
            .unwrap()
            .id
            .to_string();
        let design = competencies
            .iter()
            .find(|c| c.name == "System design")
            .unwrap()
            .id
            .to_string();
        let track = app.store().tracks(season.season_id).await.unwrap()[0]
            .id
            .to_string();
        let at_once = |path: &str, form: Vec<(String, String)>, csrf: String| {
            (0..50)
                .map(|_| {
                    let mut form = form.clone();
                    form.push(("csrf".to_owned(), csrf.clone()));
                    recruiter.client.post(recruiter.url(path)).form(&form)
                })
                .collect::<Vec<_>>()
        };
        let csrf = recruiter.csrf("/staff/questions").await;
        let question = vec![
            ("competency".to_owned(), ownership.clone()),
            ("track".to_owned(), String::new()),
            ("level".to_owned(), "intern".to_owned()),
            (
                "prompt".to_owned(),
                "Tell me about a mess you cleaned up unasked.".to_owned(),
            ),
            ("guidance".to_owned(), "Acts beyond their scope.".to_owned()),
        ];
        let responses = all_at_once_responses(at_once("/staff/questions", question, csrf)).await;
        assert!(
            responses.iter().all(|(s, _)| *s == StatusCode::SEE_OTHER),
            "{responses:?}"
        );
        assert_eq!(app.count("interview_questions").await, 1);

        let csrf = recruiter.csrf("/staff/case-studies").await;
        let case = vec![
            ("track".to_owned(), track.clone()),
            ("area".to_owned(), design.clone()),
            ("title".to_owned(), "Design an order store".to_owned()),
            (
                "prompt".to_owned(),
                "Our order store holds 2 billion orders. Propose how to shard it, and why."
                    .to_owned(),
            ),
            ("days_ahead".to_owned(), "3".to_owned()),
        ];
        let responses = all_at_once_responses(at_once("/staff/case-studies", case, csrf)).await;
        assert_eq!(
            responses
                .iter()
                .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
                .count(),
            1,
            "{responses:?}"
        );
        assert!(
            responses
                .iter()
                .all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT),
            "{responses:?}"
        );
        assert_eq!(app.count("case_studies").await, 1);

        let settings_page = format!("/staff/seasons/{}/interviews", season.season_id);
        let csrf = recruiter.csrf(&settings_page).await;
        let manager = app
            .create_account(
                "mo.manager@example.com",
                "Mo Manager",
                &[Role::HiringManager],
            )
            .await;
        let settings = vec![(format!("manager_{track}"), manager.to_string())];
        let path = format!("/staff/seasons/{}/debrief-settings", season.season_id);
        let responses = all_at_once_responses(at_once(&path, settings, csrf)).await;
        assert!(
            responses.iter().all(|(s, _)| *s == StatusCode::SEE_OTHER),
            "{responses:?}"
        );
        let managers = app.store().track_managers(season.season_id).await.unwrap();
        assert_eq!(managers[0].hiring_manager_id, Some(manager));
        assert!(
            !app.store().bar_raiser_veto(season.season_id).await.unwrap(),
            "the veto box was not sent"
        );
    }
);
