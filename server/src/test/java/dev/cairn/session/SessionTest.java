package dev.cairn.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestIdentityProvider;
import dev.cairn.testing.TestNats;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Logins through an OIDC provider (a real one on a local port: discovery, JWKS, rotated keys),
 * sessions cached in the machine's NATS key-value store, validated, checked for playbook access,
 * used as the credential of the data faces, and logged out everywhere at once, a second gateway
 * instance included.
 */
class SessionTest {

    private static final String ADMIN = "Bearer " + TestGateway.ADMIN_TOKEN;
    static final TestIdentityProvider idp = TestIdentityProvider.start();
    static final String BUCKET = "sessions_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(env());
    private static final Http http = gateway.http();

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(idp.env());
        env.put("NATS_URL", TestNats.url());
        env.put("NATS_SESSION_BUCKET", BUCKET);
        env.put("PLAYBOOK_ACCESS", """
                [{"path": "reports/**", "roles": ["analyst"], "permissions": ["execute", "view"]},
                 {"path": "**", "roles": ["admin"], "permissions": ["execute", "view", "edit"]}]""");
        return env;
    }

    @AfterAll
    static void cleanUp() throws Exception {
        idp.close();
        TestNats.deleteBucket(TestNats.url(), BUCKET);
    }

    static Http.Answer login(String providerToken, Object... more) {
        Map<String, Object> body = new HashMap<>(Map.of("auth0_token", providerToken));
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return http.postJson("/api/auth/login", body);
    }

    static String sessionOf(String user, List<String> roles) {
        Http.Answer a = login(idp.token(user, roles));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.body().path("session_token").asText();
    }

    static Http.Answer validate(Http client, String token) {
        Http.Answer a = client.postJson("/api/auth/validate", Map.of("session_token", token));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a;
    }

    @Test
    void a_login_opens_a_session_whose_token_is_stored_only_as_its_hash() {
        Http.Answer a = login(idp.token("ada", List.of("analyst")), "session_duration_hours", 2,
                "client_user_agent", "test-ui/1.0");
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.body().path("status").asText()).isEqualTo("authenticated");
        String token = a.body().path("session_token").asText();
        assertThat(token).startsWith("cairn_st_").hasSizeGreaterThanOrEqualTo(9 + 43); // 32 bytes, base64url
        JsonAssert.user(a.body().path("user"), "ada", List.of("analyst"));
        Instant expires = Instant.parse(a.body().path("expires_at").asText());
        assertThat(Duration.between(Instant.now(), expires)).isBetween(Duration.ofMinutes(119), Duration.ofMinutes(121));

        String control = gateway.controlDatabase();
        assertThat(Pg.scalar(control, "SELECT count(*) FROM sessions WHERE token_hash = encode(sha256(?::bytea), 'hex')"
                + " AND user_id = 'ada' AND client_user_agent = 'test-ui/1.0'", token)).isEqualTo("1");
        assertThat(Pg.scalar(control, "SELECT count(*) FROM sessions WHERE token_hash = ? OR user_id = ?", token, token))
                .isEqualTo("0");

        Http.Answer valid = validate(http, token);
        assertThat(valid.body().path("valid").asBoolean()).isTrue();
        JsonAssert.user(valid.body().path("user"), "ada", List.of("analyst"));
        assertThat(valid.body().path("expires_at").asText()).isEqualTo(a.body().path("expires_at").asText());
    }

    @Test
    void expired_misaddressed_foreign_and_malformed_provider_tokens_are_refused() {
        JWTClaimsSet expired = idp.claims("bob", List.of()).expirationTime(Date.from(Instant.now().minusSeconds(120))).build();
        assertThat(login(idp.sign(expired)).status()).isEqualTo(401);
        JWTClaimsSet otherAudience = idp.claims("bob", List.of()).audience("another-app").build();
        assertThat(login(idp.sign(otherAudience)).status()).isEqualTo(401);
        JWTClaimsSet otherIssuer = idp.claims("bob", List.of()).issuer("https://evil.example/").build();
        assertThat(login(idp.sign(otherIssuer)).status()).isEqualTo(401);
        assertThat(login(TestIdentityProvider.sign(idp.claims("bob", List.of()).build(), stranger())).status())
                .isEqualTo(401);
        Http.Answer garbage = login("not-a-jwt");
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(garbage.body().path("error").asText()).isEqualTo("unauthorized");
        assertThat(login(idp.token("bob", List.of()), "session_duration_hours", -1).status()).isEqualTo(400);
        assertThat(login(idp.token("bob", List.of()), "session_duration_hours", "eight").status()).isEqualTo(400);
        assertThat(http.postJson("/api/auth/login", Map.of()).status()).isEqualTo(400);
        assertThat(Pg.scalar(gateway.controlDatabase(), "SELECT count(*) FROM sessions WHERE user_id = 'bob'"))
                .isEqualTo("0");
    }

    @Test
    void a_rotated_key_is_fetched_when_a_token_first_names_it() {
        sessionOf("before-rotation", List.of());
        idp.rotate();
        assertThat(login(idp.token("after-rotation", List.of())).status()).isEqualTo(200);
    }

    @Test
    void unknown_and_malformed_session_tokens_are_not_valid() {
        assertThat(validate(http, "cairn_st_" + "A".repeat(43)).body().path("valid").asBoolean()).isFalse();
        assertThat(validate(http, "nonsense").body().path("valid").asBoolean()).isFalse();
        assertThat(http.postJson("/api/auth/validate", Map.of()).status()).isEqualTo(400);
    }

    @Test
    void check_access_answers_what_the_policy_decides_for_the_sessions_roles() {
        String analyst = sessionOf("ana", List.of("analyst"));
        String admin = sessionOf("adm", List.of("admin"));
        assertThat(access(analyst, "reports/daily", "execute")).isTrue();
        assertThat(access(analyst, "reports/daily", "edit")).isFalse();
        assertThat(access(analyst, "billing/close", "execute")).isFalse();
        assertThat(access(admin, "billing/close", "edit")).isTrue();
        Http.Answer unknown = http.postJson("/api/auth/check-access", Map.of("session_token", "cairn_st_x",
                "playbook_path", "reports/daily", "permission_type", "view"));
        assertThat(unknown.body().path("allowed").asBoolean()).isFalse();
        assertThat(unknown.body().has("user")).isFalse();
        Http.Answer bad = http.postJson("/api/auth/check-access", Map.of("session_token", analyst,
                "playbook_path", "reports/daily", "permission_type", "delete"));
        assertThat(bad.status()).isEqualTo(400);
    }

    private static boolean access(String session, String path, String permission) {
        Http.Answer a = http.postJson("/api/auth/check-access", Map.of("session_token", session,
                "playbook_path", path, "permission_type", permission));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.body().path("playbook_path").asText()).isEqualTo(path);
        assertThat(a.body().path("permission_type").asText()).isEqualTo(permission);
        return a.body().path("allowed").asBoolean();
    }

    @Test
    void a_session_is_the_credential_of_the_data_api_and_graphql_from_a_header_or_a_cookie() {
        String platform = gateway.platform();
        assertThat(http.register(platform, "st", Bundles.tarGz(Bundles.fixture("panorama"))).status()).isEqualTo(200);
        Pg.execute(platform + "_st", "INSERT INTO users (user_id, tenant_id, email) VALUES ('u-1', 'st', 'a@example.com')");
        Http.Answer put = http.json("PUT", "/admin/platforms/" + platform + "/data-api", Map.of("access", "deny",
                "entities", Map.of("users", Map.of("access", "readOnly", "roles", Map.of("list", List.of("reader"))))),
                "Authorization", ADMIN);
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        String reader = sessionOf("rita", List.of("reader"));
        String[] scope = {"x-platform", platform, "x-tenant-id", "st"};

        for (String[] credential : List.of(new String[] {"Authorization", "Bearer " + reader},
                new String[] {"X-Session-Token", reader}, new String[] {"Cookie", "theme=dark; session_token=" + reader})) {
            Http.Answer rows = http.get("/v1/users", concat(credential, scope));
            assertThat(rows.status()).as(rows.toString()).isEqualTo(200);
            assertThat(rows.raw()).contains("a@example.com");
            Http.Answer gql = http.postJson("/graphql", Map.of("query", "{ users { userId email } }"), concat(credential, scope));
            assertThat(gql.raw()).as(gql.toString()).contains("a@example.com").doesNotContain("errors");
        }
        String outsider = sessionOf("otto", List.of("guest"));
        assertThat(http.get("/v1/users", concat(new String[] {"X-Session-Token", outsider}, scope)).status()).isEqualTo(403);
        assertThat(http.get("/v1/users", concat(new String[] {"X-Session-Token", "cairn_st_forged"}, scope)).status())
                .isEqualTo(401);
        // A session is a user's: it never acts for the platform's schema routes.
        assertThat(http.get("/platform/" + platform + "/databases", "Authorization", "Bearer " + reader).status())
                .isEqualTo(403);
    }

    @Test
    void a_logout_ends_the_session_at_once_on_every_instance_even_where_it_was_cached() {
        String token = sessionOf("leo", List.of("reader"));
        try (TestGateway second = gateway.sibling(env())) {
            assertThat(validate(second.http(), token).body().path("valid").asBoolean()).isTrue(); // now cached there too
            Http.Answer out = http.postJson("/api/auth/logout", Map.of("session_token", token));
            assertThat(out.body().path("logged_out").asBoolean()).as(out.toString()).isTrue();
            assertThat(validate(second.http(), token).body().path("valid").asBoolean()).isFalse();
            assertThat(validate(http, token).body().path("valid").asBoolean()).isFalse();
            assertThat(second.http().get("/v1/users", "X-Session-Token", token, "x-tenant-id", "t").status())
                    .isEqualTo(401);
            assertThat(http.postJson("/api/auth/logout", Map.of("session_token", token)).body().path("logged_out")
                    .asBoolean()).isFalse();
        }
    }

    @Test
    void the_cache_holds_the_session_under_its_hash_and_a_logout_leaves_a_tombstone() throws Exception {
        String token = sessionOf("kim", List.of("reader"));
        String key = Pg.scalar("postgres", "SELECT encode(sha256(?::bytea), 'hex')", token);
        try (Connection nats = TestNats.connect(TestNats.url())) {
            var kv = nats.keyValue(BUCKET);
            assertThat(new String(kv.get(key).getValue())).contains("\"user_id\":\"kim\"").doesNotContain(token);
            http.postJson("/api/auth/logout", Map.of("session_token", token));
            assertThat(new String(kv.get(key).getValue())).isEqualTo("{\"revoked\":true}");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static RSAKey stranger() {
        try {
            return new RSAKeyGenerator(2048).keyID("key-1").generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user object of the login, validate and check-access answers. */
    static final class JsonAssert {
        static void user(com.fasterxml.jackson.databind.JsonNode user, String id, List<String> roles) {
            assertThat(user.path("user_id").asText()).isEqualTo(id);
            assertThat(user.path("email").asText()).isEqualTo(id + "@example.com");
            assertThat(user.path("display_name").asText()).isEqualTo("User " + id);
            assertThat(user.path("roles").toString()).isEqualTo(Http.write(roles));
        }
    }
}
