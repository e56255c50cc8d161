package dev.cairn.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Bundles;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The catalog a call is planned with follows the database: after another Cairn instance migrated
 * it, after someone redefined a function by hand, and when an operator asks for it to be read again.
 */
class CatalogFreshnessTest {

    private static byte[] bundle(String function) {
        return Bundles.tarGz(Map.of("postgresql/tables/items.pssql", "CREATE TABLE items (id INT PRIMARY KEY);",
                "postgresql/functions/describe.pssql", function));
    }

    /**
     * What an operator does by hand: drops {@code describe(integer)} and creates {@code created}
     * (named by {@code signature}) under the same owner, so the platform's role can still call it.
     */
    private static void redefineByHand(String database, String signature, String created) {
        String owner = Pg.scalar(database, "SELECT proowner::regrole::text FROM pg_proc WHERE proname = 'describe'");
        Pg.execute(database, "DROP FUNCTION describe(integer); " + created + "; ALTER FUNCTION " + signature
                + " OWNER TO " + owner);
    }

    private static Http.Answer call(Http http, String platform, Object value) {
        return http.postJson("/call", Map.of("platform", platform, "function", "describe", "params", List.of(value)));
    }

    @Test
    void a_migrate_on_one_instance_reaches_the_catalog_the_other_plans_calls_with() throws Exception {
        try (TestGateway a = TestGateway.start(); TestGateway b = a.sibling()) {
            String platform = a.platform();
            assertThat(a.http().register(platform, null, bundle("""
                    CREATE FUNCTION describe(p_value INTEGER) RETURNS text LANGUAGE sql IMMUTABLE
                    AS $$ SELECT 'int ' || p_value $$;""")).status()).isEqualTo(200);
            Http.Answer before = call(b.http(), platform, 5);
            assertThat(before.body().get("rows").get(0).get("describe").asText()).as(before.toString())
                    .isEqualTo("int 5");

            Map<String, Object> form = new LinkedHashMap<>();
            form.put("platform", platform);
            form.put("schema", bundle("""
                    CREATE FUNCTION describe(p_value TEXT) RETURNS text LANGUAGE sql IMMUTABLE
                    AS $$ SELECT 'text ' || p_value $$;"""));
            Http.Answer migrated = a.http().postForm("/migrate", form);
            assertThat(migrated.status()).as(migrated.toString()).isEqualTo(200);

            // b planned against describe(integer); within the directory's re-check it plans against describe(text)
            Http.Answer after = call(b.http(), platform, "abc");
            for (int i = 0; i < 50 && after.status() != 200; i++) {
                Thread.sleep(100);
                after = call(b.http(), platform, "abc");
            }
            assertThat(after.status()).as(after.toString()).isEqualTo(200);
            assertThat(after.body().get("rows").get(0).get("describe").asText()).isEqualTo("text abc");
        }
    }

    @Test
    void a_function_redefined_by_hand_is_planned_again_once_postgresql_says_the_old_one_is_gone() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            String platform = gateway.platform();
            assertThat(gateway.http().register(platform, null, bundle("""
                    CREATE FUNCTION describe(p_value INTEGER) RETURNS text LANGUAGE sql IMMUTABLE
                    AS $$ SELECT 'int ' || p_value $$;""")).status()).isEqualTo(200);
            assertThat(call(gateway.http(), platform, 5).body().get("rows").get(0).get("describe").asText())
                    .isEqualTo("int 5");
            redefineByHand(platform + "_main", "describe(text)", """
                    CREATE FUNCTION describe(p_value TEXT) RETURNS text LANGUAGE sql IMMUTABLE
                    AS $$ SELECT 'text ' || p_value $$""");
            Thread.sleep(1_100); // a catalog is loaded again at most once a second per database

            Http.Answer after = call(gateway.http(), platform, 5);

            assertThat(after.status()).as(after.toString()).isEqualTo(200);
            assertThat(after.body().get("rows").get(0).get("describe").asText()).isEqualTo("text 5");
            Http.Answer missing = gateway.http().postJson("/call", Map.of("platform", platform, "function", "describe",
                    "params", List.of(1, 2)));
            assertThat(missing.status()).as(missing.toString()).isEqualTo(400);
        }
    }

    @Test
    void an_operator_has_a_platforms_catalogs_read_again_after_a_change_made_outside_cairn() {
        try (TestGateway gateway = TestGateway.start()) {
            String platform = gateway.platform();
            assertThat(gateway.http().register(platform, null, bundle("""
                    CREATE FUNCTION describe(p_value INTEGER) RETURNS integer LANGUAGE sql IMMUTABLE
                    AS $$ SELECT p_value $$;""")).status()).isEqualTo(200);
            assertThat(call(gateway.http(), platform, 5).body().get("rows").get(0).get("describe").isInt()).isTrue();
            String database = platform + "_main";
            // the same signature, another result type: nothing tells Cairn, the SQL it runs still works
            redefineByHand(database, "describe(integer)", """
                    CREATE FUNCTION describe(p_value INTEGER) RETURNS text LANGUAGE sql IMMUTABLE
                    AS $$ SELECT 'n' || p_value $$""");
            String[] admin = {"Authorization", "Bearer " + TestGateway.ADMIN_TOKEN};

            Http.Answer reloaded = gateway.http().postJson("/admin/catalog/reload", Map.of("platform", platform), admin);

            assertThat(reloaded.status()).as(reloaded.toString()).isEqualTo(200);
            assertThat(reloaded.body().get("databases").get(0).asText()).isEqualTo(database);
            assertThat(call(gateway.http(), platform, 5).body().get("rows").get(0).get("describe").asText())
                    .isEqualTo("n5");
            assertThat(gateway.http().postJson("/admin/catalog/reload", Map.of("platform", platform)).status())
                    .isEqualTo(401);
            assertThat(gateway.http().postJson("/admin/catalog/reload", Map.of("platform", platform,
                    "database", "nope"), admin).status()).isEqualTo(404);
        }
    }
}
