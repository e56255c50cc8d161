package dev.cairn.compat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.compat.PhpWire.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The StoneScriptPHP 5.5.1 CLI's gateway steps ({@code cli/helpers/gateway-common.php}) as they
 * judge the gateway's answers: the statuses each step accepts, the fields it reads, the
 * migrate-all initiate and poll loop (a synchronous 200/201 is the final job; 202/409 is polled;
 * {@code interrupted} re-initiates once and then needs a 202), and the summary that lists every
 * result whose {@code status} is not {@code completed} as failed, printing its {@code error} as a
 * string. Requests go over the wire as the CLI sends them ({@code file_get_contents}, Connection:
 * close). What PHP would warn about (an array printed as a string, a missing key read) is
 * collected in {@link Run#warnings()}; an {@code exit(1)} ends the step with {@link Run#exit()} 1.
 */
final class StoneScriptCliRules {

    private static final Set<String> TERMINAL_FAILURES = Set.of("failed", "partial");

    /** What a CLI command left: its exit code, what it printed, and PHP's warnings. */
    record Run(int exit, List<String> out, List<String> warnings) {
        String printed() {
            return String.join("\n", out);
        }
    }

    /** {@code exit(1)}. */
    private static final class Exit extends RuntimeException {
        Exit(String why) {
            super(why, null, false, false);
        }
    }

    private final PhpWire php;
    private final String platform;
    private final List<String> out = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private String token;

    StoneScriptCliRules(PhpWire php, String platform) {
        this.php = php;
        this.platform = platform;
    }

    /** Runs one step the way a CLI command runs it: to its end or to its {@code exit(1)}. */
    Run run(Runnable step) {
        out.clear();
        warnings.clear();
        int exit = 0;
        try {
            step.run();
        } catch (Exit e) {
            out.add("EXIT: " + e.getMessage());
            exit = 1;
        }
        return new Run(exit, List.copyOf(out), List.copyOf(warnings));
    }

    /** {@code stepRegisterPlatform}: 200, 201 and 409 all mean "registered (or already exists)". */
    void registerPlatform() {
        Reply r = php.streamJson("/platform/register", PhpWire.phpJson(Map.of("platform", platform)), null);
        accept(r, Set.of(200, 201, 409), "register platform");
    }

    /** {@code stepProvisionPlatformToken}: 200 or 201 with a {@code token}, used by the later steps. */
    void provisionToken(String adminToken) {
        Reply r = php.streamJson("/admin/platform-token", PhpWire.phpJson(Map.of("platform", platform)), adminToken);
        accept(r, Set.of(200, 201), "provision platform token");
        token = text(r.json(), "token").orElseThrow(() -> new Exit("success but no 'token' field"));
    }

    /** {@code stepUploadSchema}: 200 or 201; prints has_tables, has_functions, has_migrations. */
    void uploadSchema(String schemaName, byte[] tarGz) {
        Reply r = php.streamUpload(platform, schemaName, tarGz, null); // this step sends no token
        accept(r, Set.of(200, 201), "upload schema");
        JsonNode info = r.json();
        for (String key : List.of("has_tables", "has_functions", "has_migrations")) {
            out.add("  " + key + ": " + (read(info, key).asBoolean() ? "yes" : "no"));
        }
    }

    /** {@code stepCreateDatabase}: no uuid for the main database; 200/201 created, 409 already exists. */
    void createDatabase(String schemaName, Optional<String> uuid) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("platform", platform, "schema_name", schemaName));
        uuid.ifPresent(u -> body.put("uuid", u));
        Reply r = php.streamJson("/admin/database/create", PhpWire.phpJson(body), token);
        accept(r, Set.of(200, 201, 409), "create database");
        out.add(r.code() == 409 ? "  Database already exists" : "  Database created successfully!");
    }

    /** {@code stepMigrateDatabase}: 200 or 201; prints status, databases updated and the counts. */
    void migrate(String schemaName, Optional<String> uuid) {
        Map<String, Object> body = migrateBody(schemaName);
        uuid.ifPresent(u -> body.put("uuid", u));
        Reply r = php.streamJson("/v2/migrate", PhpWire.phpJson(body), token);
        accept(r, Set.of(200, 201), "migrate"); // the CLI retries 3 times, 5 s apart, then exits 1
        JsonNode response = r.json();
        out.add("  Status: " + phpString(response.path("status"), "unknown"));
        out.add("  Databases updated: " + response.path("databases_updated").size());
        out.add("  Migrations applied: " + phpString(response.path("migrations_applied"), "0"));
        out.add("  Functions updated: " + phpString(response.path("functions_updated"), "0"));
        response.path("databases_updated").forEach(db -> out.add("    - " + phpString(db, "")));
    }

    /** {@code stepMigrateAllDatabases}: initiate, then the synchronous branch or the poll loop. */
    void migrateAll(String schemaName) {
        Map<String, Object> body = migrateBody(schemaName);
        Reply r = initiate(body);
        switch (r.code()) {
            case 200, 201 -> {
                out.add("  Migration-all complete (legacy synchronous gateway).");
                summary(r.json());
                checkFailures(r.json());
            }
            case 204 -> out.add("  No tenant databases found — skipping (nothing to migrate)");
            case 409, 202 -> poll(text(r.json(), "job_id").orElseThrow(() ->
                    new Exit("Gateway returned " + r.code() + " but no job_id in response body")), body);
            default -> throw new Exit("Unexpected HTTP " + r.code() + " from POST /v2/migrate-all: " + r.body());
        }
    }

    /**
     * The 409 branch of {@code stepMigrateAllDatabases} ("Existing job found, polling job"): follows
     * a job that is already there, with the request a re-initiate would send.
     */
    void attach(String jobId, String schemaName) {
        poll(jobId, migrateBody(schemaName));
    }

    private Map<String, Object> migrateBody(String schemaName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("schema_name", schemaName);
        body.put("force", false);
        body.put("allow", List.of());
        body.put("skip_verification", false);
        return body;
    }

    /** {@code gatewayInitiateMigrateAll}: any answer below 500 is returned as it is. */
    private Reply initiate(Map<String, Object> body) {
        Reply r = php.streamJson("/v2/migrate-all", PhpWire.phpJson(body), token);
        if (r.code() >= 500) {
            throw new Exit("Failed to initiate migrate-all (HTTP " + r.code() + ")");
        }
        return r;
    }

    /** {@code gatewayPollMigrateAllJob}, without its back-off (3 s growing to 15 s). */
    private void poll(String firstJob, Map<String, Object> initiateBody) {
        String jobId = firstJob;
        boolean reinitiated = false;
        for (int i = 0; i < 1200; i++) {
            Reply r = php.streamGet("/v2/migrate-all/" + jobId, token);
            if (r.code() != 200) {
                throw new Exit("Unexpected HTTP " + r.code() + " while polling job " + jobId);
            }
            JsonNode job = r.json();
            String status = phpString(job.path("status"), "unknown");
            if (status.equals("completed")) {
                out.add("  Job " + jobId + " completed.");
                summary(job);
                return;
            }
            if (TERMINAL_FAILURES.contains(status)) {
                out.add("  Job " + jobId + " terminal status: " + status + ".");
                summary(job);
                checkFailures(job);
                throw new Exit("job " + status);
            }
            if (status.equals("interrupted")) {
                if (reinitiated) {
                    throw new Exit("Job was interrupted twice — aborting to avoid loops.");
                }
                reinitiated = true;
                Reply again = initiate(initiateBody);
                if (again.code() != 202) {
                    throw new Exit("Re-initiate after interrupt returned HTTP " + again.code());
                }
                jobId = text(again.json(), "job_id").orElseThrow(() -> new Exit("Re-initiate returned 202 but no job_id"));
                out.add("  Resumed as job " + jobId);
                continue;
            }
            out.add("  migrated " + phpString(job.path("succeeded"), "0") + "/" + phpString(job.path("total_databases"), "?")
                    + " databases… (status=" + status + ")");
            sleep();
        }
        throw new Exit("Client-side wait limit exceeded");
    }

    /** {@code printMigrateAllSummary}: totals from results[]; every status but completed is a failure. */
    private void summary(JsonNode response) {
        long migrations = 0;
        long functions = 0;
        List<JsonNode> failed = new ArrayList<>();
        for (JsonNode result : response.path("results")) {
            migrations += result.path("migrations_applied").asLong();
            functions += result.path("functions_updated").asLong();
            if (!phpString(result.path("status"), "").equals("completed")) {
                failed.add(result);
            }
        }
        out.add("  Status:              " + phpString(response.path("status"), "unknown"));
        out.add("  Databases total:     " + phpString(response.path("total_databases"), "" + response.path("results").size()));
        out.add("  Databases succeeded: " + phpString(response.path("succeeded"), "?"));
        out.add("  Databases failed:    " + phpString(response.path("failed"), "?"));
        out.add("  Migrations applied:  " + migrations);
        out.add("  Functions updated:   " + functions);
        if (!failed.isEmpty()) {
            out.add("  Failed databases:");
            failed.forEach(r -> out.add("    - " + phpString(r.path("database"), "unknown") + ": "
                    + phpString(r.path("error"), "no error detail")));
        }
    }

    /** {@code checkMigrateAllFailures}: anything but a completed job exits 1 after listing the failures. */
    private void checkFailures(JsonNode response) {
        String status = phpString(response.path("status"), "unknown");
        if (status.equals("completed")) {
            return;
        }
        out.add("ERROR: migrate-all finished with status '" + status + "'");
        for (JsonNode result : response.path("results")) {
            if (!phpString(result.path("status"), "").equals("completed")) {
                out.add("  - " + phpString(result.path("database"), "unknown") + ": "
                        + phpString(result.path("error"), "no error detail"));
            }
        }
        throw new Exit("migrate-all " + status);
    }

    private static void accept(Reply r, Set<Integer> accepted, String step) {
        if (!accepted.contains(r.code())) {
            throw new Exit("Failed to " + step + " (HTTP " + r.code() + "): " + r.body());
        }
    }

    /** {@code $array['key']} on a missing key: PHP warns and reads null. */
    private JsonNode read(JsonNode node, String key) {
        if (!node.has(key)) {
            warnings.add("Undefined array key \"" + key + "\"");
        }
        return node.path(key);
    }

    /** {@code "{$value}"} after {@code ?? $fallback}: an array prints as "Array", with a warning. */
    private String phpString(JsonNode value, String fallback) {
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (value.isContainerNode()) {
            warnings.add("Array to string conversion: " + value);
            return "Array";
        }
        if (value.isBoolean()) {
            return value.asBoolean() ? "1" : "";
        }
        return value.asText();
    }

    private static Optional<String> text(JsonNode node, String key) {
        return node.hasNonNull(key) ? Optional.of(node.get(key).asText()) : Optional.empty();
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Exit("interrupted");
        }
    }
}
