package dev.cairn.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/** Opens physical connections to one database only after taking a permit from the budget. */
final class BudgetedDataSource extends ConfiguredDataSource {

    private final DataSource target;
    private final ConnectionBudget budget;
    private final Duration acquireTimeout;

    BudgetedDataSource(DataSource target, ConnectionBudget budget, Duration acquireTimeout) {
        this.target = target;
        this.budget = budget;
        this.acquireTimeout = acquireTimeout;
    }

    @Override
    public Connection getConnection() throws SQLException {
        budget.acquire(acquireTimeout);
        try {
            return new BudgetedConnection(target.getConnection(), budget::release);
        } catch (SQLException | RuntimeException e) {
            budget.release();
            throw e;
        }
    }
}
