//! The pad suite: 500 live coding pads at once on one server, two clients each (the
//! interviewer's and the candidate's), each client typing 5 edits a second over the y-sync
//! protocol, as a browser's Yjs does. Measured: how long an edit takes from one client to the
//! other (sent to applied, both in this process), and the server's resident memory. Targets: p95
//! under 50 ms and under 300 MB. The floor is `/healthz`'s p95 on the same server under the same
//! load: what any answer costs while the machine is that busy.
//!
//! On PostgreSQL the same load runs again across two web nodes, each pad's interviewer on one
//! and its candidate on the other, so every edit travels through the database's announcements:
//! target p95 under 100 ms.
//!
//! The clients run in this process on the same machine as the servers, so their work is in the
//! figures too.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use cohort_app::App;
use cohort_store::interviews::bookings::NewInterview;
use cohort_store::Store;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as Frame;
use yrs::encoding::read::Cursor;
use yrs::sync::{Message, MessageReader, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{Doc, ReadTxn, Text, Transact, Update};

use crate::{floor_app, fresh_database_named, measurement, percentile, Measurement, Server};

const PADS: usize = 500;
const INTERVIEWERS: usize = 50;
const EDITS_PER_SECOND: u64 = 5;
const WARM_UP: Duration = Duration::from_secs(5);
const MEASURED: Duration = Duration::from_secs(20);
/// Each edit inserts this many characters, so the sender's clock in the receiver's state vector
/// says how many of its edits have arrived.
const EDIT: &str = "abcd";

/// Seeds a season with `PADS` candidates, `INTERVIEWERS` interviewers and a phone screen per
/// candidate going on now; returns (interview, interviewer, candidate) for each.
async fn seed(app: &App) -> anyhow::Result<Vec<(i64, i64, i64)>> {
    let hash = cohort_web::auth::hash_password(cohort_demo::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut options = cohort_demo::DemoOptions::new(app.now());
    options.season_name = "Pad benchmark".into();
    options.candidates = PADS;
    options.pdf_every = 0;
    options.seed = 17;
    let season = cohort_demo::ensure_demo(app, &options, &hash).await?;
    cohort_demo::ensure_interviewers(app, &hash, INTERVIEWERS).await?;
    let store = app.store();
    let interviewers: Vec<i64> = store
        .interviewers()
        .await?
        .into_iter()
        .map(|i| i.user_id)
        .collect();
    let applications: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, candidate_id FROM applications WHERE season_id = $1 ORDER BY id LIMIT $2",
    )
    .bind(season.season_id)
    .bind(PADS as i64)
    .fetch_all(store.reader())
    .await?;
    let now = app.now();
    let mut pads = Vec::new();
    let mut tx = store.begin().await?;
    for (n, &(application, candidate)) in applications.iter().enumerate() {
        let interviewer = interviewers[n % interviewers.len()];
        let interview = Store::insert_interview(
            &mut tx,
            &NewInterview {
                application_id: application,
                kind: "phone_screen",
                round: 1,
                interviewer_id: interviewer,
                starts_at: now - 300,
                ends_at: now + 3_600,
                candidate_time_zone: "UTC",
            },
            now,
        )
        .await?;
        pads.push((interview, interviewer, candidate));
    }
    Store::commit(tx).await?;
    Ok(pads)
}

async fn session(store: &Store, user: i64) -> anyhow::Result<String> {
    let token = cohort_web::auth::new_token();
    let now = chrono::Utc::now().timestamp();
    store
        .create_session(&cohort_web::auth::token_hash(&token), user, now, now + 3600)
        .await?;
    Ok(token)
}

/// When each client's edits were sent: by (pad, side), the send time of each edit in order.
type Sent = Arc<Mutex<HashMap<(usize, usize), Vec<Instant>>>>;

/// Each client's Yjs client id, by (pad, side), so that a client knows its peer's edits.
type Clients = Arc<Mutex<HashMap<(usize, usize), yrs::block::ClientID>>>;

/// How long a client keeps listening after the typing stops, for its peer's last edits.
const DRAIN: Duration = Duration::from_secs(5);

/// What one client measured: the latency of each of its peer's edits sent after the warm-up,
/// and how many of its peer's edits never arrived.
struct ClientResult {
    latencies: Vec<f64>,
    missing: usize,
}

/// One client: types `EDIT` every 200 ms until `until`, and records, for each edit of its peer
/// that arrives, how long it took (only those sent after `measure_from`); then listens until
/// every edit its peer sent has arrived, or for [`DRAIN`], and counts those that did not.
#[allow(clippy::too_many_arguments)]
async fn client(
    base: String,
    pad: usize,
    side: usize,
    interview: i64,
    token: String,
    (sent, clients): (Sent, Clients),
    measure_from: Instant,
    until: Instant,
) -> anyhow::Result<ClientResult> {
    let ws = base.replacen("http://", "ws://", 1);
    let mut request = format!("{ws}/pads/{interview}/ws").into_client_request()?;
    request
        .headers_mut()
        .insert("cookie", format!("cohort_session={token}").parse()?);
    request.headers_mut().insert("origin", base.parse()?);
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .context("connecting a pad client")?;
    let (mut write, mut read) = socket.split();
    let doc = Doc::new();
    let code = doc.get_or_insert_text("code");
    clients.lock().unwrap().insert((pad, side), doc.client_id());
    let vector = doc.transact().state_vector();
    write
        .send(Frame::Binary(
            Message::Sync(SyncMessage::SyncStep1(vector))
                .encode_v1()
                .into(),
        ))
        .await?;
    let peer_key = (pad, 1 - side);
    let mut latencies = Vec::new();
    // The peer's yrs client id, once it has registered it.
    let mut peer: Option<yrs::block::ClientID> = None;
    let mut arrived = 0u32;
    let mut ticker = tokio::time::interval(Duration::from_millis(1000 / EDITS_PER_SECOND));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                if Instant::now() >= until {
                    let peer_sent = sent.lock().unwrap().get(&peer_key).map_or(0, Vec::len);
                    if arrived as usize >= peer_sent || Instant::now() >= until + DRAIN {
                        break;
                    }
                    continue;
                }
                let before = doc.transact().state_vector();
                code.insert(&mut doc.transact_mut(), 0, EDIT);
                let update = doc.transact().encode_diff_v1(&before);
                sent.lock().unwrap().entry((pad, side)).or_default().push(Instant::now());
                write
                    .send(Frame::Binary(
                        Message::Sync(SyncMessage::Update(update)).encode_v1().into(),
                    ))
                    .await?;
            }
            frame = read.next() => {
                // A connection the server ends during the run fails the client, with the reason.
                let frame = frame.context("the server ended the connection")??;
                if let Frame::Close(close) = &frame {
                    anyhow::bail!("the server closed the connection: {close:?}");
                }
                let Frame::Binary(bytes) = frame else { continue };
                let received = Instant::now();
                let mut decoder = DecoderV1::new(Cursor::new(&bytes));
                let messages: Vec<Message> = MessageReader::new(&mut decoder).collect::<Result<_, _>>()?;
                for message in messages {
                    match message {
                        Message::Sync(SyncMessage::SyncStep1(vector)) => {
                            let update = doc.transact().encode_state_as_update_v1(&vector);
                            write
                                .send(Frame::Binary(
                                    Message::Sync(SyncMessage::SyncStep2(update)).encode_v1().into(),
                                ))
                                .await?;
                        }
                        Message::Sync(SyncMessage::SyncStep2(update))
                        | Message::Sync(SyncMessage::Update(update)) => {
                            doc.transact_mut().apply_update(Update::decode_v1(&update)?)?;
                        }
                        _ => {}
                    }
                }
                if peer.is_none() {
                    peer = clients.lock().unwrap().get(&peer_key).copied();
                }
                if let Some(peer) = peer {
                    let now_arrived = doc.transact().state_vector().get(&peer) / EDIT.len() as u32;
                    if now_arrived > arrived {
                        let sent = sent.lock().unwrap();
                        if let Some(times) = sent.get(&peer_key) {
                            for index in arrived..now_arrived {
                                if let Some(&at) = times.get(index as usize) {
                                    if at >= measure_from {
                                        latencies.push((received - at).as_secs_f64() * 1000.0);
                                    }
                                }
                            }
                        }
                        arrived = now_arrived;
                    }
                }
            }
        }
    }
    let _ = write.close().await;
    let peer_sent = sent.lock().unwrap().get(&peer_key).map_or(0, Vec::len);
    Ok(ClientResult {
        latencies,
        missing: peer_sent.saturating_sub(arrived as usize),
    })
}

/// `/healthz` round trips during the load, one every 50 ms.
async fn healthz(base: String, measure_from: Instant, until: Instant) -> Vec<f64> {
    let client = reqwest::Client::new();
    let mut times = Vec::new();
    while Instant::now() < until {
        let sent = Instant::now();
        if client.get(format!("{base}/healthz")).send().await.is_ok() && sent >= measure_from {
            times.push(sent.elapsed().as_secs_f64() * 1000.0);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    times
}

/// What one load produced: every relay's latency, the clients that failed, the floor's round
/// trips and how many edits were sent.
struct Load {
    latencies: Vec<f64>,
    failed: usize,
    /// Edits that never reached the other client.
    missing: usize,
    floor: Vec<f64>,
    sent_edits: usize,
}

/// Runs the load: each pad's interviewer on `bases[0]`, its candidate on `bases[1]` (the same
/// server, or two nodes), and `/healthz` on the first.
async fn drive(
    bases: [&str; 2],
    pads: &[(i64, i64, i64)],
    tokens: &[(String, String)],
) -> anyhow::Result<Load> {
    let sent: Sent = Arc::default();
    let client_ids: Clients = Arc::default();
    let start = Instant::now();
    let measure_from = start + WARM_UP;
    let until = measure_from + MEASURED;
    let mut clients = tokio::task::JoinSet::new();
    for (pad, (&(interview, _, _), (interviewer, candidate))) in pads.iter().zip(tokens).enumerate()
    {
        for (side, token) in [interviewer, candidate].into_iter().enumerate() {
            clients.spawn(client(
                bases[side].to_owned(),
                pad,
                side,
                interview,
                token.clone(),
                (sent.clone(), client_ids.clone()),
                measure_from,
                until,
            ));
        }
    }
    let floor = tokio::spawn(healthz(bases[0].to_owned(), measure_from, until));
    let mut latencies = Vec::new();
    let mut failed = 0;
    let mut missing = 0;
    while let Some(result) = clients.join_next().await {
        match result? {
            Ok(result) => {
                latencies.extend(result.latencies);
                missing += result.missing;
            }
            Err(error) => {
                failed += 1;
                if failed <= 3 {
                    eprintln!("   a client failed: {error:#}");
                }
            }
        }
    }
    let floor = floor.await?;
    let sent_edits: usize = sent.lock().unwrap().values().map(Vec::len).sum();
    eprintln!(
        "   {sent_edits} edits sent, {} relays measured, {missing} edits never arrived, {failed} clients failed",
        latencies.len()
    );
    Ok(Load {
        latencies,
        failed,
        missing,
        floor,
        sent_edits,
    })
}

pub async fn bench(backends: &[&str], cohort: &Path) -> anyhow::Result<Vec<Measurement>> {
    let mut results = Vec::new();
    for backend in backends {
        eprintln!("== pad on {backend}");
        let data =
            std::env::temp_dir().join(format!("cohort-bench-pad-{backend}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data)?;
        let url = fresh_database_named(backend, &data, "cohort_bench_pad").await?;
        let store = Store::connect(&url, 4).await?;
        store.migrate().await?;
        let app = floor_app(&store, &data)?;
        let seeded = Instant::now();
        let pads = seed(&app).await?;
        let mut tokens = Vec::new();
        for &(_, interviewer, candidate) in &pads {
            tokens.push((
                session(&store, interviewer).await?,
                session(&store, candidate).await?,
            ));
        }
        eprintln!("   seeded {} pads in {:.1?}", pads.len(), seeded.elapsed());
        store.close().await;

        let (server, _) = Server::start(cohort, &data, &url, "serve").await?;
        let load = drive([&server.base, &server.base], &pads, &tokens).await?;
        let rss = server.peak_rss_mb();
        eprintln!("   peak RSS {rss:.0} MB");
        results.push(relay_measurement(backend, "on one node", &load, 50.0));
        results.push(measurement(
            backend,
            &format!("server peak RSS with {PADS} pads open"),
            rss,
            "MB",
            "< 300 MB",
            rss < 300.0,
            None,
        ));
        drop(server);
        tokio::time::sleep(Duration::from_millis(200)).await;

        // Several web nodes share a pad only through PostgreSQL: each pad's interviewer on one
        // node and its candidate on the other, so every edit crosses between them.
        if *backend == "postgres" {
            eprintln!("== pad on postgres, two nodes");
            let second_data = data.join("second-node");
            std::fs::create_dir_all(&second_data)?;
            let (first, _) = Server::start(cohort, &data, &url, "serve").await?;
            let (second, _) = Server::start(cohort, &second_data, &url, "serve").await?;
            let load = drive([&first.base, &second.base], &pads, &tokens).await?;
            let rss = first.peak_rss_mb().max(second.peak_rss_mb());
            eprintln!("   peak RSS of the larger node {rss:.0} MB");
            results.push(relay_measurement(backend, "across two nodes", &load, 100.0));
            results.push(measurement(
                backend,
                &format!("peak RSS of the larger of two nodes with {PADS} pads open"),
                rss,
                "MB",
                "< 300 MB",
                rss < 300.0,
                None,
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let _ = std::fs::remove_dir_all(&data);
    }
    Ok(results)
}

/// The relay's p95 under `load`, against `target` milliseconds.
fn relay_measurement(backend: &str, placed: &str, load: &Load, target: f64) -> Measurement {
    let p95 = percentile(&load.latencies, 95.0);
    let floor_p95 = percentile(&load.floor, 95.0);
    measurement(
        backend,
        &format!(
            "pad relay p95, {PADS} pads x 2 clients x {EDITS_PER_SECOND} edits/s {placed} ({} edits, {} never arrived, {} relays, p50 {:.1} ms, p99 {:.1} ms)",
            load.sent_edits,
            load.missing,
            load.latencies.len(),
            percentile(&load.latencies, 50.0),
            percentile(&load.latencies, 99.0)
        ),
        p95,
        "ms",
        &format!("< {target:.0} ms"),
        p95 < target && load.failed == 0 && load.missing == 0,
        Some((floor_p95, "/healthz p95 under the same load")),
    )
}
