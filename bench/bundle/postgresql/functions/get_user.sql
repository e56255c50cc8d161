-- One row by primary key: the call measured by bench/run.sh (gateway) and pgbench (direct).
CREATE OR REPLACE FUNCTION get_user(p_id integer)
RETURNS TABLE (id integer, name text, created_at timestamptz, active boolean, balance numeric)
LANGUAGE sql STABLE AS $$
    SELECT u.id, u.name, u.created_at, u.active, u.balance
    FROM users u
    WHERE u.id = p_id;
$$;
