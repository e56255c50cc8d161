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
 * How one database of a fleet migrate ended, with the fields clients read per database.
 * {@link #status()} is the outcome as the job tracks it ({@code completed}, {@code unchanged},
 * {@code dry_run}, {@code failed} or {@code skipped}); {@link #fields()} is what clients see, where
 * the StoneScript CLI counts every {@code status} other than {@code completed} as a failure, so a
 * database at the target afterwards is {@code completed} whether or not it changed
 * ({@code unchanged} says which), and {@code error} is always a sentence (the structured problem is
 * in {@code problem}). The migrate result itself is kept for synchronous answers (v1
 * {@code /migrate}); jobs store {@link #fields()}.
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
        f.put("status", r.status().equals("dry_run") ? "dry_run" : "completed");
        f.put("unchanged", r.status().equals("unchanged"));
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
        f.put("problem", null);
        f.put("execution_time_ms", r.executionTimeMs());
        return new ItemOutcome(done.database(), r.status(), f, Optional.of(r));
    }

    static ItemOutcome failed(String database, RuntimeException e) {
        Problem problem = e instanceof CairnException ce ? ce.problem()
                : Problem.of(ErrorCode.INTERNAL_ERROR, "internal error: " + e);
        Map<String, Object> f = base(database, "failed", problem.message(), error(problem));
        Object plan = problem.fields().get("schema_validation");
        if (plan != null) {
            f.put("schema_validation", plan); // a blocked change: the plan that was refused
        }
        return new ItemOutcome(database, "failed", f, Optional.empty());
    }

    static ItemOutcome skipped(String database, String why) {
        return new ItemOutcome(database, "skipped", base(database, "skipped", why,
                Map.of("error", "skipped", "message", why)), Optional.empty());
    }

    /**
     * A result stored before results had {@code unchanged} and a sentence for {@code error}, read
     * as it is written now (a job from an older Cairn can still be polled and resumed).
     */
    static Map<String, Object> upgraded(Map<String, Object> stored) {
        if (stored.containsKey("problem")) {
            return stored;
        }
        Map<String, Object> f = new LinkedHashMap<>(stored);
        boolean unchanged = "unchanged".equals(f.get("status"));
        if (unchanged) {
            f.put("status", "completed");
        }
        f.put("unchanged", unchanged);
        Object error = f.get("error");
        f.put("problem", error instanceof Map<?, ?> ? error : null);
        f.put("error", error instanceof Map<?, ?> e ? String.valueOf(e.get("message")) : error);
        return f;
    }

    /** The error as the HTTP error body would carry it: error, message and the problem's fields. */
    static Map<String, Object> error(Problem problem) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("error", problem.code().wireName());
        e.put("message", problem.message());
        e.putAll(problem.fields());
        return e;
    }

    private static Map<String, Object> base(String database, String status, String error,
                                            Map<String, Object> problem) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("database", database);
        f.put("status", status);
        f.put("unchanged", false);
        f.put("migrations_applied", 0);
        f.put("migrations", List.of());
        f.put("tables_changed", 0);
        f.put("functions_updated", 0);
        f.put("error", error);
        f.put("problem", problem);
        return f;
    }
}
