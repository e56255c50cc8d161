package dev.cairn.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Jwts;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who reaches what through GraphQL: the data API's tenancy and its settings (hidden entities and
 * fields, read-only entities, role rules, introspection off), {@code GET} for queries only, and
 * GraphiQL served whole by the gateway with no outside URL.
 */
class GraphqlAccessTest {

    private static final String ADMIN = "Bearer " + TestGateway.ADMIN_TOKEN;
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(Jwts.env());
    private static final Http http = gateway.http();

    private static String platformWithTenants(String... tenants) {
        String platform = gateway.platform();
        for (String tenant : tenants) {
            assertThat(http.register(platform, tenant, Bundles.tarGz(Bundles.fixture("panorama"))).status()).isEqualTo(200);
            Pg.execute(platform + "_" + tenant, "INSERT INTO users (user_id, tenant_id, email) VALUES ('u-" + tenant
                    + "', '" + tenant + "', '" + tenant + "@example.com')");
        }
        return platform;
    }

    private static String[] as(String platform, String tenant, List<String> roles, String... more) {
        List<String> h = new ArrayList<>(List.of("Authorization", "Bearer " + Jwts.token(platform, tenant, roles),
                "x-tenant-id", tenant));
        h.addAll(List.of(more));
        return h.toArray(String[]::new);
    }

    private static Http.Answer gql(String query, String... headers) {
        return http.postJson("/graphql", Map.of("query", query), headers);
    }

    private static String code(Http.Answer a) {
        assertThat(a.body().path("errors").isArray()).as(a.raw()).isTrue();
        return a.body().path("errors").get(0).path("extensions").path("code").asText();
    }

    @Test
    void a_token_reaches_its_own_tenant_only() {
        String p = platformWithTenants("ga", "gb");
        Http.Answer a = gql("{ users { userId } }", as(p, "ga", List.of()));
        assertThat(a.body().path("data").path("users")).hasSize(1);
        assertThat(a.body().path("data").path("users").get(0).path("userId").asText()).isEqualTo("u-ga");
        Http.Answer b = gql("{ users { userId } }", as(p, "gb", List.of()));
        assertThat(b.body().path("data").path("users").get(0).path("userId").asText()).isEqualTo("u-gb");

        Http.Answer crossed = gql("{ users { userId } }", "Authorization", "Bearer " + Jwts.token(p, "ga", List.of()),
                "x-tenant-id", "gb");
        assertThat(crossed.status()).as(crossed.raw()).isEqualTo(409);
        assertThat(crossed.body().path("error").asText()).isEqualTo("tenant_conflict");
        assertThat(crossed.raw()).doesNotContain("u-gb");
        Http.Answer otherPlatform = gql("{ users { userId } }", as(gateway.platform(), "ga", List.of()));
        assertThat(otherPlatform.raw()).doesNotContain("u-ga");
    }

    @Test
    void settings_hide_entities_and_fields_and_roles_decide() {
        String p = platformWithTenants("gr");
        Map<String, Object> settings = Map.of("access", "deny", "entities", Map.of(
                "messages", Map.of("access", "hidden"),
                "conversations", Map.of("access", "readOnly", "roles", Map.of("list", List.of("reader"))),
                "users", Map.of("hiddenFields", List.of("email"),
                        "roles", Map.of("list", List.of("reader"), "update", List.of("writer")))));
        Http.Answer put = http.json("PUT", "/admin/platforms/" + p + "/data-api", settings, "Authorization", ADMIN);
        assertThat(put.status()).as(put.raw()).isEqualTo(200);

        String[] reader = as(p, "gr", List.of("reader"));
        Http.Answer users = gql("{ users { userId } }", reader);
        assertThat(users.body().path("data").path("users").get(0).path("userId").asText()).as(users.raw()).isEqualTo("u-gr");
        assertThat(code(gql("{ users { email } }", reader))).isEqualTo("invalid_query"); // hidden: not in the schema
        assertThat(code(gql("{ messages { id } }", reader))).isEqualTo("invalid_query");
        assertThat(code(gql("mutation { createConversations(data: {userId: \"u-gr\", conversationId: \"x\"}) { title } }",
                reader))).isEqualTo("invalid_query"); // read-only: no mutation
        assertThat(code(gql("{ users { userId } }", as(p, "gr", List.of())))).isEqualTo("forbidden");
        Http.Answer byKey = gql("{ usersByPk(userId: \"u-gr\") { userId } }", reader);
        assertThat(code(byKey)).isEqualTo("forbidden"); // no rule for get, and access deny
        assertThat(byKey.body().path("data").path("usersByPk").isNull()).isTrue();

        JsonNode types = gql("{ __schema { queryType { fields { name } } } }", reader).body()
                .path("data").path("__schema").path("queryType").path("fields");
        assertThat(types.toString()).contains("\"users\"").doesNotContain("\"messages\"");
    }

    @Test
    void introspection_can_be_switched_off_per_platform() {
        String p = platformWithTenants("gi");
        Http.Answer put = http.json("PUT", "/admin/platforms/" + p + "/data-api", Map.of("graphql",
                Map.of("introspection", "off")), "Authorization", ADMIN);
        assertThat(put.status()).as(put.raw()).isEqualTo(200);
        Http.Answer schema = gql("{ __schema { types { name } } }", as(p, "gi", List.of()));
        assertThat(code(schema)).isEqualTo("introspection_disabled");
        assertThat(schema.raw()).doesNotContain("Users");
        Http.Answer data = gql("{ users { userId } }", as(p, "gi", List.of()));
        assertThat(data.body().path("data").path("users")).hasSize(1);
        assertThat(http.get("/admin/platforms/" + p + "/data-api", "Authorization", ADMIN).body()
                .path("settings").path("graphql").path("introspection").asText()).isEqualTo("off");
        Http.Answer bad = http.json("PUT", "/admin/platforms/" + p + "/data-api", Map.of("graphql",
                Map.of("introspection", "maybe")), "Authorization", ADMIN);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("field").asText()).isEqualTo("$.graphql.introspection");
    }

    @Test
    void get_runs_queries_but_never_mutations() {
        String p = platformWithTenants("gg");
        String query = URLEncoder.encode("query($id: String!) { usersByPk(userId: $id) { email } }", StandardCharsets.UTF_8);
        String vars = URLEncoder.encode("{\"id\": \"u-gg\"}", StandardCharsets.UTF_8);
        Http.Answer a = http.get("/graphql?query=" + query + "&variables=" + vars, as(p, "gg", List.of()));
        assertThat(a.body().path("data").path("usersByPk").path("email").asText()).as(a.raw()).isEqualTo("gg@example.com");
        String mutation = URLEncoder.encode("mutation { deleteUsers(userId: \"u-gg\") { userId } }", StandardCharsets.UTF_8);
        Http.Answer refused = http.get("/graphql?query=" + mutation, as(p, "gg", List.of()));
        assertThat(code(refused)).isEqualTo("method_not_allowed");
        assertThat(Pg.scalar(p + "_gg", "SELECT count(*) FROM users")).isEqualTo("1");
        Http.Answer noQuery = http.get("/graphql", as(p, "gg", List.of()));
        assertThat(noQuery.status()).isEqualTo(400);
        assertThat(noQuery.body().path("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void graphiql_is_served_with_its_own_assets_and_no_outside_url() {
        Http.Answer page = http.get("/graphql", "Accept", "text/html,application/xhtml+xml");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).startsWith("text/html");
        assertThat(page.raw()).contains("/graphql/assets/graphiql.min.js").contains("x-tenant-id")
                .doesNotContain("http://").doesNotContain("https://").doesNotContain("//unpkg").doesNotContain("//cdn");
        for (String asset : List.of("graphiql.min.js", "graphiql.min.css", "react.production.min.js",
                "react-dom.production.min.js")) {
            Http.Answer a = http.get("/graphql/assets/" + asset);
            assertThat(a.status()).as(asset).isEqualTo(200);
            assertThat(a.raw().length()).as(asset).isGreaterThan(5000);
        }
        assertThat(http.get("/graphql/assets/..%2Fpom.xml").status()).isEqualTo(404);
        assertThat(http.get("/graphql/assets/other.js").status()).isEqualTo(404);
    }

    @Test
    void a_deploy_builds_the_new_schema_before_any_request_asks_for_it() {
        String p = platformWithTenants("gw");
        assertThat(gql("{ users { userId } }", as(p, "gw", List.of("admin"))).raw()).contains("u-gw");
        Map<String, String> files = new java.util.LinkedHashMap<>(Bundles.files(Bundles.fixture("panorama")));
        files.put("postgresql/functions/user_total.pssql", "CREATE FUNCTION user_total() RETURNS bigint"
                + " LANGUAGE sql STABLE AS $$ SELECT count(*) FROM users $$;");
        Map<String, Object> form = new java.util.LinkedHashMap<>();
        form.put("platform", p);
        form.put("tenant_id", "gw");
        form.put("schema", Bundles.tarGz(files));
        Http.Answer migrated = http.postForm("/migrate", form);
        assertThat(migrated.status()).as(migrated.toString()).isEqualTo(200);
        String checksum = Pg.scalar(gateway.controlDatabase(), "SELECT checksum FROM databases WHERE name = ?", p + "_gw");
        dev.cairn.testing.Await.until("the new schema built after the deploy", java.time.Duration.ofSeconds(10),
                () -> gateway.gateway().graphqlSchemaReady(p, checksum));
        assertThat(gql("{ userTotal }", as(p, "gw", List.of("admin"))).body().path("data").path("userTotal").asInt())
                .isEqualTo(1);
    }
}
