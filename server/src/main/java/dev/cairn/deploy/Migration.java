package dev.cairn.deploy;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The state of one migrate while it runs inside its transaction: the connection, what was asked,
 * and what has been done so far (changelog entries, statements, warnings). One per run, one thread.
 */
final class Migration {

    final Connection connection;
    final StatementRunner runner;
    final MigrateOptions options;
    final List<Change> changes = new ArrayList<>();
    final List<String> statements = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();

    Migration(Connection connection, MigrateOptions options) {
        this.connection = connection;
        this.runner = new StatementRunner(connection);
        this.options = options;
    }

    /** Runs one bundle statement (errors name its file and line) and logs it. */
    int runBundle(Located l, ErrorCode failure) {
        int rows = runner.execute(l.file(), l.statement(), failure);
        statements.add(l.statement().text());
        return rows;
    }

    /** Runs a statement Cairn generated (a plan step, a DROP): errors carry the statement itself. */
    void run(String sql, String what) {
        try (Statement st = connection.createStatement()) {
            st.setEscapeProcessing(false);
            st.execute(sql);
            statements.add(sql);
        } catch (SQLException e) {
            throw failure(sql, what, e);
        }
    }

    /** One text value per row of a query with bound string parameters. */
    List<String> strings(String sql, String... params) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        } catch (SQLException e) {
            throw failure(sql, "reading the catalog", e);
        }
    }

    static CairnException failure(String sql, String what, SQLException e) {
        if (!(e instanceof PSQLException pg) || pg.getServerErrorMessage() == null) {
            return new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED,
                    "lost the database connection while " + what + ": " + e.getMessage()), e);
        }
        ServerErrorMessage server = pg.getServerErrorMessage();
        String state = server.getSQLState();
        ErrorCode code = state.startsWith("08") || state.startsWith("57P") ? ErrorCode.CONNECTION_FAILED
                : ErrorCode.MIGRATION_FAILED;
        return new CairnException(Problem.of(code, what + " failed: " + server.getMessage())
                .with("sqlstate", state).with("detail", server.getDetail()).with("hint", server.getHint())
                .with("statement", sql.isEmpty() ? null : sql), e);
    }
}
