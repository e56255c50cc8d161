-- The realm tree of the mesh (docs/realms.md): realms, their members, the contracts they provide and
-- require, the policies they name, and bridges between two realms with their history. Platforms are
-- root realms and their tenants child realms (managed_by says so): the fleet writes those rows in the
-- transaction that records the platform or the tenant database, and deletes a tenant's with its last
-- database; the REST routes never delete them.

CREATE TABLE realms (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    realm_id         text NOT NULL UNIQUE,
    display_name     text,
    realm_type       text NOT NULL DEFAULT 'service'
        CHECK (realm_type IN ('root', 'service', 'tenant', 'environment', 'department')),
    description      text,
    parent           uuid REFERENCES realms (id), -- no cascade: a realm with children is not deleted
    contract_name    text,
    contract_version text,
    policies         text[] NOT NULL DEFAULT '{}',
    inherit_policies boolean NOT NULL DEFAULT true,
    metadata         jsonb NOT NULL DEFAULT '{}',
    managed_by       text CHECK (managed_by IN ('platform', 'tenant')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX realms_parent ON realms (parent);

-- member_id is '<realm slug>/<name>'. Only the SHA-256 of an API key is kept (keys are 32 random
-- bytes, so a fast hash is enough); the prefix finds the row without scanning.
CREATE TABLE realm_members (
    member_id           text PRIMARY KEY,
    realm               uuid NOT NULL REFERENCES realms (id) ON DELETE CASCADE,
    name                text NOT NULL,
    member_type         text NOT NULL CHECK (member_type IN ('consumer', 'provider', 'agent-runtime', 'hybrid')),
    contract_name       text,
    contract_version    text,
    metadata            jsonb NOT NULL DEFAULT '{}',
    roles               text[] NOT NULL DEFAULT '{}',
    certificate_subject text UNIQUE,
    api_key_prefix      text NOT NULL,
    api_key_hash        text NOT NULL,
    status              text NOT NULL DEFAULT 'offline' CHECK (status IN ('offline', 'online', 'suspended')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX realm_members_realm ON realm_members (realm);
CREATE INDEX realm_members_key_prefix ON realm_members (api_key_prefix);

CREATE TABLE realm_contracts (
    name        text NOT NULL,
    version     text NOT NULL,
    description text,
    provided    jsonb NOT NULL DEFAULT '[]',
    required    jsonb NOT NULL DEFAULT '[]',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version)
);

CREATE TABLE realm_policies (
    name        text PRIMARY KEY,
    type        text NOT NULL CHECK (type IN ('capability-access', 'rate-limit')),
    description text,
    config      jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE realm_bridges (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL UNIQUE,
    local_realm  uuid NOT NULL REFERENCES realms (id) ON DELETE CASCADE,
    remote_realm uuid NOT NULL REFERENCES realms (id) ON DELETE CASCADE,
    status       text NOT NULL CHECK (status IN ('active', 'broken')),
    compatible   boolean NOT NULL,
    errors       jsonb NOT NULL DEFAULT '[]',
    warnings     jsonb NOT NULL DEFAULT '[]',
    -- the contract versions the last judgement read, so a later change knows which side moved
    local_contract  text,
    remote_contract text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (local_realm, remote_realm),
    CHECK (local_realm <> remote_realm)
);

CREATE TABLE realm_bridge_history (
    id          bigserial PRIMARY KEY,
    bridge      uuid NOT NULL REFERENCES realm_bridges (id) ON DELETE CASCADE,
    change_type text NOT NULL CHECK (change_type IN ('established', 'local-minor', 'local-major', 'remote-minor',
                                                     'remote-major', 'broken')),
    details     jsonb NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX realm_bridge_history_bridge ON realm_bridge_history (bridge, id);

-- The platforms and tenants that exist already.
INSERT INTO realms (realm_id, display_name, realm_type, managed_by, created_at, updated_at)
SELECT name, name, 'root', 'platform', created_at, created_at FROM platforms
ON CONFLICT (realm_id) DO NOTHING;

INSERT INTO realms (realm_id, display_name, realm_type, parent, managed_by, created_at, updated_at)
SELECT DISTINCT ON (d.platform, d.tenant) d.platform || '/' || d.tenant, d.tenant, 'tenant', p.id, 'tenant',
       d.created_at, d.created_at
FROM databases d JOIN realms p ON p.realm_id = d.platform
WHERE d.tenant IS NOT NULL
ORDER BY d.platform, d.tenant, d.created_at
ON CONFLICT (realm_id) DO NOTHING;
