package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import dev.cairn.ratelimit.RateLimitSettings;
import dev.cairn.ratelimit.RateLimitSettings.FailMode;
import dev.cairn.ratelimit.RateLimitSettings.Store;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitConfigTest {

    @Test
    void by_default_buckets_are_local_and_redis_is_the_machines_with_a_100_ms_timeout() {
        RateLimitSettings s = RateLimitConfig.rateLimits(Env.of(Map.of()));
        assertThat(s.store()).isEqualTo(Store.LOCAL);
        assertThat(s.redisUrl()).hasToString("redis://127.0.0.1:6379");
        assertThat(s.failMode()).isEqualTo(FailMode.LOCAL);
        assertThat(s.redisTimeout().toMillis()).isEqualTo(100);
    }

    @Test
    void redis_with_a_fail_mode_and_a_password_that_is_never_shown() {
        RateLimitSettings s = RateLimitConfig.rateLimits(Env.of(Map.of("RATE_LIMIT_STORE", "Redis",
                "RATE_LIMIT_REDIS_URL", "redis://:s3cret@redis.internal:6380/2", "RATE_LIMIT_FAIL_MODE", "closed",
                "RATE_LIMIT_REDIS_TIMEOUT_MS", "250")));
        assertThat(s.store()).isEqualTo(Store.REDIS);
        assertThat(s.failMode()).isEqualTo(FailMode.CLOSED);
        assertThat(s.redisTimeout().toMillis()).isEqualTo(250);
        assertThat(s.redisAddress()).isEqualTo("redis://redis.internal:6380");
        assertThat(s.toString()).doesNotContain("s3cret");
        assertThat(RateLimitConfig.rateLimits(Env.of(Map.of("RATE_LIMIT_FAIL_MODE", "open"))).failMode())
                .isEqualTo(FailMode.OPEN);
    }

    @Test
    void bad_values_fail_with_one_line_naming_the_variable() {
        for (var bad : Map.of("RATE_LIMIT_STORE", "nats", "RATE_LIMIT_FAIL_MODE", "maybe",
                "RATE_LIMIT_REDIS_URL", "http://127.0.0.1:6379", "RATE_LIMIT_REDIS_TIMEOUT_MS", "0").entrySet()) {
            assertThatThrownBy(() -> RateLimitConfig.rateLimits(Env.of(Map.of(bad.getKey(), bad.getValue()))))
                    .isInstanceOf(CairnException.class).hasMessageStartingWith(bad.getKey() + ":");
        }
        assertThatThrownBy(() -> RateLimitConfig.rateLimits(Env.of(Map.of("RATE_LIMIT_REDIS_URL", "redis://h:1/x"))))
                .hasMessageStartingWith("RATE_LIMIT_REDIS_URL:");
        assertThatThrownBy(() -> RateLimitConfig.rateLimits(Env.of(Map.of("RATE_LIMIT_REDIS_URL", "redis://"))))
                .hasMessageStartingWith("RATE_LIMIT_REDIS_URL:");
    }
}
