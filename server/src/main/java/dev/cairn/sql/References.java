package dev.cairn.sql;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the tables a statement needs to exist. Shapes recognised:
 * <ul>
 *   <li>{@code REFERENCES x} anywhere (inline and table-level foreign keys, ALTER TABLE ADD);
 *   <li>{@code INHERITS (a, b)}, {@code PARTITION OF x}, {@code ATTACH PARTITION x};
 *   <li>{@code CREATE TABLE t (LIKE x ...)};
 *   <li>{@code CREATE [UNIQUE] INDEX ... ON [ONLY] x};
 *   <li>{@code ALTER TABLE [IF EXISTS] [ONLY] x};
 *   <li>{@code COMMENT ON TABLE x}, {@code COMMENT ON COLUMN x.c} (x is all but the last part);
 *   <li>{@code CREATE [OR REPLACE] [CONSTRAINT] TRIGGER ... ON x}, {@code CREATE POLICY ... ON x};
 *   <li>{@code GRANT|REVOKE ... ON [TABLE] x [, y]} (not ON SEQUENCE, FUNCTION, SCHEMA, ...).
 * </ul>
 * A name that may be the created table itself (same name, same or unspecified schema) is
 * left out: a self reference is not a dependency.
 */
final class References {

    private static final String[] NON_TABLE_OBJECTS = {
        "sequence", "database", "domain", "foreign", "function", "procedure", "routine",
        "language", "large", "schema", "tablespace", "type", "parameter"};

    private final Tokens tokens;
    private final Set<QualifiedName> found = new LinkedHashSet<>();

    private References(Tokens tokens) {
        this.tokens = tokens;
    }

    static Set<QualifiedName> find(Tokens tokens, Optional<QualifiedName> created) {
        References refs = new References(tokens);
        refs.keywordShapes();
        refs.statementShapes();
        if (created.isPresent()) {
            refs.likeSources();
        }
        created.ifPresent(c -> refs.found.removeIf(r -> r.mayDenoteSame(c)));
        return Collections.unmodifiableSet(refs.found);
    }

    /** Shapes that may appear anywhere in a statement. */
    private void keywordShapes() {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.word(i, "references")) {
                add(tokens.name(i + 1));
            } else if (tokens.word(i, "inherits") && tokens.punct(i + 1, "(")) {
                addAll(tokens.nameList(i + 2));
            } else if (tokens.word(i, "partition") && tokens.word(i + 1, "of")) {
                add(tokens.name(i + 2));
            } else if (tokens.word(i, "attach") && tokens.word(i + 1, "partition")) {
                add(tokens.name(i + 2));
            }
        }
    }

    /** {@code LIKE x} as a table element: right after the column list's "(" or a ",". */
    private void likeSources() {
        for (int i = 1; i < tokens.size(); i++) {
            boolean element = tokens.punct(i - 1, "(") || tokens.punct(i - 1, ",");
            if (element && tokens.depth(i) == 1 && tokens.word(i, "like")) {
                add(tokens.name(i + 1));
            }
        }
    }

    /** Shapes decided by the statement's leading keywords. */
    private void statementShapes() {
        if (tokens.word(0, "create")) {
            createShapes();
        } else if (tokens.word(0, "alter") && tokens.word(1, "table")) {
            int i = tokens.skip(2, "if", "exists");
            add(tokens.name(tokens.skip(i, "only")));
        } else if (tokens.word(0, "comment") && tokens.word(1, "on")) {
            commentOn();
        } else if (tokens.anyWord(0, "grant", "revoke")) {
            privilegesOn();
        }
    }

    private void createShapes() {
        int i = tokens.skip(1, "unique");
        if (tokens.word(i, "index")) {
            tableAfterOn(i + 1);
            return;
        }
        i = tokens.skip(tokens.skip(1, "or", "replace"), "constraint");
        if (tokens.anyWord(i, "trigger", "policy")) {
            tableAfterOn(i + 1);
        }
    }

    /** The table after the first top-level ON from {@code from}, skipping ONLY. */
    private void tableAfterOn(int from) {
        int on = tokens.findTopLevel(from, "on");
        if (on >= 0) {
            add(tokens.name(tokens.skip(on + 1, "only")));
        }
    }

    private void commentOn() {
        if (tokens.word(2, "table")) {
            add(tokens.name(3));
        } else if (tokens.word(2, "column")) {
            tokens.name(3).flatMap(NameAt::parent).ifPresent(found::add);
        }
    }

    private void privilegesOn() {
        int on = tokens.findTopLevel(1, "on");
        if (on < 0 || tokens.anyWord(on + 1, NON_TABLE_OBJECTS)) {
            return;
        }
        addAll(tokens.nameList(tokens.skip(on + 1, "table")));
    }

    private void add(Optional<NameAt> name) {
        name.map(NameAt::qualified).ifPresent(found::add);
    }

    private void addAll(List<NameAt> names) {
        names.forEach(n -> found.add(n.qualified()));
    }
}
