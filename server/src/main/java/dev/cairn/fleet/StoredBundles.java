package dev.cairn.fleet;

import dev.cairn.bundle.Bundle;
import dev.cairn.bundle.BundleReader;
import dev.cairn.bundle.Variant;
import dev.cairn.deploy.BundleDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Stored schema versions, read and checksummed once per variant: tenant creation and fleet jobs reuse them. */
final class StoredBundles {

    private static final int CACHE_SIZE = 64;

    private final Registry registry;
    private final BundleReader reader;
    private final Map<Key, MigrationTarget> cache = new ConcurrentHashMap<>();

    private record Key(long versionId, Variant variant) {
    }

    StoredBundles(Registry registry, BundleReader reader) {
        this.registry = registry;
        this.reader = reader;
    }

    MigrationTarget target(SchemaVersion version, Variant variant) {
        Key key = new Key(version.id(), variant);
        MigrationTarget hit = cache.get(key);
        if (hit != null) {
            return hit;
        }
        Bundle bundle = reader.read(registry.archive(version.id()), variant);
        MigrationTarget fresh = MigrationTarget.stored(version, bundle, BundleDigest.of(bundle));
        if (cache.size() >= CACHE_SIZE) {
            cache.clear(); // tiny and rarely full: a simple reset beats an LRU here
        }
        cache.put(key, fresh);
        return fresh;
    }
}
