-- How each platform's tables are served by the data API (/v1): the validated settings document,
-- who set it, and where it came from (an operator's PUT or the bundle's postgresql/data-api.json).
-- A platform without a row gets the defaults.
CREATE TABLE data_api_settings (
    platform   text PRIMARY KEY REFERENCES platforms (name) ON DELETE CASCADE,
    settings   jsonb NOT NULL,
    source     text NOT NULL CHECK (source IN ('admin', 'bundle')),
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
