package dev.cairn.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Await;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * READY_COPIES: after a tenant is created, copies of the schema's template are made ahead of time,
 * and the next tenant is one of them renamed; copies of an older version go when the schema moves
 * on, a copy that vanished is simply not used, and template clean-up takes copies of dropped
 * templates with it.
 */
class ReadyCopiesTest {

    private static final String ADMIN = "Bearer " + dev.cairn.testing.TestGateway.ADMIN_TOKEN;
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(Map.of("READY_COPIES", "2"));
    private static final Http http = gateway.http();

    private static String upload(String platform, Schema schema) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("schema_name", "tenant");
        form.put("schema", schema.tarGz());
        Http.Answer a = http.postForm("/platform/" + platform + "/schema", form);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.body().get("checksum").asText();
    }

    private static Http.Answer create(String platform, String id) {
        Http.Answer a = http.postJson("/database/create", Map.of("platform", platform, "schema_name", "tenant",
                "database_id", id));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a;
    }

    /** The recorded copies of a template, each of which exists. */
    private static List<String> copies(String template) {
        List<String> names = Pg.query(gateway.controlDatabase(),
                "SELECT database FROM ready_copies WHERE template = ? ORDER BY created_at", template)
                .stream().map(r -> r.get(0)).toList();
        names.forEach(n -> assertThat(Pg.databaseExists(n)).as(n).isTrue());
        return names;
    }

    private static void awaitCopies(String template, int n) {
        Await.until(n + " ready copies of " + template, Duration.ofSeconds(30), () -> copies(template).size() == n
                && Pg.scalar(gateway.controlDatabase(), "SELECT count(*) FROM database_creations").equals("0"));
    }

    private static String oid(String database) {
        return Pg.scalar("postgres", "SELECT oid::text FROM pg_database WHERE datname = ?", database);
    }

    private static String platform() {
        String platform = gateway.platform();
        assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
        return platform;
    }

    @Test
    void the_next_tenant_is_a_ready_copy_renamed_and_the_copies_are_made_up_again() {
        String platform = platform();
        String template = Templates.name(platform, upload(platform, Schema.base()));
        create(platform, "a");
        awaitCopies(template, 2);
        List<String> before = copies(template);
        String oldest = oid(before.get(0));
        // made like a tenant: owned by the platform's role, closed to everyone else
        assertThat(Pg.scalar("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?",
                before.get(0))).isEqualTo("cairn_" + platform);
        assertThat(Pg.scalar("postgres", "SELECT has_database_privilege('public', ?, 'CONNECT')::text",
                before.get(0))).isEqualTo("false");

        Http.Answer b = create(platform, "b");

        assertThat(b.body().get("from_template").asBoolean()).isTrue();
        String database = platform + "_tenant_b";
        assertThat(oid(database)).as("the oldest copy became the tenant").isEqualTo(oldest);
        assertThat(Pg.databaseExists(before.get(0))).isFalse();
        assertThat(Pg.columns(database, "accounts")).contains("id", "name");
        assertThat(Pg.scalar(gateway.controlDatabase(), "SELECT count(*) FROM databases WHERE name = ?", database))
                .isEqualTo("1");
        awaitCopies(template, 2);
        assertThat(copies(template)).contains(before.get(1)).doesNotContain(before.get(0));
        Http.Answer migrated = http.postJson("/v2/migrate", Map.of("platform", platform, "schema_name", "tenant",
                "database_id", "b"));
        assertThat(migrated.body().get("results").get(0).get("unchanged").asBoolean()).as(migrated.toString()).isTrue();
    }

    @Test
    void a_copy_that_vanished_is_not_used_and_the_tenant_is_copied_from_the_template() {
        String platform = platform();
        String template = Templates.name(platform, upload(platform, Schema.base()));
        create(platform, "a");
        awaitCopies(template, 2);
        for (String copy : copies(template)) {
            Pg.drop(copy);
        }

        create(platform, "b");

        assertThat(Pg.columns(platform + "_tenant_b", "accounts")).contains("id", "name");
        awaitCopies(template, 2); // the rows of the vanished copies are gone, new copies made
    }

    @Test
    void copies_of_an_older_version_go_when_the_next_tenant_is_created_from_the_new_one() {
        String platform = platform();
        String v1 = Templates.name(platform, upload(platform, Schema.base()));
        create(platform, "a");
        awaitCopies(v1, 2);
        List<String> old = copies(v1);
        String v2 = Templates.name(platform, upload(platform, Schema.base().put("tables/labels.pssql",
                "CREATE TABLE labels (id INT PRIMARY KEY);")));

        create(platform, "b");

        assertThat(Pg.columns(platform + "_tenant_b", "labels")).contains("id");
        awaitCopies(v2, 2);
        assertThat(copies(v1)).isEmpty();
        old.forEach(copy -> assertThat(Pg.databaseExists(copy)).as(copy).isFalse());
    }

    @Test
    void template_clean_up_drops_the_copies_of_the_templates_it_drops() {
        String platform = platform();
        String v1 = Templates.name(platform, upload(platform, Schema.base()));
        create(platform, "a");
        awaitCopies(v1, 2);
        List<String> old = copies(v1);
        upload(platform, Schema.base().put("tables/labels.pssql", "CREATE TABLE labels (id INT PRIMARY KEY);"));
        Http.Answer all = http.postJson("/v2/migrate-all", Map.of("platform", platform, "schema_name", "tenant"));
        assertThat(all.body().get("status").asText()).as(all.toString()).isEqualTo("completed");

        Http.Answer cleanup = http.postJson("/admin/templates/cleanup", Map.of(), "Authorization", ADMIN);

        assertThat(cleanup.status()).as(cleanup.toString()).isEqualTo(200);
        assertThat(Pg.databaseExists(v1)).isFalse();
        assertThat(copies(v1)).isEmpty();
        old.forEach(copy -> assertThat(Pg.databaseExists(copy)).as(copy).isFalse());
    }
}
