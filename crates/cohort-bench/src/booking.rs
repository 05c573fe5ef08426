//! The booking suite: candidates booking phone screens at once, through the same use case the
//! booking page calls (`cohort_app::interviews::phone_screens::book`), on each database: the
//! demo's 21 interviewers across five zones, with calendars, and candidates at Phone screen.
//!
//! - Spread: rounds of 32 candidates booking at the same moment, each a different time from the
//!   times offered to them; latency of each booking, p95 over every round after two that warm the
//!   database connections up (the first of those is reported apart, as the cold figure).
//! - Contended: 32 candidates booking the same time at once; latency of each answer (booked, or
//!   "just taken" with the times still open), and how many got it (never more than the
//!   interviewers free then).
//!
//! The floor is one booking with nothing else running (the median of ten in a row): the work a
//! booking costs when nobody waits for a lock. The target is the issue's: under 100 ms at p95 with
//! 32 candidates booking at once.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use cohort_app::interviews::phone_screens::{self, BookingError};
use cohort_app::App;
use cohort_domain::Stage;
use cohort_store::Store;

use crate::{floor_app, fresh_database_named, measurement, percentile, Measurement};

const AT_ONCE: usize = 32;
const ROUNDS: usize = 5;
const ALONE: usize = 10;
/// Rounds run before the measured ones and reported apart. PostgreSQL plans a prepared statement
/// afresh on each of its first runs on a connection (five) before it keeps a generic plan, and a
/// booking's joins take longer to plan than to run: the measured rounds are a server's steady
/// state, on connections that have run these statements before.
const WARM_UP: usize = 2;

/// The application ids at Phone screen after the demo is seeded, in id order.
async fn seed(app: &App) -> anyhow::Result<Vec<i64>> {
    let mut options = cohort_demo::DemoOptions::new(app.now());
    options.candidates = AT_ONCE * (ROUNDS + WARM_UP + 1) + ALONE + 8;
    options.spread_stages = false;
    options.pdf_every = 0;
    // Nobody signs in: any text stands in for the password hash.
    let season = cohort_demo::ensure_demo(app, &options, "not-a-hash").await?;
    cohort_demo::ensure_demo_interviews(app, season.season_id).await?;
    cohort_demo::ensure_demo_interviewers(app, "not-a-hash").await?;
    let waiting = move_all(
        app,
        season.season_id,
        &[Stage::Screening, Stage::PhoneScreen],
    )
    .await?;
    Ok(waiting)
}

/// Moves every application of the season that applied through `stages`, in one transaction, as
/// the demo's recruiter; returns their ids in id order.
pub(crate) async fn move_all(
    app: &App,
    season_id: i64,
    stages: &[Stage],
) -> anyhow::Result<Vec<i64>> {
    let actor = app
        .store()
        .user_by_email("recruiter@demo.cohort.test")
        .await?
        .context("the demo recruiter")?
        .id;
    let waiting = app.store().reached_stage(season_id, Stage::Applied).await?;
    let mut tx = app.store().begin().await?;
    for application in &waiting {
        let mut from = Stage::parse(&application.stage).unwrap_or(Stage::Applied);
        for &to in stages {
            if from == to {
                continue;
            }
            Store::move_application(
                &mut tx,
                application.application_id,
                from,
                to,
                actor,
                None,
                "",
                None,
                app.now(),
            )
            .await?;
            from = to;
        }
    }
    Store::commit(tx).await?;
    Ok(waiting.iter().map(|a| a.application_id).collect())
}

/// What one candidate is offered, read as their booking page reads it.
async fn offered(app: &App, application_id: i64) -> anyhow::Result<(i64, Vec<DateTime<Utc>>)> {
    let record = app.store().application(application_id).await?;
    let state = phone_screens::booking_state(app, &record).await?;
    Ok((record.candidate_id, state.times))
}

/// Books `start` for each (candidate, application) at the same moment; the milliseconds each
/// took and how many were booked.
async fn burst(
    app: &App,
    picks: Vec<(i64, i64, DateTime<Utc>)>,
) -> anyhow::Result<(Vec<f64>, usize)> {
    let app = Arc::new(app.clone());
    let gate = Arc::new(tokio::sync::Barrier::new(picks.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for (candidate, application, start) in picks {
        let (app, gate) = (app.clone(), gate.clone());
        tasks.spawn(async move {
            gate.wait().await;
            let started = Instant::now();
            let result =
                phone_screens::book(&app, candidate, application, start, chrono_tz::UTC).await;
            (started.elapsed().as_secs_f64() * 1000.0, result)
        });
    }
    let mut times = Vec::new();
    let mut booked = 0;
    for (ms, result) in tasks.join_all().await {
        times.push(ms);
        match result {
            Ok(_) => booked += 1,
            Err(BookingError::Taken) => {}
            Err(other) => return Err(other).context("a booking failed"),
        }
    }
    Ok((times, booked))
}

async fn bench_backend(backend: &str) -> anyhow::Result<Vec<Measurement>> {
    let data = tempfile::tempdir()?;
    let url = fresh_database_named(backend, data.path(), "cohort_bench_booking").await?;
    let store = Store::connect(&url, 16).await?;
    store.migrate().await?;
    let app = floor_app(&store, data.path())?;
    let applications = seed(&app).await?;
    let mut queue = applications.into_iter();
    let mut take = |n: usize| -> Vec<i64> { queue.by_ref().take(n).collect() };

    // One at a time.
    let mut alone = Vec::new();
    for application in take(ALONE) {
        let (candidate, times) = offered(&app, application).await?;
        let start = *times.first().context("a time offered")?;
        let started = Instant::now();
        phone_screens::book(&app, candidate, application, start, chrono_tz::UTC).await?;
        alone.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let floor = percentile(&alone, 50.0);

    // Spread: each candidate picks a different time of theirs.
    let mut spread = Vec::new();
    let mut spread_booked = 0;
    let mut cold = Vec::new();
    for round in 0..WARM_UP + ROUNDS {
        let mut picks = Vec::new();
        for (index, application) in take(AT_ONCE).into_iter().enumerate() {
            let (candidate, times) = offered(&app, application).await?;
            if !times.is_empty() {
                picks.push((candidate, application, times[(index * 13) % times.len()]));
            }
        }
        let (times, booked) = burst(&app, picks).await?;
        if round < WARM_UP {
            if round == 0 {
                cold = times;
            }
            continue;
        }
        spread.extend(times);
        spread_booked += booked;
    }

    // Contended: everyone offered the first candidate's first time asks for it.
    let group = take(AT_ONCE);
    let (_, first_times) = offered(&app, group[0]).await?;
    let wanted = *first_times.first().context("a time offered")?;
    let mut picks = Vec::new();
    for application in group {
        let (candidate, times) = offered(&app, application).await?;
        if times.contains(&wanted) {
            picks.push((candidate, application, wanted));
        }
    }
    let asked = picks.len();
    let (contended, contended_booked) = burst(&app, picks).await?;
    eprintln!(
        "   {backend}: spread {spread_booked} of {} booked; contended {contended_booked} of {asked} got the same time",
        spread.len()
    );
    store.close().await;

    let p95 = percentile(&spread, 95.0);
    let contended_p95 = percentile(&contended, 95.0);
    Ok(vec![
        measurement(
            backend,
            &format!(
                "phone-screen booking, {AT_ONCE} candidates at once on different times, p95 of {}",
                spread.len()
            ),
            p95,
            "ms",
            "< 100 ms",
            p95 < 100.0,
            Some((floor, "one booking alone, median")),
        ),
        measurement(
            backend,
            "  the same, median",
            percentile(&spread, 50.0),
            "ms",
            "(reported)",
            true,
            None,
        ),
        measurement(
            backend,
            &format!("  the first {AT_ONCE} at once on connections new to these statements, p95"),
            percentile(&cold, 95.0),
            "ms",
            "(reported)",
            true,
            None,
        ),
        measurement(
            backend,
            &format!(
                "phone-screen booking, {asked} candidates at once on one time, p95 of the answers"
            ),
            contended_p95,
            "ms",
            "< 100 ms",
            contended_p95 < 100.0,
            Some((floor, "one booking alone, median")),
        ),
    ])
}

pub async fn bench(backends: &[&str]) -> anyhow::Result<Vec<Measurement>> {
    let mut measurements = Vec::new();
    for backend in backends {
        measurements.extend(
            bench_backend(backend)
                .await
                .with_context(|| format!("the booking suite on {backend}"))?,
        );
    }
    Ok(measurements)
}
