//! The live coding pad: two y-sync clients (each a `yrs` document, as the browser's is a Yjs one)
//! edit one phone interview's pad over real WebSockets; who may open it and when; what happens
//! to a client that breaks the protocol or the limits; and the interviewer's private notes.

use crate::both;
use crate::helpers::*;
use crate::phone_screens::{
    book_first_time, interviewer, save_suggested_loop, screened_candidate, signed_in_as,
};
use cohort_domain::interviews::pad::{
    GRACE_AFTER_END_SECONDS, MAX_CONNECTIONS_PER_PAD, OPENS_BEFORE_START_SECONDS,
};
use cohort_domain::Role;
use futures_util::{SinkExt, StreamExt};
use reqwest::cookie::CookieStore;
use reqwest::StatusCode;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message as Frame;
use yrs::encoding::read::Cursor;
use yrs::sync::{Message, MessageReader, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{Doc, GetString, ReadTxn, Text, Transact, Update};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A phone interview booked between an interviewer and a candidate, with both signed in.
pub(crate) struct Booked {
    pub(crate) interview: cohort_store::interviews::bookings::InterviewRecord,
    pub(crate) interviewer: Browser,
    pub(crate) candidate: Browser,
}

pub(crate) async fn booked_phone_screen(app: &TestApp) -> Booked {
    let season = app.seed_season().await;
    let recruiter = app.signed_in(Role::Recruiter).await;
    let (_, email) = interviewer(app, "Pat Pairer", "America/New_York").await;
    save_suggested_loop(app, &season).await;
    let (candidate, _, application) =
        screened_candidate(app, &season, &recruiter, "Grace Hopper").await;
    let interview = book_first_time(app, &candidate, application).await;
    let interviewer = signed_in_as(app, &email).await;
    Booked {
        interview,
        interviewer,
        candidate,
    }
}

/// Moves the server's clock to `seconds` after the interview's start.
pub(crate) fn travel_to_start(app: &TestApp, booked: &Booked, seconds: i64) {
    app.state
        .app()
        .clock()
        .travel_to(booked.interview.starts_at + seconds);
}

/// A y-sync client: a document of its own kept in step with the server's over a WebSocket.
pub(crate) struct PadClient {
    socket: Socket,
    pub(crate) doc: Doc,
    /// Every byte the server sent this client, to check what it was never sent.
    received: Vec<u8>,
    /// The awareness states the server sent, as (client id, JSON), newest last.
    pub(crate) awareness: Vec<(u64, String)>,
}

/// Why a connection attempt did not give a client.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    Status(u16),
    Closed(u16),
}

/// The WebSocket handshake for `browser` (its cookies), with the given Origin header.
pub(crate) fn handshake(
    app: &TestApp,
    browser: &Browser,
    path: &str,
    origin: Option<&str>,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let url = format!("ws://{}{path}", app.address);
    let mut request = url.into_client_request().unwrap();
    let base: reqwest::Url = browser.base.parse().unwrap();
    if let Some(cookies) = browser.cookies.cookies(&base) {
        request.headers_mut().insert("cookie", cookies);
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    request
}

pub(crate) async fn connect_with(
    app: &TestApp,
    browser: &Browser,
    interview: i64,
    origin: Option<&str>,
) -> Result<PadClient, Refused> {
    let request = handshake(app, browser, &format!("/pads/{interview}/ws"), origin);
    let (socket, _) =
        tokio_tungstenite::connect_async(request)
            .await
            .map_err(|error| match error {
                tokio_tungstenite::tungstenite::Error::Http(response) => {
                    Refused::Status(response.status().as_u16())
                }
                other => panic!("the handshake failed without an answer: {other}"),
            })?;
    let mut client = PadClient {
        socket,
        doc: Doc::new(),
        received: Vec::new(),
        awareness: Vec::new(),
    };
    // As y-websocket does: our state vector first, the server answers with what we lack.
    let vector = client.doc.transact().state_vector();
    client
        .send(Message::Sync(SyncMessage::SyncStep1(vector)))
        .await;
    // A refusal after the handshake (a full pad) arrives as a close frame straight away.
    if let Some(code) = client.closed_within(Duration::from_millis(300)).await {
        return Err(Refused::Closed(code));
    }
    Ok(client)
}

/// Connects again with a document kept from before, as a browser tab does after a drop.
pub(crate) async fn reconnect(
    app: &TestApp,
    browser: &Browser,
    interview: i64,
    doc: Doc,
) -> PadClient {
    let request = handshake(
        app,
        browser,
        &format!("/pads/{interview}/ws"),
        Some(&format!("http://{}", app.address)),
    );
    let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let mut client = PadClient {
        socket,
        doc,
        received: Vec::new(),
        awareness: Vec::new(),
    };
    let vector = client.doc.transact().state_vector();
    client
        .send(Message::Sync(SyncMessage::SyncStep1(vector)))
        .await;
    client
}

pub(crate) async fn connect(
    app: &TestApp,
    browser: &Browser,
    interview: i64,
) -> Result<PadClient, Refused> {
    let origin = format!("http://{}", app.address);
    connect_with(app, browser, interview, Some(&origin)).await
}

impl PadClient {
    pub(crate) async fn send(&mut self, message: Message) {
        self.socket
            .send(Frame::Binary(message.encode_v1().into()))
            .await
            .unwrap();
    }

    /// Handles one frame from the server as a Yjs client does. The close code when the server
    /// closed the connection.
    pub(crate) async fn handle(&mut self, frame: Frame) -> Option<u16> {
        match frame {
            Frame::Binary(bytes) => {
                self.received.extend_from_slice(&bytes);
                let mut decoder = DecoderV1::new(Cursor::new(&bytes));
                let messages: Vec<Message> = MessageReader::new(&mut decoder)
                    .map(|m| m.expect("the server sends y-sync messages"))
                    .collect();
                for message in messages {
                    match message {
                        Message::Sync(SyncMessage::SyncStep1(vector)) => {
                            let update = self.doc.transact().encode_state_as_update_v1(&vector);
                            self.send(Message::Sync(SyncMessage::SyncStep2(update)))
                                .await;
                        }
                        Message::Sync(SyncMessage::SyncStep2(update))
                        | Message::Sync(SyncMessage::Update(update)) => {
                            let update = Update::decode_v1(&update).unwrap();
                            self.doc.transact_mut().apply_update(update).unwrap();
                        }
                        Message::Awareness(update) => {
                            for (client, entry) in update.clients {
                                self.awareness.push((client.get(), entry.json.to_string()));
                            }
                        }
                        _ => {}
                    }
                }
                None
            }
            Frame::Close(frame) => Some(frame.map_or(1005, |f| u16::from(f.code))),
            _ => None,
        }
    }

    /// Reads frames for `wait`; the close code if the server closed the connection.
    pub(crate) async fn closed_within(&mut self, wait: Duration) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return None,
                Ok(None) => return Some(1006),
                Ok(Some(Err(_))) => return Some(1006),
                Ok(Some(Ok(frame))) => {
                    if let Some(code) = self.handle(frame).await {
                        return Some(code);
                    }
                }
            }
        }
    }

    /// Reads frames until the document's text is `expected`; panics after five seconds.
    pub(crate) async fn until_text(&mut self, expected: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while self.text() != expected {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .unwrap_or_else(|_| panic!("the text is {:?}, not {expected:?}", self.text()))
                .expect("the connection is open")
                .expect("a frame");
            assert_eq!(self.handle(frame).await, None, "the server closed the pad");
        }
    }

    pub(crate) fn text(&self) -> String {
        let code = self.doc.get_or_insert_text("code");
        let txn = self.doc.transact();
        code.get_string(&txn)
    }

    /// Types `text` at `index` and sends the edit, as the editor does for each keystroke.
    pub(crate) async fn type_at(&mut self, index: u32, text: &str) {
        let before = self.doc.transact().state_vector();
        {
            let code = self.doc.get_or_insert_text("code");
            let mut txn = self.doc.transact_mut();
            code.insert(&mut txn, index, text);
        }
        let update = self.doc.transact().encode_diff_v1(&before);
        self.send(Message::Sync(SyncMessage::Update(update))).await;
    }

    /// Announces this client's cursor under `name`, as the editor does on connecting.
    pub(crate) async fn announce(&mut self, name: &str) {
        let state = serde_json::json!({ "user": { "name": name, "color": "#123456" } });
        self.send_awareness(self.doc.client_id().get(), 1, &state.to_string())
            .await;
    }

    pub(crate) async fn send_awareness(&mut self, client: u64, clock: u32, json: &str) {
        let mut clients = std::collections::HashMap::new();
        clients.insert(
            yrs::block::ClientID::new(client),
            yrs::sync::awareness::AwarenessUpdateEntry {
                clock,
                json: json.into(),
            },
        );
        self.send(Message::Awareness(yrs::sync::AwarenessUpdate { clients }))
            .await;
    }

    /// Deletes `len` characters at `index` and sends the edit.
    pub(crate) async fn delete_at(&mut self, index: u32, len: u32) {
        let before = self.doc.transact().state_vector();
        {
            let code = self.doc.get_or_insert_text("code");
            let mut txn = self.doc.transact_mut();
            code.remove_range(&mut txn, index, len);
        }
        let update = self.doc.transact().encode_diff_v1(&before);
        self.send(Message::Sync(SyncMessage::Update(update))).await;
    }

    pub(crate) async fn send_raw(&mut self, bytes: Vec<u8>) {
        self.socket.send(Frame::Binary(bytes.into())).await.unwrap();
    }
}

both!(
    two_people_typing_at_once_end_with_the_same_document_which_a_reload_shows_again,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 60);
        let mut pat = connect(&app, &booked.interviewer, id).await.unwrap();
        let mut grace = connect(&app, &booked.candidate, id).await.unwrap();

        // Both type at the start of the document at the same moment, a word at a time.
        for word in ["one ", "two ", "three "] {
            pat.type_at(0, word).await;
            grace.type_at(0, &word.to_uppercase()).await;
        }
        // Each converges on the other's edits; the order of concurrent inserts is Yjs's.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while pat.text() != grace.text() || pat.text().len() != 28 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} / {}",
                pat.text(),
                grace.text()
            );
            pat.closed_within(Duration::from_millis(50)).await;
            grace.closed_within(Duration::from_millis(50)).await;
        }
        let text = pat.text();
        for word in ["one", "two", "three", "ONE", "TWO", "THREE"] {
            assert!(text.contains(word), "{text}");
        }

        // Every change was stored, by its author.
        let (updates, _) = app.store().pad_size(id).await.unwrap();
        assert_eq!(updates, 6);

        // Both leave; a reload reads the document back from the store.
        drop(pat);
        drop(grace);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(app.state.app().pad_rooms().open_count().await, 0);
        let mut again = connect(&app, &booked.candidate, id).await.unwrap();
        again.until_text(&text).await;
    }
);

both!(
    edits_made_while_offline_are_merged_when_the_client_comes_back,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let mut pat = connect(&app, &booked.interviewer, id).await.unwrap();
        let mut grace = connect(&app, &booked.candidate, id).await.unwrap();
        pat.type_at(0, "def solve():\n").await;
        grace.until_text("def solve():\n").await;

        // Grace's connection drops; she keeps typing into her own document meanwhile, and Pat
        // types too.
        let offline_doc = grace.doc.clone();
        drop(grace);
        {
            let code = offline_doc.get_or_insert_text("code");
            let mut txn = offline_doc.transact_mut();
            code.insert(&mut txn, 13, "    return 42\n");
        }
        pat.type_at(0, "# two sums\n").await;

        // She reconnects with the same document: the sync steps exchange what each side lacks.
        let request = handshake(
            &app,
            &booked.candidate,
            &format!("/pads/{id}/ws"),
            Some(&format!("http://{}", app.address)),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let mut grace = PadClient {
            socket,
            doc: offline_doc,
            received: Vec::new(),
            awareness: Vec::new(),
        };
        let vector = grace.doc.transact().state_vector();
        grace
            .send(Message::Sync(SyncMessage::SyncStep1(vector)))
            .await;
        let merged = "# two sums\ndef solve():\n    return 42\n";
        grace.until_text(merged).await;
        pat.until_text(merged).await;
    }
);

both!(
    only_the_interviews_interviewer_and_candidate_open_its_pad_and_only_in_its_window,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        let page = format!("/pads/{id}");
        let (other_candidate, _) = app.candidate("Ada Lovelace").await;
        let (_, other_email) = interviewer(&app, "Otto Other", "Europe/Berlin").await;
        let other_interviewer = signed_in_as(&app, &other_email).await;
        let recruiter = app.signed_in(Role::Recruiter).await;
        let admin = app.signed_in(Role::Administrator).await;
        let visitor = app.browser();

        // Too early: both people are told when it opens; nobody else learns it exists.
        travel_to_start(&app, &booked, -OPENS_BEFORE_START_SECONDS - 60);
        for who in [&booked.interviewer, &booked.candidate] {
            assert_eq!(
                connect(&app, who, id).await.err(),
                Some(Refused::Status(403))
            );
            let (status, html) = who.get_text(&page).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
            assert!(html.contains("opens a quarter of an hour before"), "{html}");
        }

        travel_to_start(&app, &booked, -OPENS_BEFORE_START_SECONDS + 60);
        for (who, expected) in [
            (&other_candidate, 404),
            (&other_interviewer, 404),
            (&recruiter, 404),
            (&admin, 404),
        ] {
            assert_eq!(
                connect(&app, who, id).await.err(),
                Some(Refused::Status(expected))
            );
            assert_eq!(who.get(&page).await.status().as_u16(), expected);
        }
        // A signed-out visitor is sent to sign in, not upgraded.
        assert_eq!(
            connect(&app, &visitor, id).await.err(),
            Some(Refused::Status(303))
        );
        // A page on another site cannot open the pad with the candidate's cookie, and neither
        // can a request without an Origin.
        assert_eq!(
            connect_with(&app, &booked.candidate, id, Some("https://evil.example"))
                .await
                .err(),
            Some(Refused::Status(403))
        );
        assert_eq!(
            connect_with(&app, &booked.candidate, id, None).await.err(),
            Some(Refused::Status(403))
        );
        // An interview id that does not exist is the same 404.
        assert_eq!(
            connect(&app, &booked.candidate, id + 1000).await.err(),
            Some(Refused::Status(404))
        );

        // In the window both open it.
        let (status, html) = booked.candidate.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-pad-editable=\"true\""), "{html}");
        assert!(connect(&app, &booked.interviewer, id).await.is_ok());
        assert!(connect(&app, &booked.candidate, id).await.is_ok());

        // After the grace period the candidate is refused; the interviewer reads.
        travel_to_start(&app, &booked, 0);
        let end = booked.interview.ends_at - booked.interview.starts_at;
        travel_to_start(&app, &booked, end + GRACE_AFTER_END_SECONDS + 1);
        assert_eq!(
            connect(&app, &booked.candidate, id).await.err(),
            Some(Refused::Status(403))
        );
        let (status, html) = booked.interviewer.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-pad-editable=\"false\""), "{html}");
        assert!(html.contains("read-only"), "{html}");
    }
);

both!(
    a_read_only_pad_closes_a_connection_that_edits_and_keeps_the_document,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let mut grace = connect(&app, &booked.candidate, id).await.unwrap();
        grace.type_at(0, "print(12)\n").await;
        grace.delete_at(7, 1).await;
        let mut pat = connect(&app, &booked.interviewer, id).await.unwrap();
        pat.until_text("print(1)\n").await;
        let kept = pat.doc.clone();
        drop(pat);
        drop(grace);

        let end = booked.interview.ends_at - booked.interview.starts_at;
        travel_to_start(&app, &booked, end + GRACE_AFTER_END_SECONDS + 1);
        // Pat's tab reconnects with the copy it had, deletions and all: answering the greeting
        // is no edit, and the connection stays open.
        let mut pat = reconnect(&app, &booked.interviewer, id, kept).await;
        assert_eq!(pat.closed_within(Duration::from_millis(500)).await, None);
        pat.until_text("print(1)\n").await;
        pat.type_at(0, "# late\n").await;
        assert_eq!(
            pat.closed_within(Duration::from_secs(3)).await,
            Some(u16::from(CloseCode::Policy))
        );
        let (updates, _) = app.store().pad_size(id).await.unwrap();
        assert_eq!(updates, 2, "the read-only edit was not stored");
    }
);

both!(
    a_client_that_sends_a_malformed_message_is_disconnected_and_the_other_carries_on,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let mut pat = connect(&app, &booked.interviewer, id).await.unwrap();
        let mut grace = connect(&app, &booked.candidate, id).await.unwrap();

        // A sync update whose payload is not a Yjs update.
        grace.send_raw(vec![0, 2, 5, 1, 2, 3, 4, 5]).await;
        assert_eq!(
            grace.closed_within(Duration::from_secs(3)).await,
            Some(u16::from(CloseCode::Policy))
        );
        // Text frames are not y-sync.
        let mut again = connect(&app, &booked.candidate, id).await.unwrap();
        again
            .socket
            .send(Frame::Text("hello".into()))
            .await
            .unwrap();
        assert_eq!(
            again.closed_within(Duration::from_secs(3)).await,
            Some(u16::from(CloseCode::Policy))
        );
        // A message over the size limit.
        let mut big = connect(&app, &booked.candidate, id).await.unwrap();
        big.send_raw(vec![0; 300 * 1024]).await;
        assert_eq!(
            big.closed_within(Duration::from_secs(3)).await,
            Some(u16::from(CloseCode::Size))
        );

        // Pat was not affected: his edits are still taken and relayed.
        pat.type_at(0, "x = 1\n").await;
        let mut fresh = connect(&app, &booked.candidate, id).await.unwrap();
        fresh.until_text("x = 1\n").await;
        assert_eq!(pat.closed_within(Duration::from_millis(200)).await, None);
    }
);

both!(
    a_pad_holds_a_bounded_number_of_connections_and_a_flood_is_cut_off,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let mut clients = Vec::new();
        for _ in 0..MAX_CONNECTIONS_PER_PAD {
            clients.push(connect(&app, &booked.candidate, id).await.unwrap());
        }
        assert_eq!(
            connect(&app, &booked.candidate, id).await.err(),
            Some(Refused::Closed(1013))
        );
        // One leaves; there is room again.
        clients.pop();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut flooder = connect(&app, &booked.candidate, id).await.unwrap();

        // A client that sends far faster than anyone types is closed.
        let vector = flooder.doc.transact().state_vector();
        let step = Message::Sync(SyncMessage::SyncStep1(vector)).encode_v1();
        for _ in 0..400 {
            if flooder
                .socket
                .send(Frame::Binary(step.clone().into()))
                .await
                .is_err()
            {
                break;
            }
        }
        assert_eq!(
            flooder.closed_within(Duration::from_secs(5)).await,
            Some(1013)
        );
    }
);

both!(
    the_interviewers_notes_are_theirs_alone_and_never_reach_the_candidate,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let page = format!("/pads/{id}");
        let notes = format!("/pads/{id}/notes");
        let secret = "Weak on complexity; probe hash maps";

        let mut grace = connect(&app, &booked.candidate, id).await.unwrap();
        let response = booked
            .interviewer
            .post_form(&page, &notes, &[("notes", secret)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = booked.interviewer.get_text(&page).await;
        assert!(html.contains(secret), "{html}");

        // Pat edits the pad while his notes are saved; Grace's traffic carries the code only.
        let mut pat = connect(&app, &booked.interviewer, id).await.unwrap();
        pat.type_at(0, "def f(): pass\n").await;
        grace.until_text("def f(): pass\n").await;
        grace.closed_within(Duration::from_millis(300)).await;
        let traffic = String::from_utf8_lossy(&grace.received).to_string();
        assert!(traffic.contains("def f()"), "the traffic is readable");
        assert!(!traffic.contains("probe hash maps"), "{traffic}");
        let (_, html) = booked.candidate.get_text(&page).await;
        assert!(!html.contains("probe hash maps"), "{html}");
        assert!(!html.contains("private notes"), "{html}");

        // The candidate cannot write notes, nor anyone without the form's token, nor a huge
        // note; none of these changes what is stored.
        let response = booked
            .candidate
            .post_form(&page, &notes, &[("notes", "mine")])
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = booked
            .interviewer
            .client
            .post(booked.interviewer.url(&notes))
            .form(&[("notes", "no token")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let huge = "x".repeat(20_001);
        let response = booked
            .interviewer
            .post_form(&page, &notes, &[("notes", huge.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let pat_id = booked.interview.interviewer_id.unwrap();
        let stored = app.store().pad_note(id, pat_id).await.unwrap().unwrap();
        assert_eq!(stored.body, secret);

        // The interview passes to another interviewer: the notes stay Pat's.
        let (_, other_email) = interviewer(&app, "Nina Next", "America/New_York").await;
        let nina_id = app
            .store()
            .user_by_email(&other_email)
            .await
            .unwrap()
            .unwrap()
            .id;
        let mut tx = app.store().begin().await.unwrap();
        cohort_store::Store::move_interview(
            &mut tx,
            id,
            booked.interview.sequence,
            nina_id,
            booked.interview.starts_at,
            booked.interview.ends_at,
            &booked.interview.candidate_time_zone,
            app.state.now(),
        )
        .await
        .unwrap();
        cohort_store::Store::commit(tx).await.unwrap();
        let nina = signed_in_as(&app, &other_email).await;
        let (status, html) = nina.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("probe hash maps"), "{html}");
    }
);

both!(
    a_cursor_carries_its_accounts_name_and_a_client_forwarding_anothers_cursor_changes_nothing,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let mut pat = connect(&app, &booked.interviewer, id).await.unwrap();
        let mut grace = connect(&app, &booked.candidate, id).await.unwrap();

        // Pat's editor claims another name; Grace sees his account's.
        pat.announce("Someone Else").await;
        let pat_client = pat.doc.client_id().get();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while !grace.awareness.iter().any(|(c, _)| *c == pat_client) {
            assert!(tokio::time::Instant::now() < deadline, "no cursor arrived");
            grace.closed_within(Duration::from_millis(50)).await;
        }
        let (_, json) = grace
            .awareness
            .iter()
            .rev()
            .find(|(c, _)| *c == pat_client)
            .unwrap();
        assert!(json.contains("Pat Pairer"), "{json}");
        assert!(!json.contains("Someone Else"), "{json}");

        // Grace announces herself, then forwards Pat's state under a newer clock with her name in
        // it, as a provider re-sending what it heard might: it is ignored, not relayed.
        grace.announce("Grace").await;
        grace
            .send_awareness(pat_client, 9, r#"{"user":{"name":"Grace Hopper"}}"#)
            .await;
        assert_eq!(grace.closed_within(Duration::from_millis(300)).await, None);
        pat.closed_within(Duration::from_millis(300)).await;
        assert!(
            !pat.awareness.iter().any(|(c, _)| *c == pat_client),
            "Pat's own cursor came back to him: {:?}",
            pat.awareness
        );
        let grace_client = grace.doc.client_id().get();
        let (_, json) = pat
            .awareness
            .iter()
            .rev()
            .find(|(c, _)| *c == grace_client)
            .unwrap();
        assert!(json.contains("Grace Hopper"), "{json}");

        // When Grace leaves, Pat sees her cursor go.
        drop(grace);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let last = pat.awareness.iter().rev().find(|(c, _)| *c == grace_client);
            if matches!(last, Some((_, json)) if json == "null") {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{:?}",
                pat.awareness
            );
            pat.closed_within(Duration::from_millis(50)).await;
        }
    }
);

both!(
    the_interviewer_runs_the_pads_own_code_one_run_at_a_time_and_both_people_see_the_runs,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let page = format!("/pads/{id}");
        let runs = format!("/pads/{id}/runs");
        let queued_jobs = || async {
            let (count,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE kind = 'run_pad_code'")
                    .fetch_one(app.store().reader())
                    .await
                    .unwrap();
            count
        };

        // An empty pad has nothing to run.
        let response = booked
            .interviewer
            .post_form(&page, &runs, &[("input", "")])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "The pad is empty: there is no code to run.");

        // Grace writes the code; the run takes the pad's code as the server holds it.
        let mut grace = connect(&app, &booked.candidate, id).await.unwrap();
        grace.type_at(0, "print(input()[::-1])\n").await;
        let mut pat = connect(&app, &booked.interviewer, id).await.unwrap();
        pat.until_text("print(input()[::-1])\n").await;

        // Fifty clicks at once queue one run; the rest are told one is going.
        let csrf = booked.interviewer.csrf(&page).await;
        let clicks = (0..50)
            .map(|_| {
                booked
                    .interviewer
                    .client
                    .post(booked.interviewer.url(&runs))
                    .form(&[("csrf", csrf.as_str()), ("input", "stressed")])
            })
            .collect();
        let statuses = crate::phone_screens::all_at_once(clicks).await;
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::ACCEPTED)
                .count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::CONFLICT)
                .count(),
            49
        );
        assert_eq!(queued_jobs().await, 1);

        // Both see the queued run with its input; nobody else does.
        for who in [&booked.interviewer, &booked.candidate] {
            let response = who.get(&runs).await;
            assert_eq!(response.status(), StatusCode::OK);
            let body: serde_json::Value = response.json().await.unwrap();
            let listed = body["runs"].as_array().unwrap();
            assert_eq!(listed.len(), 1, "{body}");
            assert_eq!(listed[0]["done"], false);
            assert_eq!(listed[0]["input"], "stressed");
            assert_eq!(listed[0]["language"], "python3");
        }
        let run_id = {
            let body: serde_json::Value = booked.candidate.get(&runs).await.json().await.unwrap();
            body["runs"][0]["id"].as_i64().unwrap()
        };
        let stored = app.store().pad_run(run_id).await.unwrap().unwrap();
        assert_eq!(stored.code, "print(input()[::-1])\n");
        let (other, _) = app.candidate("Ada Lovelace").await;
        assert_eq!(other.get(&runs).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            app.browser().get(&runs).await.status(),
            StatusCode::SEE_OTHER
        );

        // The candidate has no Run; a post without the form's token is refused; an input over
        // 64 KiB is too large. None of them queues anything.
        let response = booked
            .candidate
            .post_form(&page, &runs, &[("input", "x")])
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = booked
            .interviewer
            .client
            .post(booked.interviewer.url(&runs))
            .form(&[("input", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(queued_jobs().await, 1);

        // The judge records the result (as the worker's job does); then another run may go.
        let result = cohort_judge::scratch::ScratchRun {
            outcome: cohort_judge::scratch::ScratchOutcome::Finished,
            stdout: "desserts\n".into(),
            stderr: String::new(),
            compile_output: String::new(),
            time_ms: 12,
            memory_kib: 9000,
        };
        let mut tx = app.store().begin().await.unwrap();
        let json = serde_json::to_string(&result).unwrap();
        assert!(
            cohort_store::Store::finish_pad_run(&mut tx, run_id, &json, 1)
                .await
                .unwrap()
        );
        cohort_store::Store::commit(tx).await.unwrap();
        let body: serde_json::Value = booked.candidate.get(&runs).await.json().await.unwrap();
        assert_eq!(body["runs"][0]["done"], true);
        assert_eq!(body["runs"][0]["result"]["stdout"], "desserts\n");
        assert_eq!(body["runs"][0]["result"]["time_ms"], 12);
        let huge = "1".repeat(70_000);
        let response = booked
            .interviewer
            .post_form(&page, &runs, &[("input", huge.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let response = booked
            .interviewer
            .post_form(&page, &runs, &[("input", "again")])
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);

        // No judge takes this one (none runs in these tests); two minutes on, Run works again
        // and the lost run says it was not run.
        assert_eq!(
            booked
                .interviewer
                .post_form(&page, &runs, &[("input", "too soon")])
                .await
                .status(),
            StatusCode::CONFLICT
        );
        travel_to_start(&app, &booked, 130);
        let response = booked
            .interviewer
            .post_form(&page, &runs, &[("input", "later")])
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let body: serde_json::Value = booked.candidate.get(&runs).await.json().await.unwrap();
        assert_eq!(body["runs"][0]["input"], "later");
        assert_eq!(body["runs"][1]["input"], "again");
        assert_eq!(body["runs"][1]["done"], true);
        assert_eq!(body["runs"][1]["result"]["outcome"]["kind"], "unavailable");

        // After the grace period the pad is read-only: no more runs, the old ones stay.
        let end = booked.interview.ends_at - booked.interview.starts_at;
        travel_to_start(&app, &booked, end + GRACE_AFTER_END_SECONDS + 1);
        let response = booked
            .interviewer
            .post_form(&page, &runs, &[("input", "late")])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "The pad is read-only now.");
        let body: serde_json::Value = booked.interviewer.get(&runs).await.json().await.unwrap();
        assert_eq!(body["runs"].as_array().unwrap().len(), 3);
        drop(grace);
        drop(pat);
    }
);

both!(
    an_update_built_on_edits_the_server_never_got_reloads_the_pad_and_stores_nothing,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let mut pat = connect(&app, &booked.interviewer, id).await.unwrap();
        let mut grace = connect(&app, &booked.candidate, id).await.unwrap();
        pat.type_at(0, "ok\n").await;
        grace.until_text("ok\n").await;

        // Grace's client makes two edits and sends only the second, which needs the first.
        let text = grace.doc.get_or_insert_text("code");
        text.insert(&mut grace.doc.transact_mut(), 3, "a");
        let after_first = grace.doc.transact().state_vector();
        text.insert(&mut grace.doc.transact_mut(), 4, "b");
        let second = grace.doc.transact().encode_diff_v1(&after_first);
        grace.send(Message::Sync(SyncMessage::Update(second))).await;
        assert_eq!(
            grace.closed_within(Duration::from_secs(3)).await,
            Some(u16::from(CloseCode::Policy))
        );
        // Everyone is sent to sync again with a fresh copy; nothing of it was stored.
        assert_eq!(pat.closed_within(Duration::from_secs(3)).await, Some(1013));
        let (updates, _) = app.store().pad_size(id).await.unwrap();
        assert_eq!(updates, 1);
        let mut fresh = connect(&app, &booked.interviewer, id).await.unwrap();
        fresh.until_text("ok\n").await;
        fresh.type_at(3, "more\n").await;
        let mut other = connect(&app, &booked.candidate, id).await.unwrap();
        other.until_text("ok\nmore\n").await;
    }
);

both!(
    a_client_alone_in_the_pad_hears_from_the_server_and_a_cancelled_interview_ends_its_connections,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let mut grace = connect(&app, &booked.candidate, id).await.unwrap();
        let heard = grace.received.len();
        // The browser's client gives up on a socket silent for 30 seconds.
        assert_eq!(grace.closed_within(Duration::from_secs(17)).await, None);
        assert!(
            grace.received.len() > heard,
            "nothing was sent in 17 seconds"
        );

        // The interview is called off: the open connection ends within a check, and the next
        // handshake is refused.
        let mut tx = app.store().begin().await.unwrap();
        cohort_store::Store::cancel_interview(
            &mut tx,
            id,
            booked.interview.sequence,
            app.state.now(),
        )
        .await
        .unwrap();
        cohort_store::Store::commit(tx).await.unwrap();
        assert_eq!(
            grace.closed_within(Duration::from_secs(17)).await,
            Some(1012)
        );
        assert_eq!(
            connect(&app, &booked.candidate, id).await.err(),
            Some(Refused::Status(403))
        );
    }
);

both!(
    the_replay_gives_at_each_step_the_document_both_people_had_to_those_who_may_read_the_feedback,
    |app: TestApp| async move {
        use base64::Engine;
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let history = format!("/pads/{id}/history");
        let mut pat = connect(&app, &booked.interviewer, id).await.unwrap();
        let mut grace = connect(&app, &booked.candidate, id).await.unwrap();

        // They take turns, each waiting for the other's change: after every change both had the
        // same document, which is recorded.
        let mut seen: Vec<(String, &str)> = Vec::new();
        for turn in 0..6u32 {
            let (typist, reader, by) = if turn % 2 == 0 {
                (&mut pat, &mut grace, "interviewer")
            } else {
                (&mut grace, &mut pat, "candidate")
            };
            let at = typist.text().chars().count() as u32;
            typist.type_at(at, &format!("line {turn}\n")).await;
            if turn == 3 {
                // A deletion too: "line 0\n" loses its digit.
                reader.until_text(&typist.text()).await;
                typist.delete_at(5, 1).await;
            }
            reader.until_text(&typist.text()).await;
            let text = typist.text();
            if turn == 3 {
                let mut before = text.clone();
                before.insert(5, '0');
                seen.push((before, by));
            }
            seen.push((text, by));
        }

        // Not before the pad closes, even for the interviewer.
        assert_eq!(
            booked.interviewer.get(&history).await.status(),
            StatusCode::FORBIDDEN
        );
        let end = booked.interview.ends_at - booked.interview.starts_at;
        travel_to_start(&app, &booked, end + GRACE_AFTER_END_SECONDS + 1);
        let response = booked.interviewer.get(&history).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: serde_json::Value = response.json().await.unwrap();
        let steps = body["steps"].as_array().unwrap();
        assert_eq!(steps.len(), seen.len(), "{body}");
        let doc = Doc::new();
        let code = doc.get_or_insert_text("code");
        for (step, (expected, by)) in steps.iter().zip(&seen) {
            let data = base64::engine::general_purpose::STANDARD
                .decode(step["data"].as_str().unwrap())
                .unwrap();
            doc.transact_mut()
                .apply_update(Update::decode_v1(&data).unwrap())
                .unwrap();
            assert_eq!(&code.get_string(&doc.transact()), expected);
            assert_eq!(step["by"], *by);
        }
        let (status, html) = booked
            .interviewer
            .get_text(&format!("/pads/{id}/replay"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-pad-replay"), "{html}");

        // The candidate never; a recruiter only once the interviewer's feedback is submitted;
        // another interviewer not on the panel never.
        let recruiter = app.signed_in(Role::Recruiter).await;
        let (_, other_email) = interviewer(&app, "Otto Other", "Europe/Berlin").await;
        let other = signed_in_as(&app, &other_email).await;
        for who in [&booked.candidate, &recruiter, &other] {
            assert_eq!(who.get(&history).await.status(), StatusCode::NOT_FOUND);
        }
        let response =
            crate::feedback::write_scorecard(&booked.interviewer, id, "pat", "submit").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(recruiter.get(&history).await.status(), StatusCode::OK);
        assert_eq!(
            booked.candidate.get(&history).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(other.get(&history).await.status(), StatusCode::NOT_FOUND);
        // The recruiter reaches it from the candidate's feedback.
        let application = booked.interview.application_id;
        let (_, html) = recruiter
            .get_text(&format!("/feedback/applications/{application}"))
            .await;
        assert!(html.contains(&format!("/pads/{id}/replay")), "{html}");
    }
);

both!(
    fifty_connections_at_once_open_at_most_the_pads_limit_and_fifty_note_saves_at_once_keep_one,
    |app: TestApp| async move {
        let booked = booked_phone_screen(&app).await;
        let id = booked.interview.id;
        travel_to_start(&app, &booked, 0);
        let app = std::sync::Arc::new(app);
        let browser = std::sync::Arc::new(booked.candidate);
        let mut joins = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let (app, browser) = (app.clone(), browser.clone());
            joins.spawn(async move { connect(&app, &browser, id).await });
        }
        let results = joins.join_all().await;
        let open = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(
            open,
            MAX_CONNECTIONS_PER_PAD,
            "{:?}",
            results.iter().map(|r| r.as_ref().err()).collect::<Vec<_>>()
        );
        assert!(results
            .iter()
            .all(|r| matches!(r, Ok(_) | Err(Refused::Closed(1013)))));

        let page = format!("/pads/{id}");
        let notes = format!("/pads/{id}/notes");
        let csrf = booked.interviewer.csrf(&page).await;
        let saves = (0..50)
            .map(|n| {
                booked
                    .interviewer
                    .client
                    .post(booked.interviewer.url(&notes))
                    .form(&[("csrf", csrf.clone()), ("notes", format!("note {n}"))])
            })
            .collect();
        let statuses = crate::phone_screens::all_at_once(saves).await;
        assert!(
            statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
            "{statuses:?}"
        );
        let pat_id = booked.interview.interviewer_id.unwrap();
        let stored = app.store().pad_note(id, pat_id).await.unwrap().unwrap();
        assert!(stored.body.starts_with("note "), "{}", stored.body);
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pad_notes")
            .fetch_one(app.store().reader())
            .await
            .unwrap();
        assert_eq!(count, 1);
    }
);

both!(
    a_final_loop_interview_has_a_pad_when_its_seat_in_the_loop_template_says_so,
    |app: TestApp| async move {
        // The Software Development loop's coding seats (and the bar raiser's, whose area is
        // coding) are held in the pad; system design and the behavioural interview are not.
        let published = crate::feedback::published_loop(&app).await;
        let candidate_email = published.candidates[0].1.clone();
        let mut with_pad = 0;
        for (interview, email) in &published.interviews {
            let expected = !matches!(
                interview.focus.as_deref(),
                Some("System design" | "") | None
            );
            with_pad += usize::from(expected);
            app.state.app().clock().travel_to(interview.starts_at);
            let interviewer = signed_in_as(&app, email).await;
            let candidate = signed_in_as(&app, &candidate_email).await;
            let pad = format!("/pads/{}", interview.id);
            for who in [&interviewer, &candidate] {
                let status = who.get(&pad).await.status();
                assert_eq!(
                    status,
                    if expected {
                        StatusCode::OK
                    } else {
                        StatusCode::NOT_FOUND
                    },
                    "{:?}",
                    interview.focus
                );
            }
            let link = format!("href=\"{pad}\"");
            let (_, kit) = interviewer
                .get_text(&format!("/interviewer/interviews/{}/kit", interview.id))
                .await;
            assert_eq!(kit.contains(&link), expected, "the kit's link");
            let (_, mine) = interviewer.get_text("/interviewer/interviews").await;
            assert_eq!(mine.contains(&link), expected, "My interviews' link");
            let (_, status_page) = candidate.get_text("/me").await;
            assert_eq!(
                status_page.contains(&link),
                expected,
                "the candidate's link"
            );
            match connect(&app, &interviewer, interview.id).await {
                Ok(mut client) if expected => {
                    client.type_at(0, "// loop").await;
                }
                Err(Refused::Status(404)) if !expected => {}
                Ok(_) => panic!("a pad opened for {:?}", interview.focus),
                Err(refused) => panic!("{refused:?} for {:?}", interview.focus),
            }
        }
        assert_eq!(with_pad, 3, "two coding seats and the bar raiser's");
    }
);
