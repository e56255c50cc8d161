package dev.cairn.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Transaction-scoped PostgreSQL advisory locks, namespaced by purpose (the first key), so that
 * Cairn's locks never collide with each other or with an application's own. They are released
 * when the transaction ends, including when the process dies, so nothing is left locked.
 */
public enum Locks {
    /** Creating one database (second key: the database name). Held in the control database. */
    CREATE_DATABASE(0x43A10001),
    /** Building one template database (second key: the template name). Held in the control database. */
    BUILD_TEMPLATE(0x43A10002),
    /** Storing a schema version of one platform (second key: the platform). Held in the control database. */
    PLATFORM_SCHEMA(0x43A10003),
    /** Deploying to or migrating one database. Held inside that database (second key: 0). */
    DEPLOY(0x43A10004),
    /** Creating the role of one platform (second key: the platform). Held in the control database. */
    PLATFORM_ROLE(0x43A10005),
    /**
     * A fleet job being run (second key: the job id). Session-level, held in the control database
     * by the process running the job for as long as it runs: when that process dies the lock goes
     * with its connection, which is how a job left "running" is known to be interrupted.
     */
    JOB(0x43A10006),
    /**
     * A data-API request under one idempotency key (second key: scope and key). Held inside the
     * written database for the request's transaction: a second request with that key finds it taken.
     */
    IDEMPOTENCY(0x43A10007),
    /**
     * Relaying one database's outbox (second key: 0). Held inside that database for one batch's
     * transaction: one relay at a time per database, across Cairn instances, so its rows leave in
     * order.
     */
    RELAY(0x43A10008);

    private final int namespace;

    Locks(int namespace) {
        this.namespace = namespace;
    }

    /** Waits for the lock; the connection must be inside a transaction. */
    public void acquire(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            ps.setInt(1, namespace);
            ps.setString(2, key);
            ps.execute();
        }
    }

    /** Takes the lock if it is free, until the transaction ends; the connection must be inside one. */
    public boolean tryTransaction(Connection c, String key) throws SQLException {
        return tryLock(c, "SELECT pg_try_advisory_xact_lock(?, hashtext(?))", key);
    }

    /** Takes a session-level lock if it is free; it lasts until {@link #releaseSession} or the session ends. */
    public boolean trySession(Connection c, String key) throws SQLException {
        return tryLock(c, "SELECT pg_try_advisory_lock(?, hashtext(?))", key);
    }

    private boolean tryLock(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, namespace);
            ps.setString(2, key);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    public void releaseSession(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            ps.setInt(1, namespace);
            ps.setString(2, key);
            ps.execute();
        }
    }
}
