package dev.cairn.entity;

import dev.cairn.catalog.Tables;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The entities of one database, derived whole from its {@link Tables} and the platform's
 * {@link DataApiSettings}: built once per catalog and settings, never edited. Two names that would
 * collide are not guessed between: two tables with one path name are both left out (and listed in
 * {@link #ambiguous()}), two columns with one field name both keep their column names, and two
 * relations with one name are both left out.
 */
public record Entities(Map<String, Entity> byName, List<String> ambiguous, DataApiSettings settings,
                       Map<Long, List<String>> enumLabels) {

    public Entities {
        byName = Collections.unmodifiableMap(new TreeMap<>(byName));
        ambiguous = List.copyOf(ambiguous);
        enumLabels = Map.copyOf(enumLabels);
    }

    /** The labels of an enum type, in order; empty for any other type. */
    public List<String> labels(long type) {
        return enumLabels.getOrDefault(type, List.of());
    }

    /**
     * What the settings expose: hidden tables and fields left out; under row tenancy, only tables
     * that hold the tenant column (a table without one would be every tenant's).
     */
    public static Entities of(Tables tables, DataApiSettings settings) {
        Map<String, List<Tables.Table>> byPath = tables.tables().values().stream()
                .collect(Collectors.groupingBy(t -> Naming.entity(t.schema(), t.name()), TreeMap::new, Collectors.toList()));
        Map<String, Entity> entities = new HashMap<>();
        List<String> ambiguous = new ArrayList<>();
        byPath.forEach((path, sameName) -> {
            if (sameName.size() != 1) {
                sameName.forEach(t -> ambiguous.add(t.key()));
                return;
            }
            Tables.Table table = sameName.get(0);
            DataApiSettings.EntityRules rules = settings.rules(path);
            Optional<Tables.Column> tenant = table.column(settings.tenantColumn());
            if (rules.exposure() == DataApiSettings.Exposure.HIDDEN
                    || (settings.tenancy() == DataApiSettings.Tenancy.ROW && tenant.isEmpty())) {
                return;
            }
            entities.put(path, entity(path, table, settings.naming(), rules, tenant,
                    settings.tenancy() == DataApiSettings.Tenancy.ROW));
        });
        return new Entities(withRelations(entities, tables, settings.naming()), ambiguous, settings, tables.enumLabels());
    }

    /** The entity a path names; {@code 404 entity_not_found} otherwise. */
    public Entity require(String name) {
        return find(name).orElseThrow(() -> new CairnException(Problem.of(ErrorCode.ENTITY_NOT_FOUND,
                "there is no entity " + name).with("entity", name)));
    }

    public Optional<Entity> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    private static Entity entity(String path, Tables.Table table, Naming naming, DataApiSettings.EntityRules rules,
                                 Optional<Tables.Column> tenant, boolean rowTenancy) {
        List<Tables.Column> shown = table.columns().stream()
                .filter(c -> !rules.hiddenFields().contains(c.name()) && !rules.hiddenFields().contains(naming.field(c.name())))
                .toList();
        Map<String, Long> uses = shown.stream()
                .collect(Collectors.groupingBy(c -> naming.field(c.name()), Collectors.counting()));
        List<Entity.Field> fields = shown.stream().map(c -> {
            String converted = naming.field(c.name());
            boolean readOnly = rules.readOnlyFields().contains(c.name()) || rules.readOnlyFields().contains(converted);
            return new Entity.Field(uses.get(converted) > 1 ? c.name() : converted, c, readOnly);
        }).toList();
        List<Tables.Column> key = table.primaryKey().stream().map(k -> table.column(k).orElseThrow()).toList();
        boolean synthetic = key.size() > 1 && fields.stream().noneMatch(f -> f.name().equals("id"));
        return new Entity(path, table, fields, key, synthetic,
                rules.exposure() == DataApiSettings.Exposure.READ_ONLY, tenant, rowTenancy, List.of());
    }

    /**
     * Relations through foreign keys between served entities. To one row: named after the key
     * column without {@code _id} ({@code user_id} is {@code user}), else after the target table.
     * To many: named after the table that points here ({@code messages}).
     */
    private static Map<String, Entity> withRelations(Map<String, Entity> entities, Tables tables, Naming naming) {
        Map<String, String> byTable = new HashMap<>();
        entities.forEach((name, e) -> byTable.put(e.table().key(), name));
        Map<String, List<Entity.Relation>> relations = new HashMap<>();
        for (Entity e : entities.values()) {
            for (Tables.ForeignKey fk : e.table().foreignKeys()) {
                String target = byTable.get(fk.targetSchema() + "." + fk.targetTable());
                if (target == null) {
                    continue;
                }
                String one = fk.columns().size() == 1 && fk.columns().get(0).endsWith("_id")
                        ? naming.field(fk.columns().get(0).substring(0, fk.columns().get(0).length() - 3))
                        : naming.field(fk.targetTable());
                relations.computeIfAbsent(e.name(), k -> new ArrayList<>())
                        .add(new Entity.Relation(one, target, false, fk.columns(), fk.targetColumns()));
                relations.computeIfAbsent(target, k -> new ArrayList<>())
                        .add(new Entity.Relation(naming.field(e.table().name()), e.name(), true, fk.targetColumns(),
                                fk.columns()));
            }
        }
        Map<String, Entity> result = new HashMap<>();
        entities.forEach((name, e) -> {
            List<Entity.Relation> mine = relations.getOrDefault(name, List.of());
            Map<String, Long> uses = mine.stream().collect(Collectors.groupingBy(Entity.Relation::name, Collectors.counting()));
            List<Entity.Relation> unique = mine.stream()
                    .filter(r -> uses.get(r.name()) == 1 && e.field(r.name()).isEmpty()).toList();
            result.put(name, new Entity(e.name(), e.table(), e.fields(), e.key(), e.syntheticId(), e.readOnly(),
                    e.tenant(), e.rowTenancy(), unique));
        });
        return result;
    }
}
