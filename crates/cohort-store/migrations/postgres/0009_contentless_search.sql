-- SQLite's search index changed to keep no copy of the texts and no word positions (see the
-- SQLite migration of the same number). PostgreSQL's tsvector index stores neither already; this
-- file keeps the two migration folders numbered alike.
SELECT 1;
