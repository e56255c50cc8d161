package dev.cairn.data;

import dev.cairn.sql.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SQL being written by a planner, with its bound values beside it: text goes in through
 * {@link #add}, names through {@link #name} (quoted by {@link Identifiers}), values only through
 * {@link #bind}. Parameters are sent untyped, so PostgreSQL types each by the column it meets.
 */
final class SqlText {

    private final StringBuilder sql = new StringBuilder(256);
    private final List<Optional<String>> parameters = new ArrayList<>();

    SqlText add(String text) {
        sql.append(text);
        return this;
    }

    SqlText name(String identifier) {
        sql.append(Identifiers.quote(identifier));
        return this;
    }

    /** {@code alias."column"}. */
    SqlText column(String alias, String column) {
        sql.append(alias).append('.').append(Identifiers.quote(column));
        return this;
    }

    SqlText table(String schema, String name) {
        sql.append(Identifiers.quote(schema, name));
        return this;
    }

    SqlText bind(String value) {
        sql.append('?');
        parameters.add(Optional.of(value));
        return this;
    }

    SqlText bind(Optional<String> value) {
        sql.append('?');
        parameters.add(value);
        return this;
    }

    /** Another piece with its own values, in place. */
    SqlText append(SqlText other) {
        sql.append(other.sql);
        parameters.addAll(other.parameters);
        return this;
    }

    boolean isEmpty() {
        return sql.isEmpty();
    }

    String sql() {
        return sql.toString();
    }

    List<Optional<String>> parameters() {
        return parameters;
    }
}
