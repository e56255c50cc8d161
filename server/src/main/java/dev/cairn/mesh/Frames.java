package dev.cairn.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * The mesh's wire: frames are {@code {type, payload}} JSON objects, as the InterRealm gateway's
 * members send and read them. Errors travel as {@code {code, message}} with the seed's codes.
 */
public final class Frames {

    static final ObjectMapper JSON = new ObjectMapper();

    private Frames() {
    }

    /** A frame of this type; fill its payload. */
    static ObjectNode frame(String type, ObjectNode payload) {
        ObjectNode frame = JSON.createObjectNode();
        frame.put("type", type);
        frame.set("payload", payload);
        return frame;
    }

    static ObjectNode payload() {
        return JSON.createObjectNode();
    }

    static String timestamp() {
        return Instant.now().toString();
    }

    /** One frame read from text: an object with a string {@code type}; else {@code INVALID_REQUEST}. */
    public static JsonNode read(String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (IOException e) {
            throw invalid("frame", "one JSON object {type, payload}");
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isTextual()) {
            throw invalid("frame", "one JSON object {type, payload}");
        }
        return frame;
    }

    static CairnException invalid(String field, String expected) {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, field + " must be " + expected)
                .with("field", field));
    }

    /** A required non-blank string of at most {@code max} characters. */
    static String text(JsonNode payload, String field, int max) {
        JsonNode v = payload.path(field);
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > max) {
            throw invalid(field, "a non-empty string of at most " + max + " characters");
        }
        return v.asText();
    }

    static Optional<String> optionalText(JsonNode payload, String field, int max) {
        JsonNode v = payload.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return Optional.empty();
        }
        return Optional.of(text(payload, field, max));
    }

    /** A whole number of milliseconds within bounds, or the default when absent. */
    static long millis(JsonNode payload, String field, long fallback, long min, long max) {
        JsonNode v = payload.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw invalid(field, "a whole number of milliseconds from " + min + " to " + max);
        }
        return v.asLong();
    }

    /**
     * The seed's code for a Cairn error: the policy's 403 is {@code POLICY_DENIED}, a bucket's 429
     * {@code RATE_LIMITED}, and so on; what has no seed name keeps Cairn's (upper-cased).
     */
    public static String code(ErrorCode code) {
        return switch (code) {
            case FORBIDDEN -> "POLICY_DENIED";
            case SERVICE_NOT_FOUND -> "SERVICE_NOT_FOUND";
            case TARGET_OFFLINE -> "TARGET_OFFLINE";
            case SERVICE_TIMEOUT -> "TIMEOUT";
            case RATE_LIMITED -> "RATE_LIMITED";
            case VALIDATION_ERROR, INVALID_REQUEST -> "INVALID_REQUEST";
            case INTERNAL_ERROR -> "INTERNAL_ERROR";
            default -> code.wireName().toUpperCase(java.util.Locale.ROOT);
        };
    }

    /** {@code {code, message}} (and a rate limit's {@code retryAfterMs}) for a frame's {@code error}. */
    static ObjectNode error(Problem problem) {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", code(problem.code()));
        error.put("message", problem.message());
        Object retry = problem.fields().get("retry_after_ms");
        if (retry instanceof Number n) {
            error.put("retryAfterMs", n.longValue());
        }
        Object field = problem.fields().get("field");
        if (field != null) {
            error.put("field", field.toString());
        }
        return error;
    }

    static ObjectNode error(String code, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", code);
        error.put("message", message);
        return error;
    }
}
