package dev.cairn.api;

import dev.cairn.data.PageSink;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code /v1} bodies a read answers: a list page {@code {data: [...], page: {take, skip,
 * nextCursor, total?}}}, one row as it is, or search hits {@code {data: [...]}} each with its
 * {@code _distance}. Rows arrive as JSON PostgreSQL built and are copied in, never re-parsed; what
 * this class adds around them is numbers and a base64url cursor, which need no escaping, so the body
 * is plain text (no JSON generator, whose shared buffer pool was a point of contention).
 */
final class EntityBody implements PageSink {

    /** Which body a read writes. */
    enum Shape { PAGE, ROW, HITS }

    private final Shape shape;
    private final int take;
    private final long skip;
    private final StringBuilder out = new StringBuilder(1024);
    private boolean any;

    EntityBody(Shape shape, int take, long skip) {
        this.shape = shape;
        this.take = take;
        this.skip = skip;
        if (shape != Shape.ROW) {
            out.append("{\"data\":[");
        }
    }

    @Override
    public void row(String json, Optional<String> distance) {
        if (any && shape != Shape.ROW) {
            out.append(',');
        }
        any = true;
        if (distance.isEmpty()) {
            out.append(json);
            return;
        }
        String d = distance.get();
        boolean number = !d.equals("NaN") && !d.endsWith("Infinity");
        out.append(json, 0, json.length() - 1).append(json.length() > 2 ? "," : "")
                .append("\"_distance\":").append(number ? d : "null").append('}');
    }

    @Override
    public void end(Optional<String> nextCursor, OptionalLong total) {
        if (shape == Shape.ROW) {
            return;
        }
        out.append(']');
        if (shape == Shape.PAGE) {
            out.append(",\"page\":{\"take\":").append(take).append(",\"skip\":").append(skip).append(",\"nextCursor\":");
            nextCursor.ifPresentOrElse(c -> out.append('"').append(c).append('"'), () -> out.append("null"));
            total.ifPresent(t -> out.append(",\"total\":").append(t));
            out.append('}');
        }
        out.append('}');
    }

    byte[] bytes() {
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
