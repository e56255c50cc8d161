-- A database Cairn has begun to create. The row is committed before CREATE DATABASE and deleted in
-- the transaction that records the finished database, so it outlives a crash in between: the next
-- creation of the same name then knows that a database without a record is Cairn's own leftover,
-- and drops it before creating it again (a database Cairn did not begin to create is never dropped).
CREATE TABLE database_creations (
    name       text PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now()
);
