-- Sign-in throttling as counters updated by one atomic upsert per key (an account at an address,
-- or an address), so that parallel attempts cannot all read a count before any is recorded.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts BIGINT NOT NULL
);
DROP TABLE login_failures;
