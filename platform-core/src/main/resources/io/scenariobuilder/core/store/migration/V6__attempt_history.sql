-- Every attempt of a node: number, start and end, error, and the wait before the next one (a JSON array).
ALTER TABLE node_records ADD COLUMN attempt_history TEXT;
