package dev.cairn.sql;

import dev.cairn.error.CairnException;

import java.util.BitSet;
import java.util.List;
import java.util.StringJoiner;

/**
 * The checksum normal form: "formatting never changes it, meaning always does".
 *
 * <p>Statements are normalized one by one and joined with {@code ";\n"}; within a statement
 * tokens are joined by one space (comments and whitespace are gone). WORDs are lower-cased as
 * PostgreSQL folds them. STRING, QUOTED_IDENT, NUMBER and PARAM are kept exactly, except the
 * letter case of a literal's prefix ({@code e'..'} is {@code E'..'}). A SQL or PL/pgSQL routine
 * body ({@link RoutineBodies}) is normalized recursively and re-quoted; any other dollar
 * string keeps its content exactly and only loses its tag ({@link DollarQuotes#quote}).
 *
 * <p>Every normalized token lexes back to itself and statements are separated by a sequence
 * no single statement produces, so different token sequences never normalize alike. Body
 * nesting is followed {@value #MAX_NESTED_BODIES} levels deep; deeper bodies are kept exactly,
 * which bounds both recursion and work on hostile input.
 */
final class Normalizer {

    static final int MAX_NESTED_BODIES = 8;

    private Normalizer() {
    }

    static String normalize(String sql) {
        return script(sql, 0);
    }

    private static String script(String sql, int depth) {
        StringJoiner out = new StringJoiner(";\n");
        for (SqlStatement statement : SqlScript.split(sql)) {
            out.add(statement(statement, depth));
        }
        return out.toString();
    }

    private static String statement(SqlStatement statement, int depth) {
        BitSet bodies = RoutineBodies.sqlBodies(statement);
        List<Token> tokens = statement.tokens();
        StringBuilder out = new StringBuilder(statement.text().length());
        for (int i = 0; i < tokens.size(); i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(token(tokens.get(i), bodies.get(i), depth));
        }
        return out.toString();
    }

    private static String token(Token t, boolean body, int depth) {
        return switch (t.kind()) {
            case WORD -> Chars.lower(t.text());
            case STRING, QUOTED_IDENT -> upperCasePrefix(t.text());
            case DOLLAR_STRING -> body && depth < MAX_NESTED_BODIES
                    ? body(DollarQuotes.content(t.text()), depth)
                    : DollarQuotes.quote(DollarQuotes.content(t.text()));
            default -> t.text();
        };
    }

    /**
     * A body that does not lex as SQL is kept exactly: PostgreSQL will reject it when the
     * routine is created, and the checksum must not fail before that.
     */
    private static String body(String content, int depth) {
        try {
            return DollarQuotes.quote(script(content, depth + 1));
        } catch (CairnException notSql) {
            return DollarQuotes.quote(content);
        }
    }

    /** {@code e'..'} and {@code E'..'}, {@code u&".."} and {@code U&".."} mean the same. */
    private static String upperCasePrefix(String text) {
        if (text.startsWith("'") || text.startsWith("\"")) {
            return text;
        }
        StringBuilder b = new StringBuilder(text);
        for (int i = 0; i < b.length() && b.charAt(i) != '\'' && b.charAt(i) != '"'; i++) {
            b.setCharAt(i, Chars.upper(b.charAt(i)));
        }
        return b.toString();
    }
}
