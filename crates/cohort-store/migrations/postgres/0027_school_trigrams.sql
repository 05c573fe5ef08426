-- The board's school filter is `school ILIKE '%word%'` per word, which no b-tree index serves:
-- counting a filtered total (up to 250) walked the season's applications, about 140 ms on a
-- season of 100,000 with the school, language and year filters together. A trigram index lets
-- PostgreSQL find the matching schools first (44 ms on the same query). pg_trgm ships with
-- PostgreSQL and is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX applications_school_trgm ON applications USING gin (school gin_trgm_ops);
