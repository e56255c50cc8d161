package dev.cairn.ratelimit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's rate limiting: the {@link RateLimiter} its settings name, in this process or on
 * Redis (with the fail mode for when Redis is away), and its resources. Made once at start-up; a
 * Redis that is down then does not hold the start (the limiter retries it as it goes).
 */
public final class RateLimits implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);

    private final RateLimitSettings settings;
    private final RateLimiter limiter;

    private RateLimits(RateLimitSettings settings, RateLimiter limiter) {
        this.settings = settings;
        this.limiter = limiter;
    }

    public static RateLimits create(RateLimitSettings settings) {
        return switch (settings.store()) {
            case LOCAL -> {
                LOG.info("rate limits: buckets kept in this instance");
                yield new RateLimits(settings, new LocalLimiter());
            }
            case REDIS -> {
                LOG.info("rate limits: buckets shared in Redis at {}; while it is away they are {}",
                        settings.redisAddress(), switch (settings.failMode()) {
                            case LOCAL -> "kept in this instance";
                            case OPEN -> "not enforced";
                            case CLOSED -> "refused with 503";
                        });
                yield new RateLimits(settings, RedisLimiter.open(settings));
            }
        };
    }

    public RateLimiter limiter() {
        return limiter;
    }

    public RateLimitSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        if (limiter instanceof RedisLimiter redis) {
            redis.close();
        }
    }
}
