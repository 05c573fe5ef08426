//! The debrief suite: the debrief page of a five-interview loop with full feedback, on a season of
//! 100,000 applications with 20,000 submitted scorecards (4,000 loops of five), on each database,
//! served by the real server with a recruiter's session. Target: p95 under 50 ms. The floor is
//! the same application's detail page on the same server. The recruiter board is measured again
//! on the same data and must stay within its own target (p95 under 50 ms).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use cohort_app::App;
use cohort_domain::interviews::debrief::Vote;
use cohort_domain::interviews::feedback::{
    Answers, Authorship, PrincipleEvidence, Rating, Recommendation, Star,
};
use cohort_store::interviews::plans::{NewLoopInterview, NewPlan};
use cohort_store::interviews::scorecards::DraftWrite;
use cohort_store::Store;

use crate::{
    board_queries, floor_app, fresh_database_named, measurement, percentile, recruiter_session,
    Measurement, Server,
};

const APPLICATIONS: usize = 100_000;
const LOOPS: usize = 4_000;
const SEATS: usize = 5;
const INTERVIEWERS: usize = 60;
const REQUESTS: usize = 200;

/// Seeds the season, the loops and their scorecards; returns the season and the application whose
/// debrief is timed.
async fn seed(app: &App) -> anyhow::Result<(i64, i64)> {
    let hash = cohort_web::auth::hash_password(cohort_demo::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut options = cohort_demo::DemoOptions::new(app.now());
    options.season_name = "Debrief benchmark".into();
    options.candidates = APPLICATIONS;
    options.pdf_every = 0;
    options.seed = 11;
    let season = cohort_demo::ensure_demo(app, &options, &hash).await?;
    cohort_demo::ensure_demo_interviews(app, season.season_id).await?;
    cohort_demo::ensure_interviewers(app, &hash, INTERVIEWERS).await?;
    let store = app.store();
    let interviewers: Vec<i64> = store
        .interviewers()
        .await?
        .into_iter()
        .map(|i| i.user_id)
        .collect();
    let principles: Vec<i64> = store
        .competency_rules()
        .await?
        .into_iter()
        .filter(|c| c.kind == cohort_domain::interviews::CompetencyKind::Principle)
        .map(|c| c.id)
        .collect();
    let applications: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM applications WHERE season_id = $1 ORDER BY id LIMIT $2")
            .bind(season.season_id)
            .bind(LOOPS as i64)
            .fetch_all(store.reader())
            .await?;
    let recruiter = store
        .user_by_email("recruiter@demo.cohort.test")
        .await?
        .context("the demo recruiter")?
        .id;
    let now = app.now();
    let mut tx = store.begin().await?;
    let plan = Store::insert_plan(
        &mut tx,
        &NewPlan {
            season_id: season.season_id,
            days: "2027-01-04",
            seconds: 1,
            candidates: LOOPS as i64,
            instance: "{}",
            left_out: "[]",
            created_by: recruiter,
        },
        now,
    )
    .await?;
    Store::commit(tx).await?;
    let mut target = None;
    for (index, chunk) in applications.chunks(200).enumerate() {
        let mut tx = store.begin().await?;
        for (offset, &application) in chunk.iter().enumerate() {
            let n = index * 200 + offset;
            let day = now - 7 * 86_400 + (n as i64 % 5) * 86_400;
            for seat in 0..SEATS {
                let interviewer = interviewers[(n * SEATS + seat) % interviewers.len()];
                let starts_at = day + seat as i64 * 3_600;
                let interview = Store::insert_loop_interview(
                    &mut tx,
                    &NewLoopInterview {
                        plan_id: Some(plan),
                        application_id: application,
                        round: seat as i64 + 1,
                        interviewer_id: interviewer,
                        shadow_id: None,
                        starts_at,
                        ends_at: starts_at + 3_600,
                        candidate_time_zone: "UTC",
                        focus: if seat == 3 { "bar raiser" } else { "Coding" },
                    },
                    now,
                )
                .await?;
                let evidence = |k: usize| PrincipleEvidence {
                    competency_id: principles[(seat * 2 + k) % principles.len()],
                    star: Star {
                        situation: "A launch at risk two weeks before the deadline.".into(),
                        task: "Owned the migration of the billing service.".into(),
                        action:
                            "Split the work, wrote the tests first and asked for an early review."
                                .into(),
                        result: "Shipped two days early with no incident.".into(),
                    },
                    rating: Rating::from_value(1 + ((n + seat + k) % 4) as i64),
                };
                let answers = Answers {
                    principles: vec![evidence(0), evidence(1)],
                    technical_notes: "Reached a working solution and tested the edge cases.".into(),
                    technical_rating: Some(Rating::Meets),
                    recommendation: Some(Recommendation::Hire),
                    summary: "Clear, specific examples; above the bar.".into(),
                };
                let card = Store::save_scorecard_draft(
                    &mut tx,
                    &DraftWrite {
                        interview_id: interview,
                        application_id: application,
                        author_id: interviewer,
                        authorship: Authorship::Interviewer,
                        area_id: None,
                        answers: &answers,
                        asked: &[],
                    },
                    now,
                )
                .await?
                .context("a new scorecard")?;
                Store::submit_scorecard(&mut tx, card, now).await?;
                if n == 0 {
                    let debrief = Store::ensure_debrief(&mut tx, application, now).await?;
                    Store::cast_debrief_vote(
                        &mut tx,
                        debrief,
                        interviewer,
                        Vote::Hire,
                        "Strong examples throughout.",
                        false,
                        now,
                    )
                    .await?;
                }
            }
            if n == 0 {
                target = Some(application);
            }
        }
        Store::commit(tx).await?;
    }
    let scorecards: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM scorecards")
        .fetch_one(store.reader())
        .await?;
    if scorecards < (LOOPS * SEATS) as i64 {
        bail!("seeded {scorecards} scorecards, wanted {}", LOOPS * SEATS);
    }
    Ok((season.season_id, target.context("a loop to time")?))
}

/// Times GET `path` `count` times after a warm-up, with the recruiter's session.
async fn times(base: &str, cookie: &str, path: &str, count: usize) -> anyhow::Result<Vec<f64>> {
    let client = reqwest::Client::new();
    let url = format!("{base}{path}");
    let mut latencies = Vec::with_capacity(count);
    for round in 0..count + 10 {
        let sent = Instant::now();
        let response = client.get(&url).header("cookie", cookie).send().await?;
        if !response.status().is_success() {
            bail!("{url} answered {}", response.status());
        }
        response.bytes().await?;
        if round >= 10 {
            latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok(latencies)
}

pub async fn bench(backends: &[&str], cohort: &Path) -> anyhow::Result<Vec<Measurement>> {
    let mut results = Vec::new();
    for backend in backends {
        eprintln!("== debrief on {backend}");
        let data = std::env::temp_dir().join(format!(
            "cohort-bench-debrief-{backend}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data)?;
        let url = fresh_database_named(backend, &data, "cohort_bench_debrief").await?;
        let store = Store::connect(&url, 4).await?;
        store.migrate().await?;
        let app = floor_app(&store, &data)?;
        let seeded = Instant::now();
        let (season, application) = seed(&app).await?;
        eprintln!("   seeded in {:.1?}", seeded.elapsed());
        if backend == &"postgres" {
            sqlx::query("VACUUM ANALYZE")
                .execute(store.reader())
                .await?;
        }
        let token = recruiter_session(&store).await?;
        let queries = board_queries(&store, season).await?;
        store.close().await;
        let (server, _) = Server::start(cohort, &data, &url, "serve").await?;
        let cookie = format!("cohort_session={token}");
        let debrief = times(
            &server.base,
            &cookie,
            &format!("/debriefs/{application}"),
            REQUESTS,
        )
        .await?;
        let floor = times(
            &server.base,
            &cookie,
            &format!("/staff/applications/{application}"),
            REQUESTS,
        )
        .await?;
        let mut board = Vec::new();
        for query in &queries {
            board.extend(times(&server.base, &cookie, query, 25).await?);
        }
        let (debrief_p95, floor_p95, board_p95) = (
            percentile(&debrief, 95.0),
            percentile(&floor, 95.0),
            percentile(&board, 95.0),
        );
        results.push(measurement(
            backend,
            &format!(
                "debrief page p95, a 5-interview loop with full feedback ({APPLICATIONS} applications, {} scorecards)",
                LOOPS * SEATS
            ),
            debrief_p95,
            "ms",
            "< 50 ms",
            debrief_p95 < 50.0,
            Some((floor_p95, "the application's detail page p95")),
        ));
        results.push(measurement(
            backend,
            &format!(
                "recruiter board p95 with {} scorecards, filtered and searched",
                LOOPS * SEATS
            ),
            board_p95,
            "ms",
            "< 50 ms",
            board_p95 < 50.0,
            None,
        ));
        drop(server);
        tokio::time::sleep(Duration::from_millis(200)).await;
        let _ = std::fs::remove_dir_all(&data);
    }
    Ok(results)
}
