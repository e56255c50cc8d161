package dev.cairn.pool;

/**
 * A snapshot of the pools.
 *
 * @param activePools     open pools, one per database and login
 * @param openConnections physical connections open now, counted by the budget (not reserved capacity)
 */
public record PoolStats(int activePools, int openConnections, int maxTotal, int busyConnections) {

    /**
     * One database's open pools (one per login), as HikariCP counts them, added up.
     *
     * @param inUse   connections lent to a request now
     * @param waiting requests waiting for a connection of these pools
     */
    public record Database(String name, int inUse, int idle, int open, int waiting) {

        Database plus(Database other) {
            return new Database(name, inUse + other.inUse, idle + other.idle, open + other.open,
                    waiting + other.waiting);
        }
    }
}
