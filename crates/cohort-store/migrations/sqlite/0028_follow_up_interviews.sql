-- Interviews, part 2: "more information needed" leads to follow-up interviews, and the debrief
-- that reopens when their feedback is in is a new round with its own votes and reveal.

-- What a follow-up interview assesses: it fills no seat of the loop template, so its
-- principles and technical area are recorded here, with who asked for it and why.
CREATE TABLE follow_up_interviews (
    interview_id INTEGER PRIMARY KEY REFERENCES interviews(id),
    -- The technical area, if any.
    area_id INTEGER REFERENCES competencies(id),
    -- Competency ids separated by commas.
    principles TEXT NOT NULL,
    -- What the panel wants to learn, shown to the interviewer in the kit.
    brief TEXT NOT NULL,
    -- The debrief round its feedback opens: the one after the "more information" decision that
    -- asked for it.
    debrief_round INTEGER NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);

-- The round a debrief is in: 1, raised by each "more information" decision. Votes, reveals
-- and decisions carry the round they belong to, so earlier rounds stay as they were.
ALTER TABLE debriefs ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE debrief_votes ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
ALTER TABLE debrief_decisions ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
-- Debriefs decided "more information" before rounds existed are in the round after each such
-- decision; their votes and decisions are numbered by the decisions before them. The history
-- tables are append-only, so their guards step aside for this one renumbering.
UPDATE debriefs SET round = 1 + (SELECT COUNT(*) FROM debrief_decisions x
    WHERE x.debrief_id = debriefs.id AND x.decision = 'more_information');
DROP TRIGGER debrief_votes_no_update;
DROP TRIGGER debrief_decisions_no_update;
UPDATE debrief_votes SET round = 1 + (SELECT COUNT(*) FROM debrief_decisions x
    WHERE x.debrief_id = debrief_votes.debrief_id AND x.decision = 'more_information'
    AND x.decided_at <= debrief_votes.cast_at);
UPDATE debrief_decisions SET round = 1 + (SELECT COUNT(*) FROM debrief_decisions x
    WHERE x.debrief_id = debrief_decisions.debrief_id AND x.decision = 'more_information'
    AND x.id < debrief_decisions.id);
CREATE TRIGGER debrief_votes_no_update BEFORE UPDATE ON debrief_votes
BEGIN SELECT RAISE(ABORT, 'debrief_votes is append-only'); END;
CREATE TRIGGER debrief_decisions_no_update BEFORE UPDATE ON debrief_decisions
BEGIN SELECT RAISE(ABORT, 'debrief_decisions is append-only'); END;
DROP INDEX debrief_votes_one_before_reveal;
-- One vote per participant and round before the reveal: a second tab's vote fails here.
CREATE UNIQUE INDEX debrief_votes_one_before_reveal ON debrief_votes(debrief_id, round, voter_id) WHERE after_reveal = 0;

-- Early reveals by the bar raiser, one per round, append-only. They replace
-- `debriefs.revealed_at` and `revealed_by`, which are no longer written (SQLite cannot drop a
-- column that a foreign key names).
CREATE TABLE debrief_reveals (
    debrief_id INTEGER NOT NULL REFERENCES debriefs(id),
    round INTEGER NOT NULL,
    revealed_by INTEGER NOT NULL REFERENCES users(id),
    revealed_at INTEGER NOT NULL,
    PRIMARY KEY (debrief_id, round)
);
INSERT INTO debrief_reveals (debrief_id, round, revealed_by, revealed_at)
SELECT id, 1 + (SELECT COUNT(*) FROM debrief_decisions x WHERE x.debrief_id = debriefs.id
    AND x.decision = 'more_information' AND x.decided_at <= debriefs.revealed_at),
    revealed_by, revealed_at FROM debriefs WHERE revealed_at IS NOT NULL AND revealed_by IS NOT NULL;
CREATE TRIGGER debrief_reveals_no_update BEFORE UPDATE ON debrief_reveals
BEGIN SELECT RAISE(ABORT, 'debrief_reveals is append-only'); END;
CREATE TRIGGER debrief_reveals_no_delete BEFORE DELETE ON debrief_reveals
BEGIN SELECT RAISE(ABORT, 'debrief_reveals is append-only'); END;
