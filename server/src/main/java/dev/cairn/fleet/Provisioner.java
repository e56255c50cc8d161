package dev.cairn.fleet;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.pool.PoolManager;
import dev.cairn.sql.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and drops databases through the maintenance database. {@code CREATE DATABASE} cannot
 * run inside a transaction, so callers pair every create with a drop on failure: a failed deploy
 * leaves no database behind. Only databases this request created are ever dropped.
 */
final class Provisioner {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);

    private final PoolManager pools;
    private final String maintenance;

    Provisioner(PoolManager pools, String maintenance) {
        this.pools = pools;
        this.maintenance = maintenance;
    }

    boolean exists(String database) {
        try (Connection c = pools.connection(maintenance)) {
            return ControlDatabase.exists(c, database);
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    /** Creates an empty database, or a copy of {@code template}; 409 if the name is taken. */
    void create(String database, Optional<String> template) {
        String sql = "CREATE DATABASE " + Identifiers.quote(database)
                + template.map(t -> " TEMPLATE " + Identifiers.quote(t)).orElse("");
        try (Connection c = pools.connection(maintenance); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) {
                throw alreadyExists(database);
            }
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED,
                    "cannot create database " + database + ": " + e.getMessage())
                    .with("database", database).with("sqlstate", e.getSQLState()), e);
        }
    }

    /** Marks a finished template: no one may connect, anyone with CREATEDB may copy it. */
    void seal(String template) {
        run("ALTER DATABASE " + Identifiers.quote(template) + " WITH ALLOW_CONNECTIONS false IS_TEMPLATE true");
    }

    /** Drops a database this request created (or a template being replaced). Never throws. */
    void dropQuietly(String database) {
        pools.closePool(database);
        try {
            if (exists(database)) {
                run("ALTER DATABASE " + Identifiers.quote(database) + " WITH IS_TEMPLATE false");
                run("DROP DATABASE IF EXISTS " + Identifiers.quote(database) + " WITH (FORCE)");
            }
        } catch (RuntimeException e) {
            LOG.error("could not drop database {} after a failure; drop it by hand", database, e);
        }
    }

    static CairnException alreadyExists(String database) {
        return new CairnException(Problem.of(ErrorCode.DATABASE_ALREADY_EXISTS,
                "database " + database + " already exists").with("database", database));
    }

    private void run(String sql) {
        try (Connection c = pools.connection(maintenance); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, e.getMessage())
                    .with("sqlstate", e.getSQLState()), e);
        }
    }
}
