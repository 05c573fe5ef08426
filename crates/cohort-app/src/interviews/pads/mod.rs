//! The live coding pad: an interview's shared document, edited by its interviewer and candidate
//! at once over the y-sync protocol (the one Yjs's own `y-websocket` speaks).
//!
//! Each pad that has someone connected on this process is a [`Room`]: the document (a `yrs`
//! document, the Rust port of Yjs), the awareness states (who is there, their cursors), and a
//! broadcast channel to the room's connections. The web layer carries bytes between a WebSocket
//! and a [`PadConnection`]; everything the protocol means happens here.
//!
//! Every update that changes the document is appended to the store before it is relayed, so an
//! update the other person has seen is never lost, and the stored updates replayed in order give
//! the document at each moment. A room whose store write failed is dropped, and its clients,
//! which keep their edits, send them again when they reconnect.
//!
//! On PostgreSQL several web nodes may hold a room for one pad: [`nodes`] relays the stored
//! updates and the cursors between them.

mod nodes;

use super::phone_screens::PHONE_SCREEN;
use crate::App;
use cohort_domain::interviews::pad::{
    MessageBudget, PadAccess, PadRole, PadWindow, MAX_CONNECTIONS_PER_PAD, MAX_DOCUMENT_BYTES,
};
use cohort_store::interviews::bookings::InterviewRecord;
use cohort_store::StoreError;
use std::collections::HashMap;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use tokio::sync::broadcast;
use yrs::encoding::read::Cursor;
use yrs::sync::{Awareness, AwarenessUpdate, Message, MessageReader, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{Doc, ReadTxn, StateVector, Transact, TransactionMut, Update, UpdateEvent};

/// After this many updates since the last snapshot, the room stores a new one, so that loading
/// the pad applies at most this many updates on top of a snapshot.
const UPDATES_PER_SNAPSHOT: usize = 500;

/// How many relayed messages a connection may fall behind before it is dropped. A dropped
/// client reconnects and catches up with one sync step, which is cheaper than an unbounded queue.
const RELAY_CAPACITY: usize = 512;

/// Why a pad cannot be opened, or why a connection is closed.
#[derive(Debug, thiserror::Error)]
pub enum PadError {
    /// Not an interview with a pad, or not this person's: the two are not told apart, so that
    /// nobody learns which interviews exist.
    #[error("There is no pad here for you.")]
    NotFound,
    #[error("The pad opens a quarter of an hour before the interview starts.")]
    NotYetOpen { opens_at: i64 },
    #[error("The interview is over, and its pad is closed.")]
    Closed,
    #[error("The pad has as many connections as it allows; close another tab and try again.")]
    Full,
    #[error("The pad is read-only now.")]
    ReadOnly,
    #[error("That was not a y-sync message: {0}")]
    Malformed(String),
    #[error("Too many messages at once; the editor reconnects by itself.")]
    TooFast,
    #[error("The pad's document has reached its size limit.")]
    TooLarge,
    #[error("The connection fell behind the pad and reconnects to catch up.")]
    Lagged,
    /// The room was dropped (a store write failed, or an update left the document waiting for
    /// edits nobody sent): every client reconnects and syncs with a fresh copy.
    #[error("The pad reloads; the editor reconnects by itself.")]
    Reloading,
    #[error("The replay opens when the pad closes, half an hour after the interview ends.")]
    ReplayNotYet,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The writer could not store an update (the database failed).
    #[error("An edit could not be saved ({0}); the editor reconnects and sends it again.")]
    Unstored(String),
    /// This node cannot hear the others' edits (its PostgreSQL listener is down), so it opens no
    /// pad until it can.
    #[error("The pad cannot be opened on this server right now; the editor retries by itself.")]
    Unrelayed,
}

/// A person's way into one interview's pad, as [`open`] found it.
#[derive(Debug, Clone)]
pub struct PadTicket {
    pub interview: InterviewRecord,
    pub role: PadRole,
    pub access: PadAccess,
    pub user_id: i64,
    pub name: String,
    pub window: PadWindow,
}

impl PadTicket {
    pub fn may_edit(&self) -> bool {
        self.access == PadAccess::Edit
    }
}

/// The interview, if it is one with a pad; [`PadError::NotFound`] otherwise.
pub(crate) async fn with_pad(app: &App, interview_id: i64) -> Result<InterviewRecord, PadError> {
    let interview = app
        .store()
        .interview(interview_id)
        .await?
        .ok_or(PadError::NotFound)?;
    if !has_pad(app, &interview).await? {
        return Err(PadError::NotFound);
    }
    Ok(interview)
}

/// Whether an interview has a pad: every phone screen, and a final loop's interview when its
/// seat in the track's loop template (what its kit is made from) is held in the coding pad.
pub async fn has_pad(app: &App, interview: &InterviewRecord) -> Result<bool, StoreError> {
    if interview.kind == PHONE_SCREEN {
        return Ok(true);
    }
    Ok(super::feedback::loop_seat(app, interview)
        .await?
        .is_some_and(|seat| seat.coding_pad))
}

/// Which of `interviews` have a pad (see [`has_pad`]), reading each application's loop once
/// however many of its interviews are listed.
pub async fn with_pads(
    app: &App,
    interviews: &[InterviewRecord],
) -> Result<std::collections::HashSet<i64>, StoreError> {
    let mut found = std::collections::HashSet::new();
    let mut seats_of: HashMap<i64, HashMap<i64, cohort_domain::interviews::TemplateInterview>> =
        HashMap::new();
    for interview in interviews {
        if interview.kind == PHONE_SCREEN {
            found.insert(interview.id);
            continue;
        }
        let seats = match seats_of.entry(interview.application_id) {
            std::collections::hash_map::Entry::Occupied(seats) => seats.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(super::feedback::loop_seats(app, interview.application_id).await?)
            }
        };
        if seats.get(&interview.id).is_some_and(|seat| seat.coding_pad) {
            found.insert(interview.id);
        }
    }
    Ok(found)
}

/// Whether `user_id` may open interview `interview_id`'s pad now, and how.
///
/// Only the interview's own interviewer and candidate get a ticket; anyone else, and any
/// interview without a pad, is [`PadError::NotFound`].
pub async fn open(app: &App, interview_id: i64, user_id: i64) -> Result<PadTicket, PadError> {
    let interview = with_pad(app, interview_id).await?;
    let (role, name) = if interview.interviewer_id == Some(user_id) {
        (
            PadRole::Interviewer,
            interview.interviewer_name.clone().unwrap_or_default(),
        )
    } else if interview.candidate_id == user_id {
        (PadRole::Candidate, interview.candidate_name.clone())
    } else {
        return Err(PadError::NotFound);
    };
    let window = PadWindow::of_interview(interview.starts_at, interview.ends_at);
    let access = window.access(role, interview.is_booked(), app.now());
    match access {
        PadAccess::NotYetOpen { opens_at } => Err(PadError::NotYetOpen { opens_at }),
        PadAccess::Closed => Err(PadError::Closed),
        PadAccess::Edit | PadAccess::Read => Ok(PadTicket {
            interview,
            role,
            access,
            user_id,
            name,
            window,
        }),
    }
}

/// The pads open on this process. Shared by every request; cheap to consult.
#[derive(Default)]
pub struct Rooms {
    rooms: Mutex<HashMap<i64, Weak<Room>>>,
    next_connection: AtomicU64,
    /// The process's one writer of pad updates, started on first use.
    writer: std::sync::OnceLock<tokio::sync::mpsc::Sender<PendingWrite>>,
    /// This process among the web nodes that share a PostgreSQL database.
    nodes: nodes::Nodes,
}

/// An update waiting for the writer, and where to say it is stored (its id) or why not.
struct PendingWrite {
    interview_id: i64,
    author_id: i64,
    data: Vec<u8>,
    at_ms: i64,
    stored: tokio::sync::oneshot::Sender<Result<i64, String>>,
}

/// `first` and whatever else is already waiting (as `waiting` yields it), up to `max`: one
/// statement, or one turn of a room's lock, for all of them.
fn gather<T>(first: T, max: usize, mut waiting: impl FnMut() -> Option<T>) -> Vec<T> {
    let mut batch = vec![first];
    while batch.len() < max {
        match waiting() {
            Some(next) => batch.push(next),
            None => break,
        }
    }
    batch
}

/// The most updates one group commit takes.
const WRITES_PER_COMMIT: usize = 512;

/// Stores pad updates for every room of the process, as many per transaction as are waiting
/// (a group commit): with hundreds of pads typing at once, one transaction per keystroke would
/// queue them behind SQLite's one writer.
async fn write_updates(
    store: cohort_store::Store,
    node: u64,
    mut queue: tokio::sync::mpsc::Receiver<PendingWrite>,
) {
    while let Some(first) = queue.recv().await {
        let batch = gather(first, WRITES_PER_COMMIT, || queue.try_recv().ok());
        let rows: Vec<(i64, i64, &[u8], i64)> = batch
            .iter()
            .map(|w| (w.interview_id, w.author_id, w.data.as_slice(), w.at_ms))
            .collect();
        // On PostgreSQL every stored update is announced to the other web nodes in the same
        // statement.
        match store.append_pad_updates(&rows, node).await {
            Ok(ids) => {
                for (write, id) in batch.into_iter().zip(ids) {
                    let _ = write.stored.send(Ok(id));
                }
            }
            Err(error) => {
                tracing::error!(%error, "storing pad updates failed");
                for write in batch {
                    let _ = write.stored.send(Err(error.to_string()));
                }
            }
        }
    }
}

impl Rooms {
    /// Stores one update through the process's writer; its id once committed.
    async fn store_update(
        &self,
        app: &App,
        interview_id: i64,
        author_id: i64,
        data: Vec<u8>,
        at_ms: i64,
    ) -> Result<i64, PadError> {
        let writer = self.writer.get_or_init(|| {
            let (sender, receiver) = tokio::sync::mpsc::channel(4 * WRITES_PER_COMMIT);
            tokio::spawn(write_updates(
                app.store().clone(),
                self.nodes.id(),
                receiver,
            ));
            sender
        });
        let (stored, answer) = tokio::sync::oneshot::channel();
        writer
            .send(PendingWrite {
                interview_id,
                author_id,
                data,
                at_ms,
                stored,
            })
            .await
            .map_err(|_| PadError::Unstored("the writer stopped".into()))?;
        answer
            .await
            .map_err(|_| PadError::Unstored("the writer stopped".into()))?
            .map_err(PadError::Unstored)
    }
}

impl Rooms {
    /// How many pads have someone connected on this process.
    pub async fn open_count(&self) -> usize {
        let rooms = self.rooms.lock().expect("never poisoned");
        rooms.values().filter(|r| r.strong_count() > 0).count()
    }

    /// The room of a pad, if someone on this process has it open.
    fn open_room(&self, interview_id: i64) -> Option<Arc<Room>> {
        let rooms = self.rooms.lock().expect("never poisoned");
        rooms
            .get(&interview_id)
            .and_then(Weak::upgrade)
            .filter(|room| !room.is_broken())
    }

    /// Keeps a room just loaded, unless another connection loaded the same pad meanwhile: then
    /// that one is the room, and this copy is dropped. True when `loaded` is kept.
    fn keep(&self, loaded: Arc<Room>) -> (Arc<Room>, bool) {
        let mut rooms = self.rooms.lock().expect("never poisoned");
        rooms.retain(|_, room| room.strong_count() > 0);
        if let Some(room) = rooms
            .get(&loaded.interview_id)
            .and_then(Weak::upgrade)
            .filter(|room| !room.is_broken())
        {
            return (room, false);
        }
        rooms.insert(loaded.interview_id, Arc::downgrade(&loaded));
        (loaded, true)
    }

    /// Breaks up every room of this process: they may have missed another node's updates.
    fn break_up_all(&self) {
        let rooms = self.rooms.lock().expect("never poisoned");
        for room in rooms.values().filter_map(Weak::upgrade) {
            room.break_up();
        }
    }
}

/// A message relayed to a room's connections, with the connection it came from (which skips
/// it). No bytes: the room is dropped, and every connection ends.
#[derive(Debug, Clone)]
struct Relay {
    from: u64,
    bytes: Option<Arc<[u8]>>,
}

impl Room {
    /// Drops the room: no new connection joins it, and every connection in it ends, so that the
    /// clients (which keep their edits) sync again with a copy loaded from the store.
    fn break_up(&self) {
        self.broken.store(true, Ordering::Release);
        let _ = self.relay.send(Relay {
            from: u64::MAX,
            bytes: None,
        });
    }

    fn is_broken(&self) -> bool {
        self.broken.load(Ordering::Acquire)
    }
}

/// One pad's document and its people, on this process.
struct Room {
    interview_id: i64,
    state: tokio::sync::Mutex<RoomState>,
    relay: broadcast::Sender<Relay>,
    connections: AtomicUsize,
    /// Set when a store write failed: the document in memory may hold an update the store does
    /// not, so the room is not handed to new connections.
    broken: AtomicBool,
    /// What other web nodes announce for this pad, on PostgreSQL.
    inbox:
        Option<tokio::sync::mpsc::UnboundedSender<cohort_store::interviews::pads::PadAnnouncement>>,
}

/// The sender of messages that came from another web node: no connection of this one.
const OTHER_NODE: u64 = u64::MAX - 1;

/// The newest update id up to which a room is sure to hold every stored update, which is where
/// a snapshot of its document may say it reaches.
///
/// On SQLite ids are given in the order of the commits, and the room learns every one in turn.
/// On PostgreSQL a sequence gives the ids when inserts run, so another node's update 10 can
/// commit after this node's update 11; once an id has been known for longer than any insert can
/// hold its ids ([`nodes::SETTLE_MS`]), every lower id is committed, and was announced.
struct Horizon {
    settle_ms: i64,
    settled: i64,
    /// Ids learned and when, in order, not yet settled.
    learned: VecDeque<(i64, i64)>,
}

impl Horizon {
    fn new(settle_ms: i64, settled: i64) -> Horizon {
        Horizon {
            settle_ms,
            settled,
            learned: VecDeque::new(),
        }
    }

    fn learn(&mut self, at_ms: i64, id: i64) {
        let newest = self.learned.back().map_or(self.settled, |&(_, id)| id);
        if id <= newest {
            return;
        }
        match self.learned.back_mut() {
            Some(last) if last.0 == at_ms => last.1 = id,
            _ => self.learned.push_back((at_ms, id)),
        }
    }

    fn settled(&mut self, now_ms: i64) -> i64 {
        while let Some(&(at_ms, id)) = self.learned.front() {
            if at_ms > now_ms - self.settle_ms {
                break;
            }
            self.settled = self.settled.max(id);
            self.learned.pop_front();
        }
        self.settled
    }
}

struct RoomState {
    awareness: Awareness,
    /// The updates each transaction made, as `yrs` reports them: only what changed the
    /// document, whatever the client sent.
    changes: Arc<Mutex<Vec<Vec<u8>>>>,
    /// Bytes of stored updates; bounded by [`MAX_DOCUMENT_BYTES`].
    stored_bytes: usize,
    updates_since_snapshot: usize,
    /// How far the room is sure to hold every stored update, for snapshots.
    horizon: Horizon,
    /// Where the room's document was read from: updates above it are read again to catch up.
    loaded_after: i64,
    /// Which connection (and whose) announced each awareness client id: one connection never
    /// speaks for another person's cursor, and a person's new connection takes over the id their
    /// old one (perhaps half-open after a network change) held.
    awareness_owners: HashMap<u64, (u64, i64)>,
}

impl RoomState {
    fn new(doc: Doc, horizon: Horizon) -> RoomState {
        let changes: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let sink = changes.clone();
        doc.observe_update_v1("room", move |_: &TransactionMut, event: &UpdateEvent| {
            sink.lock()
                .expect("the change list is never poisoned")
                .push(event.update.clone());
        })
        .expect("a new document has no transaction open");
        RoomState {
            awareness: Awareness::new(doc),
            changes,
            stored_bytes: 0,
            updates_since_snapshot: 0,
            horizon,
            loaded_after: 0,
            awareness_owners: HashMap::new(),
        }
    }

    fn take_changes(&self) -> Vec<Vec<u8>> {
        std::mem::take(&mut *self.changes.lock().expect("never poisoned"))
    }
}

/// Applies stored updates to a document, in order.
fn apply_stored(doc: &Doc, updates: impl IntoIterator<Item = Vec<u8>>) -> Result<(), PadError> {
    let mut txn = doc.transact_mut();
    for data in updates {
        let update = Update::decode_v1(&data).map_err(|e| PadError::Malformed(e.to_string()))?;
        txn.apply_update(update)
            .map_err(|e| PadError::Malformed(e.to_string()))?;
    }
    Ok(())
}

/// A room read from the store, and where what other nodes announce for it arrives (on
/// PostgreSQL).
type LoadedRoom = (
    Arc<Room>,
    Option<tokio::sync::mpsc::UnboundedReceiver<cohort_store::interviews::pads::PadAnnouncement>>,
);

async fn load_room(app: &App, interview_id: i64) -> Result<LoadedRoom, PadError> {
    let history = app.store().pad_history(interview_id).await?;
    let doc = Doc::new();
    let mut stored_bytes = 0;
    if let Some(snapshot) = &history.snapshot {
        stored_bytes += snapshot.data.len();
        apply_stored(&doc, [snapshot.data.clone()])?;
    }
    stored_bytes += history.updates.iter().map(|u| u.data.len()).sum::<usize>();
    apply_stored(&doc, history.updates.iter().map(|u| u.data.clone()))?;
    let loaded_after = history.snapshot.as_ref().map_or(0, |s| s.through_update_id);
    let several_nodes = app.store().backend() == cohort_store::Backend::Postgres;
    let settle_ms = if several_nodes { nodes::SETTLE_MS } else { 0 };
    let mut horizon = Horizon::new(settle_ms, loaded_after);
    horizon.learn(app.now_ms(), history.last_update_id());
    let mut state = RoomState::new(doc, horizon);
    // Loading is not a change: what the observer saw of it is already stored.
    state.take_changes();
    state.stored_bytes = stored_bytes;
    state.updates_since_snapshot = history.updates.len();
    state.loaded_after = loaded_after;
    let (relay, _) = broadcast::channel(RELAY_CAPACITY);
    let (inbox, remote) = if several_nodes {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        (Some(sender), Some(receiver))
    } else {
        (None, None)
    };
    let room = Arc::new(Room {
        interview_id,
        state: tokio::sync::Mutex::new(state),
        relay,
        connections: AtomicUsize::new(0),
        broken: AtomicBool::new(false),
        inbox,
    });
    Ok((room, remote))
}

/// Joins the pad `ticket` opens: loads its document if nobody on this process has it open.
pub async fn join(app: &App, ticket: &PadTicket) -> Result<PadConnection, PadError> {
    let rooms = app.pad_rooms();
    let interview_id = ticket.interview.id;
    // A node that cannot hear the others would serve a document missing their edits.
    rooms.nodes.listening(app).await?;
    let room = match rooms.open_room(interview_id) {
        Some(room) => room,
        None => {
            // Loaded without holding the map, so one pad's load never holds up the others.
            let (loaded, remote) = load_room(app, interview_id).await?;
            let (room, kept) = rooms.keep(loaded);
            if let (true, Some(remote)) = (kept, remote) {
                tokio::spawn(nodes::take_remote(
                    app.clone(),
                    Arc::downgrade(&room),
                    remote,
                ));
            }
            room
        }
    };
    let previous = room.connections.fetch_add(1, Ordering::AcqRel);
    if previous >= MAX_CONNECTIONS_PER_PAD {
        room.connections.fetch_sub(1, Ordering::AcqRel);
        return Err(PadError::Full);
    }
    let receiver = room.relay.subscribe();
    Ok(PadConnection {
        id: rooms.next_connection.fetch_add(1, Ordering::Relaxed),
        app: app.clone(),
        room,
        receiver,
        author_id: ticket.user_id,
        name: ticket.name.clone(),
        may_edit: ticket.may_edit(),
        budget: MessageBudget::new(app.now_ms()),
        client_id: None,
        received_bytes: 0,
        left: false,
    })
}

/// One WebSocket's session in a pad.
pub struct PadConnection {
    id: u64,
    app: App,
    room: Arc<Room>,
    receiver: broadcast::Receiver<Relay>,
    author_id: i64,
    name: String,
    may_edit: bool,
    budget: MessageBudget,
    /// The awareness client id this connection announced, removed when it leaves.
    client_id: Option<u64>,
    /// Bytes of updates received, stored or not: updates waiting for ones they depend on are
    /// held in memory, so they count against the document's bound too.
    received_bytes: usize,
    left: bool,
}

fn encode(message: &Message) -> Vec<u8> {
    message.encode_v1()
}

impl PadConnection {
    /// The messages a server sends first: its state vector (the client answers with what the
    /// server lacks, such as edits made offline) and everyone's cursors.
    pub async fn greeting(&self) -> Result<Vec<Vec<u8>>, PadError> {
        let state = self.room.state.lock().await;
        let vector = state.awareness.doc().transact().state_vector();
        let mut messages = vec![encode(&Message::Sync(SyncMessage::SyncStep1(vector)))];
        let awareness = state
            .awareness
            .update()
            .map_err(|e| PadError::Malformed(e.to_string()))?;
        if !awareness.clients.is_empty() {
            messages.push(encode(&Message::Awareness(awareness)));
        }
        Ok(messages)
    }

    /// Handles one WebSocket message from the client; returns the replies to send it. An error
    /// ends the connection and leaves the document and the other connections as they were.
    pub async fn receive(&mut self, data: &[u8]) -> Result<Vec<Vec<u8>>, PadError> {
        if !self.budget.take(self.app.now_ms()) {
            return Err(PadError::TooFast);
        }
        let mut decoder = DecoderV1::new(Cursor::new(data));
        let mut messages = Vec::new();
        for message in MessageReader::new(&mut decoder) {
            messages.push(message.map_err(|e| PadError::Malformed(e.to_string()))?);
        }
        if messages.is_empty() {
            return Err(PadError::Malformed("the message is empty".into()));
        }
        let mut replies = Vec::new();
        for message in messages {
            match message {
                Message::Sync(SyncMessage::SyncStep1(vector)) => {
                    replies.push(self.missing_for(&vector).await);
                }
                // A read-only viewer's answer to the greeting carries the whole delete set of its
                // copy, which is no edit: it is not applied.
                Message::Sync(SyncMessage::SyncStep2(_)) if !self.may_edit => {}
                Message::Sync(SyncMessage::SyncStep2(update))
                | Message::Sync(SyncMessage::Update(update)) => {
                    self.apply(&update).await?;
                }
                Message::Awareness(update) => self.awareness(update).await?,
                Message::AwarenessQuery => {
                    let state = self.room.state.lock().await;
                    let update = state
                        .awareness
                        .update()
                        .map_err(|e| PadError::Malformed(e.to_string()))?;
                    replies.push(encode(&Message::Awareness(update)));
                }
                Message::Auth(_) | Message::Custom(..) => {
                    return Err(PadError::Malformed(
                        "only sync and awareness messages are accepted".into(),
                    ))
                }
            }
        }
        Ok(replies)
    }

    async fn missing_for(&self, vector: &StateVector) -> Vec<u8> {
        let state = self.room.state.lock().await;
        let update = state
            .awareness
            .doc()
            .transact()
            .encode_state_as_update_v1(vector);
        encode(&Message::Sync(SyncMessage::SyncStep2(update)))
    }

    /// Applies a client's update; stores and relays what it changed.
    async fn apply(&mut self, data: &[u8]) -> Result<(), PadError> {
        let update = Update::decode_v1(data).map_err(|e| PadError::Malformed(e.to_string()))?;
        if update.is_empty() {
            return Ok(());
        }
        if !self.may_edit {
            return Err(PadError::ReadOnly);
        }
        if self.room.is_broken() {
            return Err(PadError::Reloading);
        }
        self.received_bytes += data.len();
        if self.received_bytes > 2 * MAX_DOCUMENT_BYTES {
            return Err(PadError::TooLarge);
        }
        let mut state = self.room.state.lock().await;
        // Broken up while this waited for the lock: its document must take nothing more.
        if self.room.is_broken() {
            return Err(PadError::Reloading);
        }
        if state.stored_bytes + data.len() > MAX_DOCUMENT_BYTES {
            return Err(PadError::TooLarge);
        }
        let waiting = {
            let mut txn = state.awareness.doc().transact_mut();
            txn.apply_update(update)
                .map_err(|e| PadError::Malformed(e.to_string()))?;
            txn.has_missing_updates()
        };
        if waiting {
            // The update builds on edits the server never received. A Yjs client never sends
            // one (it syncs what the server lacks first); the held-back part would sit in
            // memory unstored, so the room is dropped and everyone syncs again.
            state.take_changes();
            self.room.break_up();
            return Err(PadError::Malformed(
                "an update built on edits the server never received".into(),
            ));
        }
        let changes = state.take_changes();
        for change in changes {
            let stored = self
                .app
                .pad_rooms()
                .store_update(
                    &self.app,
                    self.room.interview_id,
                    self.author_id,
                    change.clone(),
                    self.app.now_ms(),
                )
                .await;
            let id = match stored {
                Ok(id) => id,
                Err(error) => {
                    // The document in memory now holds what the store does not: nobody may go
                    // on from it.
                    self.room.break_up();
                    return Err(error);
                }
            };
            let now_ms = self.app.now_ms();
            state.horizon.learn(now_ms, id);
            state.stored_bytes += change.len();
            state.updates_since_snapshot += 1;
            let bytes = encode(&Message::Sync(SyncMessage::Update(change)));
            // Nobody else connected is not an error.
            let _ = self.room.relay.send(Relay {
                from: self.id,
                bytes: Some(bytes.into()),
            });
        }
        if state.updates_since_snapshot >= UPDATES_PER_SNAPSHOT {
            // The snapshot holds the whole document, which may reach past the horizon: loading
            // applies the updates after the horizon again, and a Yjs update applied twice
            // changes nothing the second time.
            let through = state.horizon.settled(self.app.now_ms());
            if through > state.loaded_after {
                let whole = state
                    .awareness
                    .doc()
                    .transact()
                    .encode_state_as_update_v1(&StateVector::default());
                self.app
                    .store()
                    .save_pad_snapshot(self.room.interview_id, through, &whole, self.app.now())
                    .await?;
                state.loaded_after = through;
                state.updates_since_snapshot = 0;
            }
        }
        Ok(())
    }

    /// Applies a client's awareness update under its own name and relays it.
    ///
    /// A Yjs client announces its own state first, and from then on also re-sends the states it
    /// hears from others (y-websocket's provider forwards every change). So a connection owns
    /// the first client id it announces that nobody else owns; the rest of what it sends about
    /// other ids is ignored, since the server has those states from their owners.
    async fn awareness(&mut self, update: AwarenessUpdate) -> Result<(), PadError> {
        if !self.may_edit {
            // A read-only viewer has no cursor to show.
            return Ok(());
        }
        let mut state = self.room.state.lock().await;
        let mut clients = HashMap::new();
        for (client, mut entry) in update.clients {
            let key = client.get();
            match self.client_id {
                Some(own) if own == key => {}
                None => match state.awareness_owners.get(&key) {
                    Some(&(_, author)) if author != self.author_id => continue,
                    _ => {
                        state
                            .awareness_owners
                            .insert(key, (self.id, self.author_id));
                        self.client_id = Some(key);
                    }
                },
                _ => continue,
            }
            entry.json = self.named(&entry.json)?.into();
            clients.insert(client, entry);
        }
        if clients.is_empty() {
            return Ok(());
        }
        let update = AwarenessUpdate { clients };
        state
            .awareness
            .apply_update(update.clone())
            .map_err(|e| PadError::Malformed(e.to_string()))?;
        self.app.pad_rooms().nodes.announce_cursors(
            &self.app,
            self.room.interview_id,
            self.author_id,
            &update,
        );
        let _ = self.room.relay.send(Relay {
            from: self.id,
            bytes: Some(encode(&Message::Awareness(update)).into()),
        });
        Ok(())
    }

    /// An awareness state with the person's own name in it, whatever the client claimed: the
    /// name beside a cursor is the account's.
    fn named(&self, json: &str) -> Result<String, PadError> {
        let mut value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| PadError::Malformed(format!("an awareness state is not JSON: {e}")))?;
        if let Some(object) = value.as_object_mut() {
            let user = object
                .entry("user")
                .or_insert_with(|| serde_json::json!({}));
            if !user.is_object() {
                *user = serde_json::json!({});
            }
            user["name"] = serde_json::Value::String(self.name.clone());
        }
        Ok(value.to_string())
    }

    /// A message that changes nothing, sent when nothing else was: y-websocket's client
    /// reconnects after 30 seconds without a message, and a viewer alone in a pad (or read-only)
    /// hears nobody else.
    pub fn keepalive() -> Vec<u8> {
        encode(&Message::Awareness(AwarenessUpdate {
            clients: HashMap::new(),
        }))
    }

    /// The next message relayed from another connection. [`PadError::Lagged`] when this
    /// connection fell too far behind.
    pub async fn relayed(&mut self) -> Result<Arc<[u8]>, PadError> {
        loop {
            match self.receiver.recv().await {
                Ok(Relay { bytes: None, .. }) => return Err(PadError::Reloading),
                Ok(relay) if relay.from == self.id => continue,
                Ok(Relay {
                    bytes: Some(bytes), ..
                }) => return Ok(bytes),
                Err(broadcast::error::RecvError::Lagged(_)) => return Err(PadError::Lagged),
                // The room holds the sender as long as this connection holds the room.
                Err(broadcast::error::RecvError::Closed) => return Err(PadError::Lagged),
            }
        }
    }

    /// Leaves the pad: the others see this person's cursors go.
    pub async fn leave(mut self) {
        self.left = true;
        self.room.connections.fetch_sub(1, Ordering::AcqRel);
        let Some(own) = self.client_id else {
            return;
        };
        let client = yrs::block::ClientID::new(own);
        let mut state = self.room.state.lock().await;
        // A newer connection of the same person may have taken the cursor over; it stays.
        if state
            .awareness_owners
            .get(&own)
            .map(|&(connection, _)| connection)
            != Some(self.id)
        {
            return;
        }
        state.awareness.remove_state(client);
        state.awareness_owners.remove(&own);
        if let Ok(gone) = state.awareness.update_with_clients([client]) {
            self.app.pad_rooms().nodes.announce_cursors(
                &self.app,
                self.room.interview_id,
                self.author_id,
                &gone,
            );
            let _ = self.room.relay.send(Relay {
                from: self.id,
                bytes: Some(encode(&Message::Awareness(gone)).into()),
            });
        }
    }
}

impl Drop for PadConnection {
    fn drop(&mut self) {
        // A connection dropped without `leave` (its task panicked or was aborted) still frees
        // its place; its cursor stays until the client's own awareness times out.
        if !self.left {
            self.room.connections.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// A pad's document as the store holds it: its code and the language chosen for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PadDocument {
    pub code: String,
    /// The language's id in the judge's table; [`DEFAULT_LANGUAGE`] until someone picks one.
    pub language: String,
}

/// The pad's document as the store holds it. Every update a client saw is stored before it is
/// relayed, so this is what both people see, short of edits still in flight.
pub async fn document(app: &App, interview_id: i64) -> Result<PadDocument, PadError> {
    use yrs::{GetString, Map};
    let history = app.store().pad_history(interview_id).await?;
    let doc = Doc::new();
    if let Some(snapshot) = history.snapshot {
        apply_stored(&doc, [snapshot.data])?;
    }
    apply_stored(&doc, history.updates.into_iter().map(|u| u.data))?;
    let code = doc.get_or_insert_text(CODE);
    let settings = doc.get_or_insert_map(SETTINGS);
    let txn = doc.transact();
    let language = match settings.get(&txn, LANGUAGE) {
        Some(yrs::Out::Any(yrs::Any::String(id))) => id.to_string(),
        _ => DEFAULT_LANGUAGE.to_owned(),
    };
    Ok(PadDocument {
        code: code.get_string(&txn),
        language,
    })
}

/// The name of the shared text in a pad's document, as the browser's editor binds it.
pub const CODE: &str = "code";

/// The shared map of the pad's settings, and its key for the language's id.
pub const SETTINGS: &str = "pad";
pub const LANGUAGE: &str = "language";

/// The language a new pad starts in.
pub const DEFAULT_LANGUAGE: &str = "python3";

#[cfg(test)]
mod tests {
    use super::Horizon;

    #[test]
    fn on_one_process_the_horizon_is_the_newest_id_learned() {
        let mut horizon = Horizon::new(0, 0);
        horizon.learn(1_000, 5);
        horizon.learn(1_000, 9);
        assert_eq!(horizon.settled(1_000), 9);
    }

    #[test]
    fn across_nodes_an_id_settles_only_after_the_settling_time_and_never_goes_back() {
        let mut horizon = Horizon::new(30_000, 3);
        horizon.learn(1_000, 10);
        horizon.learn(2_000, 20);
        // An older id learned late (another node's, committed after a newer one) changes nothing.
        horizon.learn(2_500, 15);
        assert_eq!(horizon.settled(30_999), 3);
        assert_eq!(horizon.settled(31_000), 10);
        assert_eq!(horizon.settled(40_000), 20);
        horizon.learn(41_000, 12);
        assert_eq!(horizon.settled(100_000), 20);
    }
}
