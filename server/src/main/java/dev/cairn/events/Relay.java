package dev.cairn.events;

import dev.cairn.data.Outbox;
import dev.cairn.data.WriteListener;
import dev.cairn.error.CairnException;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.fleet.DatabaseDirectory;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.PlatformRoles;
import dev.cairn.fleet.Registry;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves outbox rows of every database into JetStream. No connection is held per database: a
 * database is drained when something says it may have rows, on a pooled connection taken for the
 * pass. Three things say so: a data-API write as it commits ({@link #written}, at once); a sweep,
 * every {@code sweepInterval}, over the databases where writes or writing functions ran lately
 * ({@link #called}); and a slow sweep over every database, for rows written with no request
 * through this instance at all. While NATS is away nothing is claimed; the rows wait, counted
 * for {@code /health}, and everything is looked at again when it comes back.
 */
public final class Relay implements WriteListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    /** A database not written for this long leaves the frequent sweep (the full sweep still covers it). */
    private static final long RECENT_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final long CLEAN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int DELETE_BATCH = 1000;

    private final EventSettings settings;
    private final String controlDatabase;
    private final NatsLink link;
    private final Subscriptions subscriptions;
    private final EventStream stream;
    private final DatabaseDirectory directory;
    private final Registry registry;
    private final PlatformRoles roles;
    private final PoolManager pools;
    private final ScheduledExecutorService scheduler;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /** Databases a worker is draining now, and those woken meanwhile (drained again by the same worker). */
    private final Set<String> draining = ConcurrentHashMap.newKeySet();
    private final Set<String> again = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> recent = new ConcurrentHashMap<>();
    private final Map<String, Long> backlog = new ConcurrentHashMap<>();
    private final Map<String, Long> cleaned = new ConcurrentHashMap<>();
    private final AtomicBoolean streamReady = new AtomicBoolean();
    private final LongAdder published = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final AtomicBoolean fullSweepRunning = new AtomicBoolean();
    private final List<Thread> workers = new ArrayList<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private volatile boolean closed;

    private Relay(EventSettings settings, DatabaseDirectory directory, Registry registry, PlatformRoles roles,
                  PoolManager pools, ScheduledExecutorService scheduler, String controlDatabase) {
        this.settings = settings;
        this.controlDatabase = controlDatabase; // drained like any database, its rows being control-plane events
        this.stream = new EventStream(settings);
        this.directory = directory;
        this.registry = registry;
        this.roles = roles;
        this.pools = pools;
        this.scheduler = scheduler;
        this.link = NatsLink.open(settings, this::connected);
        this.subscriptions = new Subscriptions(settings, link);
    }

    /** The gateway's NATS connection, which the relay owns (closes) and other features share. */
    public NatsLink nats() {
        return link;
    }

    /** The relay, or empty (said once in the log) when no NATS server is configured. */
    public static Optional<Relay> start(EventSettings settings, DatabaseDirectory directory, Registry registry,
                                        PlatformRoles roles, PoolManager pools, ScheduledExecutorService scheduler,
                                        ControlDatabase control) {
        if (!settings.enabled()) {
            LOG.info("events: no NATS_URL, so no relay: outbox rows are written and kept, and published once one is set");
            return Optional.empty();
        }
        Relay relay = new Relay(settings, directory, registry, roles, pools, scheduler, control.name());
        relay.installControlOutbox(control);
        relay.begin();
        return Optional.of(relay);
    }

    /** The control database's outbox, where control-plane events are written (fleet.ControlEvents). */
    private void installControlOutbox(ControlDatabase control) {
        control.inTransaction(c -> {
            Outbox.install(c);
            return null;
        });
    }

    private void begin() {
        for (int i = 0; i < settings.workers(); i++) {
            workers.add(Thread.ofVirtual().name("cairn-relay-" + i).start(this::work));
        }
        long sweep = settings.sweepInterval().toMillis();
        timers.add(scheduler.scheduleWithFixedDelay(this::sweepRecent, sweep, sweep, TimeUnit.MILLISECONDS));
        long full = settings.fullSweepInterval().toMillis();
        timers.add(scheduler.scheduleWithFixedDelay(this::fullSweepLater, Math.min(full, 10_000), full,
                TimeUnit.MILLISECONDS));
    }

    @Override
    public void written(String database) {
        recent.put(database, System.nanoTime());
        enqueue(database);
    }

    @Override
    public void called(String database) {
        recent.put(database, System.nanoTime());
    }

    /** Live subscriptions, on this relay's NATS connection. */
    public Subscriptions subscriptions() {
        return subscriptions;
    }

    /** What {@code /health} says about events. */
    public RelayStatus status() {
        long waiting = backlog.values().stream().mapToLong(Long::longValue).sum();
        return new RelayStatus(link.connected(), streamReady.get(), settings.stream(), waiting, published.sum(),
                duplicates.sum());
    }

    // ---- scheduling ----------------------------------------------------------------------------------

    private void enqueue(String database) {
        if (closed) {
            return;
        }
        if (draining.contains(database)) {
            // The worker on it queues it again when its pass ends: no second connection, no lock contention.
            again.add(database);
            if (draining.contains(database) || !again.remove(database)) {
                return; // still draining (it will see the mark), or its worker already took the mark and queued it
            }
        }
        if (queued.add(database)) {
            queue.add(database);
        }
    }

    private void later(String database, long millis) {
        if (!closed) {
            scheduler.schedule(() -> enqueue(database), millis, TimeUnit.MILLISECONDS);
        }
    }

    private void work() {
        while (!closed) {
            String database;
            try {
                database = queue.poll(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (database == null) {
                continue;
            }
            queued.remove(database);
            if (!draining.add(database)) {
                again.add(database);
                continue;
            }
            try {
                drain(database);
            } catch (RuntimeException e) {
                LOG.warn("events: relaying {} failed: {}", database, e.toString());
                later(database, 5_000);
            } finally {
                draining.remove(database);
                if (again.remove(database)) {
                    enqueue(database); // woken during the pass: to the back of the queue, so busy databases take turns
                }
            }
        }
    }

    /** NATS is (back) up: the stream is checked again, and every database that may have rows is looked at. */
    private void connected() {
        streamReady.set(false);
        Thread.ofVirtual().name("cairn-relay-stream").start(() -> {
            if (ensureStream()) {
                recent.keySet().forEach(this::enqueue);
                backlog.keySet().forEach(this::enqueue);
            }
        });
    }

    private void sweepRecent() {
        long now = System.nanoTime();
        recent.entrySet().removeIf(e -> now - e.getValue() > RECENT_NANOS);
        recent.keySet().forEach(this::enqueue);
        enqueue(controlDatabase); // control-plane events are written by every kind of control change
    }

    private void fullSweepLater() {
        if (fullSweepRunning.compareAndSet(false, true)) {
            Thread.ofVirtual().name("cairn-relay-sweep").start(() -> {
                try {
                    fullSweep();
                } finally {
                    fullSweepRunning.set(false);
                }
            });
        }
    }

    /**
     * Every database this instance has not looked at lately, one short unpooled connection each:
     * a sweep over 10,000 idle databases opens no pools and keeps no connections.
     */
    private void fullSweep() {
        List<DatabaseRecord> all;
        try {
            all = registry.activeDatabases();
        } catch (CairnException e) {
            LOG.debug("events: full sweep skipped: {}", e.getMessage());
            return;
        }
        for (DatabaseRecord database : all) {
            if (closed) {
                return;
            }
            if (recent.containsKey(database.name()) || queued.contains(database.name())) {
                continue;
            }
            try (Connection c = pools.unpooled(database.name(), roles.login(database.platform()))) {
                long pending = Outbox.pending(c);
                if (pending > 0) {
                    backlog.put(database.name(), pending);
                    recent.put(database.name(), System.nanoTime());
                    enqueue(database.name());
                }
            } catch (SQLException | CairnException e) {
                LOG.debug("events: full sweep could not look at {}: {}", database.name(), e.getMessage());
            }
        }
    }

    // ---- one database ----------------------------------------------------------------------------------

    private void drain(String name) {
        Origin origin;
        Optional<Login> login;
        if (name.equals(controlDatabase)) {
            origin = Origin.control(name);
            login = Optional.empty();
        } else {
            Optional<DatabaseRecord> found = directory.find(name);
            if (found.isEmpty() || found.get().suspended()) {
                recent.remove(name);
                backlog.remove(name);
                return;
            }
            origin = Origin.of(found.get());
            login = roles.login(found.get().platform());
        }
        try (Connection c = pools.connection(name, login)) {
            if (!link.connected() || !ensureStream()) {
                backlog.put(name, Outbox.pending(c)); // counted for /health; drained when NATS is back
                return;
            }
            Drain.Pass pass = Drain.run(c, origin, stream, link.connection(), settings);
            published.add(pass.published());
            duplicates.add(pass.duplicates());
            switch (pass.ended()) {
                case EMPTY -> backlog.remove(name);
                case BUSY -> later(name, 100); // another instance is on it; rows it missed are taken after it
                case NATS_TROUBLE -> {
                    backlog.put(name, Outbox.pending(c));
                    streamReady.set(false); // a stream deleted under us answers nothing: check it again
                    later(name, 1_000);
                }
                case REFUSED -> later(name, 1_000);
            }
            clean(c, name);
        } catch (SQLException | IOException e) {
            LOG.debug("events: relaying {} failed, retried in 5 s: {}", name, e.toString());
            later(name, 5_000);
        } catch (CairnException e) {
            LOG.debug("events: cannot reach {}: {}", name, e.getMessage());
            later(name, 5_000);
        }
    }

    /** Creates or checks the stream once per connection to NATS; false (and a warning) when it cannot. */
    private synchronized boolean ensureStream() {
        if (streamReady.get()) {
            return true;
        }
        try {
            stream.ensure(link.connection());
            streamReady.set(true);
            LOG.info("events: stream {} ready (subjects {}, events kept {}, duplicate window {})", settings.stream(),
                    stream.subjects(), settings.maxAge(), settings.duplicateWindow());
            return true;
        } catch (IOException | io.nats.client.JetStreamApiException e) {
            LOG.warn("events: cannot create or update stream {}: {}", settings.stream(), e.getMessage());
            return false;
        }
    }

    /** Published rows older than the retention go, in batches, at most every ten minutes per database. */
    private void clean(Connection c, String name) throws SQLException {
        long now = System.nanoTime();
        Long last = cleaned.get(name);
        if (last != null && now - last < CLEAN_EVERY_NANOS) {
            return;
        }
        cleaned.put(name, now);
        Instant before = Instant.now().minus(settings.outboxRetention());
        int deleted;
        do {
            deleted = Outbox.deletePublished(c, before, DELETE_BATCH);
        } while (deleted == DELETE_BATCH && !closed);
    }

    @Override
    public void close() {
        closed = true;
        timers.forEach(t -> t.cancel(false));
        // Not interrupted: an interrupt in the middle of a pass would break its pooled connection.
        for (Thread worker : workers) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        link.close();
    }
}
