package dev.cairn.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A page's {@code nextCursor}: the last row's values of the ORDER BY columns (the requested order,
 * then the primary key), as PostgreSQL printed them, in a JSON array encoded base64url. Opaque to
 * clients; the next request continues strictly after that row in the same order.
 */
final class Cursor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Cursor() {
    }

    static String encode(List<Optional<String>> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(v -> {
            if (v.isPresent()) {
                array.add(v.get());
            } else {
                array.addNull();
            }
        });
        return Base64.getUrlEncoder().withoutPadding().encodeToString(array.toString().getBytes(StandardCharsets.UTF_8));
    }

    static List<Optional<String>> decode(String token, int columns) {
        JsonNode array;
        try {
            array = JSON.readTree(Base64.getUrlDecoder().decode(token));
        } catch (Exception e) { // not base64, not JSON: the same answer for both
            throw ListArgs.invalid("cursor", "cursor is not a nextCursor this API returned");
        }
        if (array == null || !array.isArray() || array.size() != columns) {
            throw ListArgs.invalid("cursor", "cursor does not fit this orderBy: pass the same orderBy as the page it came from");
        }
        List<Optional<String>> values = new ArrayList<>();
        for (JsonNode v : array) {
            if (!v.isNull() && !v.isTextual()) {
                throw ListArgs.invalid("cursor", "cursor is not a nextCursor this API returned");
            }
            values.add(v.isNull() ? Optional.empty() : Optional.of(v.textValue()));
        }
        return values;
    }
}
