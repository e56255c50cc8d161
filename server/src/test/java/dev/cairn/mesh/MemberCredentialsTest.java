package dev.cairn.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.TestCa;
import dev.cairn.testing.WsClient;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A realm member proves itself on every face three ways, all through the realm store: its API key
 * as a bearer token, the token its key is exchanged for, and a client certificate (of a test CA, on
 * the TLS listener) whose subject the member was registered with: over HTTPS and on the mesh's WSS.
 */
class MemberCredentialsTest {

    static final TestCa ca = TestCa.create("Cairn Mesh Test CA");
    static final Path tls = ca.listenerFiles();
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(env());
    static final Http http = gateway.http();

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("REALM_TOKEN_SECRET", "c".repeat(40));
        env.putAll(TestCa.listenerEnv(tls));
        return env;
    }

    @AfterAll
    static void removeFiles() {
        TestCa.deleteFiles(tls);
    }

    @Test
    void anApiKeyAndItsTokenAreTheMemberOnEveryFace() {
        Realms realms = new Realms(http);
        realms.realm("root", null, List.of());
        String key = realms.apiKey("root", "worker", "provider");
        for (String credential : List.of(key, realms.token(key))) {
            JsonNode verified = realms.ok(http.postJson("/api/auth/verify", Map.of(), "Authorization", "Bearer " + credential), 200);
            assertThat(verified.path("payload").path("memberId").asText()).isEqualTo(realms.memberId("root", "worker"));
        }
        assertThat(http.postJson("/api/auth/verify", Map.of(), "Authorization", "Bearer rm_" + "x".repeat(43)).status())
                .isEqualTo(401);
    }

    @Test
    void aClientCertificateNamingAMemberIsThatMemberOverHttpsAndTheMesh() throws Exception {
        Realms realms = new Realms(http);
        realms.realm("root", null, List.of());
        String subject = "CN=" + realms.run + "-device,O=Acme";
        realms.ok(http.postJson("/api/members", Map.of("name", "device", "realmId", realms.id("root"),
                "memberType", "provider", "certificateSubject", subject), "Authorization", Realms.ADMIN), 201);
        TestCa.Issued device = ca.client(subject);
        TestCa.Issued nobody = ca.client("CN=" + realms.run + "-nobody,O=Acme");

        HttpResponse<String> verified = https(device, "/api/auth/verify");
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        assertThat(Http.JSON.readTree(verified.body()).path("payload").path("memberId").asText())
                .isEqualTo(realms.memberId("root", "device"));
        assertThat(https(nobody, "/api/auth/verify").statusCode()).isEqualTo(401);

        try (WsClient ws = WsClient.openTls(ca.clientContext(Optional.of(device)), tlsPort(), "/gateway")) {
            ws.sendRaw("{\"type\":\"member-handshake\",\"payload\":{}}");
            JsonNode ack = ws.next(Duration.ofSeconds(10));
            assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("member-handshake-ack");
            assertThat(ack.path("payload").path("memberId").asText()).isEqualTo(realms.memberId("root", "device"));
        }
    }

    private static int tlsPort() {
        return gateway.gateway().tlsPort().orElseThrow();
    }

    private static HttpResponse<String> https(TestCa.Issued certificate, String path) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext(Optional.of(certificate)))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()) {
            return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort() + path))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
