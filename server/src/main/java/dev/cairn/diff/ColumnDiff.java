package dev.cairn.diff;

import dev.cairn.catalog.SchemaSnapshot.Column;
import dev.cairn.catalog.SchemaSnapshot.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Column differences of one table: added, dropped, retyped, nullability and default changes. */
final class ColumnDiff {

    private ColumnDiff() {
    }

    static List<SchemaChange> of(Table have, Table want) {
        Map<String, Column> current = have.columns().stream().collect(Collectors.toMap(Column::name, c -> c));
        Map<String, Column> desired = want.columns().stream().collect(Collectors.toMap(Column::name, c -> c));
        List<SchemaChange> out = new ArrayList<>();
        for (Column c : want.columns()) {
            Column old = current.get(c.name());
            if (old == null) {
                out.add(added(want, c));
            } else {
                out.addAll(changed(want, old, c));
            }
        }
        for (Column c : have.columns()) {
            if (!desired.containsKey(c.name())) {
                out.add(withTypes(SchemaDiff.change(have, "DropColumn", c.name(), Compatibility.DATALOSS,
                        "the column is not in the bundle: its values would be lost", Optional.of(AllowKind.DROP_COLUMN),
                        List.of(TableSql.dropColumn(have, c))), c.type(), ""));
            }
        }
        return out;
    }

    private static SchemaChange added(Table t, Column c) {
        boolean filled = !c.notNull() || c.hasDefault() || !c.identity().isEmpty() || !c.generated().isEmpty();
        SchemaChange change = filled
                ? SchemaDiff.change(t, "AddColumn", c.name(), Compatibility.SAFE,
                        c.notNull() ? "new column with a default" : "new nullable column", Optional.empty(),
                        TableSql.addColumn(t, c))
                : SchemaDiff.change(t, "AddColumn", c.name(), Compatibility.DATALOSS,
                        "new NOT NULL column without a default: existing rows have no value for it",
                        Optional.of(AllowKind.ADD_NOT_NULL_COLUMN), TableSql.addColumn(t, c));
        return withTypes(change, "", c.type());
    }

    private static List<SchemaChange> changed(Table t, Column old, Column c) {
        List<SchemaChange> out = new ArrayList<>();
        if (!old.type().equals(c.type())) {
            Compatibility compatibility = TypeChanges.classify(old, c);
            String reason = switch (compatibility) {
                case SAFE -> "widening: every value fits the new type";
                case DATALOSS -> "narrowing: values may be cut or refused";
                case INCOMPATIBLE -> "the old values have no meaning in the new type";
            };
            out.add(withTypes(SchemaDiff.change(t, "ModifyColumnType", c.name(), compatibility, reason,
                    compatibility == Compatibility.SAFE ? Optional.empty() : Optional.of(AllowKind.MODIFY_COLUMN_TYPE),
                    List.of(TableSql.alterType(t, old, c, compatibility != Compatibility.SAFE))), old.type(), c.type()));
        }
        if (old.notNull() != c.notNull()) {
            out.add(SchemaDiff.change(t, "ModifyColumnNullable", c.name(),
                    c.notNull() ? Compatibility.DATALOSS : Compatibility.SAFE,
                    c.notNull() ? "SET NOT NULL: rows holding NULL would be refused" : "DROP NOT NULL",
                    c.notNull() ? Optional.of(AllowKind.SET_NOT_NULL) : Optional.empty(),
                    List.of(TableSql.nullability(t, c))));
        }
        if (!old.defaultSql().equals(c.defaultSql()) && c.identity().isEmpty() && c.generated().isEmpty()) {
            out.add(SchemaDiff.change(t, "ModifyColumnDefault", c.name(), Compatibility.SAFE,
                    "the default changes (existing rows keep their values)", Optional.empty(),
                    List.of(TableSql.defaultOf(t, c))));
        }
        return out;
    }

    private static SchemaChange withTypes(SchemaChange c, String from, String to) {
        return new SchemaChange(c.table(), c.type(), c.column(), from, to, c.compatibility(), c.reason(), c.allow(),
                c.sql());
    }
}
