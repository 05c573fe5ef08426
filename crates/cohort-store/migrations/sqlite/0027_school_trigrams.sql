-- PostgreSQL gets a trigram index for the board's school filter here. SQLite reads the one file
-- of the season's applications fast enough without one (the board's p95 is under its target), so
-- this migration only keeps the two databases' numbering the same.
SELECT 1;
