package dev.cairn.realm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A control database from before realms (schema version 10) with platforms and tenants in it: the
 * migration that adds realms makes each platform a root realm and each tenant a child of it, once
 * per tenant however many databases it has, and the gateway serves them as it serves the realms of
 * platforms registered since.
 */
class RealmBackfillTest {

    @Test
    void platforms_and_tenants_of_an_older_control_database_become_realms() {
        String control = "cairn_test_" + TestGateway.randomHex();
        String one = "t" + TestGateway.randomHex();
        String two = "t" + TestGateway.randomHex();
        Pg.execute("postgres", "CREATE DATABASE " + control);
        try {
            flyway(control).target("10").load().migrate();
            Pg.execute(control, """
                    INSERT INTO platforms (name, created_at) VALUES ('%1$s', now() - interval '2 days'), ('%2$s', now());
                    INSERT INTO schema_versions (platform, schema_name, version, checksum, bundle, has_tables,
                                                 has_functions, has_migrations, has_seeders)
                    VALUES ('%1$s', 'main', 1, 'c1', ''::bytea, true, false, false, false);
                    INSERT INTO databases (name, platform, tenant, schema_name, version_id, checksum, created_at)
                    SELECT d.name, '%1$s', d.tenant, d.schema_name, v.id, 'c1', now() - d.age
                    FROM schema_versions v, (VALUES ('%1$s_main', NULL, 'main', interval '2 days'),
                                                    ('%1$s_clinic', 'clinic', 'main', interval '1 day'),
                                                    ('%1$s_clinic_reports', 'clinic', 'reports', interval '1 hour'),
                                                    ('%1$s_lab', 'lab', 'main', interval '1 hour'))
                                          AS d(name, tenant, schema_name, age);
                    """.formatted(one, two));

            flyway(control).load().migrate();

            assertThat(Pg.query(control, """
                    SELECT r.realm_id, r.realm_type, r.managed_by, coalesce(p.realm_id, '-')
                    FROM realms r LEFT JOIN realms p ON p.id = r.parent"""))
                    .containsExactlyInAnyOrder(
                            List.of(one, "root", "platform", "-"),
                            List.of(one + "/clinic", "tenant", "tenant", one),
                            List.of(one + "/lab", "tenant", "tenant", one),
                            List.of(two, "root", "platform", "-"));
            assertThat(Pg.scalar(control, "SELECT created_at < now() - interval '20 hours' FROM realms WHERE realm_id = ?",
                    one + "/clinic")).as("a tenant realm is as old as the tenant's first database").isEqualTo("t");
        } catch (RuntimeException | AssertionError e) {
            Pg.drop(control);
            throw e;
        }

        try (TestGateway gateway = TestGateway.adopt(control)) {
            Http http = gateway.http();
            String admin = "Bearer " + TestGateway.ADMIN_TOKEN;
            Http.Answer clinic = http.get("/api/realms/" + one + "%2Fclinic", "Authorization", admin);
            assertThat(clinic.status()).as(clinic.toString()).isEqualTo(200);
            assertThat(clinic.body().path("realmType").asText()).isEqualTo("tenant");
            assertThat(clinic.body().path("parentRealm").asText()).isEqualTo(one);
            JsonNode children = http.get("/api/realms?parentRealmId=" + one, "Authorization", admin).body();
            assertThat(children.path("realms").findValuesAsText("realmId")).containsExactlyInAnyOrder(one + "/clinic", one + "/lab");
            Http.Answer delete = http.json("DELETE", "/api/realms/" + one + "%2Flab", null, "Authorization", admin);
            assertThat(delete.status()).as("a tenant's realm follows the fleet, not the realm API").isEqualTo(409);
        }
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String control) {
        return Flyway.configure()
                .dataSource("jdbc:postgresql://" + Pg.HOST + ":" + Pg.PORT + "/" + control, Pg.USER, "")
                .locations("classpath:db/control")
                .table("cairn_schema_history");
    }
}
