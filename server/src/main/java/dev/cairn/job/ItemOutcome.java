package dev.cairn.job;

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
 * How one database of a fleet migrate ended: {@code completed}, {@code unchanged}, {@code dry_run},
 * {@code failed} or {@code skipped}, with the fields clients read per database. The migrate result
 * itself is kept for synchronous answers (v1 {@code /migrate}); jobs store {@link #fields()}.
 */
public record ItemOutcome(String database, String status, Map<String, Object> fields, Optional<MigrateResult> result) {

    public ItemOutcome {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public boolean succeeded() {
        return status.equals("completed") || status.equals("unchanged") || status.equals("dry_run");
    }

    public static ItemOutcome of(DatabaseMigration done) {
        MigrateResult r = done.result();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("database", done.database());
        f.put("status", r.status());
        f.put("migrations_applied", r.migrationsApplied().size());
        f.put("migrations", r.migrationsApplied());
        f.put("tables_changed", r.tablesChanged());
        f.put("functions_updated", r.functionsUpdated());
        f.put("functions_skipped", r.functionsSkipped());
        f.put("warnings", r.warnings());
        f.put("schema_validation", r.plan().validation());
        f.put("seeder_validations", r.seederValidations());
        if (r.status().equals("dry_run")) {
            f.put("sql", r.statements()); // every statement it ran, then rolled back
        }
        f.put("error", null);
        f.put("execution_time_ms", r.executionTimeMs());
        return new ItemOutcome(done.database(), r.status(), f, Optional.of(r));
    }

    static ItemOutcome failed(String database, RuntimeException e) {
        Problem problem = e instanceof CairnException ce ? ce.problem()
                : Problem.of(ErrorCode.INTERNAL_ERROR, "internal error: " + e);
        return new ItemOutcome(database, "failed", base(database, "failed", error(problem)), Optional.empty());
    }

    static ItemOutcome skipped(String database, String why) {
        return new ItemOutcome(database, "skipped", base(database, "skipped", Map.of("error", "skipped",
                "message", why)), Optional.empty());
    }

    /** The error as the HTTP error body would carry it: error, message and the problem's fields. */
    static Map<String, Object> error(Problem problem) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("error", problem.code().wireName());
        e.put("message", problem.message());
        e.putAll(problem.fields());
        return e;
    }

    private static Map<String, Object> base(String database, String status, Map<String, Object> error) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("database", database);
        f.put("status", status);
        f.put("migrations_applied", 0);
        f.put("migrations", List.of());
        f.put("tables_changed", 0);
        f.put("functions_updated", 0);
        f.put("error", error);
        return f;
    }
}
