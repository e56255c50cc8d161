package dev.cairn.events;

import static dev.cairn.events.EventsFixture.create;
import static dev.cairn.events.EventsFixture.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Await;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestNats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * NATS going away, on a server of the test's own (the machine's is never stopped): writes keep
 * succeeding, their rows wait, {@code /health} says degraded with the backlog, and once NATS is
 * back the relay reconnects by itself and delivers every row, each id exactly once. A gateway that
 * starts while NATS is down runs, and relays once it comes.
 */
class RelayOutageTest {

    @Test
    void writes_during_an_outage_are_all_delivered_after_it_each_exactly_once() {
        try (TestNats.Private nats = TestNats.Private.start()) {
            EventsFixture events = new EventsFixture(nats.url());
            try (TestGateway gateway = TestGateway.start(events.env())) {
                String platform = gateway.platform();
                register(gateway.http(), platform, "t1");
                String database = platform + "_t1";
                create(gateway.http(), platform, "t1", names("before", 20));
                Await.until("the first rows published", Duration.ofSeconds(10), () -> events.count() == 20);

                nats.stop();
                Await.until("the gateway sees NATS gone", Duration.ofSeconds(10),
                        () -> health(gateway).path("events").path("relay").asText().equals("disconnected"));
                for (int i = 0; i < 10; i++) {
                    create(gateway.http(), platform, "t1", names("during-" + i, 10));
                }
                Await.until("the backlog counted", Duration.ofSeconds(10), // the rows, and control events
                        () -> health(gateway).path("events").path("backlog").asLong() >= 100);
                JsonNode degraded = health(gateway);
                assertThat(degraded.path("status").asText()).isEqualTo("degraded");
                assertThat(EventsFixture.unpublished(database)).isEqualTo(100);

                nats.restart();
                Await.until("everything delivered", Duration.ofSeconds(20), () -> events.count() == 120
                        && EventsFixture.unpublished(database) == 0);
                List<String> ids = events.dataEvents().stream().map(EventsFixture.Event::msgId).toList();
                assertThat(ids).doesNotHaveDuplicates().hasSize(120);
                assertThat(Set.copyOf(ids)).isEqualTo(Pg.query(database, "SELECT id::text FROM cairn.outbox").stream()
                        .map(r -> r.get(0)).collect(Collectors.toSet()));
                Await.until("healthy again", Duration.ofSeconds(10), () -> health(gateway).path("status").asText()
                        .equals("healthy") && health(gateway).path("events").path("backlog").asLong() == 0);
            } finally {
                events.close();
            }
        }
    }

    @Test
    void a_gateway_started_while_nats_is_down_runs_and_relays_once_it_comes() {
        try (TestNats.Private nats = TestNats.Private.start()) {
            nats.stop();
            EventsFixture events = new EventsFixture(nats.url());
            try (TestGateway gateway = TestGateway.start(events.env())) {
                String platform = gateway.platform();
                register(gateway.http(), platform, "t1");
                create(gateway.http(), platform, "t1", names("offline", 5));
                assertThat(health(gateway).path("status").asText()).isEqualTo("degraded");
                nats.restart();
                Await.until("delivered once NATS came", Duration.ofSeconds(20), () -> events.count() == 5);
            } finally {
                events.close();
            }
        }
    }

    private static JsonNode health(TestGateway gateway) {
        return gateway.http().get("/health").body();
    }

    private static String[] names(String prefix, int n) {
        List<String> names = new ArrayList<>();
        IntStream.range(0, n).forEach(i -> names.add(prefix + "-" + i));
        return names.toArray(String[]::new);
    }
}
