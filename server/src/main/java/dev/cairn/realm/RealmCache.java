package dev.cairn.realm;

import dev.cairn.fleet.ControlDatabase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The current {@link Snapshot}: read again once it is older than the TTL (so other instances' writes
 * show within it) and dropped at once after a write on this instance. A load that began before a
 * write is not kept, so a write is never hidden by a snapshot read just before it committed.
 */
final class RealmCache {

    private record Entry(Snapshot snapshot, long loadedNanos) {
    }

    private final ControlDatabase control;
    private final long ttlNanos;
    private final AtomicLong generation = new AtomicLong();
    private final ReentrantLock loading = new ReentrantLock();
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
