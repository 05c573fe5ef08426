-- A candidate's invitation to an online assessment and the session it becomes once started.
-- The clock is the server's: the session ends at ends_at whatever the browser thinks.
CREATE TABLE assessment_invitations (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    invited_at INTEGER NOT NULL,
    -- The candidate must start before this moment.
    start_by INTEGER NOT NULL,
    started_at INTEGER,
    ends_at INTEGER,
    finished_at INTEGER,
    -- When the advance rule was applied to the finished, fully judged session.
    decided_at INTEGER,
    -- The browser tab that holds the session: saves from any other tab are refused, so two tabs
    -- never overwrite each other's code. Opening the session page again takes it over.
    active_tab TEXT,
    UNIQUE (application_id, assessment_id)
);

-- The code in the editor, per problem, saved every few seconds and on every run.
CREATE TABLE assessment_drafts (
    invitation_id INTEGER NOT NULL REFERENCES assessment_invitations(id) ON DELETE CASCADE,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    language TEXT NOT NULL,
    code TEXT NOT NULL,
    saved_at INTEGER NOT NULL,
    PRIMARY KEY (invitation_id, problem_id)
);

ALTER TABLE submissions ADD COLUMN invitation_id INTEGER REFERENCES assessment_invitations(id);
CREATE INDEX submissions_invitation ON submissions(invitation_id, problem_id, id);

-- Integrity signals, recorded and shown to recruiters, never acted on: pastes (with their size)
-- and the candidate leaving or coming back to the page.
CREATE TABLE integrity_events (
    id INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES assessment_invitations(id) ON DELETE CASCADE,
    problem_id INTEGER,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX integrity_events_invitation ON integrity_events(invitation_id, id);

-- The code of a problem each time it was saved with a change: the replay of how it was written.
CREATE TABLE code_snapshots (
    id INTEGER PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES assessment_invitations(id) ON DELETE CASCADE,
    problem_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    code TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX code_snapshots_session ON code_snapshots(invitation_id, problem_id, id);
