//! One pad edited through several web nodes, on PostgreSQL.
//!
//! Each node that has someone connected to a pad holds a room for it. The node's writer stores
//! each update and, in the same statement, announces it with `NOTIFY` on [`PAD_CHANNEL`]; every
//! node listens on the channel and hands what concerns its open rooms to each room's inbox,
//! which applies it and relays what it changed to the room's connections. PostgreSQL delivers
//! the announcements of committed transactions only, in the order of their commits, so an
//! update arrives after the ones it builds on. Cursors travel the same way, announced but not
//! stored. SQLite has one process and none of this runs.
//!
//! Nothing depends on an announcement arriving: a room reads the store again when it is loaded,
//! a node whose listener drops breaks up its rooms (their clients reconnect and load them again
//! from the store), and an update applied twice changes nothing the second time. A node that
//! is killed loses only what it had not stored, which its clients still hold and send again to
//! whichever node they reconnect to.

use super::{PadError, Room, OTHER_NODE};
use crate::App;
use cohort_store::interviews::pads::{PadAnnouncement, PAD_CHANNEL, PAD_INSERT_TIMEOUT_MS};
use cohort_store::Backend;
use std::sync::{OnceLock, Weak};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use yrs::sync::{AwarenessUpdate, Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{ReadTxn, Transact, Update};

/// How long after an id is first known every lower id is surely committed: far longer than an
/// insert may hold its ids ([`PAD_INSERT_TIMEOUT_MS`]).
pub(super) const SETTLE_MS: i64 = 6 * PAD_INSERT_TIMEOUT_MS;

/// How long a connection waits for this node to listen before it is refused.
const LISTEN_WAIT: Duration = Duration::from_secs(5);

/// How long the listener waits before it connects again after losing its connection.
const RELISTEN_AFTER: Duration = Duration::from_secs(1);

/// The most cursor announcements waiting to be sent; beyond it, cursor moves are dropped (the
/// next move, or the editor's renewal every 15 seconds, shows the cursor again).
const CURSOR_QUEUE: usize = 4_096;

/// The most announcements one statement sends, or one room applies at a time.
const BATCH: usize = 512;

/// This process among the web nodes.
pub(super) struct Nodes {
    /// Chosen at random when the process starts, so that a node skips its own announcements.
    id: u64,
    /// Whether the listener is connected and listening.
    listening: watch::Sender<bool>,
    listener: OnceLock<()>,
    cursors: OnceLock<mpsc::Sender<String>>,
}

impl Default for Nodes {
    fn default() -> Nodes {
        Nodes {
            id: rand::random(),
            listening: watch::Sender::new(false),
            listener: OnceLock::new(),
            cursors: OnceLock::new(),
        }
    }
}

impl Nodes {
    pub(super) fn id(&self) -> u64 {
        self.id
    }

    /// On PostgreSQL, starts this node's listener on first use and waits until it listens.
    pub(super) async fn listening(&self, app: &App) -> Result<(), PadError> {
        if app.store().backend() != Backend::Postgres {
            return Ok(());
        }
        self.listener.get_or_init(|| {
            tokio::spawn(listen(app.clone()));
        });
        let mut listening = self.listening.subscribe();
        let listens = tokio::time::timeout(LISTEN_WAIT, listening.wait_for(|on| *on))
            .await
            .is_ok_and(|answer| answer.is_ok());
        if listens {
            Ok(())
        } else {
            Err(PadError::Unrelayed)
        }
    }

    /// Announces a change of cursors to the other nodes, on PostgreSQL. Cursors are not
    /// stored, and one lost is shown again at the next move, so a full queue drops it.
    pub(super) fn announce_cursors(
        &self,
        app: &App,
        interview_id: i64,
        author_id: i64,
        update: &AwarenessUpdate,
    ) {
        if app.store().backend() != Backend::Postgres {
            return;
        }
        let Some(payload) =
            PadAnnouncement::cursors_payload(self.id, interview_id, author_id, &update.encode_v1())
        else {
            return;
        };
        let queue = self.cursors.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(CURSOR_QUEUE);
            tokio::spawn(send_cursors(app.store().clone(), receiver));
            sender
        });
        let _ = queue.try_send(payload);
    }
}

/// Sends the cursor announcements waiting, as many to a statement as there are.
async fn send_cursors(store: cohort_store::Store, mut queue: mpsc::Receiver<String>) {
    while let Some(first) = queue.recv().await {
        let batch = super::gather(first, BATCH, || queue.try_recv().ok());
        if let Err(error) = store.announce_pad_cursors(&batch).await {
            tracing::warn!(%error, "announcing pad cursors failed");
        }
    }
}

/// Listens for announcements for as long as the process runs. Whenever the connection is lost,
/// announcements may have been missed: every room is broken up (its clients reconnect, and load
/// it again from the store), and no pad opens until the listener is back.
async fn listen(app: App) {
    let nodes = &app.pad_rooms().nodes;
    loop {
        let error = listen_until_lost(&app).await;
        nodes.listening.send_replace(false);
        app.pad_rooms().break_up_all();
        tracing::warn!(%error, "listening for other nodes' pad updates stopped; listening again");
        tokio::time::sleep(RELISTEN_AFTER).await;
    }
}

async fn listen_until_lost(app: &App) -> sqlx::Error {
    let mut listener = match sqlx::postgres::PgListener::connect(&app.config().database_url).await {
        Ok(listener) => listener,
        Err(error) => return error,
    };
    if let Err(error) = listener.listen(PAD_CHANNEL).await {
        return error;
    }
    let nodes = &app.pad_rooms().nodes;
    nodes.listening.send_replace(true);
    loop {
        // `try_recv` reports a lost connection (as None) instead of reconnecting by itself,
        // which would hide that announcements were missed.
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                let payload = notification.payload();
                // Most of what a node hears is its own; that is skipped before it is decoded.
                if PadAnnouncement::node_of(payload) == Some(nodes.id) {
                    continue;
                }
                let Some(announcement) = PadAnnouncement::parse(payload) else {
                    tracing::warn!(payload, "unknown pad announcement");
                    continue;
                };
                if let Some(room) = app.pad_rooms().open_room(announcement.interview_id()) {
                    if let Some(inbox) = &room.inbox {
                        let _ = inbox.send(announcement);
                    }
                }
            }
            Ok(None) => return sqlx::Error::PoolClosed,
            Err(error) => return error,
        }
    }
}

/// Applies what other nodes announce for one room, in the order announced, until the room is
/// dropped. It first reads the store again: an update committed while the room was loading was
/// announced before the room could hear of it.
pub(super) async fn take_remote(
    app: App,
    room: Weak<Room>,
    mut inbox: mpsc::UnboundedReceiver<PadAnnouncement>,
) {
    if let Some(room) = room.upgrade() {
        let after = room.state.lock().await.loaded_after;
        room.catch_up(&app, after).await;
    }
    while let Some(first) = inbox.recv().await {
        let batch = super::gather(first, BATCH, || inbox.try_recv().ok());
        let Some(room) = room.upgrade() else {
            return;
        };
        room.take(&app, batch).await;
    }
}

impl Room {
    /// Applies every stored update above `after` that the room lacks.
    async fn catch_up(&self, app: &App, after: i64) {
        match app
            .store()
            .pad_updates_after(self.interview_id, after)
            .await
        {
            Ok(rows) => {
                let updates = rows.into_iter().map(|row| (row.id, row.data)).collect();
                self.apply_remote(app, updates).await;
            }
            Err(error) => {
                tracing::error!(%error, "reading a pad's updates failed");
                self.break_up();
            }
        }
    }

    async fn take(&self, app: &App, batch: Vec<PadAnnouncement>) {
        let mut updates = Vec::new();
        let mut cursors = Vec::new();
        for announcement in batch {
            match announcement {
                PadAnnouncement::Update {
                    id,
                    data: Some(data),
                    ..
                } => updates.push((id, data)),
                // Too large to announce: read from the store with whatever came after it.
                PadAnnouncement::Update { id, data: None, .. } => {
                    if !updates.is_empty() {
                        self.apply_remote(app, std::mem::take(&mut updates)).await;
                    }
                    self.catch_up(app, id - 1).await;
                }
                PadAnnouncement::Cursors {
                    author_id, data, ..
                } => cursors.push((author_id, data)),
            }
        }
        if !updates.is_empty() {
            self.apply_remote(app, updates).await;
        }
        for (author_id, data) in cursors {
            self.apply_remote_cursors(author_id, &data).await;
        }
    }

    /// Applies updates another node stored, and relays to this node's connections what they
    /// changed (nothing, for an update the room already holds).
    async fn apply_remote(&self, app: &App, updates: Vec<(i64, Vec<u8>)>) {
        let mut state = self.state.lock().await;
        if self.is_broken() {
            return;
        }
        let now_ms = app.now_ms();
        let waiting = {
            let mut txn = state.awareness.doc().transact_mut();
            for (_, data) in &updates {
                // Every stored update was applied by the node that stored it, so none is
                // malformed; one that is, is skipped rather than breaking the room.
                match Update::decode_v1(data) {
                    Ok(update) => {
                        if let Err(error) = txn.apply_update(update) {
                            tracing::error!(%error, "applying another node's pad update failed");
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "another node's pad update is malformed")
                    }
                }
            }
            txn.has_missing_updates()
        };
        for (id, _) in &updates {
            state.horizon.learn(now_ms, *id);
        }
        let changes = state.take_changes();
        state.updates_since_snapshot += changes.len();
        state.stored_bytes += changes.iter().map(Vec::len).sum::<usize>();
        for change in changes {
            let bytes = Message::Sync(SyncMessage::Update(change)).encode_v1();
            let _ = self.relay.send(super::Relay {
                from: OTHER_NODE,
                bytes: Some(bytes.into()),
            });
        }
        if waiting {
            // An update arrived before one it builds on, which announcements in commit order
            // never do: the room is loaded again from the store.
            drop(state);
            self.break_up();
        }
    }

    /// Shows the cursors of someone connected to another node. A cursor that a connection of
    /// this node owns is its own; another node's word about it is ignored.
    async fn apply_remote_cursors(&self, author_id: i64, data: &[u8]) {
        let Ok(update) = AwarenessUpdate::decode_v1(data) else {
            tracing::error!("another node's pad cursors are malformed");
            return;
        };
        let mut state = self.state.lock().await;
        let mut clients = std::collections::HashMap::new();
        for (client, entry) in update.clients {
            let key = client.get();
            match state.awareness_owners.get(&key) {
                Some(&(connection, _)) if connection != OTHER_NODE => continue,
                _ => {
                    if entry.json.as_ref() == "null" {
                        state.awareness_owners.remove(&key);
                    } else {
                        state.awareness_owners.insert(key, (OTHER_NODE, author_id));
                    }
                }
            }
            clients.insert(client, entry);
        }
        if clients.is_empty() {
            return;
        }
        let update = AwarenessUpdate { clients };
        if state.awareness.apply_update(update.clone()).is_err() {
            return;
        }
        let _ = self.relay.send(super::Relay {
            from: OTHER_NODE,
            bytes: Some(Message::Awareness(update).encode_v1().into()),
        });
    }
}
