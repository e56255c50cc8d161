package dev.cairn.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.deploy.MigrateResult;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.DatabaseMigration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one database of a fleet migrate ended. {@link #status()} is the outcome as the job tracks it
 * ({@code completed}, {@code unchanged}, {@code dry_run}, {@code failed} or {@code skipped});
 * {@link #item()} is what clients see and jobs store. The migrate result itself is kept for
 * synchronous answers (v1 {@code /migrate}).
 */
public record ItemOutcome(String database, String status, ItemResult item, Optional<MigrateResult> result) {

    public boolean succeeded() {
        return status.equals("completed") || status.equals("unchanged") || status.equals("dry_run");
    }

    public static ItemOutcome of(DatabaseMigration done) {
        MigrateResult r = done.result();
        boolean dryRun = r.status().equals("dry_run");
        ItemResult item = new ItemResult(done.database(), dryRun ? "dry_run" : "completed",
                r.status().equals("unchanged"), r.migrationsApplied().size(), r.migrationsApplied(), r.tablesChanged(),
                r.functionsUpdated(), Optional.of(r.functionsSkipped()), Optional.of(r.warnings()),
                Optional.of(JobJson.tree(r.plan().validation())), Optional.of(r.seederValidations()),
                dryRun ? Optional.of(r.statements()) : Optional.empty(), // every statement it ran, then rolled back
                Optional.empty(), Optional.empty(), Optional.of(r.executionTimeMs()));
        return new ItemOutcome(done.database(), r.status(), item, Optional.of(r));
    }

    static ItemOutcome failed(String database, RuntimeException e) {
        Problem problem = e instanceof CairnException ce ? ce.problem()
                : Problem.of(ErrorCode.INTERNAL_ERROR, "internal error: " + e);
        // a blocked change: the plan that was refused
        Optional<JsonNode> plan = Optional.ofNullable(problem.fields().get("schema_validation")).map(JobJson::tree);
        return new ItemOutcome(database, "failed", ended(database, "failed", problem.message(), plan,
                JobJson.tree(error(problem))), Optional.empty());
    }

    static ItemOutcome skipped(String database, String why) {
        return new ItemOutcome(database, "skipped", ended(database, "skipped", why, Optional.empty(),
                JobJson.tree(Map.of("error", "skipped", "message", why))), Optional.empty());
    }

    /** The error as the HTTP error body would carry it: error, message and the problem's fields. */
    private static Map<String, Object> error(Problem problem) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("error", problem.code().wireName());
        e.put("message", problem.message());
        e.putAll(problem.fields());
        return e;
    }

    private static ItemResult ended(String database, String status, String error, Optional<JsonNode> plan,
                                    JsonNode problem) {
        return new ItemResult(database, status, false, 0, List.of(), 0, 0, Optional.empty(), Optional.empty(), plan,
                Optional.empty(), Optional.empty(), Optional.of(error), Optional.of(problem), Optional.empty());
    }
}
