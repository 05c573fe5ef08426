-- Interviews, part 2: case-study interviews. A track's interview in a technical area can carry a
-- case: a prompt the candidate receives some days ahead, and (if the case asks for one) a
-- deliverable they upload before the interview starts.
CREATE TABLE case_studies (
    id INTEGER PRIMARY KEY,
    season_id INTEGER NOT NULL REFERENCES seasons(id),
    track_id INTEGER NOT NULL REFERENCES tracks(id),
    -- The technical area of the loop interview that discusses the case.
    area_id INTEGER NOT NULL REFERENCES competencies(id),
    title TEXT NOT NULL,
    prompt TEXT NOT NULL,
    -- 1 when the candidate uploads a document or slides.
    wants_deliverable INTEGER NOT NULL,
    -- How many days before the interview the candidate receives the prompt.
    days_ahead INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- One case per track and area in a season: the interview it belongs to is never ambiguous.
CREATE UNIQUE INDEX case_studies_one_per_interview ON case_studies(season_id, track_id, area_id);

-- What candidates uploaded, append-only: a new upload is a new row and the latest counts, so an
-- interviewer never finds the file they read replaced behind them without a trace.
CREATE TABLE case_deliverables (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    case_study_id INTEGER NOT NULL REFERENCES case_studies(id),
    blob TEXT NOT NULL,
    filename TEXT NOT NULL,
    -- 'pdf', 'docx' or 'pptx', detected from the content.
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX case_deliverables_application ON case_deliverables(application_id, case_study_id, id);
CREATE TRIGGER case_deliverables_no_update BEFORE UPDATE ON case_deliverables
BEGIN SELECT RAISE(ABORT, 'case_deliverables is append-only'); END;
CREATE TRIGGER case_deliverables_no_delete BEFORE DELETE ON case_deliverables
BEGIN SELECT RAISE(ABORT, 'case_deliverables is append-only'); END;
