package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;
import dev.cairn.error.ErrorCode;
import dev.cairn.sql.Checksums;
import dev.cairn.sql.Identifiers;
import dev.cairn.sql.QualifiedName;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code types/} on an existing database: new types are created; an enum's new values arrive
 * through the plan; any other change to an existing type is reported, never silently skipped
 * (PostgreSQL has no general ALTER for it; a migration must do it).
 */
final class TypeSync {

    private TypeSync() {
    }

    static int run(Migration m, List<BundleFile> files) throws SQLException {
        Map<String, String> tracked = tracked(m);
        int created = 0;
        for (Located l : ObjectSteps.orderTypes(files)) {
            Optional<QualifiedName> type = l.info().createdType();
            if (type.isEmpty()) {
                continue; // ALTER TYPE, COMMENT ... belong to a type created earlier
            }
            String name = type.get().toString();
            String checksum = Checksums.of(l.statement().text());
            if (!exists(m, type.get())) {
                m.runBundle(l, ErrorCode.MIGRATION_FAILED);
                Tracking.recordType(m.connection, name, kind(m, type.get()), checksum, l.file().path());
                m.changes.add(new Change("type", name, "created", l.file().path(), checksum));
                created++;
            } else if (tracked.containsKey(name) && !tracked.get(name).equals(checksum)) {
                if (kind(m, type.get()).equals("enum")) {
                    Tracking.recordType(m.connection, name, "enum", checksum, l.file().path()); // values: see the plan
                } else {
                    m.warnings.add("type " + name + " changed in " + l.file().path() + ", but an existing "
                            + kind(m, type.get()) + " type is not altered automatically: change it in a migration");
                }
            } else if (!tracked.containsKey(name)) {
                Tracking.recordType(m.connection, name, kind(m, type.get()), checksum, l.file().path()); // adopt it
            }
        }
        return created;
    }

    private static String regtype(QualifiedName type) {
        return type.schema().map(s -> Identifiers.quote(s, type.name())).orElse(Identifiers.quote(type.name()));
    }

    private static boolean exists(Migration m, QualifiedName type) {
        return !m.strings("SELECT 1 WHERE to_regtype(?) IS NOT NULL", regtype(type)).isEmpty();
    }

    private static String kind(Migration m, QualifiedName type) {
        List<String> kind = m.strings("""
                SELECT CASE typtype WHEN 'e' THEN 'enum' WHEN 'c' THEN 'composite' WHEN 'd' THEN 'domain'
                                    WHEN 'r' THEN 'range' ELSE 'base' END
                FROM pg_type WHERE oid = to_regtype(?)""", regtype(type));
        return kind.isEmpty() ? "unknown" : kind.get(0);
    }

    private static Map<String, String> tracked(Migration m) {
        Map<String, String> out = new HashMap<>();
        for (String row : m.strings("SELECT name || E'\\t' || checksum FROM cairn.types")) {
            int tab = row.lastIndexOf('\t');
            out.put(row.substring(0, tab), row.substring(tab + 1));
        }
        return out;
    }
}
