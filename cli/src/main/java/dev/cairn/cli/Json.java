package dev.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading and writing JSON, and the small accessors the commands need on server answers. */
final class Json {

    private Json() {
    }

    static byte[] bytes(Object value) {
        try {
            return Api.JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pretty(JsonNode node) {
        try {
            return Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Optional<JsonNode> parse(String text) {
        try {
            return Optional.of(Api.JSON.readTree(text)).filter(n -> !n.isMissingNode());
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A field as text: empty for a missing or null field, the JSON text for arrays and objects. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    static long number(JsonNode node, String field) {
        return node.path(field).asLong(0);
    }

    static List<JsonNode> list(JsonNode node, String field) {
        List<JsonNode> out = new ArrayList<>();
        if (node.path(field) instanceof ArrayNode array) {
            array.forEach(out::add);
        }
        return out;
    }

    /** A table cell: strings bare, null empty, everything else as JSON. */
    static String cell(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "";
        }
        return v.isTextual() ? v.asText() : v.toString();
    }
}
