package dev.cairn.sql;

import java.util.List;
import java.util.Optional;

/** A dotted name read from a token list ({@code parts} case-folded, never empty) and the index after it. */
record NameAt(List<String> parts, int next) {

    NameAt {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a name has at least one part");
        }
    }

    QualifiedName qualified() {
        return QualifiedName.fromParts(parts);
    }

    /** The name without its last part: the table of a {@code table.column} reference. */
    Optional<QualifiedName> parent() {
        return parts.size() < 2
                ? Optional.empty()
                : Optional.of(QualifiedName.fromParts(parts.subList(0, parts.size() - 1)));
    }
}
