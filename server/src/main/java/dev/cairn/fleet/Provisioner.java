package dev.cairn.fleet;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import dev.cairn.sql.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and drops databases through the maintenance database. {@code CREATE DATABASE} cannot
 * run inside a transaction, so a {@link Creation} keeps the maintenance connection it created the
 * database with until the caller says the database is complete: if it is not, the same connection
 * drops it again, so even under connection-budget pressure a failed deploy leaves nothing behind.
 * Only databases this request created are ever dropped, and leftovers of a creation that a dead
 * process began ({@link #dropLeftover}, which the caller proves with its records).
 */
final class Provisioner {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);

    private final PoolManager pools;
    private final String maintenance;

    Provisioner(PoolManager pools, String maintenance) {
        this.pools = pools;
        this.maintenance = maintenance;
    }

    /** A database this request just created: dropped on {@link #close()} unless {@link #keep()} was called. */
    final class Creation implements AutoCloseable {
        private final Connection connection;
        private final String database;
        private boolean kept;

        private Creation(Connection connection, String database) {
            this.connection = connection;
            this.database = database;
        }

        void keep() {
            kept = true;
        }

        /** Seals a finished template: no one may connect, anyone with CREATEDB may copy it. */
        void sealAsTemplate() {
            run(connection, "ALTER DATABASE " + Identifiers.quote(database)
                    + " WITH ALLOW_CONNECTIONS false IS_TEMPLATE true");
        }

        @Override
        public void close() {
            try {
                if (!kept) {
                    drop(connection, database);
                }
            } finally {
                closeQuietly(connection);
            }
        }
    }

    boolean exists(String database) {
        try (Connection c = pools.connection(maintenance)) {
            return ControlDatabase.exists(c, database);
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    /**
     * Creates an empty database, or a copy of {@code template}, owned by {@code owner} (a
     * platform's role) when given; closed to everyone else. 409 if the name is taken.
     */
    Creation create(String database, Optional<String> template, Optional<Login> owner) {
        Connection c = pools.connection(maintenance);
        String sql = "CREATE DATABASE " + Identifiers.quote(database)
                + template.map(t -> " TEMPLATE " + Identifiers.quote(t)).orElse("")
                + owner.map(o -> " OWNER " + Identifiers.quote(o.user())).orElse("");
        try (Statement st = c.createStatement()) {
            st.execute(sql);
            st.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + Identifiers.quote(database) + " FROM PUBLIC");
            pools.created(database);
            return new Creation(c, database);
        } catch (SQLException e) {
            closeQuietly(c);
            if ("42P04".equals(e.getSQLState())) {
                throw alreadyExists(database);
            }
            throw Registry.controlFailure(e).with("database", database);
        }
    }

    /**
     * A ready copy renamed to {@code database}: the same as a new copy of its template, already
     * owned and closed to everyone else. Empty when the copy is gone (the caller copies the
     * template instead); 409 if the name is taken.
     */
    Optional<Creation> rename(String copy, String database) {
        Connection c = pools.connection(maintenance);
        try (Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + Identifiers.quote(copy) + " RENAME TO " + Identifiers.quote(database));
            pools.created(database);
            return Optional.of(new Creation(c, database));
        } catch (SQLException e) {
            closeQuietly(c);
            if ("3D000".equals(e.getSQLState())) {
                LOG.warn("ready copy {} is gone; copying the template for {} instead", copy, database);
                return Optional.empty();
            }
            if ("42P04".equals(e.getSQLState())) {
                throw alreadyExists(database);
            }
            throw Registry.controlFailure(e).with("database", database);
        }
    }

    /**
     * Installs extensions that only a superuser may install ({@code EXTENSIONS_ALLOWED}) as Cairn
     * itself, into a database this request just created, before the platform's deploy runs.
     */
    void installAsCairn(String database, java.util.List<String> extensions) {
        if (extensions.isEmpty()) {
            return;
        }
        try (Connection c = pools.unpooled(database, Optional.empty()); Statement st = c.createStatement()) {
            for (String extension : extensions) {
                st.execute("CREATE EXTENSION IF NOT EXISTS " + Identifiers.quote(extension));
            }
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.EXTENSION_NOT_AVAILABLE,
                    "cannot install extension(s) " + extensions + ": " + e.getMessage()).with("database", database), e);
        }
    }

    /** True when the database exists and is sealed as a template (the last step of building one). */
    boolean isSealedTemplate(String database) {
        try (Connection c = pools.connection(maintenance);
             PreparedStatement ps = c.prepareStatement("SELECT datistemplate FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    /**
     * Drops a leftover of an earlier crash (a template, or a database whose creation began and
     * never finished); never a database the registry knows.
     */
    void dropLeftover(String database) {
        try (Connection c = pools.connection(maintenance)) {
            if (ControlDatabase.exists(c, database)) {
                drop(c, database);
            }
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    static CairnException alreadyExists(String database) {
        return new CairnException(Problem.of(ErrorCode.DATABASE_ALREADY_EXISTS,
                "database " + database + " already exists").with("database", database));
    }

    /** Drops a database an operator deleted: its pools first; a failure is the caller's to report. */
    void dropDeleted(String database) {
        pools.closePool(database);
        try (Connection c = pools.connection(maintenance)) {
            run(c, "DROP DATABASE IF EXISTS " + Identifiers.quote(database) + " WITH (FORCE)");
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    private void drop(Connection c, String database) {
        pools.closePool(database);
        try {
            run(c, "ALTER DATABASE " + Identifiers.quote(database) + " WITH IS_TEMPLATE false");
            run(c, "DROP DATABASE IF EXISTS " + Identifiers.quote(database) + " WITH (FORCE)");
        } catch (RuntimeException e) {
            LOG.error("could not drop database {} after a failure; drop it by hand", database, e);
        }
    }

    private static void run(Connection c, String sql) {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a maintenance connection failed", e);
        }
    }
}
