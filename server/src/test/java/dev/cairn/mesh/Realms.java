package dev.cairn.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Http;
import dev.cairn.testing.TestGateway;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The seed's cross-realm set-up through the REST routes, under names of this run: realms
 * {@code <run>.root}, {@code <run>.alpha}, {@code <run>.beta}, policies and members whose keys are
 * exchanged for tokens.
 */
final class Realms {

    static final String ADMIN = "Bearer " + TestGateway.ADMIN_TOKEN;
    final String run = "m" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    final Http http;

    Realms(Http http) {
        this.http = http;
    }

    String id(String name) {
        return run + "." + name;
    }

    JsonNode ok(Http.Answer a, int status) {
        assertThat(a.status()).as(a.toString()).isEqualTo(status);
        return a.body();
    }

    void policy(String name, Object config, String type) {
        ok(http.postJson("/api/policies", Map.of("name", run + "-" + name, "type", type, "config", config),
                "Authorization", ADMIN), 201);
    }

    /** A capability-access policy: inbound {@code operations} on capabilities matching the glob, from these realms. */
    void allow(String name, String capability, List<String> operations, List<String> fromRealms) {
        policy(name, Map.of("rules", List.of(Map.of("capability", capability, "operations", operations,
                "direction", "inbound", "allowFrom", Map.of("realmIds", fromRealms)))), "capability-access");
    }

    /**
     * The seed's shape: realms root → {@code from}, {@code to}, where {@code to}'s policy
     * {@code <to>-inbound} lets {@code from} do {@code operations} on capabilities matching the glob.
     */
    void siblings(String from, String to, String capability, List<String> operations) {
        allow(to + "-inbound", capability, operations, List.of(id(from)));
        realm("root", null, List.of());
        realm(from, "root", List.of());
        realm(to, "root", List.of(to + "-inbound"));
    }

    void realm(String name, String parent, List<String> policies) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("realmId", id(name), "displayName", name,
                "realmType", parent == null ? "root" : "service",
                "policies", policies.stream().map(p -> run + "-" + p).toList()));
        if (parent != null) {
            body.put("parentRealmId", id(parent));
        }
        ok(http.postJson("/api/realms", body, "Authorization", ADMIN), 201);
    }

    /** Creates a member and answers a mesh token for it (its API key exchanged at /api/auth/token). */
    String member(String realm, String name, String type) {
        JsonNode m = ok(http.postJson("/api/members", Map.of("name", name, "realmId", id(realm), "memberType", type),
                "Authorization", ADMIN), 201);
        assertThat(m.path("apiKey").asText()).startsWith("rm_");
        return token(m.path("apiKey").asText());
    }

    String apiKey(String realm, String name, String type) {
        return ok(http.postJson("/api/members", Map.of("name", name, "realmId", id(realm), "memberType", type),
                "Authorization", ADMIN), 201).path("apiKey").asText();
    }

    String token(String apiKey) {
        JsonNode t = ok(http.postJson("/api/auth/token", Map.of("apiToken", apiKey)), 200);
        assertThat(t.path("success").asBoolean()).isTrue();
        return t.path("token").asText();
    }

    String memberId(String realm, String name) {
        return id(realm) + "/" + name;
    }
}
