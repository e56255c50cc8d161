package dev.cairn.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Durations counted into fixed buckets, for one label set. Each bucket counts only its own range;
 * the cumulative counts Prometheus expects are summed when written, and {@code _count} is the
 * {@code +Inf} bucket of the same read, so the two always agree.
 *
 * <p>Threading: lock-free; {@link #observe} may run on any number of threads at once.
 */
final class Histogram {

    /** Requests: 1 ms to 30 s. */
    static final double[] REQUEST_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
            30};
    /** Creating or migrating a database: 10 ms (an unchanged migrate) to 10 minutes (DEPLOY_TIMEOUT_SECS). */
    static final double[] DEPLOY_SECONDS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

    private final double[] bounds;
    private final LongAdder[] counts;
    /** Nanoseconds, not seconds: integer sums do not drift as floating-point ones would. */
    private final LongAdder sumNanos = new LongAdder();

    Histogram(double[] bounds) {
        this.bounds = bounds;
        this.counts = new LongAdder[bounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void observe(long nanos) {
        double seconds = nanos / 1e9;
        int i = 0;
        while (i < bounds.length && seconds > bounds[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(nanos);
    }

    /** {@code name_bucket} per bound and {@code +Inf}, then {@code name_sum} and {@code name_count}. */
    void write(Exposition out, String name, String labels) {
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts[i].sum();
            out.sample(name + "_bucket", Exposition.with(labels, "le", Exposition.bound(bounds[i])), cumulative);
        }
        cumulative += counts[bounds.length].sum();
        out.sample(name + "_bucket", Exposition.with(labels, "le", "+Inf"), cumulative);
        out.sample(name + "_sum", labels, sumNanos.sum() / 1e9);
        out.sample(name + "_count", labels, cumulative);
    }
}
