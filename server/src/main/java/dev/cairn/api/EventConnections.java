package dev.cairn.api;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Event connections (WebSocket and SSE together) per principal, so no one holds more than its share. */
final class EventConnections {

    private final int max;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    EventConnections(int max) {
        this.max = max;
    }

    /** Takes a slot for {@code actor}, or 429; the returned action gives it back (once, however often it runs). */
    Runnable acquire(String actor) {
        Integer now = open.merge(actor, 1, Integer::sum);
        if (now > max) {
            release(actor);
            throw CairnException.of(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most " + max
                    + " event connections at once per principal (EVENTS_MAX_CONNECTIONS)");
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(actor);
            }
        };
    }

    private void release(String actor) {
        open.computeIfPresent(actor, (k, n) -> n <= 1 ? null : n - 1);
    }
}
