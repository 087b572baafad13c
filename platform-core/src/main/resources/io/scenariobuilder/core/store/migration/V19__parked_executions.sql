-- In a cluster, an execution whose only work left is retries due later leaves its server: it is stored without an owner
-- and with the time of its first retry, and any server with room claims it from that time on (issue 16).
ALTER TABLE executions ADD COLUMN parked_until BIGINT;
