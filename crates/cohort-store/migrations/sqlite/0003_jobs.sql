-- Typed background jobs. A job is written in the same transaction as its cause and run later by a
-- worker that claims it under a lease; a finished job is deleted (its effect is the record).
-- `job_key` names what the job is about, so enqueueing the same work twice keeps one row; enqueueing
-- it again while a worker holds it bumps `version`, and the worker then leaves the row to run again.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    job_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    run_after INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX jobs_due ON jobs(kind, run_after, id);
