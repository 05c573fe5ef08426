//! `cohort worker`, and the judge worker that `cohort serve` runs in-process.

use crate::cli::{GlobalOptions, InProcessJudge};
use anyhow::Context;
use cohort_store::blob::DirectoryBlobStore;
use cohort_store::{Backend, Store};
use cohort_web::Config;
use cohort_worker::{Clock, JudgeWorker};
use std::sync::Arc;

fn wall_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().timestamp_millis())
}

/// Builds a judge worker on `store`: starts the sandbox slots and opens the blob store.
pub fn judge_worker(
    options: &GlobalOptions,
    config: &Config,
    store: Store,
    clock: Clock,
) -> anyhow::Result<JudgeWorker> {
    let judge = crate::judge_cli::judge(&options.judge, config.judge_languages.clone())?;
    let blobs = DirectoryBlobStore::new(config.data_dir.join("blobs"))
        .with_context(|| format!("opening the blob store in {}", config.data_dir.display()))?;
    Ok(JudgeWorker::new(
        store,
        Arc::new(blobs),
        judge,
        &options.judge.cache_dir(),
        clock,
    )
    .listening_to(&config.database_url))
}

/// The judge worker the server runs beside itself, if any: by default one on SQLite and none on
/// PostgreSQL. With "auto", a judge that cannot start (no root, no namespaces) is a warning, not
/// a reason to refuse to serve pages.
pub fn in_process(
    options: &GlobalOptions,
    config: &Config,
    store: Store,
    clock: Clock,
) -> anyhow::Result<Option<JudgeWorker>> {
    let wanted = match options.in_process_judge {
        InProcessJudge::Off => return Ok(None),
        InProcessJudge::On => true,
        InProcessJudge::Auto => store.backend() == Backend::Sqlite,
    };
    if !wanted || options.no_workers {
        return Ok(None);
    }
    match judge_worker(options, config, store, clock) {
        Ok(worker) => Ok(Some(worker)),
        Err(error) if options.in_process_judge == InProcessJudge::Auto => {
            tracing::warn!(
                error = format!("{error:#}"),
                "no judge in this process: problems stay pending and submissions unjudged until a `cohort worker` runs"
            );
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

/// `cohort worker [--once] [--lease-seconds N]`.
pub async fn run(
    options: &GlobalOptions,
    config: &Config,
    once: bool,
    lease_seconds: i64,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let store = Store::connect(&config.database_url, 4)
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("applying migrations")?;
    let worker =
        judge_worker(options, config, store.clone(), wall_clock())?.with_lease(lease_seconds);
    if once {
        let ran = worker.run_due().await?;
        println!("{ran} jobs ran");
    } else {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let signal = tokio::spawn(async move {
            crate::cli::shutdown_signal().await;
            let _ = stop.send(true);
        });
        worker.run(stopped).await;
        signal.abort();
    }
    store.close().await;
    Ok(())
}
