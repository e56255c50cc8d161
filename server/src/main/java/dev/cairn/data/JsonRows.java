package dev.cairn.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.codec.ValueWriters;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A function's rows collected as JSON objects of its columns (each value through the codec's
 * writer), for faces that shape them further (GraphQL) and for functions run inside a transaction.
 */
public final class JsonRows implements RowSink {

    private static final JsonFactory JSON = new JsonFactory();
    private final List<String> rows = new ArrayList<>();
    private List<String> columns = List.of();
    private List<ValueWriters.ValueWriter> writers = List.of();

    @Override
    public void begin(List<String> columns, List<ValueWriters.ValueWriter> writers, long startedNanos) {
        this.columns = columns;
        this.writers = writers;
    }

    @Override
    public void row(String[] values) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (int i = 0; i < values.length; i++) {
                g.writeFieldName(columns.get(i));
                ValueWriters.writeOptional(g, Optional.ofNullable(values[i]), writers.get(i));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows.add(out.toString());
    }

    @Override
    public void end(long rows) {
    }

    /** The rows so far, in order. */
    public List<String> rows() {
        return rows;
    }
}
