//! `/metrics`: the job queue and the judge workers in the Prometheus (OpenMetrics) text format,
//! for an API token with the `read` scope (`Authorization: Bearer …`).

use crate::auth::ApiClient;
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

/// A worker not heard from for this long is counted as gone (three missed announcements).
pub const WORKER_SILENCE_SECONDS: i64 = 30;

type Labels = Vec<(String, String)>;

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(State(state): State<AppState>, client: ApiClient) -> Result<Response, ApiError> {
    client.require("read")?;
    let now = state.now();
    let stats = state.store().queue_stats(now).await?;
    let workers = state
        .store()
        .active_workers(now, WORKER_SILENCE_SECONDS)
        .await?;

    let mut registry = Registry::default();
    let gauge = |registry: &mut Registry, name: &str, help: &str| {
        let family = Family::<Labels, Gauge>::default();
        registry.register(name, help, family.clone());
        family
    };
    let waiting = gauge(
        &mut registry,
        "cohort_jobs_waiting",
        "Jobs due now that no worker has taken yet",
    );
    let running = gauge(
        &mut registry,
        "cohort_jobs_running",
        "Jobs a worker holds under a lease",
    );
    let scheduled = gauge(
        &mut registry,
        "cohort_jobs_scheduled",
        "Jobs due later: scheduled, waiting for a retry, or parked",
    );
    let oldest = gauge(
        &mut registry,
        "cohort_jobs_oldest_waiting_seconds",
        "Age of the oldest job that is due now",
    );
    let worker_count = gauge(
        &mut registry,
        "cohort_workers",
        "Workers that announced themselves in the last 30 seconds",
    );
    for stat in &stats {
        let labels = vec![("kind".to_owned(), stat.kind.clone())];
        waiting.get_or_create(&labels).set(stat.waiting);
        running.get_or_create(&labels).set(stat.running);
        scheduled.get_or_create(&labels).set(stat.scheduled);
        oldest
            .get_or_create(&labels)
            .set(stat.oldest_due_at.map_or(0, |due| (now - due).max(0)));
    }
    let judges = workers
        .iter()
        .filter(|w| w.kind == cohort_store::jobs::WorkerKind::Judge)
        .count() as i64;
    worker_count
        .get_or_create(&vec![("kind".to_owned(), "judge".to_owned())])
        .set(judges);
    let control_groups = gauge(
        &mut registry,
        "cohort_judge_worker_control_groups",
        "1 for a judge worker whose sandbox has control groups, 0 for one degraded to resource limits",
    );
    for worker in workers
        .iter()
        .filter(|w| w.kind == cohort_store::jobs::WorkerKind::Judge)
    {
        control_groups
            .get_or_create(&vec![
                ("host".to_owned(), worker.host.clone()),
                ("id".to_owned(), worker.id.clone()),
            ])
            .set(i64::from(!worker.degraded()));
    }
    let mut body = String::new();
    encode(&mut body, &registry).map_err(AppError::internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response())
}
