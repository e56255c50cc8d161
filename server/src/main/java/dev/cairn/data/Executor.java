package dev.cairn.data;

import dev.cairn.codec.ValueWriters.ValueWriter;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The only stage of the pipeline that touches a connection: binds a {@link Query}'s values, runs
 * it as its {@link Query.Mode} says and hands the rows to the face's {@link RowSink}. The
 * transaction boundary is here, so whatever else a write must commit with it belongs here too.
 */
final class Executor {

    static final int FETCH_SIZE = 1000;

    private Executor() {
    }

    /** Runs the query; the rows it handed to the sink. */
    static long execute(Connection c, Query query, String database, RowSink sink) {
        long started = System.nanoTime();
        try {
            if (query.mode() == Query.Mode.READ_SET) {
                Optional<Long> small = probe(c, query, started, sink);
                if (small.isPresent()) {
                    return small.get();
                }
            }
            return switch (query.mode()) {
                case NO_RESULT -> nothing(c, query, started, sink);
                case SINGLE -> single(c, query, started, sink);
                case READ_SET, WRITE_SET -> cursor(c, query, started, sink);
            };
        } catch (SQLException e) {
            throw failure(database, query, e);
        } catch (IOException e) {
            throw new UncheckedIOException("client went away while the result was streaming", e);
        }
    }

    /** Work inside a transaction {@link #inTransaction} runs. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on {@code c}: committed when it returns, rolled back when
     * it throws. Statements inside run through {@link #execute} (never in {@link Query.Mode#WRITE_SET},
     * which commits by itself).
     */
    static <T> T inTransaction(Connection c, String database, Work<T> work) {
        try {
            c.setAutoCommit(false);
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException e) {
            rollbackQuietly(c);
            throw failure(database, new Query.Subject("database", database), e);
        } catch (RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            restoreAutoCommit(c);
        }
    }

    /** Auto-commit, one round trip, whatever it returns ignored. */
    private static long nothing(Connection c, Query query, long started, RowSink sink) throws SQLException, IOException {
        try (PreparedStatement ps = prepare(c, query)) {
            ps.execute();
        }
        return deliver(sink, started, List.of(), List.of(), List.of());
    }

    /** Auto-commit, everything in one round trip. */
    private static long single(Connection c, Query query, long started, RowSink sink) throws SQLException, IOException {
        try (PreparedStatement ps = prepare(c, query)) {
            if (!ps.execute()) {
                return deliver(sink, started, List.of(), List.of(), List.of()); // a procedure without outputs
            }
            try (ResultSet rs = ps.getResultSet()) {
                return deliver(sink, started, labels(rs), writers(rs, query), readAll(rs, Integer.MAX_VALUE));
            }
        }
    }

    /** One round trip with a row limit; empty if the set is larger than one batch. */
    private static Optional<Long> probe(Connection c, Query query, long started, RowSink sink)
            throws SQLException, IOException {
        try (PreparedStatement ps = prepare(c, query)) {
            ps.setMaxRows(FETCH_SIZE + 1);
            try (ResultSet rs = ps.executeQuery()) {
                List<String[]> rows = readAll(rs, FETCH_SIZE + 1);
                if (rows.size() > FETCH_SIZE) {
                    return Optional.empty();
                }
                return Optional.of(deliver(sink, started, labels(rs), writers(rs, query), rows));
            }
        }
    }

    /** In a transaction through a cursor: the sink takes each batch as it arrives; commit after the last. */
    private static long cursor(Connection c, Query query, long started, RowSink sink) throws SQLException, IOException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = prepare(c, query)) {
            ps.setFetchSize(FETCH_SIZE);
            long rows = 0;
            try (ResultSet rs = ps.executeQuery()) {
                List<String> names = labels(rs);
                sink.begin(names, writers(rs, query), started);
                while (rs.next()) {
                    sink.row(row(rs, names.size()));
                    rows++;
                }
            }
            c.commit(); // before the body ends: a commit that fails must not read as a complete answer
            sink.end(rows);
            return rows;
        } catch (SQLException | IOException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            restoreAutoCommit(c);
        }
    }

    private static long deliver(RowSink sink, long started, List<String> names, List<ValueWriter> writers,
                                List<String[]> rows) throws IOException {
        sink.begin(names, writers, started);
        for (String[] row : rows) {
            sink.row(row);
        }
        sink.end(rows.size());
        return rows.size();
    }

    private static PreparedStatement prepare(Connection c, Query query) throws SQLException {
        PreparedStatement ps = c.prepareStatement(query.sql());
        List<Optional<String>> values = query.parameters();
        for (int i = 0; i < values.size(); i++) {
            Optional<String> value = values.get(i);
            if (value.isPresent()) {
                ps.setObject(i + 1, value.get(), Types.OTHER); // "unknown": the cast in the SQL decides the type
            } else {
                ps.setNull(i + 1, Types.OTHER);
            }
        }
        return ps;
    }

    private static List<String> labels(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> names = new ArrayList<>(md.getColumnCount());
        for (int i = 1; i <= md.getColumnCount(); i++) {
            names.add(md.getColumnLabel(i));
        }
        return names;
    }

    /** The catalog's writers, unless the result's shape is not what the catalog said (then strings). */
    private static List<ValueWriter> writers(ResultSet rs, Query query) throws SQLException {
        int columns = rs.getMetaData().getColumnCount();
        return columns == query.writers().size()
                ? query.writers() : Collections.<ValueWriter>nCopies(columns, (g, text) -> g.writeString(text));
    }

    private static List<String[]> readAll(ResultSet rs, int limit) throws SQLException {
        int columns = rs.getMetaData().getColumnCount();
        List<String[]> rows = new ArrayList<>();
        while (rows.size() < limit && rs.next()) {
            rows.add(row(rs, columns));
        }
        return rows;
    }

    private static String[] row(ResultSet rs, int columns) throws SQLException {
        String[] values = new String[columns];
        for (int i = 0; i < columns; i++) {
            values[i] = rs.getString(i + 1);
        }
        return values;
    }

    /** PostgreSQL's own words, with its SQLSTATE; the HTTP status follows from the SQLSTATE class. */
    private static CairnException failure(String database, Query query, SQLException e) {
        return failure(database, query.subject(), e);
    }

    private static CairnException failure(String database, Query.Subject subject, SQLException e) {
        if (!(e instanceof PSQLException pg) || pg.getServerErrorMessage() == null) {
            return new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED,
                    "lost the connection to database " + database + ": " + e.getMessage())
                    .with("database", database), e);
        }
        ServerErrorMessage server = pg.getServerErrorMessage();
        String state = server.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
            // The server ended or refused the session (restart, failover, too many connections): retry.
            return new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, "database " + database
                    + " is unavailable: " + server.getMessage()).with("database", database).with("sqlstate", state), e);
        }
        return new CairnException(Problem.of(ErrorCode.QUERY_FAILED, subject.name() + " failed: " + server.getMessage())
                .with("database", database)
                .with(subject.field(), subject.name())
                .with("cause", server.getMessage())
                .with("sqlstate", server.getSQLState())
                .with("detail", server.getDetail())
                .with("hint", server.getHint())
                .with("constraint", server.getConstraint())
                .with("column", server.getColumn()), e);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // A broken connection: Hikari discards it and the server rolls back.
        }
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // Same as above: the pool will not hand out a broken connection again.
        }
    }
}
