package dev.cairn.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start and end of a job's databases, written to {@code job_items} in batches: one control
 * transaction per {@link #INTERVAL} at most, instead of two per database. A migrate of an
 * up-to-date database takes a few milliseconds, so two commits each would cost more than the
 * migrate itself.
 *
 * <p>Losing a batch to a crash is safe: an item whose end was not written is still pending or
 * running, so resuming the job migrates it again, which is a no-op for a database that got there.
 * Times are taken when the event happens, not when it is written. Thread-safe; one flusher thread.
 */
final class ItemWrites implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ItemWrites.class);
    static final java.time.Duration INTERVAL = java.time.Duration.ofMillis(100);

    /** What to write for one item: its start, and its end once known. */
    record Pending(int position, Instant startedAt, Optional<Finished> finished) {
    }

    record Finished(ItemOutcome outcome, Instant at) {
    }

    private final JobStore store;
    private final UUID job;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private Map<Integer, Pending> pending = new LinkedHashMap<>();
    private boolean closed;
    private final Thread flusher;

    ItemWrites(JobStore store, UUID job) {
        this.store = store;
        this.job = job;
        this.flusher = Thread.ofVirtual().name("job-writes-" + job).start(this::loop);
    }

    void started(int position) {
        put(new Pending(position, Instant.now(), Optional.empty()));
    }

    void finished(int position, ItemOutcome outcome) {
        Instant now = Instant.now();
        lock.lock();
        try {
            Instant started = pending.containsKey(position) ? pending.get(position).startedAt() : now;
            putLocked(new Pending(position, started, Optional.of(new Finished(outcome, now))));
        } finally {
            lock.unlock();
        }
    }

    /** Writes everything queued; afterwards no event is held (the final status is computed from the rows). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            flusher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush(); // whatever a failed write in the loop left behind; a failure here is the job's failure
    }

    private void put(Pending p) {
        lock.lock();
        try {
            putLocked(p);
        } finally {
            lock.unlock();
        }
    }

    private void putLocked(Pending p) {
        boolean wasEmpty = pending.isEmpty();
        pending.put(p.position(), p);
        if (wasEmpty) {
            queued.signalAll();
        }
    }

    private void loop() {
        while (waitForWork()) {
            try {
                flush();
            } catch (RuntimeException e) {
                LOG.warn("job {}: could not write progress ({}); retrying", job, e.getMessage());
            }
            sleep(INTERVAL);
        }
    }

    /** False once closed: the closing thread writes the rest itself. */
    private boolean waitForWork() {
        lock.lock();
        try {
            while (pending.isEmpty() && !closed) {
                queued.awaitUninterruptibly();
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    private void flush() {
        List<Pending> batch;
        lock.lock();
        try {
            if (pending.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(pending.values());
            pending = new LinkedHashMap<>();
        } finally {
            lock.unlock();
        }
        try {
            store.writeItems(job, batch);
        } catch (RuntimeException e) {
            requeue(batch);
            throw e;
        }
    }

    /** A batch that could not be written goes back, unless a newer event for the same item came meanwhile. */
    private void requeue(List<Pending> batch) {
        lock.lock();
        try {
            for (Pending p : batch) {
                pending.putIfAbsent(p.position(), p);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void sleep(java.time.Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
