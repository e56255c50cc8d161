package dev.cairn.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Jwts;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestCa;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestIntrospectionServer;
import dev.cairn.testing.WsClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The authentication providers on a real gateway: an OAuth2 token introspected at a test
 * authorization server, and client certificates of a test CA on the TLS listener ({@code TLS_CERT},
 * {@code TLS_KEY}, {@code TLS_CLIENT_CA}), mapped to a realm member by the test's
 * {@link ClientCertificates}. Who a request was is read back from the audit log, which names the
 * actor of {@code POST /platform/register}.
 */
class AuthenticationProvidersTest {

    private static final TestIntrospectionServer introspection = TestIntrospectionServer.start();
    private static final TestCa ca = TestCa.create("Cairn Test CA");
    private static final TestCa otherCa = TestCa.create("Another CA");
    private static final TestCa.Issued member = ca.client("CN=svc-1,O=Acme", "svc-1.acme.internal");
    private static final TestCa.Issued stranger = ca.client("CN=stranger,O=Acme");
    private static final TestCa.Issued foreign = otherCa.client("CN=svc-1,O=Acme", "svc-1.acme.internal");
    private static final Path tlsFiles = ca.listenerFiles();

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(env(), identity -> identity.clientCertificates(
            (subject, altNames) -> altNames.contains("svc-1.acme.internal") ? Optional.of(new Principal.Member(
                    "acme/svc-1", "acme", List.of("reader"), Optional.empty(), Optional.empty())) : Optional.empty()));
    private static final Http http = gateway.http();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(introspection.env());
        env.putAll(Jwts.env());
        env.putAll(TestCa.listenerEnv(tlsFiles));
        return env;
    }

    @AfterAll
    static void stop() {
        introspection.close();
        TestCa.deleteFiles(tlsFiles);
    }

    // ---- OAuth2 introspection -------------------------------------------------------------------

    @Test
    void an_introspected_oauth2_token_acts_as_its_subject_and_is_asked_about_once() {
        String token = "opaque-" + UUID.randomUUID();
        introspection.active(token, "alice", "orders:read", Duration.ofMinutes(5));
        int before = introspection.hits();

        String platform = gateway.platform();
        Http.Answer registered = http.postJson("/platform/register", Map.of("platform", platform),
                "Authorization", "Bearer " + token);
        assertThat(registered.status()).as(registered.raw()).isEqualTo(200);
        assertThat(actorOf(platform)).isEqualTo("oauth:shop-frontend/alice");

        // a platform's routes are not for a user's token: 403 (not 401) shows it was taken for one
        Http.Answer schemas = http.get("/platform/" + platform + "/schemas", "Authorization", "Bearer " + token);
        assertThat(schemas.status()).as(schemas.raw()).isEqualTo(403);
        assertThat(schemas.body().path("message").asText()).contains("OAuth2 token");
        assertThat(introspection.hits()).as("the second request was answered from the cache").isEqualTo(before + 1);
    }

    @Test
    void inactive_and_expired_oauth2_tokens_are_401() {
        String expired = "opaque-" + UUID.randomUUID();
        introspection.answer(expired, Map.of("active", true, "sub", "alice",
                "exp", java.time.Instant.now().minus(Duration.ofHours(1)).getEpochSecond()));
        for (String token : List.of("opaque-" + UUID.randomUUID(), expired)) {
            Http.Answer a = http.get("/platform/any/schemas", "Authorization", "Bearer " + token);
            assertThat(a.status()).as(a.raw()).isEqualTo(401);
            assertThat(a.body().path("error").asText()).isEqualTo("unauthorized");
        }
    }

    @Test
    void an_invalid_jwt_is_401_without_reaching_the_introspection_endpoint() {
        int before = introspection.hits();
        Http.Answer a = http.get("/platform/any/schemas", "Authorization", "Bearer not.a.jwt");
        assertThat(a.status()).isEqualTo(401);
        assertThat(introspection.hits()).isEqualTo(before);
    }

    @Test
    void an_introspection_endpoint_that_is_down_is_502_and_the_answer_holds_no_secret() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(introspection.env());
        env.put("OAUTH2_INTROSPECTION_URL", "http://127.0.0.1:" + closed + "/introspect");
        String token = "opaque-" + UUID.randomUUID();
        try (TestGateway down = gateway.sibling(env)) {
            Http.Answer a = down.http().get("/platform/any/schemas", "Authorization", "Bearer " + token);
            assertThat(a.status()).as(a.raw()).isEqualTo(502);
            assertThat(a.body().path("error").asText()).isEqualTo("upstream_failed");
            assertThat(a.raw()).doesNotContain(token).doesNotContain(TestIntrospectionServer.CLIENT_SECRET);
        }
    }

    // ---- client certificates on the TLS listener ------------------------------------------------

    @Test
    void a_client_certificate_authenticates_over_tls_as_the_member_it_maps_to() throws Exception {
        String platform = gateway.platform();
        HttpResponse<String> registered = https(Optional.of(member), "POST", "/platform/register",
                "{\"platform\":\"" + platform + "\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        assertThat(actorOf(platform)).isEqualTo("member:acme/svc-1");
    }

    @Test
    void credentials_beside_a_certificate_decide_alone() throws Exception {
        assertThat(https(Optional.of(member), "GET", "/admin/platforms", null).statusCode()).isEqualTo(401);
        HttpResponse<String> admin = https(Optional.of(member), "GET", "/admin/platforms", null,
                "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN);
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
    }

    @Test
    void a_certificate_of_another_ca_is_refused_at_the_handshake() {
        assertThatThrownBy(() -> https(Optional.of(foreign), "GET", "/health", null))
                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class).hasMessageContaining("certificate");
    }

    @Test
    void a_certificate_that_names_no_member_is_401() throws Exception {
        HttpResponse<String> a = https(Optional.of(stranger), "POST", "/platform/register",
                "{\"platform\":\"" + gateway.platform() + "\"}");
        assertThat(a.statusCode()).as(a.body()).isEqualTo(401);
        assertThat(a.body()).contains("CN=stranger,O=Acme");
    }

    @Test
    void without_a_certificate_or_credentials_a_tls_request_is_the_networks_as_on_the_plain_listener() throws Exception {
        String platform = gateway.platform();
        HttpResponse<String> registered = https(Optional.empty(), "POST", "/platform/register",
                "{\"platform\":\"" + platform + "\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        assertThat(actorOf(platform)).isEqualTo("network:127.0.0.1");
        assertThat(https(Optional.empty(), "GET", "/admin/platforms", null).statusCode()).isEqualTo(401);
        assertThat(http.get("/health").status()).as("the plain listener serves as before").isEqualTo(200);
    }

    @Test
    void websockets_are_served_over_tls_and_authenticated_by_the_certificate_at_the_upgrade() throws Exception {
        String query = "?platform=" + gateway.platform() + "&tenant=t1";
        try (WsClient known = WsClient.openTls(ca.clientContext(Optional.of(member)), tlsPort(), "/v1/events" + query)) {
            known.sendRaw("{\"type\":\"ping\"}");
            assertThat(known.next(WAIT).path("type").asText()).isEqualTo("pong");
        }
        try (WsClient unknown = WsClient.openTls(ca.clientContext(Optional.of(stranger)), tlsPort(), "/v1/events" + query)) {
            JsonNode refused = unknown.next(WAIT);
            assertThat(refused.path("error").path("error").asText(refused.toString())).contains("unauthorized");
            assertThat(refused.toString()).contains("names no member");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static int tlsPort() {
        return gateway.gateway().tlsPort().orElseThrow();
    }

    private static String actorOf(String platform) {
        return Pg.scalar(gateway.controlDatabase(),
                "SELECT actor FROM audit_log WHERE platform = ? AND action = 'register-platform'", platform);
    }

    private static HttpResponse<String> https(Optional<TestCa.Issued> certificate, String method, String path,
                                              String json, String... headers) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext(certificate))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try (client) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
