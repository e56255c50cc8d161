-- Ready copies: tenant databases copied from a template ahead of time (READY_COPIES per platform and
-- schema), so that creating a tenant renames one instead of copying while the client waits. A copy's
-- creation is tracked in database_creations until its row here is written; the row is deleted in the
-- transaction that records the tenant database the copy became.
CREATE TABLE ready_copies (
    database    text PRIMARY KEY,
    template    text NOT NULL,
    platform    text NOT NULL,
    schema_name text NOT NULL,
    owner       text NOT NULL,             -- the role owning the copy; '' when platform roles are off
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ready_copies_by_template ON ready_copies (template, owner, created_at);
CREATE INDEX ready_copies_by_schema ON ready_copies (platform, schema_name);
