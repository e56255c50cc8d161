package dev.cairn.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A migrate reads what the target content looks like off a template built from it, but only a
 * migrate that goes through may leave that template behind: a blocked one or a dry run leaves no
 * database and no record, and the next tenant is still created from the content that is deployed.
 */
class MigrateTemplatesTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    private static Http.Answer upload(String platform, Schema schema) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("schema_name", "tenant");
        form.put("schema", schema.tarGz());
        Http.Answer a = http.postForm("/platform/" + platform + "/schema", form);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a;
    }

    private static Http.Answer migrate(String platform, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("platform", platform, "schema_name", "tenant",
                "database_id", "a"));
        body.putAll(extra);
        return http.postJson("/v2/migrate", body);
    }

    private static boolean recorded(String template) {
        return !Pg.scalar(gateway.controlDatabase(), "SELECT count(*) FROM templates WHERE database_name = ?", template)
                .equals("0");
    }

    @Test
    void a_blocked_or_dry_run_migrate_leaves_no_template_and_one_that_goes_through_keeps_it() {
        String platform = gateway.platform();
        assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
        upload(platform, Schema.base());
        assertThat(http.postJson("/database/create", Map.of("platform", platform, "schema_name", "tenant",
                "database_id", "a")).status()).isEqualTo(200);
        Schema withoutTags = Schema.base().put("tables/accounts.pssql", """
                CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, active BOOL DEFAULT true,
                    score NUMERIC(10,2), kind mood);""");
        String template = Templates.name(platform, upload(platform, withoutTags).body().get("checksum").asText());

        Http.Answer blocked = migrate(platform, Map.of());
        assertThat(blocked.status()).as(blocked.toString()).isEqualTo(409);
        assertThat(blocked.body().get("error").asText()).isEqualTo("schema_change_blocked");
        assertThat(Pg.databaseExists(template)).isFalse();
        Http.Answer dryRun = migrate(platform, Map.of("dry_run", true));
        assertThat(dryRun.status()).as(dryRun.toString()).isEqualTo(200);
        assertThat(dryRun.body().get("status").asText()).isEqualTo("dry_run");
        assertThat(dryRun.body().get("schema_validation").get("dataloss_changes")).hasSize(1);
        Http.Answer fleet = http.postJson("/v2/migrate-all", Map.of("platform", platform, "schema_name", "tenant"));
        assertThat(fleet.body().get("status").asText()).as(fleet.toString()).isEqualTo("failed");
        assertThat(Pg.databaseExists(template)).isFalse();
        assertThat(recorded(template)).isFalse();

        Http.Answer allowed = migrate(platform, Map.of("allow", java.util.List.of("drop_column")));

        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(Pg.columns(platform + "_tenant_a", "accounts")).doesNotContain("tags");
        assertThat(Pg.databaseExists(template)).isTrue();
        assertThat(recorded(template)).isTrue();
        Http.Answer next = http.postJson("/database/create", Map.of("platform", platform, "schema_name", "tenant",
                "database_id", "b"));
        assertThat(next.status()).as(next.toString()).isEqualTo(200);
        assertThat(next.body().get("from_template").asBoolean()).isTrue();
        assertThat(Pg.columns(platform + "_tenant_b", "accounts")).doesNotContain("tags");
    }
}
