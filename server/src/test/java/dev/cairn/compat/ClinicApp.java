package dev.cairn.compat;

import dev.cairn.testing.Bundles;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small application laid out as StoneScriptPHP's archive builder lays it out: a
 * {@code postgresql/} root with {@code tables/}, {@code functions/} and {@code migrations/} of
 * {@code .pssql} files, functions with {@code VARCHAR(n)} parameters, a scalar and a
 * {@code RETURNS TABLE} function, and one that raises.
 */
final class ClinicApp {

    private final Map<String, String> files = new LinkedHashMap<>();

    private ClinicApp() {
    }

    /** The first release. */
    static ClinicApp v1() {
        return new ClinicApp()
                .put("tables/patients.pssql", """
                        CREATE TABLE patients (
                            id SERIAL PRIMARY KEY,
                            name VARCHAR(100) NOT NULL,
                            notes TEXT,
                            legacy TEXT,
                            created_at TIMESTAMPTZ DEFAULT now()
                        );""")
                .put("migrations/001_init.pssql", "SELECT 1;")
                .put("functions/add_patient.pssql", """
                        CREATE OR REPLACE FUNCTION add_patient(p_name VARCHAR(100), p_notes TEXT)
                        RETURNS INTEGER LANGUAGE plpgsql AS $$
                        DECLARE v_id INTEGER;
                        BEGIN
                            INSERT INTO patients (name, notes) VALUES (p_name, p_notes) RETURNING id INTO v_id;
                            RETURN v_id;
                        END;
                        $$;""")
                .put("functions/list_patients.pssql", """
                        CREATE OR REPLACE FUNCTION list_patients()
                        RETURNS TABLE (id INTEGER, name VARCHAR, notes TEXT) LANGUAGE sql STABLE AS $$
                            SELECT p.id, p.name, p.notes FROM patients p ORDER BY p.id;
                        $$;""")
                .put("functions/refuse.pssql", """
                        CREATE OR REPLACE FUNCTION refuse(p_reason TEXT) RETURNS INTEGER LANGUAGE plpgsql AS $$
                        BEGIN
                            RAISE EXCEPTION 'refused: %', p_reason;
                        END;
                        $$;""");
    }

    /** The second release: a migration adds a column, the table file says so, one new function. */
    static ClinicApp v2() {
        return v1()
                .put("tables/patients.pssql", """
                        CREATE TABLE patients (
                            id SERIAL PRIMARY KEY,
                            name VARCHAR(100) NOT NULL,
                            notes TEXT,
                            legacy TEXT,
                            phone TEXT,
                            created_at TIMESTAMPTZ DEFAULT now()
                        );""")
                .put("migrations/002_phone.pssql", "ALTER TABLE patients ADD COLUMN IF NOT EXISTS phone TEXT;")
                .put("functions/count_patients.pssql", """
                        CREATE OR REPLACE FUNCTION count_patients() RETURNS BIGINT LANGUAGE sql STABLE AS $$
                            SELECT count(*) FROM patients;
                        $$;""");
    }

    /** A release whose table file no longer has {@code legacy}: a data-loss change, blocked unless forced. */
    static ClinicApp withoutLegacy() {
        return v2().put("tables/patients.pssql", """
                CREATE TABLE patients (
                    id SERIAL PRIMARY KEY,
                    name VARCHAR(100) NOT NULL,
                    notes TEXT,
                    phone TEXT,
                    created_at TIMESTAMPTZ DEFAULT now()
                );""");
    }

    /** A release whose migration takes a while, so a fleet job is still running when asked again. */
    static ClinicApp slow() {
        return v2().put("migrations/003_slow.pssql", "SELECT pg_sleep(1.5);");
    }

    ClinicApp put(String path, String sql) {
        files.put(path, sql);
        return this;
    }

    /** {@code tar -czf postgresql.tar.gz postgresql}. */
    byte[] tarGz() {
        Map<String, String> out = new LinkedHashMap<>();
        files.forEach((k, v) -> out.put("postgresql/" + k, v));
        return Bundles.tarGz(out);
    }
}
