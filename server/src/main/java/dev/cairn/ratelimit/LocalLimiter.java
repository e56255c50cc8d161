package dev.cairn.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets in this process: limits hold per instance. Each key's bucket is a small mutable cell
 * guarded by its own monitor (held for a few arithmetic operations, never across I/O), so keys do
 * not contend with each other. A bucket idle long enough to be full again is the same as no bucket,
 * so a sweep, run by whichever request finds one due, drops those: memory stays bounded by the keys
 * active within their refill time.
 */
final class LocalLimiter implements RateLimiter {

    /** How often the map is swept for full (idle) buckets. */
    static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Map<String, Cell> cells = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final AtomicLong nextSweep;

    LocalLimiter() {
        this(System::nanoTime);
    }

    /** With a clock of the tests' (any monotonic nanosecond counter). */
    LocalLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.nextSweep = new AtomicLong(nanoTime.getAsLong() + SWEEP_EVERY_NANOS);
    }

    @Override
    public Decision take(String key, Bucket bucket) {
        long now = nanoTime.getAsLong();
        sweepIfDue(now);
        while (true) {
            Cell cell = cells.get(key);
            if (cell == null) {
                Cell fresh = new Cell(bucket.burst(), now);
                cell = cells.putIfAbsent(key, fresh);
                if (cell == null) {
                    cell = fresh;
                }
            }
            synchronized (cell) {
                if (!cell.evicted) {
                    return cell.take(bucket, now);
                }
            } // swept between the lookup and the lock: look again (a new cell is a full bucket, as the swept one was)
        }
    }

    /** Buckets held now (for tests). */
    int size() {
        return cells.size();
    }

    private void sweepIfDue(long now) {
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + SWEEP_EVERY_NANOS)) {
            evictIdle(now);
        }
    }

    /** Drops every bucket that is full again by {@code now}: forgetting it changes no decision. */
    void evictIdle(long now) {
        for (Map.Entry<String, Cell> e : cells.entrySet()) {
            Cell cell = e.getValue();
            synchronized (cell) {
                if (now - cell.fullAt >= 0) {
                    cell.evicted = true;
                    cells.remove(e.getKey(), cell);
                }
            }
        }
    }

    /** One bucket: its tokens as of {@code at}; guarded by its own monitor. */
    private static final class Cell {
        private double tokens;
        private long at;
        private long fullAt;
        private boolean evicted;

        Cell(int burst, long now) {
            this.tokens = burst;
            this.at = now;
            this.fullAt = now;
        }

        Decision take(Bucket bucket, long now) {
            long elapsed = Math.max(0, now - at);
            double available = Math.min(bucket.burst(), tokens + bucket.tokensIn(elapsed));
            boolean allowed = available >= 1;
            if (allowed) {
                available -= 1;
            }
            tokens = available;
            at = Math.max(at, now);
            double resetNanos = bucket.nanosFor(bucket.burst() - available);
            fullAt = at + (long) Math.ceil(resetNanos);
            return Decision.of(allowed, bucket, available, resetNanos, bucket.nanosFor(1 - available));
        }
    }
}
