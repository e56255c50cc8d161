package dev.cairn.job;

import dev.cairn.bundle.Variant;
import dev.cairn.deploy.MigrateOptions;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.MigrationTarget;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.Registrar;
import dev.cairn.fleet.Registry;
import dev.cairn.fleet.RequestMeta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * A v1 fleet migrate ({@code /migrate} without a tenant): every v1 database of a platform brought
 * to one uploaded bundle through the {@link JobEngine}, canary first, answered when done. v1 knows
 * two schemas: the main database is built from the bundle's main variant (schema {@code main}),
 * its tenants from the tenant variant (schema {@code tenant}; tenants recorded under {@code main}
 * belong to the fleet too). Databases of v2 schemas are not part of it.
 */
public final class V1Fleet {

    private static final String TENANT_SCHEMA = "tenant";

    private final Registry registry;
    private final Registrar registrar;
    private final JobEngine jobs;

    public V1Fleet(Registry registry, Registrar registrar, JobEngine jobs) {
        this.registry = registry;
        this.registrar = registrar;
        this.jobs = jobs;
    }

    /**
     * How a v1 fleet migrate ended.
     *
     * @param job     the job that ran it; empty for a dry run (stored nowhere) and for an empty fleet
     * @param results per database in fleet order, the canary first
     */
    public record Result(String platform, Optional<UUID> job, List<ItemResult> results, long elapsedMs,
                         boolean dryRun) {

        public Result {
            results = List.copyOf(results);
        }

        /** A database failed or was skipped; a dry run only reports, so it is never incomplete. */
        public boolean incomplete() {
            return !dryRun && results.stream().map(ItemResult::status)
                    .anyMatch(s -> "failed".equals(s) || "skipped".equals(s));
        }
    }

    /**
     * Uploads the bundle (stored as the next version of {@code main} and {@code tenant}, unless a
     * dry run) and migrates the fleet to it. v1 asks for no concurrency: the engine's default.
     */
    public Result migrate(String platform, byte[] archive, MigrateOptions options, RequestMeta meta) {
        long started = System.nanoTime();
        registry.requirePlatform(platform, "; POST /register its bundle first");
        List<Map.Entry<String, MigrationTarget>> work = work(platform, archive, options);
        if (options.dryRun()) {
            List<ItemOutcome> outcomes = jobs.dryRun(platform, work, options, OptionalInt.empty(), meta);
            return new Result(platform, Optional.empty(), outcomes.stream().map(ItemOutcome::item).toList(),
                    elapsedMs(started), true);
        }
        if (work.isEmpty()) {
            return new Result(platform, Optional.empty(), List.of(), 0, false);
        }
        List<FleetSpec.FleetItem> items = work.stream().map(w -> new FleetSpec.FleetItem(w.getKey(),
                w.getValue().version().orElseThrow().id())).toList();
        JobEngine.Started job = jobs.start(new FleetSpec(platform, Optional.empty(), items, options, false,
                OptionalInt.empty(), meta));
        JobView done = jobs.await(job.id());
        return new Result(platform, Optional.of(job.id()), done.results(), elapsedMs(started), false);
    }

    /**
     * Each database of the fleet with its target, in registry order (the main database, the
     * canary, first). The bundle is read and stored once per variant, and only for a variant some
     * database needs.
     */
    private List<Map.Entry<String, MigrationTarget>> work(String platform, byte[] archive, MigrateOptions options) {
        Map<String, MigrationTarget> targets = new HashMap<>();
        List<Map.Entry<String, MigrationTarget>> work = new ArrayList<>();
        for (DatabaseRecord d : members(platform)) {
            String schema = d.isMain() ? Names.MAIN : TENANT_SCHEMA;
            MigrationTarget target = targets.computeIfAbsent(schema, s -> registrar.upload(platform, s, archive,
                    d.isMain() ? Variant.MAIN : Variant.TENANT, !options.dryRun()));
            work.add(Map.entry(d.name(), target));
        }
        return work;
    }

    private List<DatabaseRecord> members(String platform) {
        return registry.databases(platform).stream()
                .filter(d -> d.isMain() ? d.schemaName().equals(Names.MAIN)
                        : d.schemaName().equals(TENANT_SCHEMA) || d.schemaName().equals(Names.MAIN))
                .toList();
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
