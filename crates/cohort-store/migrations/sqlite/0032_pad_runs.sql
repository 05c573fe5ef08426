-- "Run" in the live coding pad: the pad's code at that moment, the input the interviewer typed,
-- and what the sandbox made of it. At most one run of a pad is queued at a time.
CREATE TABLE pad_runs (
    id INTEGER PRIMARY KEY,
    interview_id INTEGER NOT NULL REFERENCES interviews(id),
    requested_by INTEGER NOT NULL REFERENCES users(id),
    language TEXT NOT NULL,
    code TEXT NOT NULL,
    input TEXT NOT NULL,
    -- 'queued' until the judge records the result, then 'done'.
    status TEXT NOT NULL,
    -- The judge's account of the run (output, time, memory), as JSON, once done.
    result TEXT,
    created_at_ms INTEGER NOT NULL,
    finished_at_ms INTEGER
);
CREATE UNIQUE INDEX pad_runs_one_at_a_time ON pad_runs(interview_id) WHERE status = 'queued';
CREATE INDEX pad_runs_interview ON pad_runs(interview_id, id);
