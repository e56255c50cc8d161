package dev.cairn.pool;

/**
 * A snapshot of the pools.
 *
 * @param openConnections physical connections open now, counted by the budget (not reserved capacity)
 */
public record PoolStats(int activePools, int openConnections, int maxTotal, int busyConnections) {

    /**
     * One database's open pool, as HikariCP counts it.
     *
     * @param inUse   connections lent to a request now
     * @param waiting requests waiting for a connection of this pool
     */
    public record Database(String name, int inUse, int idle, int open, int waiting) {
    }
}
