package dev.cairn.catalog;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Catalogs per database, keyed by the schema version the database is at. A catalog is loaded
 * once and replaced whole; while one request reloads, the others keep reading the old catalog.
 * Built-in types are loaded once per server.
 *
 * <p>Bounded ({@code CATALOG_CACHE_SIZE} databases): a catalog costs tens to hundreds of KB, and a
 * fleet of ten thousand busy tenants would otherwise keep them all. Past the bound, the least
 * recently used tenth goes; a database used again reloads its catalog (one short query set, on a
 * database whose pool has most likely closed meanwhile too).
 */
public final class CatalogCache {

    private static final long MIN_RELOAD_NANOS = 1_000_000_000L;

    private final PoolManager pools;
    private final int maxSize;
    private final Map<String, Holder> holders = new ConcurrentHashMap<>();
    private final AtomicBoolean evicting = new AtomicBoolean();
    private volatile Map<Long, PgType> builtin = Map.of();

    private static final class Holder {
        final ReentrantLock lock = new ReentrantLock();
        volatile Catalog catalog;
        volatile String version = "";
        volatile long loadedAt;
        volatile long usedAt = System.nanoTime();
    }

    public CatalogCache(PoolManager pools, int maxSize) {
        this.pools = pools;
        this.maxSize = Math.max(1, maxSize);
    }

    /** The catalog of {@code database} at {@code version}, loading it if needed. */
    public Catalog get(String database, Optional<Login> login, String version) {
        Holder holder = holder(database);
        Catalog current = holder.catalog;
        if (current != null && holder.version.equals(version)) {
            return current;
        }
        return load(holder, database, login, version, false);
    }

    /**
     * Loads again because a routine was not found: someone may have created it outside Cairn.
     * At most once a second per database, so unknown names cannot make every request reload.
     */
    public Catalog refresh(String database, Optional<Login> login, String version) {
        return load(holder(database), database, login, version, true);
    }

    /** How many databases have a catalog (or one being loaded) in memory. */
    public int size() {
        return holders.size();
    }

    private Holder holder(String database) {
        Holder holder = holders.get(database);
        if (holder == null) {
            holder = holders.computeIfAbsent(database, d -> new Holder());
            if (holders.size() > maxSize) {
                evictOldest();
            }
        }
        holder.usedAt = System.nanoTime(); // a plain write: "recently" needs no precision
        return holder;
    }

    /** The least recently used tenth goes, by one thread at a time; O(n log n) once per n/10 loads. */
    private void evictOldest() {
        if (!evicting.compareAndSet(false, true)) {
            return;
        }
        try {
            int excess = holders.size() - maxSize + Math.max(1, maxSize / 10);
            holders.entrySet().stream()
                    .sorted(Comparator.comparingLong(e -> e.getValue().usedAt))
                    .limit(Math.max(0, excess))
                    .map(Map.Entry::getKey).toList()
                    .forEach(holders::remove);
        } finally {
            evicting.set(false);
        }
    }

    public void invalidate(String database) {
        holders.remove(database);
    }

    private Catalog load(Holder holder, String database, Optional<Login> login, String version, boolean force) {
        holder.lock.lock();
        try {
            Catalog current = holder.catalog;
            boolean fresh = current != null && holder.version.equals(version);
            if (fresh && (!force || System.nanoTime() - holder.loadedAt < MIN_RELOAD_NANOS)) {
                return current;
            }
            Catalog loaded = read(database, login);
            holder.catalog = loaded;
            holder.version = version;
            holder.loadedAt = System.nanoTime();
            return loaded;
        } finally {
            holder.lock.unlock();
        }
    }

    private Catalog read(String database, Optional<Login> login) {
        try (Connection c = pools.connection(database, login)) {
            if (builtin.isEmpty()) {
                builtin = CatalogLoader.builtinTypes(c);
            }
            return CatalogLoader.load(c, database, builtin);
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED,
                    "cannot read the catalog of database " + database + ": " + e.getMessage())
                    .with("database", database), e);
        }
    }
}
