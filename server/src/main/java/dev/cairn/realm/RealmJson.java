package dev.cairn.realm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** JSON in and out of the realm tables' {@code jsonb} columns. */
final class RealmJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private RealmJson() {
    }

    static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text == null ? "null" : text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
