package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A non-2xx answer as a {@link CliException}: exit 3 for a blocked change, 4 for anything else;
 * the message names the server's {@code error} and {@code message}, and where the error is
 * (file, line, database) when the server says so.
 */
final class ServerErrors {

    static final String BLOCKED = "schema_change_blocked";

    private ServerErrors() {
    }

    static CliException of(int status, byte[] body) {
        Optional<JsonNode> json = Json.parse(new String(body, StandardCharsets.UTF_8)).filter(JsonNode::isObject);
        if (json.isEmpty()) {
            String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
            return new CliException(Exit.SERVER, "error: HTTP " + status + (text.isEmpty() ? "" : ": " + text));
        }
        JsonNode error = json.get();
        int exit = status == 409 && BLOCKED.equals(Json.text(error, "error")) ? Exit.BLOCKED : Exit.SERVER;
        return new CliException(exit, describe(error, "HTTP " + status), json);
    }

    /**
     * Why one database of a fleet failed or was skipped: its {@code problem} (code, message and
     * where), else its {@code error}, which is only a sentence; without the {@code error: } prefix.
     */
    static String describeResult(JsonNode result) {
        JsonNode problem = result.path("problem");
        return problem.isObject() ? describe(problem, "").replaceFirst("^error: ", "") : Json.text(result, "error");
    }

    /** Whether one database of a fleet was refused a change that could lose data. */
    static boolean blocked(JsonNode result) {
        return BLOCKED.equals(Json.text(result.path("problem"), "error"));
    }

    /** {@code error: CODE (HTTP 422): MESSAGE} and an indented line for file, line, database. */
    static String describe(JsonNode error, String context) {
        StringBuilder s = new StringBuilder("error: ").append(Json.text(error, "error"));
        if (!context.isEmpty()) {
            s.append(" (").append(context).append(')');
        }
        s.append(": ").append(Json.text(error, "message"));
        StringBuilder where = new StringBuilder();
        for (String field : new String[] {"file", "line", "database", "sqlstate"}) {
            String v = Json.text(error, field);
            if (!v.isEmpty()) {
                where.append(where.isEmpty() ? "" : ", ").append(field).append(' ').append(v);
            }
        }
        if (!where.isEmpty()) {
            s.append("\n  at ").append(where);
        }
        return s.toString();
    }
}
