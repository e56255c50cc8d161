package dev.cairn.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link SchemaSnapshot} from a database: user schemas only (not {@code cairn}, not the
 * system schemas, not objects an extension owns, not the StoneScript gateway's bookkeeping).
 */
public final class SnapshotReader {

    /** The user tables: those taking part in a diff, and those the data faces serve (TableReader). */
    static final String TABLES = """
            SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cairn') AND n.nspname !~ '^pg_'
              AND c.relname !~ '^_stonescriptdb_gateway_'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype = 'e')""";

    private SnapshotReader() {
    }

    public static SchemaSnapshot read(Connection c) throws SQLException {
        Map<Long, String[]> names = new LinkedHashMap<>();
        query(c, "SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.oid IN (" + TABLES + ") ORDER BY n.nspname, c.relname",
                rs -> names.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)}));
        Map<Long, List<SchemaSnapshot.Column>> columns = new HashMap<>();
        query(c, """
                SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), format_type(a.atttypid, NULL),
                       a.atttypmod, a.attnotnull, coalesce(pg_get_expr(ad.adbin, ad.adrelid), ''),
                       a.attidentity::text, a.attgenerated::text
                FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                WHERE a.attrelid IN (""" + TABLES + ") AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attrelid, a.attnum", rs -> {
                    boolean generated = "s".equals(rs.getString(9));
                    columns.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new SchemaSnapshot.Column(
                            rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getBoolean(6),
                            generated ? "" : rs.getString(7), rs.getString(8).trim(), generated ? rs.getString(7) : ""));
                });
        Map<Long, List<SchemaSnapshot.Constraint>> constraints = new HashMap<>();
        query(c, "SELECT conrelid, conname, contype::text, pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE conrelid IN (" + TABLES + ") ORDER BY conrelid, conname",
                rs -> constraints.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                        .add(new SchemaSnapshot.Constraint(rs.getString(2), rs.getString(3), rs.getString(4))));
        Map<Long, List<SchemaSnapshot.Index>> indexes = new HashMap<>();
        query(c, """
                SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                WHERE i.indrelid IN (""" + TABLES + """
                ) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
                ORDER BY i.indrelid, ic.relname""",
                rs -> indexes.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                        .add(new SchemaSnapshot.Index(rs.getString(2), rs.getString(3))));
        Map<String, SchemaSnapshot.Table> tables = new LinkedHashMap<>();
        names.forEach((oid, name) -> {
            var table = new SchemaSnapshot.Table(name[0], name[1], columns.getOrDefault(oid, List.of()),
                    constraints.getOrDefault(oid, List.of()), indexes.getOrDefault(oid, List.of()));
            tables.put(table.key(), table);
        });
        return new SchemaSnapshot(tables, enums(c));
    }

    /** Enum types of user schemas with their labels in order. */
    public static Map<String, List<String>> enums(Connection c) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        query(c, """
                SELECT n.nspname || '.' || t.typname, e.enumlabel
                FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'cairn')
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                                  AND d.objid = t.oid AND d.deptype = 'e')
                ORDER BY 1, e.enumsortorder""",
                rs -> out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)));
        return out;
    }

    @FunctionalInterface
    interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    static void query(Connection c, String sql, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }
}
