package dev.cairn.job;

import dev.cairn.deploy.MigrateOptions;
import dev.cairn.fleet.RequestMeta;
import dev.cairn.diff.AllowKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    Map<String, Object> optionsJson(int effectiveConcurrency) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("force", options.force());
        m.put("allow", options.allow().stream().map(AllowKind::token).sorted().toList());
        m.put("dry_run", options.dryRun());
        m.put("verify_seeders", options.verifySeeders());
        m.put("on_error", stopOnError ? "stop" : "continue");
        m.put("concurrency", effectiveConcurrency);
        return m;
    }

    @SuppressWarnings("unchecked")
    static MigrateOptions options(Map<String, Object> json) {
        List<String> allow = (List<String>) json.getOrDefault("allow", List.of());
        return new MigrateOptions(Boolean.TRUE.equals(json.get("force")), AllowKind.parse(allow),
                Boolean.TRUE.equals(json.get("dry_run")), !Boolean.FALSE.equals(json.get("verify_seeders")));
    }
}
