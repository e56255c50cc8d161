package dev.cairn.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Against the machine's Redis on 6379, under keys of this test's own. */
class RedisLimiterTest {

    private final String prefix = TestRedis.uniquePrefix();

    @BeforeEach
    void redis() {
        TestRedis.assumeShared();
    }

    @AfterEach
    void cleanUp() {
        TestRedis.deleteBuckets(prefix);
    }

    @Test
    void a_bucket_in_redis_allows_its_burst_then_says_how_long_to_wait() {
        Bucket bucket = new Bucket(1, 3); // a token a minute
        try (RateLimits limits = RateLimits.create(TestRedis.settings(TestRedis.SHARED, RateLimitSettings.FailMode.CLOSED))) {
            RateLimiter limiter = limits.limiter();
            Decision first = limiter.take(prefix + "member:a", bucket);
            assertThat(first.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
            assertThat(first.remaining()).isEqualTo(2);
            assertThat(first.resetSeconds()).isEqualTo(60);
            assertThat(limiter.take(prefix + "member:a", bucket).remaining()).isEqualTo(1);
            Decision third = limiter.take(prefix + "member:a", bucket);
            assertThat(third.remaining()).isZero();
            assertThat(third.resetSeconds()).isBetween(179, 180);

            Decision refused = limiter.take(prefix + "member:a", bucket);
            assertThat(refused.outcome()).isEqualTo(Decision.Outcome.LIMITED);
            assertThat(refused.retryAfterSeconds()).isBetween(59, 60);
            assertThat(refused.headers()).containsKeys("RateLimit-Policy", "RateLimit", "Retry-After");

            assertThat(limiter.take(prefix + "member:b", bucket).remaining()).isEqualTo(2);
        }
        try (RedisClient redis = TestRedis.client(TestRedis.SHARED)) {
            String key = RedisLimiter.PREFIX + prefix + "member:a";
            assertThat(redis.hgetAll(key)).containsOnlyKeys("tokens", "at");
            // it expires when it would be full again: 3 tokens at one a minute
            assertThat(redis.pttl(key)).isBetween(170_000L, 180_000L);
        }
    }

    @Test
    void a_url_may_name_the_database_and_the_default_store_is_local() {
        var url = java.net.URI.create("redis://127.0.0.1:6379/0");
        try (RateLimits limits = RateLimits.create(TestRedis.settings(url, RateLimitSettings.FailMode.CLOSED))) {
            assertThat(limits.limiter().take(prefix + "db", new Bucket(60, 1)).outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        }
        try (RateLimits limits = RateLimits.create(RateLimitSettings.defaults())) {
            assertThat(limits.limiter()).isInstanceOf(LocalLimiter.class);
        }
    }

    @Test
    void the_script_is_the_one_redis_knows_by_its_sha() {
        try (RedisClient redis = TestRedis.client(TestRedis.SHARED)) {
            assertThat(redis.scriptLoad(RedisLimiter.SCRIPT)).isEqualTo(RedisLimiter.SCRIPT_SHA);
        }
    }

    @Test
    void a_rate_limit_holds_across_two_instances() throws Exception {
        int burst = 100;
        Bucket bucket = new Bucket(60, burst); // a token a second
        String key = prefix + "realm:shared";
        // two gateways: two limiters, each with its own connection pool, four threads each
        try (RateLimits one = RateLimits.create(TestRedis.settings(TestRedis.SHARED, RateLimitSettings.FailMode.CLOSED));
             RateLimits two = RateLimits.create(TestRedis.settings(TestRedis.SHARED, RateLimitSettings.FailMode.CLOSED))) {
            AtomicInteger allowed = new AtomicInteger();
            AtomicInteger limited = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (RateLimits instance : List.of(one, two)) {
                for (int t = 0; t < 4; t++) {
                    threads.add(Thread.ofPlatform().start(() -> {
                        await(start);
                        for (int i = 0; i < 75; i++) {
                            switch (instance.limiter().take(key, bucket).outcome()) {
                                case ALLOWED -> allowed.incrementAndGet();
                                case LIMITED -> limited.incrementAndGet();
                                default -> other.incrementAndGet();
                            }
                        }
                    }));
                }
            }
            long began = System.nanoTime();
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            double seconds = (System.nanoTime() - began) / 1e9;
            assertThat(other).as("no decision came from a fail mode").hasValue(0);
            assertThat(allowed.get() + limited.get()).isEqualTo(600);
            // the burst, plus at most the tokens that came back while the run lasted
            assertThat(allowed.get()).isBetween(burst, burst + (int) Math.floor(seconds) + 1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
