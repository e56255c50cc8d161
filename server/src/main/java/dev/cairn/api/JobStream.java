package dev.cairn.api;

import dev.cairn.job.JobEngine;
import dev.cairn.job.ItemResult;
import dev.cairn.job.JobView;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A job's progress as a stream: every database result once, as it lands, a progress line when
 * the counts move, and the final state last. NDJSON ({@code Accept: application/x-ndjson} or
 * {@code ?stream=ndjson}) or Server-Sent Events ({@code Accept: text/event-stream} or
 * {@code ?stream=sse}, events {@code result}, {@code progress}, {@code done}).
 */
final class JobStream {

    private static final long POLL_MILLIS = 250;

    enum Format { NDJSON, SSE }

    private final JobEngine jobs;
    private final Format format;

    JobStream(JobEngine jobs, Format format) {
        this.jobs = jobs;
        this.format = format;
    }

    static Optional<Format> format(ServerRequest req) {
        Optional<String> asked = req.query().first("stream").asOptional();
        if (asked.isPresent()) {
            return Optional.of(asked.get().equalsIgnoreCase("sse") ? Format.SSE : Format.NDJSON);
        }
        String accept = req.headers().first(HeaderNames.ACCEPT).orElse("");
        if (accept.contains("text/event-stream")) {
            return Optional.of(Format.SSE);
        }
        return accept.contains("application/x-ndjson") ? Optional.of(Format.NDJSON) : Optional.empty();
    }

    void send(UUID id, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, format == Format.SSE ? "text/event-stream" : "application/x-ndjson");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        Set<String> reported = new HashSet<>();
        String lastProgress = "";
        try (OutputStream out = res.outputStream()) {
            while (true) {
                JobView job = jobs.view(id);
                for (ItemResult result : job.results()) {
                    if (reported.add(result.database())) {
                        write(out, "result", Json.map(result));
                    }
                }
                Map<String, Object> progress = progress(job);
                String key = progress.toString();
                if (!key.equals(lastProgress) && !job.finished()) {
                    write(out, "progress", progress);
                    lastProgress = key;
                }
                if (job.finished()) {
                    write(out, "done", MigrateBodies.job(job, false));
                    return;
                }
                out.flush();
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the client went away; nothing else to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, Object> progress(JobView job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "progress");
        m.put("job_id", job.id().toString());
        m.put("status", job.status());
        m.put("total_databases", job.total());
        m.put("done", job.results().size());
        m.put("failed", job.count("failed"));
        return m;
    }

    private void write(OutputStream out, String event, Map<String, Object> data) throws IOException {
        Map<String, Object> line = data;
        if (format == Format.NDJSON && !data.containsKey("event")) {
            line = new LinkedHashMap<>();
            line.put("event", event);
            line.putAll(data);
        }
        byte[] json = Json.bytes(line);
        if (format == Format.SSE) {
            out.write(("event: " + event + "\ndata: ").getBytes(StandardCharsets.UTF_8));
            out.write(json);
            out.write("\n\n".getBytes(StandardCharsets.UTF_8));
        } else {
            out.write(json);
            out.write('\n');
        }
        out.flush();
    }
}
