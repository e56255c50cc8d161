package dev.cairn.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cairn.deploy.SeedValidation;
import java.util.List;
import java.util.Optional;

/**
 * One database's result in a fleet migrate, as jobs store it and clients read it. The StoneScript
 * CLI counts every {@code status} other than {@code completed} as a failure, so a database at the
 * target afterwards is {@code completed} whether or not it changed ({@code unchanged} says which);
 * {@code error} is a sentence (empty on success) and {@code problem} the error as the HTTP error
 * body carries it. The two JSON values are other engines' documents kept as they were written:
 * {@code schemaValidation} the diff's plan, {@code problem} an error body.
 *
 * @param status {@code completed}, {@code dry_run}, {@code failed} or {@code skipped}
 * @param sql    a dry run's statements, run and rolled back
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ItemResult(String database, String status, boolean unchanged, int migrationsApplied,
                         List<String> migrations, int tablesChanged, int functionsUpdated,
                         @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<Integer> functionsSkipped,
                         @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<List<String>> warnings,
                         @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<JsonNode> schemaValidation,
                         @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<List<SeedValidation>> seederValidations,
                         @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<List<String>> sql,
                         Optional<String> error, Optional<JsonNode> problem,
                         @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<Long> executionTimeMs) {

    public ItemResult {
        migrations = migrations == null ? List.of() : List.copyOf(migrations); // read back from an older row
        functionsSkipped = present(functionsSkipped);
        warnings = present(warnings).map(List::copyOf);
        schemaValidation = present(schemaValidation).filter(v -> !v.isNull());
        seederValidations = present(seederValidations).map(List::copyOf);
        sql = present(sql).map(List::copyOf);
        error = present(error);
        problem = present(problem).filter(p -> !p.isNull());
        executionTimeMs = present(executionTimeMs);
    }

    /** Read back from JSON, a field that was not written is empty (never {@code null}). */
    private static <T> Optional<T> present(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }

    /** At the target (completed, changed or not) or, for a dry run, planned. */
    public boolean succeeded() {
        return status.equals("completed") || status.equals("dry_run");
    }

    /** The problem's stable error code ({@code error} in the error body), if it failed. */
    public Optional<String> errorCode() {
        return problem.map(p -> p.path("error").asText(null));
    }
}
