package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The one exception of the client: a message for stderr and the exit code to end with. A server
 * error also carries the server's JSON body, which {@code --json} prints as it came.
 */
final class CliException extends RuntimeException {

    private final int exitCode;
    private final transient Optional<JsonNode> body;

    CliException(int exitCode, String message) {
        this(exitCode, message, Optional.empty());
    }

    CliException(int exitCode, String message, Optional<JsonNode> body) {
        super(message);
        this.exitCode = exitCode;
        this.body = body;
    }

    static CliException local(String message) {
        return new CliException(Exit.LOCAL, message);
    }

    int exitCode() {
        return exitCode;
    }

    Optional<JsonNode> body() {
        return body;
    }
}
