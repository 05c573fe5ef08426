-- Interviewers' profiles: time zone, meeting link, caps, working hours, time off, the tracks
-- they serve, whether they are a bar raiser, and their training in each competency.
CREATE TABLE interviewer_profiles (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    time_zone TEXT NOT NULL,
    meeting_link TEXT,
    daily_cap BIGINT NOT NULL,
    weekly_cap BIGINT NOT NULL,
    -- 1 for a bar raiser, who sits on loops outside their team and signs off trainees.
    bar_raiser BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

-- Working hours per weekday (0 = Monday), in minutes after local midnight.
CREATE TABLE interviewer_hours (
    user_id BIGINT NOT NULL REFERENCES interviewer_profiles(user_id) ON DELETE CASCADE,
    weekday BIGINT NOT NULL,
    start_minute BIGINT NOT NULL,
    end_minute BIGINT NOT NULL,
    PRIMARY KEY (user_id, weekday)
);

CREATE TABLE interviewer_time_off (
    user_id BIGINT NOT NULL REFERENCES interviewer_profiles(user_id) ON DELETE CASCADE,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    PRIMARY KEY (user_id, first_day)
);

-- Tracks by name, so that a profile outlives a season (each season has its own track rows).
CREATE TABLE interviewer_tracks (
    user_id BIGINT NOT NULL REFERENCES interviewer_profiles(user_id) ON DELETE CASCADE,
    track_name TEXT NOT NULL,
    PRIMARY KEY (user_id, track_name)
);

CREATE TABLE interviewer_competencies (
    user_id BIGINT NOT NULL REFERENCES interviewer_profiles(user_id) ON DELETE CASCADE,
    competency_id BIGINT NOT NULL REFERENCES competencies(id),
    -- 'trainee', 'shadowing', 'reverse_shadowing' or 'qualified'.
    state TEXT NOT NULL,
    shadows BIGINT NOT NULL DEFAULT 0,
    reverse_shadows BIGINT NOT NULL DEFAULT 0,
    signed_off_by BIGINT REFERENCES users(id),
    signed_off_at BIGINT,
    PRIMARY KEY (user_id, competency_id)
);
CREATE INDEX interviewer_competencies_competency ON interviewer_competencies(competency_id);
