package dev.cairn.catalog;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What one database offers to callers: its routines by name, its types and its tables. Built whole
 * by {@link CatalogLoader} and replaced whole, never edited. What a consumer derives from it
 * (rendered SQL, JSON writers, entities) lives beside it in that consumer's own typed cache
 * ({@link #cache}), made once per catalog and dropped with it.
 *
 * @param routines keyed by {@code schema.name}; unqualified calls look in {@code public}
 * @param tables   what the data faces serve
 */
public record Catalog(String database, Map<String, List<Routine>> routines, Types types, Tables tables,
                      Map<Key<?>, Object> caches) {

    public Catalog(String database, Map<String, List<Routine>> routines, Types types, Tables tables) {
        this(database, Map.copyOf(routines), types, tables, new ConcurrentHashMap<>());
    }

    /**
     * Names one consumer's cache and its type: each consumer holds one constant key, so two
     * consumers can never read each other's values.
     */
    public static final class Key<T> {
        private final String name;

        public Key(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public List<Routine> routines(String schema, String name) {
        return routines.getOrDefault(schema + "." + name, List.of());
    }

    /** The consumer's cache of this catalog, made on first use. */
    @SuppressWarnings("unchecked") // the key's type parameter is the only one ever stored under it
    public <T> T cache(Key<T> key, Supplier<T> create) {
        return (T) caches.computeIfAbsent(key, k -> create.get());
    }
}
