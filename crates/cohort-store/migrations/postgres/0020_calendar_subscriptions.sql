-- An interviewer's calendar read from its address (Google Calendar's, Outlook's or Apple's
-- secret .ics link) instead of uploaded: a job reads it again every few hours. The calendar it
-- last read is kept in interviewer_calendars as an upload is; a failed read keeps it and says why.
CREATE TABLE calendar_subscriptions (
    user_id BIGINT PRIMARY KEY REFERENCES interviewer_profiles(user_id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    -- When it was last tried, and when last read well.
    tried_at BIGINT,
    read_at BIGINT,
    -- Why the last try failed; NULL when it worked.
    error TEXT
);
