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
 * {@link Progress} and end in a summary with every failure and its error. A job that is over
 * already (a server that answered {@code POST /v2/migrate-all} with the finished job) is read by
 * {@link #finished} and summarized the same way.
 */
final class JobFollower {

    /**
     * How a job ended, as the client reports it. The databases at the target are {@code changed}
     * plus {@code unchanged} (the server's {@code completed} counts both).
     */
    record Outcome(String jobId, long total, long changed, long unchanged, long failed, long skipped,
                   List<JsonNode> failures, Duration took) {

        /** The databases the job is done with, whatever their outcome. */
        long ended() {
            return changed + unchanged + failed + skipped;
        }

        /** 0 when every database succeeded; 3 when every failure is a blocked change; 4 otherwise. */
        int exitCode() {
            if (failed + skipped == 0) {
                return Exit.OK;
            }
            // Skipped databases are not counted: after a blocked canary the job skips the rest.
            long blocked = failures.stream().filter(ServerErrors::blocked).count();
            return failed > 0 && blocked == failed ? Exit.BLOCKED : Exit.SERVER;
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
                        if (failure(event)) {
                            failures.add(event);
                            failed += Json.text(event, "status").equals("failed") ? 1 : 0;
                        }
                    }
                    case "progress" -> total = Json.number(event, "total_databases");
                    case "done" -> {
                        Outcome outcome = outcome(jobId, event, failures, Duration.ofNanos(System.nanoTime() - started));
                        if (!json) {
                            progress.finish(outcome.ended(), outcome.total(), outcome.failed());
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

    /** A finished job's body, as {@code GET /v2/migrate-all/{id}} answers it (with its {@code results}). */
    static Outcome finished(JsonNode job, Duration took) {
        List<JsonNode> failures = Json.list(job, "results").stream().filter(JobFollower::failure).toList();
        return outcome(Json.text(job, "job_id"), job, failures, took);
    }

    private static boolean failure(JsonNode result) {
        String status = Json.text(result, "status");
        return status.equals("failed") || status.equals("skipped");
    }

    /** The totals of a job body or of the stream's {@code done} line. */
    private static Outcome outcome(String jobId, JsonNode totals, List<JsonNode> failures, Duration took) {
        return new Outcome(jobId, Json.number(totals, "total_databases"), Json.number(totals, "changed"),
                Json.number(totals, "unchanged"), Json.number(totals, "failed"), Json.number(totals, "skipped"),
                List.copyOf(failures), took);
    }

    /**
     * {@code done in 2.1s (schema main): 4 changed, 0 unchanged, 0 failed, 0 skipped of 4 database(s), job …}
     * and each failure.
     */
    void summary(Outcome o, Optional<String> label) {
        String counts = "%d changed, %d unchanged, %d failed, %d skipped".formatted(o.changed(), o.unchanged(),
                o.failed(), o.skipped());
        String line = "done in " + Durations.format(o.took()) + label.map(l -> " (" + l + ")").orElse("") + ": "
                + counts + " of " + o.total() + " database(s), job " + o.jobId();
        console.out().println(o.failed() + o.skipped() == 0 ? console.green(line) : console.red(line));
        for (JsonNode f : o.failures()) {
            console.out().println("  " + Json.text(f, "database") + " " + Json.text(f, "status") + ": "
                    + ServerErrors.describeResult(f).replace("\n", "\n    "));
        }
        console.out().flush();
    }
}
