package dev.cairn.catalog;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Catalogs per database, keyed by the schema version the database is at. A catalog is loaded
 * once and replaced whole; while one request reloads, the others keep reading the old catalog.
 * Built-in types are loaded once per server.
 */
public final class CatalogCache {

    private static final long MIN_RELOAD_NANOS = 1_000_000_000L;

    private final PoolManager pools;
    private final Map<String, Holder> holders = new ConcurrentHashMap<>();
    private volatile Map<Long, PgType> builtin = Map.of();

    private static final class Holder {
        final ReentrantLock lock = new ReentrantLock();
        volatile Catalog catalog;
        volatile String version = "";
        volatile long loadedAt;
    }

    public CatalogCache(PoolManager pools) {
        this.pools = pools;
    }

    /** The catalog of {@code database} at {@code version}, loading it if needed. */
    public Catalog get(String database, Optional<Login> login, String version) {
        Holder holder = holders.computeIfAbsent(database, d -> new Holder());
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
        Holder holder = holders.computeIfAbsent(database, d -> new Holder());
        return load(holder, database, login, version, true);
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
