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
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The entities of one database, derived whole from its {@link Tables} and the platform's
 * {@link Naming}: built once per catalog, never edited. Two names that would collide are not
 * guessed between: two tables with one path name are both left out (and listed in
 * {@link #ambiguous()}), and two columns with one field name both keep their column names.
 */
public record Entities(Map<String, Entity> byName, List<String> ambiguous) {

    public Entities {
        byName = Collections.unmodifiableMap(new TreeMap<>(byName));
        ambiguous = List.copyOf(ambiguous);
    }

    public static Entities of(Tables tables, Naming naming) {
        Map<String, List<Tables.Table>> byPath = tables.tables().values().stream()
                .collect(Collectors.groupingBy(t -> Naming.entity(t.schema(), t.name()), TreeMap::new, Collectors.toList()));
        Map<String, Entity> entities = new HashMap<>();
        List<String> ambiguous = new ArrayList<>();
        byPath.forEach((path, sameName) -> {
            if (sameName.size() == 1) {
                entities.put(path, entity(path, sameName.get(0), naming));
            } else {
                sameName.forEach(t -> ambiguous.add(t.key()));
            }
        });
        return new Entities(entities, ambiguous);
    }

    /** The entity a path names; {@code 404 entity_not_found} otherwise. */
    public Entity require(String name) {
        return find(name).orElseThrow(() -> new CairnException(Problem.of(ErrorCode.ENTITY_NOT_FOUND,
                "there is no entity " + name).with("entity", name)));
    }

    public Optional<Entity> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    private static Entity entity(String path, Tables.Table table, Naming naming) {
        Map<String, Long> uses = table.columns().stream()
                .collect(Collectors.groupingBy(c -> naming.field(c.name()), Collectors.counting()));
        List<Entity.Field> fields = table.columns().stream().map(c -> {
            String converted = naming.field(c.name());
            return new Entity.Field(uses.get(converted) > 1 ? c.name() : converted, c);
        }).toList();
        Map<String, Entity.Field> byColumn = fields.stream()
                .collect(Collectors.toMap(f -> f.column().name(), Function.identity()));
        List<Entity.Field> key = table.primaryKey().stream().map(byColumn::get).toList();
        boolean synthetic = key.size() > 1 && fields.stream().noneMatch(f -> f.name().equals("id"));
        return new Entity(path, table, fields, key, synthetic);
    }
}
