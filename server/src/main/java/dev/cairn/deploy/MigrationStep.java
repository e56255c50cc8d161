package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;
import dev.cairn.error.ErrorCode;
import dev.cairn.sql.Checksums;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code migrations/}, in natural file-name order ({@code 2_x} before {@code 10_y}). On a database
 * built from {@code tables/} they are recorded as applied without running: the tables already hold
 * their result (the Rails {@code schema.rb} model). Without {@code tables/} they build the database.
 */
final class MigrationStep {

    record Outcome(int applied, int recorded) {
    }

    private MigrationStep() {
    }

    static Outcome run(StatementRunner runner, List<BundleFile> migrations, boolean baselineOnly, List<Change> changes)
            throws SQLException {
        int applied = 0;
        int recorded = 0;
        for (BundleFile file : migrations) {
            String name = migrationName(file);
            String checksum = Checksums.of(file.text());
            if (baselineOnly) {
                Tracking.recordMigration(runner.connection(), name, checksum, false);
                changes.add(new Change("migration", name, "recorded", file.path(), checksum));
                recorded++;
                continue;
            }
            for (Located l : Located.of(file)) {
                runner.execute(file, l.statement(), ErrorCode.MIGRATION_FAILED);
            }
            Tracking.recordMigration(runner.connection(), name, checksum, true);
            changes.add(new Change("migration", name, "applied", file.path(), checksum));
            applied++;
        }
        return new Outcome(applied, recorded);
    }

    /** The path inside {@code migrations/}: what identifies a migration across deploys. */
    static String migrationName(BundleFile file) {
        String prefix = file.folder().dirName() + "/";
        return file.path().startsWith(prefix) ? file.path().substring(prefix.length()) : file.path();
    }
}
