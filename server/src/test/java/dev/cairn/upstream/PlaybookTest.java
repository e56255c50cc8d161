package dev.cairn.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestIdentityProvider;
import dev.cairn.testing.TestNats;
import dev.cairn.testing.TestNoetl;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upstream actions against a workflow server speaking NoETL's contract on a local port: GraphQL
 * {@code executePlaybook} and {@code execution} under the policy's playbook rules, retries and
 * timeouts, errors that leak nothing, Idempotency-Key replays, the older start route per platform,
 * and signed callbacks (unsigned, forged, stale and replayed ones refused).
 */
class PlaybookTest {

    static final String SECRET = "callback-secret-of-at-least-32-bytes!!";
    static final String API_TOKEN = "noetl-api-token-s3cr3t";
    static final TestIdentityProvider idp = TestIdentityProvider.start();
    static final TestNoetl noetl = TestNoetl.start();
    static final String PREFIX = "t" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + ".executions.";
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(env());
    private static final Http http = gateway.http();
    private static String platform;

    @org.junit.jupiter.api.BeforeAll
    static void platform() {
        platform = gateway.platform();
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(idp.env());
        env.put("NATS_URL", TestNats.url());
        env.put("NATS_SESSION_BUCKET", "sessions_" + PREFIX.substring(0, 9));
        env.put("NOETL_BASE_URL", noetl.url());
        env.put("NOETL_API_TOKEN", API_TOKEN);
        env.put("NOETL_TIMEOUT_MS", "1000");
        env.put("CALLBACK_SECRET", SECRET);
        env.put("NATS_UPDATES_SUBJECT_PREFIX", PREFIX);
        env.put("GATEWAY_PUBLIC_URL", "https://cairn.example");
        env.put("PLAYBOOK_ACCESS", """
                [{"path": "reports/**", "roles": ["analyst"], "permissions": ["execute", "view"]}]""");
        return env;
    }

    @AfterAll
    static void cleanUp() throws Exception {
        noetl.close();
        idp.close();
        TestNats.deleteBucket(TestNats.url(), "sessions_" + PREFIX.substring(0, 9));
    }

    @BeforeEach
    void reset() {
        noetl.clear();
        noetl.failNext(0, 503);
        noetl.delay(0);
    }

    static String session(List<String> roles) {
        Http.Answer a = http.postJson("/api/auth/login", Map.of("auth0_token", idp.token("u" + roles.hashCode(), roles)));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.body().path("session_token").asText();
    }

    static Http.Answer gql(String session, String query, Map<String, Object> variables, String... more) {
        List<String> headers = new ArrayList<>(List.of("X-Session-Token", session, "x-platform", platform));
        headers.addAll(List.of(more));
        return http.postJson("/graphql", Map.of("query", query, "variables", variables), headers.toArray(String[]::new));
    }

    static final String EXECUTE = """
            mutation Run($name: String!, $vars: JSON, $client: String) {
              executePlaybook(name: $name, variables: $vars, clientId: $client) { id executionId requestId name status textOutput }
            }""";

    static String code(Http.Answer a) {
        assertThat(a.body().path("errors").isArray()).as(a.raw()).isTrue();
        return a.body().path("errors").get(0).path("extensions").path("code").asText();
    }

    @Test
    void execute_playbook_starts_a_run_with_the_payload_and_answers_the_noetl_gateways_shape() {
        String analyst = session(List.of("analyst"));
        Http.Answer a = gql(analyst, EXECUTE, Map.of("name", "reports/daily", "vars", Map.of("day", "2026-12-04"),
                "client", "ui-1"));
        assertThat(a.status()).isEqualTo(200);
        JsonNode run = a.body().path("data").path("executePlaybook");
        assertThat(run.path("executionId").asText()).as(a.raw()).isNotEmpty();
        assertThat(run.path("id").asText()).isEqualTo(run.path("executionId").asText());
        assertThat(run.path("name").asText()).isEqualTo("reports/daily");
        assertThat(run.path("status").asText()).isEqualTo("RUNNING");
        assertThat(run.path("textOutput").isNull()).isTrue();
        String requestId = run.path("requestId").asText();

        TestNoetl.Received start = noetl.starts().getFirst();
        assertThat(start.path()).isEqualTo("/api/execute");
        assertThat(start.body().path("path").asText()).isEqualTo("reports/daily");
        assertThat(start.body().path("payload").path("day").asText()).isEqualTo("2026-12-04");
        assertThat(start.body().path("payload").path("request_id").asText()).isEqualTo(requestId);
        assertThat(start.body().path("payload").path("gateway_url").asText()).isEqualTo("https://cairn.example");
        assertThat(start.header("Authorization")).isEqualTo("Bearer " + API_TOKEN);

        Http.Answer read = gql(analyst, "query($id: ID!) { execution(id: $id) { executionId status path result } }",
                Map.of("id", run.path("executionId").asText()));
        assertThat(read.body().path("data").path("execution").path("status").asText()).as(read.raw()).isEqualTo("RUNNING");
        assertThat(read.body().path("data").path("execution").path("path").asText()).isEqualTo("reports/daily");
        Http.Answer missing = gql(analyst, "{ execution(id: \"424242\") { status } }", Map.of());
        assertThat(missing.body().path("data").path("execution").isNull()).as(missing.raw()).isTrue();
    }

    @Test
    void the_policy_decides_before_anything_reaches_the_workflow_server() {
        String viewer = session(List.of("viewer"));
        Http.Answer denied = gql(viewer, EXECUTE, Map.of("name", "reports/daily"));
        assertThat(code(denied)).isEqualTo("forbidden");
        String analyst = session(List.of("analyst"));
        assertThat(code(gql(analyst, EXECUTE, Map.of("name", "billing/close")))).isEqualTo("forbidden");
        assertThat(code(gql(analyst, EXECUTE, Map.of("name", "reports/../billing")))).isEqualTo("validation_error");
        assertThat(noetl.received()).isEmpty();
        Http.Answer anonymous = http.postJson("/graphql", Map.of("query", EXECUTE, "variables", Map.of("name", "reports/x")),
                "x-platform", platform);
        assertThat(anonymous.status()).isEqualTo(401);
        // The admin token may run anything.
        Http.Answer admin = http.postJson("/graphql", Map.of("query", EXECUTE, "variables", Map.of("name", "billing/close")),
                "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN, "x-platform", platform);
        assertThat(admin.body().path("data").path("executePlaybook").path("executionId").asText()).as(admin.raw())
                .isNotEmpty();
    }

    @Test
    void a_503_is_retried_with_backoff_and_failures_and_timeouts_have_their_own_codes_and_leak_nothing() {
        String analyst = session(List.of("analyst"));
        noetl.failNext(2, 503);
        Http.Answer retried = gql(analyst, EXECUTE, Map.of("name", "reports/daily"));
        assertThat(retried.body().path("data").path("executePlaybook").path("executionId").asText()).as(retried.raw())
                .isNotEmpty();
        assertThat(noetl.starts()).hasSize(3);

        noetl.clear();
        noetl.failNext(5, 502);
        Http.Answer gaveUp = gql(analyst, EXECUTE, Map.of("name", "reports/daily"));
        assertThat(code(gaveUp)).isEqualTo("upstream_failed");
        assertThat(noetl.starts()).hasSize(3); // the first try and NOETL_RETRIES=2 more

        noetl.failNext(1, 500);
        noetl.errorBody("{\"detail\": \"token " + API_TOKEN + " refused by http://admin:hunter2@db.internal, Bearer abc.def\"}");
        Http.Answer failed = gql(analyst, EXECUTE, Map.of("name", "reports/daily"));
        assertThat(code(failed)).isEqualTo("upstream_failed");
        assertThat(failed.raw()).contains("HTTP 500").doesNotContain(API_TOKEN).doesNotContain("hunter2")
                .doesNotContain("abc.def");
        noetl.errorBody("");

        noetl.delay(1500);
        Http.Answer slow = gql(analyst, EXECUTE, Map.of("name", "reports/daily"));
        assertThat(code(slow)).isEqualTo("upstream_timeout");
    }

    @Test
    void an_idempotency_key_replays_the_first_start_instead_of_running_the_playbook_again() {
        String analyst = session(List.of("analyst"));
        Http.Answer first = gql(analyst, EXECUTE, Map.of("name", "reports/daily"), "Idempotency-Key", "run-once-1");
        Http.Answer again = gql(analyst, EXECUTE, Map.of("name", "reports/daily"), "Idempotency-Key", "run-once-1");
        assertThat(again.body().path("data")).isEqualTo(first.body().path("data"));
        assertThat(noetl.starts()).hasSize(1);
        assertThat(code(gql(analyst, EXECUTE, Map.of("name", "reports/weekly"), "Idempotency-Key", "run-once-1")))
                .isEqualTo("idempotency_key_reused");
        // A failed start leaves the key free for the retry.
        noetl.failNext(3, 503);
        assertThat(code(gql(analyst, EXECUTE, Map.of("name", "reports/daily"), "Idempotency-Key", "run-once-2")))
                .isEqualTo("upstream_failed");
        assertThat(gql(analyst, EXECUTE, Map.of("name", "reports/daily"), "Idempotency-Key", "run-once-2").body()
                .path("data").path("executePlaybook").path("executionId").asText()).isNotEmpty();
    }

    @Test
    void playbooks_never_share_a_request_with_data_mutations_and_a_tenants_schema_has_them_too() {
        assertThat(http.register(platform, "pb", Bundles.tarGz(Bundles.fixture("panorama"))).status()).isEqualTo(200);
        Http.Answer mixed = http.postJson("/graphql", Map.of("query", """
                mutation { executePlaybook(name: "reports/x") { id }
                           createUser(data: {userId: "u9", tenantId: "pb"}) { userId } }"""),
                "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN, "x-platform", platform, "x-tenant-id", "pb",
                "Idempotency-Key", "mixed-1");
        assertThat(code(mixed)).as(mixed.raw()).isEqualTo("invalid_query");
        assertThat(noetl.received()).isEmpty();
        // Without a tenant, the schema has the playbooks and no data.
        Http.Answer noData = http.postJson("/graphql", Map.of("query", "{ users { userId } }"),
                "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN, "x-platform", platform);
        assertThat(code(noData)).isEqualTo("invalid_query");
        assertThat(noData.body().path("errors").get(0).path("message").asText()).contains("users");
    }

    @Test
    void a_platform_can_name_its_own_workflow_server_and_the_older_start_route() {
        String platform = gateway.platform(); // a platform of its own: its settings change
        assertThat(http.register(platform, "own", Bundles.tarGz(Bundles.fixture("panorama"))).status()).isEqualTo(200);
        try (TestNoetl own = TestNoetl.start()) {
            Http.Answer put = http.json("PUT", "/admin/platforms/" + platform + "/data-api", Map.of("upstream",
                    Map.of("baseUrl", own.url(), "executeApi", "runPlaybook")), "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN);
            assertThat(put.status()).as(put.toString()).isEqualTo(200);
            Http.Answer run = http.postJson("/graphql", Map.of("query", EXECUTE, "variables", Map.of("name", "etl/load",
                    "vars", Map.of("n", 1))), "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN, "x-platform", platform);
            assertThat(run.body().path("data").path("executePlaybook").path("executionId").asText()).as(run.raw()).isNotEmpty();
            TestNoetl.Received start = own.starts().getFirst();
            assertThat(start.path()).isEqualTo("/api/run/playbook");
            assertThat(start.body().path("args").path("n").asInt()).isEqualTo(1);
            assertThat(start.header("Authorization")).isEmpty(); // the operator's token goes to NOETL_BASE_URL only
            assertThat(noetl.received()).isEmpty();
        }
        for (Object bad : List.of("ftp://x", "http://user:pw@host", "not a url")) {
            Http.Answer put = http.json("PUT", "/admin/platforms/" + platform + "/data-api", Map.of("upstream",
                    Map.of("baseUrl", bad)), "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN);
            assertThat(put.status()).as(put.toString()).isEqualTo(400);
        }
    }

    // ---- callbacks ---------------------------------------------------------------------------------

    static Http.Answer callback(byte[] body, String... headers) {
        return http.postRaw("/api/internal/callback", "application/json", body, headers);
    }

    static byte[] bytes(Object body) {
        return Http.write(body).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void only_signed_fresh_callbacks_are_taken_and_never_twice() {
        String analyst = session(List.of("analyst"));
        Http.Answer started = gql(analyst, EXECUTE, Map.of("name", "reports/daily", "client", "ui"));
        JsonNode run = started.body().path("data").path("executePlaybook");
        assertThat(run.path("requestId").asText()).as(started.raw()).isNotEmpty();
        byte[] body = bytes(Map.of("request_id", run.path("requestId").asText(), "step", "fetch", "status", "success",
                "data", Map.of("rows", 3)));
        long now = Instant.now().getEpochSecond();

        assertThat(callback(body).status()).isEqualTo(401);
        assertThat(callback(body, CallbackSignature.HEADER, "t=" + now + ",v1=00ff").status()).isEqualTo(401);
        assertThat(callback(body, CallbackSignature.HEADER, CallbackSignature.sign("another-secret-of-32-bytes-or-more!!", now, body))
                .status()).isEqualTo(401);
        assertThat(callback(body, CallbackSignature.HEADER, CallbackSignature.sign(SECRET, now - 3600, body)).status())
                .isEqualTo(401);
        byte[] tampered = bytes(Map.of("request_id", run.path("requestId").asText(), "status", "success",
                "data", Map.of("rows", 4)));
        String signature = CallbackSignature.sign(SECRET, now, body);
        assertThat(callback(tampered, CallbackSignature.HEADER, signature).status()).isEqualTo(401);

        Http.Answer taken = callback(body, CallbackSignature.HEADER, signature);
        assertThat(taken.status()).as(taken.toString()).isEqualTo(200);
        assertThat(taken.body().path("delivered").asBoolean()).isTrue();
        Http.Answer replay = callback(body, CallbackSignature.HEADER, signature);
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.body().path("message").asText()).contains("replay");

        byte[] unknown = bytes(Map.of("request_id", "no-such-request", "status", "success"));
        Http.Answer stray = callback(unknown, CallbackSignature.HEADER, CallbackSignature.sign(SECRET, now, unknown));
        assertThat(stray.body().path("delivered").asBoolean()).isFalse();
        byte[] noId = bytes(Map.of("status", "success"));
        assertThat(callback(noId, CallbackSignature.HEADER, CallbackSignature.sign(SECRET, now, noId)).status())
                .isEqualTo(400);
    }

    @Test
    void without_a_callback_secret_every_callback_is_refused() {
        try (TestGateway other = TestGateway.start(Map.of("NOETL_BASE_URL", noetl.url()))) {
            byte[] body = bytes(Map.of("request_id", "r", "status", "success"));
            Http.Answer a = other.http().postRaw("/api/internal/callback", "application/json", body,
                    CallbackSignature.HEADER, CallbackSignature.sign(SECRET, Instant.now().getEpochSecond(), body));
            assertThat(a.status()).isEqualTo(401);
            assertThat(a.body().path("message").asText()).contains("CALLBACK_SECRET");
        }
    }
}
