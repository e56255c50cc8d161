INSERT INTO notebooks (notebook_id, title) VALUES (1, 'inbox') ON CONFLICT DO NOTHING;
SELECT setval('notebooks_notebook_id_seq', (SELECT max(notebook_id) FROM notebooks));
