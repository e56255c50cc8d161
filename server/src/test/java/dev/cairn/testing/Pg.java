package dev.cairn.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Direct JDBC access to the tests' PostgreSQL ({@link TestPostgres}), for setting up and checking tests. */
public final class Pg {

    public static final String HOST = TestPostgres.server().host();
    public static final String PORT = Integer.toString(TestPostgres.server().port());
    public static final String USER = TestPostgres.server().user();

    private Pg() {
    }

    public static String url(String database) {
        return "postgres://" + USER + "@" + HOST + ":" + PORT + "/" + database;
    }

    public static Connection connect(String database) {
        try {
            return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + database
                    + "?ApplicationName=cairn-test", USER, "");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + database + ": " + e.getMessage(), e);
        }
    }

    public static List<List<String>> query(String database, String sql, Object... params) {
        try (Connection c = connect(database); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<List<String>> rows = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static String scalar(String database, String sql, Object... params) {
        List<List<String>> rows = query(database, sql, params);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    public static void execute(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static boolean databaseExists(String name) {
        return scalar("postgres", "SELECT 1 FROM pg_database WHERE datname = ?", name) != null;
    }

    public static List<String> databases() {
        return query("postgres", "SELECT datname FROM pg_database ORDER BY datname").stream().map(r -> r.get(0)).toList();
    }

    /** Drops a database even if it is a template or has sessions. */
    public static void drop(String name) {
        String quoted = '"' + name.replace("\"", "\"\"") + '"';
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            if (databaseExists(name)) {
                st.execute("ALTER DATABASE " + quoted + " WITH IS_TEMPLATE false ALLOW_CONNECTIONS true");
                st.execute("DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop " + name + ": " + e.getMessage(), e);
        }
    }

    /** The live columns of a table, from the catalog. */
    public static List<String> columns(String database, String table) {
        return query(database, "SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0"
                + " AND NOT attisdropped", table).stream().map(r -> r.get(0)).toList();
    }

    /**
     * A database's schema as text, from the catalog: schemas, relations, columns (type, nullability,
     * default, identity, generated), constraints, indexes, views, functions, enums, triggers,
     * extensions and privileges of every schema but PostgreSQL's own, one sorted line per fact.
     * What pg_dump --schema-only would show, without needing pg_dump (absent where only the
     * embedded server is).
     */
    public static String schema(String database) {
        return scalar(database, """
                WITH s AS (SELECT oid, nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema')
                           AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%')
                SELECT string_agg(line, E'\\n' ORDER BY line) FROM (
                  SELECT 'schema ' || nspname || ' ' || coalesce(n.nspacl::text, '') AS line
                    FROM pg_namespace n WHERE n.oid IN (SELECT oid FROM s)
                  UNION ALL SELECT 'relation ' || s.nspname || '.' || c.relname || ' ' || c.relkind::text || ' '
                         || coalesce(c.relacl::text, '') || ' ' || c.relrowsecurity
                    FROM pg_class c JOIN s ON s.oid = c.relnamespace
                  UNION ALL SELECT 'column ' || s.nspname || '.' || c.relname || '.' || a.attname || ' '
                         || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                         || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') || ' [' || a.attidentity::text
                         || a.attgenerated::text || '] ' || a.attnum
                    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN s ON s.oid = c.relnamespace
                    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                    WHERE a.attnum > 0 AND NOT a.attisdropped
                  UNION ALL SELECT 'constraint ' || s.nspname || ' ' || co.conrelid::regclass::text || ' ' || co.conname
                         || ' ' || pg_get_constraintdef(co.oid)
                    FROM pg_constraint co JOIN s ON s.oid = co.connamespace
                  UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid)
                    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN s ON s.oid = c.relnamespace
                  UNION ALL SELECT 'view ' || c.oid::regclass::text || ' ' || pg_get_viewdef(c.oid)
                    FROM pg_class c JOIN s ON s.oid = c.relnamespace WHERE c.relkind IN ('v', 'm')
                  UNION ALL SELECT 'function ' || pg_get_functiondef(p.oid) || ' ' || coalesce(p.proacl::text, '')
                    FROM pg_proc p JOIN s ON s.oid = p.pronamespace WHERE p.prokind IN ('f', 'p')
                  UNION ALL SELECT 'enum ' || s.nspname || '.' || t.typname || ' '
                         || (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e
                             WHERE e.enumtypid = t.oid)
                    FROM pg_type t JOIN s ON s.oid = t.typnamespace WHERE t.typtype = 'e'
                  UNION ALL SELECT 'trigger ' || pg_get_triggerdef(t.oid)
                    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN s ON s.oid = c.relnamespace
                    WHERE NOT t.tgisinternal
                  UNION ALL SELECT 'extension ' || extname || ' ' || extversion FROM pg_extension
                ) facts""");
    }
}
