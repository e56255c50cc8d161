package dev.cairn.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import dev.cairn.testing.TestGateway;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The v2 registry routes, platform tokens, and fleet migrations as jobs. */
class FleetJobTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();
    private static final String[] ADMIN = {"Authorization", "Bearer " + TestGateway.ADMIN_TOKEN};

    static Http.Answer upload(Http http, String platform, String schemaName, Schema schema, String... headers) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("schema_name", schemaName);
        form.put("schema", schema.tarGz());
        return http.postForm("/platform/" + platform + "/schema", form, headers);
    }

    /**
     * Starts a fleet job with {@code Prefer: respond-async}, so the answer is 202 with its id at once
     * however small the fleet; the job is then polled or streamed.
     */
    static String startJob(Http http, Map<String, Object> body) {
        Http.Answer a = http.postJson("/v2/migrate-all", body, "Prefer", "respond-async");
        assertThat(a.status()).as(a.toString()).isEqualTo(202);
        return a.body().get("job_id").asText();
    }

    /** Polls a job until it ends. */
    static JsonNode finished(Http http, String jobId) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Http.Answer a = http.get("/v2/migrate-all/" + jobId);
            assertThat(a.status()).as(a.toString()).isEqualTo(200);
            String status = a.body().get("status").asText();
            if (!status.equals("running") && !status.equals("queued")) {
                return a.body();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + jobId + " did not end");
    }

    private String platformWithTenants(int tenants) {
        return platformWithTenants(gateway.http(), gateway.platform(), tenants);
    }

    /** A v2 platform {@code platform} with schema {@code tenant} (the base schema) and databases {@code c0}, {@code c1}, ... */
    static String platformWithTenants(Http http, String platform, int tenants) {
        assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
        assertThat(upload(http, platform, "tenant", Schema.base()).status()).isEqualTo(200);
        for (int i = 0; i < tenants; i++) {
            Http.Answer c = http.postJson("/database/create", Map.of("platform", platform, "schema_name", "tenant",
                    "database_id", "c" + i));
            assertThat(c.status()).as(c.toString()).isEqualTo(200);
        }
        return platform;
    }

    private static Schema v2() {
        return Schema.base().put("migrations/002_note.pssql", "ALTER TABLE notes ADD COLUMN pinned BOOLEAN;")
                .put("tables/notes.pssql", """
                        CREATE TABLE notes (
                            id SERIAL PRIMARY KEY,
                            account_id INTEGER REFERENCES accounts (id),
                            body TEXT,
                            pinned BOOLEAN
                        );""")
                .put("functions/greet.pssql", """
                        CREATE FUNCTION greet(p_name VARCHAR(100)) RETURNS text LANGUAGE sql IMMUTABLE
                        AS $$ SELECT 'hi ' || p_name $$;""");
    }

    @Test
    void the_v2_registry_keeps_platforms_schema_versions_and_databases_in_the_control_database() {
        String platform = gateway.platform();
        assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
        Http.Answer again = http.postJson("/platform/register", Map.of("platform", platform));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("error").asText()).isEqualTo("platform_already_registered");

        Http.Answer first = upload(http, platform, "tenant", Schema.base());
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.body().get("version").asInt()).isEqualTo(1);
        assertThat(first.body().get("has_tables").asBoolean()).isTrue();
        Http.Answer same = upload(http, platform, "tenant", Schema.base());
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.body().get("version").asInt()).isEqualTo(1);
        assertThat(same.body().get("unchanged").asBoolean()).isTrue();
        assertThat(upload(http, platform, "tenant", v2()).body().get("version").asInt()).isEqualTo(2);

        String uuid = "0b6c3f0e-8f53-4a51-9d0c-3e2f4b1a9c77";
        Http.Answer created = http.postJson("/admin/database/create", Map.of("platform", platform,
                "schema_name", "tenant", "uuid", uuid), ADMIN);
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        String db = platform + "_tenant_" + uuid.replace('-', '_');
        assertThat(created.body().get("database_name").asText()).isEqualTo(db);
        assertThat(created.body().get("from_template").asBoolean()).isTrue();
        assertThat(Pg.columns(db, "notes")).contains("pinned");
        assertThat(http.postJson("/admin/database/create", Map.of("platform", platform, "schema_name", "tenant",
                "uuid", uuid), ADMIN).status()).isEqualTo(409);

        Http.Answer schemas = http.get("/platform/" + platform + "/schemas");
        assertThat(schemas.body().get("schemas").get(0).get("version").asInt()).isEqualTo(2);
        assertThat(schemas.body().get("schemas").get(0).get("versions").asInt()).isEqualTo(2);
        Http.Answer dbs = http.get("/platform/" + platform + "/databases?schema=tenant");
        assertThat(dbs.body().get("count").asInt()).isEqualTo(1);
        assertThat(dbs.body().get("databases").get(0).get("database_name").asText()).isEqualTo(db);
        Http.Answer platforms = http.get("/platforms");
        assertThat(platforms.raw()).contains("\"name\":\"" + platform + "\"");
        assertThat(http.get("/admin/platforms").status()).isEqualTo(401);
        assertThat(http.get("/admin/platforms", ADMIN).raw()).contains(platform);

        Http.Answer call = http.postJson("/call", Map.of("platform", platform, "schema_name", "tenant", "uuid", uuid,
                "function", "greet", "params", List.of("v4")));
        assertThat(call.body().get("rows").get(0).get("greet").asText()).isEqualTo("hi v4");
    }

    @Test
    void a_platform_token_acts_for_its_own_platform_only() {
        String mine = platformWithTenants(0);
        String theirs = platformWithTenants(0);
        Http.Answer issued = http.postJson("/admin/platform-token", Map.of("platform", mine), ADMIN);
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        String token = issued.body().get("token").asText();
        assertThat(Pg.scalar(gateway.controlDatabase(), "SELECT count(*) FROM platform_tokens WHERE token_hash = ?",
                token)).isEqualTo("0");
        String[] bearer = {"Authorization", "Bearer " + token};

        assertThat(upload(http, mine, "tenant", v2(), bearer).status()).isEqualTo(200);
        Http.Answer other = upload(http, theirs, "tenant", v2(), bearer);
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.body().get("error").asText()).isEqualTo("forbidden");
        assertThat(http.postJson("/database/create", Map.of("platform", theirs, "schema_name", "tenant",
                "database_id", "x"), bearer).status()).isEqualTo(403);
        assertThat(upload(http, mine, "tenant", v2(), "Authorization", "Bearer nope").status()).isEqualTo(401);
        assertThat(http.postJson("/admin/platform-token", Map.of("platform", mine)).status()).isEqualTo(401);
        assertThat(http.postJson("/admin/platform-token", Map.of("platform", "no-such-platform"), ADMIN).status())
                .isEqualTo(404);
        Http.Answer notAdmin = http.get("/admin/platforms", bearer);
        assertThat(notAdmin.status()).isEqualTo(401);
        assertThat(notAdmin.body().get("message").asText()).contains("platform token");
        // the setup uploaded without credentials, the test with the token: the audit log names both
        assertThat(Pg.scalar(gateway.controlDatabase(), "SELECT string_agg(DISTINCT actor, ',' ORDER BY actor)"
                + " FROM audit_log WHERE platform = ? AND action = 'upload-schema'", mine))
                .isEqualTo("network:127.0.0.1,platform-token:" + mine);
    }

    @Test
    void with_jwt_configured_a_valid_jwt_is_refused_on_schema_routes_and_an_invalid_one_is_unauthorized()
            throws Exception {
        String secret = "a-test-secret-that-is-at-least-32-bytes-long";
        try (TestGateway jwts = TestGateway.start(Map.of("JWT_SECRET", secret))) {
            String platform = platformWithTenants(jwts.http(), jwts.platform(), 0);
            com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                    new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
                    new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("svc").claim("platform", platform)
                            .expirationTime(new java.util.Date(System.currentTimeMillis() + 60_000)).build());
            jwt.sign(new com.nimbusds.jose.crypto.MACSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

            Http.Answer valid = upload(jwts.http(), platform, "tenant", v2(), "Authorization", "Bearer " + jwt.serialize());
            Http.Answer forged = upload(jwts.http(), platform, "tenant", v2(), "Authorization",
                    "Bearer " + jwt.serialize().substring(0, jwt.serialize().length() - 4) + "AAAA");

            assertThat(valid.status()).as(valid.toString()).isEqualTo(403);
            assertThat(valid.body().get("message").asText()).contains("data API");
            assertThat(forged.status()).as(forged.toString()).isEqualTo(401);
        }
    }

    @Test
    void credentials_that_are_not_valid_are_refused_before_a_v1_upload_is_read() {
        try (TestGateway small = TestGateway.start(Map.of("BUNDLE_MAX_BYTES", "65536"))) {
            Map<String, Object> form = new LinkedHashMap<>();
            form.put("platform", small.platform());
            form.put("schema", new byte[1024 * 1024]); // read first, this would be bundle_too_large

            Http.Answer refused = small.http().postForm("/migrate", form, "Authorization", "Bearer not-a-token");
            Http.Answer read = small.http().postForm("/migrate", form);

            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.body().get("error").asText()).isEqualTo("unauthorized");
            assertThat(read.body().get("error").asText()).as(read.toString()).isEqualTo("bundle_too_large");
        }
    }

    @Test
    void migrate_all_runs_a_job_that_can_be_polled_and_streamed_and_a_second_run_changes_nothing() throws Exception {
        String platform = platformWithTenants(4);
        assertThat(upload(http, platform, "tenant", v2()).status()).isEqualTo(200);

        Http.Answer started = http.postJson("/v2/migrate-all", Map.of("platform", platform, "schema_name", "tenant"),
                "Prefer", "respond-async");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        assertThat(started.body().get("total_databases").asInt()).isEqualTo(4);
        JsonNode done = finished(http, started.body().get("job_id").asText());

        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.get("succeeded").asInt()).isEqualTo(4);
        assertThat(done.get("changed").asInt()).isEqualTo(4);
        assertThat(done.get("unchanged").asInt()).isZero();
        assertThat(done.get("results").get(0).get("migrations_applied").asInt()).isEqualTo(1);
        for (int i = 0; i < 4; i++) {
            assertThat(Pg.columns(platform + "_tenant_c" + i, "notes")).contains("pinned");
        }
        Http.Answer streamed = http.get("/v2/migrate-all/" + started.body().get("job_id").asText() + "?stream=ndjson");
        List<String> lines = streamed.raw().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(4)).contains("\"event\":\"done\"", "\"status\":\"completed\"");

        JsonNode again = finished(http, startJob(http, Map.of("platform", platform, "schema_name", "tenant")));
        assertThat(again.get("status").asText()).isEqualTo("completed");
        assertThat(again.get("unchanged").asInt()).isEqualTo(4);
        assertThat(again.get("changed").asInt()).isZero();
        assertThat(again.get("completed").asInt()).isEqualTo(4);
        for (JsonNode r : again.get("results")) {
            assertThat(r.get("status").asText()).isEqualTo("completed");
            assertThat(r.get("unchanged").asBoolean()).isTrue();
            assertThat(r.get("error").isNull()).isTrue();
        }
        assertThat(http.postJson("/v2/migrate-all", Map.of("platform", platform, "schema_name", "nothing"))
                .status()).isEqualTo(404);
        Http.Answer v2 = http.postJson("/v2/migrate", Map.of("platform", platform, "schema_name", "tenant",
                "database_id", "c1", "dry_run", true));
        assertThat(v2.status()).as(v2.toString()).isEqualTo(200);
        assertThat(v2.body().get("schema_name").asText()).isEqualTo("tenant");
    }

    @Test
    void migrate_all_with_no_databases_is_204_and_a_second_job_while_one_runs_is_409_with_its_id() throws Exception {
        String platform = platformWithTenants(0);
        assertThat(http.postJson("/v2/migrate-all", Map.of("platform", platform, "schema_name", "tenant"))
                .status()).isEqualTo(204);
        platform = platformWithTenants(2);
        assertThat(upload(http, platform, "tenant", v2()).status()).isEqualTo(200);
        // hold the deploy lock of the first tenant so the job waits on it
        try (Connection held = Pg.connect(platform + "_tenant_c0"); Statement st = held.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + 0x43A10004 + ", hashtext(''))");
            Http.Answer first = http.postJson("/v2/migrate-all", Map.of("platform", platform, "schema_name", "tenant"),
                    "Prefer", "respond-async");
            assertThat(first.status()).isEqualTo(202);
            Http.Answer second = http.postJson("/v2/migrate-all", Map.of("platform", platform, "schema_name", "tenant"));
            assertThat(second.status()).as(second.toString()).isEqualTo(409);
            assertThat(second.body().get("error").asText()).isEqualTo("job_already_running");
            assertThat(second.body().get("job_id").asText()).isEqualTo(first.body().get("job_id").asText());
            Http.Answer running = http.get("/v2/migrate-all/" + first.body().get("job_id").asText());
            assertThat(running.body().get("status").asText()).isEqualTo("running");
            st.execute("SELECT pg_advisory_unlock_all()");
            assertThat(finished(http, first.body().get("job_id").asText()).get("status").asText())
                    .isEqualTo("completed");
        }
    }

    @Test
    void a_failing_database_makes_the_job_partial_or_stops_it() throws Exception {
        String platform = platformWithTenants(3);
        assertThat(upload(http, platform, "tenant", v2()).status()).isEqualTo(200);
        Pg.execute(platform + "_tenant_c1", "ALTER TABLE notes ADD COLUMN pinned INT"); // the migration will fail

        JsonNode partial = finished(http, startJob(http, Map.of("platform", platform, "schema_name", "tenant",
                "on_error", "continue")));
        assertThat(partial.get("status").asText()).as(partial.toString()).isEqualTo("partial");
        assertThat(partial.get("failed").asInt()).isEqualTo(1);
        JsonNode failed = partial.get("results").get(1);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("problem").get("error").asText()).isEqualTo("migration_failed");
        assertThat(failed.get("error").isTextual()).as(failed.toString()).isTrue();
        assertThat(failed.get("error").asText()).isEqualTo(failed.get("problem").get("message").asText())
                .contains("pinned");

        Http.Answer bad = http.postJson("/v2/migrate-all", Map.of("platform", platform, "schema_name", "tenant",
                "on_error", "sometimes"));
        assertThat(bad.status()).isEqualTo(400);
    }

    @Test
    void v1_migrate_without_a_tenant_migrates_the_fleet_canary_first_and_answers_when_done() {
        String platform = gateway.platform();
        assertThat(http.register(platform, null, Schema.base().tarGz()).status()).isEqualTo(200);
        assertThat(http.register(platform, "t1", Schema.base().tarGz()).status()).isEqualTo(200);
        assertThat(http.register(platform, "t2", Schema.base().tarGz()).status()).isEqualTo(200);

        Map<String, Object> form = new LinkedHashMap<>();
        form.put("platform", platform);
        form.put("schema", v2().tarGz());
        Http.Answer a = http.postForm("/migrate", form);

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.body().get("databases_updated")).hasSize(3);
        assertThat(a.body().get("databases_updated").get(0).asText()).isEqualTo(platform + "_main");
        assertThat(a.body().get("migrations_applied").asInt()).isEqualTo(3);
        assertThat(a.body().has("job_id")).isTrue();
        assertThat(a.body().get("schema_validation").has("safe_changes")).isTrue();

        // a blocked change on the canary stops everything: tenants are not touched
        Schema dropping = v2().put("tables/accounts.pssql", """
                CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, active BOOL DEFAULT true,
                    score NUMERIC(10,2), kind mood);""");
        form.put("schema", dropping.tarGz());
        Http.Answer blocked = http.postForm("/migrate", form);
        assertThat(blocked.status()).as(blocked.toString()).isEqualTo(409);
        assertThat(blocked.body().get("error").asText()).isEqualTo("schema_change_blocked");
        assertThat(blocked.body().get("skipped").asInt()).isEqualTo(2);
        assertThat(Pg.columns(platform + "_t1", "accounts")).contains("tags");
    }
}
