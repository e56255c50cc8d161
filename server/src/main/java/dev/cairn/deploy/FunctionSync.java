package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.diff.AllowKind;
import dev.cairn.sql.Checksums;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Routines of an existing database brought to the bundle's, by exact signature:
 * <ul>
 *   <li>same checksum and still present: skipped, no DDL at all;</li>
 *   <li>body changed: replaced; result type or argument names changed: the old signature is
 *       dropped exactly, then created (the StoneScript gateway failed on these);</li>
 *   <li>dropped by hand: restored;</li>
 *   <li>tracked but gone from the bundle (orphan): dropped. A drop that other objects depend on
 *       is refused and names them, unless {@code drop_function} is allowed (then CASCADE).</li>
 * </ul>
 * Which signature a statement defines comes from {@link DesiredState}: PostgreSQL's own answer
 * when it built the bundle's template, matched here by statement checksum.
 */
final class FunctionSync {

    /** 42P13 invalid_function_definition: a changed result type or argument names; 42723: already exists. */
    private static final Set<String> NEEDS_DROP = Set.of("42P13", "42723");

    record Outcome(int updated, int skipped) {
    }

    private FunctionSync() {
    }

    static Outcome run(Migration m, List<BundleFile> files, List<DesiredState.FunctionSpec> desired) throws SQLException {
        Map<String, DesiredState.FunctionSpec> byChecksum = desired.stream()
                .collect(Collectors.toMap(DesiredState.FunctionSpec::checksum, f -> f, (a, b) -> a));
        Map<String, String> tracked = tracked(m);
        Map<String, String> present = present(m, desired, tracked.keySet());
        List<DeployedFunction> deployed = new java.util.ArrayList<>();
        int updated = 0;
        int skipped = 0;
        for (BundleFile file : files) {
            List<Located> statements = Located.of(file);
            Map<Located, DesiredState.FunctionSpec> routines = new LinkedHashMap<>();
            boolean fileChanged = false;
            for (Located l : statements) {
                if (l.info().isRoutineDefinition()) {
                    DesiredState.FunctionSpec spec = byChecksum.get(Checksums.of(l.statement().text()));
                    boolean current = spec != null && spec.checksum().equals(tracked.get(spec.signature()))
                            && present.containsKey(spec.signature());
                    if (current) {
                        skipped++;
                    } else {
                        routines.put(l, spec);
                        fileChanged = true;
                    }
                }
            }
            for (Located l : statements) {
                if (routines.containsKey(l)) {
                    deploy(m, l, routines.get(l), present).ifPresent(deployed::add);
                    updated++;
                } else if (!l.info().isRoutineDefinition() && fileChanged) {
                    m.runBundle(l, ErrorCode.FUNCTION_DEPLOY_FAILED); // COMMENT, GRANT, ... beside a changed routine
                }
            }
        }
        Tracking.recordFunctions(m.connection, deployed);
        updated += dropOrphans(m, desired, tracked);
        return new Outcome(updated, skipped);
    }

    /**
     * Which of the tracked and wanted signatures exist now, each with its result type: one query,
     * however many routines (a deploy used to ask twice per changed routine). Read before any
     * routine is deployed; a bundle statement that drops one of them meanwhile is covered by
     * {@link #drop} using IF EXISTS and by CREATE OR REPLACE.
     */
    private static Map<String, String> present(Migration m, List<DesiredState.FunctionSpec> desired,
                                               Set<String> tracked) {
        Set<String> all = new java.util.HashSet<>(tracked);
        desired.forEach(f -> all.add(f.signature()));
        try (var ps = m.connection.prepareStatement("SELECT s, coalesce(pg_get_function_result(to_regprocedure(s)), '')"
                + " FROM unnest(?::text[]) s WHERE to_regprocedure(s) IS NOT NULL")) {
            ps.setArray(1, m.connection.createArrayOf("text", all.toArray()));
            Map<String, String> out = new HashMap<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw Migration.failure("to_regprocedure", "reading the routines", e);
        }
    }

    /** Deploys one routine; what the tracking table should record for it (written in one batch). */
    private static Optional<DeployedFunction> deploy(Migration m, Located l, DesiredState.FunctionSpec spec,
                                                     Map<String, String> present) throws SQLException {
        String checksum = Checksums.of(l.statement().text());
        if (spec == null) {
            // Not in the template's answer (it should be): run it and learn the signature the old way.
            m.warnings.add(l.file().path() + ":" + l.statement().startLine() + ": routine not found in the bundle's"
                    + " template; deployed without signature tracking");
            m.runBundle(l, ErrorCode.FUNCTION_DEPLOY_FAILED);
            return Optional.empty();
        }
        boolean existed = present.containsKey(spec.signature());
        if (existed && !spec.result().equals(present.get(spec.signature()))) {
            drop(m, spec.signature(), "its result type changes");
            m.runBundle(l, ErrorCode.FUNCTION_DEPLOY_FAILED);
        } else if (existed) {
            replace(m, l, spec);
        } else {
            m.runBundle(l, ErrorCode.FUNCTION_DEPLOY_FAILED);
        }
        m.changes.add(new Change(spec.kind(), spec.signature(), existed ? "replaced" : "created", l.file().path(),
                checksum));
        return Optional.of(new DeployedFunction(spec.signature(), spec.schema(), spec.name(), spec.kind(),
                spec.identityArguments(), spec.result(), checksum, l.file().path()));
    }

    /** CREATE OR REPLACE where PostgreSQL allows it; where it refuses (argument names), drop and create. */
    private static void replace(Migration m, Located l, DesiredState.FunctionSpec spec) throws SQLException {
        Savepoint savepoint = m.connection.setSavepoint();
        try {
            m.runBundle(l, ErrorCode.FUNCTION_DEPLOY_FAILED);
            m.connection.releaseSavepoint(savepoint);
        } catch (CairnException e) {
            Object state = e.problem().fields().get("sqlstate");
            if (!NEEDS_DROP.contains(String.valueOf(state))) {
                throw e;
            }
            m.connection.rollback(savepoint);
            drop(m, spec.signature(), "PostgreSQL cannot replace it in place");
            m.runBundle(l, ErrorCode.FUNCTION_DEPLOY_FAILED);
        }
    }

    private static int dropOrphans(Migration m, List<DesiredState.FunctionSpec> desired, Map<String, String> tracked)
            throws SQLException {
        Set<String> wanted = desired.stream().map(DesiredState.FunctionSpec::signature).collect(Collectors.toSet());
        int dropped = 0;
        for (String signature : tracked.keySet()) {
            if (!wanted.contains(signature)) {
                if (exists(m, signature)) {
                    drop(m, signature, "it is no longer in the bundle");
                    dropped++;
                }
                Tracking.forget(m.connection, "functions", signature);
                m.changes.add(new Change("function", signature, "dropped", null, null));
            }
        }
        return dropped;
    }

    /** Drops exactly one signature; what depends on it is named, and only dropped along if allowed. */
    private static void drop(Migration m, String signature, String why) {
        List<String> dependents = m.strings("""
                SELECT DISTINCT pg_describe_object(classid, objid, objsubid) FROM pg_depend
                WHERE refclassid = 'pg_proc'::regclass AND refobjid = to_regprocedure(?) AND deptype = 'n'
                ORDER BY 1""", signature);
        boolean cascade = !dependents.isEmpty() && m.options.allows(AllowKind.DROP_FUNCTION);
        if (!dependents.isEmpty() && !cascade) {
            throw new CairnException(Problem.of(ErrorCode.SCHEMA_CHANGE_BLOCKED, signature + " must be dropped ("
                            + why + ") but " + dependents + " depend on it; change them first, or allow drop_function"
                            + " to drop them along")
                    .with("function", signature).with("dependents", dependents));
        }
        m.run("DROP " + kindOf(m, signature) + " IF EXISTS " + signature + (cascade ? " CASCADE" : ""),
                "dropping " + signature);
    }

    private static String kindOf(Migration m, String signature) {
        List<String> kind = m.strings("SELECT prokind::text FROM pg_proc WHERE oid = to_regprocedure(?)", signature);
        return !kind.isEmpty() && kind.get(0).equals("p") ? "PROCEDURE" : "FUNCTION";
    }

    private static boolean exists(Migration m, String signature) {
        return !m.strings("SELECT 1 WHERE to_regprocedure(?) IS NOT NULL", signature).isEmpty();
    }

    private static Map<String, String> tracked(Migration m) {
        Map<String, String> out = new HashMap<>();
        List<String> rows = m.strings("SELECT signature || E'\\t' || checksum FROM cairn.functions");
        for (String row : rows) {
            int tab = row.lastIndexOf('\t');
            out.put(row.substring(0, tab), row.substring(tab + 1));
        }
        return out;
    }

}
