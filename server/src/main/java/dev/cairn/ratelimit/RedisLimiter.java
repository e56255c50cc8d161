package dev.cairn.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * Token buckets in Redis, shared by every instance that uses the same server. A decision made while
 * no other is on its way goes to Redis from the request's own thread (no hand-off: idle, the limiter
 * costs one round trip); the ones that arrive meanwhile wait for the sender thread, which takes them
 * in batches of whatever is waiting. Either way it is one Lua script call (run by its SHA, sent
 * again only when the server answers NOSCRIPT) refills and takes each bucket atomically, with
 * Redis's own clock, so instances whose clocks disagree still agree on the bucket. A bucket is a hash {@code cairn:rl:<key>} of tokens and the time they were counted,
 * expiring when it would be full again (an idle key costs nothing).
 *
 * <p>When Redis fails or is slower than the timeout, the fail mode answers; Redis is then left alone
 * for {@link #RETRY_AFTER_NANOS}, after which one request tries it again (the others keep using the
 * fail mode meanwhile). An outage is logged once when it starts and once when it ends.
 */
final class RedisLimiter implements RateLimiter, AutoCloseable {

    static final String PREFIX = "cairn:rl:";
    static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The direct decision's connection, the sender's, and one spare while a dropped one is replaced. */
    private static final int MAX_CONNECTIONS = 3;
    /** Decisions one round trip carries at most. */
    static final int MAX_BATCH = 256;

    private static final Logger LOG = LoggerFactory.getLogger(RedisLimiter.class);

    /**
     * KEYS[i]: a bucket; ARGV[2i-1], ARGV[2i]: its requests per minute and burst. For each bucket in
     * turn (the same key twice sees its own first take) returns allowed, whole tokens left, ms until
     * full, ms until one token. A refusal writes nothing: the stored state already says it.
     */
    static final String SCRIPT = """
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local out = {}
            for i = 1, #KEYS do
              local rpm = tonumber(ARGV[2 * i - 1])
              local burst = tonumber(ARGV[2 * i])
              local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
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
                redis.call('HSET', KEYS[i], 'tokens', tostring(tokens), 'at', now)
                redis.call('PEXPIRE', KEYS[i], math.max(1, full))
              end
              out[#out + 1] = allowed
              out[#out + 1] = math.floor(tokens)
              out[#out + 1] = full
              out[#out + 1] = math.max(0, math.ceil((1 - tokens) * 60000 / rpm))
            end
            return out
            """;
    static final String SCRIPT_SHA = sha1(SCRIPT);

    private final RedisClient redis;
    private final String address;
    private final RateLimitSettings.FailMode failMode;
    private final LocalLimiter local = new LocalLimiter();
    private final AtomicBoolean down = new AtomicBoolean();
    /** While down: the {@code System.nanoTime()} after which one request may try Redis again. */
    private final AtomicLong retryAt = new AtomicLong();

    private final long timeoutNanos;
    /** Decisions waiting for the next round trip. */
    private final LinkedBlockingQueue<Ask> asks = new LinkedBlockingQueue<>();
    /** Whether a request's thread is making its decision with Redis itself right now. */
    private final AtomicBoolean direct = new AtomicBoolean();
    private final Thread sender;
    private volatile boolean closed;

    /** One request's decision to be made in the next batch. */
    private record Ask(String key, Bucket bucket, CompletableFuture<Decision> decision) {
    }

    private RedisLimiter(RedisClient redis, String address, RateLimitSettings.FailMode failMode, Duration timeout) {
        this.redis = redis;
        this.address = address;
        this.failMode = failMode;
        this.timeoutNanos = timeout.toNanos();
        this.sender = Thread.ofPlatform().daemon().name("cairn-ratelimit-redis").start(this::send);
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
        return new RedisLimiter(redis, settings.redisAddress(), settings.failMode(), settings.redisTimeout());
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
        Ask ask = new Ask(key, bucket, new CompletableFuture<>());
        if (asks.isEmpty() && direct.compareAndSet(false, true)) {
            try {
                ask.decision().complete(evaluate(List.of(ask)).getFirst());
            } catch (RuntimeException e) {
                ask.decision().completeExceptionally(e);
            } finally {
                direct.set(false);
            }
        } else {
            asks.add(ask);
        }
        try {
            // The batch this ask joins may wait for the one before it: two round trips at most.
            Decision decision = ask.decision().get(2 * timeoutNanos + TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.NANOSECONDS);
            if (probe && down.compareAndSet(true, false)) {
                LOG.info("rate limits: Redis at {} is back: limits are shared again", address);
            }
            return decision;
        } catch (ExecutionException e) {
            failed(e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause()));
            return fallback(key, bucket);
        } catch (TimeoutException e) {
            failed(new IllegalStateException("no answer from Redis within " + 2 * timeoutNanos / 1_000_000 + " ms"));
            return fallback(key, bucket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback(key, bucket);
        }
    }

    /**
     * Takes every decision waiting, sends them in one script call, and hands each its answer. Under
     * load, the decisions that arrive during a round trip go together in the next, so Redis and this
     * process do one call for many requests instead of one each.
     */
    private void send() {
        List<Ask> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(asks.take());
                asks.drainTo(batch, MAX_BATCH - 1);
                List<Decision> decisions = evaluate(batch);
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).decision().complete(decisions.get(i));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                batch.forEach(a -> a.decision().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private List<Decision> evaluate(List<Ask> batch) {
        String[] params = new String[batch.size() * 3];
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            Ask a = batch.get(i);
            params[i] = PREFIX + a.key();
            params[n + 2 * i] = Integer.toString(a.bucket().requestsPerMinute());
            params[n + 2 * i + 1] = Integer.toString(a.bucket().burst());
        }
        Object reply;
        try {
            reply = redis.evalsha(SCRIPT_SHA, n, params);
        } catch (JedisNoScriptException e) {
            reply = redis.eval(SCRIPT, n, params); // Redis restarted or flushed its scripts: EVAL caches it again
        }
        List<?> values = (List<?>) reply;
        List<Decision> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Bucket bucket = batch.get(i).bucket();
            out.add(Decision.of(number(values.get(4 * i)) == 1, bucket, number(values.get(4 * i + 1)),
                    number(values.get(4 * i + 2)) * 1e6, number(values.get(4 * i + 3)) * 1e6));
        }
        return out;
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
        closed = true;
        sender.interrupt();
        redis.close();
        for (Ask a = asks.poll(); a != null; a = asks.poll()) {
            a.decision().completeExceptionally(new IllegalStateException("the limiter is closed"));
        }
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
