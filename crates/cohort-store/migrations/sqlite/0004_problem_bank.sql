-- The problem bank of the online assessment, and assessment templates per track.
-- A problem is a Kattis package kept as a zip in the blob store (every judge machine fetches it
-- from there); it can be used only once the judge has verified it.
CREATE TABLE problems (
    id INTEGER PRIMARY KEY,
    -- The package's folder name, for people ("buildqueue").
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    package_blob TEXT NOT NULL UNIQUE,
    package_bytes INTEGER NOT NULL,
    built_in INTEGER NOT NULL,
    -- 'pending' until the judge has run the package's own submissions, then 'verified' or
    -- 'refused' with the reason in status_detail.
    status TEXT NOT NULL,
    status_detail TEXT NOT NULL,
    statement TEXT NOT NULL,
    time_limit_ms INTEGER NOT NULL,
    memory_mib INTEGER NOT NULL,
    test_count INTEGER NOT NULL,
    -- 1 when tests carry partial scores (a Kattis scoring problem); 0 when only Accepted counts.
    scoring INTEGER NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    verified_at INTEGER
);
CREATE INDEX problems_slug ON problems(slug, id);

-- The sample tests shown with the statement (the hidden tests stay in the package only).
CREATE TABLE problem_samples (
    problem_id INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    input TEXT NOT NULL,
    answer TEXT NOT NULL,
    PRIMARY KEY (problem_id, position)
);

-- Code a candidate starts from, per language (`starter/` in the package).
CREATE TABLE problem_starters (
    problem_id INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (problem_id, language)
);

CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    season_id INTEGER NOT NULL REFERENCES seasons(id) ON DELETE CASCADE,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    duration_minutes INTEGER NOT NULL,
    -- Language ids between commas (",cpp,java,python3,").
    languages TEXT NOT NULL,
    passing_percent INTEGER NOT NULL,
    start_within_days INTEGER NOT NULL,
    -- 'best' or 'last' submission per problem.
    counts TEXT NOT NULL,
    -- 'automatic' (a passing candidate moves to Phone screen) or 'recruiter'.
    advance TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (season_id, track_id)
);

CREATE TABLE assessment_problems (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    points INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, position)
);
