package dev.cairn.entity;

import dev.cairn.catalog.Tables;
import java.util.List;
import java.util.Optional;

/**
 * A table as the data API serves it: its path name, its fields, and how a row is identified.
 *
 * @param fields    one per column, in column order
 * @param key       the primary key's fields in key order (the segments of a composite id)
 * @param syntheticId whether rows gain an {@code id} field holding the composite id: only for a
 *                  key of several columns, and never when a column already answers to {@code id}
 */
public record Entity(String name, Tables.Table table, List<Field> fields, List<Field> key, boolean syntheticId) {

    public Entity {
        fields = List.copyOf(fields);
        key = List.copyOf(key);
    }

    /** A column under the name the API shows. */
    public record Field(String name, Tables.Column column) {
    }

    public Optional<Field> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** Rows can be addressed one by one only through a primary key. */
    public boolean addressable() {
        return !key.isEmpty();
    }
}
