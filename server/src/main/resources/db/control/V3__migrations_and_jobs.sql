-- What a database built from a template's content should look like (tables, enums, routines):
-- the desired side of every migrate to that content. Read off the template before it is sealed.
ALTER TABLE templates ADD COLUMN desired jsonb;

-- Bearer tokens for one platform's schema and database routes. Only the SHA-256 is kept.
CREATE TABLE platform_tokens (
    id          bigserial PRIMARY KEY,
    platform    text NOT NULL REFERENCES platforms (name),
    token_hash  text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Fleet migrations. A running job holds a session advisory lock on its id; a job marked running
-- whose lock is free was left by a process that died: it is interrupted and can be resumed.
CREATE TABLE jobs (
    id           uuid PRIMARY KEY,
    platform     text NOT NULL REFERENCES platforms (name),
    schema_name  text,                -- NULL: every database of the platform (v1 /migrate)
    status       text NOT NULL,
    options      jsonb NOT NULL,
    request_id   text,
    actor        text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    CHECK (status IN ('queued', 'running', 'completed', 'failed', 'partial', 'interrupted'))
);
-- One job per platform at a time.
CREATE UNIQUE INDEX jobs_one_active ON jobs (platform) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_created ON jobs (created_at);

-- One row per database of a job; position 0 is the canary. version_id is what it migrates to.
CREATE TABLE job_items (
    job_id         uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    position       integer NOT NULL,
    database_name  text NOT NULL,
    version_id     bigint NOT NULL REFERENCES schema_versions (id),
    status         text NOT NULL DEFAULT 'pending',
    result         jsonb,
    started_at     timestamptz,
    finished_at    timestamptz,
    PRIMARY KEY (job_id, position),
    CHECK (status IN ('pending', 'running', 'completed', 'unchanged', 'failed', 'skipped'))
);
