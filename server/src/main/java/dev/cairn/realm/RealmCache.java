package dev.cairn.realm;

import dev.cairn.fleet.ControlDatabase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The current {@link Snapshot}: read again once it is older than the TTL (so other instances' writes
 * show within it) and dropped at once after a write on this instance. A load that began before a
 * write is not kept, so a write is never hidden by a snapshot read just before it committed.
 * Requests never wait for a refresh: an expired snapshot is still answered while one background
 * thread reads the next; only the first load, and the first after a local write, are waited for.
 */
final class RealmCache {

    private record Entry(Snapshot snapshot, long loadedNanos) {
    }

    private final ControlDatabase control;
    private final long ttlNanos;
    private final AtomicLong generation = new AtomicLong();
    private final ReentrantLock loading = new ReentrantLock();
    private final java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Entry entry;

    RealmCache(ControlDatabase control, Duration ttl) {
        this.control = control;
        this.ttlNanos = ttl.toNanos();
    }

    Snapshot get() {
        Entry e = entry;
        if (e != null && System.nanoTime() - e.loadedNanos < ttlNanos) {
            return e.snapshot;
        }
        if (e != null && ttlNanos > 0) { // a TTL of zero caches nothing: every read is a load
            if (refreshing.compareAndSet(false, true)) {
                Thread.ofVirtual().name("cairn-realm-refresh").start(this::refresh);
            }
            return e.snapshot;
        }
        return load();
    }

    private void refresh() {
        try {
            load();
        } catch (RuntimeException ex) {
            // The control database is away: the snapshot in hand stays in use, and the next request tries again.
            org.slf4j.LoggerFactory.getLogger(RealmCache.class).debug("realm tree refresh failed: {}", ex.toString());
        } finally {
            refreshing.set(false);
        }
    }

    private Snapshot load() {
        Entry e;
        loading.lock(); // one reload at a time; the others then find it fresh
        try {
            e = entry;
            if (e != null && System.nanoTime() - e.loadedNanos < ttlNanos) {
                return e.snapshot;
            }
            long before = generation.get();
            long started = System.nanoTime();
            Snapshot s = control.inTransaction(Snapshot::load);
            if (generation.get() == before) {
                entry = new Entry(s, started);
            }
            return s;
        } finally {
            loading.unlock();
        }
    }

    void invalidate() {
        generation.incrementAndGet();
        entry = null;
    }
}
