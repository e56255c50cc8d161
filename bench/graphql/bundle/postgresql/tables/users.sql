-- The GraphQL benchmark's users (bench/graphql.sh): 10,000 rows seeded by the script with psql.
-- Workload (a) reads one by primary key; workload (b) reads 50 conversations, each with its user.
CREATE TABLE users (
    id          integer PRIMARY KEY,
    name        text NOT NULL,
    email       text NOT NULL,
    active      boolean NOT NULL,
    created_at  timestamptz NOT NULL
);
