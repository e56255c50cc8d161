package dev.cairn.pool;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A connection lent to one request. Closing it normally returns it to its database's pool; but
 * while another database is queued for the global budget, a pool that holds more than one
 * connection gives this one up instead, so the budget moves to where it is needed and no
 * database starves while busy neighbours keep their connections warm.
 */
final class LeasedConnection extends DelegatingConnection {

    private final String database;
    private final HikariDataSource pool;
    private final ConnectionBudget budget;

    LeasedConnection(Connection delegate, String database, HikariDataSource pool, ConnectionBudget budget) {
        super(delegate);
        this.database = database;
        this.pool = pool;
        this.budget = budget;
    }

    @Override
    public void close() throws SQLException {
        var bean = pool.getHikariPoolMXBean();
        if (budget.othersWaiting(database) && bean != null && bean.getTotalConnections() > 1 && !delegate.isClosed()) {
            pool.evictConnection(delegate);
        } else {
            delegate.close();
        }
    }
}
