package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;
import dev.cairn.error.ErrorCode;
import dev.cairn.sql.QualifiedName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code seeders/} on a fresh database: the INSERT statements run as written. Rows a statement
 * did not insert (its {@code ON CONFLICT DO NOTHING} skipped them) are counted as skipped.
 */
final class SeederStep {

    private SeederStep() {
    }

    static List<SeederResult> run(StatementRunner runner, List<BundleFile> files, List<Change> changes) {
        Map<String, int[]> perTable = new LinkedHashMap<>();
        for (Located l : Located.of(files)) {
            int changed = runner.execute(l.file(), l.statement(), ErrorCode.MIGRATION_FAILED);
            if (l.info().insertTarget().isEmpty()) {
                continue;
            }
            String table = l.info().insertTarget().map(QualifiedName::toString).orElseThrow();
            int rows = l.info().valuesRowCount().orElse(changed);
            int[] counts = perTable.computeIfAbsent(table, t -> new int[2]);
            counts[0] += changed;
            counts[1] += Math.max(0, rows - changed);
            changes.add(new Change("seed", table, "inserted " + changed, l.file().path(), null));
        }
        List<SeederResult> results = new ArrayList<>();
        perTable.forEach((table, counts) -> results.add(new SeederResult(table, counts[0], counts[1])));
        return results;
    }
}
