package dev.cairn.catalog;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shape of a database's tables as PostgreSQL's catalog reports it: columns with their exact
 * types (typmods included), nullability and defaults, constraints and indexes as PostgreSQL
 * prints them back ({@code pg_get_constraintdef}, {@code pg_get_indexdef}). Both sides of a
 * schema diff are read this way, the desired side from a database built from the bundle, so the
 * comparison is between two catalogs, never between regular expressions over SQL text.
 *
 * @param tables keyed by {@code schema.table}
 * @param enums  enum types keyed by {@code schema.type}, labels in order
 */
public record SchemaSnapshot(Map<String, Table> tables, Map<String, List<String>> enums) {

    public SchemaSnapshot {
        tables = new TreeMap<>(tables);
        enums = new TreeMap<>(enums);
    }

    public static SchemaSnapshot empty() {
        return new SchemaSnapshot(Map.of(), Map.of());
    }

    /** A table; {@code key()} is {@code schema.name}. */
    public record Table(String schema, String name, List<Column> columns, List<Constraint> constraints,
                        List<Index> indexes) {
        public Table {
            columns = List.copyOf(columns);
            constraints = List.copyOf(constraints);
            indexes = List.copyOf(indexes);
        }

        public String key() {
            return schema + "." + name;
        }
    }

    /**
     * A column.
     *
     * @param type       {@code format_type(atttypid, atttypmod)}, e.g. {@code character varying(50)}
     * @param baseType   {@code format_type(atttypid, NULL)}, e.g. {@code character varying}
     * @param typmod     {@code atttypmod} (-1 when none)
     * @param defaultSql the default expression as PostgreSQL prints it; empty when there is none
     * @param identity   {@code a} (always), {@code d} (by default) or empty
     * @param generated  the generation expression of a stored generated column; empty otherwise
     */
    public record Column(String name, String type, String baseType, int typmod, boolean notNull, String defaultSql,
                         String identity, String generated) {
        public boolean hasDefault() {
            return !defaultSql.isEmpty();
        }
    }

    /** A constraint: type p (primary key), u (unique), c (check), f (foreign key), x (exclusion). */
    public record Constraint(String name, String type, String definition) {
    }

    /** An index that no constraint owns, with its full {@code CREATE INDEX} statement. */
    public record Index(String name, String definition) {
    }
}
