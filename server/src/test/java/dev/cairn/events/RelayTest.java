package dev.cairn.events;

import static dev.cairn.events.EventsFixture.as;
import static dev.cairn.events.EventsFixture.create;
import static dev.cairn.events.EventsFixture.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Await;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestNats;
import io.nats.client.Connection;
import io.nats.client.PublishOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay against the machine's NATS (or a nats-server of the test JVM): what the data API
 * writes, what a function inserts and what SQL inserts behind Cairn's back all reach JetStream
 * once each, under their outbox ids, with escaped subjects, in order per aggregate; a row NATS
 * refuses is given up on without holding up the rest; a row published again is stored once.
 */
class RelayTest {

    private static EventsFixture events;
    private static TestGateway gateway;
    private static Http http;
    private static String platform;
    private static String database;

    @BeforeAll
    static void start() {
        events = new EventsFixture(TestNats.url());
        gateway = TestGateway.start(events.env());
        http = gateway.http();
        platform = gateway.platform();
        register(http, platform, "t1");
        database = platform + "_t1";
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (events != null) {
            events.close();
        }
    }

    private static Set<String> ids(String where) {
        return Pg.query(database, "SELECT id::text FROM cairn.outbox WHERE " + where).stream().map(r -> r.get(0))
                .collect(Collectors.toSet());
    }

    private static List<EventsFixture.Event> eventsOf(Set<String> ids) {
        return events.events().stream().filter(e -> ids.contains(e.msgId())).toList();
    }

    @Test
    void data_api_writes_reach_the_stream_once_each_under_their_outbox_id_in_order_per_aggregate() {
        List<String> created = create(http, platform, "t1", "a", "b", "c");
        String first = created.get(0);
        for (int i = 1; i <= 3; i++) {
            assertThat(http.json("PATCH", "/v1/items/" + first, Map.of("qty", i), as(platform, "t1")).status()).isEqualTo(200);
        }
        assertThat(http.json("DELETE", "/v1/items/" + created.get(1), null, as(platform, "t1")).status()).isEqualTo(204);
        Set<String> written = ids("aggregate_type = 'items'");
        assertThat(written).hasSize(7);

        Await.until("every row published", Duration.ofSeconds(10), () -> ids("aggregate_type = 'items'"
                + " AND published_at IS NULL").isEmpty() && eventsOf(written).size() == written.size());
        List<EventsFixture.Event> seen = eventsOf(written);
        assertThat(seen).extracting(EventsFixture.Event::msgId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(written);
        seen.forEach(e -> {
            assertThat(e.body().path("id").asText()).isEqualTo(e.msgId());
            assertThat(e.subject()).isEqualTo(events.prefix + "." + platform + ".t1.items." + e.body().path("type").asText());
            assertThat(e.body().path("tenant").asText()).isEqualTo("t1");
            assertThat(e.body().path("database").asText()).isEqualTo(database);
        });
        assertThat(seen.stream().filter(e -> e.body().path("aggregateId").asText().equals(first))
                .map(e -> e.body().path("type").asText() + ":" + e.body().path("payload").path("qty").asText()))
                .containsExactly("created:0", "updated:1", "updated:2", "updated:3");
        assertThat(seen.stream().filter(e -> e.body().path("type").asText().equals("deleted")))
                .singleElement().satisfies(e -> assertThat(e.body().path("payload").path("name").asText()).isEqualTo("b"));

        var health = http.get("/health").body();
        assertThat(health.path("status").asText()).isEqualTo("healthy");
        assertThat(health.path("events").path("relay").asText()).isEqualTo("connected");
        assertThat(health.path("events").path("backlog").asLong()).isZero();
    }

    @Test
    void an_event_a_function_inserts_is_found_by_the_sweep() {
        Http.Answer called = http.call(platform, "t1", "emit_shipped", List.of("order-7"));
        assertThat(called.status()).as(called.raw()).isEqualTo(200);
        Set<String> id = ids("aggregate_type = 'orders' AND aggregate_id = 'order-7'");
        assertThat(id).hasSize(1);
        Await.until("the function's event published", Duration.ofSeconds(5), () -> eventsOf(id).size() == 1);
        EventsFixture.Event e = eventsOf(id).get(0);
        assertThat(e.subject()).isEqualTo(events.prefix + "." + platform + ".t1.orders.shipped");
        assertThat(e.body().path("payload").path("order").asText()).isEqualTo("order-7");
        assertThat(e.body().path("tenant").asText()).as("the database's tenant when the row names none").isEqualTo("t1");
    }

    @Test
    void rows_written_behind_cairns_back_are_found_by_the_full_sweep_and_names_cannot_add_subject_levels() {
        register(http, platform, "quiet"); // a database no request will write through this gateway
        String quiet = platform + "_quiet";
        Pg.execute(quiet, "INSERT INTO cairn.outbox (aggregate_type, aggregate_id, type, payload) VALUES"
                + " ('a.b.>', 'x', 'odd *type', '{}'), ('plain', 'y', 'created', NULL)");
        Set<String> written = Pg.query(quiet, "SELECT id::text FROM cairn.outbox").stream().map(r -> r.get(0))
                .collect(Collectors.toSet());
        Await.until("the full sweep found them", Duration.ofSeconds(30), () -> eventsOf(written).size() == 2);
        assertThat(eventsOf(written)).extracting(EventsFixture.Event::subject).containsExactlyInAnyOrder(
                events.prefix + "." + platform + ".quiet.a%2Eb%2E%3E.odd%20%2Atype",
                events.prefix + "." + platform + ".quiet.plain.created");
        assertThat(eventsOf(written)).filteredOn(e -> e.body().path("entity").asText().equals("plain"))
                .singleElement().satisfies(e -> assertThat(e.body().path("payload").isNull()).isTrue());
    }

    @Test
    void a_row_nats_refuses_is_given_up_on_and_holds_up_only_its_own_aggregate() {
        String big = "x".repeat(1_200_000); // over the server's 1 MB max payload
        Pg.execute(database, "INSERT INTO cairn.outbox (aggregate_type, aggregate_id, type, payload) VALUES"
                + " ('poison', 'p1', 'created', jsonb_build_object('blob', '" + big + "')),"
                + " ('poison', 'p1', 'updated', '{\"n\": 2}'),"
                + " ('healthy', 'h1', 'created', '{\"n\": 1}')");
        http.call(platform, "t1", "emit_shipped", List.of("wake")); // the sweep looks at this database now
        Set<String> healthy = ids("aggregate_type IN ('healthy', 'orders')");
        Await.until("the healthy row published", Duration.ofSeconds(10), () -> eventsOf(healthy).size() == healthy.size());
        Await.until("the poison row given up on", Duration.ofSeconds(10), () -> Pg.scalar(database,
                "SELECT attempts FROM cairn.outbox WHERE aggregate_id = 'p1' AND type = 'created'").equals("3"));
        assertThat(Pg.scalar(database, "SELECT last_error FROM cairn.outbox WHERE aggregate_id = 'p1' AND type = 'created'"))
                .contains("bytes").contains("at most");
        assertThat(Pg.scalar(database, "SELECT published_at IS NULL FROM cairn.outbox WHERE aggregate_id = 'p1'"
                + " AND type = 'created'")).isEqualTo("t");
        Set<String> after = ids("aggregate_id = 'p1' AND type = 'updated'");
        Await.until("the row behind it published once it was given up on", Duration.ofSeconds(10),
                () -> eventsOf(after).size() == 1);
    }

    @Test
    void control_plane_events_say_what_happened_to_the_platforms_databases() {
        register(http, platform, "late");
        String subject = events.prefix + ".control." + platform + ".database.created";
        Await.until("the control event published", Duration.ofSeconds(10), () -> events.events().stream()
                .anyMatch(e -> e.subject().equals(subject)
                        && e.body().path("payload").path("database").asText().equals(platform + "_late")));
        EventsFixture.Event created = events.events().stream().filter(e -> e.subject().equals(subject)
                && e.body().path("payload").path("database").asText().equals(platform + "_late")).findFirst().orElseThrow();
        assertThat(created.body().path("platform").asText()).isEqualTo(platform);
        assertThat(created.body().path("payload").path("tenant").asText()).isEqualTo("late");
        assertThat(created.body().path("payload").path("version").asInt()).isEqualTo(1);
        assertThat(created.msgId()).isEqualTo(created.body().path("id").asText());
    }

    @Test
    void a_row_published_again_after_a_crash_before_its_mark_is_stored_once() throws Exception {
        // What a relay killed between JetStream's ack and the mark leaves: rows in the stream, still unpublished.
        UUID one = UUID.randomUUID();
        UUID two = UUID.randomUUID();
        try (Connection nc = TestNats.connect(events.nats)) {
            for (UUID id : List.of(one, two)) {
                nc.jetStream().publish(events.prefix + "." + platform + ".t1.crash.created", new byte[0],
                        PublishOptions.builder().messageId(id.toString()).build());
            }
        }
        long before = gateway.gateway().relayStatus().orElseThrow().duplicates();
        Pg.execute(database, "INSERT INTO cairn.outbox (id, aggregate_type, aggregate_id, type) VALUES ('" + one
                + "', 'crash', 'c', 'created'), ('" + two + "', 'crash', 'c', 'updated')");
        http.call(platform, "t1", "emit_shipped", List.of("wake-2"));
        Set<String> ids = Set.of(one.toString(), two.toString());
        Await.until("both marked published", Duration.ofSeconds(10), () -> Pg.scalar(database,
                "SELECT count(*) FROM cairn.outbox WHERE aggregate_type = 'crash' AND published_at IS NOT NULL").equals("2"));
        assertThat(eventsOf(ids)).as("each id once in the stream").hasSize(2);
        assertThat(gateway.gateway().relayStatus().orElseThrow().duplicates() - before).isEqualTo(2);
    }
}
