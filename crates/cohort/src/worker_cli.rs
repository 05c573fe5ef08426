//! `cohort worker`, and the judge worker that `cohort serve` runs in-process.

use crate::cli::{GlobalOptions, InProcessJudge};
use anyhow::Context;
use cohort_app::jobs::Shutdown;
use cohort_app::App;
use cohort_store::blob::DirectoryBlobStore;
use cohort_store::{Backend, Store};
use cohort_worker::JudgeWorker;
use std::sync::Arc;

/// Builds a judge worker for `app`: starts the sandbox slots.
pub fn judge_worker(options: &GlobalOptions, app: App) -> anyhow::Result<JudgeWorker> {
    let judge = crate::judge_cli::judge(&options.judge, app.config().judge_languages.clone())?;
    Ok(JudgeWorker::new(app, judge, &options.judge.cache_dir()).listening())
}

/// The judge worker the server runs beside itself, if any: by default one on SQLite and none on
/// PostgreSQL. With "auto", a judge that cannot start (no root, no namespaces) is a warning, not
/// a reason to refuse to serve pages.
pub fn in_process(options: &GlobalOptions, app: &App) -> anyhow::Result<Option<JudgeWorker>> {
    let wanted = match options.in_process_judge {
        InProcessJudge::Off => return Ok(None),
        InProcessJudge::On => true,
        InProcessJudge::Auto => app.store().backend() == Backend::Sqlite,
    };
    if !wanted || options.no_workers {
        return Ok(None);
    }
    match judge_worker(options, app.clone()) {
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
    config: &cohort_app::Config,
    once: bool,
    lease_seconds: i64,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let store = Store::connect(&config.database_url, 4)
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("applying migrations")?;
    let blobs = DirectoryBlobStore::new(config.data_dir.join("blobs"))
        .with_context(|| format!("opening the blob store in {}", config.data_dir.display()))?;
    let app = App::new(store.clone(), Arc::new(blobs), config.clone());
    let worker = judge_worker(options, app)?.with_lease(lease_seconds);
    if once {
        let ran = worker.run_due().await?;
        println!("{ran} jobs ran");
    } else {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let signal = tokio::spawn(async move {
            crate::cli::shutdown_signal().await;
            let _ = stop.send(true);
        });
        worker.run(Shutdown::new(stopped)).await;
        signal.abort();
    }
    store.close().await;
    Ok(())
}
