package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Await;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** SIGTERM runs Gateway.close(): requests in flight finish, then every connection closes. */
class GracefulShutdownTest {

    @Test
    void a_request_in_flight_finishes_and_every_connection_is_closed_afterwards() throws Exception {
        String app = "cairn_stop_" + TestGateway.randomHex();
        TestGateway g = TestGateway.start(Map.of("APPLICATION_NAME", app, "SHUTDOWN_GRACE_SECS", "10"));
        try {
            String platform = g.platform();
            assertThat(g.http().register(platform, null, Bundles.tarGz(Bundles.fixture("calls"))).status())
                    .isEqualTo(200);
            CompletableFuture<Http.Answer> slow = CompletableFuture.supplyAsync(
                    () -> g.http().call(platform, null, "slow", List.of(1.0)));
            Await.until("the slow call runs in PostgreSQL", Duration.ofSeconds(10), () -> "1".equals(Pg.scalar(
                    "postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND state = 'active'"
                            + " AND query LIKE '%slow%'", app)));

            g.gateway().close();

            Http.Answer answer = slow.get();
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.body().get("rows").get(0).get("slow").asInt()).isEqualTo(1);
            // Backends exit a moment after their client hangs up.
            Await.until("every connection of the stopped gateway closed", Duration.ofSeconds(5), () -> "0".equals(
                    Pg.scalar("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", app)));
        } finally {
            g.close();
        }
    }
}
