package dev.cairn.deploy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed rows of one table checked against the database: how many the seeders hold, how many
 * were found by primary key, the keys missing and the keys whose rows differ (never overwritten),
 * and how many missing rows were inserted ({@code seed_missing} allowed).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SeedValidation(String table, int expected, int found, List<String> missing, List<String> differing,
                             int inserted) {

    public SeedValidation {
        missing = List.copyOf(missing);
        differing = List.copyOf(differing);
    }

    /** Missing rows that were not inserted: the migrate fails. */
    boolean unresolved() {
        return !missing.isEmpty() && inserted == 0;
    }

    /** Two seeders of one table, counted together. */
    SeedValidation plus(SeedValidation other) {
        List<String> allMissing = new ArrayList<>(missing);
        allMissing.addAll(other.missing);
        List<String> allDiffering = new ArrayList<>(differing);
        allDiffering.addAll(other.differing);
        return new SeedValidation(table, expected + other.expected, found + other.found, allMissing, allDiffering,
                inserted + other.inserted);
    }
}
