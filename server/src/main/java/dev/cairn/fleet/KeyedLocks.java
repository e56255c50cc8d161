package dev.cairn.fleet;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * In-process mutual exclusion per key, in front of the advisory locks: requests that would only
 * queue on the same advisory lock wait here instead, holding no database connection meanwhile.
 * Entries are removed when no one holds or waits for them.
 */
final class KeyedLocks {

    private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    <T> T with(String key, Supplier<T> action) {
        Entry entry = locks.compute(key, (k, e) -> {
            Entry result = e == null ? new Entry() : e;
            result.users++;
            return result;
        });
        entry.lock.lock();
        try {
            return action.get();
        } finally {
            entry.lock.unlock();
            locks.computeIfPresent(key, (k, e) -> --e.users == 0 ? null : e);
        }
    }
}
