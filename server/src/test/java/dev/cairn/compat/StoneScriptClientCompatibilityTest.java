package dev.cairn.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.compat.GatewayClientRules.GatewayException;
import dev.cairn.compat.PhpWire.Field;
import dev.cairn.compat.PhpWire.Reply;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Pg;
import dev.cairn.testing.SharedFixtures;
import dev.cairn.testing.TestGateway;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cairn judged by the StoneScript gateway's real clients' own rules: stonescriptdb-gateway-client
 * 1.x to 3.x ({@link GatewayClientRules}: curl, and an exception for any status but exactly 200)
 * and the StoneScriptPHP 5.5.1 CLI ({@link StoneScriptCliRules}: file_get_contents with
 * Connection: close, the statuses each step accepts, the migrate-all poll loop, and a summary that
 * counts every result not {@code completed} as failed and prints {@code error} as a string). A
 * flow passes when the client would carry on without an exception, an {@code exit(1)} or a PHP
 * warning. Where Cairn deliberately answers differently, docs/compatibility.md gives the reason.
 */
class StoneScriptClientCompatibilityTest {

    /** The public StoneScript sample app, under the shared fixtures ({@link SharedFixtures}). */
    private static final String REAL_SAMPLE = "stonescript-real/stonescriptdb-gateway-sample-todos-app";
    private static final String[] ADMIN = {"Authorization", "Bearer " + TestGateway.ADMIN_TOKEN};

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static PhpWire php;

    @BeforeAll
    static void start() {
        php = new PhpWire(gateway.port());
    }

    // ---- GatewayClient 1.0 (v1 routes) ---------------------------------------------------------

    private static GatewayClientRules client(String platform) {
        return new GatewayClientRules(php, platform, Optional.of(TestGateway.ADMIN_TOKEN));
    }

    /** The client's answer to a request it refuses: the GatewayException's HTTP code. */
    private static int refused(Runnable request) {
        try {
            request.run();
        } catch (GatewayException e) {
            return e.code();
        }
        throw new AssertionError("the client accepted the answer");
    }

    @Test
    void gateway_client_1_registers_calls_and_migrates_a_platform_over_the_v1_routes() {
        String platform = gateway.platform();
        GatewayClientRules client = client(platform);
        Reply health = php.curlGet("/health");
        assertThat(health.code()).isEqualTo(200); // healthCheck(): true iff 200
        assertThat(health.json().get("status").asText()).isEqualTo("healthy");
        assertThat(health.json().get("postgres_connected").asBoolean()).isTrue();

        JsonNode main = client.register(Optional.of(""), ClinicApp.v1().tarGz());
        assertThat(main.get("status").asText()).isEqualTo("ready");
        assertThat(main.get("database").asText()).isEqualTo(platform + "_main");
        assertThat(main.get("functions_deployed").asInt()).isEqualTo(3);
        assertThat(main.get("migrations_applied").isInt()).isTrue();
        JsonNode tenant = client.register(Optional.of("acme"), ClinicApp.v1().tarGz());
        assertThat(tenant.get("database").asText()).isEqualTo(platform + "_acme");

        JsonNode added = client.callV1(Optional.empty(), "add_patient", List.of("Ada", "first"));
        assertThat(added.get("rows").get(0).get("add_patient").asInt()).isEqualTo(1);
        assertThat(added.get("row_count").asInt()).isEqualTo(1);
        assertThat(client.callV1(Optional.of("acme"), "add_patient", List.of("Bob", "t")).get("rows").get(0)
                .get("add_patient").asInt()).isEqualTo(1);
        JsonNode listed = client.callV1(Optional.empty(), "list_patients", List.of());
        assertThat(listed.get("rows").get(0).get("name").asText()).isEqualTo("Ada");
        assertThat(listed.get("rows").get(0).get("notes").asText()).isEqualTo("first");

        JsonNode f = client.migrate("null", ClinicApp.v2().tarGz(), Optional.empty());
        assertThat(f.get("status").asText()).isEqualTo("completed");
        assertThat(f.get("databases_updated")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(platform + "_main", platform + "_acme");
        assertThat(f.get("migrations_applied").asInt()).isEqualTo(2);
        assertThat(f.get("functions_updated").asInt()).isEqualTo(2);
        assertThat(client.callV1(Optional.of("acme"), "count_patients", List.of()).get("rows").get(0)
                .get("count_patients").asLong()).isEqualTo(1);
        assertThat(Pg.columns(platform + "_main", "patients")).contains("phone");
    }

    @Test
    void an_empty_or_null_tenant_id_means_the_main_database_on_register_and_call() {
        String platform = gateway.platform();
        GatewayClientRules client = client(platform);
        JsonNode registered = client.register(Optional.of("null"), ClinicApp.v1().tarGz());
        assertThat(registered.get("database").asText()).isEqualTo(platform + "_main");

        client.callV1(Optional.of(""), "add_patient", List.of("Ada", "x"));
        assertThat(client.callV1(Optional.empty(), "list_patients", List.of()).get("row_count").asInt()).isEqualTo(1);
        assertThat(refused(() -> client.register(Optional.of(""), ClinicApp.v1().tarGz()))).isEqualTo(409);
    }

    @Test
    void force_true_and_force_1_both_let_a_blocked_data_loss_change_through() {
        String platform = gateway.platform();
        GatewayClientRules client = client(platform);
        client.register(Optional.empty(), ClinicApp.v2().tarGz());
        client.register(Optional.of("t1"), ClinicApp.v2().tarGz());
        client.register(Optional.of("t2"), ClinicApp.v2().tarGz());

        GatewayException blocked = org.assertj.core.api.Assertions.catchThrowableOfType(GatewayException.class,
                () -> client.migrate("t1", ClinicApp.withoutLegacy().tarGz(), Optional.empty()));
        assertThat(blocked.code()).isEqualTo(409);
        assertThat(blocked.getMessage()).startsWith("Gateway returned HTTP 409: schema_change_blocked - ")
                .contains("legacy");
        assertThat(Pg.columns(platform + "_t1", "patients")).contains("legacy");

        for (var run : Map.of("t1", "true", "t2", "1").entrySet()) {
            JsonNode forced = client.migrate(run.getKey(), ClinicApp.withoutLegacy().tarGz(), Optional.of(run.getValue()));
            assertThat(forced.get("status").asText()).isEqualTo("completed");
            assertThat(forced.get("databases_updated").get(0).asText()).isEqualTo(platform + "_" + run.getKey());
            assertThat(forced.get("schema_validation").get("dataloss_changes").get(0).get("column").asText())
                    .isEqualTo("legacy");
            assertThat(Pg.columns(platform + "_" + run.getKey(), "patients")).doesNotContain("legacy");
        }
    }

    @Test
    void gateway_client_1_sends_an_associative_array_as_named_arguments_which_cairn_accepts() {
        String platform = gateway.platform();
        GatewayClientRules client = client(platform);
        client.register(Optional.empty(), ClinicApp.v1().tarGz());

        client.callV1(Optional.empty(), "add_patient", Map.of("p_notes", "n", "p_name", "Cy"));

        assertThat(client.callV1(Optional.empty(), "list_patients", List.of()).get("rows").get(0).get("name").asText())
                .isEqualTo("Cy");
    }

    // ---- GatewayClient 2.x and 3.x (v2 registry, v3 call): only HTTP 200 is accepted ------------

    @Test
    void gateway_client_2_registers_uploads_creates_with_the_admin_token_and_migrates_by_database_id() {
        String platform = gateway.platform();
        GatewayClientRules client = client(platform);
        assertThat(client.registerPlatform().get("status").asText()).isEqualTo("registered");
        assertThat(refused(client::registerPlatform)).isEqualTo(409);
        JsonNode uploaded = client.uploadSchema(ClinicApp.v1().tarGz(), "tenant");
        assertThat(uploaded.get("has_tables").asBoolean()).isTrue();
        assertThat(uploaded.get("has_functions").asBoolean()).isTrue();
        assertThat(uploaded.get("unchanged").asBoolean()).isFalse();
        assertThat(client.uploadSchema(ClinicApp.v1().tarGz(), "tenant").get("unchanged").asBoolean()).isTrue();

        JsonNode created = client.createDatabase("tenant", Map.of("database_id", "clinic1"));
        assertThat(created.get("status").asText()).isEqualTo("created");
        assertThat(created.get("database_name").asText()).isEqualTo(platform + "_tenant_clinic1");
        GatewayException again = org.assertj.core.api.Assertions.catchThrowableOfType(GatewayException.class,
                () -> client.createDatabase("tenant", Map.of("database_id", "clinic1")));
        assertThat(again.code()).isEqualTo(409);
        assertThat(again.getMessage()).startsWith("Gateway returned HTTP 409: database_already_exists - ");

        client.uploadSchema(ClinicApp.v2().tarGz(), "tenant");
        JsonNode migrated = client.migrateV2("tenant", Map.of("database_id", "clinic1"), false);
        assertThat(migrated.get("status").asText()).isEqualTo("completed");
        assertThat(migrated.get("databases_updated").get(0).asText()).isEqualTo(platform + "_tenant_clinic1");
        assertThat(migrated.get("migrations_applied").asInt()).isEqualTo(1);
        assertThat(migrated.get("functions_updated").asInt()).isEqualTo(1);
        assertThat(migrated.get("platform").asText()).isEqualTo(platform);
        assertThat(migrated.get("schema_name").asText()).isEqualTo("tenant");
    }

    @Test
    void gateway_client_3_calls_by_schema_name_and_uuid_and_a_null_tenant_means_the_base_schema() {
        String platform = gateway.platform();
        GatewayClientRules client = client(platform);
        client.registerPlatform();
        for (String schema : List.of("main", "tenant")) {
            client.uploadSchema(ClinicApp.v1().tarGz(), schema);
        }
        String uuid = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
        client.createDatabase("main", Map.of());
        client.createDatabase("tenant", Map.of("uuid", uuid));

        assertThat(client.call("tenant", Optional.of(uuid), "add_patient", List.of("Tenant", "t")).get("rows").get(0)
                .get("add_patient").asInt()).isEqualTo(1);
        client.call("main", Optional.empty(), "add_patient", List.of("Base", "b"));
        assertThat(Pg.scalar(platform + "_tenant_" + uuid.replace('-', '_'), "SELECT name FROM patients"))
                .isEqualTo("Tenant");
        assertThat(Pg.scalar(platform + "_main", "SELECT name FROM patients")).isEqualTo("Base");
    }

    @Test
    void gateway_client_3_migrates_all_tenants_in_one_call_and_gets_the_finished_job_back() {
        String platform = gateway.platform();
        GatewayClientRules client = client(platform);
        client.registerPlatform();
        client.uploadSchema(ClinicApp.v1().tarGz(), "tenant");
        for (String uuid : List.of("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222")) {
            client.createDatabase("tenant", Map.of("uuid", uuid));
        }
        client.uploadSchema(ClinicApp.v2().tarGz(), "tenant");

        JsonNode job = client.migrateAllV2("tenant", false);

        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("total_databases").asInt()).isEqualTo(2);
        assertThat(job.get("succeeded").asInt()).isEqualTo(2);
        assertThat(job.get("results")).allSatisfy(r -> {
            assertThat(r.get("status").asText()).isEqualTo("completed");
            assertThat(r.get("migrations_applied").asInt()).isEqualTo(1);
        });
        JsonNode noOp = client.migrateAllV2("tenant", false);
        assertThat(noOp.get("status").asText()).isEqualTo("completed");
        assertThat(noOp.get("unchanged").asInt()).isEqualTo(2);
    }

    // ---- StoneScriptPHP 5.5.1 CLI (v4 contract, file_get_contents) ------------------------------

    /** Each CLI step of a run must end without exit(1) and without a PHP warning. */
    private static void clean(StoneScriptCliRules.Run run) {
        assertThat(run.exit()).as(run.printed()).isZero();
        assertThat(run.warnings()).as(run.printed()).isEmpty();
    }

    /** {@code gateway:register-tenant} for {@code count} tenants whose UUIDs are {@code prefix} + 0, 1, ... */
    private static void createTenants(StoneScriptCliRules cli, int count, String prefix) {
        for (int i = 0; i < count; i++) {
            String uuid = prefix + i;
            clean(cli.run(() -> cli.createDatabase("tenant", Optional.of(uuid))));
        }
    }

    private static StoneScriptCliRules cliWithToken(String platform) {
        StoneScriptCliRules cli = new StoneScriptCliRules(php, platform);
        clean(cli.run(cli::registerPlatform));
        clean(cli.run(() -> cli.provisionToken(TestGateway.ADMIN_TOKEN)));
        return cli;
    }

    @Test
    void the_cli_registers_and_migrates_main_and_a_tenant_with_a_platform_token_over_connection_close_requests() {
        String platform = gateway.platform();
        StoneScriptCliRules cli = cliWithToken(platform);
        clean(cli.run(cli::registerPlatform)); // a second deploy of the same container: 409, carries on
        for (String schema : List.of("main", "tenant")) {
            StoneScriptCliRules.Run up = cli.run(() -> cli.uploadSchema(schema, ClinicApp.v1().tarGz()));
            clean(up);
            assertThat(up.out()).contains("  has_tables: yes", "  has_functions: yes", "  has_migrations: yes");
        }

        // register-main (5.5.1) sends neither database_id nor uuid: the schema's own database
        StoneScriptCliRules.Run created = cli.run(() -> cli.createDatabase("main", Optional.empty()));
        clean(created);
        assertThat(created.out()).contains("  Database created successfully!");
        assertThat(cli.run(() -> cli.createDatabase("main", Optional.empty())).out())
                .contains("  Database already exists");
        assertThat(Pg.databaseExists(platform + "_main")).isTrue();
        String uuid = "3f1d2c4b-5a69-4788-9bcd-ef0123456789";
        clean(cli.run(() -> cli.createDatabase("tenant", Optional.of(uuid))));
        assertThat(cli.run(() -> cli.createDatabase("tenant", Optional.of(uuid))).out())
                .contains("  Database already exists");

        for (String schema : List.of("main", "tenant")) {
            clean(cli.run(() -> cli.uploadSchema(schema, ClinicApp.v2().tarGz())));
        }
        StoneScriptCliRules.Run main = cli.run(() -> cli.migrate("main", Optional.empty()));
        clean(main);
        assertThat(main.out()).contains("  Status: completed", "  Databases updated: 1", "  Migrations applied: 1",
                "  Functions updated: 1", "    - " + platform + "_main");
        StoneScriptCliRules.Run tenant = cli.run(() -> cli.migrate("tenant", Optional.of(uuid)));
        clean(tenant);
        assertThat(tenant.out()).contains("    - " + platform + "_tenant_" + uuid.replace('-', '_'));
        StoneScriptCliRules.Run again = cli.run(() -> cli.migrate("main", Optional.empty()));
        clean(again);
        assertThat(again.out()).contains("  Status: completed", "  Migrations applied: 0");
    }

    @Test
    void the_cli_migrates_all_tenants_and_a_run_with_nothing_to_do_lists_no_failed_database() {
        String platform = gateway.platform();
        StoneScriptCliRules cli = cliWithToken(platform);
        clean(cli.run(() -> cli.uploadSchema("tenant", ClinicApp.v1().tarGz())));
        StoneScriptCliRules.Run none = cli.run(() -> cli.migrateAll("tenant"));
        clean(none);
        assertThat(none.out()).contains("  No tenant databases found — skipping (nothing to migrate)");
        createTenants(cli, 3, "00000000-0000-4000-8000-00000000000");
        clean(cli.run(() -> cli.uploadSchema("tenant", ClinicApp.v2().tarGz())));

        StoneScriptCliRules.Run migrated = cli.run(() -> cli.migrateAll("tenant"));
        StoneScriptCliRules.Run noOp = cli.run(() -> cli.migrateAll("tenant"));

        for (StoneScriptCliRules.Run run : List.of(migrated, noOp)) {
            clean(run);
            assertThat(run.out()).contains("  Status:              completed", "  Databases total:     3",
                    "  Databases succeeded: 3", "  Databases failed:    0");
            assertThat(run.printed()).doesNotContain("Failed databases");
        }
        assertThat(migrated.out()).contains("  Migrations applied:  3", "  Functions updated:   3");
        assertThat(noOp.out()).contains("  Migrations applied:  0");
    }

    @Test
    void a_blocked_fleet_migrate_fails_the_cli_run_and_names_each_database_with_the_reason_in_words() {
        String platform = gateway.platform();
        StoneScriptCliRules cli = cliWithToken(platform);
        clean(cli.run(() -> cli.uploadSchema("tenant", ClinicApp.v2().tarGz())));
        createTenants(cli, 2, "00000000-0000-4000-8000-00000000001");
        clean(cli.run(() -> cli.uploadSchema("tenant", ClinicApp.withoutLegacy().tarGz())));

        StoneScriptCliRules.Run blocked = cli.run(() -> cli.migrateAll("tenant"));

        assertThat(blocked.exit()).as(blocked.printed()).isEqualTo(1);
        assertThat(blocked.warnings()).as(blocked.printed()).isEmpty();
        assertThat(blocked.out()).contains("  Status:              failed", "  Failed databases:",
                "ERROR: migrate-all finished with status 'failed'");
        String canary = platform + "_tenant_00000000_0000_4000_8000_000000000010";
        assertThat(blocked.out()).anySatisfy(line -> assertThat(line).startsWith("    - " + canary + ": ")
                .contains("legacy").doesNotContain("Array"));
        assertThat(Pg.columns(canary, "patients")).contains("legacy");
    }

    @Test
    void the_cli_attaches_to_a_job_already_running_and_polls_it_to_the_end() throws Exception {
        String platform = gateway.platform();
        StoneScriptCliRules cli = cliWithToken(platform);
        clean(cli.run(() -> cli.uploadSchema("tenant", ClinicApp.v1().tarGz())));
        createTenants(cli, 3, "00000000-0000-4000-8000-00000000002");
        clean(cli.run(() -> cli.uploadSchema("tenant", ClinicApp.slow().tarGz())));
        // another operator's job, started without waiting for it
        Reply other = php.curlJson("/v2/migrate-all", PhpWire.phpJson(Map.of("platform", platform,
                "schema_name", "tenant")), "Prefer", "respond-async");
        assertThat(other.code()).as(other.toString()).isEqualTo(202);

        StoneScriptCliRules.Run attached = cli.run(() -> cli.migrateAll("tenant"));

        clean(attached);
        assertThat(attached.out()).contains("  Job " + other.json().get("job_id").asText() + " completed.",
                "  Databases succeeded: 3", "  Migrations applied:  6");
    }

    @Test
    void a_job_that_outlasts_the_wait_is_polled_and_after_an_interruption_the_cli_gets_a_new_job_to_follow()
            throws Exception {
        try (TestGateway patient = TestGateway.start(Map.of("MIGRATE_ALL_SYNC_SECS", "1"))) {
            PhpWire wire = new PhpWire(patient.port());
            String platform = patient.platform();
            StoneScriptCliRules cli = new StoneScriptCliRules(wire, platform);
            clean(cli.run(cli::registerPlatform));
            clean(cli.run(() -> cli.uploadSchema("tenant", ClinicApp.v1().tarGz())));
            clean(cli.run(() -> cli.createDatabase("tenant", Optional.of("00000000-0000-4000-8000-000000000030"))));
            clean(cli.run(() -> cli.uploadSchema("tenant", ClinicApp.slow().tarGz())));

            StoneScriptCliRules.Run polled = cli.run(() -> cli.migrateAll("tenant"));

            clean(polled);
            assertThat(polled.printed()).doesNotContain("legacy synchronous gateway").contains("completed.");
            // what a restart in the middle of the job leaves: the CLI sees it and initiates once more
            String jobId = Pg.scalar(patient.controlDatabase(), "SELECT id::text FROM jobs ORDER BY created_at DESC LIMIT 1");
            Pg.execute(patient.controlDatabase(), "UPDATE jobs SET status = 'interrupted' WHERE id = '" + jobId + "'");
            StoneScriptCliRules.Run resumed = cli.run(() -> cli.attach(jobId, "tenant"));
            clean(resumed);
            assertThat(resumed.printed()).contains("Resumed as job", "completed.");
        }
    }

    @Test
    void a_request_with_connection_close_gets_its_whole_answer_and_then_the_end_of_the_stream() throws Exception {
        long started = System.nanoTime();
        Reply health = php.streamGet("/health", null);
        Reply missing = php.streamGet("/no/such/route", null);
        Reply refused = php.streamJson("/admin/platform-token", "{}", "wrong");

        assertThat(health.code()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("healthy");
        assertThat(missing.code()).isEqualTo(404);
        assertThat(missing.json().get("error").asText()).isEqualTo("not_found");
        assertThat(refused.code()).isEqualTo(401);
        assertThat(health.headers().get("connection")).isEqualTo("close");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(10));
    }

    @Test
    void without_connection_close_the_connection_stays_open_for_the_next_request() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 2; i++) {
                socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
                int length = 0;
                for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                char[] body = new char[length];
                assertThat(in.read(body, 0, length)).isEqualTo(length);
                assertThat(new String(body)).contains("\"status\":\"healthy\"");
            }
        }
    }

    // ---- error handling: the bodies behind the clients' exceptions ----------------------------

    /** {@code register()} on the wire, for answers the client turns into an exception. */
    private static Reply register(String platform, String tenantId, byte[] bundle) {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("platform", platform));
        if (tenantId != null) {
            fields.add(new Field("tenant_id", tenantId));
        }
        fields.add(new Field("schema", bundle));
        return php.curlForm("/register", fields);
    }

    /** 1.x {@code callFunction()} on the wire. */
    private static Reply call(String platform, String tenantId, String function, Object params) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("tenant_id", tenantId);
        body.put("function", function);
        body.put("params", params);
        return php.curlJson("/call", PhpWire.phpJson(body));
    }

    private static Reply migrate(String platform, String tenantId, byte[] bundle) {
        return php.curlForm("/migrate", List.of(new Field("platform", platform), new Field("tenant_id", tenantId),
                new Field("schema", bundle)));
    }

    @Test
    void every_error_the_clients_can_meet_carries_error_and_message_and_database_or_cause_where_relevant() {
        String platform = gateway.platform();
        assertThat(register(platform, null, ClinicApp.v1().tarGz()).code()).isEqualTo(200);

        Reply raised = call(platform, null, "refuse", List.of("no consent"));
        assertThat(raised.code()).as(raised.toString()).isEqualTo(400);
        assertError(raised, "query_failed");
        assertThat(raised.json().get("database").asText()).isEqualTo(platform + "_main");
        assertThat(raised.json().get("cause").asText()).isEqualTo("refused: no consent");
        assertThat(raised.json().get("sqlstate").asText()).isEqualTo("P0001");

        Reply unknownFunction = call(platform, null, "nonexistent_function", List.of());
        assertThat(unknownFunction.code()).isEqualTo(404);
        assertError(unknownFunction, "function_not_found");
        assertThat(unknownFunction.json().get("database").asText()).isEqualTo(platform + "_main");

        Reply unknownTenant = call(platform, "ghost", "list_patients", List.of());
        assertThat(unknownTenant.code()).isEqualTo(404);
        assertError(unknownTenant, "database_not_found");
        assertThat(unknownTenant.json().get("database").asText()).isEqualTo(platform + "_ghost");

        Reply exists = register(platform, null, ClinicApp.v1().tarGz());
        assertThat(exists.code()).isEqualTo(409);
        assertError(exists, "database_already_exists");
        assertThat(exists.json().get("database").asText()).isEqualTo(platform + "_main");

        Reply missingTenant = migrate(platform, "ghost", ClinicApp.v2().tarGz());
        assertThat(missingTenant.code()).isEqualTo(404);
        assertError(missingTenant, "database_not_found");
        assertThat(missingTenant.json().get("database").asText()).isEqualTo(platform + "_ghost");

        assertThat(call(platform, null, "add_patient", List.of("Ada", "x")).code()).isEqualTo(200);
        // fine on an empty database (the template), refused by the row the live database holds
        Reply broken = migrate(platform, "", ClinicApp.v2().put("migrations/003_bad.pssql",
                "ALTER TABLE patients ADD CONSTRAINT short_names CHECK (length(name) < 2);").tarGz());
        assertThat(broken.code()).as(broken.toString()).isEqualTo(422);
        assertError(broken, "migration_failed");
        assertThat(broken.json().get("database").asText()).isEqualTo(platform + "_main");
        assertThat(broken.json().get("file").asText()).isEqualTo("migrations/003_bad.pssql");
        assertThat(broken.json().get("sqlstate").asText()).isEqualTo("23514");
        assertThat(Pg.columns(platform + "_main", "patients")).doesNotContain("phone");

        Reply noToken = php.streamJson("/admin/platform-token", PhpWire.phpJson(Map.of("platform", platform)), null);
        assertThat(noToken.code()).isEqualTo(401);
        assertError(noToken, "unauthorized");
        Reply wrongType = php.curlPost("/call", "application/x-www-form-urlencoded", "platform=" + platform);
        assertThat(wrongType.code()).isEqualTo(415);
        assertError(wrongType, "unsupported_media_type");
        Reply v2Missing = php.streamJson("/v2/migrate", PhpWire.phpJson(Map.of("platform", platform,
                "schema_name", "tenant", "database_id", "nope")), null);
        assertThat(v2Missing.code()).isEqualTo(404);
        assertError(v2Missing, "platform_not_found", "schema_not_found", "database_not_found");
    }

    private static void assertError(Reply reply, String... codes) {
        JsonNode body = reply.json();
        assertThat(reply.headers().get("content-type")).startsWith("application/json");
        assertThat(body.get("error").asText()).as(reply.toString()).isIn((Object[]) codes);
        assertThat(body.get("message").asText()).as(reply.toString()).isNotBlank();
    }

    // ---- the gateway's own sample app, when the shared fixtures are checked out ----------------

    /**
     * {@code tests/run-tests.sh} of the gateway: against the real sample-todos-app when it is
     * there, else against the project's own todos fixture, which has the same shape (migrations
     * and functions only, VARCHAR(n) parameters, a seed migration that needs the tables first).
     */
    @Test
    void the_gateways_own_integration_script_passes_against_its_sample_app_or_the_same_shaped_fixture() {
        String platform = gateway.platform();
        boolean real = SharedFixtures.present(REAL_SAMPLE);
        byte[] bundle = Bundles.tarGz(real ? SharedFixtures.folder(REAL_SAMPLE) : Bundles.fixture("todos"));

        Reply registered = register(platform, null, bundle);
        assertThat(registered.code()).as(registered.toString()).isEqualTo(200);
        assertThat(registered.json().get("migrations_applied").asInt()).isPositive();
        assertThat(registered.json().get("functions_deployed").asInt()).isGreaterThanOrEqualTo(real ? 10 : 7);
        if (real) {
            assertThat(call(platform, null, "get_all_tags", List.of()).json().get("row_count").asInt())
                    .isGreaterThanOrEqualTo(5);
            assertThat(call(platform, null, "get_user_by_id", List.of(1)).json().get("rows").get(0).get("email")
                    .asText()).isEqualTo("john@example.com");
            assertThat(call(platform, null, "get_todos_by_user", List.of(1, true)).json().get("row_count").asInt())
                    .isGreaterThanOrEqualTo(5);
            List<Object> insert = new ArrayList<>(List.of(1, "Compat", "from the compatibility test", 2));
            insert.add(null);
            assertThat(call(platform, null, "insert_todo", insert).json().get("rows").get(0).get("insert_todo")
                    .isNull()).isFalse();
            assertThat(call(platform, null, "mark_todo_complete", List.of(1, 1, true)).json().get("rows").get(0)
                    .get("mark_todo_complete").asInt()).isEqualTo(1);
            assertThat(call(platform, null, "get_todo_stats", List.of(1)).json().get("rows").get(0)
                    .get("total_todos").asInt()).isGreaterThanOrEqualTo(5);
        } else {
            assertThat(call(platform, null, "find_user", List.of(1)).json().get("row_count").asInt()).isEqualTo(1);
            assertThat(call(platform, null, "todos_of", List.of(1, true)).code()).isEqualTo(200);
        }
        Reply migrated = migrate(platform, null, bundle);
        assertThat(migrated.code()).as(migrated.toString()).isEqualTo(200);
        assertThat(migrated.json().get("functions_updated").isNumber()).isTrue();
        Reply missing = call(platform, null, "nonexistent_function", List.of());
        assertThat(missing.code()).isNotEqualTo(200);
        assertThat(missing.json().get("error").asText()).isNotEmpty();
    }
}
