package dev.cairn.events;

import static dev.cairn.events.EventsFixture.create;
import static dev.cairn.events.EventsFixture.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Await;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestNats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two Cairn instances on one control database, as behind a load balancer, both relaying: 10,000
 * events written through both into 20 tenant databases reach the stream with no duplicate (not
 * even one JetStream had to drop) and no gap, and each aggregate's events in the order written.
 */
class RelayInstancesTest {

    private static final int TENANTS = 20;
    private static final int PER_TENANT = 500;
    private static final int PER_REQUEST = 50;

    @Test
    void two_gateways_publish_ten_thousand_events_from_twenty_databases_once_each_in_order() throws Exception {
        EventsFixture events = new EventsFixture(TestNats.url());
        try (TestGateway one = TestGateway.start(events.env("MAX_TOTAL_CONNECTIONS", "30"));
             TestGateway two = one.sibling(events.env("MAX_TOTAL_CONNECTIONS", "30"))) {
            String platform = one.platform();
            List<String> tenants = new ArrayList<>();
            for (int i = 0; i < TENANTS; i++) {
                tenants.add("t" + i);
                register(one.http(), platform, "t" + i);
            }
            ExecutorService writers = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < TENANTS; t++) {
                    String tenant = tenants.get(t);
                    for (int r = 0; r < PER_TENANT / PER_REQUEST; r++) {
                        TestGateway via = (t + r) % 2 == 0 ? one : two;
                        String[] names = new String[PER_REQUEST];
                        for (int n = 0; n < PER_REQUEST; n++) {
                            names[n] = tenant + "-" + r + "-" + n;
                        }
                        done.add(writers.submit(() -> create(via.http(), platform, tenant, names)));
                    }
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                writers.shutdown();
            }
            // one aggregate of every tenant updated five times, through both gateways in turn
            for (String tenant : tenants) {
                for (int u = 1; u <= 5; u++) {
                    TestGateway via = u % 2 == 0 ? one : two;
                    assertThat(via.http().json("PATCH", "/v1/items/1", Map.of("qty", u),
                            EventsFixture.as(platform, tenant)).status()).isEqualTo(200);
                }
            }
            int total = TENANTS * (PER_TENANT + 5);
            Await.until("every event in the stream", Duration.ofSeconds(60), () -> events.count() >= total);

            List<EventsFixture.Event> seen = events.dataEvents();
            assertThat(seen).hasSize(total);
            assertThat(seen).extracting(EventsFixture.Event::msgId).doesNotHaveDuplicates();
            Set<String> written = new HashSet<>();
            for (String tenant : tenants) {
                String database = platform + "_" + tenant;
                written.addAll(Pg.query(database, "SELECT id::text FROM cairn.outbox WHERE published_at IS NOT NULL")
                        .stream().map(r -> r.get(0)).toList());
                assertThat(EventsFixture.unpublished(database)).isZero();
            }
            assertThat(seen.stream().map(EventsFixture.Event::msgId).collect(Collectors.toSet())).isEqualTo(written);
            for (String tenant : tenants) {
                assertThat(seen.stream().filter(e -> e.body().path("tenant").asText().equals(tenant)
                                && e.body().path("aggregateId").asText().equals("1"))
                        .sorted(Comparator.comparingLong(EventsFixture.Event::sequence))
                        .map(e -> e.body().path("payload").path("qty").asInt()))
                        .as("aggregate 1 of " + tenant + " in the order written").containsExactly(0, 1, 2, 3, 4, 5);
            }
            var first = one.gateway().relayStatus().orElseThrow();
            var second = two.gateway().relayStatus().orElseThrow();
            assertThat(first.duplicates() + second.duplicates()).as("republished rows").isZero();
            assertThat(first.published() + second.published()).as("data and control events")
                    .isEqualTo(total + events.events().size() - seen.size());
            assertThat(first.published()).as("both instances relayed").isPositive();
            assertThat(second.published()).as("both instances relayed").isPositive();
        } finally {
            events.close();
        }
    }
}
