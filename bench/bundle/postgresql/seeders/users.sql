-- 10,000 deterministic rows in one statement.
INSERT INTO users (id, name, created_at, active, balance)
SELECT g,
       'user ' || g,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute',
       g % 3 <> 0,
       (g * 1.25)::numeric(12, 2)
FROM generate_series(1, 10000) AS g;
