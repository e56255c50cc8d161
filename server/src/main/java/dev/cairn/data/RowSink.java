package dev.cairn.data;

import dev.cairn.codec.ValueWriters.ValueWriter;
import java.io.IOException;
import java.util.List;

/**
 * Where {@link Executor} puts a statement's rows: the face's own body (the {@code /call} JSON,
 * a data-API page, a GraphQL result). Called on the request's thread, in this order: {@link #begin}
 * once, {@link #row} per row, {@link #end} once; an {@link IOException} means the client went away.
 */
public interface RowSink {

    /**
     * The statement ran and its result columns are known.
     *
     * @param writers      a JSON writer per column, from the type codec
     * @param startedNanos when execution began ({@link System#nanoTime()}), for an execution time
     */
    default void begin(List<String> columns, List<ValueWriter> writers, long startedNanos) throws IOException {
        // a sink that reads rows by position needs neither names nor writers
    }

    /** One row: PostgreSQL's text per column, {@code null} for SQL NULL. The array is the sink's to keep. */
    void row(String[] values) throws IOException;

    /** The last row was given; a statement run in a transaction has committed already. */
    void end(long rows) throws IOException;
}
