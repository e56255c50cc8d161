package dev.cairn.entity;

import dev.cairn.catalog.Tables;
import java.util.List;
import java.util.Optional;

/**
 * A table as the data API serves it: its path name, its fields, and how a row is identified.
 *
 * @param fields      the columns a client sees, in column order (hidden columns are not here)
 * @param key         the primary key's columns in key order (the segments of a composite id); a
 *                    hidden key column still identifies rows, it is just never shown
 * @param syntheticId whether rows gain an {@code id} field holding the composite id: only for a
 *                    key of several columns, and never when a column already answers to {@code id}
 * @param readOnly    the platform's settings allow reads only
 * @param tenant      the column holding the tenant (the platform's tenant column, when the table has it): a
 *                    write always stores the request's tenant there and may not name another
 * @param rowTenancy  the tenant column also scopes every read, update and delete (row tenancy)
 * @param relations   related entities through foreign keys, by the name {@code include} uses
 */
public record Entity(String name, Tables.Table table, List<Field> fields, List<Tables.Column> key,
                     boolean syntheticId, boolean readOnly, Optional<Tables.Column> tenant, boolean rowTenancy,
                     List<Relation> relations) {

    public Entity {
        fields = List.copyOf(fields);
        key = List.copyOf(key);
        relations = List.copyOf(relations);
    }

    /**
     * A column under the name the API shows.
     *
     * @param readOnly the settings forbid writes to it (generated and identity columns are read-only by nature)
     */
    public record Field(String name, Tables.Column column, boolean readOnly) {

        public boolean writable() {
            return !readOnly && column.writable();
        }
    }

    /**
     * A foreign key seen from this entity: to one row of {@code target} (this table holds the key)
     * or to many rows of it (the target table holds a key pointing here).
     *
     * @param columns       this table's columns of the join, in order
     * @param targetColumns the target table's columns they equal, in the same order
     */
    public record Relation(String name, String target, boolean many, List<String> columns, List<String> targetColumns) {
        public Relation {
            columns = List.copyOf(columns);
            targetColumns = List.copyOf(targetColumns);
        }
    }

    /** The column that scopes reads to the tenant: only under row tenancy. */
    public Optional<Tables.Column> tenantScope() {
        return rowTenancy ? tenant : Optional.empty();
    }

    public Optional<Field> field(String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public Optional<Relation> relation(String name) {
        return relations.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Rows can be addressed one by one only through a primary key. */
    public boolean addressable() {
        return !key.isEmpty();
    }

    /** The field a column is shown as, if it is shown. */
    public Optional<Field> fieldOf(Tables.Column column) {
        return fields.stream().filter(f -> f.column().name().equals(column.name())).findFirst();
    }

    /** How errors and descriptions name a column: its field name, or the column name when it is hidden. */
    public String nameOf(Tables.Column column) {
        return fieldOf(column).map(Field::name).orElse(column.name());
    }
}
