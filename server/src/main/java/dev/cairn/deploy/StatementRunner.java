package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.sql.SqlStatement;
import dev.cairn.sql.StatementInfo;
import dev.cairn.sql.TokenKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Runs bundle statements one at a time inside the deploy transaction, so that a failure can be
 * reported with the file and line it came from, PostgreSQL's SQLSTATE, message, detail and hint.
 */
final class StatementRunner {

    private static final Pattern ROUTINE_LINE = Pattern.compile("line (\\d+)");

    private final Connection connection;

    StatementRunner(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    /**
     * Executes one statement and returns the number of rows it changed (or returned).
     * Transaction control in a file ({@code BEGIN;} ... {@code COMMIT;}) is skipped: the whole
     * deploy already is one transaction, and obeying it would commit half a deploy.
     */
    int execute(BundleFile file, SqlStatement statement, ErrorCode failure) {
        StatementInfo info = StatementInfo.of(statement);
        if (info.isTransactionControl()) {
            if (info.firstKeywords(1).equals("rollback") || info.firstKeywords(1).equals("abort")) {
                throw located(file, statement, failure, "ROLLBACK in a bundle file cannot be honoured: "
                        + "the deploy runs in one transaction");
            }
            return 0;
        }
        info.notInTransactionReason().ifPresent(reason -> {
            throw located(file, statement, failure, reason + "; Cairn deploys everything in one transaction");
        });
        try (Statement st = connection.createStatement()) {
            st.setEscapeProcessing(false);
            boolean hasRows = st.execute(statement.text());
            return hasRows ? countRows(st.getResultSet()) : Math.max(0, st.getUpdateCount());
        } catch (SQLException e) {
            throw failure(file, statement, failure, e);
        }
    }

    private static int countRows(ResultSet rs) throws SQLException {
        int rows = 0;
        while (rs.next()) {
            rows++;
        }
        return rows;
    }

    static CairnException located(BundleFile file, SqlStatement statement, ErrorCode code, String message) {
        return new CairnException(Problem.of(code, file.path() + ":" + statement.startLine() + ": " + message)
                .with("file", file.path()).with("line", statement.startLine()));
    }

    /** Maps a PostgreSQL error to a problem naming the file and the line inside it. */
    static CairnException failure(BundleFile file, SqlStatement statement, ErrorCode code, SQLException e) {
        if (!(e instanceof PSQLException pg) || pg.getServerErrorMessage() == null) {
            return new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED,
                    "lost the database connection while running " + file.path() + ": " + e.getMessage())
                    .with("file", file.path()).with("line", statement.startLine()), e);
        }
        ServerErrorMessage server = pg.getServerErrorMessage();
        String sqlstate = server.getSQLState();
        if (sqlstate.startsWith("08") || sqlstate.startsWith("53") || sqlstate.startsWith("57P")) {
            return new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, "PostgreSQL ended the deploy ("
                    + server.getMessage() + ") while running " + file.path() + "; nothing was applied, try again")
                    .with("file", file.path()).with("sqlstate", sqlstate), e);
        }
        int line = lineOf(statement, server);
        ErrorCode effective = isMissingExtension(sqlstate, server.getMessage()) ? ErrorCode.EXTENSION_NOT_AVAILABLE : code;
        Problem problem = Problem.of(effective, file.path() + ":" + line + ": " + server.getMessage())
                .with("file", file.path())
                .with("line", line)
                .with("sqlstate", sqlstate)
                .with("detail", server.getDetail())
                .with("hint", server.getHint())
                .with("cause", server.getWhere());
        return new CairnException(problem, e);
    }

    private static boolean isMissingExtension(String sqlstate, String message) {
        String m = message == null ? "" : message;
        return ("0A000".equals(sqlstate) || "58P01".equals(sqlstate))
                && (m.contains("extension") || m.contains("control file"));
    }

    /**
     * The error position is a character index into the statement; errors inside a routine body
     * come as "... line N" of the body instead, counted from the line of its opening quote.
     */
    static int lineOf(SqlStatement statement, ServerErrorMessage server) {
        if (server.getPosition() > 0) {
            return statement.lineAt(server.getPosition());
        }
        String where = server.getWhere() == null ? "" : server.getWhere();
        Matcher m = ROUTINE_LINE.matcher(where);
        if (m.find()) {
            int bodyLine = Integer.parseInt(m.group(1));
            return statement.tokens().stream()
                    .filter(t -> t.kind() == TokenKind.DOLLAR_STRING)
                    .findFirst()
                    .map(t -> t.line() + bodyLine - 1)
                    .orElse(statement.startLine());
        }
        return statement.startLine();
    }
}
