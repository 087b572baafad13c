-- W3C trace context: an execution's trace id, its own span and the caller's span (from a traceparent header);
-- the span each log line was written in.
ALTER TABLE executions ADD COLUMN trace_id VARCHAR(32);
ALTER TABLE executions ADD COLUMN span_id VARCHAR(16);
ALTER TABLE executions ADD COLUMN parent_span_id VARCHAR(16);
ALTER TABLE execution_logs ADD COLUMN span_id VARCHAR(16);
