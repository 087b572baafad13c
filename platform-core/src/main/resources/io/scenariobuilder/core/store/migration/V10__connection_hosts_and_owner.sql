-- Where a connection's credentials may be sent (a JSON array of host patterns; NULL when none is set), and the API key
-- that created it (an editor changes only its own connections; NULL for connections made before owners were kept).
ALTER TABLE connections ADD COLUMN allowed_hosts TEXT;
ALTER TABLE connections ADD COLUMN created_by VARCHAR(64);
