-- Onboarding: each track's checklist template, each intern's tasks, and orientation sessions.

-- A track's checklist template, in order. A track without a saved template uses the default.
CREATE TABLE onboarding_template_tasks (
    id INTEGER PRIMARY KEY,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- 'intern', 'manager', 'it' or 'recruiting'.
    owner TEXT NOT NULL,
    -- 'form', 'upload', 'training' or 'link'.
    kind TEXT NOT NULL,
    -- Days from the start date; negative before it.
    due_offset_days INTEGER NOT NULL,
    link TEXT NOT NULL
);
CREATE INDEX onboarding_template_tasks_track ON onboarding_template_tasks(track_id, position);
-- Set once a track's template has been saved, so that an emptied template is not the default.
CREATE TABLE onboarding_templates_saved (
    track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE
);

-- An intern's tasks, copied from the template when they accepted, with real due dates.
CREATE TABLE onboarding_tasks (
    id INTEGER PRIMARY KEY,
    offer_id INTEGER NOT NULL REFERENCES offers(id),
    intern_id INTEGER NOT NULL REFERENCES users(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    owner TEXT NOT NULL,
    kind TEXT NOT NULL,
    link TEXT NOT NULL,
    due_date TEXT NOT NULL,
    done_at INTEGER,
    done_by INTEGER REFERENCES users(id),
    -- A form's answer; an upload's blob and file name.
    answer TEXT,
    blob TEXT,
    filename TEXT
);
CREATE INDEX onboarding_tasks_offer ON onboarding_tasks(offer_id, position);
CREATE INDEX onboarding_tasks_intern ON onboarding_tasks(intern_id, position);

-- Orientation sessions, each for the interns starting on one day, sent as calendar invitations.
CREATE TABLE orientation_sessions (
    id INTEGER PRIMARY KEY,
    season_id INTEGER NOT NULL REFERENCES seasons(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    location TEXT NOT NULL,
    -- The first day of the interns it is for.
    start_date TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX orientation_sessions_start ON orientation_sessions(season_id, start_date, starts_at);

-- Provisioning lists accepted interns, by account.
CREATE INDEX offers_state ON offers(state, id);
