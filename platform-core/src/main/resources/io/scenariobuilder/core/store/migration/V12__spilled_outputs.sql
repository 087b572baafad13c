-- Node outputs larger than the inline cap: kept whole here (the node record holds a marked preview), so that a resumed
-- or retried execution feeds later nodes exactly what the node produced. Deleted with their execution.
CREATE TABLE node_output_blobs (
    execution_id VARCHAR(64) NOT NULL,
    node_id      VARCHAR(64) NOT NULL,
    output       TEXT        NOT NULL,
    PRIMARY KEY (execution_id, node_id)
);
