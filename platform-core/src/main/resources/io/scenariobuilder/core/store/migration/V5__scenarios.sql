-- Scenarios, every version kept: an update adds a version; executions pin the version they started with.
CREATE TABLE scenarios (
    id         VARCHAR(64) NOT NULL,
    version    INTEGER     NOT NULL,
    document   TEXT        NOT NULL,
    created_at BIGINT      NOT NULL,
    PRIMARY KEY (id, version)
);
