package dev.cairn.ratelimit;

import java.net.URI;
import java.time.Duration;

/**
 * Where buckets live and what happens when that store is away.
 *
 * @param store        {@code RATE_LIMIT_STORE}: in this process, or in Redis shared by every instance
 * @param redisUrl     {@code RATE_LIMIT_REDIS_URL}: {@code redis://[[user]:password@]host[:port][/db]} (or {@code rediss://})
 * @param failMode     {@code RATE_LIMIT_FAIL_MODE}: what the limiter answers while Redis is down or slow
 * @param redisTimeout {@code RATE_LIMIT_REDIS_TIMEOUT_MS}: connect and reply limit for one Redis call
 */
public record RateLimitSettings(Store store, URI redisUrl, FailMode failMode, Duration redisTimeout) {

    public static final URI DEFAULT_REDIS_URL = URI.create("redis://127.0.0.1:6379");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);

    public enum Store {
        LOCAL, REDIS
    }

    /** What a limiter whose store is down or slow answers. */
    public enum FailMode {
        /** Decide with buckets in this instance: limits still hold, per instance. */
        LOCAL,
        /** Allow every request, without rate-limit headers. */
        OPEN,
        /** Refuse every request with 503 (not 429: the client did nothing wrong). */
        CLOSED
    }

    public static RateLimitSettings defaults() {
        return new RateLimitSettings(Store.LOCAL, DEFAULT_REDIS_URL, FailMode.LOCAL, DEFAULT_TIMEOUT);
    }

    /** The Redis address without its credentials, for logs. */
    public String redisAddress() {
        return redisUrl.getScheme() + "://" + redisUrl.getHost() + ":" + (redisUrl.getPort() < 0 ? 6379 : redisUrl.getPort());
    }

    /** Never the password. */
    @Override
    public String toString() {
        return "RateLimitSettings[store=" + store + ", redis=" + redisAddress() + ", failMode=" + failMode
                + ", redisTimeout=" + redisTimeout.toMillis() + " ms]";
    }
}
