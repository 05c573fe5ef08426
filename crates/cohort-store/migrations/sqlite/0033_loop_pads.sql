-- The live coding pad in final loops: a loop interview has a pad when its seat in the track's
-- loop template says so (phone screens always have one). Existing seats have none.
ALTER TABLE loop_template_interviews ADD COLUMN coding_pad INTEGER NOT NULL DEFAULT 0;
