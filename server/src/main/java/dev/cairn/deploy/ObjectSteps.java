package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;
import dev.cairn.error.ErrorCode;
import dev.cairn.sql.Checksums;
import dev.cairn.sql.Identifiers;
import dev.cairn.sql.QualifiedName;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code types/}, {@code tables/} and {@code views/}: statements ordered by the names they
 * define and use, run, and recorded in the tracking tables with their checksums.
 */
final class ObjectSteps {

    private ObjectSteps() {
    }

    /** Writes one tracking row for an object a statement created. */
    @FunctionalInterface
    private interface Recorder {
        void record(QualifiedName name, String checksum, Located source) throws SQLException;
    }

    /** Types in the order they can be created: a composite or domain may use an enum defined later. */
    static List<Located> orderTypes(List<BundleFile> files) {
        List<Located> statements = Located.of(files);
        Set<String> defined = names(statements, l -> l.info().createdType());
        return DependencyOrder.sort(statements.stream()
                .map(l -> unit(l, l.info().createdType(), intersect(l.info().words(), defined)))
                .toList(), "types");
    }

    /** Views in the order they can be created: a view may select from a view defined later. */
    static List<Located> orderViews(List<BundleFile> files) {
        List<Located> statements = Located.of(files);
        Set<String> defined = names(statements, l -> l.info().createdView());
        return DependencyOrder.sort(statements.stream()
                .map(l -> unit(l, l.info().createdView(), intersect(l.info().words(), defined)))
                .toList(), "views");
    }

    static int types(StatementRunner runner, List<BundleFile> files, List<Change> changes) throws SQLException {
        List<Located> ordered = orderTypes(files);
        return run(runner, ordered, l -> l.info().createdType(), "type", changes, (name, checksum, l) ->
                Tracking.recordType(runner.connection(), name.toString(), kind(runner, name), checksum, l.file().path()));
    }

    /** Tables: created after the tables they reference, whatever the files are called. */
    static int tables(StatementRunner runner, List<BundleFile> files, List<Change> changes) throws SQLException {
        List<Located> ordered = DependencyOrder.sort(Located.of(files).stream()
                .map(l -> unit(l, l.info().createdTable(), tableUses(l)))
                .toList(), "tables");
        return run(runner, ordered, l -> l.info().createdTable(), "table", changes, (name, checksum, l) ->
                Tracking.recordObject(runner.connection(), "tables", name.toString(), checksum, l.file().path()));
    }

    static int views(StatementRunner runner, List<BundleFile> files, List<Change> changes) throws SQLException {
        List<Located> ordered = orderViews(files);
        return run(runner, ordered, l -> l.info().createdView(), "view", changes, (name, checksum, l) ->
                Tracking.recordObject(runner.connection(), "views", name.toString(), checksum, l.file().path()));
    }

    /** Runs the statements in order; each one that creates an object is tracked and logged. */
    private static int run(StatementRunner runner, List<Located> ordered,
                           java.util.function.Function<Located, Optional<QualifiedName>> created, String kind,
                           List<Change> changes, Recorder recorder) throws SQLException {
        int count = 0;
        for (Located l : ordered) {
            runner.execute(l.file(), l.statement(), ErrorCode.MIGRATION_FAILED);
            Optional<QualifiedName> name = created.apply(l);
            if (name.isPresent()) {
                String checksum = Checksums.of(l.statement().text());
                recorder.record(name.get(), checksum, l);
                changes.add(new Change(kind, name.get().toString(), "created", l.file().path(), checksum));
                count++;
            }
        }
        return count;
    }

    private static Set<String> tableUses(Located l) {
        Set<String> uses = l.info().referencedTables().stream().map(QualifiedName::name).collect(Collectors.toSet());
        l.info().insertTarget().ifPresent(t -> uses.add(t.name()));
        return uses;
    }

    private static DependencyOrder.Unit<Located> unit(Located l, Optional<QualifiedName> defines, Set<String> uses) {
        return new DependencyOrder.Unit<>(l, defines.map(QualifiedName::name), uses);
    }

    private static Set<String> names(List<Located> statements,
                                     java.util.function.Function<Located, Optional<QualifiedName>> definer) {
        return statements.stream().map(definer).flatMap(Optional::stream).map(QualifiedName::name)
                .collect(Collectors.toSet());
    }

    private static Set<String> intersect(Set<String> words, Set<String> defined) {
        Set<String> out = new HashSet<>(words);
        out.retainAll(defined);
        return out;
    }

    private static String kind(StatementRunner runner, QualifiedName type) throws SQLException {
        String regtype = type.schema().map(s -> Identifiers.quote(s, type.name())).orElse(Identifiers.quote(type.name()));
        try (PreparedStatement ps = runner.connection().prepareStatement(
                "SELECT typtype::text FROM pg_type WHERE oid = to_regtype(?)")) {
            ps.setString(1, regtype);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? switch (rs.getString(1)) {
                    case "e" -> "enum";
                    case "c" -> "composite";
                    case "d" -> "domain";
                    case "r" -> "range";
                    case "m" -> "multirange";
                    default -> "base";
                } : "unknown";
            }
        }
    }
}
