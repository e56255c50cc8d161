package dev.cairn.entity;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Row ids as the Panorama gateway writes them: one segment per primary-key column, in key order,
 * each URI-encoded, joined by {@code :} ({@code 0%3Aabcd:conv-ton-1} is {@code ["0:abcd",
 * "conv-ton-1"]}). Parsed from the raw (still encoded) path segment, since a decoded path would
 * have turned an encoded {@code :} into a separator.
 */
public final class CompositeId {

    private CompositeId() {
    }

    /** The key values of {@code raw}; {@code 400 validation_error} for the wrong number of segments. */
    public static List<String> parse(String raw, Entity entity) {
        if (!entity.addressable()) {
            throw new CairnException(Problem.of(ErrorCode.INVALID_REQUEST, "entity " + entity.name()
                    + " has no primary key: its rows cannot be addressed one by one").with("entity", entity.name()));
        }
        List<String> segments = new ArrayList<>();
        int from = 0;
        for (int at = raw.indexOf(':'); at >= 0; at = raw.indexOf(':', from)) {
            segments.add(raw.substring(from, at));
            from = at + 1;
        }
        segments.add(raw.substring(from));
        if (segments.size() != entity.key().size()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "invalid composite identifier: "
                    + entity.name() + " is identified by " + entity.key().size() + " value(s) ("
                    + String.join(", ", entity.key().stream().map(entity::nameOf).toList())
                    + "), URI-encoded and joined by ':'").with("entity", entity.name()).with("field", "id"));
        }
        return segments.stream().map(CompositeId::decode).toList();
    }

    /** The id of a row with these key values, as the API shows it. */
    public static String format(List<String> values) {
        return String.join(":", values.stream().map(v -> URLEncoder.encode(v, StandardCharsets.UTF_8)
                .replace("+", "%20")).toList());
    }

    private static String decode(String segment) {
        try {
            // a literal '+' in a path segment is a plus, not a space (that is form encoding)
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "invalid composite identifier: "
                    + "a segment is not valid URI encoding").with("field", "id"));
        }
    }
}
