package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.sql.Checksums;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code functions/}: runs each statement and learns what it defined from PostgreSQL itself.
 *
 * <p>After each {@code CREATE FUNCTION}/{@code PROCEDURE} we read the {@code pg_proc} rows this
 * transaction wrote ({@code xmin} = our transaction) and compare their command ids ({@code cmin})
 * with the snapshot before the statement: the new pairs are exactly what the statement created
 * or replaced. No regular expression guesses a signature, so {@code VARCHAR(500)} parameters,
 * defaults, {@code OUT}/{@code VARIADIC} arguments, quoted and schema-qualified names all work.
 */
final class FunctionStep {

    private static final String WRITTEN_BY_THIS_TRANSACTION = """
            SELECT p.oid::bigint, p.cmin::text, n.nspname, p.proname, p.prokind::text,
                   pg_get_function_identity_arguments(p.oid), oidvectortypes(p.proargtypes),
                   coalesce(pg_get_function_result(p.oid), '')
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE p.xmin = pg_current_xact_id()::xid""";

    private record Version(long oid, String cmin) {
    }

    private FunctionStep() {
    }

    static List<DeployedFunction> run(StatementRunner runner, List<BundleFile> files, List<Change> changes)
            throws SQLException {
        Map<Version, DeployedFunction> seen = snapshot(runner.connection(), "", "");
        Map<String, String> definedIn = new HashMap<>();
        List<DeployedFunction> deployed = new ArrayList<>();
        for (Located l : Located.of(files)) {
            runner.execute(l.file(), l.statement(), ErrorCode.FUNCTION_DEPLOY_FAILED);
            if (!l.info().isRoutineDefinition()) {
                continue;
            }
            String checksum = Checksums.of(l.statement().text());
            Map<Version, DeployedFunction> now = snapshot(runner.connection(), checksum, l.file().path());
            for (var entry : now.entrySet()) {
                if (!seen.containsKey(entry.getKey())) {
                    DeployedFunction f = entry.getValue();
                    rejectDuplicate(definedIn, f, l);
                    deployed.add(f);
                    changes.add(new Change(f.kind(), f.signature(), "created", f.file(), checksum));
                }
            }
            seen = now;
        }
        Tracking.recordFunctions(runner.connection(), deployed);
        return deployed;
    }

    private static void rejectDuplicate(Map<String, String> definedIn, DeployedFunction f, Located l) {
        String earlier = definedIn.putIfAbsent(f.signature(), l.file().path());
        if (earlier != null) {
            throw new CairnException(Problem.of(ErrorCode.FUNCTION_DEPLOY_FAILED,
                            f.signature() + " is defined twice: in " + earlier + " and in " + l.file().path()
                                    + " (line " + l.statement().startLine() + "); the second would silently replace the first")
                    .with("file", l.file().path()).with("line", l.statement().startLine()));
        }
    }

    private static Map<Version, DeployedFunction> snapshot(Connection c, String checksum, String file) throws SQLException {
        Map<Version, DeployedFunction> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(WRITTEN_BY_THIS_TRANSACTION); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String schema = rs.getString(3);
                String name = rs.getString(4);
                String signature = dev.cairn.sql.Identifiers.quote(schema, name) + "(" + rs.getString(7) + ")";
                String kind = "p".equals(rs.getString(5)) ? "procedure" : "function";
                out.put(new Version(rs.getLong(1), rs.getString(2)), new DeployedFunction(signature, schema, name, kind,
                        rs.getString(6), rs.getString(8), checksum, file));
            }
        }
        return out;
    }
}
