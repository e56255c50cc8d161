package dev.cairn.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query string of a list (or get): {@code where}, {@code orderBy}, {@code select},
 * {@code include} as JSON, {@code take}, {@code skip}, {@code cursor}, {@code count}. Strict: any
 * other key, a key given twice, or a value that does not parse is {@code 400 invalid_query}.
 */
public record ListArgs(JsonNode where, JsonNode orderBy, JsonNode select, JsonNode include, int take, long skip,
                       Optional<String> cursor, boolean count) {

    public static final int MAX_TAKE = 1000;
    public static final int DEFAULT_TAKE = 100;
    private static final long MAX_SKIP = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LIST_KEYS = Set.of("where", "orderBy", "select", "include", "take", "skip",
            "cursor", "count");
    private static final Set<String> GET_KEYS = Set.of("select", "include");

    public static ListArgs none() {
        return new ListArgs(MissingNode.getInstance(), MissingNode.getInstance(), MissingNode.getInstance(),
                MissingNode.getInstance(), DEFAULT_TAKE, 0, Optional.empty(), false);
    }

    /** Arguments another face read (GraphQL's), checked as the query string's are. */
    public static ListArgs of(JsonNode where, JsonNode orderBy, JsonNode select, JsonNode include, long take, long skip,
                              Optional<String> cursor, boolean count) {
        if (take < 1 || take > MAX_TAKE) {
            throw invalid("take", "take is between 1 and " + MAX_TAKE);
        }
        if (skip < 0 || skip > MAX_SKIP) {
            throw invalid("skip", "skip is between 0 and " + MAX_SKIP);
        }
        return new ListArgs(where, orderBy, select, include, (int) take, skip, cursor.filter(c -> !c.isEmpty()), count);
    }

    public static ListArgs forList(Map<String, List<String>> query) {
        return parse(query, LIST_KEYS);
    }

    public static ListArgs forGet(Map<String, List<String>> query) {
        return parse(query, GET_KEYS);
    }

    private static ListArgs parse(Map<String, List<String>> query, Set<String> allowed) {
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw invalid(e.getKey(), "unknown query parameter " + e.getKey() + "; known: " + new TreeSet<>(allowed));
            }
            if (e.getValue().size() > 1) {
                throw invalid(e.getKey(), "query parameter " + e.getKey() + " is given more than once");
            }
        }
        int take = one(query, "take").map(v -> (int) number(v, "take", 1, MAX_TAKE)).orElse(DEFAULT_TAKE);
        long skip = one(query, "skip").map(v -> number(v, "skip", 0, MAX_SKIP)).orElse(0L);
        boolean count = one(query, "count").map(v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid("count", "count is true or false");
        }).orElse(false);
        return new ListArgs(json(query, "where"), json(query, "orderBy"), json(query, "select"), json(query, "include"),
                take, skip, one(query, "cursor").filter(c -> !c.isEmpty()), count);
    }

    private static Optional<String> one(Map<String, List<String>> query, String key) {
        return Optional.ofNullable(query.get(key)).filter(v -> !v.isEmpty()).map(v -> v.get(0));
    }

    private static JsonNode json(Map<String, List<String>> query, String key) {
        Optional<String> text = one(query, key).filter(v -> !v.isBlank());
        if (text.isEmpty()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(text.get());
        } catch (JsonProcessingException e) {
            throw invalid(key, key + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static long number(String value, String key, long min, long max) {
        try {
            long n = Long.parseLong(value);
            if (n < min || n > max) {
                throw invalid(key, key + " is between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(key, key + " is an integer");
        }
    }

    static CairnException invalid(String key, String message) {
        return new CairnException(Problem.of(ErrorCode.INVALID_QUERY, message).with("parameter", key));
    }
}
