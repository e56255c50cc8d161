-- The GraphQL benchmark's conversations (bench/graphql.sh): 100,000 rows seeded by the script,
-- conversation g belongs to user 1 + (g - 1) % 10000, so the first 50 have 50 different users.
-- The foreign key is the relation both servers nest: Cairn's `user`, PostGraphile's `userByUserId`.
CREATE TABLE conversations (
    id          integer PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users (id),
    title       text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE INDEX conversations_user_id_idx ON conversations (user_id);
