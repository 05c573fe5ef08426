//! The one wait loop of every worker (mail delivery, background jobs, judging): do a pass, then
//! sleep until woken, polled or told to stop; a worker told to stop finishes the pass in hand.

use cohort_store::jobs::JOBS_CHANNEL;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Tells workers to stop (as mini-redis's `Shutdown`): the server sends `true` when it shuts
/// down, and every worker finishes what it holds and returns.
#[derive(Clone)]
pub struct Shutdown(tokio::sync::watch::Receiver<bool>);

impl Shutdown {
    pub fn new(receiver: tokio::sync::watch::Receiver<bool>) -> Shutdown {
        Shutdown(receiver)
    }

    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves when the stop is sent (or its sender is gone).
    pub async fn stopped(&mut self) {
        while !self.is_stopped() {
            if self.0.changed().await.is_err() {
                return;
            }
        }
    }
}

/// How long a woken worker waits before its pass, by default; see [`Pace::gather`].
pub const GATHER: Duration = Duration::from_millis(50);

/// How a worker waits between passes.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// How often it looks without being woken: work queued by other processes, retries coming
    /// due, leases running out.
    pub poll: Duration,
    /// How long a woken worker waits before its pass. Every request that queues work wakes the
    /// worker, and a pass costs several write transactions even for one item; on SQLite those
    /// queue on the one writer connection alongside the requests. Waiting this long turns a burst
    /// of wakes into one pass over a batch (measured: worst-case application submissions on
    /// SQLite rose from about 270/s to about 330/s), at the cost of this much latency for one.
    pub gather: Duration,
}

/// Runs `pass` until `shutdown`: after a pass that says more work is waiting (`Ok(true)`) at
/// once, else after a wake (`wake`, if any), a poll, or the stop. A failed pass is logged and
/// tried again at the next turn.
pub async fn repeat_until_stopped<F, Fut, E>(
    worker: &str,
    mut shutdown: Shutdown,
    wake: Option<&tokio::sync::Notify>,
    pace: Pace,
    mut pass: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool, E>>,
    E: std::fmt::Display,
{
    while !shutdown.is_stopped() {
        match pass().await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::error!(worker, error = %error, "worker pass failed"),
        }
        // A wake that came during the pass left a permit, so it is not lost.
        let woken = async {
            match wake {
                Some(wake) => wake.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = shutdown.stopped() => break,
            _ = woken => tokio::time::sleep(pace.gather).await,
            _ = tokio::time::sleep(pace.poll) => {}
        }
    }
}

/// Wakes `wake` whenever a job is announced on PostgreSQL; reconnects after a lost connection.
/// Returns at once for another database (SQLite has one process, which wakes its own workers).
pub async fn listen_for_jobs(url: String, wake: Arc<tokio::sync::Notify>) {
    if !url.starts_with("postgres") {
        return;
    }
    loop {
        let Err(error) = listen_until_error(&url, &wake).await;
        tracing::warn!(error = %error, "listening for queued jobs failed; retrying");
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

async fn listen_until_error(
    url: &str,
    wake: &tokio::sync::Notify,
) -> Result<std::convert::Infallible, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(JOBS_CHANNEL).await?;
    loop {
        listener.recv().await?;
        wake.notify_one();
    }
}
