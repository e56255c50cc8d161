package dev.cairn.server;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The connection budget: {@code MAX_TOTAL_CONNECTIONS} if set (refused if the server cannot
 * take it), else 80% of what the server allows non-superusers, so psql and other tools still get in.
 */
final class ServerLimits {

    private ServerLimits() {
    }

    /** Whether Cairn's user may create roles (superuser or CREATEROLE), for PLATFORM_ROLES=auto. */
    static boolean canCreateRoles(Config config) {
        return query(config, "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user") == 1;
    }

    static boolean isSuperuser(Config config) {
        return query(config, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") == 1;
    }

    static int maxTotalConnections(Config config) {
        int available = query(config, "SELECT current_setting('max_connections')::int"
                + " - current_setting('superuser_reserved_connections')::int");
        if (config.maxTotalConnections().isPresent()) {
            int wanted = config.maxTotalConnections().get();
            if (wanted > available) {
                throw new CairnException(Problem.of(ErrorCode.INVALID_CONFIGURATION, "MAX_TOTAL_CONNECTIONS: "
                        + wanted + " is more than the PostgreSQL server allows (" + available
                        + " = max_connections - superuser_reserved_connections)"));
            }
            return wanted;
        }
        return Math.max(4, available * 4 / 5);
    }

    /** One number (booleans as 1/0) from the maintenance database, before any pool exists. */
    private static int query(Config config, String sql) {
        var ds = config.postgres().dataSource(config.postgres().maintenanceDatabase(), "cairn-startup");
        ds.setConnectTimeout(10);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (" + sql + ")::int")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, "cannot connect to PostgreSQL at "
                    + config.postgres().describe() + ": " + e.getMessage()
                    + " (set DATABASE_URL or DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD)"), e);
        }
    }
}
