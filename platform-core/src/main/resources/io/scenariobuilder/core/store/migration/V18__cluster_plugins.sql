-- The plugins uploaded through the API of a server of a cluster, kept in the database so that every server installs
-- them (and removes them: a removed plugin stays as a row without its JAR, so that a server that missed the removal
-- still learns of it). The JAR is base64 text, which both SQLite and PostgreSQL keep as it is. Unused on one server.
CREATE TABLE cluster_plugins (
    id         VARCHAR(64)  NOT NULL PRIMARY KEY,
    version    VARCHAR(64)  NOT NULL,
    sha256     VARCHAR(64),
    jar        TEXT,
    updated_at BIGINT       NOT NULL
);
