-- The outbox of error-scenario notifications: a failed execution's notification is written in the transaction that
-- stores the failure, and deleted once the error scenario's execution is stored; one left here at a start is sent
-- then (at least once, never lost).
CREATE TABLE error_notifications (
    failed_execution_id VARCHAR(64) NOT NULL PRIMARY KEY,
    error_scenario_id   VARCHAR(64) NOT NULL,
    trigger_data        TEXT        NOT NULL,
    trace_id            VARCHAR(32),
    parent_span_id      VARCHAR(16),
    created_at          BIGINT      NOT NULL
);
