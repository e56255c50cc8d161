package dev.cairn.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.compat.PhpWire.Field;
import dev.cairn.compat.PhpWire.Reply;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cairn spoken to exactly as the StoneScript gateway's real clients speak: stonescriptdb-gateway-client
 * 1.x to 3.x ({@code GatewayClient.php}, curl) and the StoneScriptPHP 5.x CLI ({@code gateway-common.php},
 * file_get_contents with Connection: close), their field names, encodings, accepted status codes and the
 * response fields they read. Where Cairn deliberately answers differently, the assertion states
 * Cairn's behaviour and docs/compatibility.md gives the reason.
 */
class StoneScriptClientCompatibilityTest {

    /** Where CI checks out the public StoneScript fixtures; optional, never required. */
    private static final Path REAL_SAMPLE = Path.of(System.getProperty("cairn.fixtures.shared", "../../shared/fixtures"))
            .resolve("stonescript-real/stonescriptdb-gateway-sample-todos-app");
    private static final String[] ADMIN = {"Authorization", "Bearer " + TestGateway.ADMIN_TOKEN};
    private static final Set<String> FINAL = Set.of("completed", "failed", "partial", "interrupted");

    private static TestGateway gateway;
    private static PhpWire php;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
        php = new PhpWire(gateway.port());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    // ---- GatewayClient 1.0 (v1 routes) ---------------------------------------------------------

    /** {@code register()}: platform, tenant_id only if set, schema as postgresql.tar.gz. */
    private static Reply register(String platform, String tenantId, byte[] bundle) {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("platform", platform));
        if (tenantId != null) {
            fields.add(new Field("tenant_id", tenantId));
        }
        fields.add(new Field("schema", bundle));
        return php.curlForm("/register", fields);
    }

    /** {@code callFunction()}: {platform, tenant_id, function, params}, tenant_id null for the main database. */
    private static Reply call(String platform, String tenantId, String function, Object params) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("tenant_id", tenantId);
        body.put("function", function);
        body.put("params", params);
        return php.curlJson("/call", PhpWire.phpJson(body));
    }

    private static Reply migrate(String platform, String tenantId, byte[] bundle, String force) {
        List<Field> fields = new ArrayList<>(List.of(new Field("platform", platform), new Field("tenant_id", tenantId),
                new Field("schema", bundle)));
        if (force != null) {
            fields.add(new Field("force", force));
        }
        return php.curlForm("/migrate", fields);
    }

    @Test
    void gateway_client_1_registers_calls_and_migrates_a_platform_over_the_v1_routes() {
        String platform = gateway.platform();
        Reply health = php.curlGet("/health");
        assertThat(health.code()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("healthy");
        assertThat(health.json().get("postgres_connected").asBoolean()).isTrue();

        Reply main = register(platform, "", ClinicApp.v1().tarGz());
        assertThat(main.code()).as(main.toString()).isEqualTo(200);
        assertThat(main.json().get("status").asText()).isEqualTo("ready");
        assertThat(main.json().get("database").asText()).isEqualTo(platform + "_main");
        assertThat(main.json().get("functions_deployed").asInt()).isEqualTo(3);
        assertThat(main.json().get("migrations_applied").isInt()).isTrue();
        Reply tenant = register(platform, "acme", ClinicApp.v1().tarGz());
        assertThat(tenant.code()).as(tenant.toString()).isEqualTo(200);
        assertThat(tenant.json().get("database").asText()).isEqualTo(platform + "_acme");

        Reply added = call(platform, null, "add_patient", List.of("Ada", "first"));
        assertThat(added.code()).as(added.toString()).isEqualTo(200);
        assertThat(added.json().get("rows").get(0).get("add_patient").asInt()).isEqualTo(1);
        assertThat(added.json().get("row_count").asInt()).isEqualTo(1);
        assertThat(call(platform, "acme", "add_patient", List.of("Bob", "t")).json().get("rows").get(0)
                .get("add_patient").asInt()).isEqualTo(1);
        Reply listed = call(platform, null, "list_patients", List.of());
        assertThat(listed.json().get("rows").get(0).get("name").asText()).isEqualTo("Ada");
        assertThat(listed.json().get("rows").get(0).get("notes").asText()).isEqualTo("first");

        Reply fleet = migrate(platform, "null", ClinicApp.v2().tarGz(), null);
        assertThat(fleet.code()).as(fleet.toString()).isEqualTo(200);
        JsonNode f = fleet.json();
        assertThat(f.get("status").asText()).isEqualTo("completed");
        assertThat(f.get("databases_updated")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(platform + "_main", platform + "_acme");
        assertThat(f.get("migrations_applied").asInt()).isEqualTo(2);
        assertThat(f.get("functions_updated").asInt()).isEqualTo(2);
        assertThat(call(platform, "acme", "count_patients", List.of()).json().get("rows").get(0)
                .get("count_patients").asLong()).isEqualTo(1);
        assertThat(Pg.columns(platform + "_main", "patients")).contains("phone");
    }

    @Test
    void an_empty_or_null_tenant_id_means_the_main_database_on_register_and_call() {
        String platform = gateway.platform();
        Reply registered = register(platform, "null", ClinicApp.v1().tarGz());
        assertThat(registered.code()).as(registered.toString()).isEqualTo(200);
        assertThat(registered.json().get("database").asText()).isEqualTo(platform + "_main");

        assertThat(call(platform, "", "add_patient", List.of("Ada", "x")).code()).isEqualTo(200);
        Reply viaNull = call(platform, null, "list_patients", List.of());
        assertThat(viaNull.json().get("row_count").asInt()).isEqualTo(1);
        assertThat(register(platform, "", ClinicApp.v1().tarGz()).code()).isEqualTo(409);
    }

    @Test
    void force_true_and_force_1_both_let_a_blocked_data_loss_change_through() {
        String platform = gateway.platform();
        assertThat(register(platform, null, ClinicApp.v2().tarGz()).code()).isEqualTo(200);
        assertThat(register(platform, "t1", ClinicApp.v2().tarGz()).code()).isEqualTo(200);
        assertThat(register(platform, "t2", ClinicApp.v2().tarGz()).code()).isEqualTo(200);

        Reply blocked = migrate(platform, "t1", ClinicApp.withoutLegacy().tarGz(), null);
        assertThat(blocked.code()).as(blocked.toString()).isEqualTo(409);
        assertThat(blocked.json().get("error").asText()).isEqualTo("schema_change_blocked");
        assertThat(blocked.json().get("message").asText()).contains("legacy");
        assertThat(blocked.json().get("database").asText()).isEqualTo(platform + "_t1");
        assertThat(Pg.columns(platform + "_t1", "patients")).contains("legacy");

        for (var run : Map.of("t1", "true", "t2", "1").entrySet()) {
            Reply forced = migrate(platform, run.getKey(), ClinicApp.withoutLegacy().tarGz(), run.getValue());
            assertThat(forced.code()).as(run + ": " + forced).isEqualTo(200);
            assertThat(forced.json().get("status").asText()).isEqualTo("completed");
            assertThat(forced.json().get("databases_updated").get(0).asText()).isEqualTo(platform + "_" + run.getKey());
            assertThat(forced.json().get("schema_validation").get("dataloss_changes").get(0).get("column").asText())
                    .isEqualTo("legacy");
            assertThat(Pg.columns(platform + "_" + run.getKey(), "patients")).doesNotContain("legacy");
        }
    }

    @Test
    void gateway_client_1_sends_an_associative_array_as_named_arguments_which_cairn_accepts() {
        String platform = gateway.platform();
        assertThat(register(platform, null, ClinicApp.v1().tarGz()).code()).isEqualTo(200);

        Reply named = call(platform, null, "add_patient", Map.of("p_notes", "n", "p_name", "Cy"));

        assertThat(named.code()).as(named.toString()).isEqualTo(200);
        assertThat(call(platform, null, "list_patients", List.of()).json().get("rows").get(0).get("name").asText())
                .isEqualTo("Cy");
    }

    // ---- GatewayClient 2.x and 3.x (v2 registry, v3 call) ----------------------------------------

    @Test
    void gateway_client_2_registers_uploads_creates_with_the_admin_token_and_migrates_by_database_id() {
        String platform = gateway.platform();
        Reply registered = php.curlJson("/platform/register", PhpWire.phpJson(Map.of("platform", platform)));
        assertThat(registered.code()).as(registered.toString()).isEqualTo(201);
        assertThat(registered.json().get("status").asText()).isEqualTo("registered");
        Reply uploaded = php.curlForm("/platform/" + platform + "/schema",
                List.of(new Field("schema_name", "tenant"), new Field("schema", ClinicApp.v1().tarGz())));
        assertThat(uploaded.code()).as(uploaded.toString()).isEqualTo(201);
        assertThat(uploaded.json().get("has_tables").asBoolean()).isTrue();
        assertThat(uploaded.json().get("has_functions").asBoolean()).isTrue();

        String create = PhpWire.phpJson(Map.of("platform", platform, "schema_name", "tenant", "database_id", "clinic1"));
        Reply created = php.curlJson("/admin/database/create", create, ADMIN);
        assertThat(created.code()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("status").asText()).isEqualTo("created");
        assertThat(created.json().get("database_name").asText()).isEqualTo(platform + "_tenant_clinic1");
        Reply again = php.curlJson("/admin/database/create", create, ADMIN);
        assertThat(again.code()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).isEqualTo("database_already_exists");
        assertThat(again.json().get("database").asText()).isEqualTo(platform + "_tenant_clinic1");

        assertThat(php.curlForm("/platform/" + platform + "/schema", List.of(new Field("schema_name", "tenant"),
                new Field("schema", ClinicApp.v2().tarGz()))).code()).isEqualTo(201);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("schema_name", "tenant");
        body.put("database_id", "clinic1");
        body.put("force", false);
        Reply migrated = php.curlJson("/v2/migrate", PhpWire.phpJson(body));
        assertThat(migrated.code()).as(migrated.toString()).isEqualTo(200);
        assertThat(migrated.json().get("status").asText()).isEqualTo("completed");
        assertThat(migrated.json().get("databases_updated").get(0).asText()).isEqualTo(platform + "_tenant_clinic1");
        assertThat(migrated.json().get("migrations_applied").asInt()).isEqualTo(1);
        assertThat(migrated.json().get("functions_updated").asInt()).isEqualTo(1);
        assertThat(migrated.json().get("platform").asText()).isEqualTo(platform);
        assertThat(migrated.json().get("schema_name").asText()).isEqualTo("tenant");
    }

    @Test
    void gateway_client_3_calls_by_schema_name_and_uuid_and_a_null_tenant_means_the_base_schema() {
        String platform = gateway.platform();
        assertThat(php.curlJson("/platform/register", PhpWire.phpJson(Map.of("platform", platform))).code())
                .isEqualTo(201);
        for (String schema : List.of("main", "tenant")) {
            assertThat(php.curlForm("/platform/" + platform + "/schema", List.of(new Field("schema_name", schema),
                    new Field("schema", ClinicApp.v1().tarGz()))).code()).isEqualTo(201);
        }
        String uuid = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
        assertThat(php.curlJson("/admin/database/create", PhpWire.phpJson(Map.of("platform", platform,
                "schema_name", "main")), ADMIN).code()).isEqualTo(201);
        assertThat(php.curlJson("/admin/database/create", PhpWire.phpJson(Map.of("platform", platform,
                "schema_name", "tenant", "uuid", uuid)), ADMIN).code()).isEqualTo(201);

        Map<String, Object> tenantCall = new LinkedHashMap<>();
        tenantCall.put("platform", platform);
        tenantCall.put("schema_name", "tenant");
        tenantCall.put("uuid", uuid);
        tenantCall.put("function", "add_patient");
        tenantCall.put("params", List.of("Tenant", "t"));
        Map<String, Object> baseCall = new LinkedHashMap<>(tenantCall);
        baseCall.put("schema_name", "main");
        baseCall.put("uuid", null);
        baseCall.put("params", List.of("Base", "b"));

        assertThat(php.curlJson("/call", PhpWire.phpJson(tenantCall)).json().get("rows").get(0).get("add_patient")
                .asInt()).isEqualTo(1);
        assertThat(php.curlJson("/call", PhpWire.phpJson(baseCall)).code()).isEqualTo(200);
        assertThat(Pg.scalar(platform + "_tenant_" + uuid.replace('-', '_'), "SELECT name FROM patients"))
                .isEqualTo("Tenant");
        assertThat(Pg.scalar(platform + "_main", "SELECT name FROM patients")).isEqualTo("Base");
    }

    // ---- StoneScriptPHP CLI (v4 contract, file_get_contents) -----------------------------------

    /** {@code stepRegisterPlatform}: 200, 201 and 409 all mean "registered". */
    private static void cliRegisterPlatform(String platform) {
        Reply r = php.streamJson("/platform/register", PhpWire.phpJson(Map.of("platform", platform)), null);
        assertThat(r.code()).as(r.toString()).isIn(200, 201, 409);
    }

    /** {@code POST /admin/platform-token} with the admin token: the token the other steps carry. */
    private static String cliPlatformToken(String platform) {
        Reply r = php.streamJson("/admin/platform-token", PhpWire.phpJson(Map.of("platform", platform)),
                TestGateway.ADMIN_TOKEN);
        assertThat(r.code()).as(r.toString()).isIn(200, 201);
        return r.json().get("token").asText();
    }

    /** {@code stepCreateDatabase}: 200/201 created, 409 already there. */
    private static int cliCreateDatabase(String platform, String schema, Map<String, Object> id, String token) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("platform", platform, "schema_name", schema));
        body.putAll(id);
        Reply r = php.streamJson("/admin/database/create", PhpWire.phpJson(body), token);
        assertThat(r.code()).as(r.toString()).isIn(200, 201, 409);
        return r.code();
    }

    private static Reply cliMigrate(String platform, String schema, Map<String, Object> id, String token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("schema_name", schema);
        body.putAll(id);
        body.put("force", false);
        body.put("allow", List.of());
        body.put("skip_verification", false);
        return php.streamJson("/v2/migrate", PhpWire.phpJson(body), token);
    }

    @Test
    void the_cli_registers_and_migrates_main_and_a_tenant_with_a_platform_token_over_connection_close_requests() {
        String platform = gateway.platform();
        cliRegisterPlatform(platform);
        cliRegisterPlatform(platform); // a second deploy of the same container: 409, carries on
        String token = cliPlatformToken(platform);
        for (String schema : List.of("main", "tenant")) {
            Reply up = php.streamUpload(platform, schema, ClinicApp.v1().tarGz(), token);
            assertThat(up.code()).as(up.toString()).isIn(200, 201);
            assertThat(up.json().get("has_tables").asBoolean()).isTrue();
        }

        // register-main sends DATABASE_ID's default, "main"; v4 omits the uuid: both are {platform}_main
        assertThat(cliCreateDatabase(platform, "main", Map.of("database_id", "main"), token)).isEqualTo(201);
        assertThat(cliCreateDatabase(platform, "main", Map.of(), token)).isEqualTo(409);
        assertThat(Pg.databaseExists(platform + "_main")).isTrue();
        assertThat(Pg.databaseExists(platform + "_main_main")).isFalse();
        String uuid = "3f1d2c4b-5a69-4788-9bcd-ef0123456789";
        assertThat(cliCreateDatabase(platform, "tenant", Map.of("uuid", uuid), token)).isEqualTo(201);
        assertThat(cliCreateDatabase(platform, "tenant", Map.of("uuid", uuid), token)).isEqualTo(409);

        for (String schema : List.of("main", "tenant")) {
            assertThat(php.streamUpload(platform, schema, ClinicApp.v2().tarGz(), token).code()).isEqualTo(201);
        }
        Reply main = cliMigrate(platform, "main", Map.of("database_id", "main"), token);
        assertThat(main.code()).as(main.toString()).isEqualTo(200);
        assertThat(main.json().get("status").asText()).isEqualTo("completed");
        assertThat(main.json().get("databases_updated").get(0).asText()).isEqualTo(platform + "_main");
        assertThat(main.json().get("migrations_applied").asInt()).isEqualTo(1);
        assertThat(main.json().get("functions_updated").asInt()).isEqualTo(1);
        assertThat(main.json().get("execution_time_ms").isNumber()).isTrue();
        Reply tenant = cliMigrate(platform, "tenant", Map.of("uuid", uuid), token);
        assertThat(tenant.code()).as(tenant.toString()).isEqualTo(200);
        assertThat(tenant.json().get("databases_updated").get(0).asText())
                .isEqualTo(platform + "_tenant_" + uuid.replace('-', '_'));
        Reply again = cliMigrate(platform, "main", Map.of(), token);
        assertThat(again.code()).isEqualTo(200);
        assertThat(again.json().get("results").get(0).get("status").asText()).isEqualTo("unchanged");
    }

    @Test
    void the_cli_migrates_all_tenants_as_a_job_it_polls_and_a_second_start_is_409_with_the_running_job() throws Exception {
        String platform = gateway.platform();
        cliRegisterPlatform(platform);
        String token = cliPlatformToken(platform);
        assertThat(php.streamUpload(platform, "tenant", ClinicApp.v1().tarGz(), token).code()).isEqualTo(201);
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("platform", platform);
        start.put("schema_name", "tenant");
        start.put("force", false);
        start.put("allow", List.of());
        start.put("skip_verification", false);
        String payload = PhpWire.phpJson(start);

        Reply none = php.streamJson("/v2/migrate-all", payload, token);
        assertThat(none.code()).as("no tenant database yet: " + none).isEqualTo(204);
        for (int i = 0; i < 3; i++) {
            cliCreateDatabase(platform, "tenant", Map.of("uuid", "00000000-0000-4000-8000-00000000000" + i), token);
        }
        assertThat(php.streamUpload(platform, "tenant", ClinicApp.slow().tarGz(), token).code()).isEqualTo(201);

        Reply started = php.streamJson("/v2/migrate-all", payload, token);
        assertThat(started.code()).as(started.toString()).isEqualTo(202);
        String jobId = started.json().get("job_id").asText();
        assertThat(started.json().get("total_databases").asInt()).isEqualTo(3);
        Reply second = php.streamJson("/v2/migrate-all", payload, token);
        assertThat(second.code()).as(second.toString()).isEqualTo(409);
        assertThat(second.json().get("job_id").asText()).isEqualTo(jobId);
        assertThat(second.json().get("error").asText()).isEqualTo("job_already_running");

        JsonNode done = poll(jobId, token);
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("succeeded").asInt()).isEqualTo(3);
        assertThat(done.get("failed").asInt()).isZero();
        for (JsonNode result : done.get("results")) {
            assertThat(result.get("status").asText()).isEqualTo("completed");
            assertThat(result.get("migrations_applied").asInt()).isEqualTo(2);
            assertThat(result.get("functions_updated").asInt()).isEqualTo(1);
            assertThat(result.get("error").isNull()).isTrue();
        }
    }

    /** The CLI's poll loop: GET the job until its status is final (its back-off is irrelevant here). */
    private static JsonNode poll(String jobId, String token) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Reply r = php.streamGet("/v2/migrate-all/" + jobId, token);
            assertThat(r.code()).as(r.toString()).isEqualTo(200);
            if (FINAL.contains(r.json().get("status").asText())) {
                return r.json();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + jobId + " never reached a final status");
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

    // ---- error handling ------------------------------------------------------------------------

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

        Reply missingTenant = migrate(platform, "ghost", ClinicApp.v2().tarGz(), null);
        assertThat(missingTenant.code()).isEqualTo(404);
        assertError(missingTenant, "database_not_found");
        assertThat(missingTenant.json().get("database").asText()).isEqualTo(platform + "_ghost");

        assertThat(call(platform, null, "add_patient", List.of("Ada", "x")).code()).isEqualTo(200);
        // fine on an empty database (the template), refused by the row the live database holds
        Reply broken = migrate(platform, "", ClinicApp.v2().put("migrations/003_bad.pssql",
                "ALTER TABLE patients ADD CONSTRAINT short_names CHECK (length(name) < 2);").tarGz(), null);
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
        boolean real = Files.isDirectory(REAL_SAMPLE);
        byte[] bundle = Bundles.tarGz(real ? REAL_SAMPLE : Bundles.fixture("todos"));

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
        Reply migrated = migrate(platform, null, bundle, null);
        assertThat(migrated.code()).as(migrated.toString()).isEqualTo(200);
        assertThat(migrated.json().get("functions_updated").isNumber()).isTrue();
        Reply missing = call(platform, null, "nonexistent_function", List.of());
        assertThat(missing.code()).isNotEqualTo(200);
        assertThat(missing.json().get("error").asText()).isNotEmpty();
    }
}
