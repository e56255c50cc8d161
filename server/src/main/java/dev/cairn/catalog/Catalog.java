package dev.cairn.catalog;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What one database offers to callers: its routines by name, its types and its tables. Built whole
 * by {@link CatalogLoader} and replaced whole, never edited; only the rendered-SQL memo grows.
 *
 * @param routines keyed by {@code schema.name}; unqualified calls look in {@code public}
 * @param tables   what the data faces serve
 */
public record Catalog(String database, Map<String, List<Routine>> routines, Types types, Tables tables,
                      Map<String, String> renderedSql, Map<Long, Object> perRoutine) {

    public Catalog(String database, Map<String, List<Routine>> routines, Types types, Tables tables) {
        this(database, Map.copyOf(routines), types, tables, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    public List<Routine> routines(String schema, String name) {
        return routines.getOrDefault(schema + "." + name, List.of());
    }

    /**
     * Something derived from one routine (the data plane keeps its JSON writers here), computed
     * once per catalog; {@code type} is the kind of value the caller stores, always the same per caller.
     */
    public <T> T perRoutine(Routine routine, Class<T> type, Function<Routine, T> compute) {
        return type.cast(perRoutine.computeIfAbsent(routine.oid(), oid -> compute.apply(routine)));
    }

    /** The SQL for one call shape, rendered once per catalog and reused (pgjdbc then prepares it server-side). */
    public String sql(String shapeKey, Function<String, String> render) {
        return renderedSql.computeIfAbsent(shapeKey, render);
    }
}
