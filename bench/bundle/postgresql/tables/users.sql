-- The benchmark's only table: 10,000 rows, one looked up per call.
CREATE TABLE users (
    id          integer PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL,
    active      boolean NOT NULL,
    balance     numeric(12, 2) NOT NULL
);
