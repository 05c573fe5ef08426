-- An interviewer's calendar, as uploaded (.ics text, at most 1 MB): the planner and the booking
-- page avoid its busy blocks. The text is kept, not the blocks, so that any week can be read
-- from it, recurring events included.
CREATE TABLE interviewer_calendars (
    user_id INTEGER PRIMARY KEY REFERENCES interviewer_profiles(user_id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    ics TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL
);
