//! The interviews suite, second part: "Plan a week" from the page, end to end, on each
//! database. A season with 600 candidates in Final loop across the five tracks and 100
//! interviewers in five time zones (the demo's profiles, calendars and training, scaled up); a
//! coordinator plans a 5-day week. Timed, as the page does it: the instance built from the
//! database and the plan recorded (`start_plan`), the engine to its first schedule (construction,
//! bound and reasons), the schedule saved, and the plan's page read back and rendered to HTML.
//! Target: under 5 s. The floor is the engine alone on the same instance (no database, no
//! page), to its first schedule.

use std::time::Instant;

use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate};
use cohort_app::interviews::plans;
use cohort_app::App;
use cohort_domain::Stage;
use cohort_plan::loops::solve::{solve, Options};
use cohort_plan::loops::Instance;
use cohort_store::Store;

use crate::{floor_app, fresh_database_named, measurement, Measurement};

const CANDIDATES: usize = 600;
const INTERVIEWERS: usize = 100;
const DAYS: i64 = 5;
const RUNS: usize = 3;

/// The season's id, with every application moved to Final loop.
async fn seed(app: &App) -> anyhow::Result<i64> {
    let mut options = cohort_demo::DemoOptions::new(app.now());
    options.candidates = CANDIDATES;
    options.spread_stages = false;
    options.pdf_every = 0;
    // Nobody signs in: any text stands in for the password hash.
    let season = cohort_demo::ensure_demo(app, &options, "not-a-hash").await?;
    cohort_demo::ensure_demo_interviews(app, season.season_id).await?;
    cohort_demo::ensure_interviewers(app, "not-a-hash", INTERVIEWERS - 1).await?;
    let stages = [Stage::Screening, Stage::PhoneScreen, Stage::FinalLoop];
    crate::booking::move_all(app, season.season_id, &stages).await?;
    Ok(season.season_id)
}

async fn recruiter(app: &App) -> anyhow::Result<i64> {
    Ok(app
        .store()
        .user_by_email("recruiter@demo.cohort.test")
        .await?
        .context("the demo recruiter")?
        .id)
}

/// The weekdays of the week after next.
fn week_days(app: &App) -> Vec<NaiveDate> {
    let today = app.clock().now_utc().date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
        + Duration::weeks(2);
    (0..DAYS).map(|d| monday + Duration::days(d)).collect()
}

/// One plan from the page, timed: (total seconds, loops in the first schedule, candidates).
async fn plan_once(app: &App, season_id: i64, coordinator: i64) -> anyhow::Result<(f64, i64, i64)> {
    let started = Instant::now();
    let days = week_days(app);
    let plan_id = plans::start_plan(app, season_id, coordinator, &days, 10).await?;
    let plan = app.store().plan(plan_id).await?;
    let instance = Instance::from_json(&plan.instance)?;
    let outcome = tokio::task::spawn_blocking(move || {
        solve(&instance, Options::default(), None, &mut |_| true)
    })
    .await??;
    let schedule = serde_json::to_string(&outcome.schedule)?;
    let mut tx = app.store().begin().await?;
    Store::finish_plan(
        &mut tx,
        plan_id,
        (
            outcome.schedule.loops.len() as i64,
            outcome.bound.value,
            &outcome.bound.argument,
        ),
        &schedule,
        app.now(),
    )
    .await?;
    Store::commit(tx).await?;
    let details = plans::plan_details(app, plan_id).await?;
    let season = app.store().season(season_id).await?;
    let html = cohort_web::routes::interviews::plans::render_plan_page(
        &details,
        season,
        chrono_tz::Europe::Dublin,
    )
    .map_err(|e| anyhow::anyhow!("rendering the plan: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        html.contains("candidates have a loop"),
        "the page shows the schedule"
    );
    Ok((seconds, outcome.value, plan.candidates))
}

async fn bench_backend(
    backend: &str,
    keep: Option<&std::path::Path>,
) -> anyhow::Result<Vec<Measurement>> {
    let data = tempfile::tempdir()?;
    let url = fresh_database_named(backend, data.path(), "cohort_bench_plan_page").await?;
    let store = Store::connect(&url, 16).await?;
    store.migrate().await?;
    let app = floor_app(&store, data.path())?;
    let season_id = seed(&app).await?;
    let coordinator = recruiter(&app).await?;
    let mut runs = Vec::new();
    let mut placed = (0, 0);
    for _ in 0..RUNS {
        let (seconds, value, candidates) = plan_once(&app, season_id, coordinator).await?;
        runs.push(seconds);
        placed = (value, candidates);
    }
    runs.sort_by(f64::total_cmp);
    let median = runs[runs.len() / 2];

    // The floor: the engine alone on the last plan's instance, to its first schedule.
    let last = app
        .store()
        .plans_of_season(season_id)
        .await?
        .first()
        .context("a plan")?
        .id;
    let text = app.store().plan(last).await?.instance;
    if let Some(folder) = keep {
        std::fs::create_dir_all(folder)?;
        std::fs::write(folder.join(format!("page-week-{backend}.json")), &text)?;
    }
    let instance = Instance::from_json(&text)?;
    let started = Instant::now();
    solve(&instance, Options::default(), None, &mut |_| true)?;
    let floor = started.elapsed().as_secs_f64();
    eprintln!(
        "   {backend}: {} of {} candidates in the first schedule; page end to end {median:.2} s (runs {runs:.2?}), engine alone {floor:.2} s",
        placed.0, placed.1
    );
    store.close().await;
    Ok(vec![measurement(
        backend,
        &format!(
            "plan a week from the page: {CANDIDATES} candidates x {INTERVIEWERS} interviewers x {DAYS} days, first schedule shown ({} of {} placed), median of {RUNS}",
            placed.0, placed.1
        ),
        median,
        "s",
        "< 5 s",
        median < 5.0,
        Some((floor, "the engine alone to its first schedule")),
    )])
}

/// Runs the page's plan on each of `backends`; `keep`: a folder to write each week's instance
/// in (`page-week-BACKEND.json`), for `cohort plan loops`.
pub async fn bench(
    backends: &[&str],
    keep: Option<&std::path::Path>,
) -> anyhow::Result<Vec<Measurement>> {
    let mut results = Vec::new();
    for backend in backends {
        results.extend(bench_backend(backend, keep).await?);
    }
    Ok(results)
}
