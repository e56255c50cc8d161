package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.diff.AllowKind;
import dev.cairn.sql.Identifiers;
import dev.cairn.sql.QualifiedName;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code seeders/} on an existing database: every seed row is looked for by primary key.
 *
 * <p>PostgreSQL evaluates the seed, not a regular expression: each INSERT runs as written into a
 * scratch copy of its table ({@code LIKE target}, same defaults, checks and unique indexes, so
 * {@code ON CONFLICT} still works), then the copy is compared with the table by primary key.
 * Missing rows fail the migrate unless {@code seed_missing} is allowed (then they are inserted);
 * rows that exist with other values are reported, never overwritten. An INSERT that does not
 * list every primary-key column cannot be matched and is reported as unverifiable.
 */
final class SeedCheck {

    private static final String SCRATCH = "cairn_seed_check";

    private SeedCheck() {
    }

    static List<SeedValidation> run(Migration m, List<BundleFile> files) throws SQLException {
        Map<String, SeedValidation> byTable = new LinkedHashMap<>();
        for (Located l : Located.of(files)) {
            Optional<QualifiedName> target = l.info().insertTarget();
            Optional<InsertShape> shape = InsertShape.of(l.statement());
            if (target.isEmpty() || shape.isEmpty()) {
                continue;
            }
            String name = target.get().toString();
            check(m, l, name, table(target.get()), shape.get())
                    .ifPresent(result -> byTable.merge(name, result, SeedValidation::plus));
        }
        List<SeedValidation> results = List.copyOf(byTable.values());
        failOnMissing(results);
        return results;
    }

    /** One seeder's rows of {@code table}; empty when they cannot be verified (a warning says why). */
    private static Optional<SeedValidation> check(Migration m, Located l, String name, String table, InsertShape shape)
            throws SQLException {
        List<String> key = primaryKey(m, table);
        if (key.isEmpty() || !shape.columns().containsAll(key)) {
            m.warnings.add(l.file().path() + ":" + l.statement().startLine() + ": seed rows of " + table
                    + " cannot be verified: the INSERT does not list the table's primary key " + key);
            return Optional.empty();
        }
        Savepoint savepoint = m.connection.setSavepoint();
        try {
            m.run("CREATE TEMP TABLE " + SCRATCH + " (LIKE " + table
                    + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES) ON COMMIT DROP", "seed check");
            m.run(shape.retarget(l.statement(), SCRATCH), "running " + l.file().path() + " into a scratch table");
            SeedValidation result = compare(m, name, table, key, shape.columns());
            m.run("DROP TABLE " + SCRATCH, "seed check");
            m.connection.releaseSavepoint(savepoint);
            return Optional.of(result);
        } catch (CairnException e) {
            m.connection.rollback(savepoint);
            m.warnings.add(l.file().path() + ":" + l.statement().startLine() + ": seed rows of " + table
                    + " could not be verified: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static SeedValidation compare(Migration m, String name, String table, List<String> key,
                                          List<String> columns) {
        String keyList = key.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        String keyText = "concat_ws(', ', " + key.stream().map(k -> "s." + Identifiers.quote(k) + "::text")
                .collect(Collectors.joining(", ")) + ")";
        String columnList = columns.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        int expected = Integer.parseInt(m.strings("SELECT count(*)::text FROM " + SCRATCH).get(0));
        List<String> missing = m.strings("SELECT " + keyText + " FROM " + SCRATCH + " s WHERE (" + keyList
                + ") NOT IN (SELECT " + keyList + " FROM " + table + ") ORDER BY 1");
        List<String> differing = m.strings("SELECT " + keyText + " FROM " + SCRATCH + " s JOIN " + table + " t USING ("
                + keyList + ") WHERE (" + prefixed("s", columns) + ") IS DISTINCT FROM (" + prefixed("t", columns)
                + ") ORDER BY 1");
        int inserted = 0;
        if (!missing.isEmpty() && m.options.allows(AllowKind.SEED_MISSING)) {
            m.run("INSERT INTO " + table + " (" + columnList + ") SELECT " + columnList + " FROM " + SCRATCH
                    + " WHERE (" + keyList + ") NOT IN (SELECT " + keyList + " FROM " + table + ")", "inserting seed rows");
            inserted = missing.size();
        }
        return new SeedValidation(name, expected, expected - missing.size(), missing, differing, inserted);
    }

    private static String prefixed(String alias, List<String> columns) {
        return columns.stream().map(c -> alias + "." + Identifiers.quote(c)).collect(Collectors.joining(", "));
    }

    private static void failOnMissing(List<SeedValidation> results) {
        if (results.stream().anyMatch(SeedValidation::unresolved)) {
            throw new CairnException(Problem.of(ErrorCode.SEED_ROWS_MISSING, "seed rows are missing from the database;"
                            + " allow seed_missing to insert them (rows that differ are never overwritten)")
                    .with("seeder_validations", results));
        }
    }

    private static List<String> primaryKey(Migration m, String table) {
        return m.strings("""
                SELECT a.attname FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                WHERE i.indrelid = to_regclass(?) AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)""", table);
    }

    private static String table(QualifiedName name) {
        return name.schema().map(s -> Identifiers.quote(s, name.name())).orElse(Identifiers.quote(name.name()));
    }
}
