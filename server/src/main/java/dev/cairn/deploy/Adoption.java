package dev.cairn.deploy;

import dev.cairn.bundle.Bundle;
import dev.cairn.bundle.BundleFile;
import dev.cairn.bundle.Folder;
import dev.cairn.sql.Checksums;
import java.sql.SQLException;
import java.util.List;

/**
 * A database the StoneScript gateway managed has {@code _stonescriptdb_gateway_migrations}: its
 * applied migrations are taken over into {@code cairn.migrations} once, so they never run again.
 * Where the bundle still has the file, its (normalized) checksum is recorded, so later edits are
 * caught; otherwise the gateway's own checksum is kept, marked as such.
 */
final class Adoption {

    private Adoption() {
    }

    static void adopt(Migration m, Bundle bundle) throws SQLException {
        boolean stonescript = !m.strings("SELECT 1 WHERE to_regclass('_stonescriptdb_gateway_migrations') IS NOT NULL")
                .isEmpty();
        if (!stonescript || !m.strings("SELECT 1 FROM cairn.migrations LIMIT 1").isEmpty()) {
            return;
        }
        List<String> applied = m.strings("SELECT migration_file || E'\\t' || coalesce(checksum, '')"
                + " FROM _stonescriptdb_gateway_migrations ORDER BY id");
        for (String row : applied) {
            int tab = row.lastIndexOf('\t');
            String name = row.substring(0, tab);
            String checksum = bundle.in(Folder.MIGRATIONS).stream()
                    .filter(f -> MigrationStep.migrationName(f).equals(name) || f.name().equals(name))
                    .findFirst().map(BundleFile::text).map(Checksums::of)
                    .orElse("stonescript:" + row.substring(tab + 1));
            Tracking.recordMigration(m.connection, name, checksum, true);
            m.changes.add(new Change("migration", name, "adopted from the StoneScript gateway", null, checksum));
        }
    }
}
