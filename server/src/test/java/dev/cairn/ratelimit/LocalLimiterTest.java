package dev.cairn.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(42 * SECOND);
    private final LocalLimiter limiter = new LocalLimiter(clock::get);

    @Test
    void a_full_bucket_allows_its_burst_at_once_then_refuses_until_a_token_is_back() {
        Bucket bucket = new Bucket(60, 3); // one token a second

        Decision first = limiter.take("member:a", bucket);
        assertThat(first.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
        assertThat(first.limit()).isEqualTo(3);
        assertThat(first.remaining()).isEqualTo(2);
        assertThat(first.resetSeconds()).isEqualTo(1);
        assertThat(first.retryAfterSeconds()).isZero();

        assertThat(limiter.take("member:a", bucket).remaining()).isEqualTo(1);
        Decision third = limiter.take("member:a", bucket);
        assertThat(third.allowed()).isTrue();
        assertThat(third.remaining()).isZero();
        assertThat(third.resetSeconds()).isEqualTo(3);

        Decision refused = limiter.take("member:a", bucket);
        assertThat(refused.outcome()).isEqualTo(Decision.Outcome.LIMITED);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.resetSeconds()).isEqualTo(3);
    }

    @Test
    void tokens_come_back_at_the_rate_and_never_beyond_the_burst() {
        Bucket bucket = new Bucket(60, 3);
        for (int i = 0; i < 3; i++) {
            limiter.take("k", bucket);
        }
        clock.addAndGet(SECOND / 2);
        Decision half = limiter.take("k", bucket);
        assertThat(half.allowed()).isFalse();
        assertThat(half.retryAfterSeconds()).isEqualTo(1); // 0.5 s, rounded up
        assertThat(half.resetSeconds()).isEqualTo(3);      // 2.5 s, rounded up

        clock.addAndGet(SECOND / 2);
        assertThat(limiter.take("k", bucket).allowed()).isTrue();
        assertThat(limiter.take("k", bucket).allowed()).isFalse();

        clock.addAndGet(3600 * SECOND); // an hour idle: full again, no more than full
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.take("k", bucket).allowed()).isTrue();
        }
        assertThat(limiter.take("k", bucket).allowed()).isFalse();
    }

    @Test
    void a_slow_rate_tells_the_client_how_long_to_wait() {
        Bucket bucket = new Bucket(2, 1); // one token every 30 s
        assertThat(limiter.take("route:x", bucket).resetSeconds()).isEqualTo(30);
        clock.addAndGet(10 * SECOND);
        Decision refused = limiter.take("route:x", bucket);
        assertThat(refused.retryAfterSeconds()).isEqualTo(20);
        assertThat(refused.windowSeconds()).isEqualTo(30);
    }

    @Test
    void keys_have_buckets_of_their_own() {
        Bucket bucket = new Bucket(60, 1);
        assertThat(limiter.take("tenant:a", bucket).allowed()).isTrue();
        assertThat(limiter.take("tenant:a", bucket).allowed()).isFalse();
        assertThat(limiter.take("tenant:b", bucket).allowed()).isTrue();
        assertThat(limiter.take("platform:a", bucket).allowed()).isTrue();
    }

    @Test
    void buckets_idle_until_full_again_are_forgotten_and_the_rest_kept() {
        Bucket fast = new Bucket(60, 2);   // full again 1 s after one take
        Bucket slow = new Bucket(6, 2);    // 10 s
        limiter.take("fast", fast);
        limiter.take("slow", slow);
        assertThat(limiter.size()).isEqualTo(2);

        clock.addAndGet(SECOND / 2);
        limiter.evictIdle(clock.get());
        assertThat(limiter.size()).isEqualTo(2);

        clock.addAndGet(SECOND / 2);
        limiter.evictIdle(clock.get());
        assertThat(limiter.size()).isEqualTo(1);

        // the sweep runs by itself every SWEEP_EVERY_NANOS, on whichever request finds it due
        clock.addAndGet(LocalLimiter.SWEEP_EVERY_NANOS);
        limiter.take("other", fast);
        assertThat(limiter.size()).isEqualTo(1);

        // a forgotten bucket was full: forgetting it changed nothing
        assertThat(limiter.take("slow", slow).remaining()).isEqualTo(1);
    }

    @Test
    void many_threads_on_one_key_get_exactly_the_burst() throws Exception {
        Bucket bucket = new Bucket(1, 50);
        AtomicInteger allowed = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                for (int i = 0; i < 100; i++) {
                    if (limiter.take("shared", bucket).allowed()) {
                        allowed.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(allowed).hasValue(50);
    }

    @Test
    void headers_follow_the_ietf_draft() {
        Bucket bucket = new Bucket(60, 2);
        assertThat(limiter.take("h", bucket).headers()).containsExactly(
                java.util.Map.entry("RateLimit-Policy", "\"default\";q=2;w=2"),
                java.util.Map.entry("RateLimit", "\"default\";r=1;t=1"));
        limiter.take("h", bucket);
        clock.addAndGet(SECOND / 4);
        assertThat(limiter.take("h", bucket).headers()).containsExactly(
                java.util.Map.entry("RateLimit-Policy", "\"default\";q=2;w=2"),
                java.util.Map.entry("RateLimit", "\"default\";r=0;t=1"),
                java.util.Map.entry("Retry-After", "1"));
        assertThat(Decision.unmetered().headers()).isEmpty();
        assertThat(Decision.unmetered().allowed()).isTrue();
        assertThat(Decision.unavailable().allowed()).isFalse();
        assertThat(Decision.unavailable().headers()).containsExactly(java.util.Map.entry("Retry-After", "1"));
    }

    @Test
    void a_bucket_needs_a_rate_and_a_burst() {
        assertThatThrownBy(() -> new Bucket(0, 1)).isInstanceOf(CairnException.class);
        assertThatThrownBy(() -> new Bucket(10, 0)).isInstanceOf(CairnException.class);
        assertThat(new Bucket(600, 20).windowSeconds()).isEqualTo(2);
        assertThat(new Bucket(6000, 1).windowSeconds()).isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
