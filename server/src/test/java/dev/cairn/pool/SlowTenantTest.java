package dev.cairn.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Bundles;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One tenant's slow statements ({@code pg_sleep}) under many clients cannot starve another: the
 * slow tenant holds at most its pool's connections, its statements end at the statement timeout
 * (504) or wait for a connection no longer than the acquire timeout (503), and the other tenant's
 * calls keep being answered at once.
 */
class SlowTenantTest {

    private static final int PER_POOL = 4;

    @Test
    void a_slow_tenant_is_held_to_its_pool_and_its_timeout_while_the_others_are_served() throws Exception {
        try (TestGateway g = TestGateway.start(Map.of("MAX_CONNECTIONS_PER_POOL", Integer.toString(PER_POOL),
                "STATEMENT_TIMEOUT_MS", "1500", "POOL_ACQUIRE_TIMEOUT_MS", "1000"))) {
            String platform = g.platform();
            for (String tenant : List.of("slow", "fast")) {
                assertThat(g.http().register(platform, tenant, Bundles.tarGz(Bundles.fixture("calls"))).status())
                        .isEqualTo(200);
            }
            String slowDb = platform + "_slow";
            ConcurrentLinkedQueue<Integer> slowStatuses = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<long[]> fast = new ConcurrentLinkedQueue<>(); // {status, nanos}
            AtomicInteger mostHeld = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 16; i++) {
                    clients.submit(() -> {
                        while (running.get()) {
                            slowStatuses.add(g.http().call(platform, "slow", "slow", List.of(5.0)).status());
                        }
                    });
                }
                Thread.sleep(500);
                for (int i = 0; i < 2; i++) {
                    clients.submit(() -> {
                        while (running.get()) {
                            long started = System.nanoTime();
                            int status = g.http().call(platform, "fast", "billing.invoice_total", List.of(3)).status();
                            fast.add(new long[] {status, System.nanoTime() - started});
                        }
                    });
                }
                try {
                    long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
                    while (System.nanoTime() < end) {
                        mostHeld.accumulateAndGet(Integer.parseInt(Pg.scalar("postgres",
                                "SELECT count(*) FROM pg_stat_activity WHERE datname = ?", slowDb)), Math::max);
                        Thread.sleep(100);
                    }
                } finally {
                    running.set(false); // also when a step fails: the clients must end
                }
            }

            assertThat(mostHeld.get()).as("connections the slow tenant held").isLessThanOrEqualTo(PER_POOL);
            assertThat(slowStatuses).isNotEmpty().allSatisfy(s -> assertThat(s).isIn(503, 504));
            assertThat(slowStatuses).contains(504);
            List<Long> fastNanos = new ArrayList<>();
            fast.forEach(f -> {
                assertThat(f[0]).isEqualTo(200);
                fastNanos.add(f[1]);
            });
            assertThat(fastNanos).as("the other tenant's calls").hasSizeGreaterThan(20);
            fastNanos.sort(null);
            assertThat(Duration.ofNanos(fastNanos.get(fastNanos.size() / 2))).as("their median")
                    .isLessThan(Duration.ofMillis(100));
        }
    }
}
