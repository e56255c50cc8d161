package dev.cairn.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Await;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A tenant database suspended, resumed and deleted by an operator, and what each does to its requests. */
class DatabaseLifecycleTest {

    private static final String ADMIN = "Bearer " + TestGateway.ADMIN_TOKEN;
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    private static String platformWithTenants(String... tenants) {
        String platform = gateway.platform();
        assertThat(http.register(platform, null, Bundles.tarGz(Bundles.fixture("calls"))).status()).isEqualTo(200);
        for (String tenant : tenants) {
            assertThat(http.postJson("/admin/create-tenant", Map.of("platform", platform, "tenant_id", tenant),
                    "Authorization", ADMIN).status()).isEqualTo(201);
        }
        return platform;
    }

    private static Http.Answer call(String platform, String tenant) {
        return http.call(platform, tenant, "billing.invoice_total", List.of(3));
    }

    @Test
    void a_suspended_database_refuses_requests_with_423_until_resumed_and_the_others_are_served() {
        String p = platformWithTenants("t1", "t2");
        String db = p + "_t1";
        assertThat(call(p, "t1").status()).isEqualTo(200);

        assertThat(http.postJson("/admin/databases/" + db + "/suspend", Map.of()).status()).isEqualTo(401);
        Http.Answer suspended = http.postJson("/admin/databases/" + db + "/suspend", Map.of(), "Authorization", ADMIN);

        assertThat(suspended.status()).as(suspended.raw()).isEqualTo(200);
        assertThat(suspended.body().path("status").asText()).isEqualTo("suspended");
        Http.Answer refused = call(p, "t1");
        assertThat(refused.status()).isEqualTo(423);
        assertThat(refused.body().path("error").asText()).isEqualTo("database_suspended");
        assertThat(call(p, "t2").status()).isEqualTo(200);
        Await.until("the suspended database's pool closed", Duration.ofSeconds(5),
                () -> !http.get("/metrics").raw().contains("database=\"" + db + "\""));
        assertThat(listed(p, db).path("suspended").asBoolean()).isTrue();
        // suspending twice is no error, and keeps the first time
        assertThat(http.postJson("/admin/databases/" + db + "/suspend", Map.of(), "Authorization", ADMIN)
                .body().path("suspended_at").asText()).isEqualTo(suspended.body().path("suspended_at").asText());

        Http.Answer resumed = http.postJson("/admin/databases/" + db + "/resume", Map.of(), "Authorization", ADMIN);

        assertThat(resumed.body().path("status").asText()).isEqualTo("active");
        assertThat(call(p, "t1").status()).isEqualTo(200);
        assertThat(listed(p, db).path("suspended").asBoolean()).isFalse();
        assertThat(audited(gateway.controlDatabase(), db)).contains("suspend-database", "resume-database");
    }

    @Test
    void deleting_takes_the_name_again_refuses_the_main_database_and_a_running_job_and_removes_everything() {
        String p = platformWithTenants("t1");
        String db = p + "_t1";
        String control = gateway.controlDatabase();

        assertThat(delete(db, Map.of()).status()).isEqualTo(400);
        assertThat(delete(db, Map.of("confirm", p + "_t2")).body().path("error").asText()).isEqualTo("validation_error");
        assertThat(delete(p + "_main", Map.of("confirm", p + "_main")).status()).isEqualTo(400);
        assertThat(delete(p + "_nope", Map.of("confirm", p + "_nope")).status()).isEqualTo(404);
        String job = UUID.randomUUID().toString();
        Pg.execute(control, "INSERT INTO jobs (id, platform, schema_name, status, options, actor) VALUES ('" + job
                + "', '" + p + "', 'tenant', 'running', '{}', 'test')");
        Pg.execute(control, "INSERT INTO job_items (job_id, position, database_name, version_id, status) SELECT '"
                + job + "', 0, name, version_id, 'pending' FROM databases WHERE name = '" + db + "'");
        Http.Answer busy = delete(db, Map.of("confirm", db));
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.body().path("job_id").asText()).isEqualTo(job);
        assertThat(Pg.databaseExists(db)).isTrue();
        Pg.execute(control, "UPDATE jobs SET status = 'completed' WHERE id = '" + job + "'");

        Http.Answer deleted = delete(db, Map.of("confirm", db));

        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertThat(deleted.body().path("status").asText()).isEqualTo("deleted");
        assertThat(Pg.databaseExists(db)).isFalse();
        assertThat(Pg.scalar(control, "SELECT count(*) FROM databases WHERE name = ?", db)).isEqualTo("0");
        Http.Answer gone = call(p, "t1");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body().path("error").asText()).isEqualTo("database_not_found");
        assertThat(audited(control, db)).contains("delete-database");
        // the name can be used again
        assertThat(http.postJson("/admin/create-tenant", Map.of("platform", p, "tenant_id", "t1"), "Authorization", ADMIN)
                .status()).isEqualTo(201);
        assertThat(call(p, "t1").status()).isEqualTo(200);
    }

    @Test
    void template_databases_of_content_no_database_holds_any_more_are_dropped_and_the_current_one_kept() {
        String p = platformWithTenants("t1");
        String control = gateway.controlDatabase();
        String old = Pg.scalar(control, "SELECT database_name FROM templates WHERE platform = ?", p);
        assertThat(Pg.databaseExists(old)).isTrue();
        Map<String, String> v2 = new java.util.HashMap<>(Bundles.files(Bundles.fixture("calls")));
        v2.put("postgresql/tables/extra.sql", "CREATE TABLE extra (id int PRIMARY KEY);");
        Http.Answer migrated = http.postForm("/migrate", Map.of("platform", p, "schema", Bundles.tarGz(v2)));
        assertThat(migrated.status()).as(migrated.raw()).isEqualTo(200);
        String current = Pg.scalar(control, "SELECT database_name FROM templates WHERE platform = ? AND database_name <> ?",
                p, old);

        Http.Answer cleaned = http.postJson("/admin/templates/cleanup", Map.of(), "Authorization", ADMIN);

        assertThat(cleaned.status()).as(cleaned.raw()).isEqualTo(200);
        assertThat(cleaned.body().path("dropped").toString()).contains(old).doesNotContain(current);
        assertThat(Pg.databaseExists(old)).isFalse();
        assertThat(Pg.databaseExists(current)).isTrue();
        // the records stay; a new tenant still gets the current content
        assertThat(Pg.scalar(control, "SELECT count(*) FROM templates WHERE platform = ?", p)).isEqualTo("2");
        assertThat(http.postJson("/admin/create-tenant", Map.of("platform", p, "tenant_id", "t2"), "Authorization", ADMIN)
                .status()).isEqualTo(201);
        assertThat(Pg.columns(p + "_t2", "extra")).contains("id");
        assertThat(http.postJson("/admin/templates/cleanup", Map.of(), "Authorization", ADMIN).body().path("dropped")
                .toString()).doesNotContain(current);
    }

    private static Http.Answer delete(String database, Map<String, Object> body) {
        return http.json("DELETE", "/admin/databases/" + database, body, "Authorization", ADMIN);
    }

    private static com.fasterxml.jackson.databind.JsonNode listed(String platform, String database) {
        for (var d : http.get("/admin/databases?platform=" + platform, "Authorization", ADMIN).body().path("databases")) {
            if (d.path("name").asText().equals(database)) {
                return d;
            }
        }
        throw new AssertionError(database + " is not listed");
    }

    private static List<String> audited(String control, String database) {
        return Pg.query(control, "SELECT action FROM audit_log WHERE database = ? ORDER BY id", database).stream()
                .map(r -> r.get(0)).toList();
    }
}
