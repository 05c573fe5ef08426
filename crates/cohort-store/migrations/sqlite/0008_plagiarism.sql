-- Plagiarism detection. Known solutions of a problem (the package's accepted solutions, and any
-- a recruiter adds) are compared with candidates' submissions like another candidate's would be.
CREATE TABLE known_solutions (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    added_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX known_solutions_problem ON known_solutions(problem_id, id);

-- A pair of submissions (or a submission and a known solution) more similar than the threshold.
-- Evidence for a person to look at, never a verdict.
CREATE TABLE plagiarism_flags (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    other_submission_id INTEGER REFERENCES submissions(id),
    known_solution_id INTEGER REFERENCES known_solutions(id),
    similarity REAL NOT NULL,
    created_at INTEGER NOT NULL,
    -- The pair in a fixed order, so that finding it from either side records it once.
    pair_key TEXT NOT NULL UNIQUE
);
CREATE INDEX plagiarism_flags_submission ON plagiarism_flags(submission_id);
CREATE INDEX plagiarism_flags_other ON plagiarism_flags(other_submission_id);
