package dev.cairn.realm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Strict reading of the JSON the realm routes take: an unknown key or a value of the wrong type is a
 * {@code 400 validation_error} naming its path ({@code config.rules[0].allowFrom.realmIds}), never
 * ignored, so a typo in a rule cannot quietly widen or narrow it.
 */
final class Fields {

    private Fields() {
    }

    static CairnException invalid(String path, String message) {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, path + " " + message).with("field", path));
    }

    static String path(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static void object(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw invalid(path.isEmpty() ? "the body" : path, "must be a JSON object");
        }
    }

    /** Refuses keys outside {@code allowed}. */
    static void only(JsonNode obj, String path, Set<String> allowed) {
        object(obj, path);
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw invalid(path(path, key), "is not a known field (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    static boolean has(JsonNode obj, String key) {
        return obj.has(key) && !obj.get(key).isNull();
    }

    static Optional<String> text(JsonNode obj, String path, String key) {
        if (!has(obj, key)) {
            return Optional.empty();
        }
        JsonNode v = obj.get(key);
        if (!v.isTextual()) {
            throw invalid(path(path, key), "must be a string");
        }
        return Optional.of(v.asText());
    }

    static String requiredText(JsonNode obj, String path, String key) {
        String value = text(obj, path, key).orElseThrow(() -> invalid(path(path, key), "is required"));
        if (value.isBlank()) {
            throw invalid(path(path, key), "must not be empty");
        }
        return value;
    }

    static Optional<Boolean> bool(JsonNode obj, String path, String key) {
        if (!has(obj, key)) {
            return Optional.empty();
        }
        JsonNode v = obj.get(key);
        if (!v.isBoolean()) {
            throw invalid(path(path, key), "must be true or false");
        }
        return Optional.of(v.asBoolean());
    }

    static Optional<List<String>> strings(JsonNode obj, String path, String key) {
        if (!has(obj, key)) {
            return Optional.empty();
        }
        JsonNode v = obj.get(key);
        if (!v.isArray()) {
            throw invalid(path(path, key), "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).asText().isBlank()) {
                throw invalid(path(path, key) + "[" + i + "]", "must be a non-empty string");
            }
            out.add(v.get(i).asText());
        }
        return Optional.of(List.copyOf(out));
    }

    static Optional<JsonNode> objectField(JsonNode obj, String path, String key) {
        if (!has(obj, key)) {
            return Optional.empty();
        }
        object(obj.get(key), path(path, key));
        return Optional.of(obj.get(key));
    }

    static List<JsonNode> array(JsonNode obj, String path, String key, boolean required) {
        if (!has(obj, key)) {
            if (required) {
                throw invalid(path(path, key), "is required");
            }
            return List.of();
        }
        JsonNode v = obj.get(key);
        if (!v.isArray()) {
            throw invalid(path(path, key), "must be an array");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }
}
