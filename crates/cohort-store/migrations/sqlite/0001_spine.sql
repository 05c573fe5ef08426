-- The spine: accounts, seasons, openings, applications, pipeline audit log, outbox.
-- Times are Unix seconds (UTC) in INTEGER columns so that both backends share one row shape.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    created_at INTEGER NOT NULL
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    roles TEXT NOT NULL,
    invited_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER
);

CREATE TABLE seasons (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    program_start TEXT NOT NULL,
    program_end TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE tracks (
    id INTEGER PRIMARY KEY,
    season_id INTEGER NOT NULL REFERENCES seasons(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (season_id, name)
);

CREATE TABLE locations (
    id INTEGER PRIMARY KEY,
    season_id INTEGER NOT NULL REFERENCES seasons(id) ON DELETE CASCADE,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    UNIQUE (season_id, city, country)
);

CREATE TABLE pay_bands (
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    location_id INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
    monthly_pay_minor INTEGER NOT NULL,
    housing_stipend_minor INTEGER NOT NULL,
    relocation_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    PRIMARY KEY (track_id, location_id)
);

CREATE TABLE openings (
    id INTEGER PRIMARY KEY,
    season_id INTEGER NOT NULL REFERENCES seasons(id) ON DELETE CASCADE,
    track_id INTEGER NOT NULL REFERENCES tracks(id),
    location_id INTEGER NOT NULL REFERENCES locations(id),
    title TEXT NOT NULL,
    headcount INTEGER NOT NULL,
    opens_at INTEGER NOT NULL,
    closes_at INTEGER NOT NULL,
    description_md TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX openings_window ON openings(closes_at, opens_at);

-- Fixed-size and short columns come first and long texts live in application_documents, so
-- that the recruiter board, which scans many applications, reads narrow rows.
CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    season_id INTEGER NOT NULL REFERENCES seasons(id),
    candidate_id INTEGER NOT NULL REFERENCES users(id),
    stage TEXT NOT NULL,
    graduation_year INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    resume_bytes INTEGER NOT NULL,
    -- The tracks and locations of every chosen opening, between commas (",3,7,"), so the board
    -- filters by them without a join per row. Choices never change after submission.
    track_ids TEXT NOT NULL,
    location_ids TEXT NOT NULL,
    -- The candidate's name when they applied, so the board sorts by it through an index.
    candidate_name TEXT NOT NULL,
    school TEXT NOT NULL,
    degree TEXT NOT NULL,
    graduation TEXT NOT NULL,
    languages TEXT NOT NULL,
    links TEXT NOT NULL,
    resume_blob TEXT NOT NULL,
    resume_filename TEXT NOT NULL,
    resume_kind TEXT NOT NULL,
    UNIQUE (season_id, candidate_id)
);
CREATE INDEX applications_season_created ON applications(season_id, created_at);
CREATE INDEX applications_season_stage ON applications(season_id, stage, created_at);
CREATE INDEX applications_candidate ON applications(candidate_id);
-- One index per sort order and per exact filter of the recruiter board.
CREATE INDEX applications_season_name ON applications(season_id, candidate_name);
CREATE INDEX applications_season_school ON applications(season_id, school);
CREATE INDEX applications_season_graduation ON applications(season_id, graduation);
CREATE INDEX applications_season_year ON applications(season_id, graduation_year);

-- Each listed language in lower case, for the board's language filter.
CREATE TABLE application_languages (
    language TEXT NOT NULL,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    PRIMARY KEY (language, application_id)
);

CREATE TABLE application_documents (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    cover_letter TEXT NOT NULL,
    resume_text TEXT NOT NULL
);

CREATE TABLE application_choices (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    opening_id INTEGER NOT NULL REFERENCES openings(id),
    rank INTEGER NOT NULL,
    PRIMARY KEY (application_id, rank),
    UNIQUE (application_id, opening_id)
);
CREATE INDEX application_choices_opening ON application_choices(opening_id, application_id);

-- Full-text search over candidate name, school and résumé text; rowid is the application id.
CREATE VIRTUAL TABLE application_search USING fts5(name, school, resume_text, tokenize = 'unicode61 remove_diacritics 2');

CREATE TABLE stage_transitions (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    reason_code TEXT,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX stage_transitions_application ON stage_transitions(application_id, id);

-- The audit log is append-only: the database itself refuses to change history.
CREATE TRIGGER stage_transitions_no_update BEFORE UPDATE ON stage_transitions
BEGIN SELECT RAISE(ABORT, 'stage_transitions is append-only'); END;
CREATE TRIGGER stage_transitions_no_delete BEFORE DELETE ON stage_transitions
BEGIN SELECT RAISE(ABORT, 'stage_transitions is append-only'); END;

CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    author_id INTEGER NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX notes_application ON notes(application_id, id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    template TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    delivered_at INTEGER,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);
