package dev.cairn.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A fleet job as stored: its state, counts and the result of every database that finished.
 *
 * @param results per database in job order; pending ones are absent
 */
public record JobView(UUID id, String platform, Optional<String> schemaName, String status, int total,
                      Map<String, Integer> counts, List<ItemResult> results, JobOptions options,
                      Instant createdAt, Optional<Instant> startedAt, Optional<Instant> finishedAt) {

    public JobView {
        counts = Map.copyOf(counts);
        results = List.copyOf(results);
    }

    public boolean finished() {
        return !status.equals("queued") && !status.equals("running");
    }

    public int count(String itemStatus) {
        return counts.getOrDefault(itemStatus, 0);
    }
}
