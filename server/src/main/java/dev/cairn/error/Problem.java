package dev.cairn.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What went wrong, as a value: a code, a human message and ordered extra fields
 * ({@code database}, {@code cause}, {@code sqlstate}, {@code detail}, {@code hint}, {@code file},
 * {@code line}, or anything an error needs to explain itself, such as the limit that was hit).
 * Field values are JSON-friendly: strings, numbers, booleans, lists and maps.
 */
public record Problem(ErrorCode code, String message, Map<String, Object> fields) {

    public Problem {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Problem of(ErrorCode code, String message) {
        return new Problem(code, message, Map.of());
    }

    /** A copy with one more field; a null value leaves the problem unchanged. */
    public Problem with(String key, Object value) {
        if (value == null) {
            return this;
        }
        var copy = new LinkedHashMap<>(fields);
        copy.put(key, value);
        return new Problem(code, message, copy);
    }

    public Problem withMessage(String newMessage) {
        return new Problem(code, newMessage, fields);
    }
}
