-- The school filter now tests the applications row (a.school ILIKE), so the separate school
-- vector and its index are only write cost.
DROP INDEX IF EXISTS application_search_school;
ALTER TABLE application_search DROP COLUMN IF EXISTS school_document;
