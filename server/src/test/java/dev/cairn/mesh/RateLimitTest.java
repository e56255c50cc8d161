package dev.cairn.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.TestGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rate limits configured in realm policies, kept in the machine's Redis: a member's bucket holds
 * across two gateway instances, a platform token's bucket on its platform's realm covers the
 * routes the rule names only, and a member's mesh calls are refused with {@code RATE_LIMITED}.
 */
class RateLimitTest {

    static final Map<String, String> ENV = Map.of("RATE_LIMIT_STORE", "redis", "REALM_TOKEN_SECRET", "r".repeat(40));
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(ENV);
    static final Http http = gateway.http();

    @org.junit.jupiter.api.BeforeAll
    static void needsRedis() {
        dev.cairn.ratelimit.TestRedis.assumeShared(); // without it, the limiter would fall back to each instance's buckets
    }

    private static Object rule(String per, int burst, String route) {
        return Map.of("rules", List.of(Map.of("per", per, "requestsPerMinute", 1, "burst", burst, "routes", List.of(route))));
    }

    @Test
    void aMembersBucketHoldsAcrossTwoInstances() {
        Realms realms = new Realms(http);
        realms.policy("verify-3", rule("member", 3, "/api/auth/verify"), "rate-limit");
        realms.realm("root", null, List.of());
        realms.realm("limited", "root", List.of("verify-3"));
        String one = realms.member("limited", "one", "consumer");
        String two = realms.member("limited", "two", "consumer");
        try (TestGateway second = gateway.sibling(ENV)) {
            Http other = new Http(second.port());
            Http.Answer first = verify(http, one);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("RateLimit")).isEqualTo("\"default\";r=2;t=60");
            assertThat(first.header("RateLimit-Policy")).isEqualTo("\"default\";q=3;w=180");
            assertThat(verify(http, one).status()).isEqualTo(200);
            assertThat(verify(other, one).status()).as("the other instance takes from the same bucket").isEqualTo(200);
            Http.Answer refused = verify(other, one);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
            assertThat(refused.body().path("error").asText()).isEqualTo("rate_limited");
            assertThat(refused.body().path("policy").asText()).isEqualTo(realms.run + "-verify-3");
            assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
            assertThat(refused.header("RateLimit")).startsWith("\"default\";r=0;t=");
            assertThat(verify(http, one).status()).as("and the first instance agrees").isEqualTo(429);
            assertThat(verify(http, two).status()).as("another member has its own bucket").isEqualTo(200);
            // A route the rule does not name is not limited.
            assertThat(http.get("/api/realms", "Authorization", "Bearer " + one).status()).isEqualTo(403);
        }
    }

    private static Http.Answer verify(Http client, String token) {
        return client.postJson("/api/auth/verify", Map.of(), "Authorization", "Bearer " + token);
    }

    @Test
    void aPlatformTokenIsLimitedByThePolicyOfItsPlatformsRealm() {
        Realms realms = new Realms(http);
        String platform = "rl" + realms.run.substring(1);
        assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
        String token = realms.ok(http.postJson("/admin/platform-token", Map.of("platform", platform),
                "Authorization", Realms.ADMIN), 201).path("token").asText();
        realms.policy("schemas-2", rule("platform", 2, "/platform/*/schemas"), "rate-limit");
        realms.ok(http.json("PUT", "/api/realms/" + platform, Map.of("policies", List.of(realms.run + "-schemas-2")),
                "Authorization", Realms.ADMIN), 200);
        String[] auth = {"Authorization", "Bearer " + token};
        assertThat(http.get("/platform/" + platform + "/schemas", auth).status()).isEqualTo(200);
        assertThat(http.get("/platform/" + platform + "/schemas", auth).status()).isEqualTo(200);
        Http.Answer refused = http.get("/platform/" + platform + "/schemas", auth);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(http.get("/platform/" + platform + "/databases", auth).status()).as("another route").isEqualTo(200);
        assertThat(http.get("/platform/" + platform + "/schemas", "Authorization", Realms.ADMIN).status())
                .as("the admin token acts in no realm").isEqualTo(200);
    }

    @Test
    void meshCallsAreRefusedWithRateLimited() {
        Realms realms = new Realms(http);
        realms.policy("calls-2", rule("member", 2, "mesh:service-call"), "rate-limit");
        realms.realm("root", null, List.of());
        realms.realm("callers", "root", List.of("calls-2"));
        String token = realms.member("callers", "caller", "consumer");
        try (Member caller = Member.connect(gateway.port(), token, realms.memberId("callers", "caller"), realms.id("callers"))) {
            caller.handshake("anything", List.of(), List.of());
            assertThat(caller.call("c1", "anything", "nobody", Map.of(), 1000).path("error").path("code").asText())
                    .isEqualTo("SERVICE_NOT_FOUND");
            assertThat(caller.call("c2", "anything", "nobody", Map.of(), 1000).path("error").path("code").asText())
                    .isEqualTo("SERVICE_NOT_FOUND");
            JsonNode limited = caller.call("c3", "anything", "nobody", Map.of(), 1000).path("error");
            assertThat(limited.path("code").asText()).isEqualTo("RATE_LIMITED");
            assertThat(limited.path("retryAfterMs").asLong()).isBetween(1000L, 60_000L);
        }
    }
}
