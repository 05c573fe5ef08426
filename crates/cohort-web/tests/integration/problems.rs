use crate::both;
use crate::helpers::*;
use cohort_app::jobs::Job;
use cohort_app::problems::bank::{add_folder, add_package, BankError, Origin};
use cohort_app::problems::VerifyProblem;
use cohort_judge::language::LanguageTable;
use cohort_store::problems::{AssessmentInput, ProblemStatus};
use cohort_store::Store;
use std::io::Write;
use std::path::PathBuf;

fn built_in(slug: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../problems")
        .join(slug)
}

/// Adds built-in problems to the bank; returns their ids in order.
async fn add_built_in(app: &TestApp, slugs: &[&str]) -> Vec<i64> {
    let mut ids = Vec::new();
    for slug in slugs {
        let added = add_folder(
            app.store(),
            app.state.blobs(),
            &LanguageTable::builtin(),
            &built_in(slug),
            app.state.now(),
        )
        .await
        .unwrap();
        ids.push(added.problem_id);
    }
    ids
}

fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, contents) in entries {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(contents.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

both!(
    a_built_in_package_is_added_pending_with_its_statement_samples_and_starters_and_a_verification_job,
    |app: TestApp| async move {
        let languages = LanguageTable::builtin();
        let now = app.state.now();
        let added = add_folder(
            app.store(),
            app.state.blobs(),
            &languages,
            &built_in("buildqueue"),
            now,
        )
        .await
        .unwrap();
        assert_eq!(added.name, "Build Queue");
        let problem = app.store().problem(added.problem_id).await.unwrap();
        assert_eq!(problem.status(), ProblemStatus::Pending);
        assert_eq!(problem.slug, "buildqueue");
        assert_eq!(problem.built_in, 1);
        assert!(problem.statement.starts_with("# Build Queue"));
        assert_eq!(problem.time_limit_ms, 2000);
        assert_eq!(problem.test_count, 13, "2 samples and 11 secret tests");
        let samples = app.store().problem_samples(problem.id).await.unwrap();
        assert_eq!(samples.len(), 2);
        assert!(!samples[0].input.is_empty() && !samples[0].answer.is_empty());
        let starters = app.store().problem_starters(problem.id).await.unwrap();
        assert_eq!(
            starters.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
            ["cpp", "java", "python3"]
        );
        assert_eq!(
            app.store()
                .queued_jobs(VerifyProblem::KIND)
                .await
                .unwrap(),
            1,
            "verification was queued with the problem"
        );
        // The stored package is the zip the judge workers will fetch.
        let blob = cohort_store::blob::BlobId::parse(&problem.package_blob).unwrap();
        let stored = app.state.blobs().get(&blob).unwrap();
        assert_eq!(stored.len() as i64, problem.package_bytes);

        let again = add_folder(
            app.store(),
            app.state.blobs(),
            &languages,
            &built_in("buildqueue"),
            now,
        )
        .await;
        assert!(
            matches!(again, Err(BankError::Duplicate(id)) if id == problem.id),
            "{again:?}"
        );
        assert_eq!(app.count("problems").await, 1);
    }
);

both!(
    a_broken_package_is_refused_with_the_reason_and_nothing_is_stored,
    |app: TestApp| async move {
        let languages = LanguageTable::builtin();
        let now = app.state.now();
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"just some text".to_vec(), "not a zip archive"),
            (
                zip_of(&[("problem.yaml", "name: X\n"), ("../evil.sh", "rm -rf /")]),
                "points outside the package",
            ),
            (
                zip_of(&[
                    ("problem.yaml", "name: X\n"),
                    ("data", "a file"),
                    ("data/x.in", "1\n"),
                ]),
                "both as a file and as a folder",
            ),
            (
                zip_of(&[
                    ("x/problem.yaml", "name: X\n"),
                    ("x/data/sample/1.in", "1\n"),
                    ("x/data/sample/1.ans", "1\n"),
                ]),
                "the statement must be Markdown",
            ),
            (
                zip_of(&[
                    ("problem.yaml", "name: X\n"),
                    ("problem_statement/problem.en.md", "# X\n"),
                    ("data/secret/1.in", "1\n"),
                    ("data/secret/1.ans", "1\n"),
                ]),
                "no sample test",
            ),
            (
                zip_of(&[
                    ("problem.yaml", "name: X\n"),
                    ("problem_statement/problem.en.md", "# X\n"),
                    ("data/sample/1.in", "1\n"),
                    ("data/sample/1.ans", "1\n"),
                    ("starter/main.swift", "print(1)\n"),
                ]),
                "main.swift",
            ),
        ];
        for (bytes, reason) in cases {
            let refused = add_package(
                app.store(),
                app.state.blobs(),
                &languages,
                &bytes,
                Origin {
                    name: "upload.zip",
                    built_in: false,
                    uploaded_by: None,
                },
                now,
            )
            .await;
            match refused {
                Err(BankError::Refused(message)) => {
                    assert!(message.contains(reason), "{message} should say {reason}")
                }
                other => panic!("expected a refusal saying {reason}, got {other:?}"),
            }
        }
        assert_eq!(app.count("problems").await, 0);
        assert_eq!(app.count("jobs").await, 0);
    }
);

both!(
    an_assessment_is_saved_per_track_and_saving_again_replaces_its_problems,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let now = app.state.now();
        let ids = add_built_in(&app, &["buildqueue", "speedups"]).await;
        let track = app.store().tracks(season.season_id).await.unwrap()[0].clone();
        let mut input = AssessmentInput {
            season_id: season.season_id,
            track_id: track.id,
            duration_minutes: 90,
            languages: vec!["cpp".into(), "java".into(), "python3".into()],
            passing_percent: 60,
            start_within_days: 7,
            counts: "best".into(),
            advance: "recruiter".into(),
            problems: vec![(ids[0], 40), (ids[1], 60)],
        };
        let mut tx = app.store().begin().await.unwrap();
        let first = Store::save_assessment(&mut tx, &input, now).await.unwrap();
        Store::commit(tx).await.unwrap();

        input.problems = vec![(ids[1], 100)];
        input.duration_minutes = 120;
        let mut tx = app.store().begin().await.unwrap();
        let second = Store::save_assessment(&mut tx, &input, now).await.unwrap();
        Store::commit(tx).await.unwrap();
        assert_eq!(first, second, "one assessment per track");

        let saved = app.store().assessments(season.season_id).await.unwrap();
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].track_name, track.name);
        assert_eq!(saved[0].duration_minutes, 120);
        assert_eq!(saved[0].language_ids(), ["cpp", "java", "python3"]);
        let problems = app.store().assessment_problems(first).await.unwrap();
        assert_eq!(
            problems
                .iter()
                .map(|p| (p.problem_id, p.points))
                .collect::<Vec<_>>(),
            [(ids[1], 100)]
        );
        assert_eq!(problems[0].name, "Speedups");
    }
);

async fn upload(browser: &Browser, bytes: Vec<u8>, name: &str) -> reqwest::Response {
    let csrf = browser.csrf("/staff/problems").await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "package",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    browser
        .client
        .post(browser.url("/staff/problems"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

both!(
    a_recruiter_uploads_a_package_sees_it_pending_with_its_statement_and_a_broken_one_is_refused_on_the_page,
    |app: TestApp| async move {
        let recruiter = app.signed_in(cohort_domain::Role::Recruiter).await;
        let refused = upload(
            &recruiter,
            zip_of(&[
                ("problem.yaml", "name: X\n"),
                ("data/sample/1.in", "1\n"),
                ("data/sample/1.ans", "1\n"),
            ]),
            "x.zip",
        )
        .await;
        assert_eq!(refused.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        let page = refused.text().await.unwrap();
        assert!(
            page.contains("the statement must be Markdown"),
            "the reason is on the page: {page}"
        );
        assert!(page.contains("aria-invalid=\"true\""), "next to the field");
        assert_eq!(app.count("problems").await, 0);

        let package = cohort_judge::archive::pack(&built_in("speedups")).unwrap();
        let uploaded = upload(&recruiter, package.clone(), "Speedups v2.zip").await;
        assert_eq!(uploaded.status(), reqwest::StatusCode::SEE_OTHER);
        let location = uploaded.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/staff/problems/"), "{location}");
        let (status, page) = recruiter.get_text(&location).await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(page.contains("<h1>Speedups</h1>"));
        assert!(page.contains("Waiting for the judge"));
        assert!(page.contains("Sample 1"));
        assert!(page.contains("speedups-v2"), "the short name comes from the file name");
        let problem = &app.store().problems().await.unwrap()[0];
        assert_eq!(problem.uploaded_by, Some(recruiter_id(&app).await));

        let again = upload(&recruiter, package, "again.zip").await;
        assert_eq!(again.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again
            .text()
            .await
            .unwrap()
            .contains("already in the bank as problem"));
        let (_, list) = recruiter.get_text("/staff/problems").await;
        assert!(list.contains("Speedups") && list.contains("Waiting for the judge"));
        assert_eq!(app.count("problems").await, 1);
    }
);

async fn recruiter_id(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>(
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'recruiter'",
    )
    .fetch_one(app.store().reader())
    .await
    .unwrap()
}

both!(
    a_recruiter_sets_up_a_track_assessment_from_verified_problems_and_bad_input_saves_nothing,
    |app: TestApp| async move {
        let season = app.seed_season().await;
        let now = app.state.now();
        let ids = add_built_in(&app, &["buildqueue", "speedups"]).await;
        // The judge worker's verdict on the first package (the worker has its own tests).
        let mut tx = app.store().begin().await.unwrap();
        Store::set_problem_status(&mut tx, ids[0], ProblemStatus::Verified, "ok", now)
            .await
            .unwrap();
        Store::commit(tx).await.unwrap();

        let track = app.store().tracks(season.season_id).await.unwrap()[0].clone();
        let recruiter = app.signed_in(cohort_domain::Role::Recruiter).await;
        let path = format!("/staff/seasons/{}/assessments", season.season_id);
        let (status, page) = recruiter.get_text(&path).await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert!(page.contains(&track.name) && page.contains("Not set up"));
        assert!(
            page.contains("Speedups (pending)"),
            "unverified problems are shown disabled"
        );

        let track_id = track.id.to_string();
        let (first, second) = (ids[0].to_string(), ids[1].to_string());
        let bad = recruiter
            .post_form(
                &path,
                &path,
                &[
                    ("track", track_id.as_str()),
                    ("duration", "5"),
                    ("passing", "60"),
                    ("start_within", "7"),
                    ("counts", "best"),
                    ("advance", "recruiter"),
                    ("languages", "cpp"),
                    ("problem", first.as_str()),
                    ("points", "50"),
                    ("problem", second.as_str()),
                    ("points", "50"),
                ],
            )
            .await;
        assert_eq!(bad.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        let page = bad.text().await.unwrap();
        assert!(page.contains("The duration in minutes must be a whole number from 10 to 480."));
        assert!(page.contains("Only problems the judge has verified can be used."));
        assert!(
            page.contains("value=\"5\""),
            "what was typed stays in the form"
        );
        assert_eq!(app.count("assessments").await, 0);

        let good = recruiter
            .post_form(
                &path,
                &path,
                &[
                    ("track", track_id.as_str()),
                    ("duration", "90"),
                    ("passing", "70"),
                    ("start_within", "5"),
                    ("counts", "last"),
                    ("advance", "automatic"),
                    ("languages", "java"),
                    ("languages", "python3"),
                    ("problem", first.as_str()),
                    ("points", "100"),
                    ("problem", ""),
                    ("points", "100"),
                ],
            )
            .await;
        assert_eq!(good.status(), reqwest::StatusCode::SEE_OTHER);
        let saved = app.store().assessments(season.season_id).await.unwrap();
        assert_eq!(saved.len(), 1);
        assert_eq!(
            (
                saved[0].passing_percent,
                saved[0].start_within_days,
                saved[0].counts.as_str(),
                saved[0].advance.as_str()
            ),
            (70, 5, "last", "automatic")
        );
        assert_eq!(saved[0].language_ids(), ["java", "python3"]);
        let (_, page) = recruiter.get_text(&path).await;
        assert!(page.contains("Saved"));
        assert!(page.contains(&format!(
            "<option value=\"{}\" selected>Build Queue",
            ids[0]
        )));
    }
);

both!(
    a_recruiter_adds_a_known_solution_to_a_problem_and_bad_input_adds_nothing,
    |app: TestApp| async move {
        let languages = LanguageTable::builtin();
        let id = add_folder(
            app.store(),
            app.state.blobs(),
            &languages,
            &built_in("buildqueue"),
            app.state.now(),
        )
        .await
        .unwrap()
        .problem_id;
        let from_package = app.store().known_solutions(id).await.unwrap().len();
        assert_eq!(from_package, 3, "the package's accepted solutions");
        let recruiter = app.signed_in(cohort_domain::Role::Recruiter).await;
        let page = format!("/staff/problems/{id}");
        let action = format!("/staff/problems/{id}/known-solutions");
        for fields in [
            [
                ("language", "cobol"),
                ("name", "blog"),
                ("code", "fn main() {}"),
            ],
            [
                ("language", "cpp"),
                ("name", " "),
                ("code", "int main() {}"),
            ],
            [("language", "cpp"), ("name", "blog"), ("code", "  ")],
        ] {
            let refused = recruiter.post_form(&page, &action, &fields).await;
            assert_eq!(refused.status(), reqwest::StatusCode::BAD_REQUEST);
        }
        assert_eq!(
            app.store().known_solutions(id).await.unwrap().len(),
            from_package
        );
        let added = recruiter
            .post_form(
                &page,
                &action,
                &[
                    ("language", "cpp"),
                    ("name", "Found on a forum"),
                    ("code", "int main() { return 0; }"),
                ],
            )
            .await;
        assert_eq!(added.status(), reqwest::StatusCode::SEE_OTHER);
        let (_, shown) = recruiter.get_text(&page).await;
        assert!(shown.contains("Found on a forum"));
        assert_eq!(
            app.store().known_solutions(id).await.unwrap().len(),
            from_package + 1
        );
    }
);
