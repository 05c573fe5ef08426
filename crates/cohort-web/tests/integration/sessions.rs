use crate::both;
use crate::helpers::*;
use cohort_app::assessment::judging::JudgeSubmission;
use cohort_app::assessment::plagiarism::CheckPlagiarism;
use cohort_app::jobs::Job;
use cohort_domain::Role;
use cohort_judge::language::LanguageTable;
use cohort_store::problems::{AssessmentInput, ProblemStatus};
use cohort_store::submissions::ResultRecord;
use cohort_store::Store;
use reqwest::StatusCode;
use std::path::PathBuf;

/// A season whose first open opening's track has a two-problem, 60-minute assessment.
async fn season_with_assessment(app: &TestApp) -> (SeasonFixture, i64, Vec<i64>) {
    let season = app.seed_season().await;
    let now = app.state.now();
    let mut problems = Vec::new();
    for slug in ["buildqueue", "speedups"] {
        let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../problems")
            .join(slug);
        let id = cohort_app::problems::bank::add_folder(
            app.store(),
            app.state.blobs(),
            &LanguageTable::builtin(),
            &folder,
            now,
        )
        .await
        .unwrap()
        .problem_id;
        let mut tx = app.store().begin().await.unwrap();
        Store::set_problem_status(&mut tx, id, ProblemStatus::Verified, "ok", now)
            .await
            .unwrap();
        Store::commit(tx).await.unwrap();
        problems.push(id);
    }
    let openings = app
        .store()
        .openings(&cohort_store::seasons::OpeningFilter {
            season_id: Some(season.season_id),
            ..Default::default()
        })
        .await
        .unwrap();
    let track_id = openings
        .iter()
        .find(|o| o.id == season.open[0])
        .unwrap()
        .track_id;
    let mut tx = app.store().begin().await.unwrap();
    let assessment = Store::save_assessment(
        &mut tx,
        &AssessmentInput {
            season_id: season.season_id,
            track_id,
            duration_minutes: 60,
            languages: vec!["cpp".into(), "python3".into()],
            passing_percent: 60,
            start_within_days: 7,
            counts: "best".into(),
            advance: "recruiter".into(),
            problems: vec![(problems[0], 50), (problems[1], 50)],
        },
        now,
    )
    .await
    .unwrap();
    Store::commit(tx).await.unwrap();
    (season, assessment, problems)
}

/// A candidate who applied to `opening` and was moved to Assessment by a recruiter; returns the
/// candidate's browser, email and application id.
async fn invited(
    app: &TestApp,
    opening: i64,
    season_id: i64,
    name: &str,
) -> (Browser, String, i64) {
    let (candidate, email) = app.candidate(name).await;
    let fields = ApplicationFields::new(season_id, vec![opening]);
    assert_eq!(
        candidate.apply(&fields).await.status(),
        StatusCode::SEE_OTHER
    );
    let application = own_application_id(&candidate).await;
    let recruiter = app.signed_in(Role::Recruiter).await;
    let detail = format!("/staff/applications/{application}");
    for to in ["screening", "assessment"] {
        let moved = recruiter
            .post_form(&detail, &format!("{detail}/transition"), &[("to", to)])
            .await;
        assert_eq!(moved.status(), StatusCode::SEE_OTHER, "moving to {to}");
    }
    (candidate, email, application)
}

/// The (one) assessment invitation of an application.
async fn invitation_of(
    app: &TestApp,
    application: i64,
) -> cohort_store::assessment_sessions::AssessmentInvitation {
    app.store()
        .assessment_invitations_of(application)
        .await
        .unwrap()
        .remove(0)
}

fn attribute(page: &str, name: &str) -> String {
    let marker = format!("{name}=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("{name} in page"))
        + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

async fn post(browser: &Browser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let csrf = browser.csrf("/me").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    browser
        .client
        .post(browser.url(path))
        .form(&all)
        .send()
        .await
        .unwrap()
}

/// Starts the session (or continues a running one here) and opens the page it redirects to, the
/// first problem in a tab of its own.
async fn start_and_open(browser: &Browser, base: &str) -> String {
    let started = post(browser, &format!("{base}/start"), &[]).await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    let opened = started.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        opened.starts_with(&format!("{base}?problem=1&tab=")),
        "{opened}"
    );
    let (status, page) = browser.get_text(&opened).await;
    assert_eq!(status, StatusCode::OK);
    page
}

/// Posts code to the session (`scope` "samples" or "full"; `None` saves a draft).
async fn send_code(
    browser: &Browser,
    base: &str,
    (problem, language, code): (&str, &str, &str),
    tab: &str,
    scope: Option<&str>,
) -> reqwest::Response {
    let fields = [
        ("problem", problem),
        ("language", language),
        ("code", code),
        ("tab", tab),
    ];
    match scope {
        Some(scope) => {
            let mut all = fields.to_vec();
            all.push(("scope", scope));
            post(browser, &format!("{base}/submissions"), &all).await
        }
        None => post(browser, &format!("{base}/draft"), &fields).await,
    }
}

both!(
    moving_a_candidate_to_assessment_invites_them_by_email_and_on_their_status_page,
    |app: TestApp| async move {
        let (season, _, _) = season_with_assessment(&app).await;
        let (candidate, email, application) =
            invited(&app, season.open[0], season.season_id, "Dorothy Vaughan").await;
        let invitations = app
            .store()
            .assessment_invitations_of(application)
            .await
            .unwrap();
        assert_eq!(invitations.len(), 1);
        let invitation = &invitations[0];
        assert_eq!(invitation.start_by - invitation.invited_at, 7 * 86_400);
        let messages = app.store().messages_to(&email).await.unwrap();
        let mail = messages
            .iter()
            .find(|m| m.template == "assessment_invitation")
            .expect("the invitation was queued with the move");
        assert!(mail
            .body
            .contains(&format!("/assessments/{}", invitation.id)));
        assert!(mail.body.contains("60 minutes"));
        assert!(
            !messages
                .iter()
                .any(|m| m.template == "stage_changed" && m.subject.contains("assessment")),
            "one message for the move, not two"
        );
        let (_, status) = candidate.get_text("/me").await;
        assert!(status.contains("Open the assessment"));
        assert!(status.contains(&format!("href=\"/assessments/{}\"", invitation.id)));

        // A candidate whose track has no assessment moves on without an invitation.
        let (_, _, other) = invited(&app, season.open[1], season.season_id, "Annie Easley").await;
        let openings = app.store().openings(&Default::default()).await.unwrap();
        let track_of = |opening: i64| openings.iter().find(|o| o.id == opening).unwrap().track_id;
        if track_of(season.open[1]) != track_of(season.open[0]) {
            assert!(app
                .store()
                .assessment_invitations_of(other)
                .await
                .unwrap()
                .is_empty());
        }
    }
);

both!(
    a_candidate_starts_saves_runs_samples_submits_and_time_up_submits_what_they_last_saved,
    |app: TestApp| async move {
        let (season, _, problems) = season_with_assessment(&app).await;
        let (candidate, _, application) =
            invited(&app, season.open[0], season.season_id, "Evelyn Boyd").await;
        let invitation = invitation_of(&app, application).await;
        let base = format!("/assessments/{}", invitation.id);

        let (status, page) = candidate.get_text(&base).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Start the assessment") && page.contains("60 minutes"));
        assert!(post(&candidate, &format!("{base}/draft"), &[])
            .await
            .status()
            .is_client_error());
        let page = start_and_open(&candidate, &base).await;
        assert!(
            page.contains("<h1>Build Queue</h1>"),
            "the first problem's statement: {page}"
        );
        assert!(page.contains("Run samples") && page.contains("Time left"));
        assert!(page.contains("int main()"), "starter code in the editor");
        let tab = attribute(&page, "data-tab");
        let remaining: i64 = attribute(&page, "data-remaining").parse().unwrap();
        assert!((3590..=3600).contains(&remaining), "{remaining}");

        let code = "#include <cstdio>\nint main() { return 0; }\n";
        let saved = send_code(&candidate, &base, ("1", "cpp", code), &tab, None).await;
        assert_eq!(saved.status(), StatusCode::NO_CONTENT);
        let drafts = app.store().drafts(invitation.id).await.unwrap();
        assert_eq!(
            (drafts[0].problem_id, drafts[0].code.as_str()),
            (problems[0], code)
        );

        // Bad input is refused with its reason, and changes nothing.
        let huge = "x".repeat(70 * 1024);
        for (language, code, reason) in [
            ("rust", "fn main() {}", "not offered"),
            ("cpp", "int main() {\0}", "binary"),
            ("cpp", huge.as_str(), "longer than 64 KB"),
        ] {
            let refused =
                send_code(&candidate, &base, ("1", language, code), &tab, Some("full")).await;
            assert_eq!(
                refused.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{reason}"
            );
            assert!(refused.text().await.unwrap().contains(reason), "{reason}");
        }
        assert_eq!(app.count("submissions").await, 0);

        let samples = send_code(&candidate, &base, ("1", "cpp", code), &tab, Some("samples")).await;
        assert_eq!(samples.status(), StatusCode::SEE_OTHER);
        let again = send_code(&candidate, &base, ("1", "cpp", code), &tab, Some("samples")).await;
        assert_eq!(
            again.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "samples are rate-limited"
        );
        let full = send_code(&candidate, &base, ("1", "cpp", code), &tab, Some("full")).await;
        assert_eq!(full.status(), StatusCode::SEE_OTHER);
        let too_soon = send_code(&candidate, &base, ("1", "cpp", code), &tab, Some("full")).await;
        assert_eq!(
            too_soon.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "submissions are rate-limited too"
        );
        let submitted = app
            .store()
            .session_submissions(invitation.id)
            .await
            .unwrap();
        assert_eq!(submitted.len(), 2);
        assert_eq!(
            app.store()
                .queued_jobs(JudgeSubmission::KIND)
                .await
                .unwrap(),
            2,
            "each submission was queued for judging with it"
        );

        // What a judge worker records shows on the page (the worker has its own tests).
        let sample_run = submitted
            .iter()
            .find(|s| s.scope == cohort_store::submissions::Scope::Samples)
            .unwrap();
        let mut tx = app.store().begin().await.unwrap();
        Store::record_result(
            &mut tx,
            &ResultRecord {
                submission_id: sample_run.id,
                verdict: "WA".into(),
                score: 0.0,
                max_score: 0.0,
                tests_passed: 0,
                tests_total: 2,
                report: r#"{"tests":[{"name":"sample/1","verdict":"WrongAnswer","wall_ms":3.0,"output":"7 12\n"},{"name":"sample/2","verdict":"WrongAnswer","wall_ms":2.0}]}"#.into(),
                judged_at: app.state.now(),
                turnaround_ms: 500,
            },
        )
        .await
        .unwrap();
        Store::commit(tx).await.unwrap();
        let (_, page) = candidate
            .get_text(&format!("{base}?problem=1&tab={tab}"))
            .await;
        assert!(
            page.contains("Wrong answer: 0 of 2 samples passed"),
            "the result is shown"
        );
        assert!(page.contains("sample/1: Wrong answer"));
        assert!(
            page.contains("<summary>Your output</summary><pre>7 12\n</pre>"),
            "what the program printed"
        );
        assert!(
            page.contains("Judging…"),
            "the full submission is still judging"
        );
        let json: serde_json::Value = candidate
            .get(&format!("{base}/submissions/{}", sample_run.id))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(json["pending"], false);

        // Opening the page without its tab (a link from another site, a second tab) changes
        // nothing: it offers to continue there, and the session stays with its tab.
        assert_eq!(attribute(&page, "data-tab"), tab, "reloading keeps the tab");
        let (status, elsewhere) = candidate.get_text(&base).await;
        assert_eq!(status, StatusCode::OK);
        assert!(elsewhere.contains("Continue in this tab"), "{elsewhere}");
        assert!(!elsewhere.contains("data-tab"));
        let (_, forged) = candidate.get_text(&format!("{base}?tab=guess")).await;
        assert!(forged.contains("Continue in this tab"));
        let still = send_code(&candidate, &base, ("1", "cpp", code), &tab, None).await;
        assert_eq!(still.status(), StatusCode::NO_CONTENT);
        // Taking it over needs the form's CSRF token.
        let forged = candidate
            .client
            .post(candidate.url(&format!("{base}/continue")))
            .form(&[("problem", "2")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let still = send_code(&candidate, &base, ("1", "cpp", code), &tab, None).await;
        assert_eq!(still.status(), StatusCode::NO_CONTENT);
        // With it, the session moves and the old tab's saves stop.
        let moved = post(&candidate, &format!("{base}/continue"), &[("problem", "2")]).await;
        assert_eq!(moved.status(), StatusCode::SEE_OTHER);
        let location = moved.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(&format!("{base}?problem=2&tab=")));
        let (_, page) = candidate.get_text(&location).await;
        let newer_tab = attribute(&page, "data-tab");
        assert_ne!(newer_tab, tab);
        let stale = send_code(&candidate, &base, ("1", "cpp", "// lost"), &tab, None).await;
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        assert!(stale.text().await.unwrap().contains("open in another tab"));

        // Work on problem 2 is saved but never submitted; when time is up it is submitted.
        let unsent = "print(42)\n";
        let saved = send_code(
            &candidate,
            &base,
            ("2", "python3", unsent),
            &newer_tab,
            None,
        )
        .await;
        assert_eq!(saved.status(), StatusCode::NO_CONTENT);
        app.state.clock().advance(60 * 60 + 1);
        let late = post(
            &candidate,
            &format!("{base}/draft"),
            &[
                ("problem", "2"),
                ("language", "python3"),
                ("code", "print(43)"),
                ("tab", &newer_tab),
            ],
        )
        .await;
        assert_eq!(late.status(), StatusCode::CONFLICT);
        assert!(late.text().await.unwrap().contains("time is up"));
        assert!(app.run_jobs().await >= 1, "the session-closing job ran");
        let submitted = app
            .store()
            .session_submissions(invitation.id)
            .await
            .unwrap();
        assert_eq!(submitted.len(), 3, "only the unsubmitted draft was added");
        let automatic = &submitted[0];
        assert_eq!(
            (
                automatic.problem_id,
                automatic.scope.as_str(),
                automatic.language.as_str()
            ),
            (problems[1], "full", "python3")
        );
        assert_eq!(app.run_jobs().await, 0, "closing twice does nothing");
        let (_, page) = candidate.get_text(&base).await;
        assert!(page.contains("Your assessment is over"));
    }
);

both!(
    another_candidate_cannot_open_or_write_to_someone_elses_session,
    |app: TestApp| async move {
        let (season, _, _) = season_with_assessment(&app).await;
        let (owner, _, application) =
            invited(&app, season.open[0], season.season_id, "Christine Darden").await;
        let invitation = invitation_of(&app, application).await;
        let base = format!("/assessments/{}", invitation.id);
        let page = start_and_open(&owner, &base).await;
        let tab = attribute(&page, "data-tab");

        let (intruder, _) = app.candidate("Mallory Intruder").await;
        assert_eq!(intruder.get(&base).await.status(), StatusCode::NOT_FOUND);
        let write = send_code(&intruder, &base, ("1", "cpp", "x"), &tab, None).await;
        assert_eq!(write.status(), StatusCode::NOT_FOUND);
        assert!(app.store().drafts(invitation.id).await.unwrap().is_empty());
        let recruiter = app.signed_in(Role::Recruiter).await;
        assert_eq!(recruiter.get(&base).await.status(), StatusCode::FORBIDDEN);
    }
);

both!(
    a_recruiter_sees_points_per_problem_the_total_against_the_passing_score_and_each_submissions_code,
    |app: TestApp| async move {
        let (season, assessment, _) = season_with_assessment(&app).await;
        let (candidate, _, application) =
            invited(&app, season.open[0], season.season_id, "Katherine Coleman").await;
        let invitation = invitation_of(&app, application).await;
        let base = format!("/assessments/{}", invitation.id);
        let page = start_and_open(&candidate, &base).await;
        let tab = attribute(&page, "data-tab");
        for (problem, code) in [("1", "// queue solution\n"), ("2", "// speedups solution\n")] {
            let sent = send_code(&candidate, &base, (problem, "cpp", code), &tab, Some("full")).await;
            assert_eq!(sent.status(), StatusCode::SEE_OTHER);
        }
        // The judge's results, as a worker records them: Build Queue accepted; Speedups (a
        // scoring problem) with 60 of its 100 points.
        let submitted = app.store().session_submissions(invitation.id).await.unwrap();
        for submission in &submitted {
            let queue = submission.problem_id == submitted.last().unwrap().problem_id;
            let mut tx = app.store().begin().await.unwrap();
            Store::record_result(
                &mut tx,
                &ResultRecord {
                    submission_id: submission.id,
                    verdict: if queue { "AC" } else { "WA" }.into(),
                    score: if queue { 11.0 } else { 60.0 },
                    max_score: if queue { 11.0 } else { 100.0 },
                    tests_passed: if queue { 13 } else { 9 },
                    tests_total: if queue { 13 } else { 16 },
                    report: r#"{"compile_output":"","tests":[{"name":"secret/07-large","verdict":"WrongAnswer","wall_ms":12.0,"memory_kib":2048,"feedback":"line 3 differs"}]}"#.into(),
                    judged_at: app.state.now(),
                    turnaround_ms: 400,
                },
            )
            .await
            .unwrap();
            Store::commit(tx).await.unwrap();
        }
        let recruiter = app.signed_in(Role::Recruiter).await;
        let detail = format!("/staff/applications/{application}");
        let (_, page) = recruiter.get_text(&detail).await;
        assert!(page.contains("Online assessment: "));
        assert!(page.contains("50.0 of 50"), "Build Queue accepted: all its points");
        assert!(page.contains("30.0 of 50"), "Speedups: 60 % of its points");
        assert!(page.contains("80.0 of 100"));
        assert!(!page.contains("Passed"), "no verdict while the session runs");

        app.state.clock().advance(60 * 60 + 1);
        app.run_jobs().await;
        let (_, page) = recruiter.get_text(&detail).await;
        assert!(page.contains("<strong>Passed</strong>"), "80 of 100 reaches 60 %");

        // The assessment across its candidates, and as CSV.
        let (status, stats) = recruiter
            .get_text(&format!("/staff/assessments/{assessment}/results"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(stats.contains("1 invited · 1 finished (100 %)"), "{stats}");
        assert!(stats.contains("<svg") && stats.contains("80–90 %: 1"), "the histogram");
        assert!(stats.contains("<td>Build Queue</td><td>1</td><td>100 %</td>"));
        assert!(stats.contains("<td>Speedups</td><td>0</td><td>0 %</td>"));
        let csv = recruiter
            .get(&format!("/staff/assessments/{assessment}/results.csv"))
            .await;
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let csv = csv.text().await.unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next().unwrap(),
            "application_id,candidate,status,minutes_used,points: Build Queue,points: Speedups,total,possible,passed,plagiarism_flags"
        );
        let row = lines.next().unwrap();
        assert!(row.starts_with(&format!("{application},Katherine Coleman,")), "{row}");
        assert!(row.ends_with(",50.0,30.0,80.0,100,yes,0"), "{row}");

        let speedups = submitted.first().unwrap();
        let code_page = format!("/staff/submissions/{}", speedups.id);
        let (status, page) = recruiter.get_text(&code_page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("// speedups solution"), "the code");
        assert!(page.contains("secret/07-large") && page.contains("line 3 differs"), "hidden tests are shown to staff");
        assert_eq!(candidate.get(&code_page).await.status(), StatusCode::FORBIDDEN);
        let (_, status_page) = candidate.get_text("/me").await;
        assert!(!status_page.contains("secret/07-large"));
    }
);

both!(
    a_candidate_who_has_not_started_is_reminded_a_day_before_and_a_recruiter_can_extend_the_deadline,
    |app: TestApp| async move {
        let (season, _, _) = season_with_assessment(&app).await;
        let (candidate, email, application) =
            invited(&app, season.open[0], season.season_id, "Melba Roy").await;
        let invitation = invitation_of(&app, application).await;
        let reminders = |app: &TestApp| {
            let (store, email) = (app.store().clone(), email.clone());
            async move {
                store
                    .messages_to(&email)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|m| m.template == "assessment_reminder")
                    .count()
            }
        };
        app.run_jobs().await;
        assert_eq!(reminders(&app).await, 0, "not before the day before");
        app.state.clock().advance(6 * 86_400 + 60);
        app.run_jobs().await;
        assert_eq!(reminders(&app).await, 1, "a day before the deadline");
        app.run_jobs().await;
        assert_eq!(reminders(&app).await, 1, "once");

        // The deadline passes; the candidate is told, and a recruiter extends it.
        app.state.clock().advance(86_400);
        let (_, page) = candidate.get_text(&format!("/assessments/{}", invitation.id)).await;
        assert!(page.contains("The deadline to start has passed"));
        let recruiter = app.signed_in(Role::Recruiter).await;
        let detail = format!("/staff/applications/{application}");
        let refused = recruiter
            .post_form(&detail, &format!("/staff/invitations/{}/extend", invitation.id), &[("days", "90")])
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let extended = recruiter
            .post_form(&detail, &format!("/staff/invitations/{}/extend", invitation.id), &[("days", "3")])
            .await;
        assert_eq!(extended.status(), StatusCode::SEE_OTHER);
        let renewed = app.store().assessment_invitation(invitation.id).await.unwrap();
        assert_eq!(renewed.start_by, app.state.now() + 3 * 86_400);
        let invitations = app
            .store()
            .messages_to(&email)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.template == "assessment_invitation")
            .count();
        assert_eq!(invitations, 2, "the candidate is sent the new deadline");
        let (_, page) = candidate.get_text(&format!("/assessments/{}", invitation.id)).await;
        assert!(page.contains("Start the assessment"));
        let manager = app.signed_in(Role::HiringManager).await;
        let forbidden = manager
            .post_form(&detail, &format!("/staff/invitations/{}/extend", invitation.id), &[("days", "3")])
            .await;
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    }
);

/// A candidate invited, started, and the session page's tab.
async fn in_session(app: &TestApp, season: &SeasonFixture, name: &str) -> (Browser, String, i64) {
    let (candidate, _, application) = invited(app, season.open[0], season.season_id, name).await;
    let invitation = invitation_of(app, application).await;
    let base = format!("/assessments/{}", invitation.id);
    let page = start_and_open(&candidate, &base).await;
    let tab = attribute(&page, "data-tab");
    (candidate, format!("{base}|{tab}"), application)
}

both!(
    copied_code_is_flagged_against_the_other_candidate_and_the_known_solution_but_not_a_candidates_own_resubmission,
    |app: TestApp| async move {
        let (season, _, _) = season_with_assessment(&app).await;
        let original = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../problems/buildqueue/submissions/accepted/heap.cpp"),
        )
        .unwrap();
        // The same program with every identifier renamed and the comments dropped.
        let disguised = original
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
            .replace("idle", "free_at")
            .replace("waiting", "total_wait")
            .replace("last", "finish")
            .replace("prev", "before");
        let (first, first_session, _) = in_session(&app, &season, "Ada Copier").await;
        let (second, second_session, second_application) =
            in_session(&app, &season, "Bob Renamer").await;
        for (browser, session, code) in [
            (&first, &first_session, original.as_str()),
            (&first, &first_session, original.as_str()),
            (&second, &second_session, disguised.as_str()),
        ] {
            let (base, tab) = session.split_once('|').unwrap();
            let sent = send_code(browser, base, ("1", "cpp", code), tab, Some("full")).await;
            assert_eq!(sent.status(), StatusCode::SEE_OTHER);
            // Submissions to one problem are at most one every ten seconds.
            app.state.clock().advance(11);
        }
        assert_eq!(
            app.store().queued_jobs(CheckPlagiarism::KIND).await.unwrap(),
            3,
            "each full submission queued a check"
        );
        app.run_jobs().await;
        let flags: Vec<(i64, Option<i64>, Option<i64>, f64)> = sqlx::query_as(
            "SELECT submission_id, other_submission_id, known_solution_id, similarity FROM plagiarism_flags ORDER BY id",
        )
        .fetch_all(app.store().reader())
        .await
        .unwrap();
        let between_candidates: Vec<_> = flags.iter().filter(|f| f.1.is_some()).collect();
        assert!(
            !between_candidates.is_empty(),
            "the renamed copy is flagged against the original: {flags:?}"
        );
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM submissions ORDER BY id")
            .fetch_all(app.store().reader())
            .await
            .unwrap();
        assert!(
            !between_candidates
                .iter()
                .any(|f| [f.0, f.1.unwrap()].contains(&ids[0]) && [f.0, f.1.unwrap()].contains(&ids[1])),
            "a candidate's own resubmission is not a flag"
        );
        assert!(
            flags.iter().any(|f| f.2.is_some() && f.0 == ids[0] && f.3 > 0.99),
            "the copied reference solution is flagged against the known solution: {flags:?}"
        );
        assert_eq!(app.run_jobs().await, 0);

        let recruiter = app.signed_in(Role::Recruiter).await;
        let (_, page) = recruiter
            .get_text(&format!("/staff/applications/{second_application}"))
            .await;
        assert!(page.contains("similar to Ada Copier&#39;s submission"), "{page}");
        let start = page.find("/staff/plagiarism/").expect("a link to compare");
        let link = &page[start..start + page[start..].find('"').unwrap()];
        let (status, compare) = recruiter.get_text(link).await;
        assert_eq!(status, StatusCode::OK);
        assert!(compare.matches("<mark>").count() >= 2, "the shared regions are marked");
        assert!(compare.contains("free_at") && compare.contains("idle"));
        let (candidate_status, _) = second.get_text(link).await;
        assert_eq!(candidate_status, StatusCode::FORBIDDEN);
    }
);

/// Records a judge's result for a submission, as a worker would.
async fn judged(app: &TestApp, submission_id: i64, verdict: &str, score: f64, max_score: f64) {
    let mut tx = app.store().begin().await.unwrap();
    Store::record_result(
        &mut tx,
        &ResultRecord {
            submission_id,
            verdict: verdict.into(),
            score,
            max_score,
            tests_passed: 1,
            tests_total: 1,
            report: "{}".into(),
            judged_at: app.state.now(),
            turnaround_ms: 100,
        },
    )
    .await
    .unwrap();
    Store::commit(tx).await.unwrap();
}

both!(
    with_automatic_advance_a_passing_candidate_moves_to_phone_screen_when_judged_and_a_failing_one_waits,
    |app: TestApp| async move {
        let (season, assessment, problems) = season_with_assessment(&app).await;
        let saved = app.store().assessment(assessment).await.unwrap();
        let mut tx = app.store().begin().await.unwrap();
        Store::save_assessment(
            &mut tx,
            &AssessmentInput {
                season_id: saved.season_id,
                track_id: saved.track_id,
                duration_minutes: 60,
                languages: vec!["cpp".into()],
                passing_percent: 60,
                start_within_days: 7,
                counts: "best".into(),
                advance: "automatic".into(),
                problems: vec![(problems[0], 50), (problems[1], 50)],
            },
            app.state.now(),
        )
        .await
        .unwrap();
        Store::commit(tx).await.unwrap();

        let (strong, strong_session, strong_application) = in_session(&app, &season, "Grace Strong").await;
        let (weak, weak_session, weak_application) = in_session(&app, &season, "Walter Weak").await;
        for (browser, session) in [(&strong, &strong_session), (&weak, &weak_session)] {
            let (base, tab) = session.split_once('|').unwrap();
            for problem in ["1", "2"] {
                send_code(browser, base, (problem, "cpp", &format!("// {problem}\n")), tab, Some("full")).await;
            }
        }
        let invitation_of = |application: i64| {
            let store = app.store().clone();
            async move { store.assessment_invitations_of(application).await.unwrap().remove(0).id }
        };
        let strong_submissions = app.store().session_submissions(invitation_of(strong_application).await).await.unwrap();
        let weak_submissions = app.store().session_submissions(invitation_of(weak_application).await).await.unwrap();
        // Time is up before the judge has finished: nobody is moved while results are missing.
        app.state.clock().advance(60 * 60 + 1);
        judged(&app, strong_submissions[0].id, "AC", 1.0, 1.0).await;
        app.run_jobs().await;
        let stage = |application: i64| {
            let store = app.store().clone();
            async move { store.application(application).await.unwrap().stage }
        };
        assert_eq!(stage(strong_application).await, "assessment", "still judging");

        judged(&app, strong_submissions[1].id, "AC", 1.0, 1.0).await;
        for submission in &weak_submissions {
            judged(&app, submission.id, "WA", 0.0, 1.0).await;
        }
        app.run_jobs().await;
        assert_eq!(stage(strong_application).await, "phone_screen", "passed: moved on");
        // The decided score is kept for the board.
        let percent: Option<f64> =
            sqlx::query_scalar("SELECT assessment_percent FROM applications WHERE id = $1")
                .bind(strong_application)
                .fetch_one(app.store().reader())
                .await
                .unwrap();
        assert_eq!(percent, Some(100.0));
        assert_eq!(stage(weak_application).await, "assessment", "below the passing score: a recruiter decides");
        let history = app.store().history(strong_application).await.unwrap();
        let last = history.last().unwrap();
        assert_eq!((last.from_stage.as_deref(), last.to_stage.as_str()), (Some("assessment"), "phone_screen"));
        assert!(last.actor_name.is_none());
        assert!(last.reason.contains("100.0 of 100 points"), "{}", last.reason);
        app.run_jobs().await;
        assert_eq!(app.store().history(strong_application).await.unwrap().len(), history.len(), "decided once");
    }
);

both!(
    pastes_and_leaving_the_page_are_recorded_and_each_saved_change_can_be_replayed_by_recruiters,
    |app: TestApp| async move {
        let (season, _, _) = season_with_assessment(&app).await;
        let (candidate, session, application) = in_session(&app, &season, "Ida Replay").await;
        let (base, tab) = session.split_once('|').unwrap();
        for code in ["int main() {", "int main() {", "int main() { return 0; }"] {
            let saved = send_code(&candidate, base, ("1", "cpp", code), tab, None).await;
            assert_eq!(saved.status(), StatusCode::NO_CONTENT);
        }
        let event = |kind: &'static str, size: &'static str, tab: String| {
            let (candidate, base) = (&candidate, base.to_owned());
            async move {
                post(
                    candidate,
                    &format!("{base}/events"),
                    &[
                        ("kind", kind),
                        ("size", size),
                        ("problem", "1"),
                        ("tab", &tab),
                    ],
                )
                .await
                .status()
            }
        };
        assert_eq!(
            event("paste", "120", tab.to_owned()).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            event("left", "0", tab.to_owned()).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            event("returned", "0", tab.to_owned()).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            event("typed", "0", tab.to_owned()).await,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            event("paste", "5", "stale".into()).await,
            StatusCode::CONFLICT
        );

        let recruiter = app.signed_in(Role::Recruiter).await;
        let (_, page) = recruiter
            .get_text(&format!("/staff/applications/{application}"))
            .await;
        assert!(
            page.contains("1 paste (largest 120 characters), left the page 1 time"),
            "{page}"
        );
        assert!(
            page.contains("(2 saved changes)"),
            "an unchanged save is not a step"
        );
        let invitation = invitation_of(&app, application).await.id;
        let replay = format!("/staff/invitations/{invitation}/replay?problem=1");
        let (status, first) = recruiter.get_text(&format!("{replay}&step=1")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(first.contains("Step 1 of 2") && first.contains(">int main() {</textarea>"));
        let (_, last) = recruiter.get_text(&replay).await;
        assert!(last.contains("Step 2 of 2") && last.contains("return 0;"));
        assert!(
            last.contains("pasted 120 characters (Build Queue)") && last.contains("left the page")
        );
        assert_eq!(candidate.get(&replay).await.status(), StatusCode::FORBIDDEN);
    }
);

both!(
    once_candidates_are_invited_the_problems_are_fixed_and_a_closed_application_closes_the_session,
    |app: TestApp| async move {
        let (season, assessment, problems) = season_with_assessment(&app).await;
        let (candidate, session, application) = in_session(&app, &season, "Lena Locked").await;
        let saved = app.store().assessment(assessment).await.unwrap();
        let recruiter = app.signed_in(Role::Recruiter).await;
        let path = format!("/staff/seasons/{}/assessments", season.season_id);
        let track = saved.track_id.to_string();
        let form = |first: &'static str, duration: &'static str| {
            let (first_id, second_id) = (problems[0].to_string(), problems[1].to_string());
            vec![
                ("track".to_owned(), track.clone()),
                ("duration".into(), duration.into()),
                ("passing".into(), "60".into()),
                ("start_within".into(), "7".into()),
                ("counts".into(), "best".into()),
                ("advance".into(), "recruiter".into()),
                ("languages".into(), "cpp".into()),
                ("problem".into(), first_id),
                ("points".into(), first.into()),
                ("problem".into(), second_id),
                ("points".into(), "50".into()),
            ]
        };
        let send = |fields: Vec<(String, String)>| {
            let (recruiter, path) = (&recruiter, path.clone());
            async move {
                let borrowed: Vec<(&str, &str)> = fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                recruiter.post_form(&path, &path, &borrowed).await
            }
        };
        let changed = send(form("70", "60")).await;
        assert_eq!(changed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(changed
            .text()
            .await
            .unwrap()
            .contains("can no longer change"));
        let longer = send(form("50", "75")).await;
        assert_eq!(
            longer.status(),
            StatusCode::SEE_OTHER,
            "other settings can change"
        );
        assert_eq!(
            app.store()
                .assessment(assessment)
                .await
                .unwrap()
                .duration_minutes,
            75
        );

        // The candidate is rejected: their session closes.
        let detail = format!("/staff/applications/{application}");
        let rejected = recruiter
            .post_form(
                &detail,
                &format!("{detail}/transition"),
                &[("to", "rejected"), ("reason_code", "assessment_score")],
            )
            .await;
        assert_eq!(rejected.status(), StatusCode::SEE_OTHER);
        let (base, tab) = session.split_once('|').unwrap();
        let (status, page) = candidate.get_text(base).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(page.contains("its assessment is closed"));
        let write = send_code(&candidate, base, ("1", "cpp", "x"), tab, Some("full")).await;
        assert_eq!(write.status(), StatusCode::CONFLICT);
    }
);

both!(
    integrity_events_past_sixty_a_minute_are_refused_and_not_stored,
    |app: TestApp| async move {
        let (season, _, _) = season_with_assessment(&app).await;
        let (candidate, session, _) = in_session(&app, &season, "Flo Flood").await;
        let (base, tab) = session.split_once('|').unwrap();
        let csrf = candidate.csrf("/me").await;
        let mut requests = tokio::task::JoinSet::new();
        for _ in 0..80 {
            let request = candidate
                .client
                .post(candidate.url(&format!("{base}/events")))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("kind", "paste"),
                    ("size", "10"),
                    ("problem", "1"),
                    ("tab", tab),
                ]);
            requests.spawn(async move { request.send().await.unwrap().status() });
        }
        let statuses = requests.join_all().await;
        let stored = statuses
            .iter()
            .filter(|s| **s == StatusCode::NO_CONTENT)
            .count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert_eq!((stored, refused), (60, 20), "{statuses:?}");
        assert_eq!(app.count("integrity_events").await, 60);

        app.state.clock().advance(61);
        let later = post(
            &candidate,
            &format!("{base}/events"),
            &[
                ("kind", "left"),
                ("size", "0"),
                ("problem", "1"),
                ("tab", tab),
            ],
        )
        .await;
        assert_eq!(later.status(), StatusCode::NO_CONTENT);
    }
);

both!(
    fifty_simultaneous_submissions_of_one_problem_are_judged_once,
    |app: TestApp| async move {
        let (season, _, _) = season_with_assessment(&app).await;
        let (candidate, session, _) = in_session(&app, &season, "Sam Burst").await;
        let (base, tab) = session.split_once('|').unwrap();
        let csrf = candidate.csrf("/me").await;
        let mut requests = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let request = candidate
                .client
                .post(candidate.url(&format!("{base}/submissions")))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("problem", "1"),
                    ("language", "cpp"),
                    ("code", "int main() { return 0; }"),
                    ("tab", tab),
                    ("scope", "full"),
                ]);
            requests.spawn(async move { request.send().await.unwrap().status() });
        }
        let statuses = requests.join_all().await;
        let accepted = statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count();
        assert_eq!(accepted, 1, "{statuses:?}");
        assert!(statuses
            .iter()
            .all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(app.count("submissions").await, 1);
    }
);

both!(
    a_candidate_who_is_done_finishes_early_after_confirming_and_the_saved_code_is_submitted,
    |app: TestApp| async move {
        let (season, _, _) = season_with_assessment(&app).await;
        let (candidate, session, application) = in_session(&app, &season, "Fin Early").await;
        let (base, tab) = session.split_once('|').unwrap();
        let code = ("1", "cpp", "int main() { return 0; }");
        // Pressing Finish without confirming saves the editor's code and asks.
        let asked = post(
            &candidate,
            &format!("{base}/finish"),
            &[
                ("tab", tab),
                ("problem", code.0),
                ("language", code.1),
                ("code", code.2),
            ],
        )
        .await;
        assert_eq!(asked.status(), StatusCode::OK);
        let page = asked.text().await.unwrap();
        assert!(page.contains("Finish the assessment now?"), "{page}");
        assert!(page.contains("Build Queue"), "{page}");
        assert_eq!(
            invitation_of(&app, application)
                .await
                .state(app.state.now()),
            cohort_store::assessment_sessions::SessionState::Running
        );
        assert_eq!(
            app.store()
                .drafts(invitation_of(&app, application).await.id)
                .await
                .unwrap()
                .len(),
            1
        );

        // Someone else's session cannot be finished.
        let (stranger, _) = app.candidate("Other Person").await;
        let refused = post(
            &stranger,
            &format!("{base}/finish"),
            &[("tab", tab), ("confirm", "yes")],
        )
        .await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND);

        // Fifty confirmations at once finish it once, and the saved code is submitted once.
        let csrf = candidate.csrf("/me").await;
        let mut requests = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let request = candidate
                .client
                .post(candidate.url(&format!("{base}/finish")))
                .form(&[("csrf", csrf.as_str()), ("tab", tab), ("confirm", "yes")]);
            requests.spawn(async move { request.send().await.unwrap().status() });
        }
        for status in requests.join_all().await {
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
        let invitation = invitation_of(&app, application).await;
        assert!(invitation.finished_at.is_some());
        assert_eq!(
            invitation.state(app.state.now()),
            cohort_store::assessment_sessions::SessionState::Finished
        );
        let submitted = app
            .store()
            .session_submissions(invitation.id)
            .await
            .unwrap();
        assert_eq!(submitted.len(), 1, "the saved code, once");
        assert_eq!(submitted[0].scope, cohort_store::submissions::Scope::Full);
        let (_, page) = candidate.get_text(base).await;
        assert!(page.contains("Your assessment is over"), "{page}");
        let late = send_code(&candidate, base, code, tab, None).await;
        assert_eq!(late.status(), StatusCode::CONFLICT);
    }
);

both!(
    the_session_page_shows_formulas_as_mathml_each_sample_once_and_every_starter,
    |app: TestApp| async move {
        let (season, _, _) = season_with_assessment(&app).await;
        let (candidate, session, _) = in_session(&app, &season, "Math Reader").await;
        let (base, tab) = session.split_once('|').unwrap();
        let (_, page) = candidate
            .get_text(&format!("{base}?problem=1&tab={tab}"))
            .await;
        assert!(page.contains("<math"), "formulas are MathML");
        assert!(!page.contains("$s_i"), "no raw LaTeX is left");
        assert!(!page.contains("\\ge"), "no raw LaTeX is left");
        // The first sample's input ("5 2" jobs and runners) appears once, in the sample list.
        assert_eq!(page.matches("5 2\n0 5").count(), 1, "{page}");
        assert!(
            page.contains("data-starters=\"{&#34;cpp&#34;:"),
            "starters for the script"
        );
        assert!(page.contains("Finish the assessment"));
    }
);
