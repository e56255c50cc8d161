package dev.cairn.pool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HikariCP pool per database and login (Cairn's own user, or a platform's role), opened on
 * first use, all under one {@link ConnectionBudget}. A database can so be reached as several
 * roles at once, each connection logged in as the role it was asked for.
 *
 * <p>Threading: pools live in a concurrent map and are created at most once per key
 * ({@code computeIfAbsent}). All pools share one scheduled executor for Hikari's housekeeping,
 * so 1,000 pools do not mean 1,000 threads. A background task closes pools that have not been
 * used for {@code poolIdleTimeout}; under budget pressure, idle connections of the least
 * recently used pools are closed at once so a waiting database can open one.
 */
public final class PoolManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManager.class);
    private static final long CONNECTION_IDLE_MS = TimeUnit.MINUTES.toMillis(5);
    /** How long a database the server says is gone answers 404 at once, before it is tried again. */
    private static final long GONE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final PgServer server;
    private final PoolSettings settings;
    private final ConnectionBudget budget;
    private final ScheduledExecutorService housekeeping;
    private final ThreadFactory threads;
    private final Map<PoolKey, DatabasePool> pools = new ConcurrentHashMap<>();
    private final ReentrantLock reclaiming = new ReentrantLock();
    private final Map<String, Long> gone = new ConcurrentHashMap<>();

    public PoolManager(PgServer server, PoolSettings settings, ScheduledExecutorService housekeeping) {
        this.server = server;
        this.settings = settings;
        this.budget = new ConnectionBudget(settings.maxTotal(), housekeeping);
        this.housekeeping = housekeeping;
        this.threads = Thread.ofPlatform().daemon().name("cairn-pool-", 0).factory();
        budget.onPressure(this::reclaimIdle);
        long period = Math.max(1, Math.min(60, settings.poolIdleTimeout().toSeconds() / 4));
        housekeeping.scheduleWithFixedDelay(this::closeIdlePools, period, period, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(this::reclaimWhileUnderPressure, 20, 20, TimeUnit.MILLISECONDS);
    }

    /** A pooled connection to {@code database} as Cairn's own user; the caller closes it. */
    public Connection connection(String database) {
        return connection(database, Optional.empty());
    }

    /** A pooled connection to {@code database}, as {@code login} when given (a platform's role). */
    public Connection connection(String database, Optional<Login> login) {
        PoolKey key = new PoolKey(database, login.map(Login::user));
        for (int attempt = 0; ; attempt++) {
            requireNotGone(database);
            DatabasePool pool = pools.computeIfAbsent(key, k -> open(database, login, settings.maxPerPool()));
            pool.touch();
            try {
                return new LeasedConnection(pool.dataSource().getConnection(), database, pool.dataSource(), budget);
            } catch (SQLException e) {
                // The idle reaper may have closed this pool between lookup and use: open a new one once.
                if (!pool.dataSource().isClosed() || attempt > 0) {
                    throw failure(database, e);
                }
            }
        }
    }

    /**
     * A connection outside any pool, still counted by the budget: for databases that must have no
     * pooled connections left behind, such as a template being built.
     */
    public Connection unpooled(String database, Optional<Login> login) {
        var ds = new BudgetedDataSource(dataSource(database, login), database, budget, settings.acquireTimeout());
        try {
            return ds.getConnection();
        } catch (SQLException e) {
            throw failure(database, e);
        }
    }

    /** The pool of one database as a {@link javax.sql.DataSource}, for libraries that need one. */
    public javax.sql.DataSource dataSourceFor(String database) {
        return new PooledDataSource(this, database);
    }

    /**
     * A database dropped outside Cairn (or renamed) answers {@code 404} at once for a while instead
     * of making every request wait for a pool that can never connect; then it is tried again, in
     * case it was restored.
     */
    private void requireNotGone(String database) {
        Long until = gone.get(database);
        if (until == null) {
            return;
        }
        if (System.nanoTime() - until < 0) {
            throw notFound(database, Optional.empty());
        }
        gone.remove(database, until);
    }

    /** The server says the database does not exist: its pools are closed, and it is remembered for a while. */
    private void markGone(String database) {
        if (gone.put(database, System.nanoTime() + GONE_NANOS) == null) {
            LOG.warn("database {} does not exist on the server (dropped or renamed outside Cairn?): its pools are"
                    + " closed and its requests answer 404 database_not_found", database);
            Thread.ofVirtual().name("cairn-pool-close").start(() -> closePool(database));
        }
    }

    /** A database Cairn has just created: whatever was remembered of its absence no longer holds. */
    public void created(String database) {
        gone.remove(database);
    }

    /** Closes the pools of one database, every login's (before it is dropped or copied); waits for their connections. */
    public void closePool(String database) {
        closePools(key -> key.database().equals(database));
    }

    private void closePools(Predicate<PoolKey> which) {
        for (PoolKey key : List.copyOf(pools.keySet())) {
            DatabasePool pool = which.test(key) ? pools.remove(key) : null;
            if (pool != null) {
                pool.dataSource().close();
            }
        }
    }

    public PoolStats stats() {
        int busy = pools.values().stream().mapToInt(p -> p.dataSource().getHikariPoolMXBean() == null
                ? 0 : p.dataSource().getHikariPoolMXBean().getActiveConnections()).sum();
        return new PoolStats(pools.size(), budget.inUse(), budget.total(), busy);
    }

    /**
     * Every database with an open pool, its logins' pools added up, read now (each pool's numbers
     * together, not all pools at one instant).
     */
    public List<PoolStats.Database> databases() {
        Map<String, PoolStats.Database> out = new TreeMap<>();
        pools.forEach((key, pool) -> {
            var bean = pool.dataSource().getHikariPoolMXBean();
            if (bean != null && !pool.dataSource().isClosed()) {
                out.merge(key.database(), new PoolStats.Database(key.database(), bean.getActiveConnections(),
                        bean.getIdleConnections(), bean.getTotalConnections(), bean.getThreadsAwaitingConnection()),
                        PoolStats.Database::plus);
            }
        });
        return List.copyOf(out.values());
    }

    /** True while some connection request waits for a permit of the connection budget. */
    public boolean budgetContended() {
        return budget.underPressure();
    }

    @Override
    public void close() {
        budget.close();
        closePools(key -> true);
    }

    private DatabasePool open(String database, Optional<Login> login, int maxSize) {
        var config = new HikariConfig();
        config.setPoolName("cairn:" + database + login.map(l -> "/" + l.user()).orElse(""));
        config.setDataSource(new BudgetedDataSource(dataSource(database, login), database, budget,
                settings.acquireTimeout()));
        config.setMaximumPoolSize(maxSize);
        config.setMinimumIdle(0);
        config.setIdleTimeout(CONNECTION_IDLE_MS);
        config.setConnectionTimeout(settings.acquireTimeout().toMillis());
        config.setInitializationFailTimeout(-1);
        config.setScheduledExecutor(housekeeping);
        config.setThreadFactory(threads);
        LOG.debug("opening pool for database {}", database);
        return new DatabasePool(new HikariDataSource(config));
    }

    private PGSimpleDataSource dataSource(String database, Optional<Login> login) {
        PGSimpleDataSource ds = login.map(l -> server.dataSource(database, settings.applicationName(), l))
                .orElseGet(() -> server.dataSource(database, settings.applicationName()));
        long timeout = settings.statementTimeout().toMillis();
        if (!settings.systemDatabases().contains(database)) {
            ds.setOptions("-c statement_timeout=" + Math.max(0, timeout)
                    + " -c idle_in_transaction_session_timeout=" + PoolSettings.IDLE_IN_TRANSACTION.toMillis());
        }
        ds.setConnectTimeout(BudgetedDataSource.CONNECT_TIMEOUT_SECONDS);
        // Results in text form: the JSON writers decode PostgreSQL's own output, type by type.
        ds.setBinaryTransfer(false);
        return ds;
    }

    private void reclaimWhileUnderPressure() {
        if (budget.underPressure()) {
            reclaimIdle();
        }
    }

    /**
     * Gives the budget held by idle connections back: the least recently used pool that has idle
     * connections and nobody waiting for them closes its idle ones (busy ones stay).
     */
    private void reclaimIdle() {
        if (!reclaiming.tryLock()) {
            return;
        }
        try {
            pools.values().stream()
                    .filter(p -> p.idleConnections() > 0 && p.waiting() == 0)
                    .min(Comparator.comparingLong(DatabasePool::lastUsed))
                    .ifPresent(DatabasePool::closeIdle);
        } finally {
            reclaiming.unlock();
        }
    }

    private void closeIdlePools() {
        long cutoff = System.nanoTime() - settings.poolIdleTimeout().toNanos();
        pools.forEach((key, pool) -> {
            if (pool.lastUsed() < cutoff && pool.activeConnections() == 0 && pools.remove(key, pool)) {
                LOG.debug("closing idle pool for database {}", key.database());
                // Closing waits for Hikari's helper threads: not on the shared housekeeping thread.
                Thread.ofVirtual().name("cairn-pool-close").start(pool.dataSource()::close);
            }
        });
    }

    private CairnException failure(String database, SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectionBudget.BudgetExhaustedException) {
                return exhausted(database, t.getMessage());
            }
            if (t instanceof PSQLException pg && pg.getSQLState() != null) {
                return fromServer(database, pg);
            }
        }
        if (e instanceof java.sql.SQLTransientConnectionException) {
            return exhausted(database, "all " + settings.maxPerPool() + " connections of database " + database
                    + " stayed busy for " + settings.acquireTimeout().toMillis() + " ms");
        }
        return new CairnException(dev.cairn.error.Problem.of(ErrorCode.CONNECTION_FAILED,
                "cannot connect to database " + database).with("database", database).with("cause", e.getMessage()), e);
    }

    private static CairnException exhausted(String database, String why) {
        return new CairnException(dev.cairn.error.Problem.of(ErrorCode.POOL_EXHAUSTED,
                "no connection available for database " + database + ": " + why).with("database", database));
    }

    private CairnException fromServer(String database, PSQLException pg) {
        if ("3D000".equals(pg.getSQLState())) {
            markGone(database);
            return notFound(database, Optional.of(pg));
        }
        return new CairnException(dev.cairn.error.Problem.of(ErrorCode.CONNECTION_FAILED,
                "cannot connect to database " + database).with("database", database)
                .with("sqlstate", pg.getSQLState()).with("cause", pg.getMessage()), pg);
    }

    private static CairnException notFound(String database, Optional<Throwable> cause) {
        return new CairnException(dev.cairn.error.Problem.of(ErrorCode.DATABASE_NOT_FOUND,
                "database " + database + " does not exist").with("database", database), cause.orElse(null));
    }

    /** Which pool: a database and the role its connections log in as (empty: Cairn's own user). */
    private record PoolKey(String database, Optional<String> user) {
    }

    /** A pool and when it was last asked for a connection. */
    private record DatabasePool(HikariDataSource dataSource, AtomicLong lastUse) {

        DatabasePool(HikariDataSource dataSource) {
            this(dataSource, new AtomicLong(System.nanoTime()));
        }

        void touch() {
            lastUse.set(System.nanoTime());
        }

        long lastUsed() {
            return lastUse.get();
        }

        int idleConnections() {
            var bean = dataSource.getHikariPoolMXBean();
            return bean == null ? 0 : bean.getIdleConnections();
        }

        int activeConnections() {
            var bean = dataSource.getHikariPoolMXBean();
            return bean == null ? 0 : bean.getActiveConnections();
        }

        int waiting() {
            var bean = dataSource.getHikariPoolMXBean();
            return bean == null ? 0 : bean.getThreadsAwaitingConnection();
        }

        /** Soft eviction: idle connections close now, busy ones when they come back. */
        void closeIdle() {
            var bean = dataSource.getHikariPoolMXBean();
            if (bean != null) {
                bean.softEvictConnections();
            }
        }
    }
}
