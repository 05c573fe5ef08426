-- The share of an assessment's points a candidate earned, written when the session is decided,
-- so the recruiter board can show it and sort by it.
ALTER TABLE applications ADD COLUMN assessment_percent DOUBLE PRECISION;
CREATE INDEX applications_season_score ON applications(season_id, assessment_percent);
