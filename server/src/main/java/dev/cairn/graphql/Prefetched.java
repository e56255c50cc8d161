package dev.cairn.graphql;

import dev.cairn.error.CairnException;
import java.util.HashMap;
import java.util.Map;

/** What each root field of a request answered (by result key), or the error it failed with. */
final class Prefetched {

    private final Map<String, Object> values = new HashMap<>();
    private final Map<String, CairnException> errors = new HashMap<>();
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
