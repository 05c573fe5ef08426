-- Phone screens booked by candidates (the final loop's interviews will share this table): who,
-- when, with whom, and the iCalendar SEQUENCE that grows with every change so that calendars
-- replace the old invitation instead of adding a second one. A booked interview is never
-- deleted; a cancellation keeps the row with its status.
CREATE TABLE interviews (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    -- 'phone_screen'.
    kind TEXT NOT NULL,
    -- Which of the track's phone screens (1 or 2).
    round INTEGER NOT NULL,
    -- NULL once released by the interviewer with nobody free to take it.
    interviewer_id INTEGER REFERENCES users(id),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    -- 'booked' or 'cancelled'.
    status TEXT NOT NULL,
    sequence INTEGER NOT NULL DEFAULT 0,
    -- The zone the candidate booked in: their mail and pages show times in it.
    candidate_time_zone TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- One booked interview per candidate and round: a second tab's booking fails here.
CREATE UNIQUE INDEX interviews_one_booked_round ON interviews(application_id, kind, round) WHERE status = 'booked';
CREATE INDEX interviews_interviewer ON interviews(interviewer_id, starts_at);
CREATE INDEX interviews_application ON interviews(application_id);

-- Who gave an interview up: they said they cannot make its time, so it is never handed back to
-- them when the interviewer who took it over releases it in turn.
CREATE TABLE interview_releases (
    interview_id INTEGER NOT NULL REFERENCES interviews(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    -- The time they gave up, which stays busy for them whatever becomes of the interview.
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    released_at INTEGER NOT NULL,
    PRIMARY KEY (interview_id, user_id)
);

-- An interviewer's calendar expanded into busy blocks when it arrives (recurring events
-- included), so that the booking page reads a few rows per interviewer instead of parsing
-- hundreds of calendars for every visitor.
CREATE TABLE interviewer_busy (
    user_id INTEGER NOT NULL REFERENCES interviewer_profiles(user_id) ON DELETE CASCADE,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL
);
CREATE INDEX interviewer_busy_user ON interviewer_busy(user_id, starts_at);

-- The secret in the URL of an interviewer's private calendar feed; resetting it ends every old link.
ALTER TABLE interviewer_profiles ADD COLUMN feed_secret TEXT;
CREATE UNIQUE INDEX interviewer_profiles_feed_secret ON interviewer_profiles(feed_secret);
