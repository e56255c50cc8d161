package dev.cairn.data;

import dev.cairn.codec.ValueWriters.ValueWriter;
import java.util.List;
import java.util.Optional;

/**
 * One statement a planner made and {@link Executor} runs: what every face's request becomes
 * before it touches a connection. Immutable.
 *
 * @param sql        with one bound parameter per value; the SQL casts each to its type
 * @param parameters the values as PostgreSQL text; empty is SQL NULL
 * @param writers    a JSON writer per result column, as the catalog expects them
 * @param mode       how the statement runs (auto-commit, or in a transaction through a cursor)
 * @param subject    what the statement is about, for its errors
 * @param mayWrite   whether running it may write (a {@code VOLATILE} function may insert outbox rows
 *                   of its own, which the events relay then looks for)
 */
public record Query(String sql, List<Optional<String>> parameters, List<ValueWriter> writers, Mode mode,
                    Subject subject, boolean mayWrite) {

    public Query {
        parameters = List.copyOf(parameters);
        writers = List.copyOf(writers);
    }

    /** A statement that may write exactly when its mode says so. */
    public Query(String sql, List<Optional<String>> parameters, List<ValueWriter> writers, Mode mode, Subject subject) {
        this(sql, parameters, writers, mode, subject, mode == Mode.WRITE_SET);
    }

    /** How a statement is run, which depends on what it promises about writing. */
    public enum Mode {
        /** Auto-commit, one round trip, no rows to give (a {@code void} function). */
        NO_RESULT,
        /** Auto-commit, one round trip: a single value, a row, or nothing. */
        SINGLE,
        /**
         * A set that writes nothing: auto-commit with a row limit, one round trip; only a set larger
         * than one batch is run again through a cursor, harmless since it changes nothing.
         */
        READ_SET,
        /**
         * A set that may write: in a transaction through a cursor, one batch at a time, committed only
         * after the sink took the last row (a client that goes away mid-stream rolls it back).
         */
        WRITE_SET
    }

    /**
     * What a failing statement was about: {@code field} names it in the error body (for example
     * {@code function}), {@code name} is its value and begins the message.
     */
    public record Subject(String field, String name) {
    }
}
