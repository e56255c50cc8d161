package dev.cairn.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

/**
 * Control-plane events (a database created or migrated, a fleet job's progress and end), written
 * into the control database's own {@code cairn.outbox} inside the transaction that records the
 * change, so they are relayed like any other outbox row (subjects {@code cairn.control.{platform}.
 * {what}.{happened}}) and none is lost. The table is there only while a relay runs (it creates it
 * at start-up); without one nothing is written.
 */
public final class ControlEvents {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(
            new com.fasterxml.jackson.datatype.jdk8.Jdk8Module());

    private ControlEvents() {
    }

    /** One event about {@code what} (its id {@code id}) of {@code platform}. */
    public static void record(Connection c, String platform, String what, String id, String happened,
                              Map<String, ?> payload) throws SQLException {
        if (!enabled(c)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO cairn.outbox"
                + " (aggregate_type, aggregate_id, type, payload, tenant) VALUES (?, ?, ?, ?::jsonb, ?)")) {
            ps.setString(1, what);
            ps.setString(2, id);
            ps.setString(3, happened);
            ps.setString(4, JSON.writeValueAsString(payload));
            ps.setString(5, platform);
            ps.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event payload that is not JSON", e);
        }
    }

    /** A fleet job's state ({@code progress} or {@code finished}): its status and its databases by status. */
    public static void job(Connection c, UUID job, String happened) throws SQLException {
        if (!enabled(c)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO cairn.outbox (aggregate_type, aggregate_id, type, payload, tenant)
                SELECT 'job', j.id::text, ?, jsonb_build_object('job', j.id, 'status', j.status,
                        'databases', coalesce((SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*) AS n
                            FROM job_items WHERE job_id = j.id GROUP BY status) s), '{}'::jsonb)), j.platform
                FROM jobs j WHERE j.id = ?""")) {
            ps.setString(1, happened);
            ps.setObject(2, job);
            ps.executeUpdate();
        }
    }

    private static boolean enabled(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('cairn.outbox') IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
