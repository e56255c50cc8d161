package dev.cairn.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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
 * The only stage of a call that touches a connection: binds the values, runs the SQL and writes
 * {@code {"rows": [...], "row_count": n, "execution_time_ms": t}}.
 *
 * <p>How a result is read depends on what the function promises:
 * <ul>
 *   <li>not a set: auto-commit, one round trip;</li>
 *   <li>a set from a {@code STABLE}/{@code IMMUTABLE} function: auto-commit with a row limit, one
 *       round trip; only if the set is larger than one batch is it run again through a cursor,
 *       which is harmless because such a function changes nothing;</li>
 *   <li>a set from a {@code VOLATILE} function: in a transaction through a cursor, one batch at a
 *       time, committed only after the last row was written (a client that goes away mid-stream
 *       rolls the call back). Running it twice is not an option: it may write.</li>
 * </ul>
 */
final class CallExecutor {

    static final int FETCH_SIZE = 1000;
    static final int BUFFER_LIMIT = 256 * 1024;
    /** Buffers shared across (virtual) threads: Jackson's default per-thread pool never reuses them here. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedLockFreePool())
            .build();

    /** The rows written, and the whole body unless it was streamed through {@code output}. */
    record Result(long rows, Optional<byte[]> body) {
    }

    private CallExecutor() {
    }

    static Result execute(Connection c, CallPlan plan, String database, CallOutput output) {
        long started = System.nanoTime();
        try {
            if (plan.routine().returnsSet() && plan.routine().readOnly()) {
                Optional<Result> small = probe(c, plan, started, output);
                if (small.isPresent()) {
                    return small.get();
                }
            }
            return plan.routine().returnsSet() ? cursor(c, plan, started, output) : single(c, plan, started, output);
        } catch (SQLException e) {
            throw failure(database, plan, e);
        } catch (IOException e) {
            throw new UncheckedIOException("client went away while the result was streaming", e);
        }
    }

    /** Auto-commit, everything in one round trip. */
    private static Result single(Connection c, CallPlan plan, long started, CallOutput output)
            throws SQLException, IOException {
        try (PreparedStatement ps = prepare(c, plan)) {
            if (plan.routine().returnsVoid()) {
                ps.execute();
                return respond(output, started, List.of(), List.of(), List.of());
            }
            if (!ps.execute()) {
                return respond(output, started, List.of(), List.of(), List.of()); // a procedure without outputs
            }
            try (ResultSet rs = ps.getResultSet()) {
                return respond(output, started, labels(rs), writers(rs, plan), readAll(rs, Integer.MAX_VALUE));
            }
        }
    }

    /** One round trip with a row limit; empty if the set is larger than one batch. */
    private static Optional<Result> probe(Connection c, CallPlan plan, long started, CallOutput output)
            throws SQLException, IOException {
        try (PreparedStatement ps = prepare(c, plan)) {
            ps.setMaxRows(FETCH_SIZE + 1);
            try (ResultSet rs = ps.executeQuery()) {
                List<String[]> rows = readAll(rs, FETCH_SIZE + 1);
                if (rows.size() > FETCH_SIZE) {
                    return Optional.empty();
                }
                return Optional.of(respond(output, started, labels(rs), writers(rs, plan), rows));
            }
        }
    }

    /** In a transaction through a cursor: rows are written as each batch arrives. */
    private static Result cursor(Connection c, CallPlan plan, long started, CallOutput output)
            throws SQLException, IOException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = prepare(c, plan)) {
            ps.setFetchSize(FETCH_SIZE);
            SpillingOutputStream body = new SpillingOutputStream(output, BUFFER_LIMIT);
            long rows = 0;
            try (ResultSet rs = ps.executeQuery(); JsonGenerator g = JSON.createGenerator(body)) {
                List<String> names = labels(rs);
                List<ValueWriters.ValueWriter> writers = writers(rs, plan);
                g.writeStartObject();
                g.writeArrayFieldStart("rows");
                while (rs.next()) {
                    writeRow(g, names, writers, row(rs, names.size()));
                    rows++;
                }
                g.writeEndArray();
                c.commit();
                end(g, rows, started);
            }
            return new Result(rows, body.finish());
        } catch (SQLException | IOException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            restoreAutoCommit(c);
        }
    }

    private static Result respond(CallOutput output, long started, List<String> names,
                                  List<ValueWriters.ValueWriter> writers, List<String[]> rows) throws IOException {
        SpillingOutputStream body = new SpillingOutputStream(output, BUFFER_LIMIT);
        try (JsonGenerator g = JSON.createGenerator(body)) {
            g.writeStartObject();
            g.writeArrayFieldStart("rows");
            for (String[] row : rows) {
                writeRow(g, names, writers, row);
            }
            g.writeEndArray();
            end(g, rows.size(), started);
        }
        return new Result(rows.size(), body.finish());
    }

    private static void end(JsonGenerator g, long rows, long started) throws IOException {
        g.writeNumberField("row_count", rows);
        g.writeNumberField("execution_time_ms", (System.nanoTime() - started) / 1_000_000);
        g.writeEndObject();
    }

    private static PreparedStatement prepare(Connection c, CallPlan plan) throws SQLException {
        PreparedStatement ps = c.prepareStatement(plan.sql());
        List<Optional<String>> values = plan.values();
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
    private static List<ValueWriters.ValueWriter> writers(ResultSet rs, CallPlan plan) throws SQLException {
        int columns = rs.getMetaData().getColumnCount();
        return columns == plan.writers().size()
                ? plan.writers() : Collections.<ValueWriters.ValueWriter>nCopies(columns, JsonGenerator::writeString);
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

    /** A row as PostgreSQL's text per column; a null entry is SQL NULL. */
    private static void writeRow(JsonGenerator g, List<String> names, List<ValueWriters.ValueWriter> writers,
                                 String[] values) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < names.size(); i++) {
            g.writeFieldName(names.get(i));
            ValueWriters.writeOptional(g, Optional.ofNullable(values[i]), writers.get(i));
        }
        g.writeEndObject();
    }

    /** PostgreSQL's own words, with its SQLSTATE; the HTTP status follows from the SQLSTATE class. */
    static CairnException failure(String database, CallPlan plan, SQLException e) {
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
        return new CairnException(Problem.of(ErrorCode.QUERY_FAILED,
                        plan.routine().name() + " failed: " + server.getMessage())
                .with("database", database)
                .with("function", plan.routine().name())
                .with("cause", server.getMessage())
                .with("sqlstate", server.getSQLState())
                .with("detail", server.getDetail())
                .with("hint", server.getHint()), e);
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
