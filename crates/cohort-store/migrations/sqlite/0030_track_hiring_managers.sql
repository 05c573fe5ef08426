-- Interviews, part 2: each track's hiring manager, who votes in the debriefs of the track's
-- loops beside the interviewers; with none set, any hiring manager may vote and none is awaited.
ALTER TABLE tracks ADD COLUMN hiring_manager_id INTEGER REFERENCES users(id);
