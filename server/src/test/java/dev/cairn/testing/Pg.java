package dev.cairn.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Direct JDBC access to the machine's PostgreSQL, for setting up and checking tests. */
public final class Pg {

    public static final String HOST = System.getenv().getOrDefault("CAIRN_TEST_PGHOST", "127.0.0.1");
    public static final String PORT = System.getenv().getOrDefault("CAIRN_TEST_PGPORT", "5432");
    public static final String USER = System.getenv().getOrDefault("CAIRN_TEST_PGUSER", "postgres");

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
}
