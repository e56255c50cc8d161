package dev.cairn.ratelimit;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;

/**
 * A token bucket's shape: it holds at most {@code burst} tokens and gains {@code requestsPerMinute}
 * of them a minute; a request takes one. So a quiet client may send {@code burst} requests at once,
 * and a busy one is held to the rate.
 */
public record Bucket(int requestsPerMinute, int burst) {

    private static final double NANOS_PER_MINUTE = 60e9;

    public Bucket {
        if (requestsPerMinute <= 0) {
            throw CairnException.of(ErrorCode.INVALID_CONFIGURATION,
                    "a rate limit needs requests per minute above 0, got " + requestsPerMinute);
        }
        if (burst < 1) {
            throw CairnException.of(ErrorCode.INVALID_CONFIGURATION, "a rate limit's burst must be at least 1, got " + burst);
        }
    }

    /** Tokens gained over {@code nanos}: the product first, so whole multiples of a token come out exact. */
    double tokensIn(double nanos) {
        return nanos * requestsPerMinute / NANOS_PER_MINUTE;
    }

    /** How long {@code tokens} take to come back, in nanoseconds. */
    double nanosFor(double tokens) {
        return tokens * NANOS_PER_MINUTE / requestsPerMinute;
    }

    /** The window {@code RateLimit-Policy} names: how long an empty bucket takes to fill (at least 1 s). */
    public int windowSeconds() {
        return (int) Math.max(1, Math.ceil(burst * 60.0 / requestsPerMinute));
    }
}
