package dev.cairn.fleet;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.pool.PoolManager;
import dev.cairn.sql.Locks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * A tenant database's life after its creation: suspended (it refuses data requests with
 * {@code 423 database_suspended} and its pools are closed; other instances see it within the
 * directory's two seconds), resumed, or deleted for good (only a tenant's, only when the request
 * repeats its name, never while a fleet job still has it to do; the database, its pools, its record
 * and with them its role's grants go). Each is serialized with the creation of the same name.
 */
public final class DatabaseLifecycle {

    /** What a lifecycle request did. */
    public record Outcome(String database, String status, Optional<Instant> suspendedAt) {
    }

    private final Registry registry;
    private final DatabaseDirectory directory;
    private final PoolManager pools;
    private final Provisioner provisioner;

    public DatabaseLifecycle(Registry registry, DatabaseDirectory directory, PoolManager pools, String maintenance) {
        this.registry = registry;
        this.directory = directory;
        this.pools = pools;
        this.provisioner = new Provisioner(pools, maintenance);
    }

    public Outcome suspend(String database) {
        Instant at = registry.inTransaction(c -> {
            DatabaseRecord record = locked(c, database);
            if (record.suspended()) {
                return record.suspendedAt().orElseThrow();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE databases SET suspended_at = now() WHERE name = ? RETURNING suspended_at")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getTimestamp(1).toInstant();
                }
            }
        });
        directory.forget(database); // new requests now read the suspension; then the pools go
        pools.closePool(database);
        return new Outcome(database, "suspended", Optional.of(at));
    }

    public Outcome resume(String database) {
        registry.inTransaction(c -> {
            locked(c, database);
            try (PreparedStatement ps = c.prepareStatement("UPDATE databases SET suspended_at = NULL WHERE name = ?")) {
                ps.setString(1, database);
                return ps.executeUpdate();
            }
        });
        directory.forget(database);
        return new Outcome(database, "active", Optional.empty());
    }

    /**
     * Drops the database, then its record, in that order: a crash in between leaves a record of a
     * database that is gone (its requests answer 404), and deleting it again finishes the job.
     */
    public Outcome delete(String database, String confirm) {
        if (!database.equals(confirm)) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "deleting a database is for good:"
                    + " send {\"confirm\": \"" + database + "\"} to confirm").with("field", "confirm"));
        }
        registry.inTransaction(c -> {
            DatabaseRecord record = locked(c, database);
            if (record.isMain()) {
                throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, database + " is the main database"
                        + " of platform " + record.platform() + "; only tenant databases can be deleted")
                        .with("database", database));
            }
            Optional<String> job = activeJob(c, database);
            if (job.isPresent()) {
                throw new CairnException(Problem.of(ErrorCode.JOB_ALREADY_RUNNING, "job " + job.get()
                        + " still has to migrate " + database + "; delete it when the job has ended")
                        .with("database", database).with("job_id", job.get()));
            }
            directory.forget(database);
            provisioner.dropDeleted(database);
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM databases WHERE name = ?")) {
                ps.setString(1, database);
                deleted = ps.executeUpdate();
            }
            if (record.tenant().isPresent()) {
                RealmRows.tenantDatabaseDeleted(c, record.platform(), record.tenant().get());
            }
            return deleted;
        });
        directory.forget(database);
        return new Outcome(database, "deleted", Optional.empty());
    }

    /** The record, under the lock that creation of the same name takes; 404 if there is none. */
    private static DatabaseRecord locked(Connection c, String database) throws SQLException {
        Locks.CREATE_DATABASE.acquire(c, database);
        return Registry.database(c, database).orElseThrow(() -> new CairnException(Problem.of(
                ErrorCode.DATABASE_NOT_FOUND, "database " + database + " does not exist").with("database", database)));
    }

    private static Optional<String> activeJob(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT j.id::text FROM job_items i JOIN jobs j ON j.id = i.job_id
                WHERE i.database_name = ? AND j.status IN ('queued', 'running') AND i.status IN ('pending', 'running')
                LIMIT 1""")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
