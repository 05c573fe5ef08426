-- Interviews, part 2: "more information needed" leads to follow-up interviews, and the debrief
-- that reopens when their feedback is in is a new round with its own votes and reveal.

-- What a follow-up interview assesses: it fills no seat of the loop template, so its
-- principles and technical area are recorded here, with who asked for it and why.
CREATE TABLE follow_up_interviews (
    interview_id BIGINT PRIMARY KEY REFERENCES interviews(id),
    -- The technical area, if any.
    area_id BIGINT REFERENCES competencies(id),
    -- Competency ids separated by commas.
    principles TEXT NOT NULL,
    -- What the panel wants to learn, shown to the interviewer in the kit.
    brief TEXT NOT NULL,
    -- The debrief round its feedback opens: the one after the "more information" decision that
    -- asked for it.
    debrief_round BIGINT NOT NULL,
    requested_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);

-- The round a debrief is in: 1, raised by each "more information" decision. Votes, reveals
-- and decisions carry the round they belong to, so earlier rounds stay as they were.
ALTER TABLE debriefs ADD COLUMN round BIGINT NOT NULL DEFAULT 1;
ALTER TABLE debrief_votes ADD COLUMN round BIGINT NOT NULL DEFAULT 1;
ALTER TABLE debrief_decisions ADD COLUMN round BIGINT NOT NULL DEFAULT 1;
-- Debriefs decided "more information" before rounds existed are in the round after each such
-- decision; their votes and decisions are numbered by the decisions before them. The history
-- tables are append-only, so their guards step aside for this one renumbering.
UPDATE debriefs SET round = 1 + (SELECT COUNT(*) FROM debrief_decisions x
    WHERE x.debrief_id = debriefs.id AND x.decision = 'more_information');
ALTER TABLE debrief_votes DISABLE TRIGGER debrief_votes_append_only;
ALTER TABLE debrief_decisions DISABLE TRIGGER debrief_decisions_append_only;
UPDATE debrief_votes v SET round = 1 + (SELECT COUNT(*) FROM debrief_decisions x
    WHERE x.debrief_id = v.debrief_id AND x.decision = 'more_information'
    AND x.decided_at <= v.cast_at);
UPDATE debrief_decisions d SET round = 1 + (SELECT COUNT(*) FROM debrief_decisions x
    WHERE x.debrief_id = d.debrief_id AND x.decision = 'more_information'
    AND x.id < d.id);
ALTER TABLE debrief_votes ENABLE TRIGGER debrief_votes_append_only;
ALTER TABLE debrief_decisions ENABLE TRIGGER debrief_decisions_append_only;
DROP INDEX debrief_votes_one_before_reveal;
-- One vote per participant and round before the reveal: a second tab's vote fails here.
CREATE UNIQUE INDEX debrief_votes_one_before_reveal ON debrief_votes(debrief_id, round, voter_id) WHERE after_reveal = 0;

-- Early reveals by the bar raiser, one per round, append-only. They replace
-- `debriefs.revealed_at` and `revealed_by`, which are no longer written (kept so that both
-- databases have the same columns).
CREATE TABLE debrief_reveals (
    debrief_id BIGINT NOT NULL REFERENCES debriefs(id),
    round BIGINT NOT NULL,
    revealed_by BIGINT NOT NULL REFERENCES users(id),
    revealed_at BIGINT NOT NULL,
    PRIMARY KEY (debrief_id, round)
);
INSERT INTO debrief_reveals (debrief_id, round, revealed_by, revealed_at)
SELECT id, 1 + (SELECT COUNT(*) FROM debrief_decisions x WHERE x.debrief_id = debriefs.id
    AND x.decision = 'more_information' AND x.decided_at <= debriefs.revealed_at),
    revealed_by, revealed_at FROM debriefs WHERE revealed_at IS NOT NULL AND revealed_by IS NOT NULL;
CREATE TRIGGER debrief_reveals_append_only BEFORE UPDATE OR DELETE ON debrief_reveals
FOR EACH ROW EXECUTE FUNCTION refuse_debrief_history_change();
