package dev.cairn.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.Http;
import dev.cairn.testing.Jwts;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestNats;
import dev.cairn.testing.TestNoetl;
import dev.cairn.testing.WsClient;
import dev.cairn.upstream.CallbackSignature;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GraphQL over WebSocket ({@code graphql-transport-ws}, as the graphql-ws library speaks it):
 * the handshake and the protocol's close codes, an entity's change events delivered live and
 * resumed from a sequence, queries over the socket, the data API's policy on subscriptions, and
 * the NoETL flow: executePlaybook, then execution polled, then executionUpdates live from the
 * workflow server's NATS subject and from a signed callback.
 */
class GraphqlSubscriptionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    static final String SECRET = "callback-secret-of-at-least-32-bytes!!";
    static final byte[] BUNDLE = Bundles.tarGz(Map.of("postgresql/tables/items.pgsql",
            "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty integer NOT NULL DEFAULT 0);"));
    private static final String STREAM = "GQ_" + TestGateway.randomHex();
    private static final String PREFIX = "gq" + TestGateway.randomHex();
    private static final String UPDATES = PREFIX + ".executions.";
    private static TestNoetl noetl;
    private static TestGateway gateway;
    private static Http http;
    private static String platform;

    @BeforeAll
    static void start() {
        noetl = TestNoetl.start();
        Map<String, String> env = new HashMap<>(Jwts.env());
        env.putAll(Map.of("NATS_URL", TestNats.url(), "EVENTS_STREAM", STREAM, "EVENTS_SUBJECT_PREFIX", PREFIX,
                "NOETL_BASE_URL", noetl.url(), "CALLBACK_SECRET", SECRET, "NATS_UPDATES_SUBJECT_PREFIX", UPDATES,
                "PLAYBOOK_ACCESS", "[{\"path\": \"reports/**\", \"roles\": [\"analyst\"], \"permissions\": [\"execute\", \"view\"]}]"));
        gateway = TestGateway.start(env);
        http = gateway.http();
        platform = gateway.platform();
        assertThat(http.register(platform, "ws", BUNDLE).status()).isEqualTo(200);
        Http.Answer put = http.json("PUT", "/admin/platforms/" + platform + "/data-api", Map.of("entities",
                Map.of("items", Map.of("roles", Map.of("list", List.of("reader"))))), "Authorization",
                "Bearer " + TestGateway.ADMIN_TOKEN);
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        noetl.close();
        TestNats.deleteStream(TestNats.url(), STREAM);
    }

    static WsClient connect() {
        WsClient ws = WsClient.open(gateway.port(), "/graphql", "", true, List.of("graphql-transport-ws"));
        assertThat(ws.subprotocol()).isEqualTo("graphql-transport-ws");
        return ws;
    }

    static WsClient ready(List<String> roles, String... more) {
        WsClient ws = connect();
        Map<String, Object> payload = new HashMap<>(Map.of("Authorization", "Bearer " + Jwts.token(platform, "ws", roles),
                "x-tenant-id", "ws"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            payload.put(more[i], more[i + 1]);
        }
        ws.send(Map.of("type", "connection_init", "payload", payload));
        assertThat(ws.nextNonPing(WAIT).path("type").asText()).isEqualTo("connection_ack");
        return ws;
    }

    static void subscribe(WsClient ws, String id, String query, Map<String, Object> variables) {
        ws.send(Map.of("id", id, "type", "subscribe", "payload", Map.of("query", query, "variables", variables)));
    }

    static String createItem(String name) {
        Http.Answer a = http.postJson("/v1/items", Map.of("name", name), "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN,
                "x-platform", platform, "x-tenant-id", "ws", "Idempotency-Key", UUID.randomUUID().toString());
        assertThat(a.status()).as(a.raw()).isEqualTo(201);
        return a.body().path("id").asText();
    }

    @Test
    void a_subscription_delivers_a_change_as_it_happens_and_resumes_from_a_sequence() {
        long sequence;
        try (WsClient ws = ready(List.of("reader"))) {
            subscribe(ws, "s1", "subscription($t: [String!]) { itemsChanged(types: $t) { type sequence aggregateId"
                    + " data { name qty } } }", Map.of("t", List.of("created")));
            Await.noFrame(ws); // nothing until something changes
            createItem("anvil");
            JsonNode next = ws.nextNonPing(WAIT);
            assertThat(next.path("type").asText()).as(next.toString()).isEqualTo("next");
            assertThat(next.path("id").asText()).isEqualTo("s1");
            JsonNode change = next.path("payload").path("data").path("itemsChanged");
            assertThat(change.path("type").asText()).isEqualTo("created");
            assertThat(change.path("data").path("name").asText()).isEqualTo("anvil");
            assertThat(change.path("data").path("qty").asInt()).isZero();
            sequence = change.path("sequence").asLong();
            ws.send(Map.of("id", "s1", "type", "complete"));
            createItem("bellows");
            Await.noFrame(ws);
        }
        try (WsClient ws = ready(List.of("reader"))) {
            subscribe(ws, "again", "subscription($since: String) { itemsChanged(since: $since) { sequence"
                    + " data { name } } }", Map.of("since", Long.toString(sequence - 1)));
            List<String> names = List.of(ws.nextNonPing(WAIT), ws.nextNonPing(WAIT)).stream()
                    .map(f -> f.path("payload").path("data").path("itemsChanged").path("data").path("name").asText()).toList();
            assertThat(names).containsExactly("anvil", "bellows");
        }
    }

    @Test
    void queries_run_over_the_socket_and_the_data_apis_policy_holds_for_subscriptions() {
        createItem("crucible");
        try (WsClient ws = ready(List.of("reader"))) {
            subscribe(ws, "q", "{ items(where: {name: {equals: \"crucible\"}}) { name } }", Map.of());
            JsonNode next = ws.nextNonPing(WAIT);
            assertThat(next.path("type").asText()).isEqualTo("next");
            assertThat(next.path("payload").path("data").path("items").get(0).path("name").asText()).isEqualTo("crucible");
            assertThat(ws.nextNonPing(WAIT).path("type").asText()).isEqualTo("complete");
            subscribe(ws, "bad", "subscription { nothingLikeThis { id } }", Map.of());
            JsonNode error = ws.nextNonPing(WAIT);
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("payload").get(0).path("extensions").path("code").asText()).isEqualTo("invalid_query");
        }
        try (WsClient ws = ready(List.of("guest"))) {
            subscribe(ws, "s", "subscription { itemsChanged { type } }", Map.of());
            JsonNode error = ws.nextNonPing(WAIT);
            assertThat(error.path("type").asText()).as(error.toString()).isEqualTo("error");
            assertThat(error.path("payload").get(0).path("extensions").path("code").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void breaches_of_the_protocol_close_with_its_codes() {
        try (WsClient ws = connect()) {
            subscribe(ws, "early", "subscription { itemsChanged { type } }", Map.of());
            assertThat(ws.closeCode(WAIT)).isEqualTo(4401);
        }
        try (WsClient ws = ready(List.of("reader"))) {
            ws.send(Map.of("type", "connection_init"));
            assertThat(ws.closeCode(WAIT)).isEqualTo(4429);
        }
        try (WsClient ws = ready(List.of("reader"))) {
            ws.sendRaw("not json");
            assertThat(ws.closeCode(WAIT)).isEqualTo(4400);
        }
        try (WsClient ws = ready(List.of("reader"))) {
            subscribe(ws, "twice", "subscription { itemsChanged { type } }", Map.of());
            subscribe(ws, "twice", "subscription { itemsChanged { type } }", Map.of());
            assertThat(ws.closeCode(WAIT)).isEqualTo(4409);
        }
        try (WsClient ws = connect()) {
            ws.send(Map.of("type", "connection_init", "payload", Map.of("Authorization", "Bearer forged.jwt.token",
                    "x-tenant-id", "ws")));
            assertThat(ws.closeCode(WAIT)).isEqualTo(4403);
        }
        try (WsClient ws = connect()) {
            ws.send(Map.of("type", "ping"));
            assertThat(ws.nextNonPing(WAIT).path("type").asText()).isEqualTo("pong");
            assertThat(ws.closeCode(Duration.ofSeconds(15))).isEqualTo(4408); // no connection_init in 10 s
        }
        // The legacy subscriptions-transport-ws protocol is refused at the handshake, not misunderstood later.
        assertThatThrownBy(() -> WsClient.open(gateway.port(), "/graphql", "", true, List.of("graphql-ws")))
                .rootCause().hasMessageContaining("status code 400");
    }

    @Test
    void execute_playbook_then_poll_then_live_updates_from_the_workflow_server_and_a_callback() throws Exception {
        String analyst = Jwts.token(platform, null, List.of("analyst"));
        Http.Answer started = http.postJson("/graphql", Map.of("query", "mutation { executePlaybook(name: \"reports/daily\","
                + " variables: {day: 4}, clientId: \"ui-7\") { executionId requestId status } }"),
                "Authorization", "Bearer " + analyst, "x-platform", platform);
        JsonNode run = started.body().path("data").path("executePlaybook");
        String executionId = run.path("executionId").asText();
        assertThat(executionId).as(started.raw()).isNotEmpty();
        Http.Answer polled = http.postJson("/graphql", Map.of("query", "query($id: ID!) { execution(id: $id) { status } }",
                "variables", Map.of("id", executionId)), "Authorization", "Bearer " + analyst, "x-platform", platform);
        assertThat(polled.body().path("data").path("execution").path("status").asText()).as(polled.raw())
                .isEqualTo("RUNNING");

        WsClient ws = connect();
        try (ws; Connection nats = TestNats.connect(TestNats.url())) {
            ws.send(Map.of("type", "connection_init", "payload", Map.of("Authorization", "Bearer " + analyst,
                    "x-platform", platform)));
            assertThat(ws.nextNonPing(WAIT).path("type").asText()).isEqualTo("connection_ack");
            subscribe(ws, "u", "subscription($id: ID!) { executionUpdates(executionId: $id) { executionId step status"
                    + " data source } }", Map.of("id", executionId));
            Await.noFrame(ws); // subscribed (the source opens before anything is sent)

            TestNoetl.progress(nats, UPDATES, executionId, "fetch", "RUNNING", Http.JSON.valueToTree(Map.of("rows", 2)));
            JsonNode progress = update(ws);
            assertThat(progress.path("step").asText()).isEqualTo("fetch");
            assertThat(progress.path("source").asText()).isEqualTo("upstream");
            assertThat(progress.path("data").path("rows").asInt()).isEqualTo(2);

            byte[] body = Http.write(Map.of("request_id", run.path("requestId").asText(), "step", "notify",
                    "status", "success", "data", Map.of("sent", true))).getBytes(StandardCharsets.UTF_8);
            Http.Answer callback = http.postRaw("/api/internal/callback", "application/json", body,
                    CallbackSignature.HEADER, CallbackSignature.sign(SECRET, Instant.now().getEpochSecond(), body));
            assertThat(callback.body().path("delivered").asBoolean()).as(callback.raw()).isTrue();
            JsonNode fromCallback = update(ws);
            assertThat(fromCallback.path("source").asText()).isEqualTo("callback");
            assertThat(fromCallback.path("step").asText()).isEqualTo("notify");
            assertThat(fromCallback.path("executionId").asText()).isEqualTo(executionId);

            noetl.finish(executionId, Http.JSON.valueToTree(Map.of("report", "done")), nats, UPDATES);
            assertThat(update(ws).path("status").asText()).isEqualTo("COMPLETED");
        }
        Http.Answer done = http.postJson("/graphql", Map.of("query", "query($id: ID!) { execution(id: $id) { status result } }",
                "variables", Map.of("id", executionId)), "Authorization", "Bearer " + analyst, "x-platform", platform);
        assertThat(done.body().path("data").path("execution").path("result").path("report").asText()).isEqualTo("done");

        // Someone who may not view the playbook cannot watch it either.
        try (WsClient other = connect()) {
            other.send(Map.of("type", "connection_init", "payload", Map.of("Authorization", "Bearer "
                    + Jwts.token(platform, null, List.of("guest")), "x-platform", platform)));
            assertThat(other.nextNonPing(WAIT).path("type").asText()).isEqualTo("connection_ack");
            subscribe(other, "u", "subscription($id: ID!) { executionUpdates(executionId: $id) { status } }",
                    Map.of("id", executionId));
            JsonNode refused = other.nextNonPing(WAIT);
            assertThat(refused.path("type").asText()).isEqualTo("error");
            assertThat(refused.path("payload").get(0).path("extensions").path("code").asText()).isEqualTo("forbidden");
        }
    }

    private static JsonNode update(WsClient ws) {
        JsonNode next = ws.nextNonPing(WAIT);
        assertThat(next.path("type").asText()).as(next.toString()).isEqualTo("next");
        return next.path("payload").path("data").path("executionUpdates");
    }

    /** Waits a moment and checks the socket said nothing meanwhile (pings aside). */
    static final class Await {
        static void noFrame(WsClient ws) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(ws.drain().stream().filter(f -> !f.path("type").asText().equals("ping")).toList()).isEmpty();
        }
    }
}
