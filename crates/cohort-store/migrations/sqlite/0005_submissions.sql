-- Code submitted to a problem, and what the judge made of it. A submission is written with its
-- judging job in one transaction; its result is written once, with the job's completion, so a job
-- that runs twice (a worker died, a lease ran out) still leaves one result.
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    problem_id INTEGER NOT NULL REFERENCES problems(id),
    -- Who submitted: a candidate's account, or NULL for staff and benchmark runs.
    author_id INTEGER REFERENCES users(id),
    language TEXT NOT NULL,
    code TEXT NOT NULL,
    -- 'samples' (the sample tests only, to try the code) or 'full' (every test, scored).
    scope TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- The same moment in milliseconds, for the turnaround of its result.
    created_ms INTEGER NOT NULL
);
CREATE INDEX submissions_problem ON submissions(problem_id, id);

CREATE TABLE submission_results (
    submission_id INTEGER PRIMARY KEY REFERENCES submissions(id) ON DELETE CASCADE,
    verdict TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    tests_passed INTEGER NOT NULL,
    tests_total INTEGER NOT NULL,
    -- The judge's report (per-test verdicts, times, memory, feedback) as JSON.
    report TEXT NOT NULL,
    judged_at INTEGER NOT NULL,
    -- Milliseconds from the submission to its result, for the queue's latency figures.
    turnaround_ms INTEGER NOT NULL
);
