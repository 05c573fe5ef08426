-- The live coding pad of an interview: the shared document as the append-only list of the Yjs
-- updates that built it (replayed in order, they give the document at every moment of the
-- interview), snapshots that spare a reload from applying every update again, and the
-- interviewer's private notes, which never travel with the document.
CREATE TABLE pad_updates (
    id INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews(id),
    -- Who sent it: the interviewer or the candidate.
    author_id INTEGER NOT NULL REFERENCES users(id),
    -- A Yjs update, encoded with the v1 encoding.
    data BLOB NOT NULL,
    -- Milliseconds since the Unix epoch, for the replay's timeline.
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX pad_updates_interview ON pad_updates(interview_id, id);
CREATE TRIGGER pad_updates_no_update BEFORE UPDATE ON pad_updates
BEGIN SELECT RAISE(ABORT, 'pad_updates is append-only'); END;
CREATE TRIGGER pad_updates_no_delete BEFORE DELETE ON pad_updates
BEGIN SELECT RAISE(ABORT, 'pad_updates is append-only'); END;

-- The whole document as one update, as it stood after the update `through_update_id`.
CREATE TABLE pad_snapshots (
    interview_id INTEGER PRIMARY KEY REFERENCES interviews(id),
    through_update_id INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

-- Per interviewer: one who takes an interview over never reads the notes of the one before.
CREATE TABLE pad_notes (
    interview_id INTEGER NOT NULL REFERENCES interviews(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (interview_id, author_id)
);
