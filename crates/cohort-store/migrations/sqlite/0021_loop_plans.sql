-- A week of final loops as a coordinator plans it: the engine's instance as it was built from
-- the database, the schedule the engine found (then edited by the coordinator), its bound and
-- the progress of the run. A plan is a draft until published; only publishing writes its loops
-- into `interviews`, so that no candidate or interviewer ever sees a draft.
CREATE TABLE loop_plans (
    id INTEGER PRIMARY KEY,
    season_id INTEGER NOT NULL REFERENCES seasons(id),
    -- The week's days, as ISO dates separated by commas.
    days TEXT NOT NULL,
    -- 'solving', 'draft', 'published' or 'failed'.
    status TEXT NOT NULL,
    -- How long the engine may run.
    seconds INTEGER NOT NULL,
    -- Candidates scheduled so far (while solving) or in the schedule (after).
    scheduled INTEGER NOT NULL DEFAULT 0,
    -- Candidates the instance holds.
    candidates INTEGER NOT NULL DEFAULT 0,
    -- At most this many can have a loop, and why.
    bound INTEGER,
    bound_argument TEXT,
    -- The engine's instance, schedule, and the candidates left out before it ran, as JSON.
    instance TEXT NOT NULL,
    schedule TEXT,
    left_out TEXT NOT NULL,
    -- Why the run failed, for a failed plan.
    error TEXT,
    -- Raised by every edit, so that an edit made on an old page is refused.
    revision INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    published_at INTEGER
);
CREATE INDEX loop_plans_season ON loop_plans(season_id, created_at);

-- A final loop's interviews are rows of `interviews` (kind 'final_loop', round = the seat),
-- tied to the plan that published them, with the shadow who sits in, if any.
ALTER TABLE interviews ADD COLUMN plan_id INTEGER REFERENCES loop_plans(id);
ALTER TABLE interviews ADD COLUMN shadow_id INTEGER REFERENCES users(id);
-- What a loop interview assesses (its technical area, or the bar raiser's seat), for its interviewer.
ALTER TABLE interviews ADD COLUMN focus TEXT;
