package dev.cairn.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Bundles;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** MAX_TOTAL_CONNECTIONS is a hard cap on real server sessions, whatever the load. */
class ConnectionCapTest {

    @Test
    void two_hundred_concurrent_calls_across_thirty_tenant_databases_never_exceed_the_cap() throws Exception {
        String app = "cairn_cap_" + TestGateway.randomHex();
        try (TestGateway g = TestGateway.start(Map.of("MAX_TOTAL_CONNECTIONS", "12", "MAX_CONNECTIONS_PER_POOL", "4",
                "POOL_ACQUIRE_TIMEOUT_MS", "30000", "APPLICATION_NAME", app))) {
            String platform = g.platform();
            byte[] bundle = Bundles.tarGz(Bundles.fixture("calls"));
            List<String> tenants = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                tenants.add("t" + i);
                Http.Answer a = g.http().register(platform, "t" + i, bundle);
                assertThat(a.status()).as(a.toString()).isEqualTo(200);
            }
            AtomicInteger peak = new AtomicInteger();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().start(() -> {
                try (var c = Pg.connect("postgres"); var ps = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
                    ps.setString(1, app);
                    while (sampling.get()) {
                        try (var rs = ps.executeQuery()) {
                            rs.next();
                            peak.accumulateAndGet(rs.getInt(1), Math::max);
                        }
                    }
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Future<Http.Answer>> answers = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    String tenant = tenants.get(i % tenants.size());
                    answers.add(clients.submit(() -> g.http().call(platform, tenant, "slow", List.of(0.05))));
                }
            }
            sampling.set(false);
            sampler.join();

            for (Future<Http.Answer> f : answers) {
                assertThat(f.get().status()).as(f.get().toString()).isEqualTo(200);
            }
            assertThat(peak.get()).isPositive().isLessThanOrEqualTo(12);
            assertThat(g.gateway().pools().stats().openConnections()).isLessThanOrEqualTo(12);
        }
    }

    @Test
    void a_wait_past_the_acquire_timeout_is_a_503_pool_exhausted_with_retry_after() throws Exception {
        try (TestGateway g = TestGateway.start(Map.of("MAX_TOTAL_CONNECTIONS", "4", "MAX_CONNECTIONS_PER_POOL", "2",
                "POOL_ACQUIRE_TIMEOUT_MS", "300"))) {
            String platform = g.platform();
            assertThat(g.http().register(platform, null, Bundles.tarGz(Bundles.fixture("calls"))).status()).isEqualTo(200);
            List<Future<Http.Answer>> answers = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 12; i++) {
                    answers.add(clients.submit(() -> g.http().call(platform, null, "slow", List.of(1.5))));
                }
            }
            List<Http.Answer> refused = new ArrayList<>();
            for (Future<Http.Answer> f : answers) {
                if (f.get().status() != 200) {
                    refused.add(f.get());
                }
            }
            assertThat(refused).isNotEmpty();
            assertThat(refused).allSatisfy(a -> {
                assertThat(a.status()).isEqualTo(503);
                assertThat(a.body().get("error").asText()).isEqualTo("pool_exhausted");
                assertThat(a.header("retry-after")).isNotEmpty();
            });
        }
    }
}
