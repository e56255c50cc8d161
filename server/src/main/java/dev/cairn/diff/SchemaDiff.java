package dev.cairn.diff;

import dev.cairn.catalog.SchemaSnapshot;
import dev.cairn.catalog.SchemaSnapshot.Column;
import dev.cairn.catalog.SchemaSnapshot.Constraint;
import dev.cairn.catalog.SchemaSnapshot.Index;
import dev.cairn.catalog.SchemaSnapshot.Table;
import dev.cairn.sql.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares a database's tables with the tables its bundle describes and lists every difference
 * with its class and SQL, in an order that applies cleanly: drops of constraints and indexes,
 * new enum values, new tables, column changes, then new indexes, constraints and, last, foreign
 * keys (so new tables may reference each other in any order), then dropped tables.
 */
public final class SchemaDiff {

    private SchemaDiff() {
    }

    public static Plan diff(SchemaSnapshot current, SchemaSnapshot desired) {
        List<SchemaChange> loosen = new ArrayList<>();
        List<SchemaChange> enums = enumChanges(current, desired);
        List<SchemaChange> create = new ArrayList<>();
        List<SchemaChange> columns = new ArrayList<>();
        List<SchemaChange> tighten = new ArrayList<>();
        List<SchemaChange> foreignKeys = new ArrayList<>();
        List<SchemaChange> drops = new ArrayList<>();
        for (Table want : desired.tables().values()) {
            Table have = current.tables().get(want.key());
            if (have == null) {
                create.add(createTable(want));
                tighten.addAll(indexesAndConstraints(want, List.of(), List.of(), false));
                foreignKeys.addAll(indexesAndConstraints(want, List.of(), List.of(), true));
            } else {
                loosen.addAll(removed(have, want));
                columns.addAll(ColumnDiff.of(have, want));
                tighten.addAll(indexesAndConstraints(want, have.indexes(), have.constraints(), false));
                foreignKeys.addAll(indexesAndConstraints(want, have.indexes(), have.constraints(), true));
            }
        }
        for (Table have : current.tables().values()) {
            if (!desired.tables().containsKey(have.key())) {
                drops.add(change(have, "DropTable", "", Compatibility.DATALOSS,
                        "the table is in the database but not in the bundle's tables/: its rows would be lost",
                        Optional.of(AllowKind.DROP_TABLE), List.of(TableSql.dropTable(have))));
            }
        }
        List<SchemaChange> all = new ArrayList<>();
        for (List<SchemaChange> phase : List.of(loosen, enums, create, columns, tighten, foreignKeys, drops)) {
            all.addAll(phase);
        }
        return new Plan(all);
    }

    private static SchemaChange createTable(Table want) {
        return change(want, "CreateTable", "", Compatibility.SAFE, "new table", Optional.empty(),
                TableSql.createTable(want));
    }

    /** Indexes and constraints the database has and the bundle does not: dropping them loses no data. */
    private static List<SchemaChange> removed(Table have, Table want) {
        List<SchemaChange> out = new ArrayList<>();
        Map<String, Constraint> wanted = byShape(want.constraints(), SchemaDiff::constraintShape);
        for (Constraint c : have.constraints()) {
            if (!wanted.containsKey(constraintShape(c)) || renamedAway(c.name(), want.constraints(), c.definition())) {
                out.add(change(have, "DropConstraint", c.name(), Compatibility.SAFE,
                        "constraint " + c.name() + " is not in the bundle", Optional.empty(),
                        List.of(TableSql.dropConstraint(have, c))));
            }
        }
        Map<String, Index> wantedIndexes = byShape(want.indexes(), i -> indexShape(i.definition()));
        for (Index i : have.indexes()) {
            boolean sameNameOtherShape = want.indexes().stream()
                    .anyMatch(w -> w.name().equals(i.name()) && !indexShape(w.definition()).equals(indexShape(i.definition())));
            if (!wantedIndexes.containsKey(indexShape(i.definition())) || sameNameOtherShape) {
                out.add(change(have, "DropIndex", i.name(), Compatibility.SAFE, "index " + i.name()
                        + " is not in the bundle", Optional.empty(), List.of(TableSql.dropIndex(have, i.name()))));
            }
        }
        return out;
    }

    /** A constraint whose name the bundle gives to a different definition must go first. */
    private static boolean renamedAway(String name, List<Constraint> wanted, String definition) {
        return wanted.stream().anyMatch(w -> w.name().equals(name) && !w.definition().equals(definition));
    }

    /** New indexes and constraints of one table: foreign keys ({@code fk}) or all the others. */
    private static List<SchemaChange> indexesAndConstraints(Table want, List<Index> haveIndexes,
                                                            List<Constraint> haveConstraints, boolean fk) {
        List<SchemaChange> out = new ArrayList<>();
        Map<String, Constraint> have = byShape(haveConstraints, SchemaDiff::constraintShape);
        for (Constraint c : want.constraints()) {
            boolean present = have.containsKey(constraintShape(c)) && !renamedAway(c.name(), haveConstraints, c.definition());
            if (c.type().equals("f") == fk && !present) {
                out.add(change(want, "AddConstraint", c.name(), Compatibility.SAFE,
                        "new " + constraintKind(c) + "; existing rows must satisfy it", Optional.empty(),
                        List.of(TableSql.addConstraint(want, c))));
            }
        }
        if (!fk) {
            Map<String, Index> haveByShape = byShape(haveIndexes, i -> indexShape(i.definition()));
            for (Index i : want.indexes()) {
                boolean sameNameOtherShape = haveIndexes.stream()
                        .anyMatch(h -> h.name().equals(i.name()) && !indexShape(h.definition()).equals(indexShape(i.definition())));
                if (!haveByShape.containsKey(indexShape(i.definition())) || sameNameOtherShape) {
                    out.add(change(want, "AddIndex", i.name(), Compatibility.SAFE, "new index", Optional.empty(),
                            List.of(i.definition())));
                }
            }
        }
        return out;
    }

    private static List<SchemaChange> enumChanges(SchemaSnapshot current, SchemaSnapshot desired) {
        List<SchemaChange> out = new ArrayList<>();
        desired.enums().forEach((type, labels) -> {
            List<String> have = current.enums().get(type);
            if (have == null) {
                return; // a new type: types/ creates it
            }
            List<String> present = new ArrayList<>(have);
            for (int i = 0; i < labels.size(); i++) {
                String label = labels.get(i);
                if (!present.contains(label)) {
                    String sql = "ALTER TYPE " + quotedType(type) + " ADD VALUE IF NOT EXISTS "
                            + Identifiers.literal(label) + position(labels, i, present);
                    present.add(label);
                    out.add(new SchemaChange(type, "AddEnumValue", label, "", "", Compatibility.SAFE,
                            "new enum value", Optional.empty(), List.of(sql)));
                }
            }
        });
        return out;
    }

    /** After the nearest earlier label that exists, else before the nearest later one: the bundle's order. */
    private static String position(List<String> labels, int index, List<String> present) {
        for (int j = index - 1; j >= 0; j--) {
            if (present.contains(labels.get(j))) {
                return " AFTER " + Identifiers.literal(labels.get(j));
            }
        }
        for (int j = index + 1; j < labels.size(); j++) {
            if (present.contains(labels.get(j))) {
                return " BEFORE " + Identifiers.literal(labels.get(j));
            }
        }
        return "";
    }

    private static String quotedType(String qualified) {
        int dot = qualified.indexOf('.');
        return Identifiers.quote(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    static SchemaChange change(Table t, String type, String column, Compatibility compatibility, String reason,
                               Optional<AllowKind> allow, List<String> sql) {
        return new SchemaChange(t.key(), type, column, "", "", compatibility, reason, allow, sql);
    }

    private static String constraintShape(Constraint c) {
        return c.type() + ":" + c.definition();
    }

    private static String constraintKind(Constraint c) {
        return switch (c.type()) {
            case "p" -> "primary key";
            case "u" -> "unique constraint";
            case "c" -> "check constraint";
            case "f" -> "foreign key";
            default -> "constraint";
        };
    }

    /** An index definition without its own name, so a renamed but identical index is not a change. */
    static String indexShape(String definition) {
        return definition.replaceFirst("^(CREATE (?:UNIQUE )?INDEX )\\S+ ON ", "$1? ON ");
    }

    private static <T> Map<String, T> byShape(List<T> items, Function<T, String> shape) {
        return items.stream().collect(Collectors.toMap(shape, i -> i, (a, b) -> a));
    }
}
