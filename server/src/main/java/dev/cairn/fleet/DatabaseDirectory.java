package dev.cairn.fleet;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which databases exist and who owns them, for routing data requests without a control-database
 * round trip each time. Records never change once written, so positive answers are cached for
 * good; "not found" is cached for a second only, so a database created by another Cairn
 * instance becomes reachable at once, yet a flood of requests for a missing one stays cheap.
 */
public final class DatabaseDirectory {

    private static final long NEGATIVE_TTL_NANOS = 1_000_000_000L;

    private final Registry registry;
    private final Map<String, DatabaseRecord> known = new ConcurrentHashMap<>();
    private final Map<String, Long> missing = new ConcurrentHashMap<>();
    private final KeyedLocks locks = new KeyedLocks();

    public DatabaseDirectory(Registry registry) {
        this.registry = registry;
    }

    public Optional<DatabaseRecord> find(String database) {
        DatabaseRecord hit = known.get(database);
        if (hit != null) {
            return Optional.of(hit);
        }
        Long missedAt = missing.get(database);
        if (missedAt != null && System.nanoTime() - missedAt < NEGATIVE_TTL_NANOS) {
            return Optional.empty();
        }
        return locks.with(database, () -> lookUp(database));
    }

    /** One control-database query per name at a time: a burst of first requests shares it. */
    private Optional<DatabaseRecord> lookUp(String database) {
        DatabaseRecord hit = known.get(database);
        if (hit != null) {
            return Optional.of(hit);
        }
        Optional<DatabaseRecord> found = registry.database(database);
        found.ifPresentOrElse(r -> {
            known.put(database, r);
            missing.remove(database);
        }, () -> rememberMissing(database));
        return found;
    }

    void forget(String database) {
        known.remove(database);
        missing.remove(database);
    }

    private void rememberMissing(String database) {
        if (missing.size() > 100_000) {
            missing.clear(); // bounded: names come from clients
        }
        missing.put(database, System.nanoTime());
    }
}
