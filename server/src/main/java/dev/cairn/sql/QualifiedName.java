package dev.cairn.sql;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A possibly schema-qualified object name, parts already case-folded as PostgreSQL does
 * ({@link Token#identifier()}): {@code Public."Order Items"} is schema {@code public}, name
 * {@code Order Items}. A catalog (database) prefix is dropped since it can only name the
 * current database.
 */
public record QualifiedName(Optional<String> schema, String name) {

    public QualifiedName {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    static QualifiedName of(String name) {
        return new QualifiedName(Optional.empty(), name);
    }

    static QualifiedName of(String schema, String name) {
        return new QualifiedName(Optional.of(schema), name);
    }

    /** The last part is the name, the one before it (if any) the schema. */
    static QualifiedName fromParts(List<String> parts) {
        String name = parts.getLast();
        return parts.size() == 1 ? of(name) : of(parts.get(parts.size() - 2), name);
    }

    /**
     * Whether both names can denote the same object: equal, or equal names where one side has
     * no schema (an unqualified name resolves through the search_path).
     */
    boolean mayDenoteSame(QualifiedName other) {
        return name.equals(other.name)
                && (schema.isEmpty() || other.schema.isEmpty() || schema.equals(other.schema));
    }

    /** {@code schema.name} or {@code name}, unquoted (for messages and logs, not for SQL). */
    @Override
    public String toString() {
        return schema.map(s -> s + "." + name).orElse(name);
    }
}
