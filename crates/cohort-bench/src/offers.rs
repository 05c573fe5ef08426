//! The offers suite, on each database through the real server:
//! - a recruiter drafts 1,000 offers in bulk from a season's hire decisions ("Draft N offers
//!   from the bands" on the offers page). Target: under 10 s. The floor is the store inserting
//!   the same 1,000 offers and their history rows without the use case (no band lookups, no
//!   parsing), in batches of 200, on a second database seeded the same way;
//! - an identity provider reads 5,000 accepted interns over SCIM, 100 a page, every page five
//!   times. Target: under 50 ms a page at p95. The floor is `/healthz` on the same server.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use cohort_app::App;
use cohort_store::offers::OfferTermsRow;
use cohort_store::Store;

use crate::{floor_app, fresh_database_named, measurement, recruiter_session, Measurement, Server};

const APPLICATIONS: usize = 7_000;
const OFFERS: usize = 1_000;
const INTERNS: usize = 5_000;
const PAGE: usize = 100;

/// Seeds a season and moves `OFFERS` applications to Offer, as hire decisions would; returns the
/// season.
async fn seed(app: &App) -> anyhow::Result<i64> {
    let hash = cohort_web::auth::hash_password(cohort_demo::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut options = cohort_demo::DemoOptions::new(app.now());
    options.season_name = "Offers benchmark".into();
    options.candidates = APPLICATIONS;
    options.pdf_every = 0;
    options.spread_stages = false;
    options.seed = 18;
    let season = cohort_demo::ensure_demo(app, &options, &hash).await?;
    let store = app.store();
    let chosen: Vec<i64> = store
        .applications_without_offer(season.season_id, cohort_domain::Stage::Applied)
        .await?
        .into_iter()
        .take(OFFERS + INTERNS)
        .collect();
    if chosen.len() < OFFERS + INTERNS {
        bail!("only {} applications have a band", chosen.len());
    }
    let recruiter = store
        .user_by_email("recruiter@demo.cohort.test")
        .await?
        .context("the demo recruiter")?
        .id;
    for batch in chosen.chunks(200) {
        let mut tx = store.begin().await?;
        for &id in batch {
            for pair in [
                cohort_domain::Stage::Applied,
                cohort_domain::Stage::Screening,
                cohort_domain::Stage::PhoneScreen,
                cohort_domain::Stage::FinalLoop,
                cohort_domain::Stage::Debrief,
                cohort_domain::Stage::Offer,
            ]
            .windows(2)
            {
                Store::move_application(
                    &mut tx,
                    id,
                    pair[0],
                    pair[1],
                    recruiter,
                    None,
                    "",
                    None,
                    app.now(),
                )
                .await?;
            }
        }
        Store::commit(tx).await?;
    }
    // The interns: offers accepted, written straight into the store.
    let waiting = store.awaiting_offers(season.season_id).await?;
    for batch in waiting[..INTERNS].chunks(500) {
        let mut tx = store.begin().await?;
        for row in batch {
            let id = Store::create_offer(
                &mut tx,
                row.application_id,
                season.season_id,
                &terms_of(row, app.now()),
                recruiter,
                app.now(),
            )
            .await?;
            sqlx::query("UPDATE offers SET state = 'accepted' WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        Store::commit(tx).await?;
    }
    Ok(season.season_id)
}

/// Terms from the band of an application waiting for its offer.
fn terms_of(row: &cohort_store::offers::AwaitingOffer, now: i64) -> OfferTermsRow<'_> {
    OfferTermsRow {
        opening_id: row.opening_id,
        start_date: "2027-06-01",
        end_date: "2027-08-23",
        currency: row.currency.as_deref().unwrap_or("USD"),
        monthly_pay_minor: row.monthly_pay_minor.unwrap_or(0),
        housing: "stipend",
        housing_stipend_minor: row.housing_stipend_minor.unwrap_or(0),
        relocation_minor: row.relocation_minor.unwrap_or(0),
        sign_on_minor: 0,
        deadline: "2027-01-15",
        time_zone: &row.time_zone,
        expires_at: now + 30 * 86_400,
        reason: "",
    }
}

/// The floor: the same rows written straight into the store.
async fn floor(app: &App, season_id: i64) -> anyhow::Result<f64> {
    let store = app.store();
    let waiting = store.awaiting_offers(season_id).await?;
    let recruiter = store
        .user_by_email("recruiter@demo.cohort.test")
        .await?
        .context("the demo recruiter")?
        .id;
    let started = Instant::now();
    for batch in waiting.chunks(200) {
        let mut tx = store.begin().await?;
        for row in batch {
            let terms = terms_of(row, app.now());
            let id = Store::create_offer(
                &mut tx,
                row.application_id,
                season_id,
                &terms,
                recruiter,
                app.now(),
            )
            .await?;
            Store::add_offer_event(&mut tx, id, Some(recruiter), "drafted", "floor", app.now())
                .await?;
        }
        Store::commit(tx).await?;
    }
    Ok(started.elapsed().as_secs_f64())
}

pub async fn bench(backends: &[&str], cohort: &Path) -> anyhow::Result<Vec<Measurement>> {
    let mut results = Vec::new();
    for backend in backends {
        eprintln!("== offers on {backend}");
        let data = std::env::temp_dir().join(format!(
            "cohort-bench-offers-{backend}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data)?;
        let url = fresh_database_named(backend, &data, "cohort_bench_offers").await?;
        let store = Store::connect(&url, 4).await?;
        store.migrate().await?;
        let app = floor_app(&store, &data)?;
        let seeded = Instant::now();
        let season = seed(&app).await?;
        eprintln!("   seeded in {:.1?}", seeded.elapsed());
        if backend == &"postgres" {
            // As autovacuum would have by the time a season has 5,000 interns.
            sqlx::query("VACUUM ANALYZE")
                .execute(store.reader())
                .await?;
        }
        let token = recruiter_session(&store).await?;
        let bearer = cohort_web::auth::new_token();
        let admin = store
            .first_administrator()
            .await?
            .context("an administrator")?;
        store
            .create_api_token(
                &cohort_web::auth::token_hash(&bearer),
                "bench",
                &["provisioning"],
                admin,
                app.now(),
            )
            .await?;
        store.close().await;
        let (server, _) = Server::start(cohort, &data, &url, "serve").await?;
        let cookie = format!("cohort_session={token}");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let list = format!("{}/staff/seasons/{season}/offers", server.base);
        let html = client
            .get(&list)
            .header("cookie", &cookie)
            .send()
            .await?
            .text()
            .await?;
        if !html.contains(&format!("{OFFERS} hire decisions have no offer yet")) {
            bail!("the offers page does not offer to draft {OFFERS}");
        }
        let marker = "name=\"csrf\" value=\"";
        let start = html.find(marker).context("the form has a CSRF token")? + marker.len();
        let csrf = html[start..start + 32].to_owned();
        let started = Instant::now();
        let response = client
            .post(format!("{list}/draft-all"))
            .header("cookie", &cookie)
            .form(&[("csrf", csrf.as_str())])
            .timeout(Duration::from_secs(120))
            .send()
            .await?;
        let seconds = started.elapsed().as_secs_f64();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if !location.ends_with(&format!("notice=drafted-{OFFERS}")) {
            bail!("drafting answered {} → {location:?}", response.status());
        }
        let (scim_p95, scim_max, healthz_p95) = scim_pages(&client, &server.base, &bearer).await?;
        drop(server);
        tokio::time::sleep(Duration::from_millis(200)).await;
        results.push(measurement(
            backend,
            &format!("SCIM list of {INTERNS} interns, {PAGE} a page, p95 (max {scim_max:.1} ms)"),
            scim_p95,
            "ms",
            "< 50 ms",
            scim_p95 < 50.0,
            Some((healthz_p95, "/healthz p95 on the same server")),
        ));
        // The floor, on a second database seeded the same way: the measured one now holds the
        // offers, whose history is append-only.
        let floor_seconds = floor_on_fresh(backend, &data).await?;
        results.push(measurement(
            backend,
            &format!("drafting {OFFERS} offers in bulk from hire decisions, end to end"),
            seconds,
            "s",
            "< 10 s",
            seconds < 10.0,
            Some((floor_seconds, "the store inserting the same offers")),
        ));
        let _ = std::fs::remove_dir_all(&data);
    }
    Ok(results)
}

/// Reads every page of the interns five times; returns the p95 and the slowest page, and
/// `/healthz`'s p95 over as many requests.
async fn scim_pages(
    client: &reqwest::Client,
    base: &str,
    bearer: &str,
) -> anyhow::Result<(f64, f64, f64)> {
    let pages = INTERNS.div_ceil(PAGE);
    let mut latencies = Vec::new();
    let mut floor = Vec::new();
    for round in 0..6 {
        for page in 0..pages {
            let url = format!(
                "{base}/scim/v2/Users?startIndex={}&count={PAGE}",
                page * PAGE + 1
            );
            let sent = Instant::now();
            let response = client.get(&url).bearer_auth(bearer).send().await?;
            if !response.status().is_success() {
                bail!("{url} answered {}", response.status());
            }
            let body: serde_json::Value = response.json().await?;
            let elapsed = sent.elapsed().as_secs_f64() * 1000.0;
            if body["Resources"].as_array().map_or(0, Vec::len) != PAGE
                || body["totalResults"] != INTERNS as i64
            {
                bail!("page {page} did not hold {PAGE} of {INTERNS} interns");
            }
            let sent = Instant::now();
            client
                .get(format!("{base}/healthz"))
                .send()
                .await?
                .bytes()
                .await?;
            let healthz = sent.elapsed().as_secs_f64() * 1000.0;
            // The first round warms the caches.
            if round > 0 {
                latencies.push(elapsed);
                floor.push(healthz);
            }
        }
    }
    let max = latencies.iter().cloned().fold(0.0, f64::max);
    Ok((
        crate::percentile(&latencies, 95.0),
        max,
        crate::percentile(&floor, 95.0),
    ))
}

/// The floor, on a database seeded the same way.
async fn floor_on_fresh(backend: &str, data: &Path) -> anyhow::Result<f64> {
    let floor_data = data.join("floor");
    std::fs::create_dir_all(&floor_data)?;
    let url = fresh_database_named(backend, &floor_data, "cohort_bench_offers_floor").await?;
    let store = Store::connect(&url, 4).await?;
    store.migrate().await?;
    let app = floor_app(&store, &floor_data)?;
    let season = seed(&app).await?;
    let seconds = floor(&app, season).await?;
    store.close().await;
    Ok(seconds)
}
