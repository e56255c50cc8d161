CREATE OR REPLACE FUNCTION add_note(p_notebook varchar(100), p_body text, p_tags text[] DEFAULT '{}')
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_notebook integer;
    v_note     integer;
BEGIN
    INSERT INTO notebooks (title) VALUES (p_notebook)
    ON CONFLICT (title) DO UPDATE SET title = EXCLUDED.title
    RETURNING notebook_id INTO v_notebook;
    INSERT INTO notes (notebook_id, body, tags) VALUES (v_notebook, p_body, p_tags) RETURNING note_id INTO v_note;
    RETURN v_note;
END;
$$;

CREATE OR REPLACE FUNCTION list_notes(p_notebook varchar(100))
RETURNS TABLE (note_id integer, body text, tags text[], created_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT n.note_id, n.body, n.tags, n.created_at
    FROM notes n JOIN notebooks b USING (notebook_id)
    WHERE b.title = p_notebook
    ORDER BY n.note_id;
$$;
