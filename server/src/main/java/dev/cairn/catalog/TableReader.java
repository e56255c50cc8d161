package dev.cairn.catalog;

import static dev.cairn.catalog.CatalogLoader.strings;
import static dev.cairn.catalog.SnapshotReader.TABLES;
import static dev.cairn.catalog.SnapshotReader.query;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@link Tables} from {@code pg_catalog}: four queries whatever the number of tables
 * (tables, columns, key and foreign-key constraints, enum labels), so loading a catalog costs the
 * same few round trips for a database of five tables or five hundred.
 */
final class TableReader {

    /** Key columns by name in key order ({@code conkey} is in constraint order, not column order). */
    private static final String KEY_COLUMNS = """
            (SELECT array_agg(a.attname::text ORDER BY u.ord)
             FROM unnest(%1$s) WITH ORDINALITY u(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = %2$s AND a.attnum = u.attnum)""";

    /** A primary key ({@code p}) or unique constraint ({@code u}) of one table. */
    private record Key(String name, String type, List<String> columns) {
    }

    private TableReader() {
    }

    static Tables read(Connection c) throws SQLException {
        Map<Long, List<Tables.Column>> columns = columns(c);
        Map<Long, List<Key>> keys = new HashMap<>();
        Map<Long, List<Tables.ForeignKey>> foreignKeys = new HashMap<>();
        query(c, "SELECT k.conrelid, k.conname, k.contype::text, " + KEY_COLUMNS.formatted("k.conkey", "k.conrelid")
                + ", tn.nspname, tc.relname, " + KEY_COLUMNS.formatted("k.confkey", "k.confrelid") + """
                 FROM pg_constraint k
                LEFT JOIN pg_class tc ON tc.oid = k.confrelid LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
                WHERE k.conrelid IN (""" + TABLES + ") AND k.contype IN ('p', 'u', 'f') ORDER BY k.conrelid, k.conname",
                rs -> {
                    long table = rs.getLong(1);
                    List<String> keyColumns = strings(rs.getArray(4));
                    if (rs.getString(3).equals("f")) {
                        foreignKeys.computeIfAbsent(table, k -> new ArrayList<>()).add(new Tables.ForeignKey(
                                rs.getString(2), keyColumns, rs.getString(5), rs.getString(6), strings(rs.getArray(7))));
                    } else {
                        keys.computeIfAbsent(table, k -> new ArrayList<>())
                                .add(new Key(rs.getString(2), rs.getString(3), keyColumns));
                    }
                });
        Map<String, Tables.Table> tables = new LinkedHashMap<>();
        query(c, "SELECT c.oid, n.nspname, c.relname, obj_description(c.oid, 'pg_class')"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid IN (" + TABLES + ")",
                rs -> {
                    long oid = rs.getLong(1);
                    List<Key> own = keys.getOrDefault(oid, List.of());
                    Tables.Table table = new Tables.Table(oid, rs.getString(2), rs.getString(3),
                            columns.getOrDefault(oid, List.of()), primaryKey(own), uniqueKeys(own),
                            foreignKeys.getOrDefault(oid, List.of()), Optional.ofNullable(rs.getString(4)));
                    tables.put(table.key(), table);
                });
        return new Tables(tables, enumLabels(c));
    }

    private static Map<Long, List<Tables.Column>> columns(Connection c) throws SQLException {
        Map<Long, List<Tables.Column>> columns = new HashMap<>();
        query(c, """
                SELECT a.attrelid, a.attname, a.attnum, a.atttypid::bigint, format_type(a.atttypid, a.atttypmod),
                       a.atttypmod, a.attnotnull, a.atthasdef, a.attidentity::text, a.attgenerated::text,
                       col_description(a.attrelid, a.attnum)
                FROM pg_attribute a
                WHERE a.attrelid IN (""" + TABLES + ") AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attrelid, a.attnum",
                rs -> columns.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Tables.Column(
                        rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getString(5), rs.getInt(6), rs.getBoolean(7),
                        rs.getBoolean(8), identity(rs.getString(9)), "s".equals(rs.getString(10)),
                        Optional.ofNullable(rs.getString(11)))));
        return columns;
    }

    private static Map<Long, List<String>> enumLabels(Connection c) throws SQLException {
        Map<Long, List<String>> labels = new HashMap<>();
        query(c, """
                SELECT e.enumtypid::bigint, e.enumlabel FROM pg_enum e
                JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'cairn')
                ORDER BY e.enumtypid, e.enumsortorder""",
                rs -> labels.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2)));
        return labels;
    }

    private static List<String> primaryKey(List<Key> keys) {
        return keys.stream().filter(k -> k.type().equals("p")).findFirst().map(Key::columns).orElse(List.of());
    }

    private static List<Tables.UniqueKey> uniqueKeys(List<Key> keys) {
        return keys.stream().filter(k -> k.type().equals("u")).map(k -> new Tables.UniqueKey(k.name(), k.columns()))
                .toList();
    }

    private static Tables.Identity identity(String code) {
        return switch (code == null ? "" : code.trim()) {
            case "a" -> Tables.Identity.ALWAYS;
            case "d" -> Tables.Identity.BY_DEFAULT;
            default -> Tables.Identity.NONE;
        };
    }
}
