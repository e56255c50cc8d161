package dev.cairn.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/** How jobs keep their options and per-database results in the control database (JSON columns). */
final class JobJson {

    /** Unknown fields are ignored so that a row written by a newer Cairn can still be read. */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JobJson() {
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JobOptions options(String json) {
        try {
            return JSON.readValue(json, JobOptions.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable job options", e);
        }
    }

    static ItemResult result(String json) {
        try {
            return JSON.treeToValue(upgraded((ObjectNode) JSON.readTree(json)), ItemResult.class);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("unreadable job result", e);
        }
    }

    static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    /**
     * A result stored before results had {@code unchanged} and a sentence for {@code error}, read
     * as it is written now (a job from an older Cairn can still be polled and resumed).
     */
    private static ObjectNode upgraded(ObjectNode stored) {
        if (stored.has("problem")) {
            return stored;
        }
        boolean unchanged = "unchanged".equals(stored.path("status").asText());
        if (unchanged) {
            stored.put("status", "completed");
        }
        stored.put("unchanged", unchanged);
        JsonNode error = stored.path("error");
        if (error.isObject()) {
            stored.set("problem", error);
            stored.put("error", error.path("message").asText());
        } else {
            stored.putNull("problem");
        }
        return stored;
    }
}
