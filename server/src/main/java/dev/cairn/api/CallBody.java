package dev.cairn.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import dev.cairn.codec.ValueWriters;
import dev.cairn.codec.ValueWriters.ValueWriter;
import dev.cairn.data.RowSink;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code /call} body, written as the rows arrive:
 * {@code {"rows": [{column: value}], "row_count": n, "execution_time_ms": t}}. Up to 256 KiB it is
 * buffered and sent whole (with Content-Length and Server-Timing, and a late failure can still be
 * an error answer); past that it streams through the response (chunked). Not thread-safe: one
 * request's thread writes it.
 */
final class CallBody implements RowSink, AutoCloseable {

    static final int BUFFER_LIMIT = 256 * 1024;
    /** Buffers shared across (virtual) threads: Jackson's default per-thread pool never reuses them here. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedLockFreePool())
            .build();

    private final SpillingOutputStream body;
    private JsonGenerator g;
    private List<String> names = List.of();
    private List<ValueWriter> writers = List.of();
    private long started;

    /** {@code stream} is asked for at most once, when the body outgrows the buffer. */
    CallBody(Supplier<OutputStream> stream) {
        this.body = new SpillingOutputStream(stream, BUFFER_LIMIT);
    }

    @Override
    public void begin(List<String> columns, List<ValueWriter> columnWriters, long startedNanos) throws IOException {
        names = columns;
        writers = columnWriters;
        started = startedNanos;
        g = JSON.createGenerator(body);
        g.writeStartObject();
        g.writeArrayFieldStart("rows");
    }

    @Override
    public void row(String[] values) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < names.size(); i++) {
            g.writeFieldName(names.get(i));
            ValueWriters.writeOptional(g, Optional.ofNullable(values[i]), writers.get(i));
        }
        g.writeEndObject();
    }

    @Override
    public void end(long rows) throws IOException {
        g.writeEndArray();
        g.writeNumberField("row_count", rows);
        g.writeNumberField("execution_time_ms", (System.nanoTime() - started) / 1_000_000);
        g.writeEndObject();
        g.close();
    }

    /** The whole body if it never outgrew the buffer; empty if it streamed (and that stream is now closed). */
    Optional<byte[]> finish() throws IOException {
        return body.finish();
    }

    /** A call that failed midway: what streamed already ends there (the client sees a truncated body). */
    @Override
    public void close() throws IOException {
        if (g != null && !g.isClosed()) {
            g.close();
        }
    }
}
