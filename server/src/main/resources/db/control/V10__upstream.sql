-- Playbook runs started through Cairn: who started which playbook for which platform, so a callback
-- finds its execution, a subscriber is checked against the playbook's path, and an Idempotency-Key
-- replays its first answer instead of starting the playbook twice.
CREATE TABLE upstream_requests (
    request_id      text PRIMARY KEY,
    execution_id    text,
    platform        text NOT NULL,
    playbook        text NOT NULL,
    actor           text NOT NULL,
    client_id       text,
    idempotency_key text,
    answer          jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX upstream_requests_idempotency ON upstream_requests (platform, actor, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX upstream_requests_execution ON upstream_requests (execution_id);
CREATE INDEX upstream_requests_created_at ON upstream_requests (created_at);

-- Signatures of callbacks already accepted: a replay of one is refused on every instance.
CREATE TABLE callback_signatures (
    signature text PRIMARY KEY,
    seen_at   timestamptz NOT NULL DEFAULT now()
);
