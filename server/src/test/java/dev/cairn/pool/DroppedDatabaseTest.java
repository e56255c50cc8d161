package dev.cairn.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Await;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A tenant's database dropped outside Cairn while it serves traffic: that tenant's requests fail
 * cleanly (404 {@code database_not_found}, fast once the server has said so, never a 500), its pool
 * is closed, and the other tenants do not notice.
 */
class DroppedDatabaseTest {

    record Outcome(String tenant, long atNanos, long tookNanos, int status, String error) {
    }

    @Test
    void a_database_dropped_under_load_fails_cleanly_and_alone() throws Exception {
        try (TestGateway g = TestGateway.start()) {
            String platform = g.platform();
            for (String tenant : List.of("a", "b")) {
                assertThat(g.http().register(platform, tenant, Bundles.tarGz(Bundles.fixture("calls"))).status())
                        .isEqualTo(200);
            }
            String dropped = platform + "_a";
            ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            long drop;
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 8; i++) {
                    String tenant = i % 2 == 0 ? "a" : "b";
                    clients.submit(() -> load(g.http(), platform, tenant, running, outcomes));
                }
                try {
                    Thread.sleep(1000);
                    drop = System.nanoTime();
                    Pg.execute("postgres", "DROP DATABASE \"" + dropped + "\" WITH (FORCE)");
                    Await.until("the dropped database's pool closed", Duration.ofSeconds(15),
                            () -> !g.http().get("/metrics").raw().contains("database=\"" + dropped + "\""));
                    Thread.sleep(1000);
                } finally {
                    running.set(false); // also when a check fails: the clients must end for the pool to close
                }
            }

            List<Outcome> all = List.copyOf(outcomes);
            assertThat(all).as("no 500 anywhere").noneMatch(o -> o.status() >= 500 && o.status() != 503);
            assertThat(all.stream().filter(o -> o.tenant().equals("b"))).as("the other tenant").isNotEmpty()
                    .allMatch(o -> o.status() == 200);
            List<Outcome> afterDrop = all.stream().filter(o -> o.tenant().equals("a") && o.atNanos() > drop).toList();
            assertThat(afterDrop).allSatisfy(o -> assertThat(o.status()).isIn(200, 404, 503));
            List<Outcome> last = afterDrop.subList(Math.max(0, afterDrop.size() - 20), afterDrop.size());
            assertThat(last).as("once the server said so").isNotEmpty().allSatisfy(o -> {
                assertThat(o.status()).isEqualTo(404);
                assertThat(o.error()).isEqualTo("database_not_found");
                assertThat(Duration.ofNanos(o.tookNanos())).isLessThan(Duration.ofMillis(500));
            });
        }
    }

    private static void load(Http http, String platform, String tenant, AtomicBoolean running,
                             ConcurrentLinkedQueue<Outcome> out) {
        while (running.get()) {
            long started = System.nanoTime();
            Http.Answer a = http.call(platform, tenant, "billing.invoice_total", List.of(3));
            long now = System.nanoTime();
            out.add(new Outcome(tenant, now, now - started, a.status(),
                    a.status() == 200 ? "" : a.body().path("error").asText()));
        }
    }
}
