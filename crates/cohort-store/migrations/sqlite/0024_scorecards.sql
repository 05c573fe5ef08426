-- Interviews, part 2: feedback. One scorecard per interview and author: the interviewer's own,
-- counted in the decision, or a shadow's practice feedback, never counted. A draft is saved as
-- its author types and read by nobody else; submitting locks it, and the database refuses any
-- later change (an amendment is a new dated row of `scorecard_amendments`).
CREATE TABLE scorecards (
    id INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    -- 'interviewer' or 'practice'.
    authorship TEXT NOT NULL,
    -- The technical area the scorecard rates, as it was when the scorecard was first saved.
    area_id INTEGER REFERENCES competencies(id),
    technical_notes TEXT NOT NULL DEFAULT '',
    -- 1 to 4.
    technical_rating INTEGER,
    -- 'strong_no_hire', 'no_hire', 'hire' or 'strong_hire'.
    recommendation TEXT,
    summary TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    -- NULL while a draft.
    submitted_at INTEGER
);
CREATE UNIQUE INDEX scorecards_one_per_author ON scorecards(interview_id, author_id);
CREATE INDEX scorecards_application ON scorecards(application_id);
CREATE INDEX scorecards_author ON scorecards(author_id, submitted_at);

-- A principle's example (situation, task, action, result) and rating on a scorecard.
CREATE TABLE scorecard_principles (
    scorecard_id INTEGER NOT NULL REFERENCES scorecards(id),
    competency_id INTEGER NOT NULL REFERENCES competencies(id),
    position INTEGER NOT NULL,
    situation TEXT NOT NULL DEFAULT '',
    task TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    rating INTEGER,
    PRIMARY KEY (scorecard_id, competency_id)
);
CREATE INDEX scorecard_principles_competency ON scorecard_principles(competency_id);

-- What an author added to their submitted scorecard later, dated, beside the original.
CREATE TABLE scorecard_amendments (
    id INTEGER PRIMARY KEY,
    scorecard_id INTEGER NOT NULL REFERENCES scorecards(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX scorecard_amendments_scorecard ON scorecard_amendments(scorecard_id, id);

-- A submitted scorecard is locked: the database itself refuses to change it or its evidence.
CREATE TRIGGER scorecards_locked_update BEFORE UPDATE ON scorecards WHEN OLD.submitted_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a submitted scorecard is locked'); END;
CREATE TRIGGER scorecards_locked_delete BEFORE DELETE ON scorecards WHEN OLD.submitted_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a submitted scorecard is locked'); END;
CREATE TRIGGER scorecard_principles_locked_insert BEFORE INSERT ON scorecard_principles
WHEN (SELECT submitted_at FROM scorecards WHERE id = NEW.scorecard_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a submitted scorecard is locked'); END;
CREATE TRIGGER scorecard_principles_locked_update BEFORE UPDATE ON scorecard_principles
WHEN (SELECT submitted_at FROM scorecards WHERE id = OLD.scorecard_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a submitted scorecard is locked'); END;
CREATE TRIGGER scorecard_principles_locked_delete BEFORE DELETE ON scorecard_principles
WHEN (SELECT submitted_at FROM scorecards WHERE id = OLD.scorecard_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a submitted scorecard is locked'); END;
CREATE TRIGGER scorecard_amendments_no_update BEFORE UPDATE ON scorecard_amendments
BEGIN SELECT RAISE(ABORT, 'scorecard_amendments is append-only'); END;
CREATE TRIGGER scorecard_amendments_no_delete BEFORE DELETE ON scorecard_amendments
BEGIN SELECT RAISE(ABORT, 'scorecard_amendments is append-only'); END;
