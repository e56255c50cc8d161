package dev.cairn.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What a limiter said about one request, and the headers that tell the client (the IETF httpapi
 * draft's {@code RateLimit-Policy} and {@code RateLimit} fields, draft 11; {@code Retry-After} on a denial).
 *
 * @param outcome           go on, answer {@code 429 rate_limited}, go on unmetered, or answer 503
 * @param limit             the bucket's burst: requests a full bucket allows at once
 * @param remaining         whole tokens left after this request
 * @param resetSeconds      until the bucket is full again (rounded up)
 * @param retryAfterSeconds until one token is back (rounded up, at least 1) when denied; 0 when allowed
 * @param windowSeconds     how long an empty bucket takes to fill: the policy's window
 */
public record Decision(Outcome outcome, int limit, int remaining, int resetSeconds, int retryAfterSeconds,
                       int windowSeconds) {

    /** The policy name the header fields carry: one bucket applies per request, so one name. */
    public static final String POLICY = "default";

    public enum Outcome {
        /** A token was taken: go on. */
        ALLOWED,
        /** The bucket is empty: answer {@code 429 rate_limited} ({@code RATE_LIMITED} on the mesh). */
        LIMITED,
        /** The store is down and the fail mode is {@code open}: go on, with no rate-limit headers. */
        UNMETERED,
        /** The store is down and the fail mode is {@code closed}: answer 503, not 429 (the client did nothing wrong). */
        UNAVAILABLE
    }

    private static final Decision UNMETERED = new Decision(Outcome.UNMETERED, 0, 0, 0, 0, 0);
    /** A client told 503 may try again once the limiter has retried its store. */
    private static final Decision UNAVAILABLE = new Decision(Outcome.UNAVAILABLE, 0, 0, 0, 1, 0);

    static Decision unmetered() {
        return UNMETERED;
    }

    static Decision unavailable() {
        return UNAVAILABLE;
    }

    /** From a bucket's state after the take (or the refused take): tokens left and the times in nanoseconds. */
    static Decision of(boolean allowed, Bucket bucket, double tokens, double resetNanos, double retryNanos) {
        return new Decision(allowed ? Outcome.ALLOWED : Outcome.LIMITED, bucket.burst(),
                (int) Math.max(0, Math.floor(tokens)), seconds(resetNanos),
                allowed ? 0 : Math.max(1, seconds(retryNanos)), bucket.windowSeconds());
    }

    /** Rounded up, but a millisecond over a whole second is rounding noise (20.000000001 s is 20, not 21). */
    private static int seconds(double nanos) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, Math.ceil((nanos - 1e6) / 1e9)));
    }

    /** Whether the request goes on (taken, or unmetered because the store is down). */
    public boolean allowed() {
        return outcome == Outcome.ALLOWED || outcome == Outcome.UNMETERED;
    }

    /**
     * The response headers, each handed to {@code header} (name, value): {@code RateLimit-Policy} and
     * {@code RateLimit} when the request was metered, {@code Retry-After} when it is refused (429 or 503).
     * While refused, {@code RateLimit}'s {@code t} is the wait for one token, so that {@code Retry-After}
     * is not earlier than the end of that window (as the draft asks); otherwise it is the wait for a full bucket.
     */
    public void headers(BiConsumer<String, String> header) {
        switch (outcome) {
            case ALLOWED, LIMITED -> {
                header.accept("RateLimit-Policy", "\"" + POLICY + "\";q=" + limit + ";w=" + windowSeconds);
                int t = outcome == Outcome.ALLOWED ? resetSeconds : retryAfterSeconds;
                header.accept("RateLimit", "\"" + POLICY + "\";r=" + remaining + ";t=" + t);
                if (outcome == Outcome.LIMITED) {
                    header.accept("Retry-After", Integer.toString(retryAfterSeconds));
                }
            }
            case UNAVAILABLE -> header.accept("Retry-After", Integer.toString(retryAfterSeconds));
            case UNMETERED -> { }
        }
    }

    /** {@link #headers(BiConsumer)} as a map, in the order they are sent. */
    public Map<String, String> headers() {
        Map<String, String> out = new LinkedHashMap<>();
        headers(out::put);
        return out;
    }
}
