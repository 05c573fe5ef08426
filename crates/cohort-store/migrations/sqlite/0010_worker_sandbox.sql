-- How each judge worker's sandbox enforces limits ("control groups (v1)", or the degraded
-- "resource limits only"), so administrators see a worker that cannot judge correctly.
ALTER TABLE workers ADD COLUMN sandbox TEXT NOT NULL DEFAULT '';
