//! The live coding pad of a phone interview: its page (for the interview's interviewer and
//! candidate, nobody else), the WebSocket that carries the y-sync protocol to
//! [`cohort_app::interviews::pads`], and the interviewer's private notes.
//!
//! The notes are saved by a form post of their own and rendered only into the interviewer's
//! page: the WebSocket carries the shared document and cursors, never the notes.

use crate::auth::{Csrf, CsrfForm, Require, SignedIn};
use crate::error::AppError;
use crate::html::render;
use crate::pages::{time_in, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono_tz::Tz;
use cohort_app::interviews::pad_replay;
use cohort_app::interviews::pad_runs::{self, RunError};
use cohort_app::interviews::pads::{self, PadConnection, PadError, PadTicket};
use cohort_domain::interviews::pad::{PadAccess, PadRole, MAX_MESSAGE_BYTES};
use std::time::Duration;

/// The most characters of private notes an interviewer keeps beside one pad.
const MAX_NOTES_CHARS: usize = 20_000;

/// The page's policy: the editor sets inline styles (cursor colours, its own layout), and the
/// page talks to its own WebSocket, which `'self'` covers.
const PAD_POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pads/{id}", get(pad_page))
        .route("/pads/{id}/ws", get(pad_socket))
        .route("/pads/{id}/notes", post(save_notes))
        .route("/pads/{id}/runs", get(runs).post(queue_run))
        .route("/pads/{id}/replay", get(replay_page))
        .route("/pads/{id}/history", get(history))
}

/// Why the pad did not open, as a page or status says it.
fn refusal(error: PadError) -> AppError {
    match error {
        PadError::NotFound => AppError::NotFound,
        PadError::Store(error) => error.into(),
        PadError::NotYetOpen { .. } | PadError::Closed | PadError::ReplayNotYet => {
            AppError::ForbiddenBecause(error.to_string())
        }
        other => AppError::Conflict(other.to_string()),
    }
}

struct LanguageChoice {
    id: String,
    name: String,
}

/// The judge's languages, as the pad's language menu lists them.
fn language_choices(table: &cohort_judge::language::LanguageTable) -> Vec<LanguageChoice> {
    table
        .all()
        .iter()
        .map(|l| LanguageChoice {
            id: l.id.clone(),
            name: l.name.clone(),
        })
        .collect()
}

/// A question from the kit that the interviewer can paste into the pad.
struct PasteQuestion {
    prompt: String,
    text: String,
}

#[derive(Template)]
#[template(path = "interviews/pad.html")]
struct PadPage {
    layout: Layout,
    ticket: PadTicket,
    interviewer: bool,
    editable: bool,
    /// Which interview: "Phone interview 1", "Final loop, interview 2".
    what: String,
    when: String,
    /// Until when edits are taken, in the viewer's zone.
    until: String,
    languages: Vec<LanguageChoice>,
    /// Each language's starter, as JSON (language id to code), for the pad's script.
    starters: String,
    default_language: &'static str,
    /// The interviewer's notes; `None` on the candidate's page, which never carries them.
    notes: Option<String>,
    questions: Vec<PasteQuestion>,
}

#[derive(serde::Deserialize, Default)]
struct PadQuery {
    notice: Option<String>,
}

async fn pad_page(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    csrf: Csrf,
    Path(id): Path<i64>,
    Query(query): Query<PadQuery>,
) -> Result<Response, AppError> {
    let ticket = pads::open(state.app(), id, me.account.user.id)
        .await
        .map_err(refusal)?;
    let interviewer = ticket.role == PadRole::Interviewer;
    let zone = if interviewer {
        super::feedback::zone_of(&state, me.account.user.id).await?
    } else {
        ticket
            .interview
            .candidate_time_zone
            .parse()
            .unwrap_or(Tz::UTC)
    };
    let (notes, questions) = if interviewer {
        let notes = state
            .store()
            .pad_note(id, me.account.user.id)
            .await?
            .map(|n| n.body)
            .unwrap_or_default();
        (
            Some(notes),
            kit_questions(&state, me.account.user.id, id).await,
        )
    } else {
        (None, Vec::new())
    };
    let table = cohort_judge::language::LanguageTable::builtin();
    let languages = language_choices(&table);
    let starters: std::collections::BTreeMap<&str, &str> = table
        .all()
        .iter()
        .map(|l| (l.id.as_str(), l.starter.as_str()))
        .collect();
    let starters = serde_json::to_string(&starters).unwrap_or_else(|_| "{}".into());
    let title = if interviewer {
        format!("Coding pad: {}", ticket.interview.candidate_name)
    } else {
        "Coding pad".to_owned()
    };
    let page = PadPage {
        what: super::feedback::interview_words(&ticket.interview.kind, ticket.interview.round),
        // A known code only: the page never repeats text from its address.
        layout: Layout::for_account(title, Some(&me.account), &csrf).with_flash(
            (query.notice.as_deref() == Some("notes")).then(|| "Notes saved.".to_owned()),
        ),
        interviewer,
        editable: ticket.access == PadAccess::Edit,
        when: time_in(ticket.interview.starts_at, zone),
        until: time_in(ticket.window.closes_at, zone),
        languages,
        starters,
        default_language: pads::DEFAULT_LANGUAGE,
        notes,
        questions,
        ticket,
    };
    Ok((
        [(header::CONTENT_SECURITY_POLICY, PAD_POLICY)],
        render(&page)?,
    )
        .into_response())
}

/// The kit's questions for the interview, as text to paste: nothing when the kit cannot be
/// read (the pad works without it).
async fn kit_questions(state: &AppState, user_id: i64, interview_id: i64) -> Vec<PasteQuestion> {
    let Ok(kit) = cohort_app::interviews::kits::kit_for(state.app(), user_id, interview_id).await
    else {
        return Vec::new();
    };
    kit.area
        .iter()
        .flat_map(|area| area.questions.iter())
        .map(|q| PasteQuestion {
            prompt: q.prompt.clone(),
            text: q
                .prompt
                .lines()
                .map(|line| format!("// {line}"))
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect()
}

/// Whether the request's Origin is this server's own address: a page on another site must not
/// open a pad with the visitor's cookie (cross-site WebSocket hijacking).
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .and_then(|o| url::Url::parse(o).ok());
    match (host, origin) {
        (Some(host), Some(origin)) => {
            let authority = match (origin.host_str(), origin.port()) {
                (Some(name), Some(port)) => format!("{name}:{port}"),
                (Some(name), None) => name.to_owned(),
                _ => return false,
            };
            authority.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

async fn pad_socket(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    if !same_origin(&headers) {
        return Err(AppError::ForbiddenBecause(
            "The pad only opens from Cohort's own pages.".into(),
        ));
    }
    let ticket = pads::open(state.app(), id, me.account.user.id)
        .await
        .map_err(refusal)?;
    Ok(upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| serve(state, ticket, socket)))
}

/// WebSocket close codes (RFC 6455 7.4.1).
const POLICY_VIOLATION: u16 = 1008;
const TOO_BIG: u16 = 1009;
const TRY_AGAIN_LATER: u16 = 1013;
const NORMAL: u16 = 1000;
/// "Service restart": the client reconnects (and learns at the handshake what it may do now).
const RECONNECT: u16 = 1012;

fn close_code(error: &PadError) -> u16 {
    match error {
        PadError::TooLarge => TOO_BIG,
        PadError::Full
        | PadError::Lagged
        | PadError::TooFast
        | PadError::Reloading
        | PadError::Unstored(_)
        | PadError::Unrelayed
        | PadError::Store(_) => TRY_AGAIN_LATER,
        _ => POLICY_VIOLATION,
    }
}

async fn close(mut socket: WebSocket, code: u16, reason: String) {
    // A close reason is at most 123 bytes.
    let mut reason = reason;
    while reason.len() > 123 {
        reason.pop();
    }
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
    drain(socket).await;
}

/// Reads what the client still sends until it answers the close (or a second passes). Closing
/// a TCP socket with unread data resets the connection, and a reset can discard the close frame
/// (and its reason) before the client reads it.
async fn drain(mut socket: WebSocket) {
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

async fn serve(state: AppState, ticket: PadTicket, mut socket: WebSocket) {
    let mut connection = match pads::join(state.app(), &ticket).await {
        Ok(connection) => connection,
        Err(error) => {
            tracing::info!(interview = ticket.interview.id, %error, "pad refused a connection");
            close(socket, close_code(&error), error.to_string()).await;
            return;
        }
    };
    let outcome = carry(&state, &ticket, &mut connection, &mut socket).await;
    connection.leave().await;
    match outcome {
        Ok(()) => drain(socket).await,
        Err(error) => {
            tracing::info!(interview = ticket.interview.id, %error, "pad closed a connection");
            close(socket, close_code(&error), error.to_string()).await;
        }
    }
}

/// How often a connection is checked: a message that changes nothing and a ping go out (the
/// browser's client reconnects after 30 seconds of silence), and the person's right to the pad
/// is read again, so that a cancelled or reassigned interview ends its connections.
const CHECK_EVERY: Duration = Duration::from_secs(15);

/// A client silent this long (not even answering pings) is gone: its place and its cursor are
/// freed.
const SILENT_FOR: Duration = Duration::from_secs(45);

/// Carries messages until the client leaves or breaks the protocol, the pad stops taking edits
/// (the candidate is then closed out; the interviewer reconnects read-only), or the person may
/// no longer open it.
async fn carry(
    state: &AppState,
    ticket: &PadTicket,
    connection: &mut PadConnection,
    socket: &mut WebSocket,
) -> Result<(), PadError> {
    for message in connection.greeting().await? {
        if socket.send(Message::Binary(message.into())).await.is_err() {
            return Ok(());
        }
    }
    let closes_in = if ticket.may_edit() {
        Duration::from_secs((ticket.window.closes_at - state.now()).max(0) as u64)
    } else {
        // A read-only view has nothing to close.
        Duration::from_secs(24 * 3600)
    };
    let closing = tokio::time::sleep(closes_in);
    tokio::pin!(closing);
    let mut checks = tokio::time::interval(CHECK_EVERY);
    checks.reset();
    let mut heard_at = tokio::time::Instant::now();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                heard_at = tokio::time::Instant::now();
                match incoming {
                    Some(Ok(Message::Binary(data))) => {
                        for reply in connection.receive(&data).await? {
                            if socket.send(Message::Binary(reply.into())).await.is_err() {
                                return Ok(());
                            }
                        }
                    }
                    Some(Ok(Message::Text(_))) => {
                        return Err(PadError::Malformed("y-sync messages are binary".into()));
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_))) | None => return Ok(()),
                    // The WebSocket layer reports a message over the size limit as an error
                    // ("Space limit exceeded: Message too long") and keeps the socket writable,
                    // so the client can be told why it is closed; other errors are a broken
                    // connection.
                    Some(Err(error)) if error.to_string().contains("too long") => {
                        return Err(PadError::TooLarge);
                    }
                    Some(Err(_)) => return Ok(()),
                }
            },
            relayed = connection.relayed() => {
                let bytes = relayed?;
                if socket.send(Message::Binary(bytes.to_vec().into())).await.is_err() {
                    return Ok(());
                }
            }
            _ = checks.tick() => {
                if heard_at.elapsed() > SILENT_FOR {
                    return Ok(());
                }
                match pads::open(state.app(), ticket.interview.id, ticket.user_id).await {
                    // The same rights over the same hours (a moved interview closes at another
                    // time: the client reconnects and the new ticket has it).
                    Ok(now) if now.access == ticket.access && now.window == ticket.window => {}
                    // Read-only now, or refused: the client reconnects and is told which.
                    Ok(_) | Err(PadError::NotYetOpen { .. } | PadError::Closed | PadError::NotFound) => {
                        close_with(socket, RECONNECT, "The pad changed; reconnecting.").await;
                        return Ok(());
                    }
                    Err(error) => return Err(error),
                }
                let keepalive = PadConnection::keepalive();
                if socket.send(Message::Binary(keepalive.into())).await.is_err()
                    || socket.send(Message::Ping(Vec::new().into())).await.is_err()
                {
                    return Ok(());
                }
            }
            _ = &mut closing => {
                close_with(socket, NORMAL, "The interview is over; the pad is closed.").await;
                return Ok(());
            }
        }
    }
}

async fn close_with(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

#[derive(serde::Deserialize)]
struct NotesForm {
    notes: String,
}

async fn save_notes(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<NotesForm>,
) -> Result<Response, AppError> {
    let ticket = pads::open(state.app(), id, me.account.user.id)
        .await
        .map_err(refusal)?;
    if ticket.role != PadRole::Interviewer {
        // The candidate's page has no notes; a post from them is not one we asked for.
        return Err(AppError::NotFound);
    }
    let notes = form.notes.replace("\r\n", "\n");
    if notes.chars().count() > MAX_NOTES_CHARS {
        return Err(AppError::BadRequest(format!(
            "Notes are limited to {MAX_NOTES_CHARS} characters; these have {}.",
            notes.chars().count()
        )));
    }
    state
        .store()
        .save_pad_note(id, me.account.user.id, &notes, state.now())
        .await?;
    // The page's script saves as the interviewer types and needs no page back.
    let wants_page = headers.get("x-cohort-autosave").is_none();
    if wants_page {
        Ok(Redirect::to(&format!("/pads/{id}?notice=notes")).into_response())
    } else {
        Ok(axum::http::StatusCode::NO_CONTENT.into_response())
    }
}

#[derive(serde::Deserialize)]
struct RunForm {
    #[serde(default)]
    input: String,
}

/// An answer the pad's script reads: `{"error": "..."}` with the status.
fn json_error(status: axum::http::StatusCode, message: String) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

/// Queues a run of the pad's code (the interviewer's, while the pad takes edits); answers
/// `202 {"id": N}`, or `409 {"error": ...}` with the reason it was not queued.
async fn queue_run(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RunForm>,
) -> Result<Response, AppError> {
    let ticket = pads::open(state.app(), id, me.account.user.id)
        .await
        .map_err(refusal)?;
    match pad_runs::request(state.app(), &ticket, &form.input).await {
        Ok(run) => Ok((
            axum::http::StatusCode::ACCEPTED,
            axum::Json(serde_json::json!({ "id": run })),
        )
            .into_response()),
        // The candidate's page has no Run button; a post from them is not one we asked for.
        Err(RunError::NotTheInterviewer) => Err(AppError::NotFound),
        Err(RunError::Store(error)) => Err(error.into()),
        Err(RunError::Pad(error)) => Err(refusal(error)),
        Err(error @ RunError::InputTooLong(_)) => Ok(json_error(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            error.to_string(),
        )),
        Err(other) => Ok(json_error(
            axum::http::StatusCode::CONFLICT,
            other.to_string(),
        )),
    }
}

/// The pad's newest runs, newest first, as JSON for both people's pages.
async fn runs(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let ticket = pads::open(state.app(), id, me.account.user.id)
        .await
        .map_err(refusal)?;
    let runs = pad_runs::recent(state.app(), &ticket)
        .await
        .map_err(|error| match error {
            RunError::Store(error) => error.into(),
            other => AppError::Conflict(other.to_string()),
        })?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({ "runs": runs })),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "interviews/pad_replay.html")]
struct ReplayPage {
    layout: Layout,
    interview_id: i64,
    application_id: i64,
    candidate: String,
    interviewer: String,
    when: String,
    languages: Vec<LanguageChoice>,
}

/// The replay of a finished pad: for its interviewer, and for whoever may read the
/// interviewer's feedback on it.
async fn replay_page(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    csrf: Csrf,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let replay = pad_replay::replay(state.app(), &me.account, id)
        .await
        .map_err(refusal)?;
    let zone = super::feedback::zone_of(&state, me.account.user.id).await?;
    let page = ReplayPage {
        layout: Layout::for_account(
            format!("Coding pad replay: {}", replay.interview.candidate_name),
            Some(&me.account),
            &csrf,
        ),
        interview_id: id,
        application_id: replay.interview.application_id,
        candidate: replay.interview.candidate_name.clone(),
        interviewer: replay
            .interview
            .interviewer_name
            .clone()
            .unwrap_or_default(),
        when: time_in(replay.interview.starts_at, zone),
        languages: language_choices(&cohort_judge::language::LanguageTable::builtin()),
    };
    Ok((
        [(header::CONTENT_SECURITY_POLICY, PAD_POLICY)],
        render(&page)?,
    )
        .into_response())
}

/// What the replay plays: every stored update in order (base64 of the Yjs v1 encoding) with its
/// millisecond and who typed it, and the runs.
async fn history(
    State(state): State<AppState>,
    me: Require<SignedIn>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    use base64::Engine;
    let replay = pad_replay::replay(state.app(), &me.account, id)
        .await
        .map_err(refusal)?;
    let steps: Vec<serde_json::Value> = replay
        .steps
        .iter()
        .map(|step| {
            serde_json::json!({
                "at_ms": step.at_ms,
                "by": match step.by {
                    PadRole::Interviewer => "interviewer",
                    PadRole::Candidate => "candidate",
                },
                "data": base64::engine::general_purpose::STANDARD.encode(&step.data),
            })
        })
        .collect();
    Ok((
        [(header::CACHE_CONTROL, "private, no-store")],
        axum::Json(serde_json::json!({
            "starts_at_ms": replay.interview.starts_at * 1000,
            "ends_at_ms": replay.interview.ends_at * 1000,
            "steps": steps,
            "runs": replay.runs,
        })),
    )
        .into_response())
}
