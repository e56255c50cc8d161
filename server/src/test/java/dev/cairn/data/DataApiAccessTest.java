package dev.cairn.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Jwts;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may reach which rows through the data API (and {@code /call}, on the same pipeline): tokens (forged, expired, unsigned, misaddressed),
 * tenants in both tenancy modes (with row-level security behind row tenancy), and the platform's
 * data-API settings (hidden tables and fields, read-only, role rules, deny by default).
 */
class DataApiAccessTest {

    private static final String AUDIENCE = "cairn-data";
    private static final String ADMIN = "Bearer " + TestGateway.ADMIN_TOKEN;
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(env());
    private static final Http http = gateway.http();

    /** HS256 tokens as in the other data-API tests, and an audience they must name. */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(Jwts.env());
        env.put("JWT_AUDIENCE", AUDIENCE);
        return env;
    }

    private static String token(String platform, String tenant, List<String> roles) {
        return Jwts.sign(Jwts.claims(platform, tenant, roles).audience(AUDIENCE).build(), Jwts.SECRET);
    }

    private static String[] as(String token, String tenant, String... more) {
        String[] base = {"Authorization", "Bearer " + token, "x-tenant-id", tenant,
                "Idempotency-Key", UUID.randomUUID().toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** A platform with the panorama fixture for {@code tenants} (database tenancy), each holding one user. */
    private static String platformWithTenants(String... tenants) {
        String platform = gateway.platform();
        for (String tenant : tenants) {
            assertThat(http.register(platform, tenant, Bundles.tarGz(Bundles.fixture("panorama"))).status()).isEqualTo(200);
            Pg.execute(platform + "_" + tenant, "INSERT INTO users (user_id, tenant_id) VALUES ('u-" + tenant + "', '"
                    + tenant + "')");
        }
        return platform;
    }

    @Test
    void bad_tokens_are_401_and_good_ones_reach_their_tenant_only() {
        String p = platformWithTenants("ta", "tb");
        assertThat(http.get("/v1/users", as(token(p, "ta", List.of()), "ta")).status()).isEqualTo(200);

        JWTClaimsSet good = Jwts.claims(p, "ta", List.of()).audience(AUDIENCE).build();
        assertUnauthorized(Jwts.sign(good, "another-secret-that-is-also-32-bytes-long!"), "ta");
        assertUnauthorized(Jwts.sign(Jwts.claims(p, "ta", List.of()).audience(AUDIENCE)
                .expirationTime(new Date(System.currentTimeMillis() - 120_000)).build(), Jwts.SECRET), "ta");
        assertUnauthorized(Jwts.sign(Jwts.claims(p, "ta", List.of()).audience("someone-else").build(), Jwts.SECRET), "ta");
        String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(good.toString()) + ".";
        assertUnauthorized(none, "ta");
        String[] signed = Jwts.sign(good, Jwts.SECRET).split("\\.");
        assertUnauthorized(signed[0] + "." + b64(good.toString().replace("\"ta\"", "\"tb\"")) + "." + signed[2], "tb");

        // the tenant claim decides: another tenant's header is refused, never served
        Http.Answer conflict = http.get("/v1/users", as(token(p, "ta", List.of()), "tb"));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.body().path("error").asText()).isEqualTo("tenant_conflict");
        Http.Answer write = http.postJson("/v1/users", Map.of("userId", "x"), as(token(p, "ta", List.of()), "tb"));
        assertThat(write.status()).isEqualTo(409);
        assertThat(Pg.scalar(p + "_tb", "SELECT count(*) FROM users")).isEqualTo("1");
        // another platform's claim with this platform's header
        assertThat(http.get("/v1/users", as(token("other-platform", "ta", List.of()), "ta", "x-platform", p)).status())
                .isEqualTo(403);
        // no credentials, no tenant
        assertThat(http.get("/v1/users", "x-tenant-id", "ta", "x-platform", p).status()).isEqualTo(401);
        Http.Answer noTenant = http.get("/v1/users", "Authorization", "Bearer " + token(p, null, List.of()));
        assertThat(noTenant.status()).isEqualTo(400);
        assertThat(noTenant.body().path("error").asText()).isEqualTo("tenant_required");
        // a tenant without a database
        assertThat(http.get("/v1/users", as(token(p, "tz", List.of()), "tz")).status()).isEqualTo(404);
    }

    private static void assertUnauthorized(String token, String tenant) {
        Http.Answer a = http.get("/v1/users", "Authorization", "Bearer " + token, "x-tenant-id", tenant);
        assertThat(a.status()).as(a.raw()).isEqualTo(401);
        assertThat(a.body().path("error").asText()).isEqualTo("unauthorized");
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void call_admits_the_network_and_the_platforms_own_credentials_only() {
        String p = platformWithTenants("ta", "tb");
        Pg.execute(p + "_ta", "CREATE FUNCTION count_users() RETURNS bigint LANGUAGE sql STABLE"
                + " AS 'SELECT count(*) FROM users'");
        Map<String, Object> call = Map.of("platform", p, "tenant_id", "ta", "function", "count_users", "params", List.of());
        // no credentials: the network allow-list is the gate, as in the StoneScript gateway
        Http.Answer open = http.postJson("/call", call);
        assertThat(open.status()).as(open.raw()).isEqualTo(200);
        assertThat(open.body().path("rows").path(0).path("count_users").asLong()).isEqualTo(1);
        String mine = http.postJson("/admin/platform-token", Map.of("platform", p), "Authorization", ADMIN)
                .body().path("token").asText();
        String theirs = http.postJson("/admin/platform-token", Map.of("platform", platformWithTenants("tc")),
                "Authorization", ADMIN).body().path("token").asText();
        assertThat(http.postJson("/call", call, "Authorization", "Bearer " + mine).status()).isEqualTo(200);
        assertThat(http.postJson("/call", call, "Authorization", ADMIN).status()).isEqualTo(200);
        assertThat(http.postJson("/call", call, "Authorization", "Bearer " + theirs).status()).isEqualTo(403);
        // a JWT of the platform, of the called tenant when it names one
        assertThat(http.postJson("/call", call, "Authorization", "Bearer " + token(p, "ta", List.of())).status())
                .isEqualTo(200);
        assertThat(http.postJson("/call", call, "Authorization", "Bearer " + token(p, null, List.of())).status())
                .isEqualTo(200);
        Http.Answer otherTenant = http.postJson("/call", call, "Authorization", "Bearer " + token(p, "tb", List.of()));
        assertThat(otherTenant.status()).isEqualTo(403);
        assertThat(otherTenant.body().path("error").asText()).isEqualTo("forbidden");
        assertThat(http.postJson("/call", call, "Authorization", "Bearer " + token("other-platform", "ta", List.of()))
                .status()).isEqualTo(403);
        // credentials that do not verify are refused, not ignored
        Http.Answer forged = http.postJson("/call", call, "Authorization", "Bearer " + Jwts.sign(
                Jwts.claims(p, "ta", List.of()).audience(AUDIENCE).build(), "another-secret-that-is-also-32-bytes-long!"));
        assertThat(forged.status()).isEqualTo(401);
    }

    @Test
    void platform_tokens_act_for_their_own_platform_only() {
        String p = platformWithTenants("ta");
        String mine = http.postJson("/admin/platform-token", Map.of("platform", p), "Authorization", ADMIN)
                .body().path("token").asText();
        Http.Answer ok = http.get("/v1/users", "Authorization", "Bearer " + mine, "x-tenant-id", "ta");
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        String q = platformWithTenants("ta");
        Http.Answer other = http.get("/v1/users", "Authorization", "Bearer " + mine, "x-tenant-id", "ta", "x-platform", q);
        assertThat(other.status()).isEqualTo(403);
    }

    @Test
    void row_tenancy_forces_the_tenant_on_every_read_and_write_backed_by_row_level_security() throws Exception {
        String p = gateway.platform();
        assertThat(http.register(p, null, Bundles.tarGz(Bundles.fixture("panorama"))).status()).isEqualTo(200);
        String db = p + "_main";
        Http.Answer set = http.json("PUT", "/admin/platforms/" + p + "/data-api", Map.of("tenancy", "row"), "Authorization", ADMIN);
        assertThat(set.status()).as(set.raw()).isEqualTo(200);
        Pg.execute(db, """
                INSERT INTO users (user_id, tenant_id, name) VALUES ('a-1', 'ta', 'A'), ('b-1', 'tb', 'B');
                INSERT INTO conversations (user_id, conversation_id, tenant_id) VALUES ('a-1', 'c', 'ta'), ('b-1', 'c', 'tb');
                ALTER TABLE users ENABLE ROW LEVEL SECURITY;
                ALTER TABLE users FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation ON users
                    USING (tenant_id = current_setting('app.tenant_id', true))
                    WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
                """);
        String a = token(p, "ta", List.of());
        Http.Answer list = http.get("/v1/users", as(a, "ta"));
        assertThat(list.status()).as(list.raw()).isEqualTo(200);
        assertThat(list.body().path("data")).extracting(r -> r.path("userId").asText()).containsExactly("a-1");
        assertThat(http.get("/v1/users/b-1", as(a, "ta")).status()).isEqualTo(404);
        assertThat(http.json("PATCH", "/v1/users/b-1", Map.of("name", "mine"), as(a, "ta")).status()).isEqualTo(404);
        assertThat(http.json("DELETE", "/v1/users/b-1", null, as(a, "ta")).status()).isEqualTo(404);
        assertThat(http.get("/v1/conversations/b-1:c", as(a, "ta")).status()).isEqualTo(404);
        Http.Answer foreign = http.postJson("/v1/users", Map.of("userId", "a-2", "tenantId", "tb"), as(a, "ta"));
        assertThat(foreign.status()).isEqualTo(403);
        Http.Answer move = http.json("PATCH", "/v1/users/a-1", Map.of("tenantId", "tb"), as(a, "ta"));
        assertThat(move.status()).isEqualTo(403);
        Http.Answer created = http.postJson("/v1/users", Map.of("userId", "a-3"), as(a, "ta"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.body().path("tenantId").asText()).isEqualTo("ta");
        Http.Answer included = http.get("/v1/conversations?include=" + java.net.URLEncoder.encode("{\"user\":true}",
                StandardCharsets.UTF_8), as(a, "ta"));
        assertThat(included.body().path("data")).hasSize(1);
        assertThat(included.body().path("data").get(0).path("user").path("userId").asText()).isEqualTo("a-1");
        assertThat(Pg.scalar(db, "SELECT string_agg(user_id || ':' || name, ',' ORDER BY user_id) FROM users WHERE tenant_id = 'tb'"))
                .isEqualTo("b-1:B");
        // the policy itself: the platform's role sees no row without app.tenant_id, and only its tenant's with it
        String owner = Pg.scalar(db, "SELECT tableowner FROM pg_tables WHERE tablename = 'users'");
        try (java.sql.Connection c = Pg.connect(db); java.sql.Statement st = c.createStatement()) {
            st.execute("SET ROLE \"" + owner + "\"");
            assertThat(first(st, "SELECT count(*) FROM users")).isEqualTo("0");
            st.execute("SELECT set_config('app.tenant_id', 'tb', false)");
            assertThat(first(st, "SELECT string_agg(user_id, ',') FROM users")).isEqualTo("b-1");
        }
    }

    private static String first(java.sql.Statement st, String sql) throws java.sql.SQLException {
        try (java.sql.ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void a_bundle_ships_its_settings_in_data_api_json_checked_before_anything_is_created() {
        String p = gateway.platform();
        Map<String, String> files = Bundles.files(Bundles.fixture("panorama"));
        files.put("postgresql/data-api.json", "{\"tenancy\": \"rows\"}");
        Http.Answer bad = http.register(p, "ta", Bundles.tarGz(files));
        assertThat(bad.status()).as(bad.raw()).isEqualTo(400);
        assertThat(bad.body().path("error").asText()).isEqualTo("validation_error");
        assertThat(bad.body().path("message").asText()).startsWith("postgresql/data-api.json: ");
        assertThat(Pg.databaseExists(p + "_ta")).isFalse();

        files.put("postgresql/data-api.json", "{\"entities\": {\"messages\": {\"access\": \"hidden\"}}}");
        assertThat(http.register(p, "ta", Bundles.tarGz(files)).status()).isEqualTo(200);
        String reader = token(p, "ta", List.of());
        assertThat(http.get("/v1/messages", as(reader, "ta")).status()).isEqualTo(404);
        assertThat(http.get("/v1/users", as(reader, "ta")).status()).isEqualTo(200);
        Http.Answer stored = http.get("/admin/platforms/" + p + "/data-api", "Authorization", ADMIN);
        assertThat(stored.body().path("source").asText()).isEqualTo("bundle");
        assertThat(stored.body().path("settings").path("entities").path("messages").path("access").asText())
                .isEqualTo("hidden");
    }

    @Test
    void settings_hide_tables_and_fields_make_things_read_only_and_grant_by_role() {
        String p = platformWithTenants("ta");
        Pg.execute(p + "_ta", "INSERT INTO conversations (user_id, conversation_id, tenant_id) VALUES ('u-ta', 'c', 'ta')");
        Http.Answer bad = http.json("PUT", "/admin/platforms/" + p + "/data-api", Map.of("tenancy", "rows"), "Authorization", ADMIN);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("field").asText()).isEqualTo("$.tenancy");
        assertThat(http.get("/admin/platforms/" + p + "/data-api", "Authorization", ADMIN).body().path("source").asText())
                .isEqualTo("defaults");
        Map<String, Object> settings = Map.of("access", "deny", "entities", Map.of(
                "messages", Map.of("access", "hidden"),
                "conversations", Map.of("access", "readOnly", "roles", Map.of("list", List.of("reader"), "get", List.of("reader"))),
                "users", Map.of("hiddenFields", List.of("email"), "readOnlyFields", List.of("name"),
                        "roles", Map.of("list", List.of("reader"), "update", List.of("writer")))));
        Http.Answer put = http.json("PUT", "/admin/platforms/" + p + "/data-api", settings, "Authorization", ADMIN);
        assertThat(put.status()).as(put.raw()).isEqualTo(200);
        assertThat(Pg.scalar(gateway.controlDatabase(), "SELECT count(*) FROM audit_log WHERE action = 'set-data-api-settings'"
                + " AND platform = ?", p)).isEqualTo("2");

        String reader = token(p, "ta", List.of("reader"));
        Http.Answer users = http.get("/v1/users", as(reader, "ta"));
        assertThat(users.status()).as(users.raw()).isEqualTo(200);
        assertThat(users.body().path("data").get(0).has("email")).isFalse();
        assertThat(http.get("/v1/users?where=" + java.net.URLEncoder.encode("{\"email\":\"x\"}", StandardCharsets.UTF_8),
                as(reader, "ta")).status()).isEqualTo(400);
        assertThat(http.get("/v1/users/u-ta", as(reader, "ta")).status()).isEqualTo(403); // no rule for get: denied
        assertThat(http.get("/v1/messages", as(reader, "ta")).status()).isEqualTo(404);
        assertThat(http.get("/v1/conversations", as(reader, "ta")).status()).isEqualTo(200);
        assertThat(http.get("/v1/conversations", as(token(p, "ta", List.of()), "ta")).status()).isEqualTo(403);
        Http.Answer readOnly = http.postJson("/v1/conversations", Map.of("userId", "u-ta", "conversationId", "d"),
                as(token(p, "ta", List.of("reader", "writer")), "ta"));
        assertThat(readOnly.status()).isEqualTo(403);
        Http.Answer name = http.json("PATCH", "/v1/users/u-ta", Map.of("name", "n"), as(token(p, "ta", List.of("writer")), "ta"));
        assertThat(name.status()).isEqualTo(400);
        assertThat(name.body().path("field").asText()).isEqualTo("name");
        assertThat(http.get("/v1/openapi.json", as(reader, "ta")).body().path("paths").has("/v1/messages")).isFalse();
    }
}
