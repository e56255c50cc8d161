package dev.cairn.deploy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Whether a database already holds a bundle: its last deploy had the same checksum and every
 * routine Cairn tracks still exists. A fleet migrate asks this first, in auto-commit and before
 * any transaction or lock, so that the common case (nothing to do) costs one round trip; a "no"
 * there is only a hint, and the migrate asks again inside its transaction under the deploy lock,
 * where the real decision is made.
 */
final class UpToDate {

    /** Exact: every tracked signature still resolves. Used inside the transaction, after adoption. */
    private static final String SAME_CONTENT = """
            SELECT 1 WHERE coalesce((SELECT checksum FROM cairn.deployments ORDER BY id DESC LIMIT 1) = ?, false)
               AND NOT EXISTS (SELECT 1 FROM cairn.functions WHERE to_regprocedure(signature) IS NULL)""";

    /**
     * Cheap: the routines the last deployment recorded ({@link Tracking#ROUTINE_IDS}) all still
     * exist with the same OID, schema and name. On a new session every relation and catalog entry
     * a query touches is read cold, so this reads one table and looks routines up by OID rather
     * than parsing every signature (milliseconds a database, which is most of a no-op migrate
     * besides opening the connection). A routine dropped and created again by hand has a new OID:
     * the probe says no, and the exact check decides.
     *
     * <p>It does not look for StoneScript tracking still to adopt: adoption runs in every real
     * migrate before anything else, so a database whose last Cairn deploy matches has been adopted.
     */
    private static final String PROBE = """
            SELECT 1 FROM cairn.deployments d
            WHERE d.id = (SELECT max(id) FROM cairn.deployments) AND d.checksum = ?
              AND (SELECT count(*) FROM pg_catalog.pg_proc p
                   WHERE p.oid = ANY (ARRAY(SELECT split_part(r, '/', 1)::oid FROM unnest(d.routines) r))
                     AND p.oid::text || '/' || p.pronamespace::text || '/' || p.proname = ANY (d.routines))
                  = cardinality(d.routines)""";

    private UpToDate() {
    }

    /** True when the database holds exactly this content; false when unsure. Never changes anything. */
    static boolean probe(Connection c, String checksum) {
        try (PreparedStatement ps = c.prepareStatement(PROBE)) {
            ps.setString(1, checksum);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            // No tracking schema, or one from before routines were recorded: the full path decides
            // (and reports real failures properly).
            return false;
        }
    }

    /** The same question inside the migrate's transaction (after adoption), where an error is a real failure. */
    static boolean inTransaction(Migration m, String checksum) {
        return !m.strings(SAME_CONTENT, checksum).isEmpty();
    }
}
