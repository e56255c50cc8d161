package dev.cairn.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.Http;
import dev.cairn.testing.Jwts;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.WsClient;
import dev.cairn.testing.TestNats;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live events over WebSocket and SSE, from JetStream: a principal sees its own platform's and
 * tenant's events only, of entities it may list; a resume (by sequence or by event id) has no gap
 * and no duplicate at the seam; a subscriber that stops reading is cut off while a fast one keeps
 * up; bad credentials close the connection with 4001.
 */
class SubscriptionsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] BUNDLE = Bundles.tarGz(Map.of(
            "postgresql/tables/items.pgsql", "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL,"
                    + " qty integer NOT NULL DEFAULT 0);",
            "postgresql/tables/notes.pgsql", "CREATE TABLE notes (id serial PRIMARY KEY, body text);",
            "postgresql/data-api.json", "{\"entities\": {\"notes\": {\"roles\": {\"list\": [\"auditor\"]}}}}"));

    private static EventsFixture events;
    private static TestGateway gateway;
    private static Http http;
    private static String platform;

    @BeforeAll
    static void start() {
        events = new EventsFixture(TestNats.url());
        // credentials judged again every second, and a token's exp to the second, for the expiry test
        Map<String, String> env = new HashMap<>(events.env("EVENTS_SUBSCRIBER_BUFFER", "200",
                "CREDENTIALS_RECHECK_SECS", "1", "JWT_LEEWAY_SECS", "0"));
        env.putAll(Jwts.env());
        gateway = TestGateway.start(env);
        http = gateway.http();
        platform = gateway.platform();
        for (String tenant : List.of("t1", "t2")) {
            Http.Answer a = http.register(platform, tenant, BUNDLE);
            assertThat(a.status()).as(a.raw()).isEqualTo(200);
        }
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

    private static String jwt(String tenant, String... roles) {
        return "Bearer " + Jwts.token(platform, tenant, List.of(roles));
    }

    private static WsClient connect(String tenant, String... roles) {
        return WsClient.open(gateway.port(), "", true, "Authorization", jwt(tenant, roles), "x-tenant-id", tenant);
    }

    private static JsonNode subscribe(WsClient ws, String id, String entity, Object since, String... types) {
        Map<String, Object> frame = new LinkedHashMap<>(Map.of("type", "subscribe", "id", id, "entity", entity));
        if (since != null) {
            frame.put("since", since);
        }
        if (types.length > 0) {
            frame.put("types", List.of(types));
        }
        ws.send(frame);
        return ws.nextNonPing(WAIT);
    }

    private static List<String> create(String tenant, int n, String prefix) {
        String[] names = IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toArray(String[]::new);
        return EventsFixture.create(http, platform, tenant, names);
    }

    @Test
    void each_tenant_sees_its_own_events_of_the_types_it_asked_for() {
        try (WsClient one = connect("t1", "user"); WsClient two = connect("t2", "user");
             WsClient updates = connect("t1", "user")) {
            JsonNode ack = subscribe(one, "a", "items", null);
            assertThat(ack.path("type").asText()).isEqualTo("ack");
            assertThat(ack.path("id").asText()).isEqualTo("a");
            assertThat(subscribe(two, "b", "items", null).path("type").asText()).isEqualTo("ack");
            assertThat(subscribe(updates, "u", "items", null, "updated").path("type").asText()).isEqualTo("ack");
            List<String> ids = create("t1", 3, "mine");
            create("t2", 2, "theirs");
            assertThat(http.json("PATCH", "/v1/items/" + ids.get(0), Map.of("qty", 9),
                    EventsFixture.as(platform, "t1")).status()).isEqualTo(200);

            List<JsonNode> mine = one.events(4, WAIT);
            assertThat(mine).allSatisfy(f -> {
                assertThat(f.path("subscription").asText()).isEqualTo("a");
                assertThat(f.path("event").path("tenant").asText()).isEqualTo("t1");
                assertThat(f.path("event").path("entity").asText()).isEqualTo("items");
                assertThat(f.path("event").path("sequence").asLong()).isPositive();
                assertThat(f.path("event").path("id").asText()).hasSize(36);
            });
            assertThat(mine).extracting(f -> f.path("event").path("type").asText())
                    .containsExactly("created", "created", "created", "updated");
            assertThat(mine).extracting(f -> f.path("event").path("sequence").asLong()).isSorted();
            assertThat(two.events(2, WAIT)).allSatisfy(f ->
                    assertThat(f.path("event").path("payload").path("name").asText()).startsWith("theirs"));
            assertThat(updates.events(1, WAIT).get(0).path("event").path("payload").path("qty").asInt()).isEqualTo(9);
            // nothing else arrived for anyone
            pause(300);
            assertThat(one.drain()).noneMatch(f -> f.path("type").asText().equals("event"));
            assertThat(two.drain()).noneMatch(f -> f.path("type").asText().equals("event"));
            assertThat(updates.drain()).noneMatch(f -> f.path("type").asText().equals("event"));
        }
    }

    @Test
    void only_entities_the_roles_may_list_and_only_with_credentials() {
        try (WsClient ws = connect("t1", "user")) {
            JsonNode denied = subscribe(ws, "n", "notes", null);
            assertThat(denied.path("type").asText()).isEqualTo("error");
            assertThat(denied.path("id").asText()).isEqualTo("n");
            assertThat(denied.path("error").asText()).isEqualTo("forbidden");
            JsonNode missing = subscribe(ws, "m", "no-such-entity", null);
            assertThat(missing.path("error").asText()).isEqualTo("entity_not_found");
            JsonNode bad = subscribe(ws, "s", "items", "yesterday");
            assertThat(bad.path("error").asText()).isEqualTo("validation_error");
            assertThat(bad.path("field").asText()).isEqualTo("since");
        }
        try (WsClient auditor = connect("t1", "auditor")) {
            assertThat(subscribe(auditor, "n", "notes", null).path("type").asText()).isEqualTo("ack");
        }
        try (WsClient other = WsClient.open(gateway.port(), "", true, "Authorization", jwt("t1", "user"),
                "x-tenant-id", "t2")) {
            assertThat(other.nextNonPing(WAIT).path("error").asText()).isEqualTo("tenant_conflict");
            assertThat(other.closeCode(WAIT)).isEqualTo(4009);
        }
        try (WsClient nobody = WsClient.open(gateway.port(), "?tenant=t1", true)) {
            assertThat(nobody.nextNonPing(WAIT).path("error").asText()).isEqualTo("unauthorized");
            assertThat(nobody.closeCode(WAIT)).isEqualTo(4001);
        }
        try (WsClient forged = WsClient.open(gateway.port(), "?tenant=t1&access_token=not-a-token", true)) {
            assertThat(forged.closeCode(WAIT)).isEqualTo(4001);
        }
        try (WsClient browser = WsClient.open(gateway.port(), "?tenant=t1&access_token="
                + Jwts.token(platform, "t1", List.of("user")), true)) {
            assertThat(subscribe(browser, "q", "items", null).path("type").asText()).isEqualTo("ack");
        }
    }

    @Test
    void a_resume_by_sequence_or_by_event_id_has_no_gap_and_no_duplicate() {
        long last;
        String lastId;
        try (WsClient ws = connect("t2", "user")) {
            subscribe(ws, "r", "items", null);
            create("t2", 5, "first");
            List<JsonNode> seen = ws.events(5, WAIT);
            last = seen.get(4).path("event").path("sequence").asLong();
            lastId = seen.get(2).path("event").path("id").asText();
        }
        create("t2", 4, "missed"); // while nobody listens
        try (WsClient again = connect("t2", "user")) {
            assertThat(subscribe(again, "r2", "items", last).path("type").asText()).isEqualTo("ack");
            List<JsonNode> replay = again.events(4, WAIT);
            assertThat(replay).extracting(f -> f.path("event").path("payload").path("name").asText())
                    .containsExactly("missed-0", "missed-1", "missed-2", "missed-3");
            create("t2", 2, "live");
            List<JsonNode> live = again.events(2, WAIT);
            assertThat(live).extracting(f -> f.path("event").path("payload").path("name").asText())
                    .containsExactly("live-0", "live-1");
            List<Long> sequences = new ArrayList<>();
            replay.forEach(f -> sequences.add(f.path("event").path("sequence").asLong()));
            live.forEach(f -> sequences.add(f.path("event").path("sequence").asLong()));
            assertThat(sequences).isSorted().doesNotHaveDuplicates();
            assertThat(sequences.get(0)).isGreaterThan(last);
        }
        try (WsClient byId = connect("t2", "user")) {
            JsonNode ack = subscribe(byId, "i", "items", lastId);
            assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
            assertThat(byId.events(8, WAIT)).extracting(f -> f.path("event").path("payload").path("name").asText())
                    .containsExactly("first-3", "first-4", "missed-0", "missed-1", "missed-2", "missed-3",
                            "live-0", "live-1");
        }
    }

    @Test
    void a_subscriber_that_stops_reading_is_cut_off_while_a_fast_one_keeps_up() {
        try (WsClient slow = WsClient.open(gateway.port(), "", false, "Authorization", jwt("t1", "user"),
                "x-tenant-id", "t1"); WsClient fast = connect("t1", "user")) {
            slow.send(Map.of("type", "subscribe", "id", "slow", "entity", "items"));
            assertThat(subscribe(fast, "fast", "items", null).path("type").asText()).isEqualTo("ack");
            pause(300);
            String big = "x".repeat(4000); // 4 KB events: the slow one's socket buffers fill after a few MB
            for (int batch = 0; batch < 30; batch++) {
                create("t1", 200, big + batch);
                assertThat(fast.events(200, WAIT)).hasSize(200);
            }
            // The slow one's socket and its EVENTS_SUBSCRIBER_BUFFER are full: after the grace it is cut off,
            // which it sees once it reads again (the close frame comes after what was in flight).
            pause(3000); // the grace a full subscriber gets (2 s), and a margin
            slow.startReading();
            assertThat(slow.closeCode(Duration.ofSeconds(30))).isEqualTo(4008);
            create("t1", 10, "after");
            assertThat(fast.events(10, WAIT)).extracting(f -> f.path("event").path("payload").path("name").asText())
                    .startsWith("after-0");
        }
    }

    @Test
    void server_sent_events_with_last_event_id_resume() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        create("t1", 1, "before-sse");
        String last;
        try (SseReader sse = SseReader.open(client, gateway.port(), "/v1/events/stream?entity=items", jwt("t1", "user"),
                "t1", null)) {
            create("t2", 2, "other-tenant"); // never seen by t1's stream
            create("t1", 3, "sse");
            List<String[]> got = sse.events(3);
            assertThat(got).extracting(e -> Http.JSON.readTree(e[1]).path("payload").path("name").asText())
                    .containsExactly("sse-0", "sse-1", "sse-2");
            last = got.get(0)[0];
        }
        try (SseReader resumed = SseReader.open(client, gateway.port(), "/v1/events/stream?entity=items",
                jwt("t1", "user"), "t1", last)) {
            assertThat(resumed.events(2)).extracting(e -> Http.JSON.readTree(e[1]).path("payload").path("name").asText())
                    .containsExactly("sse-1", "sse-2");
        }
        HttpResponse<String> denied = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/v1/events/stream?entity=notes")).header("Authorization", jwt("t1", "user"))
                .header("x-tenant-id", "t1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(403);
    }

    @Test
    void a_token_that_expires_ends_its_connections_and_others_go_on() throws Exception {
        String expiring = "Bearer " + Jwts.sign(Jwts.claims(platform, "t1", List.of("user"))
                .expirationTime(new java.util.Date(System.currentTimeMillis() + 3000)).build(), Jwts.SECRET);
        try (WsClient ws = WsClient.open(gateway.port(), "", true, "Authorization", expiring, "x-tenant-id", "t1");
             WsClient lasting = connect("t1", "user");
             SseReader sse = SseReader.open(HttpClient.newHttpClient(), gateway.port(), "/v1/events/stream?entity=items",
                     expiring, "t1", null)) {
            assertThat(subscribe(ws, "s", "items", null).path("type").asText()).isEqualTo("ack");
            assertThat(subscribe(lasting, "s", "items", null).path("type").asText()).isEqualTo("ack");
            Thread.sleep(1500); // rechecked at least once while the token still held
            assertThat(ws.isClosed()).isFalse();

            assertThat(ws.closeCode(WAIT)).as("closed once the token expired").isEqualTo(4001);
            JsonNode ended = Http.JSON.readTree(sse.named("error"));
            assertThat(ended.path("error").asText()).isEqualTo("unauthorized");
            assertThat(ended.path("message").asText()).contains("no longer valid");

            create("t1", 1, "after-expiry");
            assertThat(lasting.events(1, WAIT)).extracting(e -> e.path("event").path("payload").path("name").asText())
                    .containsExactly("after-expiry-0");
            assertThat(lasting.isClosed()).isFalse();
        }
    }

    /** A minimal SSE client: "id" and "data" of each "event: event", in order. */
    private static final class SseReader implements AutoCloseable {
        private final HttpResponse<java.io.InputStream> response;
        private final BufferedReader reader;

        private SseReader(HttpResponse<java.io.InputStream> response) {
            this.response = response;
            this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        static SseReader open(HttpClient client, int port, String path, String auth, String tenant, String lastEventId)
                throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", auth).header("x-tenant-id", tenant).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<java.io.InputStream> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            pause(300); // the subscription starts when the response does; give its consumer a moment
            return new SseReader(response);
        }

        /** The data of the next event with this name (the stream's "error", say), skipping the others. */
        String named(String wanted) throws Exception {
            String name = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (wanted.equals(name)) {
                        return data.toString();
                    }
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            throw new AssertionError("the stream ended without an event named " + wanted);
        }

        List<String[]> events(int n) throws Exception {
            List<String[]> out = new ArrayList<>();
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            String line;
            while (out.size() < n && (line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if ("event".equals(name)) {
                        out.add(new String[] {id, data.toString()});
                    }
                    id = null;
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            return out;
        }

        @Override
        public void close() throws Exception {
            response.body().close();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
