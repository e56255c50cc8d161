package dev.cairn.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Token buckets in Redis, shared by every instance that uses the same server. One decision is one
 * round trip: a Lua script (run by its SHA, sent again only when the server answers NOSCRIPT) refills
 * and takes atomically, with Redis's own clock, so instances whose clocks disagree still agree on
 * the bucket. A bucket is a hash {@code cairn:rl:<key>} of tokens and the time they were counted,
 * expiring when it would be full again (an idle key costs nothing).
 *
 * <p>When Redis fails or is slower than the timeout, the fail mode answers; Redis is then left alone
 * for {@link #RETRY_AFTER_NANOS}, after which one request tries it again (the others keep using the
 * fail mode meanwhile). An outage is logged once when it starts and once when it ends.
 */
final class RedisLimiter implements RateLimiter, AutoCloseable {

    static final String PREFIX = "cairn:rl:";
    static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Enough for many concurrent requests at ~0.1 ms a decision; a request that cannot get one in time falls back. */
    private static final int MAX_CONNECTIONS = 32;

    private static final Logger LOG = LoggerFactory.getLogger(RedisLimiter.class);

    /**
     * KEYS[1]: the bucket; ARGV[1]: requests per minute; ARGV[2]: burst. Returns {allowed, whole tokens
     * left, ms until full, ms until one token}. A refusal writes nothing: the stored state already says it.
     */
    static final String SCRIPT = """
            local rpm = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
            local tokens = burst
            if state[1] and state[2] then
              local elapsed = math.max(0, now - tonumber(state[2]))
              tokens = math.min(burst, tonumber(state[1]) + elapsed * rpm / 60000)
            end
            local allowed = 0
            if tokens >= 1 then
              allowed = 1
              tokens = tokens - 1
            end
            local full = math.ceil((burst - tokens) * 60000 / rpm)
            if allowed == 1 then
              redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
              redis.call('PEXPIRE', KEYS[1], math.max(1, full))
            end
            return {allowed, math.floor(tokens), full, math.max(0, math.ceil((1 - tokens) * 60000 / rpm))}
            """;
    static final String SCRIPT_SHA = sha1(SCRIPT);

    private final RedisClient redis;
    private final String address;
    private final RateLimitSettings.FailMode failMode;
    private final LocalLimiter local = new LocalLimiter();
    private final AtomicBoolean down = new AtomicBoolean();
    /** While down: the {@code System.nanoTime()} after which one request may try Redis again. */
    private final AtomicLong retryAt = new AtomicLong();

    private RedisLimiter(RedisClient redis, String address, RateLimitSettings.FailMode failMode) {
        this.redis = redis;
        this.address = address;
        this.failMode = failMode;
    }

    /** Connects lazily: a Redis that is down now is only noticed (and logged) by the first decision. */
    static RedisLimiter open(RateLimitSettings settings) {
        var url = settings.redisUrl();
        int timeout = (int) settings.redisTimeout().toMillis();
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout).socketTimeoutMillis(timeout)
                .clientName("cairn-ratelimit").ssl(JedisURIHelper.isRedisSSLScheme(url))
                .database(JedisURIHelper.getDBIndex(url));
        String user = JedisURIHelper.getUser(url);
        String password = JedisURIHelper.getPassword(url);
        if (password != null) {
            client.user(user).password(password);
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        pool.setMinIdle(0);
        pool.setMaxWait(settings.redisTimeout());
        pool.setBlockWhenExhausted(true);
        pool.setJmxEnabled(false);
        RedisClient redis = RedisClient.builder().hostAndPort(JedisURIHelper.getHostAndPort(url))
                .clientConfig(client.build()).poolConfig(pool).build();
        return new RedisLimiter(redis, settings.redisAddress(), settings.failMode());
    }

    @Override
    public Decision take(String key, Bucket bucket) {
        boolean probe = false;
        if (down.get()) {
            probe = probeTurn();
            if (!probe) {
                return fallback(key, bucket);
            }
        }
        try {
            Decision decision = evaluate(key, bucket);
            if (probe && down.compareAndSet(true, false)) {
                LOG.info("rate limits: Redis at {} is back: limits are shared again", address);
            }
            return decision;
        } catch (RuntimeException e) {
            if (e.getCause() instanceof NoSuchElementException) {
                // every connection busy for the whole timeout: this request only, Redis itself answers
                LOG.debug("rate limits: no Redis connection free in time: {}", e.toString());
            } else {
                failed(e);
            }
            return fallback(key, bucket);
        }
    }

    private Decision evaluate(String key, Bucket bucket) {
        String redisKey = PREFIX + key;
        String rpm = Integer.toString(bucket.requestsPerMinute());
        String burst = Integer.toString(bucket.burst());
        Object reply;
        try {
            reply = redis.evalsha(SCRIPT_SHA, 1, redisKey, rpm, burst);
        } catch (JedisNoScriptException e) {
            reply = redis.eval(SCRIPT, 1, redisKey, rpm, burst); // Redis restarted or flushed its scripts: EVAL caches it again
        }
        List<?> values = (List<?>) reply;
        double tokens = number(values.get(1));
        return Decision.of(number(values.get(0)) == 1, bucket, tokens, number(values.get(2)) * 1e6,
                number(values.get(3)) * 1e6);
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    /** One request per {@link #RETRY_AFTER_NANOS} wins the turn to try Redis while it is down. */
    private boolean probeTurn() {
        long at = retryAt.get();
        long now = System.nanoTime();
        return now - at >= 0 && retryAt.compareAndSet(at, now + RETRY_AFTER_NANOS);
    }

    private void failed(RuntimeException e) {
        retryAt.set(System.nanoTime() + RETRY_AFTER_NANOS);
        // idle connections to a server that went away are dead too: drop them, so the next try connects afresh
        clearIdle();
        if (down.compareAndSet(false, true)) {
            LOG.warn("rate limits: Redis at {} is unreachable or slow ({}): {} until it is back", address,
                    e.toString(), switch (failMode) {
                        case LOCAL -> "each instance keeps its own buckets";
                        case OPEN -> "requests are not limited";
                        case CLOSED -> "requests are refused with 503";
                    });
        } else {
            LOG.debug("rate limits: Redis still unreachable: {}", e.toString());
        }
    }

    private void clearIdle() {
        try {
            redis.getPool().clear();
        } catch (RuntimeException e) {
            LOG.debug("rate limits: could not clear Redis connections: {}", e.toString());
        }
    }

    private Decision fallback(String key, Bucket bucket) {
        return switch (failMode) {
            case LOCAL -> local.take(key, bucket);
            case OPEN -> Decision.unmetered();
            case CLOSED -> Decision.unavailable();
        };
    }

    /** Whether the last try at Redis failed (for tests and health). */
    boolean down() {
        return down.get();
    }

    @Override
    public void close() {
        redis.close();
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
