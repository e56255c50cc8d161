package dev.cairn.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/** Redis going away and coming back, on a private {@code redis-server} (never the machine's). */
class RedisOutageTest {

    private static final Bucket BUCKET = new Bucket(1, 3);

    private final Logger logger = (Logger) LoggerFactory.getLogger(RedisLimiter.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level level;

    @BeforeEach
    void captureLogs() {
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
        logger.setLevel(level);
    }

    @ParameterizedTest
    @EnumSource(RateLimitSettings.FailMode.class)
    void each_fail_mode_answers_while_redis_is_down_and_redis_is_used_again_when_back(
            RateLimitSettings.FailMode mode) throws Exception {
        try (TestRedis.Private redis = TestRedis.Private.start();
             RedisLimiter limiter = RedisLimiter.open(TestRedis.settings(redis.url(), mode))) {
            assertThat(limiter.take("before", BUCKET).outcome()).isEqualTo(Decision.Outcome.ALLOWED);
            assertThat(stored(redis, "before")).isTrue();

            redis.kill();
            for (int i = 0; i < 50; i++) {
                Decision d = limiter.take("during", BUCKET);
                switch (mode) {
                    // this instance's own bucket: the burst, then refusals
                    case LOCAL -> assertThat(d.outcome()).isEqualTo(i < 3 ? Decision.Outcome.ALLOWED : Decision.Outcome.LIMITED);
                    case OPEN -> {
                        assertThat(d.outcome()).isEqualTo(Decision.Outcome.UNMETERED);
                        assertThat(d.headers()).isEmpty();
                    }
                    case CLOSED -> assertThat(d.outcome()).isEqualTo(Decision.Outcome.UNAVAILABLE);
                }
            }
            assertThat(limiter.down()).isTrue();
            assertThat(lines(Level.WARN)).as("one line for the outage, not one per request").isEqualTo(1);

            redis.startAgain(); // same port, empty, and without the script: NOSCRIPT, then EVAL
            awaitRedis(limiter, redis);
            assertThat(limiter.down()).isFalse();
            assertThat(lines(Level.WARN)).isEqualTo(1);
            assertThat(lines(Level.INFO)).as("one line when it is back").isEqualTo(1);
        }
    }

    @Test
    void a_slow_redis_counts_as_down_and_is_not_tried_on_every_request() throws Exception {
        try (TestRedis.Private redis = TestRedis.Private.start();
             RedisLimiter limiter = RedisLimiter.open(TestRedis.settings(redis.url(), RateLimitSettings.FailMode.LOCAL))) {
            assertThat(limiter.take("warm", BUCKET).outcome()).isEqualTo(Decision.Outcome.ALLOWED);

            redis.pause();

            long began = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                limiter.take("slow", BUCKET);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            // the first waits out the 100 ms timeout; the others do not touch Redis for a second
            assertThat(took).isLessThan(Duration.ofMillis(600));
            assertThat(limiter.down()).isTrue();
            assertThat(lines(Level.WARN)).isEqualTo(1);

            redis.resume();
            awaitRedis(limiter, redis);
            assertThat(lines(Level.WARN)).isEqualTo(1);
            assertThat(lines(Level.INFO)).isEqualTo(1);
        }
    }

    /** Takes on fresh keys until one lands in Redis (it is retried once a second). */
    private static void awaitRedis(RedisLimiter limiter, TestRedis.Private redis) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            String key = "after-" + i;
            limiter.take(key, BUCKET);
            if (stored(redis, key)) {
                return;
            }
            TestRedis.sleep(50);
        }
        throw new AssertionError("the limiter did not use Redis again within 10 s");
    }

    private static boolean stored(TestRedis.Private redis, String key) {
        try (RedisClient c = TestRedis.client(redis.url())) {
            return c.exists(RedisLimiter.PREFIX + key);
        }
    }

    private long lines(Level at) {
        return logs.list.stream().filter(e -> e.getLevel() == at).count();
    }
}
