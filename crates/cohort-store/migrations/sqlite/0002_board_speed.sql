-- Nothing changes on SQLite: the school filter moved to the applications row on both databases,
-- and the FTS5 table's school column still serves text search. This file keeps the two
-- migration histories numbered alike.
SELECT 1;
