//! Cohort's HTTP server: server-rendered pages, the JSON API and sessions; it runs the workers of
//! `cohort_app` beside itself (notification delivery, background jobs).
//!
//! Handlers are thin: they extract and authorise through typed extractors ([`auth`]), call a use
//! case of `cohort_app` (or read the store for a page), and map the result to a page, a redirect
//! or JSON. Every error reaching the boundary is an [`error::AppError`].
//!
//! Layout:
//! - [`state`]: configuration and the state shared by every request.
//! - [`auth`]: password hashing, sessions, CSRF, and the role extractors.
//! - [`error`]: the one error type of the HTTP boundary.
//! - [`routes`]: one module per resource, each with its own `router()`.
//! - [`upload`]: résumé type detection and text extraction.
//! - [`pages`]: the page layout shared by every template, and formatting helpers.

pub mod auth;
pub mod calendar_fetch;
pub mod error;
pub mod html;
pub mod pages;
pub mod public_cache;
pub mod rate;
pub mod routes;
pub mod state;
pub mod upload;

pub use state::{AppState, Clock, Config};

use cohort_app::jobs::Shutdown;
use std::future::Future;
use tokio::net::TcpListener;

/// Serves `state` on `listener` until `shutdown` resolves, then finishes in-flight requests,
/// stops the workers (letting a delivery in progress complete) and closes the database.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    run_with(listener, state, shutdown, |_| Vec::new()).await
}

/// [`run`], plus workers from other crates (the judge worker): `spawn_more` starts them with the
/// signal that tells them to stop, and they are awaited before the database closes.
pub async fn run_with(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    spawn_more: impl FnOnce(Shutdown) -> Vec<tokio::task::JoinHandle<()>>,
) -> std::io::Result<()> {
    let (stop_workers, workers_stopped) = tokio::sync::watch::channel(false);
    let workers_stopped = Shutdown::new(workers_stopped);
    let mut workers = spawn_more(workers_stopped.clone());
    if state.config().run_workers {
        workers.push(tokio::spawn(cohort_app::mail::run_delivery_worker(
            state.app().clone(),
            workers_stopped.clone(),
        )));
        workers.push(tokio::spawn(cohort_app::pools::run_background(
            state.app().clone(),
            workers_stopped,
        )));
    }
    let app = routes::router(state.clone());
    tracing::info!(address = %listener.local_addr()?, "listening");
    let result = serve(listener, app, shutdown).await;
    let _ = stop_workers.send(true);
    for worker in workers {
        let _ = worker.await;
    }
    state.store().close().await;
    tracing::info!("stopped");
    result
}

/// How long a client may take to send a request's headers. A connection that trickles them in
/// (the "slow loris" attack) is closed after this, instead of being held open for minutes.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Accepts connections until `shutdown`, then waits for the requests in flight. This is
/// `axum::serve` with the one thing it does not offer: a timer, so that hyper enforces
/// [`HEADER_READ_TIMEOUT`] on every HTTP/1 connection.
async fn serve(
    listener: TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt;

    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    builder.http2().timer(TokioTimer::new());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Running out of descriptors or a connection reset before it was accepted:
                // wait a moment and go on, as axum::serve does.
                Err(error) => {
                    tracing::debug!(%error, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .layer(axum::Extension(axum::extract::ConnectInfo(remote)));
        let service =
            hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                service.clone().oneshot(request.map(axum::body::Body::new))
            });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
