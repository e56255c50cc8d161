package dev.cairn.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/** Opens physical connections to one database only after taking a permit from the budget. */
final class BudgetedDataSource extends ConfiguredDataSource {

    /** The driver's own connect timeout, set on every data source ({@code PgServer.dataSource}). */
    static final int CONNECT_TIMEOUT_SECONDS = 10;

    private final DataSource target;
    private final String database;
    private final ConnectionBudget budget;
    private final Duration acquireTimeout;

    BudgetedDataSource(DataSource target, String database, ConnectionBudget budget, Duration acquireTimeout) {
        this.target = target;
        this.database = database;
        this.budget = budget;
        this.acquireTimeout = acquireTimeout;
    }

    /** Hikari waits this long for a connection being opened when it closes a pool: budget wait plus connect. */
    @Override
    public int getLoginTimeout() {
        return (int) acquireTimeout.toSeconds() + 1 + CONNECT_TIMEOUT_SECONDS;
    }

    @Override
    public Connection getConnection() throws SQLException {
        budget.acquire(database, acquireTimeout);
        try {
            return new BudgetedConnection(target.getConnection(), budget::release);
        } catch (SQLException | RuntimeException e) {
            budget.releaseUnused();
            throw e;
        }
    }
}
