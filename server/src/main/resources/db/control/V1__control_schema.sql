-- Cairn's control database: what it manages, shared by every Cairn instance.

CREATE TABLE platforms (
    name        text PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Every bundle a platform stored, per schema name. version counts up per (platform, schema_name);
-- checksum is the SHA-256 of the normalized SQL, so reformatting is not a new version.
CREATE TABLE schema_versions (
    id              bigserial PRIMARY KEY,
    platform        text NOT NULL REFERENCES platforms (name),
    schema_name     text NOT NULL,
    version         integer NOT NULL,
    checksum        text NOT NULL,
    bundle          bytea NOT NULL,
    has_tables      boolean NOT NULL,
    has_functions   boolean NOT NULL,
    has_migrations  boolean NOT NULL,
    has_seeders     boolean NOT NULL,
    uploaded_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (platform, schema_name, version),
    UNIQUE (platform, schema_name, checksum)
);

-- Every database Cairn created. tenant is NULL for a platform's main database.
CREATE TABLE databases (
    name            text PRIMARY KEY,
    platform        text NOT NULL REFERENCES platforms (name),
    tenant          text,
    schema_name     text NOT NULL,
    version_id      bigint NOT NULL REFERENCES schema_versions (id),
    checksum        text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX databases_platform ON databases (platform);

-- Template databases, one per platform and deployed content: tenant creation copies them.
-- summary holds the deploy counts reported to clients for every copy.
CREATE TABLE templates (
    database_name   text PRIMARY KEY,
    platform        text NOT NULL REFERENCES platforms (name),
    checksum        text NOT NULL,
    summary         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (platform, checksum)
);

-- Every admin and deploy action, successful or not.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    request_id  text,
    actor       text NOT NULL,
    source_ip   text,
    action      text NOT NULL,
    platform    text,
    database    text,
    status      integer NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
