package dev.cairn.job;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.fleet.ControlEvents;
import dev.cairn.fleet.RequestMeta;
import dev.cairn.fleet.Registry;
import dev.cairn.sql.Locks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The {@code jobs} and {@code job_items} rows of the control database. */
final class JobStore {

    private static final String UNIQUE_VIOLATION = "23505";

    /** A database of a job that has not finished yet. */
    record Item(int position, String database, long versionId) {
    }

    private final ControlDatabase control;

    JobStore(ControlDatabase control) {
        this.control = control;
    }

    /** Stores a new running job with its items; 409 with the active job's id when the platform has one. */
    UUID create(String platform, Optional<String> schemaName, JobOptions options, RequestMeta meta,
                List<Item> items) {
        UUID id = UUID.randomUUID();
        try {
            return control.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO jobs (id, platform, schema_name, status, options, request_id, actor, started_at)
                        VALUES (?, ?, ?, 'running', ?::jsonb, ?, ?, now())""")) {
                    ps.setObject(1, id);
                    ps.setString(2, platform);
                    ps.setString(3, schemaName.orElse(null));
                    ps.setString(4, JobJson.write(options));
                    ps.setString(5, meta.requestId());
                    ps.setString(6, meta.actor());
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO job_items (job_id, position, database_name, version_id) VALUES (?, ?, ?, ?)")) {
                    for (Item item : items) {
                        ps.setObject(1, id);
                        ps.setInt(2, item.position());
                        ps.setString(3, item.database());
                        ps.setLong(4, item.versionId());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return id;
            });
        } catch (CairnException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw alreadyRunning(platform);
            }
            throw e;
        }
    }

    CairnException alreadyRunning(String platform) {
        Optional<UUID> active = activeJob(platform);
        return new CairnException(Problem.of(ErrorCode.JOB_ALREADY_RUNNING, "platform " + platform
                + " already has a migration job running" + active.map(a -> " (" + a + ")").orElse("")
                + "; wait for it or follow it at /v2/migrate-all/{job_id}")
                .with("job_id", active.map(UUID::toString).orElse(null)));
    }

    Optional<UUID> activeJob(String platform) {
        return control.query("SELECT id FROM jobs WHERE platform = ? AND status IN ('queued', 'running')",
                rs -> rs.getObject(1, UUID.class), platform).stream().findFirst();
    }

    /** The status of the platform's newest job of this schema (all v1 databases when empty). */
    Optional<String> lastStatus(String platform, Optional<String> schemaName) {
        return control.query("""
                SELECT status FROM jobs WHERE platform = ? AND schema_name IS NOT DISTINCT FROM ?
                ORDER BY created_at DESC LIMIT 1""", rs -> rs.getString(1), platform, schemaName.orElse(null))
                .stream().findFirst();
    }

    List<UUID> activeJobs() {
        return control.query("SELECT id FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at",
                rs -> rs.getObject(1, UUID.class));
    }

    /** Items not finished yet (pending, or running when the process running them died), in order. */
    List<Item> unfinished(UUID id) {
        return control.query("""
                SELECT position, database_name, version_id FROM job_items
                WHERE job_id = ? AND status IN ('pending', 'running') ORDER BY position""",
                rs -> new Item(rs.getInt(1), rs.getString(2), rs.getLong(3)), id);
    }

    /**
     * Writes a batch of item starts and ends in one transaction. A start never overwrites an end
     * (the status must still be pending), and an end keeps a start written earlier.
     */
    void writeItems(UUID id, List<ItemWrites.Pending> batch) {
        control.inTransaction(c -> {
            try (PreparedStatement start = c.prepareStatement("""
                    UPDATE job_items SET status = 'running', started_at = ?
                    WHERE job_id = ? AND position = ? AND status = 'pending'""");
                 PreparedStatement end = c.prepareStatement("""
                    UPDATE job_items SET status = ?, result = ?::jsonb, finished_at = ?,
                        started_at = coalesce(started_at, ?)
                    WHERE job_id = ? AND position = ?""")) {
                for (ItemWrites.Pending p : batch) {
                    Timestamp started = Timestamp.from(p.startedAt());
                    if (p.finished().isEmpty()) {
                        start.setTimestamp(1, started);
                        start.setObject(2, id);
                        start.setInt(3, p.position());
                        start.addBatch();
                        continue;
                    }
                    ItemOutcome outcome = p.finished().get().outcome();
                    end.setString(1, outcome.status().equals("dry_run") ? "completed" : outcome.status());
                    end.setString(2, JobJson.write(outcome.item()));
                    end.setTimestamp(3, Timestamp.from(p.finished().get().at()));
                    end.setTimestamp(4, started);
                    end.setObject(5, id);
                    end.setInt(6, p.position());
                    end.addBatch();
                }
                start.executeBatch();
                end.executeBatch();
            }
            ControlEvents.job(c, id, "progress");
            return null;
        });
    }

    void finish(UUID id, String status) {
        control.inTransaction(c -> {
            exec(c, "UPDATE jobs SET status = ?, finished_at = now() WHERE id = ?", status, id);
            ControlEvents.job(c, id, "finished");
            return null;
        });
    }

    /** Marks a job interrupted if it is still marked active; true when this call changed it. */
    boolean interrupt(UUID id) {
        return update("UPDATE jobs SET status = 'interrupted', finished_at = now()"
                + " WHERE id = ? AND status IN ('queued', 'running')", id) == 1;
    }

    /**
     * Makes a finished job runnable again: failed and skipped databases go back to pending (those
     * that completed stay done). 409 if the platform has another active job.
     */
    void reopen(UUID id, String platform) {
        try {
            control.inTransaction(c -> {
                exec(c, "UPDATE jobs SET status = 'running', finished_at = NULL WHERE id = ?", id);
                exec(c, "UPDATE job_items SET status = 'pending', result = NULL, started_at = NULL, finished_at = NULL"
                        + " WHERE job_id = ? AND status IN ('pending', 'running', 'failed', 'skipped')", id);
                return null;
            });
        } catch (CairnException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw alreadyRunning(platform);
            }
            throw e;
        }
    }

    /** True when a live process holds the job's lock (it is really running). */
    boolean alive(UUID id) {
        try (Connection c = control.connection()) {
            if (Locks.JOB.trySession(c, id.toString())) {
                Locks.JOB.releaseSession(c, id.toString());
                return false;
            }
            return true;
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    Optional<JobView> view(UUID id) {
        List<JobView> jobs = control.query("""
                SELECT id, platform, schema_name, status, options::text, created_at, started_at, finished_at
                FROM jobs WHERE id = ?""", rs -> view(rs, id), id);
        return jobs.stream().findFirst();
    }

    private JobView view(ResultSet rs, UUID id) throws SQLException {
        String platform = rs.getString(2);
        Optional<String> schema = Optional.ofNullable(rs.getString(3));
        String status = rs.getString(4);
        JobOptions options = JobJson.options(rs.getString(5));
        Instant created = rs.getTimestamp(6).toInstant();
        Optional<Instant> started = instant(rs.getTimestamp(7));
        Optional<Instant> finished = instant(rs.getTimestamp(8));
        Map<String, Integer> counts = new HashMap<>();
        List<ItemResult> results = new ArrayList<>();
        int[] total = {0};
        control.query("SELECT status, result::text FROM job_items WHERE job_id = ? ORDER BY position", row -> {
            total[0]++;
            counts.merge(row.getString(1), 1, Integer::sum);
            String result = row.getString(2);
            if (result != null) {
                results.add(JobJson.result(result));
            }
            return 0;
        }, id);
        return new JobView(id, platform, schema, status, total[0], counts, results, options, created, started, finished);
    }

    private static Optional<Instant> instant(Timestamp t) {
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }

    private int update(String sql, Object... params) {
        return control.inTransaction(c -> exec(c, sql, params));
    }

    private static int exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }
}
