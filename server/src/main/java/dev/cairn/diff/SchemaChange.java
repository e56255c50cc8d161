package dev.cairn.diff;

import java.util.List;
import java.util.Optional;

/**
 * One difference between a database and its bundle's {@code tables/}, with its class and the SQL
 * that makes it. The field names of {@link #wire()} are the StoneScript gateway's
 * {@code schema_validation} items.
 *
 * @param type   CreateTable, DropTable, AddColumn, DropColumn, ModifyColumnType, ModifyColumnNullable,
 *               ModifyColumnDefault, AddIndex, DropIndex, AddConstraint, DropConstraint
 * @param column empty for table-level changes
 * @param allow  the allow token that permits it when it is not safe
 * @param sql    the statements that apply it, in order
 */
public record SchemaChange(String table, String type, String column, String fromType, String toType,
                           Compatibility compatibility, String reason, Optional<AllowKind> allow, List<String> sql) {

    public SchemaChange {
        sql = List.copyOf(sql);
    }

    public boolean safe() {
        return compatibility == Compatibility.SAFE;
    }

    /** The StoneScript-compatible item: {table, change_type, column, from_type, to_type, compatibility, reason}. */
    public java.util.Map<String, Object> wire() {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("table", table);
        m.put("change_type", type);
        m.put("column", column.isEmpty() ? null : column);
        m.put("from_type", fromType.isEmpty() ? null : fromType);
        m.put("to_type", toType.isEmpty() ? null : toType);
        m.put("compatibility", compatibility.wireName());
        m.put("reason", reason);
        allow.ifPresent(a -> m.put("allow", a.token()));
        m.put("sql", sql);
        return m;
    }
}
