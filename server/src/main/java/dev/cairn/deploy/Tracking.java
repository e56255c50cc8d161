package dev.cairn.deploy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Cairn's bookkeeping inside every managed database, in schema {@code cairn} so it never shows up
 * in diffs, catalogs or the data API. Written in the same transaction as the changes it records.
 */
final class Tracking {

    private static final List<String> DDL = List.of(
            "CREATE SCHEMA IF NOT EXISTS cairn",
            """
            CREATE TABLE IF NOT EXISTS cairn.deployments (
                id bigserial PRIMARY KEY, platform text NOT NULL, schema_name text NOT NULL,
                checksum text NOT NULL, kind text NOT NULL, request_id text, actor text,
                deployed_at timestamptz NOT NULL DEFAULT now(), routines text[])""",
            """
            CREATE TABLE IF NOT EXISTS cairn.migrations (
                name text PRIMARY KEY, checksum text NOT NULL, executed boolean NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())""",
            """
            CREATE TABLE IF NOT EXISTS cairn.types (
                name text PRIMARY KEY, kind text NOT NULL, checksum text NOT NULL, source_file text NOT NULL,
                deployed_at timestamptz NOT NULL DEFAULT now())""",
            """
            CREATE TABLE IF NOT EXISTS cairn.tables (
                name text PRIMARY KEY, checksum text NOT NULL, source_file text NOT NULL,
                deployed_at timestamptz NOT NULL DEFAULT now())""",
            """
            CREATE TABLE IF NOT EXISTS cairn.views (
                name text PRIMARY KEY, checksum text NOT NULL, source_file text NOT NULL,
                deployed_at timestamptz NOT NULL DEFAULT now())""",
            """
            CREATE TABLE IF NOT EXISTS cairn.functions (
                signature text PRIMARY KEY, schema_name text NOT NULL, name text NOT NULL, kind text NOT NULL,
                identity_args text NOT NULL, result text NOT NULL, checksum text NOT NULL, source_file text NOT NULL,
                deployed_at timestamptz NOT NULL DEFAULT now())""",
            """
            CREATE TABLE IF NOT EXISTS cairn.changelog (
                id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), request_id text, actor text,
                kind text NOT NULL, object text NOT NULL, action text NOT NULL, source_file text, checksum text)""",
            // Added later: databases deployed before it get the column on their next migrate.
            "ALTER TABLE cairn.deployments ADD COLUMN IF NOT EXISTS routines text[]");

    /**
     * Every tracked routine as {@code oid/namespace oid/name}, or NULL when one of them no longer
     * exists. Kept on each deployment row so that "is every routine still there, under its name"
     * is a lookup by OID (see {@link UpToDate}) instead of parsing every signature again.
     */
    static final String ROUTINE_IDS = """
            (SELECT CASE WHEN count(*) FILTER (WHERE p.oid IS NULL) = 0
                         THEN coalesce(array_agg(p.oid::text || '/' || p.pronamespace::text || '/' || p.proname
                                                 ORDER BY p.oid), '{}') END
             FROM cairn.functions f LEFT JOIN pg_catalog.pg_proc p ON p.oid = to_regprocedure(f.signature))""";

    private Tracking() {
    }

    /** Creates the tracking tables; when the newest part of them exists already it runs no DDL at all. */
    static void install(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("""
                    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass('cairn.deployments')
                                   AND attname = 'routines' AND NOT attisdropped)
                       AND to_regclass('cairn.changelog') IS NOT NULL""")) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
            for (String ddl : DDL) {
                st.execute(ddl);
            }
        }
    }

    static void recordDeployment(Connection c, DeployContext ctx, String kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO cairn.deployments (platform, schema_name, checksum, kind, request_id, actor, routines)
                VALUES (?, ?, ?, ?, ?, ?, """ + ROUTINE_IDS + ")")) {
            ps.setString(1, ctx.platform());
            ps.setString(2, ctx.schemaName());
            ps.setString(3, ctx.checksum());
            ps.setString(4, kind);
            ps.setString(5, ctx.requestId());
            ps.setString(6, ctx.actor());
            ps.executeUpdate();
        }
    }

    /**
     * Brings the last deployment's routine ids up to date (a routine dropped and created again by
     * hand has a new OID; older rows have none), so the next no-op migrate takes the fast path.
     */
    static void refreshRoutines(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE cairn.deployments d SET routines = cur.ids FROM (SELECT " + ROUTINE_IDS
                    + " AS ids) cur WHERE d.id = (SELECT max(id) FROM cairn.deployments)"
                    + " AND d.routines IS DISTINCT FROM cur.ids");
        }
    }

    static void recordMigration(Connection c, String name, String checksum, boolean executed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cairn.migrations (name, checksum, executed) VALUES (?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, checksum);
            ps.setBoolean(3, executed);
            ps.executeUpdate();
        }
    }

    static void updateMigrationChecksum(Connection c, String name, String checksum) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE cairn.migrations SET checksum = ? WHERE name = ?")) {
            ps.setString(1, checksum);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    /** Forgets a tracked object that is gone: {@code table} is functions (by signature) or views (by name). */
    static void forget(Connection c, String table, String key) throws SQLException {
        String sql = switch (table) {
            case "functions" -> "DELETE FROM cairn.functions WHERE signature = ?";
            case "views" -> "DELETE FROM cairn.views WHERE name = ?";
            default -> throw new IllegalArgumentException(table);
        };
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            ps.executeUpdate();
        }
    }

    /** cairn.tables, cairn.types and cairn.views share one shape: name, checksum, file (and kind for types). */
    static void recordObject(Connection c, String table, String name, String checksum, String file) throws SQLException {
        String sql = switch (table) {
            case "tables" -> "INSERT INTO cairn.tables (name, checksum, source_file) VALUES (?, ?, ?)";
            case "views" -> "INSERT INTO cairn.views (name, checksum, source_file) VALUES (?, ?, ?)";
            default -> throw new IllegalArgumentException(table);
        };
        try (PreparedStatement ps = c.prepareStatement(sql + " ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum,"
                + " source_file = EXCLUDED.source_file, deployed_at = now()")) {
            ps.setString(1, name);
            ps.setString(2, checksum);
            ps.setString(3, file);
            ps.executeUpdate();
        }
    }

    static void recordType(Connection c, String name, String kind, String checksum, String file) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO cairn.types (name, kind, checksum, source_file) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, checksum = EXCLUDED.checksum,
                    source_file = EXCLUDED.source_file, deployed_at = now()""")) {
            ps.setString(1, name);
            ps.setString(2, kind);
            ps.setString(3, checksum);
            ps.setString(4, file);
            ps.executeUpdate();
        }
    }

    /** The routines a deploy created or replaced, in one batch (one round trip). */
    static void recordFunctions(Connection c, List<DeployedFunction> functions) throws SQLException {
        if (functions.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO cairn.functions (signature, schema_name, name, kind, identity_args, result, checksum, source_file)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (signature) DO UPDATE SET kind = EXCLUDED.kind, identity_args = EXCLUDED.identity_args,
                    result = EXCLUDED.result, checksum = EXCLUDED.checksum, source_file = EXCLUDED.source_file,
                    deployed_at = now()""")) {
            for (DeployedFunction f : functions) {
                ps.setString(1, f.signature());
                ps.setString(2, f.schema());
                ps.setString(3, f.name());
                ps.setString(4, f.kind());
                ps.setString(5, f.identityArguments());
                ps.setString(6, f.result());
                ps.setString(7, f.checksum());
                ps.setString(8, f.file());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static void writeChangelog(Connection c, DeployContext ctx, List<Change> changes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO cairn.changelog (request_id, actor, kind, object, action, source_file, checksum)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            for (Change change : changes) {
                ps.setString(1, ctx.requestId());
                ps.setString(2, ctx.actor());
                ps.setString(3, change.kind());
                ps.setString(4, change.object());
                ps.setString(5, change.action());
                ps.setString(6, change.file());
                ps.setString(7, change.checksum());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
