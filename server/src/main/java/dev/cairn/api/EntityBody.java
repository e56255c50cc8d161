package dev.cairn.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.data.PageSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code /v1} bodies a read answers: a list page {@code {data: [...], page: {take, skip,
 * nextCursor, total?}}}, one row as it is, or search hits {@code {data: [...]}} each with its
 * {@code _distance}. Rows arrive as JSON PostgreSQL built and are copied in, never re-parsed.
 */
final class EntityBody implements PageSink {

    /** Which body a read writes. */
    enum Shape { PAGE, ROW, HITS }

    private final Shape shape;
    private final int take;
    private final long skip;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private final JsonGenerator g;
    private boolean started;

    EntityBody(Shape shape, int take, long skip) {
        this.shape = shape;
        this.take = take;
        this.skip = skip;
        try {
            this.g = Json.FACTORY.createGenerator(out);
        } catch (IOException e) {
            throw new IllegalStateException("a generator over memory cannot fail", e);
        }
    }

    @Override
    public void row(String json, Optional<String> distance) throws IOException {
        start();
        if (distance.isEmpty()) {
            g.writeRawValue(json);
            return;
        }
        String d = distance.get();
        boolean number = !d.equals("NaN") && !d.endsWith("Infinity");
        g.writeRawValue(json.substring(0, json.length() - 1) + (json.length() > 2 ? "," : "") + "\"_distance\":"
                + (number ? d : "null") + "}");
    }

    @Override
    public void end(Optional<String> nextCursor, OptionalLong total) throws IOException {
        start();
        if (shape == Shape.ROW) {
            g.flush();
            return;
        }
        g.writeEndArray();
        if (shape == Shape.PAGE) {
            g.writeObjectFieldStart("page");
            g.writeNumberField("take", take);
            g.writeNumberField("skip", skip);
            g.writeFieldName("nextCursor");
            if (nextCursor.isPresent()) {
                g.writeString(nextCursor.get());
            } else {
                g.writeNull();
            }
            if (total.isPresent()) {
                g.writeNumberField("total", total.getAsLong());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
        g.flush();
    }

    private void start() throws IOException {
        if (started) {
            return;
        }
        started = true;
        if (shape != Shape.ROW) {
            g.writeStartObject();
            g.writeArrayFieldStart("data");
        }
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
