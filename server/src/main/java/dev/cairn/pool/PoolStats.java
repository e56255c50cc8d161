package dev.cairn.pool;

/**
 * A snapshot of the pools.
 *
 * @param openConnections physical connections open now, counted by the budget (not reserved capacity)
 */
public record PoolStats(int activePools, int openConnections, int maxTotal, int busyConnections) {
}
