-- The plugins installed in the platform (their JARs live in the plugins folder): what was running, for audit and
-- to notice a JAR that disappeared.
CREATE TABLE installed_plugins (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    version      VARCHAR(64)  NOT NULL,
    sha256       VARCHAR(64)  NOT NULL,
    source       TEXT         NOT NULL,
    integrations TEXT         NOT NULL,
    installed_at BIGINT       NOT NULL
);
