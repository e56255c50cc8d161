package dev.cairn.fleet;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A database as the cluster's shared catalogs see it: its OID in {@code pg_database} and the
 * routines its platform's role owns in it ({@code pg_shdepend} keeps one row per object owned by
 * a role that is not built in). Readable for every database at once from any connection, so a
 * fleet migrate can tell which databases cannot have changed since Cairn last brought them to
 * their checksum without opening a session in each one (on PostgreSQL a new session costs
 * several milliseconds of server CPU, most of a no-op migrate).
 *
 * <p>Dropping a routine, creating one again, restoring the database from a dump or recreating it
 * under the same name all change the fingerprint. Only meaningful for platforms with their own
 * role, whose deploys own every routine they create.
 */
final class Fingerprints {

    private static final String QUERY = """
            SELECT d.datname, d.oid::text || ':' || coalesce(string_agg(s.objid::text, ',' ORDER BY s.objid), '')
            FROM pg_catalog.pg_database d
            LEFT JOIN pg_catalog.pg_shdepend s ON s.dbid = d.oid AND s.deptype = 'o'
                 AND s.classid = 'pg_catalog.pg_proc'::regclass AND s.refclassid = 'pg_catalog.pg_authid'::regclass
                 AND s.refobjid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ?)
            WHERE d.datname = ANY (?)
            GROUP BY d.datname, d.oid""";

    private Fingerprints() {
    }

    /** The fingerprints of the databases that exist, by name, in one query. */
    static Map<String, String> of(Connection c, String role, Collection<String> databases) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(QUERY)) {
            Array names = c.createArrayOf("text", databases.toArray());
            ps.setString(1, role);
            ps.setArray(2, names);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    static Optional<String> of(Connection c, String role, String database) throws SQLException {
        return Optional.ofNullable(of(c, role, java.util.List.of(database)).get(database));
    }
}
