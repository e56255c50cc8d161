package dev.cairn.deploy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cairn.bundle.BundleFile;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.diff.AllowKind;
import dev.cairn.sql.Checksums;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The migrations of an existing database: applied ones are verified by checksum (an edited
 * migration is refused unless {@code edited_migration} is allowed: the StoneScript gateway
 * silently ignored edits), pending ones run once each in natural file-name order.
 */
final class PendingMigrations {

    private PendingMigrations() {
    }

    static List<String> run(Migration m, List<BundleFile> migrations) throws SQLException {
        Map<String, String> applied = applied(m);
        List<BundleFile> pending = new ArrayList<>();
        List<EditedMigration> edited = new ArrayList<>();
        for (BundleFile file : migrations) {
            String name = MigrationStep.migrationName(file);
            String checksum = Checksums.of(file.text());
            String stored = applied.get(name);
            if (stored == null) {
                pending.add(file);
            } else if (!stored.equals(checksum)) {
                edited.add(new EditedMigration(name, stored, checksum));
            }
        }
        acceptEdits(m, edited);
        List<String> ran = new ArrayList<>();
        for (BundleFile file : pending) {
            for (Located l : Located.of(file)) {
                m.runBundle(l, ErrorCode.MIGRATION_FAILED);
            }
            String name = MigrationStep.migrationName(file);
            Tracking.recordMigration(m.connection, name, Checksums.of(file.text()), true);
            m.changes.add(new Change("migration", name, "applied", file.path(), Checksums.of(file.text())));
            ran.add(name);
        }
        return ran;
    }

    private static void acceptEdits(Migration m, List<EditedMigration> edited) throws SQLException {
        if (edited.isEmpty()) {
            return;
        }
        if (!m.options.allows(AllowKind.EDITED_MIGRATION)) {
            throw new CairnException(Problem.of(ErrorCode.MIGRATION_CHECKSUM_MISMATCH, edited.size()
                            + " applied migration(s) changed since they ran: " + edited.stream()
                            .map(EditedMigration::migration).toList() + "; an applied migration never runs again,"
                            + " so add a new one (or allow edited_migration to accept the edit)")
                    .with("migrations", edited));
        }
        for (EditedMigration e : edited) {
            String name = e.migration();
            m.warnings.add("migration " + name + " was edited after it ran; the edit was accepted, not run");
            Tracking.updateMigrationChecksum(m.connection, name, e.bundleChecksum());
            m.changes.add(new Change("migration", name, "edit accepted", "migrations/" + name, e.bundleChecksum()));
        }
    }

    private static Map<String, String> applied(Migration m) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (var ps = m.connection.prepareStatement("SELECT name, checksum FROM cairn.migrations");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** An applied migration whose file changed since it ran. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record EditedMigration(String migration, String appliedChecksum, String bundleChecksum) {
    }
}
