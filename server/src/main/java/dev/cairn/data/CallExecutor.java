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
import java.util.List;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The only stage of a call that touches a connection: binds the values, runs the SQL and writes
 * {@code {"rows": [...], "row_count": n, "execution_time_ms": t}} as rows arrive. A set-returning
 * function runs in a transaction with a cursor, so a large result streams in batches instead of
 * being held in memory; everything else runs in auto-commit mode (one round trip).
 */
final class CallExecutor {

    static final int FETCH_SIZE = 1000;
    static final int BUFFER_LIMIT = 256 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private CallExecutor() {
    }

    /** The rows written, and the whole body unless it was streamed through {@code output}. */
    record Result(long rows, java.util.Optional<byte[]> body) {
    }

    static Result execute(Connection c, CallPlan plan, String database, CallOutput output) {
        long started = System.nanoTime();
        boolean cursor = plan.routine().returnsSet();
        SpillingOutputStream body = new SpillingOutputStream(output, BUFFER_LIMIT);
        try {
            if (cursor) {
                c.setAutoCommit(false);
            }
            long rows;
            try (PreparedStatement ps = c.prepareStatement(plan.sql()); JsonGenerator g = JSON.createGenerator(body)) {
                bind(ps, plan.values());
                if (cursor) {
                    ps.setFetchSize(FETCH_SIZE);
                }
                g.writeStartObject();
                g.writeArrayFieldStart("rows");
                rows = run(ps, plan, g);
                g.writeEndArray();
                if (cursor) {
                    c.commit();
                }
                g.writeNumberField("row_count", rows);
                g.writeNumberField("execution_time_ms", (System.nanoTime() - started) / 1_000_000);
                g.writeEndObject();
            }
            return new Result(rows, body.finish());
        } catch (SQLException e) {
            rollbackQuietly(c, cursor);
            throw failure(database, plan, e);
        } catch (IOException e) {
            rollbackQuietly(c, cursor);
            throw new UncheckedIOException("client went away while the result was streaming", e);
        } finally {
            restoreAutoCommit(c, cursor);
        }
    }

    private static long run(PreparedStatement ps, CallPlan plan, JsonGenerator g) throws SQLException, IOException {
        if (plan.routine().returnsVoid()) {
            ps.execute();
            return 0;
        }
        if (!ps.execute()) {
            return 0; // a procedure without output arguments
        }
        try (ResultSet rs = ps.getResultSet()) {
            ResultSetMetaData md = rs.getMetaData();
            int columns = md.getColumnCount();
            List<String> names = new ArrayList<>(columns);
            for (int i = 1; i <= columns; i++) {
                names.add(md.getColumnLabel(i));
            }
            List<ValueWriters.ValueWriter> writers = columns == plan.writers().size()
                    ? plan.writers() : java.util.Collections.<ValueWriters.ValueWriter>nCopies(columns, JsonGenerator::writeString);
            long rows = 0;
            while (rs.next()) {
                writeRow(rs, g, names, writers);
                rows++;
            }
            return rows;
        }
    }

    private static void writeRow(ResultSet rs, JsonGenerator g, List<String> names,
                                 List<ValueWriters.ValueWriter> writers) throws SQLException, IOException {
        g.writeStartObject();
        for (int i = 0; i < names.size(); i++) {
            g.writeFieldName(names.get(i));
            ValueWriters.writeOptional(g, Optional.ofNullable(rs.getString(i + 1)), writers.get(i));
        }
        g.writeEndObject();
    }

    private static void bind(PreparedStatement ps, List<Optional<String>> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            Optional<String> value = values.get(i);
            if (value.isPresent()) {
                ps.setObject(i + 1, value.get(), Types.OTHER); // "unknown": the cast in the SQL decides the type
            } else {
                ps.setNull(i + 1, Types.OTHER);
            }
        }
    }

    /** PostgreSQL's own words, with its SQLSTATE; the HTTP status follows from the SQLSTATE class. */
    static CairnException failure(String database, CallPlan plan, SQLException e) {
        if (!(e instanceof PSQLException pg) || pg.getServerErrorMessage() == null) {
            return new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED,
                    "lost the connection to database " + database + ": " + e.getMessage())
                    .with("database", database), e);
        }
        ServerErrorMessage server = pg.getServerErrorMessage();
        return new CairnException(Problem.of(ErrorCode.QUERY_FAILED,
                        plan.routine().name() + " failed: " + server.getMessage())
                .with("database", database)
                .with("function", plan.routine().name())
                .with("cause", server.getMessage())
                .with("sqlstate", server.getSQLState())
                .with("detail", server.getDetail())
                .with("hint", server.getHint()), e);
    }

    private static void rollbackQuietly(Connection c, boolean inTransaction) {
        if (inTransaction) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // A broken connection: Hikari discards it and the server rolls back.
            }
        }
    }

    private static void restoreAutoCommit(Connection c, boolean changed) {
        if (changed) {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // Same as above: the pool will not hand out a broken connection again.
            }
        }
    }
}
