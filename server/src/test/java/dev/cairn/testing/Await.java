package dev.cairn.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests for something that happens a moment later (a backend exits, a statistic is
 * flushed, a request reaches PostgreSQL) by polling a condition, never by sleeping a guessed time.
 */
public final class Await {

    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails naming {@code what} if it does not within {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                assertThat(condition.getAsBoolean()).as("waited " + timeout.toMillis() + " ms for: " + what).isTrue();
                return;
            }
            pause();
        }
    }

    /**
     * Checks that {@code condition} keeps holding for the whole of {@code period}: that something
     * does not happen (a session is not opened) is only seen by watching for a while.
     */
    public static void holds(String what, Duration period, BooleanSupplier condition) {
        long end = System.nanoTime() + period.toNanos();
        do {
            assertThat(condition.getAsBoolean()).as(what).isTrue();
            pause();
        } while (System.nanoTime() < end);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
