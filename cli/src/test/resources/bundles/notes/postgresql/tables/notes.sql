CREATE TABLE notebooks (
    notebook_id serial PRIMARY KEY,
    title       text NOT NULL UNIQUE
);

CREATE TABLE notes (
    note_id     serial PRIMARY KEY,
    notebook_id integer NOT NULL REFERENCES notebooks (notebook_id) ON DELETE CASCADE,
    body        text NOT NULL,
    tags        text[] NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_notebook ON notes (notebook_id);
