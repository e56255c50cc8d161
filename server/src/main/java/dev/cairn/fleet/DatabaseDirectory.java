package dev.cairn.fleet;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which databases exist, who owns them and what content they hold, for routing data requests
 * without a control-database round trip each time. A record changes when a database is migrated,
 * possibly by another Cairn instance, and its checksum keys the catalog a request plans against; so
 * a known record is trusted for two seconds, then read again (one query per name at a time, while
 * a burst of requests waits on it). "Not found" is cached for a second only, so a database created
 * by another instance becomes reachable at once, yet a flood of requests for a missing one stays
 * cheap. This instance's own migrates {@link #forget} the record at once.
 */
public final class DatabaseDirectory {

    private static final long RECHECK_NANOS = 2_000_000_000L;
    private static final long NEGATIVE_TTL_NANOS = 1_000_000_000L;

    private record Entry(DatabaseRecord record, long checkedAt) {
        boolean fresh(long now) {
            return now - checkedAt < RECHECK_NANOS;
        }
    }

    private final Registry registry;
    private final Map<String, Entry> known = new ConcurrentHashMap<>();
    private final Map<String, Long> missing = new ConcurrentHashMap<>();
    private final KeyedLocks locks = new KeyedLocks();

    public DatabaseDirectory(Registry registry) {
        this.registry = registry;
    }

    public Optional<DatabaseRecord> find(String database) {
        long now = System.nanoTime();
        Entry hit = known.get(database);
        if (hit != null && hit.fresh(now)) {
            return Optional.of(hit.record());
        }
        Long missedAt = missing.get(database);
        if (hit == null && missedAt != null && now - missedAt < NEGATIVE_TTL_NANOS) {
            return Optional.empty();
        }
        return locks.with(database, () -> lookUp(database));
    }

    /** Reads the record, unless another request just did while this one waited for the lock. */
    private Optional<DatabaseRecord> lookUp(String database) {
        Entry hit = known.get(database);
        if (hit != null && hit.fresh(System.nanoTime())) {
            return Optional.of(hit.record());
        }
        Optional<DatabaseRecord> found = registry.database(database);
        found.ifPresentOrElse(r -> {
            known.put(database, new Entry(r, System.nanoTime()));
            missing.remove(database);
        }, () -> {
            known.remove(database);
            rememberMissing(database);
        });
        return found;
    }

    void forget(String database) {
        known.remove(database);
        missing.remove(database);
    }

    private final java.util.List<java.util.function.Consumer<String>> deployListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Tells {@code listener} the name of each database this instance has just deployed (created or migrated). */
    public void onDeployed(java.util.function.Consumer<String> listener) {
        deployListeners.add(listener);
    }

    /** A deploy finished: the record is read again, and whoever warms caches for a new schema is told. */
    void deployed(String database) {
        forget(database);
        for (java.util.function.Consumer<String> listener : deployListeners) {
            try {
                listener.accept(database);
            } catch (RuntimeException e) {
                // a cache warmer's failure is no deploy's failure
            }
        }
    }

    private void rememberMissing(String database) {
        if (missing.size() > 100_000) {
            missing.clear(); // bounded: names come from clients
        }
        missing.put(database, System.nanoTime());
    }
}
