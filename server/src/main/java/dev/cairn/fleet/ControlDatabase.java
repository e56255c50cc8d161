package dev.cairn.fleet;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.pool.PoolManager;
import dev.cairn.sql.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cairn's own database: created if missing, its schema migrated by Flyway at start-up (Flyway
 * takes its own advisory lock, so several Cairn instances may start at once).
 */
public final class ControlDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(ControlDatabase.class);
    private static final int PING_ATTEMPTS = 5;
    private static final Duration PING_DEADLINE = Duration.ofSeconds(2);

    private final AtomicReference<CompletableFuture<Boolean>> inFlight = new AtomicReference<>();

    private final PoolManager pools;
    private final String name;
    private final String maintenance;

    private ControlDatabase(PoolManager pools, String name, String maintenance) {
        this.pools = pools;
        this.name = name;
        this.maintenance = maintenance;
    }

    public static ControlDatabase open(PoolManager pools, String maintenanceDatabase, String name) {
        var control = new ControlDatabase(pools, name, maintenanceDatabase);
        control.createIfMissing();
        control.migrate();
        return control;
    }

    public String name() {
        return name;
    }

    public String maintenanceDatabase() {
        return maintenance;
    }

    public Connection connection() {
        return pools.connection(name);
    }

    /** Work on a control connection inside the caller's transaction. */
    public interface SqlFunction<T> {
        T apply(Connection c) throws SQLException;
    }

    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs {@code work} in one control-database transaction: committed if it returns, rolled back if it throws. */
    public <T> T inTransaction(SqlFunction<T> work) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    /** One query with bound parameters, every row mapped. */
    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    /**
     * Whether the server answers a real round trip on a control connection within
     * {@link #PING_DEADLINE}: a load balancer's probe must get an answer in time, while an
     * unreachable server can hold a connection attempt for the whole pool acquire timeout. One
     * check runs at a time; probes that arrive meanwhile wait for its answer (up to the deadline)
     * instead of starting their own.
     */
    public boolean reachable() {
        CompletableFuture<Boolean> check = inFlight.updateAndGet(current -> current != null && !current.isDone() ? current
                : CompletableFuture.supplyAsync(this::ping, Thread.ofVirtual().name("cairn-health")::start));
        try {
            return check.get(PING_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A session the server ended fails the statement, which makes the pool discard it; the next
     * attempt takes another, so pooled connections that died together (a restart) do not report
     * an outage once the server is back.
     */
    private boolean ping() {
        for (int attempt = 0; attempt < PING_ATTEMPTS; attempt++) {
            try (Connection c = connection(); Statement st = c.createStatement()) {
                st.setQueryTimeout(2);
                st.execute("SELECT 1");
                return true;
            } catch (SQLException | RuntimeException e) {
                // try once more, then report
            }
        }
        return false;
    }

    /**
     * The size in bytes of each of {@code databases} that exists, by name, read from the
     * maintenance database in one query: no pool is opened per database to measure it.
     */
    public Map<String, Long> sizes(Collection<String> databases) {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = pools.connection(maintenance);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT datname, pg_database_size(oid) FROM pg_database WHERE datname = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", databases.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, "cannot read database sizes: "
                    + e.getMessage()), e);
        }
        return Map.copyOf(out);
    }

    private void createIfMissing() {
        try (Connection c = pools.connection(maintenance)) {
            if (exists(c, name)) {
                return;
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + Identifiers.quote(name));
                // Platform roles hold passwords in here: nobody but Cairn (and superusers) may connect.
                st.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + Identifiers.quote(name) + " FROM PUBLIC");
                LOG.info("created control database {}", name);
            } catch (SQLException e) {
                // Another instance created it meanwhile: 42P04 once it exists, 23505 on pg_database's
                // unique index while both CREATE DATABASE statements are still running.
                if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED,
                    "cannot create the control database " + name + ": " + e.getMessage()), e);
        }
    }

    static boolean exists(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void migrate() {
        Flyway.configure()
                .dataSource(pools.dataSourceFor(name))
                .locations("classpath:db/control")
                .table("cairn_schema_history")
                .load()
                .migrate();
    }
}
