package dev.cairn.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pool.PgServer;
import dev.cairn.pool.PoolManager;
import dev.cairn.pool.PoolSettings;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** CATALOG_CACHE_SIZE: past the bound the least recently used catalogs go, and come back when used. */
class CatalogCacheBoundTest {

    @Test
    void past_its_bound_the_cache_drops_the_least_recently_used_and_reloads_them_when_asked() {
        List<String> databases = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String database = "cairn_catalogs_" + TestGateway.randomHex();
            Pg.execute("postgres", "CREATE DATABASE " + database);
            Pg.execute(database, "CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42'");
            databases.add(database);
        }
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor();
        PoolSettings settings = new PoolSettings(1, 6, Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5),
                "cairn-catalog-test", Set.of());
        try (PoolManager pools = new PoolManager(PgServer.fromUrl(Pg.url("postgres")), settings, housekeeping)) {
            CatalogCache cache = new CatalogCache(pools, 10);
            List<Catalog> loaded = new ArrayList<>();
            for (String database : databases.subList(0, 10)) {
                loaded.add(cache.get(database, Optional.empty(), "v1"));
            }
            Catalog first = loaded.get(0);
            assertThat(cache.size()).isEqualTo(10);
            assertThat(cache.get(databases.get(0), Optional.empty(), "v1")).as("still cached").isSameAs(first);

            cache.get(databases.get(10), Optional.empty(), "v1"); // the 11th: the least recently used tenth goes
            cache.get(databases.get(11), Optional.empty(), "v1");

            assertThat(cache.size()).isLessThanOrEqualTo(10);
            assertThat(cache.get(databases.get(0), Optional.empty(), "v1")).as("used recently: kept").isSameAs(first);
            Catalog reloaded = cache.get(databases.get(1), Optional.empty(), "v1");
            assertThat(reloaded).as("the least recently used went: loaded again").isNotSameAs(loaded.get(1));
            assertThat(reloaded.routines("public", "answer")).isNotEmpty();
            assertThat(cache.get(databases.get(9), Optional.empty(), "v1")).isSameAs(loaded.get(9));
        } finally {
            housekeeping.shutdownNow();
            databases.forEach(Pg::drop);
        }
    }
}
