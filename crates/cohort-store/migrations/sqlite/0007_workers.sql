-- Workers announce themselves while they run, so administrators (and /metrics) can see how many
-- are judging. A worker that stops cleanly removes its row; a crashed one goes stale.
CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    host TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL
);
