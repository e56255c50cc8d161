package dev.cairn.job;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cairn.deploy.MigrateOptions;
import dev.cairn.diff.AllowKind;
import java.util.List;

/**
 * How a fleet job runs, as stored with it (and shown in its status): enough to resume it the same way.
 *
 * @param allow       allow tokens, sorted
 * @param onError     {@code stop} or {@code continue}
 * @param concurrency databases at once, after the engine's cap
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobOptions(boolean force, List<String> allow, boolean dryRun, boolean verifySeeders, String onError,
                         int concurrency) {

    public JobOptions {
        allow = List.copyOf(allow);
    }

    static JobOptions of(MigrateOptions options, boolean stopOnError, int concurrency) {
        return new JobOptions(options.force(), options.allow().stream().map(AllowKind::token).sorted().toList(),
                options.dryRun(), options.verifySeeders(), stopOnError ? "stop" : "continue", concurrency);
    }

    MigrateOptions migrate() {
        return new MigrateOptions(force, AllowKind.parse(allow), dryRun, verifySeeders);
    }

    boolean stopOnError() {
        return "stop".equals(onError);
    }
}
