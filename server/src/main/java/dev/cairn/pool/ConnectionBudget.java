package dev.cairn.pool;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The global cap on physical connections: one permit per open connection, across every pool
 * (tenant, control and maintenance databases alike). HikariCP has no cross-pool limit, so every
 * connection Hikari opens goes through {@link BudgetedDataSource}, which takes a permit here first.
 *
 * <p>Permits are handed out first come, first served (a fair semaphore, never barged), so a
 * database that waits is served before later arrivals. While anyone waits, the budget is
 * "under pressure": the {@link PoolManager} then closes idle connections of other pools and
 * shrinks pools as their connections come back, so waiting is bounded by the acquire timeout.
 */
public final class ConnectionBudget {

    private final int total;
    private final Semaphore permits;
    private volatile Runnable onPressure = () -> { };
    private volatile boolean closed;
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> waiting =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * How long after a connection is closed its permit comes back. Closing sends the server a
     * Terminate and returns at once, but the backend leaves {@code pg_stat_activity} a moment
     * later; without this grace a replacement could briefly make the server count one too many.
     */
    static final Duration BACKEND_EXIT_GRACE = Duration.ofMillis(200);

    private final java.util.concurrent.ScheduledExecutorService scheduler;

    public ConnectionBudget(int total, java.util.concurrent.ScheduledExecutorService scheduler) {
        this.total = total;
        this.permits = new Semaphore(total, true);
        this.scheduler = scheduler;
    }

    /** Called (on the waiting thread) whenever a request starts to wait for a permit. */
    void onPressure(Runnable action) {
        this.onPressure = action;
    }

    void acquire(String database, Duration timeout) throws SQLTransientConnectionException {
        if (closed) {
            throw new BudgetExhaustedException(total, Duration.ZERO);
        }
        try {
            // tryAcquire(0, unit), unlike tryAcquire(), respects the queue: no barging past waiters.
            if (permits.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                return;
            }
            waitFor(database, timeout);
            if (closed) {
                releaseUnused();
                throw new BudgetExhaustedException(total, Duration.ZERO);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BudgetExhaustedException(total, timeout);
        }
    }

    private void waitFor(String database, Duration timeout) throws InterruptedException, SQLTransientConnectionException {
        var count = waiting.computeIfAbsent(database, d -> new java.util.concurrent.atomic.AtomicInteger());
        count.incrementAndGet();
        try {
            onPressure.run();
            if (!permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new BudgetExhaustedException(total, timeout);
            }
        } finally {
            count.decrementAndGet();
        }
    }

    /** True while a database other than {@code database} waits for a permit. */
    boolean othersWaiting(String database) {
        for (var e : waiting.entrySet()) {
            if (e.getValue().get() > 0 && !e.getKey().equals(database)) {
                return true;
            }
        }
        return false;
    }

    /** The permit of a connection that was just closed: back once its backend has had time to exit. */
    void release() {
        if (closed) {
            permits.release();
            return;
        }
        try {
            scheduler.schedule(() -> permits.release(), BACKEND_EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            permits.release(); // shutting down
        }
    }

    /** A permit taken for a connection that never opened: nothing to wait for. */
    void releaseUnused() {
        permits.release();
    }

    /** Shutting down: wakes every waiter (they fail at once) so pools can close without delay. */
    void close() {
        closed = true;
        permits.release(Math.max(1, permits.getQueueLength()) + total);
    }

    /** True while some pool waits for a permit. */
    boolean underPressure() {
        return permits.hasQueuedThreads();
    }

    /** Physical connections open right now. */
    public int inUse() {
        return total - permits.availablePermits();
    }

    public int total() {
        return total;
    }

    /** Signals that the whole server-wide budget, not one pool, ran out. */
    static final class BudgetExhaustedException extends SQLTransientConnectionException {
        private static final long serialVersionUID = 1L;

        BudgetExhaustedException(int total, Duration waited) {
            super("all " + total + " connections allowed by MAX_TOTAL_CONNECTIONS are in use (waited "
                    + waited.toMillis() + " ms)", "53300");
        }
    }
}
