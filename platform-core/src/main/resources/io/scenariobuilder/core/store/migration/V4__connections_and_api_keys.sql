-- Connections (credentials sealed with AES-GCM by the platform's master key) and API keys (SHA-256 hashes only).
CREATE TABLE connections (
    id             VARCHAR(64)  NOT NULL PRIMARY KEY,
    integration_id VARCHAR(64)  NOT NULL,
    name           VARCHAR(200) NOT NULL,
    credentials    TEXT         NOT NULL,
    created_at     BIGINT       NOT NULL,
    updated_at     BIGINT       NOT NULL
);

CREATE TABLE api_keys (
    id         VARCHAR(64)  NOT NULL PRIMARY KEY,
    name       VARCHAR(200) NOT NULL,
    role       VARCHAR(16)  NOT NULL,
    key_hash   VARCHAR(64)  NOT NULL UNIQUE,
    created_at BIGINT       NOT NULL
);
