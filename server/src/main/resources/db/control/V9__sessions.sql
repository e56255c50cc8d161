-- Login sessions (POST /api/auth/login): the token is never stored, only its SHA-256.
CREATE TABLE sessions (
    token_hash        text PRIMARY KEY,
    user_id           text NOT NULL,
    email             text,
    display_name      text,
    roles             text[] NOT NULL DEFAULT '{}',
    platform          text,
    tenant            text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    revoked_at        timestamptz,
    client_ip         text,
    client_user_agent text
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
