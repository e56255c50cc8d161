package dev.cairn.deploy;

import dev.cairn.diff.Plan;
import java.util.List;

/**
 * What a migrate of one database did (or, in a dry run, would do).
 *
 * @param status            {@code completed}, {@code unchanged} or {@code dry_run}
 * @param functionsUpdated  routines created, replaced, restored or dropped
 * @param functionsSkipped  routines already deployed with the same checksum: no DDL at all
 * @param seederValidations per seeded table, when seeders were verified
 * @param statements        every statement that ran, in order (the SQL of a dry run)
 */
public record MigrateResult(String status, List<String> migrationsApplied, int functionsUpdated, int functionsSkipped,
                            Plan plan, List<SeedValidation> seederValidations, List<String> warnings,
                            List<String> statements, long executionTimeMs) {

    public MigrateResult {
        migrationsApplied = List.copyOf(migrationsApplied);
        seederValidations = List.copyOf(seederValidations);
        warnings = List.copyOf(warnings);
        statements = List.copyOf(statements);
    }

    /** Nothing to do: the database already holds the bundle. */
    public static MigrateResult unchanged(long millis) {
        return new MigrateResult("unchanged", List.of(), 0, 0, new Plan(List.of()), List.of(), List.of(), List.of(),
                millis);
    }

    public int tablesChanged() {
        return (int) plan.changes().stream().map(c -> c.table()).distinct().count();
    }

    MigrateResult withExecutionTime(long millis) {
        return new MigrateResult(status, migrationsApplied, functionsUpdated, functionsSkipped, plan,
                seederValidations, warnings, statements, millis);
    }
}
