-- The school filter now tests the applications row (a.school ILIKE), so the separate school
-- vector and its index are only write cost.
DROP INDEX IF EXISTS application_search_school;
ALTER TABLE application_search DROP COLUMN IF EXISTS school_document;

-- The pipeline is mostly read one stage at a time: with the stage in front of every sort order,
-- a stage's page is read in order from the index instead of filtered out of the whole season.
CREATE INDEX applications_season_stage_name ON applications(season_id, stage, candidate_name);
CREATE INDEX applications_season_stage_school ON applications(season_id, stage, school);
CREATE INDEX applications_season_stage_graduation ON applications(season_id, stage, graduation);

-- Sort indexes end with the id (the tie-break of every board order), so the page's ids can be
-- read from the index alone and filters in other tables probed by id without visiting the table
-- (SQLite's indexes carry the row id already).
DROP INDEX IF EXISTS applications_season_created;
DROP INDEX IF EXISTS applications_season_name;
DROP INDEX IF EXISTS applications_season_school;
DROP INDEX IF EXISTS applications_season_graduation;
CREATE INDEX applications_season_created ON applications(season_id, created_at, id);
CREATE INDEX applications_season_name ON applications(season_id, candidate_name, id);
CREATE INDEX applications_season_school ON applications(season_id, school, id);
CREATE INDEX applications_season_graduation ON applications(season_id, graduation, id);
