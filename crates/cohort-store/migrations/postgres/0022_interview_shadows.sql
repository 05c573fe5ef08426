-- A trainee's schedule and calendar feed list the loop interviews they shadow beside their own
-- (`interviewer_id = ? OR shadow_id = ?`); without this index the second half reads every
-- interview. Most interviews have no shadow, so only those that do are indexed.
CREATE INDEX interviews_shadow ON interviews(shadow_id, starts_at) WHERE shadow_id IS NOT NULL;
