package dev.cairn.pool;

import java.time.Duration;

/**
 * @param maxPerPool       connections one database may hold ({@code MAX_CONNECTIONS_PER_POOL})
 * @param maxTotal         connections all databases together may hold ({@code MAX_TOTAL_CONNECTIONS})
 * @param acquireTimeout   longest wait for a connection before 503 {@code pool_exhausted}
 * @param statementTimeout server-side limit for one statement on a data connection (0 = none)
 * @param poolIdleTimeout  a pool unused this long is closed and its connections returned
 * @param applicationName  what {@code pg_stat_activity} shows for Cairn's sessions
 * @param systemDatabases  Cairn's own databases (control, maintenance): no statement or
 *                         idle-in-transaction timeout there, since they hold locks across deploys
 */
public record PoolSettings(int maxPerPool, int maxTotal, Duration acquireTimeout, Duration statementTimeout,
                           Duration poolIdleTimeout, String applicationName, java.util.Set<String> systemDatabases) {

    /** A data session idle inside a transaction this long is ended by the server (a stalled stream). */
    static final Duration IDLE_IN_TRANSACTION = Duration.ofMinutes(1);

    public PoolSettings {
        systemDatabases = java.util.Set.copyOf(systemDatabases);
    }
}
