package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Follows a fleet job through {@code GET /v2/migrate-all/{id}?stream=ndjson}: one {@code result}
 * line per database as it lands, {@code progress} lines, a {@code done} line with the totals. With
 * {@code --json} the lines are passed through as they come (for machines); otherwise they drive a
 * {@link Progress} and end in a summary with every failure and its error.
 */
final class JobFollower {

    /** How a job ended, as the client reports it. */
    record Outcome(String jobId, long total, long completed, long unchanged, long failed, long skipped,
                   List<JsonNode> failures, Duration took) {

        /** 0 when every database succeeded; 3 when every failure is a blocked change; 4 otherwise. */
        int exitCode() {
            if (failed + skipped == 0) {
                return Exit.OK;
            }
            boolean allBlocked = !failures.isEmpty() && failures.stream()
                    .filter(f -> "failed".equals(Json.text(f, "status")))
                    .allMatch(f -> ServerErrors.BLOCKED.equals(Json.text(f.path("error"), "error")));
            return allBlocked && failed > 0 ? Exit.BLOCKED : Exit.SERVER;
        }
    }

    private final Api api;
    private final Console console;
    private final boolean json;

    JobFollower(Api api, Console console, boolean json) {
        this.api = api;
        this.console = console;
        this.json = json;
    }

    Outcome follow(String jobId) {
        long started = System.nanoTime();
        Progress progress = new Progress(console);
        List<JsonNode> failures = new ArrayList<>();
        long done = 0;
        long total = 0;
        long failed = 0;
        try (Stream<String> lines = api.lines("/v2/migrate-all/" + jobId + "?stream=ndjson")) {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.isBlank()) {
                    continue;
                }
                if (json) {
                    console.out().println(line);
                    console.out().flush();
                }
                JsonNode event = Json.parse(line).orElseThrow(() -> new CliException(Exit.SERVER,
                        "the job stream sent a line that is not JSON: " + line));
                switch (Json.text(event, "event")) {
                    case "result" -> {
                        done++;
                        String status = Json.text(event, "status");
                        if (status.equals("failed") || status.equals("skipped")) {
                            failures.add(event);
                            failed += status.equals("failed") ? 1 : 0;
                        }
                    }
                    case "progress" -> total = Json.number(event, "total_databases");
                    case "done" -> {
                        Outcome outcome = outcome(jobId, event, failures, Duration.ofNanos(System.nanoTime() - started));
                        if (!json) {
                            progress.finish(outcome.completed() + outcome.unchanged() + outcome.failed()
                                    + outcome.skipped(), outcome.total(), outcome.failed());
                        }
                        return outcome;
                    }
                    default -> {
                        // an event this client does not know yet: newer servers may add some
                    }
                }
                if (!json && total > 0) {
                    progress.update(done, total, failed);
                }
            }
        } catch (UncheckedIOException e) {
            throw lost(jobId, e.getMessage());
        }
        throw lost(jobId, "the stream ended before the job finished");
    }

    private static CliException lost(String jobId, String why) {
        return new CliException(Exit.UNREACHABLE, "lost the job stream of " + jobId + " (" + why
                + "); the job goes on in the server: follow it again with 'cairn jobs watch " + jobId + "'");
    }

    private static Outcome outcome(String jobId, JsonNode done, List<JsonNode> failures, Duration took) {
        return new Outcome(jobId, Json.number(done, "total_databases"), Json.number(done, "completed"),
                Json.number(done, "unchanged"), Json.number(done, "failed"), Json.number(done, "skipped"),
                List.copyOf(failures), took);
    }

    /** {@code done in 2.1s: 4 completed, 1 unchanged, 0 failed, 0 skipped (job …)} and each failure. */
    void summary(Outcome o, Optional<String> label) {
        String counts = "%d completed, %d unchanged, %d failed, %d skipped".formatted(o.completed(), o.unchanged(),
                o.failed(), o.skipped());
        String line = "done in " + Durations.format(o.took()) + label.map(l -> " (" + l + ")").orElse("") + ": "
                + counts + " of " + o.total() + " database(s), job " + o.jobId();
        console.out().println(o.failed() + o.skipped() == 0 ? console.green(line) : console.red(line));
        for (JsonNode f : o.failures()) {
            JsonNode error = f.path("error");
            console.out().println("  " + Json.text(f, "database") + " " + Json.text(f, "status") + ": "
                    + ServerErrors.describe(error, "").replaceFirst("^error: ", "").replace("\n", "\n    "));
        }
        console.out().flush();
    }
}
