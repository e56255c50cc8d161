package dev.cairn.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** A small tenant bundle to edit step by step in migrate tests: tables, a type, functions, seeds. */
public final class Schema {

    private final Map<String, String> files = new LinkedHashMap<>();

    private Schema() {
    }

    public static Schema base() {
        return new Schema()
                .put("types/mood.pssql", "CREATE TYPE mood AS ENUM ('happy', 'sad');")
                .put("tables/accounts.pssql", """
                        CREATE TABLE accounts (
                            id INT PRIMARY KEY,
                            name VARCHAR(50) NOT NULL,
                            active BOOL DEFAULT true,
                            score NUMERIC(10,2),
                            tags TEXT[],
                            kind mood
                        );""")
                .put("tables/notes.pssql", """
                        CREATE TABLE notes (
                            id SERIAL PRIMARY KEY,
                            account_id INTEGER REFERENCES accounts (id),
                            body TEXT
                        );""")
                .put("migrations/001_init.pssql", "SELECT 1;")
                .put("functions/get_account.pssql", """
                        CREATE FUNCTION get_account(p_id INT) RETURNS SETOF accounts LANGUAGE sql STABLE
                        AS $$ SELECT * FROM accounts WHERE id = p_id $$;""")
                .put("functions/greet.pssql", """
                        CREATE FUNCTION greet(p_name VARCHAR(100)) RETURNS text LANGUAGE sql IMMUTABLE
                        AS $$ SELECT 'hello ' || p_name $$;""")
                .put("seeders/accounts.pssql", "INSERT INTO accounts (id, name) VALUES (1, 'root'), (2, 'guest');");
    }

    /** Adds or replaces a file under {@code postgresql/}. */
    public Schema put(String path, String sql) {
        files.put(path, sql);
        return this;
    }

    public Schema remove(String path) {
        files.remove(path);
        return this;
    }

    public Schema copy() {
        Schema s = new Schema();
        s.files.putAll(files);
        return s;
    }

    public byte[] tarGz() {
        Map<String, String> out = new LinkedHashMap<>();
        files.forEach((k, v) -> out.put("postgresql/" + k, v));
        return Bundles.tarGz(out);
    }
}
