-- Several servers on one PostgreSQL (issue 16). Each server is a row of instances, its heartbeat renewed on the
-- database's clock; an execution names the server running it (owner). When an owner's heartbeat is older than the
-- lease, or its row is gone (it left cleanly), another server claims its unfinished executions and resumes them.
-- On SQLite (one server) the table stays empty and owner stays NULL.
CREATE TABLE instances (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    name         VARCHAR(255) NOT NULL,
    started_at   BIGINT       NOT NULL,
    heartbeat_at BIGINT       NOT NULL
);
ALTER TABLE executions ADD COLUMN owner VARCHAR(64);
