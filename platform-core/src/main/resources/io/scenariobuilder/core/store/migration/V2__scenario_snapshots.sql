-- The scenario each execution runs, kept once per distinct document, so unfinished executions can be resumed.
CREATE TABLE scenario_snapshots (
    hash     VARCHAR(64) NOT NULL PRIMARY KEY,
    document TEXT        NOT NULL
);
ALTER TABLE executions ADD COLUMN scenario_hash VARCHAR(64);
