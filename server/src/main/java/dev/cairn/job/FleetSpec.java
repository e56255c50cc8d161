package dev.cairn.job;

import dev.cairn.deploy.MigrateOptions;
import dev.cairn.fleet.RequestMeta;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A fleet migrate as asked: whose databases (all of the platform's v1 databases when
 * {@code schemaName} is empty), how far it may go, and how to run.
 *
 * @param items       the databases in order, the canary first
 * @param concurrency what the client asked for; the engine caps it by the connection budget
 */
public record FleetSpec(String platform, Optional<String> schemaName, List<FleetItem> items, MigrateOptions options,
                        boolean stopOnError, OptionalInt concurrency, RequestMeta meta) {

    public FleetSpec {
        items = List.copyOf(items);
    }

    /** One database of the fleet and the stored version it is migrated to. */
    public record FleetItem(String database, long versionId) {
    }

    JobOptions jobOptions(int effectiveConcurrency) {
        return JobOptions.of(options, stopOnError, effectiveConcurrency);
    }
}
