package dev.cairn.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Bundles;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server ends every session Cairn holds (as a restart or a failover does): callers get a
 * retryable 503 or a fresh connection, never a 500, and the gateway heals itself.
 */
class ConnectionLossTest {

    @Test
    void sessions_killed_by_the_server_give_503s_at_worst_and_the_gateway_recovers_by_itself() throws Exception {
        String app = "cairn_loss_" + TestGateway.randomHex();
        try (TestGateway g = TestGateway.start(Map.of("APPLICATION_NAME", app))) {
            String platform = g.platform();
            assertThat(g.http().register(platform, null, Bundles.tarGz(Bundles.fixture("calls"))).status()).isEqualTo(200);
            for (int i = 0; i < 5; i++) {
                assertThat(g.http().call(platform, null, "add", List.of(i, 1)).status()).isEqualTo(200);
            }

            Pg.query("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?", app);

            List<Integer> during = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Http.Answer a = g.http().call(platform, null, "add", List.of(i, 1));
                during.add(a.status());
                if (a.status() != 200) {
                    assertThat(a.body().get("error").asText()).isEqualTo("connection_failed");
                    assertThat(a.header("retry-after")).isNotEmpty();
                }
            }
            assertThat(during).allMatch(s -> s == 200 || s == 503);
            assertThat(during.subList(during.size() - 3, during.size())).containsOnly(200);
            assertThat(g.http().get("/health").body().get("status").asText()).isEqualTo("healthy");
        }
    }

    @Test
    void health_reports_degraded_while_the_control_database_refuses_sessions_and_healthy_once_it_takes_them_again() {
        try (TestGateway g = TestGateway.start()) {
            String control = g.controlDatabase();
            assertThat(g.http().get("/health").body().get("status").asText()).isEqualTo("healthy");
            try {
                Pg.execute("postgres", "ALTER DATABASE " + control + " ALLOW_CONNECTIONS false");
                Pg.query("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?", control);

                Http.Answer degraded = g.http().get("/health"); // within ControlDatabase's 2 s, not the pool's 5 s x 5

                assertThat(degraded.status()).isEqualTo(200);
                assertThat(degraded.body().get("status").asText()).isEqualTo("degraded");
                assertThat(degraded.body().get("postgres_connected").asBoolean()).isFalse();
            } finally {
                Pg.execute("postgres", "ALTER DATABASE " + control + " ALLOW_CONNECTIONS true");
            }
            assertThat(g.http().get("/health").body().get("status").asText()).isEqualTo("healthy");
        }
    }
}
