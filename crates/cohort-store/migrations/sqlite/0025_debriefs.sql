-- Interviews, part 2: the debrief of a final loop. Whether the bar raiser's no-hire vote vetoes
-- a hire is the season's setting (on, as in the program modelled).
ALTER TABLE seasons ADD COLUMN bar_raiser_veto INTEGER NOT NULL DEFAULT 1;

-- One debrief per application, made when the first participant acts on it.
CREATE TABLE debriefs (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id),
    -- Set when the bar raiser reveals the votes before all are in.
    revealed_at INTEGER,
    revealed_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);

-- Written votes, append-only: a vote changed after the reveal is a new row, so the votes before
-- and after the reveal both stay.
CREATE TABLE debrief_votes (
    id INTEGER PRIMARY KEY,
    debrief_id INTEGER NOT NULL REFERENCES debriefs(id),
    voter_id INTEGER NOT NULL REFERENCES users(id),
    -- 'hire' or 'no_hire'.
    vote TEXT NOT NULL,
    sentence TEXT NOT NULL,
    -- 1 for a vote cast after the votes were revealed.
    after_reveal INTEGER NOT NULL,
    cast_at INTEGER NOT NULL
);
CREATE INDEX debrief_votes_debrief ON debrief_votes(debrief_id, id);
-- One vote per participant before the reveal: a second tab's vote fails here.
CREATE UNIQUE INDEX debrief_votes_one_before_reveal ON debrief_votes(debrief_id, voter_id) WHERE after_reveal = 0;

-- Discussion notes, append-only.
CREATE TABLE debrief_notes (
    id INTEGER PRIMARY KEY,
    debrief_id INTEGER NOT NULL REFERENCES debriefs(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX debrief_notes_debrief ON debrief_notes(debrief_id, id);

-- Decisions, append-only: 'hire', 'no_hire' (with the rejection's reason code) or
-- 'more_information', who decided and when.
CREATE TABLE debrief_decisions (
    id INTEGER PRIMARY KEY,
    debrief_id INTEGER NOT NULL REFERENCES debriefs(id),
    decision TEXT NOT NULL,
    reason_code TEXT,
    note TEXT NOT NULL,
    decided_by INTEGER NOT NULL REFERENCES users(id),
    decided_at INTEGER NOT NULL
);
CREATE INDEX debrief_decisions_debrief ON debrief_decisions(debrief_id, id);

CREATE TRIGGER debrief_votes_no_update BEFORE UPDATE ON debrief_votes
BEGIN SELECT RAISE(ABORT, 'debrief_votes is append-only'); END;
CREATE TRIGGER debrief_votes_no_delete BEFORE DELETE ON debrief_votes
BEGIN SELECT RAISE(ABORT, 'debrief_votes is append-only'); END;
CREATE TRIGGER debrief_notes_no_update BEFORE UPDATE ON debrief_notes
BEGIN SELECT RAISE(ABORT, 'debrief_notes is append-only'); END;
CREATE TRIGGER debrief_notes_no_delete BEFORE DELETE ON debrief_notes
BEGIN SELECT RAISE(ABORT, 'debrief_notes is append-only'); END;
CREATE TRIGGER debrief_decisions_no_update BEFORE UPDATE ON debrief_decisions
BEGIN SELECT RAISE(ABORT, 'debrief_decisions is append-only'); END;
CREATE TRIGGER debrief_decisions_no_delete BEFORE DELETE ON debrief_decisions
BEGIN SELECT RAISE(ABORT, 'debrief_decisions is append-only'); END;
