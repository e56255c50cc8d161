package dev.cairn.fleet;

import dev.cairn.pool.Login;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few copies of a schema's current template made ahead of time ({@code READY_COPIES} per
 * platform and schema), so that creating a tenant renames one ({@code ALTER DATABASE ... RENAME},
 * well under a millisecond) instead of copying the template while the client waits (tens of
 * milliseconds, hundreds once the server is busy). After each creation the copies are made up
 * again in the background, one at a time per schema; when there is none, the creation copies the
 * template itself as before.
 *
 * <p>Copies are named {@code cairn_rdy_<random>} (no platform may use the {@code cairn} prefix),
 * owned by the platform's role, closed to everyone else, and recorded in {@code ready_copies} only
 * once they exist; {@code database_creations} tracks them until then, so one a crash left half made
 * is found and dropped. A claim deletes the row inside the control transaction that records the
 * tenant, so a failed creation gives the row back. Copies of a template that is no longer the
 * schema's current one are dropped when the schema's copies are made up.
 */
final class ReadyCopies implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadyCopies.class);
    static final String PREFIX = "cairn_rdy_";
    /** A copy's creation that has not been recorded for this long was abandoned by a dead process. */
    private static final String ABANDONED_AFTER = "10 minutes";

    /** Which copies: of this template, for this platform's schema, owned by this role. */
    record Key(String template, String platform, String schemaName, Optional<Login> owner) {
        String ownerName() {
            return owner.map(Login::user).orElse("");
        }
    }

    private final Registry registry;
    private final Provisioner provisioner;
    private final int perSchema;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("ready-copies-", 0).factory());
    private final Map<Key, AtomicInteger> asked = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Copies being made at once, over all schemas: background work must not crowd out requests. */
    private final Semaphore making = new Semaphore(2);

    ReadyCopies(Registry registry, Provisioner provisioner, int perSchema) {
        this.registry = registry;
        this.provisioner = provisioner;
        this.perSchema = Math.max(0, perSchema);
    }

    /**
     * Inside the caller's control transaction: takes the oldest copy of this template owned by this
     * role, if there is one. The row is gone once the caller commits, and back if it rolls back.
     */
    Optional<String> claim(Connection c, Key key) throws SQLException {
        if (perSchema == 0) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM ready_copies WHERE database = (
                    SELECT database FROM ready_copies WHERE template = ? AND owner = ?
                    ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING database""")) {
            ps.setString(1, key.template());
            ps.setString(2, key.ownerName());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * Makes the schema's copies up to {@code READY_COPIES} in the background. Asks that arrive
     * while it runs make it look once more when it is done, never run it twice at once.
     */
    void refillLater(Key key) {
        if (perSchema == 0 || closed.get()) {
            return;
        }
        AtomicInteger asks = asked.computeIfAbsent(key, k -> new AtomicInteger());
        if (asks.getAndIncrement() > 0) {
            return;
        }
        try {
            workers.execute(() -> {
                do {
                    asks.set(1);
                    refill(key);
                } while (asks.decrementAndGet() > 0 && !closed.get());
            });
        } catch (RejectedExecutionException e) {
            asks.set(0); // closing
        }
    }

    private void refill(Key key) {
        try {
            dropAbandoned();
            forgetVanished();
            dropOutdated(key);
            while (!closed.get() && count(key) < perSchema) {
                making.acquireUninterruptibly();
                try {
                    makeOne(key);
                } finally {
                    making.release();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not make ready copies of {} for platform {}; creations copy the template meanwhile",
                    key.template(), key.platform(), e);
        }
    }

    private int count(Key key) {
        return registry.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM ready_copies WHERE template = ? AND owner = ?")) {
                ps.setString(1, key.template());
                ps.setString(2, key.ownerName());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private void makeOne(Key key) {
        String database = PREFIX + HexFormat.of().formatHex(randomBytes());
        registry.inTransaction(c -> {
            Registry.beginCreation(c, database); // committed first: a crash before the row is written leaves a trace
            return null;
        });
        try (Provisioner.Creation creation = provisioner.create(database, Optional.of(key.template()), key.owner())) {
            registry.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ready_copies"
                        + " (database, template, platform, schema_name, owner) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, database);
                    ps.setString(2, key.template());
                    ps.setString(3, key.platform());
                    ps.setString(4, key.schemaName());
                    ps.setString(5, key.ownerName());
                    ps.executeUpdate();
                }
                Registry.endCreation(c, database);
                return null;
            });
            creation.keep();
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** Copies of the same platform's schema made from another template (an older version) or for another owner. */
    private void dropOutdated(Key key) {
        List<String> outdated = registry.inTransaction(c -> names(c, """
                SELECT database FROM ready_copies WHERE platform = ? AND schema_name = ?
                AND (template <> ? OR owner <> ?)""", key.platform(), key.schemaName(), key.template(),
                key.ownerName()));
        outdated.forEach(this::dropRecorded);
    }

    /**
     * Copies of templates that no longer exist (a clean-up dropped them): dropped too. One query:
     * {@code pg_database} is shared by every database of the server, as in {@link #forgetVanished}.
     */
    void dropOrphaned() {
        registry.inTransaction(c -> names(c, "SELECT r.database FROM ready_copies r WHERE NOT EXISTS"
                + " (SELECT 1 FROM pg_catalog.pg_database d WHERE d.datname = r.template)"))
                .forEach(this::dropRecorded);
    }

    /** Deletes the row and drops the database in one control transaction: a failed drop keeps the row. */
    private void dropRecorded(String database) {
        registry.inTransaction(c -> {
            if (!names(c, "DELETE FROM ready_copies WHERE database = ? RETURNING database", database).isEmpty()) {
                provisioner.dropLeftover(database);
            }
            return null;
        });
    }

    /**
     * Rows of copies that are gone (dropped by hand; or renamed into a tenant whose creation then
     * failed and dropped it). {@code pg_database} is shared by every database of the server, so
     * the control database sees it. A copy being claimed right now is locked by its claimer: this
     * waits for it, and skips the row if the claim went through.
     */
    private void forgetVanished() {
        registry.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM ready_copies r"
                    + " WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database d WHERE d.datname = r.database)")) {
                return ps.executeUpdate();
            }
        });
    }

    /** Copies whose creation began long ago and was never recorded: a process died making them. */
    private void dropAbandoned() {
        List<String> abandoned = registry.inTransaction(c -> names(c, "SELECT name FROM database_creations"
                + " WHERE name LIKE 'cairn\\_rdy\\_%' AND started_at < now() - interval '" + ABANDONED_AFTER + "'"));
        for (String database : abandoned) {
            registry.inTransaction(c -> {
                provisioner.dropLeftover(database);
                Registry.endCreation(c, database);
                return null;
            });
            LOG.info("dropped {}: a ready copy whose creation was never finished", database);
        }
    }

    private static List<String> names(Connection c, String sql, String... params) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Stops making copies; waits for the one being made so that it is recorded (or dropped). */
    @Override
    public void close() {
        closed.set(true);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("a ready copy was still being made after 60 s; its leftover is dropped later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
