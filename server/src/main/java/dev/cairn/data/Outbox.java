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
import java.util.Optional;
import java.util.UUID;

/**
 * {@code cairn.outbox} of a written database: one row per created, updated or deleted row, written
 * by the write's own statement (so in its transaction), in Debezium's outbox layout. The data API
 * never serves the {@code cairn} schema, so clients cannot write it; a stored function emits an
 * event of its own by inserting a row (docs/events.md). The relay ({@code dev.cairn.events})
 * claims rows with {@link #claim} ({@code FOR UPDATE SKIP LOCKED}: several relays never take the
 * same row) and marks them with {@link #published} or {@link #failed} in the same transaction.
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
                type           text NOT NULL CHECK (type <> ''),
                payload        jsonb,
                tenant         text NOT NULL DEFAULT '',
                occurred_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
                published_at   timestamptz,
                attempts       integer NOT NULL DEFAULT 0,
                last_error     text,
                stream_seq     bigint
            )""",
            // Tables made before the relay existed: its columns, and any type a function emits.
            "ALTER TABLE cairn.outbox ADD COLUMN IF NOT EXISTS last_error text",
            "ALTER TABLE cairn.outbox ADD COLUMN IF NOT EXISTS stream_seq bigint",
            "ALTER TABLE cairn.outbox DROP CONSTRAINT IF EXISTS outbox_type_check",
            "ALTER TABLE cairn.outbox ALTER COLUMN tenant SET DEFAULT ''",
            "CREATE INDEX IF NOT EXISTS outbox_unpublished ON cairn.outbox (seq) WHERE published_at IS NULL",
            "CREATE INDEX IF NOT EXISTS outbox_published ON cairn.outbox (published_at) WHERE published_at IS NOT NULL",
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

    /** One outbox row; {@code payload} is JSON text ({@code null} when the row has none). */
    public record Event(UUID id, long seq, String aggregateType, String aggregateId, String type, Optional<String> payload,
                        String tenant, Instant occurredAt, int attempts) {
    }

    private Outbox() {
    }

    /**
     * Creates the tables if they are missing (or brings them to their current shape), under the
     * database's deploy lock (DDL never races DDL). Deploys run it too, so a stored function can
     * insert events from the first version on. The connection must be in a transaction.
     */
    public static void install(Connection c) throws SQLException {
        Locks.DEPLOY.acquire(c, "0");
        try (Statement st = c.createStatement()) {
            for (String ddl : DDL) {
                st.execute(ddl);
            }
        }
    }

    /** Whether the tables are there in their current shape (the newest column included). */
    static boolean installed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT to_regclass('cairn.idempotency') IS NOT NULL AND EXISTS (SELECT 1 FROM pg_attribute
                    WHERE attrelid = to_regclass('cairn.outbox') AND attname = 'stream_seq' AND NOT attisdropped)""");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Up to {@code limit} unpublished rows that have failed fewer than {@code maxAttempts} times,
     * oldest first, locked for this transaction; rows another transaction holds are skipped, not
     * waited for. Empty when the database has no outbox. The connection must be in a transaction.
     */
    public static List<Event> claim(Connection c, int limit, int maxAttempts) throws SQLException {
        if (!exists(c)) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, seq, aggregate_type, aggregate_id, type, payload::text, tenant, occurred_at, attempts
                FROM cairn.outbox WHERE published_at IS NULL AND attempts < ?
                ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED""")) {
            ps.setInt(1, maxAttempts);
            ps.setInt(2, limit);
            List<Event> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new Event(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), Optional.ofNullable(rs.getString(6)), rs.getString(7),
                            rs.getTimestamp(8).toInstant(), rs.getInt(9)));
                }
            }
            return events;
        }
    }

    /** Whether the database has an outbox at all (a database never written through Cairn may not). */
    public static boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('cairn.outbox') IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Rows still to publish (those given up on after too many failures included): 0 without an outbox. */
    public static long pending(Connection c) throws SQLException {
        if (!exists(c)) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM cairn.outbox WHERE published_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Marks claimed rows published, each with the stream sequence JetStream stored it under. */
    public static void published(Connection c, List<UUID> ids, List<Long> sequences) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE cairn.outbox o SET published_at = now(), attempts = o.attempts + 1, stream_seq = v.seq
                FROM unnest(?::uuid[], ?::bigint[]) AS v(id, seq) WHERE o.id = v.id""")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            ps.setArray(2, c.createArrayOf("bigint", sequences.toArray()));
            ps.executeUpdate();
        }
    }

    /** The stream sequence an event was published under; empty if unknown (not published, or deleted). */
    public static java.util.OptionalLong sequenceOf(Connection c, UUID id) throws SQLException {
        if (!exists(c)) {
            return java.util.OptionalLong.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT stream_seq FROM cairn.outbox WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long seq = rs.getLong(1);
                    return rs.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(seq);
                }
                return java.util.OptionalLong.empty();
            }
        }
    }

    /** Counts a failed attempt on one claimed row and keeps why; it stays unpublished for the next claim. */
    public static void failed(Connection c, UUID id, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE cairn.outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?")) {
            ps.setString(1, error);
            ps.setObject(2, id);
            ps.executeUpdate();
        }
    }

    /**
     * Deletes up to {@code limit} rows published before {@code before}, oldest first; the count
     * deleted. Called in a loop by the relay, one short transaction per batch.
     */
    public static int deletePublished(Connection c, Instant before, int limit) throws SQLException {
        if (!exists(c)) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM cairn.outbox WHERE id IN (SELECT id FROM cairn.outbox
                    WHERE published_at IS NOT NULL AND published_at < ? ORDER BY published_at LIMIT ?)""")) {
            ps.setObject(1, java.time.OffsetDateTime.ofInstant(before, java.time.ZoneOffset.UTC));
            ps.setInt(2, limit);
            return ps.executeUpdate();
        }
    }
}
