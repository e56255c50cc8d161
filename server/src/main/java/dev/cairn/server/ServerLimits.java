package dev.cairn.server;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the PostgreSQL server allows Cairn, read once at start-up on one short connection (before
 * any pool exists): how many connections, and whether Cairn's user may create roles.
 *
 * @param available      {@code max_connections - superuser_reserved_connections}
 * @param canCreateRoles superuser or CREATEROLE (for PLATFORM_ROLES=auto)
 */
record ServerLimits(int available, boolean canCreateRoles, boolean superuser) {

    static ServerLimits read(Config config) {
        var ds = config.postgres().dataSource(config.postgres().maintenanceDatabase(), "cairn-startup");
        ds.setConnectTimeout(10);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int,
                            rolsuper OR rolcreaterole, rolsuper
                     FROM pg_roles WHERE rolname = current_user""")) {
            rs.next();
            return new ServerLimits(rs.getInt(1), rs.getBoolean(2), rs.getBoolean(3));
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, "cannot connect to PostgreSQL at "
                    + config.postgres().describe() + ": " + e.getMessage()
                    + " (set DATABASE_URL or DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD)"), e);
        }
    }

    /**
     * The connection budget: {@code MAX_TOTAL_CONNECTIONS} if set (refused if the server cannot
     * take it), else 80% of what the server allows non-superusers, so psql and other tools still get in.
     */
    int maxTotalConnections(Config config) {
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
}
