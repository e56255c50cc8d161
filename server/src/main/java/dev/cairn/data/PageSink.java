package dev.cairn.data;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a data-API read puts its rows: the face's own body. Rows arrive as JSON objects PostgreSQL
 * built (see {@link RowJson}); called on the request's thread: {@link #row} per row, then
 * {@link #end} once.
 */
public interface PageSink {

    /**
     * One row.
     *
     * @param distance for an embedding search, the row's cosine distance
     */
    void row(String json, Optional<String> distance) throws IOException;

    /**
     * No more rows.
     *
     * @param nextCursor where the next page starts, if there are more rows
     * @param total      all rows the filter matches, when the request counted them
     */
    void end(Optional<String> nextCursor, OptionalLong total) throws IOException;
}
