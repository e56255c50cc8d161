package dev.cairn.api;

import dev.cairn.deploy.MigrateResult;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.DatabaseMigration;
import dev.cairn.job.ItemOutcome;
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
        body.put("results", List.of(ItemOutcome.of(new DatabaseMigration(database, "", r)).fields()));
        return body;
    }

    /**
     * A fleet migrate answered when done (v1 without a tenant): totals, the canary's plan and seed
     * checks, and every database's result.
     */
    static Map<String, Object> fleet(V1Fleet.Result fleet) {
        List<Map<String, Object>> results = fleet.results();
        Map<String, Object> body = new LinkedHashMap<>();
        boolean warnings = results.stream().anyMatch(r -> r.get("warnings") instanceof List<?> w && !w.isEmpty());
        body.put("status", fleet.dryRun() ? "dry_run" : status("completed", warnings));
        body.put("platform", fleet.platform());
        fleet.job().ifPresent(id -> body.put("job_id", id.toString()));
        body.put("databases_updated", results.stream().filter(MigrateBodies::succeeded).map(r -> r.get("database"))
                .toList());
        body.put("migrations_applied", sum(results, "migrations_applied"));
        body.put("functions_updated", sum(results, "functions_updated"));
        body.put("tables_changed", sum(results, "tables_changed"));
        Map<String, Object> canary = results.isEmpty() ? Map.of() : results.get(0);
        body.put("seeder_validations", canary.getOrDefault("seeder_validations", List.of()));
        body.put("schema_validation", plan(results));
        body.put("total_databases", results.size());
        counts(body, results);
        body.put("execution_time_ms", fleet.elapsedMs());
        body.put("results", results);
        return body;
    }

    /** The first failed database's error, with every result, for a fleet migrate that did not fully succeed. */
    static Problem fleetFailure(Map<String, Object> body) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) body.get("results");
        Map<String, Object> first = results.stream().filter(r -> "failed".equals(r.get("status"))).findFirst()
                .orElse(results.get(0));
        @SuppressWarnings("unchecked")
        Map<String, Object> error = first.get("problem") instanceof Map<?, ?> e ? (Map<String, Object>) e : Map.of();
        ErrorCode code = ErrorCode.ofWire(String.valueOf(error.get("error"))).orElse(ErrorCode.MIGRATION_FAILED);
        long failed = results.stream().filter(r -> "failed".equals(r.get("status"))).count();
        Problem problem = Problem.of(code, failed + " of " + results.size() + " database(s) failed; "
                + first.get("database") + ": " + error.getOrDefault("message", "failed"));
        for (var e : error.entrySet()) {
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
    private static Object plan(List<Map<String, Object>> results) {
        return results.stream().filter(MigrateBodies::blocked).findFirst().or(() -> results.stream().findFirst())
                .map(r -> r.get("schema_validation")).orElseGet(MigrateBodies::emptyValidation);
    }

    private static boolean blocked(Map<String, Object> result) {
        return result.get("problem") instanceof Map<?, ?> p && result.get("schema_validation") != null
                && ErrorCode.SCHEMA_CHANGE_BLOCKED.wireName().equals(p.get("error"));
    }

    /** At the target (completed, changed or not) or, for a dry run, planned. */
    static boolean succeeded(Map<String, Object> result) {
        Object s = result.get("status");
        return "completed".equals(s) || "dry_run".equals(s);
    }

    private static void counts(Map<String, Object> body, List<Map<String, Object>> results) {
        long completed = count(results, "completed");
        long unchanged = results.stream().filter(r -> Boolean.TRUE.equals(r.get("unchanged"))).count();
        body.put("succeeded", results.stream().filter(MigrateBodies::succeeded).count());
        body.put("failed", count(results, "failed"));
        body.put("skipped", count(results, "skipped"));
        body.put("completed", completed);
        body.put("changed", completed - unchanged);
        body.put("unchanged", unchanged);
    }

    private static long count(List<Map<String, Object>> results, String status) {
        return results.stream().filter(r -> status.equals(r.get("status"))).count();
    }

    private static long sum(List<Map<String, Object>> results, String field) {
        return results.stream().mapToLong(r -> r.get(field) instanceof Number n ? n.longValue() : 0).sum();
    }

    private static String status(String status, boolean warnings) {
        return status.equals("dry_run") ? "dry_run" : warnings ? "completed_with_warnings" : "completed";
    }

    static Map<String, Object> emptyValidation() {
        return new dev.cairn.diff.Plan(List.of()).validation();
    }
}
