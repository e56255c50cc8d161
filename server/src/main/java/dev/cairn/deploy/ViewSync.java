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
 * {@code views/} on an existing database. Views hold no data, and a view that changes can break
 * the views built on it, so when any view changed (or one is missing) they are all dropped and
 * created again in dependency order; when none changed, nothing runs.
 */
final class ViewSync {

    private ViewSync() {
    }

    static int run(Migration m, List<BundleFile> files) throws SQLException {
        List<Located> ordered = ObjectSteps.orderViews(files);
        Map<String, String> tracked = tracked(m);
        boolean changed = tracked.size() != ordered.stream().filter(l -> l.info().createdView().isPresent()).count();
        for (Located l : ordered) {
            Optional<QualifiedName> view = l.info().createdView();
            if (view.isPresent()) {
                String name = view.get().toString();
                changed |= !Checksums.of(l.statement().text()).equals(tracked.get(name)) || !exists(m, view.get());
            }
        }
        if (!changed) {
            return 0;
        }
        java.util.Set<String> drop = new java.util.LinkedHashSet<>(tracked.keySet());
        ordered.forEach(l -> l.info().createdView().ifPresent(v -> drop.add(v.toString())));
        for (String name : drop) {
            m.run("DROP VIEW IF EXISTS " + quoted(name) + " CASCADE", "dropping view " + name);
            Tracking.forget(m.connection, "views", name);
        }
        int created = 0;
        for (Located l : ordered) {
            m.runBundle(l, ErrorCode.MIGRATION_FAILED);
            Optional<QualifiedName> view = l.info().createdView();
            if (view.isPresent()) {
                String checksum = Checksums.of(l.statement().text());
                Tracking.recordObject(m.connection, "views", view.get().toString(), checksum, l.file().path());
                m.changes.add(new Change("view", view.get().toString(), "created", l.file().path(), checksum));
                created++;
            }
        }
        return created;
    }

    /** Tracked names are {@code QualifiedName.toString()}: {@code name} or {@code schema.name}, folded. */
    private static String quoted(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? Identifiers.quote(name) : Identifiers.quote(name.substring(0, dot), name.substring(dot + 1));
    }

    private static boolean exists(Migration m, QualifiedName view) {
        String reg = view.schema().map(s -> Identifiers.quote(s, view.name())).orElse(Identifiers.quote(view.name()));
        return !m.strings("SELECT 1 WHERE to_regclass(?) IS NOT NULL", reg).isEmpty();
    }

    private static Map<String, String> tracked(Migration m) {
        Map<String, String> out = new HashMap<>();
        for (String row : m.strings("SELECT name || E'\\t' || checksum FROM cairn.views")) {
            int tab = row.lastIndexOf('\t');
            out.put(row.substring(0, tab), row.substring(tab + 1));
        }
        return out;
    }
}
