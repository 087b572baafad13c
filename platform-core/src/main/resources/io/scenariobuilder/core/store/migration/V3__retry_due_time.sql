-- When a node waiting for a retry makes its next attempt, so a restart keeps the schedule.
ALTER TABLE node_records ADD COLUMN next_attempt_at BIGINT;
