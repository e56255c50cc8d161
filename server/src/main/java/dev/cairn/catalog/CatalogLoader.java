package dev.cairn.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads routines, types and tables from a database's system catalog. */
final class CatalogLoader {

    static final long VOID = 2278;
    static final long RECORD = 2249;

    private static final String TYPES = """
            SELECT t.oid::bigint, format_type(t.oid, NULL), t.typtype::text, t.typcategory::text,
                   t.typelem::bigint, t.typbasetype::bigint, t.typdelim::text
            FROM pg_type t WHERE""";

    private static final String ATTRIBUTES = """
            SELECT c.reltype::bigint, a.attname, a.atttypid::bigint
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.reltype >= 16384 AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.reltype, a.attnum""";

    /**
     * Callable routines: user schemas only, nothing owned by an extension, no aggregates, and
     * nothing that takes or returns the pseudo-types only the server may call with (trigger,
     * event_trigger, internal, handlers).
     */
    private static final String ROUTINES = """
            SELECT p.oid::bigint, n.nspname, p.proname, p.prokind::text, p.proretset, p.prorettype::bigint,
                   p.pronargdefaults, p.proargtypes::oid[]::bigint[], p.proallargtypes::bigint[],
                   p.proargmodes::text[], p.proargnames, p.provolatile <> 'v'
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE p.prokind IN ('f', 'p')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cairn') AND n.nspname !~ '^pg_'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                              AND d.objid = p.oid AND d.deptype = 'e')
              AND NOT EXISTS (SELECT 1 FROM pg_type t
                              WHERE t.oid = ANY (array_append(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.prorettype))
                                AND t.typtype = 'p'
                                AND t.typname IN ('trigger', 'event_trigger', 'internal', 'language_handler',
                                                  'fdw_handler', 'index_am_handler', 'tsm_handler', 'table_am_handler'))""";

    private CatalogLoader() {
    }

    static Map<Long, PgType> builtinTypes(Connection c) throws SQLException {
        return types(c, TYPES + " t.oid < 16384", Map.of());
    }

    static Catalog load(Connection c, String database, Map<Long, PgType> builtin) throws SQLException {
        Types types = new Types(builtin, types(c, TYPES + " t.oid >= 16384", attributes(c)));
        Map<String, List<Routine>> routines = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(ROUTINES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Routine r = routine(rs, types);
                routines.computeIfAbsent(r.schema() + "." + r.name(), k -> new ArrayList<>()).add(r);
            }
        }
        return new Catalog(database, routines, types, TableReader.read(c));
    }

    private static Map<Long, PgType> types(Connection c, String sql, Map<Long, List<PgType.Attribute>> attributes)
            throws SQLException {
        Map<Long, PgType> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long oid = rs.getLong(1);
                out.put(oid, new PgType(oid, rs.getString(2), rs.getString(3).charAt(0), rs.getString(4).charAt(0),
                        rs.getLong(5), rs.getLong(6), rs.getString(7).charAt(0),
                        attributes.getOrDefault(oid, List.of())));
            }
        }
        return out;
    }

    private static Map<Long, List<PgType.Attribute>> attributes(Connection c) throws SQLException {
        Map<Long, List<PgType.Attribute>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(ATTRIBUTES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                        .add(new PgType.Attribute(rs.getString(2), rs.getLong(3)));
            }
        }
        return out;
    }

    private static Routine routine(ResultSet rs, Types types) throws SQLException {
        String name = rs.getString(3);
        boolean procedure = "p".equals(rs.getString(4));
        long returnType = rs.getLong(6);
        List<Routine.Argument> arguments = arguments(longs(rs.getArray(8)), longs(rs.getArray(9)),
                strings(rs.getArray(10)), strings(rs.getArray(11)));
        boolean returnsVoid = !procedure && returnType == VOID;
        List<Routine.Column> columns = columns(name, procedure, returnType, arguments, types);
        return Routine.of(rs.getLong(1), rs.getString(2), name, procedure, rs.getBoolean(5), returnsVoid,
                arguments, rs.getInt(7), columns, rs.getBoolean(12));
    }

    private static List<Routine.Argument> arguments(List<Long> inTypes, List<Long> allTypes, List<String> modes,
                                                   List<String> names) {
        List<Long> typeList = allTypes.isEmpty() ? inTypes : allTypes;
        List<Routine.Argument> out = new ArrayList<>(typeList.size());
        for (int i = 0; i < typeList.size(); i++) {
            String name = i < names.size() && names.get(i) != null ? names.get(i) : "";
            String mode = i < modes.size() ? modes.get(i) : "i";
            out.add(new Routine.Argument(name, typeList.get(i), mode(mode)));
        }
        return out;
    }

    private static Routine.Mode mode(String code) {
        return switch (code) {
            case "o" -> Routine.Mode.OUT;
            case "b" -> Routine.Mode.INOUT;
            case "v" -> Routine.Mode.VARIADIC;
            case "t" -> Routine.Mode.TABLE;
            default -> Routine.Mode.IN;
        };
    }

    /** The columns {@code SELECT * FROM f()} yields: OUT/TABLE arguments, a composite's fields, or f itself. */
    private static List<Routine.Column> columns(String name, boolean procedure, long returnType,
                                               List<Routine.Argument> arguments, Types types) {
        List<Routine.Column> outputs = arguments.stream()
                .filter(a -> a.mode() == Routine.Mode.OUT || a.mode() == Routine.Mode.INOUT
                        || a.mode() == Routine.Mode.TABLE)
                .map(a -> new Routine.Column(a.name(), a.type()))
                .toList();
        if (procedure || !outputs.isEmpty()) {
            return outputs;
        }
        if (returnType == VOID || returnType == RECORD) {
            return List.of();
        }
        return types.resolve(returnType)
                .filter(PgType::isComposite)
                .map(t -> t.attributes().stream().map(a -> new Routine.Column(a.name(), a.type())).toList())
                .orElse(List.of(new Routine.Column(name, returnType)));
    }

    private static List<Long> longs(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add(((Number) o).longValue());
        }
        return out;
    }

    /** A text array column as a list; SQL NULL as an empty list. */
    static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add((String) o);
        }
        return out;
    }
}
