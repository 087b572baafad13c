-- A command (pause, resume, cancel) sent through one server of a cluster for an execution another server runs. The
-- row is the truth: the owner is told by NOTIFY and also reads its rows every second, so a lost notification only
-- delays the command. The owner writes the answer back (done_at, result or error), which the sender waits for.
CREATE TABLE execution_commands (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    execution_id VARCHAR(64)  NOT NULL,
    owner        VARCHAR(64)  NOT NULL,
    command      VARCHAR(16)  NOT NULL,
    requested_at BIGINT       NOT NULL,
    done_at      BIGINT,
    result       VARCHAR(16),
    error        TEXT
);
CREATE INDEX execution_commands_by_owner ON execution_commands (owner, done_at);
