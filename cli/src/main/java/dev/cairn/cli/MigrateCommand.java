package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn migrate}: one tenant through v1 {@code POST /migrate}; the whole fleet as v2 jobs
 * ({@code POST /platform/{p}/schema}, then {@code POST /v2/migrate-all}, followed live through its
 * NDJSON stream), because only a job reports per database while it runs: v1 {@code /migrate}
 * without a tenant answers once, when the last database is done. A fleet dry run is v1's, which
 * stores no schema version and answers every database's plan at once.
 *
 * <p>{@code POST /v2/migrate-all} waits a while for a short job and answers {@code 200} with it
 * finished; the client asks for {@code Prefer: respond-async} instead, so that it gets the job id
 * at once and can show progress. A server that does not honour the preference may still answer
 * {@code 200}: that job is reported from the body, without following it.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Migrate a tenant's database (--tenant) or the platform's whole fleet to a bundle.",
            "Without --tenant the bundle is stored as a schema version and every database of that schema is"
                + " migrated by a server job, main first as the canary, followed live with a progress bar.",
            "Without --schema, every schema the platform's databases use is migrated (main first)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exit.L0, Exit.L1, Exit.L2, Exit.L3, Exit.L4, Exit.L5})
final class MigrateCommand implements Callable<Integer>, Cli.Machine {

    /** RFC 7240: answer at once with the job's id rather than wait for the job to end. */
    private static final Map<String, String> RESPOND_ASYNC = Map.of("Prefer", "respond-async");

    @Parameters(index = "0", paramLabel = "PLATFORM")
    private String platform;

    @Parameters(index = "1", paramLabel = "DIR|FILE", description = "a bundle folder (packed in memory) or a .tar.gz")
    private Path bundle;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "migrate only this tenant's database")
    private String tenant;

    @Option(names = "--schema", paramLabel = "NAME",
            description = "fleet: the schema_name to store and migrate (default: every schema in use)")
    private String schema;

    @Option(names = "--dry-run", description = "show the plan (and the SQL it would run with --json); change nothing")
    private boolean dryRun;

    @Option(names = "--force", description = "allow every blocked change (data loss included)")
    private boolean force;

    @Option(names = "--allow", split = ",", paramLabel = "KIND",
            description = "allow blocked changes of these kinds: drop_table, drop_column, modify_column_type,"
                    + " add_not_null_column, set_not_null, edited_migration, drop_function, seed_missing")
    private List<String> allow = new ArrayList<>();

    @Mixin
    private OutputOptions output;

    private final Cli root;

    MigrateCommand(Cli root) {
        this.root = root;
    }

    @Override
    public boolean json() {
        return output.json();
    }

    @Override
    public Integer call() {
        Source source = Source.of(bundle);
        if (tenant != null) {
            return single(source);
        }
        return dryRun ? fleetDryRun(source) : fleet(source);
    }

    private Form v1Form(Source source) {
        Form form = new Form().field("platform", platform);
        if (tenant != null) {
            form.field("tenant_id", tenant);
        }
        form.field("force", Boolean.toString(force)).field("dry_run", Boolean.toString(dryRun));
        if (!allow.isEmpty()) {
            form.field("allow", String.join(",", allow));
        }
        return form.file("schema", source.fileName(), source.archive());
    }

    private int single(Source source) {
        JsonNode body = root.api().postForm("/migrate", v1Form(source)).json();
        Console c = root.console();
        if (json()) {
            c.out().println(body.toString());
            return Exit.OK;
        }
        JsonNode result = Json.list(body, "results").stream().findFirst().orElse(body);
        if (dryRun) {
            c.out().println("dry run of " + Json.text(body, "database") + " (nothing was changed):");
            printPlan(result);
            return Exit.OK;
        }
        String status = Json.text(result, "status") + (result.path("unchanged").asBoolean() ? " (unchanged)" : "");
        c.out().println(c.green(Json.text(body, "database") + ": " + status) + " in "
                + Durations.format(Duration.ofMillis(Json.number(body, "execution_time_ms"))) + " ("
                + Json.number(body, "migrations_applied") + " migration(s) applied, "
                + Json.number(body, "tables_changed") + " table change(s), "
                + Json.number(body, "functions_updated") + " function(s) updated)");
        if (!Plans.changes(body.path("schema_validation")).isEmpty()) {
            c.out().print(Plans.render(body.path("schema_validation"), c));
        }
        Json.list(body, "warnings").forEach(w -> c.out().println(c.yellow("warning: " + w.asText())));
        return Exit.OK;
    }

    private void printPlan(JsonNode result) {
        Console c = root.console();
        List<JsonNode> migrations = Json.list(result, "migrations");
        if (!migrations.isEmpty()) {
            c.out().println("migrations to apply: " + String.join(", ", migrations.stream().map(JsonNode::asText).toList()));
        }
        c.out().print(Plans.render(result.path("schema_validation"), c));
        Json.list(result, "warnings").forEach(w -> c.out().println(c.yellow("warning: " + w.asText())));
    }

    /** v1 fleet dry run: every database's plan; databases with the same plan are shown together. */
    private int fleetDryRun(Source source) {
        JsonNode body = root.api().postForm("/migrate", v1Form(source)).json();
        Console c = root.console();
        if (json()) {
            c.out().println(body.toString());
            return Exit.OK;
        }
        List<JsonNode> results = Json.list(body, "results");
        c.out().println("dry run of " + results.size() + " database(s) of " + platform + " (nothing was changed):");
        Map<String, List<JsonNode>> byPlan = new LinkedHashMap<>();
        List<JsonNode> failed = new ArrayList<>();
        for (JsonNode r : results) {
            if (Json.text(r, "status").equals("failed")) {
                failed.add(r);
                continue;
            }
            String key = r.path("schema_validation").toString() + r.path("migrations") + r.path("warnings");
            byPlan.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        for (List<JsonNode> group : byPlan.values()) {
            c.out().println();
            c.out().println(c.bold(names(group)) + ":");
            printPlan(group.get(0));
        }
        for (JsonNode f : failed) {
            c.out().println(c.red(Json.text(f, "database") + " failed: ") + ServerErrors.describeResult(f));
        }
        return failed.isEmpty() ? Exit.OK : Exit.SERVER;
    }

    private static String names(List<JsonNode> group) {
        int shown = 5;
        String listed = String.join(", ", group.stream().limit(shown).map(r -> Json.text(r, "database")).toList());
        return group.size() > shown ? listed + " and " + (group.size() - shown) + " more" : listed;
    }

    /** Every schema in play, main first: stored, then migrated as one job each, followed live. */
    private int fleet(Source source) {
        Api api = root.api();
        List<String> schemas = schema != null ? List.of(schema) : schemasInUse(api);
        Console c = root.console();
        if (schemas.isEmpty()) {
            c.err().println("platform " + platform + " has no databases to migrate");
            return Exit.OK;
        }
        int exit = Exit.OK;
        for (String name : schemas) {
            exit = worst(exit, fleetOf(api, name, source));
        }
        return exit;
    }

    private List<String> schemasInUse(Api api) {
        JsonNode listing = api.get("/platform/" + platform + "/databases").json();
        LinkedHashSet<String> names = new LinkedHashSet<>();
        Json.list(listing, "databases").stream().map(d -> Json.text(d, "schema_name"))
                .sorted((a, b) -> Boolean.compare(!a.equals("main"), !b.equals("main"))).forEach(names::add);
        return List.copyOf(names);
    }

    private int fleetOf(Api api, String schemaName, Source source) {
        Console c = root.console();
        JsonNode stored = api.postForm("/platform/" + platform + "/schema", new Form().field("schema_name", schemaName)
                .file("schema", source.fileName(), source.archive())).json();
        long posted = System.nanoTime();
        Api.Reply started = api.postJson("/v2/migrate-all", migrateAll(schemaName), RESPOND_ASYNC);
        if (json()) {
            c.out().println(stored.toString());
        } else {
            c.out().println("stored schema " + schemaName + " v" + Json.text(stored, "version")
                    + (stored.path("unchanged").asBoolean() ? " (unchanged)" : "") + ", checksum "
                    + abbreviated(Json.text(stored, "checksum")));
        }
        if (started.status() == 204) {
            c.out().println(json() ? "{}" : "no databases of schema " + schemaName + " to migrate");
            return Exit.OK;
        }
        JobFollower follower = new JobFollower(api, c, json());
        JobFollower.Outcome outcome = started.status() == 200
                ? finished(started.json(), schemaName, Duration.ofNanos(System.nanoTime() - posted))
                : followed(follower, started.json(), schemaName);
        if (!json()) {
            follower.summary(outcome, Optional.of("schema " + schemaName));
        }
        return outcome.exitCode();
    }

    private Map<String, Object> migrateAll(String schemaName) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("platform", platform);
        request.put("schema_name", schemaName);
        request.put("force", force);
        request.put("allow", allow);
        return request;
    }

    /** A 202: the job runs; its stream is followed to the end. */
    private JobFollower.Outcome followed(JobFollower follower, JsonNode job, String schemaName) {
        Console c = root.console();
        String id = Json.text(job, "job_id");
        if (json()) {
            c.out().println(job.toString());
        } else {
            c.out().println("migrating " + Json.number(job, "total_databases") + " database(s) of schema " + schemaName
                    + " (job " + id + ")");
        }
        return follower.follow(id);
    }

    /** A 200: the server waited for the job, and the body is the job finished, results and all. */
    private JobFollower.Outcome finished(JsonNode job, String schemaName, Duration took) {
        Console c = root.console();
        if (json()) {
            c.out().println(job.toString());
        } else {
            c.out().println("migrated " + Json.number(job, "total_databases") + " database(s) of schema " + schemaName
                    + " (job " + Json.text(job, "job_id") + ")");
        }
        return JobFollower.finished(job, took);
    }

    static String abbreviated(String checksum) {
        return checksum.length() > 12 ? checksum.substring(0, 12) : checksum;
    }

    static int worst(int a, int b) {
        return a == Exit.SERVER || b == Exit.SERVER ? Exit.SERVER : Math.max(a, b);
    }
}
