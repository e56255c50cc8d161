package dev.cairn.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /register against a real gateway and a real PostgreSQL. */
class RegisterTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    @Test
    void a_migrations_only_app_is_built_by_its_migrations_in_natural_order() {
        String platform = gateway.platform();
        Http.Answer a = http.register(platform, null, Bundles.tarGz(Bundles.fixture("todos")));

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.body().get("status").asText()).isEqualTo("ready");
        assertThat(a.body().get("database").asText()).isEqualTo(platform + "_main");
        assertThat(a.body().get("migrations_applied").asInt()).isEqualTo(3);
        assertThat(a.body().get("functions_deployed").asInt()).isEqualTo(7);
        String db = platform + "_main";
        assertThat(Pg.query(db, "SELECT name, executed FROM cairn.migrations ORDER BY applied_at, name"))
                .containsExactlyInAnyOrder(List.of("1_users.sql", "t"), List.of("2_todos.sql", "t"),
                        List.of("10_seed.sql", "t"));
        assertThat(Pg.scalar(db, "SELECT count(*) FROM todos")).isEqualTo("3");
        assertThat(Pg.scalar(db, "SELECT extname FROM pg_extension WHERE extname = 'pgcrypto'")).isEqualTo("pgcrypto");
    }

    @Test
    void functions_are_tracked_by_their_exact_signature_including_varchar_and_numeric_parameters() {
        String platform = gateway.platform();
        assertThat(http.register(platform, null, Bundles.tarGz(Bundles.fixture("todos"))).status()).isEqualTo(200);

        List<List<String>> rows = Pg.query(platform + "_main",
                "SELECT signature, result, source_file FROM cairn.functions ORDER BY signature");
        assertThat(rows).contains(
                List.of("\"public\".\"add_todo\"(integer, character varying, numeric)", "integer",
                        "functions/todos.sql"),
                List.of("\"public\".\"find_user\"(character varying, boolean)", "SETOF users", "functions/stats.pgsql"),
                List.of("\"public\".\"find_user\"(integer)", "SETOF users", "functions/stats.pgsql"));
        assertThat(rows).hasSize(7);
    }

    @Test
    void a_full_bundle_creates_tables_after_what_they_reference_whatever_the_file_names() {
        String platform = gateway.platform();
        Http.Answer a = http.register(platform, null, Bundles.tarGz(Bundles.fixture("shop")));

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        JsonNode b = a.body();
        assertThat(b.get("extensions_installed").asInt()).isEqualTo(2);
        assertThat(b.get("types_deployed").asInt()).isEqualTo(3);
        assertThat(b.get("tables_created").asInt()).isEqualTo(4);
        assertThat(b.get("migrations_applied").asInt()).isZero();
        assertThat(b.get("migrations_recorded").asInt()).isEqualTo(1);
        assertThat(b.get("views_created").asInt()).isEqualTo(2);
        assertThat(b.get("functions_deployed").asInt()).isEqualTo(3);
        assertThat(b.get("seeders").get(0).get("table").asText()).isEqualTo("products");
        assertThat(b.get("seeders").get(0).get("inserted").asInt()).isEqualTo(3);
        assertThat(b.get("seeders").get(0).get("skipped").asInt()).isEqualTo(1);
        String db = platform + "_main";
        assertThat(Pg.scalar(db, "SELECT executed::text FROM cairn.migrations WHERE name = '001_initial.sql'"))
                .isEqualTo("false");
        assertThat(Pg.query(db, "SELECT name FROM cairn.tables ORDER BY name"))
                .containsExactly(List.of("customers"), List.of("order_items"), List.of("orders"), List.of("products"));
        assertThat(Pg.scalar(db, "SELECT count(*) FROM cairn.changelog")).isNotEqualTo("0");
    }

    @Test
    void a_database_of_that_name_cairn_did_not_begin_to_create_is_409_and_never_dropped() {
        String platform = gateway.platform();
        Pg.execute("postgres", "CREATE DATABASE \"" + platform + "_main\"");
        Pg.execute(platform + "_main", "CREATE TABLE mine (v text); INSERT INTO mine VALUES ('kept')");

        Http.Answer a = http.register(platform, null, Bundles.tarGz(Bundles.fixture("todos")));

        assertThat(a.status()).isEqualTo(409);
        assertThat(a.body().get("error").asText()).isEqualTo("database_already_exists");
        assertThat(Pg.scalar(platform + "_main", "SELECT v FROM mine")).isEqualTo("kept");
    }

    @Test
    void registering_an_existing_database_again_is_409_and_changes_nothing() {
        String platform = gateway.platform();
        byte[] bundle = Bundles.tarGz(Bundles.fixture("todos"));
        assertThat(http.register(platform, null, bundle).status()).isEqualTo(200);

        Http.Answer again = http.register(platform, null, bundle);

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("error").asText()).isEqualTo("database_already_exists");
        assertThat(again.body().get("database").asText()).isEqualTo(platform + "_main");
        assertThat(Pg.scalar(platform + "_main", "SELECT count(*) FROM todos")).isEqualTo("3");
    }

    @Test
    void a_failing_sql_file_leaves_no_database_and_names_file_line_and_sqlstate() {
        String platform = gateway.platform();
        byte[] bad = Bundles.tarGz(Map.of(
                "postgresql/tables/users.sql", "CREATE TABLE users (id int PRIMARY KEY);\n",
                "postgresql/functions/broken.sql", "-- first line\n\nCREATE FUNCTION broken() RETURNS int\n"
                        + "LANGUAGE sql AS $$ SELEC 1 $$;\n"));

        Http.Answer a = http.register(platform, null, bad);

        assertThat(a.status()).as(a.toString()).isEqualTo(422);
        assertThat(a.body().get("error").asText()).isEqualTo("function_deploy_failed");
        assertThat(a.body().get("file").asText()).isEqualTo("functions/broken.sql");
        assertThat(a.body().get("line").asInt()).isEqualTo(4);
        assertThat(a.body().get("sqlstate").asText()).isEqualTo("42601");
        assertThat(a.body().get("message").asText()).contains("syntax error");
        assertThat(Pg.databaseExists(platform + "_main")).isFalse();

        Http.Answer fixed = http.register(platform, null, Bundles.tarGz(Map.of(
                "postgresql/tables/users.sql", "CREATE TABLE users (id int PRIMARY KEY);\n")));
        assertThat(fixed.status()).as(fixed.toString()).isEqualTo(200);
    }

    @Test
    void a_hostile_archive_is_refused_before_any_database_exists() {
        String platform = gateway.platform();
        byte[] hostile = Bundles.tarGz(Map.of("postgresql/tables/../../../etc/evil.sql", "SELECT 1;"));

        Http.Answer a = http.register(platform, null, hostile);

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("error").asText()).isEqualTo("schema_extraction_failed");
        assertThat(Pg.databaseExists(platform + "_main")).isFalse();
    }

    @Test
    void a_gzip_bomb_and_a_truncated_archive_are_clear_400s_naming_the_problem() throws Exception {
        String platform = gateway.platform();
        var bomb = new java.io.ByteArrayOutputStream();
        try (var gz = new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(bomb);
             var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(gz)) {
            var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("postgresql/tables/zeros.sql");
            long size = 300L * 1024 * 1024;
            entry.setSize(size);
            tar.putArchiveEntry(entry);
            byte[] chunk = new byte[1 << 16];
            for (long written = 0; written < size; written += chunk.length) {
                tar.write(chunk);
            }
            tar.closeArchiveEntry();
        }
        byte[] good = Bundles.tarGz(Bundles.fixture("todos"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);

        Http.Answer bombed = http.register(platform, null, bomb.toByteArray());
        Http.Answer cut = http.register(platform, null, truncated);

        assertThat(bombed.status()).as(bombed.toString()).isEqualTo(400);
        assertThat(bombed.body().get("error").asText()).isEqualTo("bundle_too_large");
        assertThat(bombed.body().get("limit").asText()).startsWith("BUNDLE_MAX_");
        assertThat(cut.status()).isEqualTo(400);
        assertThat(cut.body().get("error").asText()).isEqualTo("schema_extraction_failed");
        assertThat(cut.body().get("message").asText()).contains("truncated");
        assertThat(Pg.databaseExists(platform + "_main")).isFalse();
    }

    @Test
    void an_extension_the_server_lacks_is_a_400_that_names_it_and_lists_what_is_available() {
        String platform = gateway.platform();
        byte[] bundle = Bundles.tarGz(Map.of("postgresql/extensions/no_such_ext.sql", "-- nope\n",
                "postgresql/tables/t.sql", "CREATE TABLE t (id int);"));

        Http.Answer a = http.register(platform, null, bundle);

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("error").asText()).isEqualTo("extension_not_available");
        assertThat(a.body().get("extension").asText()).isEqualTo("no_such_ext");
        assertThat(a.body().get("available").toString()).contains("pgcrypto");
        assertThat(Pg.databaseExists(platform + "_main")).isFalse();
    }

    @Test
    void a_missing_field_and_a_reserved_or_invalid_name_are_clear_400s() {
        String platform = gateway.platform();
        byte[] bundle = Bundles.tarGz(Bundles.fixture("todos"));

        Http.Answer noSchema = http.postForm("/register", Map.of("platform", platform));
        Http.Answer main = http.register(platform, "main", bundle);
        Http.Answer upper = http.register(platform, "Clinic-1", bundle);
        Http.Answer quote = http.register("a'b; DROP DATABASE postgres; --", null, bundle);
        Http.Answer tenantQuote = http.register(platform, "x\"; DROP DATABASE postgres; --", bundle);
        Http.Answer tenantPercent = http.register(platform, "%", bundle);

        assertThat(noSchema.status()).isEqualTo(400);
        assertThat(noSchema.body().get("field").asText()).isEqualTo("schema");
        assertThat(main.status()).isEqualTo(400);
        assertThat(main.body().get("message").asText()).contains("reserved");
        assertThat(upper.status()).isEqualTo(400);
        assertThat(quote.status()).isEqualTo(400);
        assertThat(quote.body().get("error").asText()).isEqualTo("validation_error");
        assertThat(tenantQuote.status()).isEqualTo(400);
        assertThat(tenantPercent.status()).isEqualTo(400);
        assertThat(Pg.databaseExists("postgres")).isTrue();
        assertThat(Pg.databases()).noneMatch(d -> d.startsWith(platform));
    }

    @Test
    void tenant_names_are_never_mangled_into_each_other() {
        String platform = gateway.platform();
        byte[] bundle = Bundles.tarGz(Bundles.fixture("todos"));

        Http.Answer hyphen = http.register(platform, "clinic-1", bundle);
        Http.Answer underscore = http.register(platform, "clinic_1", bundle);

        assertThat(hyphen.status()).as(hyphen.toString()).isEqualTo(200);
        assertThat(underscore.status()).as(underscore.toString()).isEqualTo(200);
        assertThat(hyphen.body().get("database").asText()).isEqualTo(platform + "_clinic-1");
        assertThat(underscore.body().get("database").asText()).isEqualTo(platform + "_clinic_1");
    }

    @Test
    void a_tenant_database_is_a_copy_of_a_template_built_once_per_bundle() {
        String platform = gateway.platform();
        byte[] bundle = Bundles.tarGz(Bundles.fixture("shop"));

        Http.Answer first = http.register(platform, "acme", bundle);
        Http.Answer second = http.register(platform, "globex", bundle);

        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(second.body().get("from_template").asBoolean()).isTrue();
        assertThat(second.body().get("tables_created").asInt()).isEqualTo(4);
        assertThat(Pg.scalar(platform + "_globex", "SELECT count(*) FROM products")).isEqualTo("3");
        String template = Pg.scalar(gateway.controlDatabase(), "SELECT database_name FROM templates WHERE platform = ?",
                platform);
        assertThat(Pg.scalar("postgres", "SELECT datistemplate::text || datallowconn::text FROM pg_database"
                + " WHERE datname = ?", template)).isEqualTo("truefalse");
    }

    @Test
    void create_tenant_gives_the_tenant_the_platforms_tenant_schema() {
        String platform = gateway.platform();
        assertThat(http.register(platform, "first", Bundles.tarGz(Bundles.fixture("shop"))).status()).isEqualTo(200);

        Http.Answer a = http.postJson("/admin/create-tenant", Map.of("platform", platform, "tenant_id", "second"),
                "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN);
        Http.Answer again = http.postJson("/admin/create-tenant", Map.of("platform", platform, "tenant_id", "second"),
                "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN);

        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        assertThat(a.body().get("status").asText()).isEqualTo("created");
        assertThat(a.body().get("database").asText()).isEqualTo(platform + "_second");
        assertThat(Pg.scalar(platform + "_second", "SELECT count(*) FROM products")).isEqualTo("3");
        assertThat(again.status()).isEqualTo(409);
    }

    @Test
    void admin_databases_lists_exactly_the_platforms_databases_with_no_wildcards() {
        String platform = gateway.platform();
        byte[] bundle = Bundles.tarGz(Bundles.fixture("todos"));
        http.register(platform, null, bundle);
        http.register(platform, "t1", bundle);

        Http.Answer list = http.get("/admin/databases?platform=" + platform,
                "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN);
        Http.Answer wildcard = http.get("/admin/databases?platform=%25",
                "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN);

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get("count").asInt()).isEqualTo(2);
        assertThat(list.body().get("databases").get(0).get("type").asText()).isEqualTo("main");
        assertThat(list.body().get("databases").get(1).get("type").asText()).isEqualTo("tenant");
        assertThat(wildcard.status()).isEqualTo(400);
    }

    @Test
    void every_register_is_in_the_audit_log_including_refusals() {
        String platform = gateway.platform();
        byte[] bundle = Bundles.tarGz(Bundles.fixture("todos"));
        http.register(platform, null, bundle);
        http.register(platform, null, bundle);

        assertThat(Pg.query(gateway.controlDatabase(),
                "SELECT action, status FROM audit_log WHERE platform = ? ORDER BY id", platform))
                .containsExactly(List.of("register", "200"), List.of("register", "409"));
    }

    @Test
    void the_admin_listing_names_each_database_of_the_platform_with_its_type_and_size() {
        String platform = gateway.platform();
        assertThat(http.register(platform, null, Bundles.tarGz(Bundles.fixture("shop"))).status()).isEqualTo(200);
        assertThat(http.register(platform, "acme", Bundles.tarGz(Bundles.fixture("shop"))).status()).isEqualTo(200);

        Http.Answer listing = http.get("/admin/databases?platform=" + platform, "Authorization",
                "Bearer " + TestGateway.ADMIN_TOKEN);

        assertThat(listing.status()).as(listing.toString()).isEqualTo(200);
        assertThat(listing.body().get("count").asInt()).isEqualTo(2);
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byName = new java.util.HashMap<>();
        listing.body().get("databases").forEach(d -> byName.put(d.get("name").asText(), d));
        assertThat(byName.get(platform + "_main").get("type").asText()).isEqualTo("main");
        assertThat(byName.get(platform + "_acme").get("type").asText()).isEqualTo("tenant");
        assertThat(byName.values()).allSatisfy(d -> assertThat(d.get("size_mb").asDouble()).isPositive());
    }
}
