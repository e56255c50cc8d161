package dev.cairn.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A physical PostgreSQL connection that holds one permit of the {@link ConnectionBudget} for as
 * long as it is open. HikariCP pools these; when Hikari closes (or aborts) one, the permit goes
 * back exactly once.
 */
final class BudgetedConnection extends DelegatingConnection {

    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    BudgetedConnection(Connection delegate, Runnable release) {
        super(delegate);
        this.release = release;
    }

    @Override
    public void close() throws SQLException {
        try {
            delegate.close();
        } finally {
            releaseOnce();
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        try {
            delegate.abort(executor);
        } finally {
            releaseOnce();
        }
    }

    private void releaseOnce() {
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }
}
