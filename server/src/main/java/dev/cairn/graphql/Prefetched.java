package dev.cairn.graphql;

import dev.cairn.error.CairnException;
import java.util.HashMap;
import java.util.Map;

/** What each root field of a request answered (by result key), or the error it failed with. */
final class Prefetched {

    private final Map<String, Object> values = new HashMap<>();
    private final Map<String, CairnException> errors = new HashMap<>();
    /** Root fields answered as the JSON text of their value (their rows copied as PostgreSQL wrote them). */
    private final Map<String, String> raw = new java.util.LinkedHashMap<>();
    private int statements;

    /** One more SQL statement ran for the request (a read, a call, a write: never one per nested level). */
    void ran(int statements) {
        this.statements += statements;
    }

    int statements() {
        return statements;
    }

    void put(String key, Object value) {
        values.put(key, value);
    }

    void putRaw(String key, String json) {
        raw.put(key, json);
    }

    /** Whether every root field was answered as text, none failed: the answer can be written from them alone. */
    boolean allRaw() {
        return !raw.isEmpty() && errors.isEmpty() && values.isEmpty();
    }

    /** {@code {"key": value, ...}} of the raw answers, in the order they were put (the request's). */
    String rawData() {
        StringBuilder out = new StringBuilder(64);
        out.append('{');
        raw.forEach((key, json) -> out.append(out.length() > 1 ? "," : "").append('"').append(key).append("\":").append(json));
        return out.append('}').toString();
    }

    /** Raw answers turned into values, for when GraphQL must execute after all (a field failed). */
    void parseRaw() {
        raw.forEach((key, json) -> values.put(key, Roots.parseRow(json)));
        raw.clear();
    }

    void fail(String key, CairnException e) {
        errors.put(key, e);
    }

    /** The field's value (possibly null); its error is thrown, for GraphQL to place at its path. */
    Object take(String key) {
        CairnException e = errors.get(key);
        if (e != null) {
            throw e;
        }
        return values.get(key);
    }
}
