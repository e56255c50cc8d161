package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.deploy.MigrateResult;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.DatabaseMigration;
import dev.cairn.job.ItemOutcome;
import dev.cairn.job.ItemResult;
import dev.cairn.job.JobEngine;
import dev.cairn.job.JobView;
import dev.cairn.job.V1Fleet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bodies of {@code /migrate}, {@code /v2/migrate} and the job routes, with the field names
 * StoneScript clients read ({@code status}, {@code databases_updated}, {@code migrations_applied},
 * {@code functions_updated}, {@code seeder_validations}, {@code schema_validation}), plus
 * {@code results} per database. {@code schema_validation} is always present.
 */
final class MigrateBodies {

    private MigrateBodies() {
    }

    /** One database's migrate (v1 with a tenant, v2). */
    static Map<String, Object> single(String database, MigrateResult r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status(r.status(), !r.warnings().isEmpty()));
        body.put("database", database);
        body.put("databases_updated", r.status().equals("dry_run") ? List.of() : List.of(database));
        body.put("migrations_applied", r.migrationsApplied().size());
        body.put("functions_updated", r.functionsUpdated());
        body.put("functions_skipped", r.functionsSkipped());
        body.put("tables_changed", r.tablesChanged());
        body.put("seeder_validations", r.seederValidations());
        body.put("schema_validation", r.plan().validation());
        body.put("warnings", r.warnings());
        body.put("execution_time_ms", r.executionTimeMs());
        body.put("results", List.of(ItemOutcome.of(new DatabaseMigration(database, "", r)).item()));
        return body;
    }

    /**
     * A fleet migrate answered when done (v1 without a tenant): totals, the canary's plan and seed
     * checks, and every database's result.
     */
    static Map<String, Object> fleet(V1Fleet.Result fleet) {
        List<ItemResult> results = fleet.results();
        Map<String, Object> body = new LinkedHashMap<>();
        boolean warnings = results.stream().anyMatch(r -> r.warnings().filter(w -> !w.isEmpty()).isPresent());
        body.put("status", fleet.dryRun() ? "dry_run" : status("completed", warnings));
        body.put("platform", fleet.platform());
        fleet.job().ifPresent(id -> body.put("job_id", id.toString()));
        body.put("databases_updated", results.stream().filter(ItemResult::succeeded).map(ItemResult::database).toList());
        body.put("migrations_applied", results.stream().mapToLong(ItemResult::migrationsApplied).sum());
        body.put("functions_updated", results.stream().mapToLong(ItemResult::functionsUpdated).sum());
        body.put("tables_changed", results.stream().mapToLong(ItemResult::tablesChanged).sum());
        body.put("seeder_validations", results.stream().findFirst().flatMap(ItemResult::seederValidations)
                .orElse(List.of()));
        body.put("schema_validation", plan(results));
        body.put("total_databases", results.size());
        counts(body, results);
        body.put("execution_time_ms", fleet.elapsedMs());
        body.put("results", results);
        return body;
    }

    /** The first failed database's error, with every result, for a fleet migrate that did not fully succeed. */
    static Problem fleetFailure(V1Fleet.Result fleet, Map<String, Object> body) {
        List<ItemResult> results = fleet.results();
        ItemResult first = results.stream().filter(r -> r.status().equals("failed")).findFirst().orElse(results.get(0));
        JsonNode error = first.problem().orElseGet(JsonNodeFactory.instance::objectNode);
        ErrorCode code = ErrorCode.ofWire(error.path("error").asText()).orElse(ErrorCode.MIGRATION_FAILED);
        long failed = results.stream().filter(r -> r.status().equals("failed")).count();
        Problem problem = Problem.of(code, failed + " of " + results.size() + " database(s) failed; "
                + first.database() + ": " + error.path("message").asText("failed"));
        for (var e : error.properties()) {
            if (!e.getKey().equals("error") && !e.getKey().equals("message")) {
                problem = problem.with(e.getKey(), e.getValue());
            }
        }
        for (var e : body.entrySet()) {
            if (!e.getKey().equals("status")) {
                problem = problem.with(e.getKey(), e.getValue());
            }
        }
        return problem;
    }

    /**
     * A job as {@code GET /v2/migrate-all/{id}} answers it, and as a synchronous
     * {@code /v2/migrate-all} answers when the job ends in time. {@code succeeded} and
     * {@code completed} count the databases at the target ({@code changed} of them changed,
     * {@code unchanged} needed nothing); {@code schema_validation} is the blocked plan when a
     * database was blocked, else the canary's plan.
     */
    static Map<String, Object> job(JobView job, boolean withResults) {
        int atTarget = job.count("completed") + job.count("unchanged");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", job.id().toString());
        body.put("status", job.status());
        body.put("platform", job.platform());
        body.put("schema_name", job.schemaName().orElse(null));
        body.put("total_databases", job.total());
        body.put("succeeded", atTarget);
        body.put("failed", job.count("failed"));
        body.put("skipped", job.count("skipped"));
        body.put("completed", atTarget);
        body.put("changed", job.count("completed"));
        body.put("unchanged", job.count("unchanged"));
        body.put("pending", job.count("pending") + job.count("running"));
        body.put("schema_validation", plan(job.results()));
        body.put("options", job.options());
        body.put("created_at", job.createdAt().toString());
        body.put("started_at", job.startedAt().map(Object::toString).orElse(null));
        body.put("finished_at", job.finishedAt().map(Object::toString).orElse(null));
        if (withResults) {
            body.put("results", job.results());
        }
        return body;
    }

    /** A job started (or resumed) and not yet finished: {@code 202} with what to poll. */
    static Map<String, Object> started(JobEngine.Started job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", job.id().toString());
        body.put("status", job.status());
        body.put("total_databases", job.total());
        return body;
    }

    /** The plan a fleet migrate stands for: the first blocked database's, else the canary's. */
    private static Object plan(List<ItemResult> results) {
        return results.stream().filter(MigrateBodies::blocked).findFirst().or(() -> results.stream().findFirst())
                .flatMap(ItemResult::schemaValidation).<Object>map(v -> v).orElseGet(MigrateBodies::emptyValidation);
    }

    private static boolean blocked(ItemResult result) {
        return result.schemaValidation().isPresent()
                && result.errorCode().filter(ErrorCode.SCHEMA_CHANGE_BLOCKED.wireName()::equals).isPresent();
    }

    private static void counts(Map<String, Object> body, List<ItemResult> results) {
        long completed = count(results, "completed");
        long unchanged = results.stream().filter(ItemResult::unchanged).count();
        body.put("succeeded", results.stream().filter(ItemResult::succeeded).count());
        body.put("failed", count(results, "failed"));
        body.put("skipped", count(results, "skipped"));
        body.put("completed", completed);
        body.put("changed", completed - unchanged);
        body.put("unchanged", unchanged);
    }

    private static long count(List<ItemResult> results, String status) {
        return results.stream().filter(r -> r.status().equals(status)).count();
    }

    private static String status(String status, boolean warnings) {
        return status.equals("dry_run") ? "dry_run" : warnings ? "completed_with_warnings" : "completed";
    }

    static Map<String, Object> emptyValidation() {
        return new dev.cairn.diff.Plan(List.of()).validation();
    }
}
