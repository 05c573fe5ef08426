-- The school filter moved to the applications row on both databases; on SQLite the FTS5 table's
-- school column still serves text search, so nothing is dropped here.

-- The pipeline is mostly read one stage at a time: with the stage in front of every sort order,
-- a stage's page is read in order from the index instead of filtered out of the whole season.
CREATE INDEX applications_season_stage_name ON applications(season_id, stage, candidate_name);
CREATE INDEX applications_season_stage_school ON applications(season_id, stage, school);
CREATE INDEX applications_season_stage_graduation ON applications(season_id, stage, graduation);
