package dev.cairn.cli;

import dev.cairn.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct JDBC to the tests' PostgreSQL (the server's {@link TestPostgres}: the machine's, or an
 * embedded one), only to check results and to drop what a test made.
 */
final class Pg {

    private static final TestPostgres.Server SERVER = TestPostgres.server();
    static final String URL = "postgres://" + SERVER.user() + "@" + SERVER.host() + ":" + SERVER.port() + "/postgres";

    private Pg() {
    }

    static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + SERVER.host() + ":" + SERVER.port() + "/" + database
                + "?ApplicationName=cairn-cli-test", SERVER.user(), "");
    }

    static List<String> column(String database, String sql, Object... params) {
        try (Connection c = connect(database); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static void execute(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static boolean exists(String database) {
        return !column("postgres", "SELECT 1 FROM pg_database WHERE datname = ?", database).isEmpty();
    }

    /** Drops a database even when it is a template or has sessions. */
    static void drop(String name) {
        if (!exists(name)) {
            return;
        }
        String quoted = quote(name);
        execute("postgres", "ALTER DATABASE " + quoted + " WITH IS_TEMPLATE false ALLOW_CONNECTIONS true");
        execute("postgres", "DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
    }

    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
