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
import java.util.ArrayList;
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

    static List<Map<String, Object>> run(Migration m, List<BundleFile> files) throws SQLException {
        Map<String, Map<String, Object>> byTable = new LinkedHashMap<>();
        for (Located l : Located.of(files)) {
            Optional<QualifiedName> target = l.info().insertTarget();
            Optional<InsertShape> shape = InsertShape.of(l.statement());
            if (target.isEmpty() || shape.isEmpty()) {
                continue;
            }
            Map<String, Object> result = check(m, l, table(target.get()), shape.get());
            byTable.merge(target.get().toString(), result, SeedCheck::merge);
        }
        List<Map<String, Object>> results = byTable.entrySet().stream().map(e -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("table", e.getKey());
            row.putAll(e.getValue());
            return row;
        }).toList();
        failOnMissing(m, results);
        return results;
    }

    private static Map<String, Object> check(Migration m, Located l, String table, InsertShape shape) throws SQLException {
        List<String> key = primaryKey(m, table);
        Map<String, Object> result = new LinkedHashMap<>();
        if (key.isEmpty() || !shape.columns().containsAll(key)) {
            m.warnings.add(l.file().path() + ":" + l.statement().startLine() + ": seed rows of " + table
                    + " cannot be verified: the INSERT does not list the table's primary key " + key);
            return result;
        }
        Savepoint savepoint = m.connection.setSavepoint();
        try {
            m.run("CREATE TEMP TABLE " + SCRATCH + " (LIKE " + table
                    + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES) ON COMMIT DROP", "seed check");
            m.run(shape.retarget(l.statement(), SCRATCH), "running " + l.file().path() + " into a scratch table");
            result.putAll(compare(m, table, key, shape.columns()));
            m.run("DROP TABLE " + SCRATCH, "seed check");
            m.connection.releaseSavepoint(savepoint);
        } catch (CairnException e) {
            m.connection.rollback(savepoint);
            m.warnings.add(l.file().path() + ":" + l.statement().startLine() + ": seed rows of " + table
                    + " could not be verified: " + e.getMessage());
        }
        return result;
    }

    private static Map<String, Object> compare(Migration m, String table, List<String> key, List<String> columns) {
        String keyList = key.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        String keyText = "concat_ws(', ', " + key.stream().map(k -> "s." + Identifiers.quote(k) + "::text")
                .collect(Collectors.joining(", ")) + ")";
        String columnList = columns.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        String expected = m.strings("SELECT count(*)::text FROM " + SCRATCH).get(0);
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
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("expected", Integer.parseInt(expected));
        out.put("found", Integer.parseInt(expected) - missing.size());
        out.put("missing", missing);
        out.put("differing", differing);
        out.put("inserted", inserted);
        return out;
    }

    private static String prefixed(String alias, List<String> columns) {
        return columns.stream().map(c -> alias + "." + Identifiers.quote(c)).collect(Collectors.joining(", "));
    }

    private static void failOnMissing(Migration m, List<Map<String, Object>> results) {
        boolean missing = results.stream().anyMatch(r -> r.get("missing") instanceof List<?> l && !l.isEmpty()
                && Integer.valueOf(0).equals(r.get("inserted")));
        if (missing) {
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

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("expected", (int) a.get("expected") + (int) b.get("expected"));
        out.put("found", (int) a.get("found") + (int) b.get("found"));
        out.put("missing", concat(a.get("missing"), b.get("missing")));
        out.put("differing", concat(a.get("differing"), b.get("differing")));
        out.put("inserted", (int) a.get("inserted") + (int) b.get("inserted"));
        return out;
    }

    private static List<Object> concat(Object a, Object b) {
        List<Object> out = new ArrayList<>((List<?>) a);
        out.addAll((List<?>) b);
        return out;
    }
}
