package dev.cairn.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A database's tables as the data faces see them: columns with their types, keys, foreign keys
 * and comments, read from {@code pg_catalog} by {@link TableReader} and replaced whole with the
 * {@link Catalog} that holds them. User schemas only: never {@code cairn}, system schemas, tables
 * an extension owns, partitions, or the StoneScript gateway's bookkeeping.
 *
 * @param tables     keyed by {@code schema.name}
 * @param enumLabels the labels of the database's enum types, by type OID, in their order
 */
public record Tables(Map<String, Table> tables, Map<Long, List<String>> enumLabels) {

    public Tables {
        tables = java.util.Collections.unmodifiableMap(new TreeMap<>(tables));
        enumLabels = Map.copyOf(enumLabels);
    }

    public static Tables none() {
        return new Tables(Map.of(), Map.of());
    }

    public Optional<Table> find(String schema, String name) {
        return Optional.ofNullable(tables.get(schema + "." + name));
    }

    /** The foreign keys of other tables (and of {@code target} itself) that point at {@code target}. */
    public List<Referencing> referencing(Table target) {
        return tables.values().stream().flatMap(t -> t.foreignKeys().stream()
                        .filter(fk -> fk.targetSchema().equals(target.schema()) && fk.targetTable().equals(target.name()))
                        .map(fk -> new Referencing(t, fk)))
                .toList();
    }

    /** A foreign key seen from the table it points at: {@code from} holds it. */
    public record Referencing(Table from, ForeignKey key) {
    }

    /**
     * One table.
     *
     * @param primaryKey the primary key's columns in key order; empty when the table has none
     */
    public record Table(long oid, String schema, String name, List<Column> columns, List<String> primaryKey,
                        List<UniqueKey> uniqueKeys, List<ForeignKey> foreignKeys, Optional<String> comment) {

        public Table {
            columns = List.copyOf(columns);
            primaryKey = List.copyOf(primaryKey);
            uniqueKeys = List.copyOf(uniqueKeys);
            foreignKeys = List.copyOf(foreignKeys);
        }

        public String key() {
            return schema + "." + name;
        }

        public Optional<Column> column(String column) {
            return columns.stream().filter(c -> c.name().equals(column)).findFirst();
        }
    }

    /**
     * One column.
     *
     * @param type       the type's OID (the codec's key)
     * @param sqlType    {@code format_type(atttypid, atttypmod)}, e.g. {@code character varying(100)}
     * @param typmod     {@code atttypmod}, -1 when none
     * @param hasDefault a default expression, or an identity, fills it when a row leaves it out
     * @param generated  a stored generated column: never written
     */
    public record Column(String name, int position, long type, String sqlType, int typmod, boolean notNull,
                         boolean hasDefault, Identity identity, boolean generated, Optional<String> comment) {

        /** May a write name this column? Not a generated one, not an identity that is always generated. */
        public boolean writable() {
            return !generated && identity != Identity.ALWAYS;
        }

        /** Must an insert name it? NOT NULL with nothing to fill it. */
        public boolean required() {
            return notNull && !hasDefault && identity == Identity.NONE && !generated;
        }
    }

    /** {@code GENERATED ALWAYS AS IDENTITY} or {@code BY DEFAULT}. */
    public enum Identity { NONE, ALWAYS, BY_DEFAULT }

    /** A unique constraint's columns, in order. */
    public record UniqueKey(String name, List<String> columns) {
        public UniqueKey {
            columns = List.copyOf(columns);
        }
    }

    /** {@code columns} of the holding table reference {@code targetColumns} of {@code targetSchema.targetTable}. */
    public record ForeignKey(String name, List<String> columns, String targetSchema, String targetTable,
                             List<String> targetColumns) {
        public ForeignKey {
            columns = List.copyOf(columns);
            targetColumns = List.copyOf(targetColumns);
        }
    }
}
