package dev.cairn.data;

import dev.cairn.sql.Locks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code cairn.outbox} of a written database: one row per created, updated or deleted row, written
 * by the write's own statement (so in its transaction), in Debezium's outbox layout. The data API
 * never serves the {@code cairn} schema, so clients cannot write it. The relay claims rows with
 * {@link #claim} ({@code FOR UPDATE SKIP LOCKED}: several relays never take the same row) and
 * marks them with {@link #published} or {@link #failed} in the same transaction.
 */
public final class Outbox {

    /** The tables the data API writes beside a platform's own, created on a database's first write. */
    static final List<String> DDL = List.of(
            "CREATE SCHEMA IF NOT EXISTS cairn",
            """
            CREATE TABLE IF NOT EXISTS cairn.outbox (
                id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                aggregate_type text NOT NULL,
                aggregate_id   text NOT NULL,
                type           text NOT NULL CHECK (type IN ('created', 'updated', 'deleted')),
                payload        jsonb,
                tenant         text NOT NULL,
                occurred_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
                published_at   timestamptz,
                attempts       integer NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX IF NOT EXISTS outbox_unpublished ON cairn.outbox (seq) WHERE published_at IS NULL",
            """
            CREATE TABLE IF NOT EXISTS cairn.idempotency (
                scope       text NOT NULL,
                key         text NOT NULL,
                fingerprint text NOT NULL,
                status      integer NOT NULL,
                headers     jsonb NOT NULL,
                body        bytea NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now(),
                expires_at  timestamptz NOT NULL,
                PRIMARY KEY (scope, key)
            )""",
            "CREATE INDEX IF NOT EXISTS idempotency_expiry ON cairn.idempotency (expires_at)");

    /** One outbox row. */
    public record Event(UUID id, long seq, String aggregateType, String aggregateId, String type, String payload,
                        String tenant, Instant occurredAt, int attempts) {
    }

    private Outbox() {
    }

    /**
     * Creates the tables if they are missing, under the database's deploy lock (DDL never races
     * DDL). The connection must be in a transaction.
     */
    static void install(Connection c) throws SQLException {
        Locks.DEPLOY.acquire(c, "0");
        try (Statement st = c.createStatement()) {
            for (String ddl : DDL) {
                st.execute(ddl);
            }
        }
    }

    static boolean installed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT to_regclass('cairn.outbox') IS NOT NULL AND to_regclass('cairn.idempotency') IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Up to {@code limit} unpublished rows, oldest first, locked for this transaction; rows another
     * transaction holds are skipped, not waited for. The connection must be in a transaction.
     */
    public static List<Event> claim(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, seq, aggregate_type, aggregate_id, type, payload::text, tenant, occurred_at, attempts
                FROM cairn.outbox WHERE published_at IS NULL ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED""")) {
            ps.setInt(1, limit);
            List<Event> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new Event(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant(), rs.getInt(9)));
                }
            }
            return events;
        }
    }

    /** Marks claimed rows published. */
    public static void published(Connection c, List<UUID> ids) throws SQLException {
        mark(c, ids, "UPDATE cairn.outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY (?)");
    }

    /** Counts a failed attempt on claimed rows; they stay unpublished for the next claim. */
    public static void failed(Connection c, List<UUID> ids) throws SQLException {
        mark(c, ids, "UPDATE cairn.outbox SET attempts = attempts + 1 WHERE id = ANY (?)");
    }

    private static void mark(Connection c, List<UUID> ids, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            ps.executeUpdate();
        }
    }
}
