-- Executions, their node records and logs. Portable between SQLite and PostgreSQL: times are epoch
-- milliseconds, JSON documents are text.
CREATE TABLE executions (
    id               VARCHAR(64)  NOT NULL PRIMARY KEY,
    scenario_id      VARCHAR(64)  NOT NULL,
    scenario_version INTEGER      NOT NULL,
    trigger_data     TEXT         NOT NULL,
    status           VARCHAR(16)  NOT NULL,
    start_time       BIGINT       NOT NULL,
    end_time         BIGINT,
    error            TEXT
);
CREATE INDEX executions_by_scenario ON executions (scenario_id, id);
CREATE INDEX executions_by_status ON executions (status);

CREATE TABLE node_records (
    execution_id VARCHAR(64) NOT NULL,
    node_id      VARCHAR(64) NOT NULL,
    position     BIGINT      NOT NULL,
    status       VARCHAR(16) NOT NULL,
    attempts     INTEGER     NOT NULL,
    start_time   BIGINT,
    end_time     BIGINT,
    output       TEXT,
    error        TEXT,
    PRIMARY KEY (execution_id, node_id)
);

CREATE TABLE execution_logs (
    execution_id VARCHAR(64)  NOT NULL,
    seq          BIGINT       NOT NULL,
    ts           BIGINT       NOT NULL,
    level        VARCHAR(16)  NOT NULL,
    category     VARCHAR(16)  NOT NULL,
    scenario_id  VARCHAR(64),
    node_id      VARCHAR(64),
    message      TEXT         NOT NULL,
    PRIMARY KEY (execution_id, seq)
);
